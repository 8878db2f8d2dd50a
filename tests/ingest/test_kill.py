"""Killing an ingest at any moment leaves a valid archive, and the next run completes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from newsarchive.cli import main
from newsarchive.store import parse_article
from tests.sitebuild import REPO

WORDS = [
    "regulator", "blocked", "messaging", "app", "access", "protest", "mobile", "data", "court",
    "order", "vpn", "users", "telecom", "operators", "shutdown", "province", "election",
    "journalists", "rights", "groups", "law",
]


def write_feeds(folder: Path, feeds: int = 12, items: int = 30) -> None:
    folder.mkdir(parents=True)
    for feed in range(feeds):
        entries = []
        for item in range(items):
            number = feed * items + item
            words = [WORDS[(number * 7 + i * 3 + i * i * number) % len(WORDS)] for i in range(150)]
            body = f"Story {number}: internet shutdown and censorship report. " + " ".join(words)
            entries.append(
                f"<item><title>Internet shutdown report number {number}</title>"
                f"<link>https://kill.example.org/{number}</link>"
                f"<pubDate>Mon, 0{1 + number % 9} Jan 2024 10:00:00 +0000</pubDate>"
                f"<description>{body}</description></item>")
        (folder / f"feed-{feed:03d}.xml").write_text(
            "<rss version='2.0'><channel><title>Kill test</title>"
            + "".join(entries) + "</channel></rss>", encoding="utf-8")


def test_a_killed_ingest_leaves_a_valid_archive(tmp_path: Path) -> None:
    write_feeds(tmp_path / "feeds")
    (tmp_path / "none.toml").write_text("")
    args = ["ingest", "--config", str(tmp_path / "none.toml"), "--jobs", "1",
            "--always-relevant", "--content", str(tmp_path / "content"),
            "--state", str(tmp_path / "state"), str(tmp_path / "feeds")]
    articles = tmp_path / "content" / "articles"
    process = subprocess.Popen([sys.executable, "-m", "newsarchive", *args], cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if articles.exists() and sum(1 for _ in articles.rglob("*.md")) >= 20:
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    written = list(articles.rglob("*.md"))
    assert written, "the ingest was killed before it wrote anything"
    for path in written:
        headers, body = parse_article(path.read_text(encoding="utf-8"))
        assert {"title", "date", "slug", "ingest-hash"} <= set(headers), path
        assert body.strip().endswith("</p>"), path
    # the next run completes the archive: the same articles as one uninterrupted run
    assert main(args) == 0
    clean = [a.replace(str(tmp_path / "content"), str(tmp_path / "clean")).replace(
        str(tmp_path / "state"), str(tmp_path / "clean-state")) for a in args]
    assert main(clean) == 0
    finished = sorted(p.relative_to(articles) for p in articles.rglob("*.md"))
    reference = sorted(p.relative_to(tmp_path / "clean" / "articles")
                       for p in (tmp_path / "clean" / "articles").rglob("*.md"))
    assert finished == reference
    assert not [p for p in articles.rglob("*") if p.name.endswith(".tmp")]
