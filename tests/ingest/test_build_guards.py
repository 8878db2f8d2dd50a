"""Issue 11's reproductions for the build: slugs that land on other files, unreadable content
files named with their reason (fatal under STRICT/CI), a size cap on hand-written bodies, and
an output/ that another user can read. One small site, built twice (local, then strict)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from newsarchive.sync import sync_tree
from tests.sitebuild import REPO

GOOD = ("Title: {title}\nDate: 2024-01-0{day}T10:00:00+00:00\nSource: Test\nSlug: {slug}\n"
        "Summary: A test story.\n\n<p>The regulator ordered an internet shutdown in the north "
        "for {title}.</p>\n")
CAP = 200_000


def write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")


def make_content(root: Path) -> Path:
    content = root / "content"
    articles = content / "articles" / "2024"
    write(articles / "good.md", GOOD.format(title="Good story", day=1, slug="good-story"))
    write(articles / "evil.md", GOOD.format(title="Evil", day=2, slug="../../search"))
    write(articles / "one.md", GOOD.format(title="First twin", day=3, slug="twin"))
    write(articles / "two.md", GOOD.format(title="Second twin", day=4, slug="twin"))
    write(articles / "bad-date.md", GOOD.format(title="Bad date", day=5, slug="bad-date")
          .replace("Date: 2024-01-05T10:00:00+00:00", "Date: not-a-date"))
    write(articles / "latin1.md", GOOD.format(title="Latin", day=6, slug="latin1")
          .encode("utf-8") + "caf\xe9 r\xe9seau".encode("latin-1"))
    huge = GOOD.format(title="Huge", day=7, slug="huge") + "<p>words words words</p>\n" * 12_000
    write(articles / "huge.md", huge)
    write(content / "pages" / "about.md", "Title: About\nSlug: about\n\nAbout the archive.\n")
    return content


def pelican(root: Path, content: Path, out: Path,
            env: dict[str, str]) -> subprocess.CompletedProcess:
    overrides = {"CACHE_PATH": str(root / "cache"), "PAGEFIND_ENABLED": False,
                 "ENTITIES_CACHE": False, "CONTENT_MAX_BYTES": CAP, "LOAD_CONTENT_CACHE": False}
    command = [sys.executable, "-m", "pelican", str(content), "-o", str(out), "-s",
               str(REPO / "pelicanconf.py"), "--delete-output-directory",
               "-e", *(f"{k}={json.dumps(v)}" for k, v in overrides.items())]
    clean = {k: v for k, v in os.environ.items() if k not in {"CI", "STRICT"}}
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600,
                          env={**clean, **env}, check=False)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    root = tmp_path_factory.mktemp("guards")
    content = make_content(root)
    old = os.umask(0o022)
    try:
        done = pelican(root, content, root / "staging", {})
        sync_tree(root / "staging", root / "output")
    finally:
        os.umask(old)
    return root, done


def log(done: subprocess.CompletedProcess) -> str:
    return done.stdout + done.stderr


def ours(done: subprocess.CompletedProcess) -> list[str]:
    """The build's own one-line reports (Pelican's log wraps its lines)."""
    return [x for x in done.stderr.splitlines() if x.startswith("newsarchive build:")]


def test_7_a_slug_cannot_replace_a_site_page(
        site: tuple[Path, subprocess.CompletedProcess]) -> None:
    root, done = site
    assert done.returncode == 0, log(done)
    search = (root / "output" / "search" / "index.html").read_text(encoding="utf-8")
    assert "Evil" not in search
    line = next(x for x in ours(done) if "evil.md" in x)
    assert "slug" in line.lower() and "search" in line


def test_7_two_articles_with_one_slug_are_named_and_the_build_goes_on(
        site: tuple[Path, subprocess.CompletedProcess]) -> None:
    root, done = site
    assert "Traceback" not in log(done)
    line = next(x for x in ours(done) if "two.md" in x)
    assert "one.md" in line
    page = (root / "output" / "events" / "2024" / "twin" / "index.html").read_text()
    assert "First twin" in page
    assert (root / "output" / "events" / "2024" / "good-story" / "index.html").exists()


def test_8_unreadable_files_are_named_with_their_reason(
        site: tuple[Path, subprocess.CompletedProcess]) -> None:
    _, done = site
    assert next(x for x in ours(done) if "bad-date.md" in x and "not-a-date" in x)
    assert next(x for x in ours(done) if "latin1.md" in x and "UTF-8" in x)
    assert "newsarchive build: warning: 5 content problem(s)" in done.stderr


def test_13_a_huge_hand_written_body_is_refused_with_a_clear_line(
        site: tuple[Path, subprocess.CompletedProcess]) -> None:
    root, done = site
    line = next(x for x in ours(done) if "huge.md" in x)
    assert "too large" in line and "CONTENT_MAX_BYTES" in line
    assert not (root / "output" / "events" / "2024" / "huge").exists()


def test_6_every_output_file_is_readable_by_others(
        site: tuple[Path, subprocess.CompletedProcess]) -> None:
    root, _ = site
    for path in (root / "output").rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), (path, oct(mode))


def test_8_strict_builds_fail(site: tuple[Path, subprocess.CompletedProcess]) -> None:
    root, _ = site
    content = root / "strict-content"
    write(content / "articles" / "2024" / "good.md",
          GOOD.format(title="Good story", day=1, slug="good-story"))
    write(content / "articles" / "2024" / "bad-date.md",
          GOOD.format(title="Bad", day=5, slug="bad").replace("2024-01-05T10:00:00+00:00", "x"))
    for env in ({"STRICT": "1"}, {"CI": "true"}):
        done = pelican(root, content, root / "strict-out", env)
        assert done.returncode != 0, log(done)
        assert any("bad-date.md" in x for x in ours(done)) and "Traceback" not in log(done)
        assert "failing because CI or STRICT is set" in done.stderr
