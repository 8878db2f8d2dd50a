"""HTTP for feeds and pages: conditional GET, a wall-clock deadline, a size cap, redirects,
gzip, and no request to the editor's own network.

One function, ``fetch``, on top of ``http.client``. It sends an honest User-Agent and the
feed's last ETag and Last-Modified (so an unchanged feed costs one 304), and:

- resolves the host once, refuses it when any address is loopback, private, link-local,
  multicast, unspecified, reserved or otherwise not public (IPv4, IPv6, IPv4-mapped), then
  connects to the address it checked (the Host header and TLS SNI/certificate still name the
  host), so a second DNS answer cannot swap in another address; the connected socket's peer is
  checked again. Every redirect goes through the same steps. ``allow_private`` opts a feed in;
- stops at a wall-clock deadline: a watchdog closes the socket when it passes, so a server
  that drips one byte a second (in its headers or its body) cannot hold a fetch longer;
- follows at most ``max_redirects`` redirects between http(s) URLs, refuses bodies over
  ``max_bytes`` before or after decompression (a gzip bomb included, decoded as a stream);
- turns every failure into one ``FetchError`` line.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
import urllib.request
import zlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from newsarchive import __version__
from newsarchive.settings import MAX_BYTES

USER_AGENT = (
    f"newsarchive/{__version__} (internet-freedom news archive; feed reader; "
    f"Python-urllib/{urllib.request.__version__})"
)
MAX_REDIRECTS = 5
DEFAULT_DEADLINE = 30.0
CHUNK = 64 * 1024
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)
REDIRECTS = frozenset({301, 302, 303, 307, 308})
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


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


# --- which addresses may be fetched ---------------------------------------------------------


def forbidden_reason(ip: Address) -> str | None:
    """Why ``ip`` is not a public internet address ('loopback', 'private', ...); None if it is."""
    return _reason(ip)


def _reason(ip: Address) -> str | None:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        inner = _reason(ip.ipv4_mapped)
        return f"{inner} (IPv4-mapped)" if inner else None
    for test, name in ((ip.is_loopback, "loopback"), (ip.is_unspecified, "unspecified"),
                       (ip.is_link_local, "link-local"), (ip.is_multicast, "multicast"),
                       (ip.is_reserved, "reserved"), (ip.is_private, "private")):
        if test:
            return name
    return None if ip.is_global else "not public"


def _addresses(host: str, port: int, deadline: float) -> list[Address]:
    """The host's addresses (one DNS lookup); an IP literal is its own address."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError("timed out before resolving the host")
    answer: list[Any] = []

    def resolve() -> None:
        try:
            answer.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as err:
            answer.append(err)

    # getaddrinfo has no timeout of its own: a slow name server must not outlast the deadline
    resolver = threading.Thread(target=resolve, name="resolve", daemon=True)
    resolver.start()
    resolver.join(remaining)
    if not answer:
        raise FetchError(f"timed out resolving {host}")
    if isinstance(answer[0], BaseException):
        reason = getattr(answer[0], "strerror", None) or answer[0]
        raise FetchError(f"unreachable: cannot resolve host ({reason})")
    infos = answer[0]
    found: list[Address] = []
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if ip not in found:
            found.append(ip)
    if not found:
        raise FetchError("unreachable: the host has no address")
    return found


def _checked(host: str, addresses: list[Address], allow_private: bool) -> list[Address]:
    if not allow_private:
        for ip in addresses:
            reason = forbidden_reason(ip)
            if reason:
                raise FetchError(f"refused: {host} is a {reason} address ({ip}); only public "
                                 f"addresses are fetched unless the feed sets allow_private")
    return addresses


# --- one connection to one checked address --------------------------------------------------


class _Pinned:
    """Connects to a checked address while speaking HTTP to (and verifying TLS for) the host."""

    address: str
    allow_private: bool
    raw: socket.socket | None = None  # kept: http.client drops ``sock`` once a reply is read

    def _open_socket(self) -> socket.socket:
        sock = socket.create_connection((self.address, self.port),  # type: ignore[attr-defined]
                                        self.timeout)  # type: ignore[attr-defined]
        self.raw = sock
        peer = ipaddress.ip_address(sock.getpeername()[0].split("%", 1)[0])
        reason = None if self.allow_private else forbidden_reason(peer)
        if reason:
            sock.close()
            raise FetchError(f"refused: connected to a {reason} address ({peer})")
        return sock


class _HTTP(_Pinned, http.client.HTTPConnection):
    def connect(self) -> None:
        self.sock = self._open_socket()


class _HTTPS(_Pinned, http.client.HTTPSConnection):
    def connect(self) -> None:
        sock = self._open_socket()
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _Watchdog:
    """Closes a connection's socket when the deadline passes (a drip cannot outlast it)."""

    def __init__(self, connection: _Pinned, seconds: float) -> None:
        self.expired = False
        self._connection = connection
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        self.expired = True
        sock = self._connection.raw
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


class _Decoder:
    """Content-Encoding undone chunk by chunk, never holding more than ``limit`` bytes."""

    def __init__(self, encoding: str, limit: int) -> None:
        encoding = encoding.strip().lower()
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []
        self._raw_deflate = False
        if encoding in {"", "identity"}:
            self._zlib = None
        elif encoding in {"gzip", "x-gzip"}:
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS)
            self._raw_deflate = True  # some servers send raw deflate without the zlib header
        else:
            raise FetchError(f"unsupported Content-Encoding {encoding!r}")
        self.encoded = self._zlib is not None

    def feed(self, chunk: bytes) -> None:
        if self._zlib is None:
            self._add(chunk, "")
            return
        try:
            out = self._zlib.decompress(chunk, self.limit + 1 - self.size)
        except zlib.error as err:
            if self._raw_deflate and self.size == 0:
                self._raw_deflate = False
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                self.feed(chunk)
                return
            raise FetchError(f"corrupt {'gzip' if not self._raw_deflate else 'deflate'} body: "
                             f"{err}") from None
        self._raw_deflate = False
        self._add(out, " once decompressed")
        if self._zlib.unconsumed_tail:
            raise FetchError(f"too large: over {self.limit:,} bytes once decompressed")

    def _add(self, data: bytes, how: str) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise FetchError(f"too large: over {self.limit:,} bytes{how}")
        self.parts.append(data)


def _headers(message: http.client.HTTPMessage) -> dict[str, str]:
    return {k.lower(): v for k, v in message.items()}


def _request(url: str, headers: dict[str, str], *, deadline: float, timeout: float,
             max_bytes: int, allow_private: bool) -> tuple[int, str, dict[str, str], bytes]:
    """One GET of ``url`` (no redirects followed): (status, reason, headers, body)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        host, port = parts.hostname or "", parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise FetchError(f"malformed URL: {url[:100]}") from None
    if not host:
        raise FetchError(f"malformed URL: {url[:100]}")
    addresses = _checked(host, _addresses(host, port, deadline), allow_private)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    error: Exception | None = None
    for address in addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        kind = _HTTPS if scheme == "https" else _HTTP
        options = {"context": ssl.create_default_context()} if scheme == "https" else {}
        connection = kind(host, port, timeout=min(remaining, timeout), **options)
        connection.address, connection.allow_private = str(address), allow_private
        watchdog = _Watchdog(connection, remaining)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            status, reason = response.status, response.reason
            found = _headers(response.msg)
            if status == 304 or status in REDIRECTS or not 200 <= status < 300:
                return status, reason, found, b""
            length = found.get("content-length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"too large: {int(length):,} bytes (limit {max_bytes:,})")
            decoder = _Decoder(found.get("content-encoding", ""), max_bytes)
            while chunk := response.read1(CHUNK):
                decoder.feed(chunk)
            if watchdog.expired:
                raise TimeoutError
            return status, reason, found, b"".join(decoder.parts)
        except FetchError:
            raise
        except TimeoutError:
            raise FetchError(f"timed out after {timeout:g} s") from None
        except (http.client.HTTPException, ssl.SSLError) as err:
            if watchdog.expired:
                raise FetchError(f"timed out after {timeout:g} s") from None
            error = err
            break
        except OSError as err:  # this address did not answer: try the next one
            if watchdog.expired:
                raise FetchError(f"timed out after {timeout:g} s") from None
            error = err
        finally:
            watchdog.cancel()
            connection.close()
    if isinstance(error, ssl.SSLError):
        raise FetchError(f"TLS error: {error.reason or error}")
    if isinstance(error, http.client.HTTPException):
        raise FetchError(f"malformed or truncated response: {type(error).__name__}")
    if error is not None:
        raise FetchError(f"unreachable: {getattr(error, 'strerror', None) or error}")
    raise FetchError(f"timed out after {timeout:g} s")


def fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    timeout: float = DEFAULT_DEADLINE,
    max_bytes: int = MAX_BYTES,
    max_redirects: int = MAX_REDIRECTS,
    allow_private: bool = False,
    deadline: float | None = None,
) -> FetchResult:
    """GET ``url`` within ``timeout`` seconds of wall-clock time in all (redirects included);
    ``deadline`` (a ``time.monotonic()`` value) can end it sooner. A 304 comes back as
    ``not_modified`` with no body."""
    if urlsplit(url).scheme.lower() not in {"http", "https"}:
        raise FetchError("only http and https URLs can be fetched")
    end = time.monotonic() + timeout
    by_budget = deadline is not None and deadline < end  # the run's budget ends it first
    if deadline is not None:
        end = min(end, deadline)
    try:
        return _follow(url, etag, last_modified, end, timeout, max_bytes, max_redirects,
                       allow_private)
    except FetchError as err:
        if by_budget and str(err).startswith("timed out"):
            raise FetchError("timed out: the run's time budget (run_budget) ran out") from None
        raise


def _follow(url: str, etag: str, last_modified: str, end: float, timeout: float,
            max_bytes: int, max_redirects: int, allow_private: bool) -> FetchResult:
    """``fetch`` itself: requests and redirects until ``end``."""
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate",
               "Connection": "close"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = url
    for _ in range(max_redirects + 1):
        status, reason, found, data = _request(current, headers, deadline=end, timeout=timeout,
                                               max_bytes=max_bytes, allow_private=allow_private)
        if status in REDIRECTS and found.get("location"):
            target = urljoin(current, found["location"].strip())
            if urlsplit(target).scheme.lower() not in {"http", "https"}:
                raise FetchError(f"redirect to a non-http URL refused: {target[:100]}")
            current = target
            continue
        if status == 304:
            return FetchResult(url=current, status=304, headers=found)
        if not 200 <= status < 300:
            retry = found.get("retry-after", "")
            extra = f" (retry after {retry[:40]})" if retry else ""
            raise FetchError(f"HTTP {status} {reason}{extra}")
        return FetchResult(url=current, status=status, data=data, headers=found)
    raise FetchError(f"more than {max_redirects} redirects")
