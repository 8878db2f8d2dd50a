"""HTTP fetching against a local server: conditional GET, gzip, redirects, caps, timeouts."""

from __future__ import annotations

import functools
import gzip
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsarchive.fetch import USER_AGENT, FetchError
from newsarchive.fetch import fetch as public_fetch
from newsarchive.pipeline import Source, ingest
from newsarchive.relevance import KeywordScorer
from newsarchive.settings import FeedConfig, IngestSettings
from newsarchive.store import Store

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"
FEED = (FIXTURES / "rss-news.xml").read_bytes()
SEEN: dict[str, str] = {}
fetch = functools.partial(public_fetch, allow_private=True)  # the test server is on loopback


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if "Content-Length" not in (headers or {}):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        SEEN["user-agent"] = self.headers.get("User-Agent", "")
        SEEN["if-none-match"] = self.headers.get("If-None-Match", "")
        SEEN["if-modified-since"] = self.headers.get("If-Modified-Since", "")
        path = self.path
        if path == "/feed":
            if self.headers.get("If-None-Match") == '"v1"':
                self._send(304, headers={"ETag": '"v1"'})
                return
            self._send(200, FEED, {"Content-Type": "application/rss+xml", "ETag": '"v1"',
                                   "Last-Modified": "Wed, 10 Jan 2024 08:00:00 GMT"})
        elif path == "/gzip":
            self._send(200, gzip.compress(FEED), {"Content-Encoding": "gzip"})
        elif path.startswith("/redirect/"):
            left = int(path.rsplit("/", 1)[1])
            target = "/feed" if left <= 0 else f"/redirect/{left - 1}"
            self._send(302, headers={"Location": target})
        elif path == "/to-file":
            self._send(302, headers={"Location": "file:///etc/passwd"})
        elif path == "/big":
            self._send(200, b"x" * 2000)
        elif path == "/big-declared":
            self._send(200, b"x", {"Content-Length": str(50 * 1024 * 1024)})
        elif path == "/bomb":
            self._send(200, gzip.compress(b"\0" * 200_000), {"Content-Encoding": "gzip"})
        elif path == "/slow":
            time.sleep(1.5)
            self._send(200, FEED)
        else:
            self._send(404, b"not here")


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (the timeout test) is expected here


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_conditional_get_and_honest_user_agent(server: str) -> None:
    first = fetch(f"{server}/feed")
    assert first.status == 200 and first.data == FEED
    assert first.etag == '"v1"' and first.last_modified.startswith("Wed, 10 Jan 2024")
    assert SEEN["user-agent"] == USER_AGENT and USER_AGENT.startswith("newsarchive/")
    second = fetch(f"{server}/feed", etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.data == b""
    assert SEEN["if-none-match"] == '"v1"' and SEEN["if-modified-since"] == first.last_modified


def test_gzip_is_decoded(server: str) -> None:
    assert fetch(f"{server}/gzip").data == FEED


def test_redirects_are_limited(server: str) -> None:
    assert fetch(f"{server}/redirect/3", max_redirects=5).data == FEED
    with pytest.raises(FetchError, match="redirect"):
        fetch(f"{server}/redirect/9", max_redirects=5)
    with pytest.raises(FetchError, match="non-http"):
        fetch(f"{server}/to-file")


def test_size_caps_before_and_after_decompression(server: str) -> None:
    with pytest.raises(FetchError, match="too large"):
        fetch(f"{server}/big", max_bytes=1000)
    with pytest.raises(FetchError, match="too large"):
        fetch(f"{server}/big-declared")
    with pytest.raises(FetchError, match="decompressed"):
        fetch(f"{server}/bomb", max_bytes=100_000)


def test_loopback_is_refused_without_allow_private(server: str) -> None:
    with pytest.raises(FetchError, match=r"refused: 127\.0\.0\.1 is a loopback address"):
        public_fetch(f"{server}/feed")


def test_errors_are_one_line_reasons(server: str) -> None:
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(f"{server}/missing")
    with pytest.raises(FetchError, match="timed out"):
        fetch(f"{server}/slow", timeout=0.3)
    with pytest.raises(FetchError, match="unreachable"):
        fetch("http://127.0.0.1:9/feed", timeout=2)  # discard port: connection refused
    with pytest.raises(FetchError, match="only http"):
        fetch("ftp://example.org/feed")


def test_feed_state_makes_a_rerun_fetch_only_what_changed(server: str, tmp_path: Path) -> None:
    settings = IngestSettings(root=tmp_path, content=tmp_path / "content",
                              state=tmp_path / "state")
    sources = [Source(f"{server}/feed", FeedConfig(name="Local", always_relevant=True,
                                                            allow_private=True))]
    with Store(settings.content, settings.state) as store:
        first = ingest(sources, settings, KeywordScorer(), store)
    assert first.counts["new"] == 2 and not first.failures
    assert (tmp_path / "state" / "feeds.json").read_text().count('\\"v1\\"') == 1
    with Store(settings.content, settings.state) as store:
        second = ingest(sources, settings, KeywordScorer(), store)
    assert second.counts["not-modified"] == 1 and second.counts["new"] == 0
    assert SEEN["if-none-match"] == '"v1"'
