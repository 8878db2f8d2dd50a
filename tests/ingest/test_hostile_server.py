"""A misbehaving feed server on 127.0.0.1 against a whole ingest run (issue 11's bar).

One threaded server answers with a slow drip (body and headers), a 50 MB body, a gzip bomb,
a redirect loop, 410/500/429, truncated XML, a windows-1251 feed, a 301 to a good feed and,
on the re-run, 304s. The run is a real ``newsarchive ingest`` subprocess (so its peak RSS is its
own, read with ``os.wait4``) with a 2 s deadline per fetch: it must end well under 60 s and
300 MB, name every bad URL in one line each, keep the good items, and re-run conditionally
and quietly. Every loop in the server is bounded.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsarchive.pipeline import Source, ingest
from newsarchive.relevance import KeywordScorer
from newsarchive.settings import FeedConfig, IngestSettings
from newsarchive.store import Store
from tests.sitebuild import REPO

DRIP_SECONDS = 40  # the longest a drip goes on (so even a broken client ends)
BODY = ("The regulator ordered an internet shutdown of mobile data in the province, blocking "
        "messaging apps and VPN services; rights groups condemned the censorship order.")


def item(number: int, host: str = "good.example.org") -> str:
    return (f"<item><title>Internet shutdown report {number}</title>"
            f"<link>https://{host}/{number}</link>"
            f"<pubDate>Mon, 0{number} Jan 2024 10:00:00 +0000</pubDate>"
            f"<description>{BODY} Report {number}.</description></item>")


GOOD = ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Good</title>"
        + item(1) + item(2) + "</channel></rss>").encode()
MOVED = ("<rss version='2.0'><channel><title>Moved</title>"
         + item(3, "moved.example.org") + "</channel></rss>").encode()
CYRILLIC = ("<?xml version='1.0' encoding='windows-1251'?><rss version='2.0'><channel>"
            "<title>Лента</title><item><title>Власти отключили мобильный интернет</title>"
            "<link>https://ru.example.org/1</link><pubDate>Tue, 02 Jan 2024 10:00:00 +0000"
            "</pubDate><description>Власти отключили мобильный интернет и заблокировали "
            "мессенджеры и VPN в регионе; правозащитники назвали это цензурой.</description>"
            "</item></channel></rss>").encode("cp1251")
TRUNCATED = ("<rss version='2.0'><channel><title>Cut</title>" + item(4, "cut.example.org")
             + "<item><title>Internet shutdown rep").encode()


def _bomb(megabytes: int = 1024) -> bytes:
    """gzip of 1 GB of zeros, about 1 MB on the wire, built in well under a second: after a
    full flush a deflate stream repeats its output for repeated input, so one compressed
    megabyte is repeated (the trailer's CRC-32 is computed for the whole)."""
    block = b"\0" * (1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    packer.compress(block)
    packer.flush(zlib.Z_FULL_FLUSH)
    repeat = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    first = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    head = first.compress(block) + first.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(block, crc)
    trailer = struct.pack("<II", crc, (megabytes << 20) & 0xFFFFFFFF)
    return (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + head
            + repeat * (megabytes - 1) + packer.flush() + trailer)


BOMB = _bomb()
REQUESTS: list[tuple[str, str]] = []  # (path, If-None-Match or If-Modified-Since)


class Hostile(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def _conditional(self, body: bytes, etag: str, **headers: str) -> None:
        if self.headers.get("If-None-Match") == etag:
            self._send(304, ETag=etag)
        else:
            self._send(200, body, ETag=etag, Content_Type="application/rss+xml", **headers)

    def do_GET(self) -> None:
        path = self.path
        REQUESTS.append((path, self.headers.get("If-None-Match", "")))
        try:
            if path == "/good.xml":
                self._conditional(GOOD, '"g1"')
            elif path == "/new-home.xml":
                self._conditional(MOVED, '"m1"')
            elif path == "/cp1251.xml":
                self._conditional(CYRILLIC, '"c1"')
            elif path == "/moved.xml":
                self._send(301, Location="/new-home.xml")
            elif path == "/loop.xml":
                self._send(302, Location="/loop.xml")
            elif path == "/gone.xml":
                self._send(410, b"gone")
            elif path == "/error.xml":
                self._send(500, b"oops")
            elif path == "/busy.xml":
                self._send(429, b"slow down", Retry_After="3600")
            elif path == "/truncated.xml":
                self._send(200, TRUNCATED, Content_Type="application/rss+xml")
            elif path == "/bomb.xml":
                self._send(200, BOMB, Content_Encoding="gzip", Content_Type="application/rss+xml")
            elif path == "/huge.xml":
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Connection", "close")
                self.end_headers()
                chunk = b"<!-- padding -->" * 4096
                for _ in range(50 * (1 << 20) // len(chunk)):  # 50 MB, undeclared
                    self.wfile.write(chunk)
            elif path == "/drip.xml":
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Connection", "close")
                self.end_headers()
                for _ in range(DRIP_SECONDS * 5):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.2)
            elif path == "/drip-headers.xml":
                self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                for _ in range(DRIP_SECONDS * 5):
                    self.wfile.write(b"a")
                    self.wfile.flush()
                    time.sleep(0.2)
            else:
                self._send(404, b"no")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = Server(("127.0.0.1", 0), Hostile)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


BAD = ["drip.xml", "drip-headers.xml", "huge.xml", "bomb.xml", "loop.xml", "gone.xml",
       "error.xml", "busy.xml"]
GOOD_FEEDS = ["good.xml", "cp1251.xml", "moved.xml", "truncated.xml"]


# The ingest's own peak RSS in KB: VmHWM, the high-water mark of this process image. Linux
# keeps ru_maxrss across exec, so ru_maxrss would count the pytest process this one was
# forked from (hundreds of MB late in a full run), not the ingest.
MEASURED = (
    "import os, resource, sys\n"
    "from newsarchive.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "try:\n"
    "    with open('/proc/self/status', encoding='ascii') as status:\n"
    "        peak = next(int(line.split()[1]) for line in status if line.startswith('VmHWM:'))\n"
    "except (OSError, StopIteration):\n"
    "    pass\n"
    "with open(os.environ['RSS_FILE'], 'w') as out:\n"
    "    out.write(str(peak))\n"
    "sys.exit(code)\n"
)


def run(root: Path) -> tuple[float, int, int, str, str]:
    """One ingest subprocess: (seconds, peak RSS in MB, exit code, stdout, stderr)."""
    rss_file = root / "rss.txt"
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-c", MEASURED, "ingest", "--config", str(root / "feeds.toml"),
         "--scorer", "keywords"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO), "RSS_FILE": str(rss_file)})
    out, err = process.communicate(timeout=120)
    elapsed = time.monotonic() - started
    rss = int(rss_file.read_text()) // 1024 if rss_file.exists() else -1
    return elapsed, rss, process.returncode, out, err


def test_a_misbehaving_server_cannot_stall_or_swell_a_run(
        server: str, tmp_path: Path, record_property: object) -> None:
    feeds = "".join(
        f'[[feed]]\nname = "{name}"\nurl = "{server}/{name}"\nallow_private = true\n'
        for name in BAD + GOOD_FEEDS)
    (tmp_path / "feeds.toml").write_text(
        "[settings]\nrelevance_threshold = 0\ntimeout = 2\nmax_bytes = 5_000_000\n"
        "run_budget = 50\n" + feeds, encoding="utf-8")
    elapsed, rss, code, out, err = run(tmp_path)
    print(f"\nhostile run: {elapsed:.1f} s wall, peak RSS {rss} MB, exit {code}\n{out}{err}")
    assert code == 1
    assert elapsed < 60 and rss < 300, (elapsed, rss)
    lines = err.strip().splitlines()
    for name in BAD:
        named = [line for line in lines if f"{server}/{name}" in line]
        assert len(named) == 1, (name, err)
    named = [next(n for n in BAD if f"{server}/{n}:" in line) for line in lines
             if any(f"{server}/{n}:" in line for n in BAD)]
    assert named == BAD  # one line each, in feeds.toml order although fetched concurrently
    reasons = "\n".join(lines)
    for reason in ("timed out", "too large", "redirect", "HTTP 410", "HTTP 500", "HTTP 429"):
        assert reason in reasons, (reason, err)
    stored = {p.name: p.read_text(encoding="utf-8")
              for p in (tmp_path / "content").rglob("*.md")}
    texts = "\n".join(stored.values())
    for title in ("Internet shutdown report 1", "Internet shutdown report 2",
                  "Internet shutdown report 3", "Власти отключили мобильный интернет"):
        assert title in texts, title
    # the re-run: conditional (the good feeds answer 304) and quiet (nothing new or updated)
    REQUESTS.clear()
    before = {p: p.read_bytes() for p in (tmp_path / "content").rglob("*.md")}
    elapsed2, rss2, code2, out2, _err2 = run(tmp_path)
    print(f"hostile re-run: {elapsed2:.1f} s wall, peak RSS {rss2} MB\n{out2}")
    assert code2 == 1 and " 0 new, 0 updated" in out2, out2
    assert "3 feeds not modified" in out2, out2
    conditional = dict(REQUESTS)
    assert conditional["/good.xml"] == '"g1"' and conditional["/cp1251.xml"] == '"c1"'
    assert {p: p.read_bytes() for p in (tmp_path / "content").rglob("*.md")} == before
    assert elapsed2 < 60


def test_5_a_drip_cannot_outlast_the_deadline_and_feeds_are_fetched_together(
        server: str, tmp_path: Path) -> None:
    settings = IngestSettings(root=tmp_path, content=tmp_path / "content",
                              state=tmp_path / "state", timeout=1.5)
    allow = FeedConfig(name="drip", allow_private=True)
    sources = [Source(f"{server}/drip.xml", allow) for _ in range(4)]
    sources.append(Source(f"{server}/good.xml", FeedConfig(name="good", allow_private=True,
                                                            always_relevant=True)))
    started = time.monotonic()
    with Store(settings.content, settings.state) as store:
        summary = ingest(sources, settings, KeywordScorer(), store)
    elapsed = time.monotonic() - started
    assert [reason.split(" ")[:2] for _, reason in summary.failures] == [["timed", "out"]] * 4
    assert summary.counts["new"] == 2
    assert elapsed < 4.5, elapsed  # one after another it would be at least 6 s


def test_the_run_budget_bounds_the_whole_run(server: str, tmp_path: Path) -> None:
    settings = IngestSettings(root=tmp_path, content=tmp_path / "content",
                              state=tmp_path / "state", timeout=10, run_budget=1.5, fetchers=1)
    allow = FeedConfig(name="x", allow_private=True, always_relevant=True)
    sources = [Source(f"{server}/drip.xml", allow), Source(f"{server}/good.xml", allow)]
    started = time.monotonic()
    with Store(settings.content, settings.state) as store:
        summary = ingest(sources, settings, KeywordScorer(), store)
    assert time.monotonic() - started < 4
    reasons = [reason for _, reason in summary.failures]
    assert reasons[0] == "timed out: the run's time budget (run_budget) ran out"
    assert reasons[1].startswith("not fetched: the run budget of 1.5 s is spent")
