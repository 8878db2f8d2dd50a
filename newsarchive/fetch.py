"""HTTP for feeds and pages: conditional GET, timeouts, a size cap, few redirects, gzip.

One function, ``fetch``, on top of urllib. It sends an honest User-Agent, the feed's last ETag
and Last-Modified (so an unchanged feed costs one 304), follows at most ``max_redirects``
redirects between http(s) URLs, refuses bodies over ``max_bytes`` before or after
decompression (a gzip bomb included), and turns every failure into one ``FetchError`` line.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urlsplit

from newsarchive import __version__
from newsarchive.settings import MAX_BYTES

USER_AGENT = (
    f"newsarchive/{__version__} (internet-freedom news archive; feed reader; "
    f"Python-urllib/{urllib.request.__version__})"
)
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)


class FetchError(Exception):
    """A fetch that failed; the message is the one-line reason."""


@dataclass
class FetchResult:
    """What came back: the body (empty when not modified) and the headers worth keeping."""

    url: str  # after redirects
    status: int
    data: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str:
        return self.headers.get("etag", "")

    @property
    def last_modified(self) -> str:
        return self.headers.get("last-modified", "")


class _LimitedRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if urlsplit(newurl).scheme.lower() not in {"http", "https"}:
            raise FetchError(f"redirect to a non-http URL refused: {newurl[:100]}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener(max_redirects: int) -> urllib.request.OpenerDirector:
    handler = type("Redirects", (_LimitedRedirects,), {"max_redirections": max_redirects})()
    return urllib.request.build_opener(handler)


def _read_capped(response, max_bytes: int) -> bytes:  # type: ignore[no-untyped-def]
    chunks, size = [], 0
    while True:
        chunk = response.read(CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"too large: over {max_bytes:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _decompress(data: bytes, encoding: str, max_bytes: int) -> bytes:
    encoding = encoding.strip().lower()
    if encoding in {"", "identity"}:
        return data
    if encoding in {"gzip", "x-gzip", "deflate"}:
        wbits = 16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS
        try:
            decompressor = zlib.decompressobj(wbits)
            out = decompressor.decompress(data, max_bytes + 1)
        except zlib.error:
            if encoding != "deflate":
                raise FetchError("corrupt gzip body") from None
            try:  # some servers send raw deflate without the zlib header
                decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
                out = decompressor.decompress(data, max_bytes + 1)
            except zlib.error as err:
                raise FetchError(f"corrupt deflate body: {err}") from err
        if len(out) > max_bytes:
            raise FetchError(f"too large: over {max_bytes:,} bytes once decompressed")
        return out
    raise FetchError(f"unsupported Content-Encoding {encoding!r}")


def _headers(message: Message) -> dict[str, str]:
    return {k.lower(): v for k, v in message.items()}


def fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    timeout: float = 20.0,
    max_bytes: int = MAX_BYTES,
    max_redirects: int = MAX_REDIRECTS,
) -> FetchResult:
    """GET ``url``; a 304 comes back as ``not_modified`` with no body."""
    if urlsplit(url).scheme.lower() not in {"http", "https"}:
        raise FetchError("only http and https URLs can be fetched")
    request = urllib.request.Request(url, headers={
        "User-Agent": USER_AGENT,
        "Accept": ACCEPT,
        "Accept-Encoding": "gzip, deflate",
    })
    if etag:
        request.add_header("If-None-Match", etag)
    if last_modified:
        request.add_header("If-Modified-Since", last_modified)
    try:
        with _opener(max_redirects).open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"too large: {int(length):,} bytes (limit {max_bytes:,})")
            raw = _read_capped(response, max_bytes)
            headers = _headers(response.headers)
            final_url = response.geturl()
            status = response.status
    except urllib.error.HTTPError as err:
        if err.code == 304:
            return FetchResult(url=url, status=304, headers=_headers(err.headers))
        if err.code in {301, 302, 303, 307, 308}:
            if "not allowed" in str(err.reason):
                raise FetchError(f"redirect to a non-http URL refused: {err.filename}") from None
            raise FetchError(f"more than {max_redirects} redirects") from None
        raise FetchError(f"HTTP {err.code} {err.reason}") from None
    except urllib.error.URLError as err:
        reason = err.reason
        if isinstance(reason, socket.timeout | TimeoutError):
            raise FetchError(f"timed out after {timeout:g} s") from None
        if isinstance(reason, ssl.SSLError):
            raise FetchError(f"TLS error: {reason.reason or reason}") from None
        if isinstance(reason, socket.gaierror):
            raise FetchError(f"unreachable: cannot resolve host ({reason.strerror})") from None
        raise FetchError(f"unreachable: {reason}") from None
    except TimeoutError:
        raise FetchError(f"timed out after {timeout:g} s") from None
    except (ConnectionError, OSError, ValueError) as err:
        if isinstance(err, FetchError):
            raise
        raise FetchError(f"connection failed: {err}") from None
    except http.client.HTTPException as err:
        raise FetchError(f"malformed or truncated response: {type(err).__name__}") from None
    data = _decompress(raw, headers.get("content-encoding", ""), max_bytes)
    return FetchResult(url=final_url, status=status, data=data, headers=headers)
