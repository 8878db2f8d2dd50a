"""Issue 11's reproductions for the ingest: identity, private networks and disks, permissions,
dates, samples, the inbox, the lock and bounds. Each test failed before the fix."""

from __future__ import annotations

import fcntl
import json
import os
import stat
import subprocess
import threading
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsarchive import fetch as fetch_module
from newsarchive.cli import main
from newsarchive.fetch import FetchError, fetch
from newsarchive.settings import load_settings
from newsarchive.sources.saved import read_html
from newsarchive.store import atomic_write, parse_article
from newsarchive.sync import sync_tree
from tests.sitebuild import REPO

BODY_A = ("The telecom regulator ordered every mobile operator to cut internet access in the "
          "northern province for the whole week of national exams, the third such internet "
          "shutdown this year. Rights groups said the order had no legal basis and that "
          "journalists could not file their reports from the region while it lasted.")
BODY_B = ("Fixed-line broadband and mobile data were switched off across the capital on the "
          "morning of the exams, an internet shutdown confirmed by network measurements. "
          "Students were searched for phones at school gates, and a court was asked to rule "
          "the blackout unlawful by a coalition of digital rights organisations and lawyers.")
TITLE = "Internet shutdown ordered ahead of national exams"
SECRET = "SECRET-ACCESS-KEY-0123456789"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def config(root: Path, feeds: str = "") -> str:
    """A feeds.toml in ``root`` that keeps everything (threshold 0) plus ``feeds``."""
    write(root / "feeds.toml", "[settings]\nrelevance_threshold = 0\n" + feeds)
    return str(root / "feeds.toml")


def ingest(root: Path, *extra: str) -> int:
    return main(["ingest", "--config", str(root / "feeds.toml"), "--scorer", "keywords",
                 *extra])


def articles(root: Path) -> dict[str, str]:
    folder = root / "content" / "articles"
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(folder.rglob("*.md"))}


def rss(title: str, link: str, body: str, channel: str) -> str:
    return (f"<rss version='2.0'><channel><title>{channel}</title><item><title>{title}</title>"
            f"<link>{link}</link><guid>{link}</guid>"
            f"<pubDate>Mon, 08 Jan 2024 10:00:00 +0000</pubDate>"
            f"<description>{body}</description></item></channel></rss>")


# -- 1. same headline, different stories ---------------------------------------------------


def test_1_same_headline_different_bodies_are_two_stories(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config(tmp_path)
    write(tmp_path / "inbox" / "a.txt", f"{TITLE}\n\n{BODY_A}\n")
    write(tmp_path / "inbox" / "b.txt", f"{TITLE}\n\n{BODY_B}\n")
    assert ingest(tmp_path) == 0
    out = capsys.readouterr().out
    assert "2 new" in out, out
    stored = articles(tmp_path)
    assert len(stored) == 2
    assert any("regulator ordered" in t for t in stored.values())
    assert any("Fixed-line broadband" in t for t in stored.values())


# -- 2. another outlet reusing a URL --------------------------------------------------------


def test_2_another_outlet_never_overwrites_an_article_and_reruns_are_quiet(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    link = "https://outlet-a.example.org/2024/exams-shutdown"
    write(tmp_path / "a.xml", rss(TITLE, link, BODY_A, "Outlet A"))
    write(tmp_path / "b.xml", rss("Exams blackout in the capital", link, BODY_B, "Outlet B"))
    config(tmp_path, '[[feed]]\nname = "Outlet A"\npath = "a.xml"\n'
                     '[[feed]]\nname = "Outlet B"\npath = "b.xml"\n')
    assert ingest(tmp_path) == 0
    out, err = capsys.readouterr()
    stored = articles(tmp_path)
    assert len(stored) == 1
    text = next(iter(stored.values()))
    assert "Source: Outlet A" in text and "regulator ordered" in text
    assert "Fixed-line" not in text
    key = next(iter(stored))
    line = next(x for x in err.splitlines() if "Outlet B" in x or "b.xml" in x)
    assert key.rsplit("/", 1)[-1] in line and "Outlet A" in line  # names both
    for _ in range(2):
        assert ingest(tmp_path) == 0
        out, err = capsys.readouterr()
        assert "0 new, 0 updated" in out, out
        assert articles(tmp_path) == stored
        assert "Modified" not in next(iter(articles(tmp_path).values()))
        assert err == ""  # quiet: the refusal was reported once


def test_1_one_canonical_url_for_the_ingest_and_the_build(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from newsarchive import related
    from newsarchive.dedupe import url_key
    from newsarchive.normalize import canonical_url

    forms = ["https://www.example.org/news/a/?utm_source=x", "http://example.org/news/a",
             "https://example.org/news/a/amp/", "https://EXAMPLE.org/news/a#top"]
    keys = {canonical_url(u, key=True) for u in forms}
    assert keys == {"example.org/news/a"}
    assert {related.canonical_url(u) for u in forms} == keys == {url_key(u) for u in forms}
    assert related.canonical_url("mailto:x@example.org") == ""
    # the ingest: the same article under another form of its URL is not a new story
    write(tmp_path / "a.xml", rss(TITLE, forms[0], BODY_A, "Outlet A"))
    config(tmp_path, '[[feed]]\nname = "Outlet A"\npath = "a.xml"\n')
    assert ingest(tmp_path) == 0
    write(tmp_path / "a.xml", rss(TITLE, forms[1], BODY_A, "Outlet A"))
    assert ingest(tmp_path) == 0
    assert "0 new" in capsys.readouterr().out.splitlines()[-1]
    assert len(articles(tmp_path)) == 1


def test_2_same_guid_from_the_same_feed_is_an_update(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    link = "https://outlet-a.example.org/2024/exams-shutdown"
    feed = tmp_path / "a.xml"
    write(feed, rss(TITLE, link, BODY_A, "Outlet A"))
    config(tmp_path, '[[feed]]\nname = "Outlet A"\npath = "a.xml"\n')
    assert ingest(tmp_path) == 0
    write(feed, rss(TITLE, link, BODY_A + " Update: service was restored on Friday.", "Outlet A"))
    assert ingest(tmp_path) == 0
    assert "1 updated" in capsys.readouterr().out


# -- 3. private networks ----------------------------------------------------------------------


class Internal(BaseHTTPRequestHandler):
    """A loopback server: a feed that redirects to 'instance metadata' holding a secret."""

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        port = self.server.server_address[1]  # type: ignore[attr-defined]
        if self.path == "/feed":
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{port}/latest/meta-data/iam")
        elif self.path == "/feed-mapped":
            self.send_response(302)
            self.send_header("Location", f"http://[::ffff:127.0.0.1]:{port}/latest/meta-data/iam")
        else:
            body = (f"<html><head><title>Internet shutdown credentials</title></head><body>"
                    f"<p>{SECRET} internet shutdown censorship vpn block.</p>"
                    f"<p>{BODY_A}</p></body></html>").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture(scope="module")
def internal() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Internal)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_3_loopback_feeds_and_redirects_are_refused(
        tmp_path: Path, internal: str, capsys: pytest.CaptureFixture[str]) -> None:
    config(tmp_path, f'[[feed]]\nname = "X"\nurl = "{internal}/feed"\nalways_relevant = true\n')
    assert ingest(tmp_path) == 1
    err = capsys.readouterr().err
    assert f"{internal}/feed" in err and "refused" in err and "loopback" in err
    assert not any(SECRET in t for t in articles(tmp_path).values()) if (
        tmp_path / "content").exists() else True


def test_3_a_redirect_to_a_private_address_is_refused(
        internal: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first hop is allowed (as a public host would be); the redirect target is checked
    again, IPv4-mapped IPv6 included."""
    original = fetch_module.forbidden_reason
    monkeypatch.setattr(fetch_module, "forbidden_reason",
                        lambda ip: None if str(ip) == "127.0.0.1" else original(ip))
    with pytest.raises(FetchError, match=r"refused.*loopback"):
        fetch(f"{internal}/feed-mapped", timeout=5)


def test_3_a_name_resolving_to_a_private_address_is_refused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def resolve(host: str, *args: object, **kwargs: object) -> list[tuple]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", 80)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", 80))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(FetchError, match=r"refused.*private"):
        fetch("http://metadata.example.org/latest", timeout=2)


def test_5_a_slow_name_server_cannot_outlast_the_deadline(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import socket
    import time

    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: time.sleep(5))
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out resolving"):
        fetch("http://slow-dns.example.org/feed", timeout=0.5)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("address", ["0.0.0.0", "::1", "fe80::1", "224.0.0.1", "240.0.0.1",
                                     "::ffff:10.0.0.1", "100.64.0.1", "fc00::1", "192.168.1.1"])
def test_3_every_non_public_kind_is_named(address: str) -> None:
    import ipaddress

    assert fetch_module.forbidden_reason(ipaddress.ip_address(address))
    assert fetch_module.forbidden_reason(ipaddress.ip_address("93.184.216.34")) is None


def test_3_allow_private_opts_a_feed_in(tmp_path: Path, internal: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    config(tmp_path, f'[[feed]]\nname = "X"\nurl = "{internal}/page"\nallow_private = true\n'
                     'always_relevant = true\n')
    assert ingest(tmp_path) == 0, capsys.readouterr()
    assert any(SECRET in t for t in articles(tmp_path).values())


# -- 4. local files ---------------------------------------------------------------------------


def test_4_path_feeds_are_confined_to_the_archive_folder(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "archive"
    outside = write(tmp_path / "private.txt", f"{TITLE}\n\n{BODY_A} internet shutdown\n")
    config(root, '[[feed]]\nname = "passwd"\npath = "/etc/passwd"\nalways_relevant = true\n'
                 '[[feed]]\nname = "up"\npath = "../private.txt"\nalways_relevant = true\n')
    (root / "inbox").mkdir()
    os.symlink(outside, root / "inbox" / "link.txt")
    assert ingest(root) == 1
    err = capsys.readouterr().err
    assert err.count("outside the archive folder") == 3, err
    assert not (root / "content" / "articles").exists() or not articles(root)


def test_4_only_http_urls_are_feeds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config(tmp_path, '[[feed]]\nname = "x"\nurl = "file:///etc/passwd"\n')
    assert ingest(tmp_path) == 2
    assert "url must be an http(s) URL" in capsys.readouterr().err


# -- 6. permissions ---------------------------------------------------------------------------


def test_6_files_are_created_with_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "a" / "x.md", "text")
        staging = tmp_path / "staging"
        write(staging / "events" / "2024" / "x" / "index.html", "page")
        sync_tree(staging, tmp_path / "output")
        os.umask(0o027)
        atomic_write(tmp_path / "b.md", "text")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a" / "x.md").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "b.md").stat().st_mode) == 0o640
    page = tmp_path / "output" / "events" / "2024" / "x" / "index.html"
    assert stat.S_IMODE(page.stat().st_mode) == 0o644
    assert stat.S_IMODE(page.parent.stat().st_mode) == 0o755


def test_6_ingested_articles_are_readable_by_others(tmp_path: Path) -> None:
    config(tmp_path)
    write(tmp_path / "inbox" / "a.txt", f"{TITLE}\n\nPublished 8 January 2024. {BODY_A}\n")
    old = os.umask(0o022)
    try:
        assert ingest(tmp_path, "--quiet") == 0
    finally:
        os.umask(old)
    files = list((tmp_path / "content").rglob("*.md"))
    assert files and all(stat.S_IMODE(p.stat().st_mode) == 0o644 for p in files)
    state = [p for p in (tmp_path / "state").rglob("*.json")]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o644 for p in state)


# -- 9. dates ---------------------------------------------------------------------------------


def test_9_file_time_dates_are_recorded_flagged_and_held_back(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config(tmp_path)
    undated = write(tmp_path / "inbox" / "undated.txt", f"{TITLE}\n\n{BODY_A}\n")
    assert ingest(tmp_path) == 0
    out = capsys.readouterr().out
    assert "1 dated by file time" in out, out
    text = next(iter(articles(tmp_path).values()))
    headers, _ = parse_article(text)
    assert headers["date-source"] == "file"
    assert headers.get("status") == "draft"  # not on the home page until an editor dates it
    assert main(["inspect", "--json", str(undated)]) == 0
    item = json.loads(capsys.readouterr().out.splitlines()[0])
    assert item["date_from_file"] is True and item["date_source"] == "file"


def test_9_a_date_in_the_text_is_used_and_recorded(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config(tmp_path)
    page = ("<html><head><title>Internet returns to the region</title></head><body><article>"
            "<h1>Internet returns to the region</h1><p>Published 6 December 2022</p>"
            f"<p>{BODY_A}</p><p>{BODY_B}</p></article></body></html>")
    write(tmp_path / "inbox" / "page.html", page)
    write(tmp_path / "inbox" / "note.txt", f"{TITLE}\n\nMarch 3, 2023 — {BODY_B}\n")
    assert ingest(tmp_path) == 0
    out = capsys.readouterr().out
    assert "dated by file time" not in out
    dated = {parse_article(t)[0]["date"][:10]: parse_article(t)[0] for t in
             articles(tmp_path).values()}
    assert set(dated) == {"2022-12-06", "2023-03-03"}
    assert all(h["date-source"] == "text" and "status" not in h for h in dated.values())


def test_9_feed_and_meta_dates_are_recorded(tmp_path: Path) -> None:
    write(tmp_path / "a.xml", rss(TITLE, "https://a.example.org/x", BODY_A, "Outlet A"))
    page = ("<html><head><title>Internet returns</title><meta property="
            "'article:published_time' content='2022-12-06T17:40:00+03:00'></head><body>"
            f"<article><p>{BODY_A}</p><p>{BODY_B}</p></article></body></html>")
    write(tmp_path / "inbox" / "page.html", page)
    config(tmp_path, '[[feed]]\nname = "Outlet A"\npath = "a.xml"\n')
    assert ingest(tmp_path, "--quiet") == 0
    sources = sorted(parse_article(t)[0]["date-source"] for t in articles(tmp_path).values())
    assert sources == ["feed", "meta"]


# -- 10. samples ------------------------------------------------------------------------------


def test_10_the_default_feeds_toml_holds_only_real_subscriptions() -> None:
    settings = load_settings(REPO / "feeds.toml")
    data = tomllib.loads((REPO / "feeds.toml").read_text(encoding="utf-8"))
    assert all("path" not in feed for feed in data.get("feed", []))
    assert all(f.location.startswith("https://") and ".invalid" not in f.location
               for f in settings.feeds)
    assert not (REPO / "feeds" / "samples").exists()
    inbox = [p for p in (REPO / "inbox").rglob("*") if p.is_file() and
             not p.name.startswith(("README", "."))]
    assert not [p for p in inbox if b".invalid" in p.read_bytes()]


# -- 11. inbox --------------------------------------------------------------------------------


def test_11_a_failing_inbox_file_moves_to_rejected_with_its_reason(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config(tmp_path)
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "picture.bin").write_bytes(bytes(range(256)) * 4)
    write(tmp_path / "inbox" / "good.txt", f"{TITLE}\n\nOn 8 January 2024 {BODY_A}\n")
    assert ingest(tmp_path) == 1
    capsys.readouterr()
    rejected = tmp_path / "inbox" / "rejected"
    assert (rejected / "picture.bin").exists() and not (tmp_path / "inbox" / "picture.bin").exists()
    note = (rejected / "picture.bin.reason.txt").read_text(encoding="utf-8")
    assert "binary file" in note
    assert ingest(tmp_path) == 0  # it does not fail again
    assert "0 failed" in capsys.readouterr().out


def test_11_an_inbox_page_with_no_text_is_named_and_rejected(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config(tmp_path)
    (tmp_path / "inbox").mkdir()
    write(tmp_path / "inbox" / "emptypage.html",
          "<!doctype html><html><head><title>Nothing here</title></head><body></body></html>")
    ingest(tmp_path)
    out = capsys.readouterr()
    assert "emptypage.html" in out.err + out.out and "no" in (out.err + out.out)
    rejected = tmp_path / "inbox" / "rejected"
    assert (rejected / "emptypage.html").exists()
    assert "no title or no text" in (rejected / "emptypage.html.reason.txt").read_text("utf-8")


KILLED_ON_THIRD = (
    "import os, signal, sys\n"
    "from pathlib import Path\n"
    "from newsarchive import pipeline\n"
    "from newsarchive.cli import main\n"
    "real, seen = pipeline.read_source, []\n"
    "def read(source, *args, **kwargs):\n"
    "    seen.append(source)\n"
    "    if len(seen) == 3:\n"
    "        os.kill(os.getpid(), signal.SIGKILL)  # killed while reading the third file\n"
    "    return real(source, *args, **kwargs)\n"
    "pipeline.read_source = read\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def test_11_the_inbox_index_is_saved_as_the_run_goes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from newsarchive import pipeline

    config(tmp_path)
    bodies = [BODY_A, BODY_B, " ".join(reversed(BODY_A.split())),
              " ".join(reversed(BODY_B.split()))]  # four different texts
    for number, body in enumerate(bodies):
        write(tmp_path / "inbox" / f"{number}.txt",
              f"Story {number} about a shutdown\n\nOn 8 January 2024 story {number}. {body}\n")
    killed = subprocess.run(
        [os.sys.executable, "-c", KILLED_ON_THIRD, "ingest", "--config",
         str(tmp_path / "feeds.toml"), "--scorer", "keywords"],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)})
    assert killed.returncode == -9, killed.stderr
    real = pipeline.read_source
    seen: list[str] = []

    def counted(source: pipeline.Source, *args: object, **kwargs: object) -> object:
        seen.append(Path(source.location).name)
        return real(source, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "read_source", counted)
    assert ingest(tmp_path) == 0
    assert sorted(seen) == ["2.txt", "3.txt"]  # the two read before the kill are not re-read
    assert len(articles(tmp_path)) == 4
    assert "2 inbox files read before" in capsys.readouterr().out


# -- 12. the lock under INGEST_ALLOW_PARTIAL --------------------------------------------------


def test_12_a_held_lock_fails_make_ingest_even_when_partial_is_allowed(tmp_path: Path) -> None:
    config(tmp_path)
    (tmp_path / "state").mkdir()
    with open(tmp_path / "state" / "ingest.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        done = subprocess.run(
            ["make", "-s", "ingest", "INGEST_ALLOW_PARTIAL=1",
             f"INGEST_ARGS=--config {tmp_path / 'feeds.toml'} --scorer keywords"],
            cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0, done.stdout + done.stderr
    assert "another ingest is running" in done.stderr


# -- 13. bounds -------------------------------------------------------------------------------


def test_13_deeply_nested_saved_pages_keep_their_text() -> None:
    depth = 300
    page = ("<html><head><title>Deep page</title></head><body>" + "<div>" * depth
            + f"<p>Deep marker. {BODY_A}</p><p>{BODY_B}</p>" + "</div>" * depth
            + "<p>After the nest.</p></body></html>")
    result = read_html(page.encode(), "deep.html")
    text = result.records[0].text
    assert "Deep marker" in text and "Fixed-line broadband" in text
    assert any("nest" in w for w in result.warnings)


def test_13_hand_written_bodies_have_a_size_cap(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    config(tmp_path)
    body = ("Internet shutdown story paragraph with words. " * 20 + "\n\n") * 3000  # ~2.8 MB
    write(tmp_path / "inbox" / "huge.md", f"Title: {TITLE}\nDate: 2024-01-08\n\n{body}")
    write(tmp_path / "feeds.toml", "[settings]\nrelevance_threshold = 0\n"
                                   "max_body_bytes = 1_000_000\n")
    assert ingest(tmp_path) == 1
    err = capsys.readouterr().err
    assert "huge.md" in err and "body too large" in err and "max_body_bytes" in err


# -- 3. TLS through the pinned connection ----------------------------------------------------


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """An HTTPS server on 127.0.0.1 with a fresh self-signed certificate for 'localhost'."""
    import shutil
    import ssl

    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed: cannot make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"),
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
                   check=True, capture_output=True, timeout=60)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Internal)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"https://localhost:{httpd.server_address[1]}", folder / "cert.pem"
    httpd.shutdown()
    httpd.server_close()


def test_3_https_connects_to_the_checked_address_and_verifies_the_host(
        tls_server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import ssl

    url, cert = tls_server
    with pytest.raises(FetchError, match="TLS error"):  # self-signed: not trusted by default
        fetch(f"{url}/page", timeout=5, allow_private=True)
    trusting = ssl.create_default_context(cafile=str(cert))
    monkeypatch.setattr(fetch_module.ssl, "create_default_context", lambda: trusting)
    page = fetch(f"{url}/page", timeout=5, allow_private=True)  # SNI and the name: localhost
    assert SECRET.encode() in page.data
    with pytest.raises(FetchError, match="loopback"):
        fetch(f"{url}/page", timeout=5)
