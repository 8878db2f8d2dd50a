"""Build the bundled archive with the entities and related_stories plugins, read the lists back."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parents[2]
PLUGINS = ["entities", "related_stories"]
_ARTICLE = re.compile(r"events/\d{4}/([^/]+)/(?:([a-z]{2,3})/)?$")


def build(output: Path, **settings: object) -> None:
    """Run Pelican on the bundled content into ``output`` (one ``-e`` with every override:
    Pelican keeps only the last ``-e`` option given)."""
    overrides = {
        "PLUGINS": PLUGINS,
        "PAGEFIND_ENABLED": False,
        "CACHE_PATH": str(output.parent / f"{output.name}-cache"),
        **settings,
    }
    command = [sys.executable, "-m", "pelican", str(REPO / "content"), "-o", str(output)]
    command += ["-s", str(REPO / "pelicanconf.py"), "-e"]
    command += [f"{key}={json.dumps(value)}" for key, value in overrides.items()]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise AssertionError(f"pelican failed:\n{done.stdout}\n{done.stderr}")


def article_slug(href: str) -> str | None:
    """The slug of an article URL such as ``../../events/2024/some-slug/`` (or a translation)."""
    found = _ARTICLE.search(href)
    return found.group(1) if found else None


def related_lists(site: Path) -> dict[str, list[tuple[str, str]]]:
    """Each original article page's related stories: [(slug, reasons text)], in page order."""
    lists = {}
    for page in sorted(site.glob("events/*/*/index.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        items = []
        for li in soup.select("section.related ol > li"):
            reasons = li.select_one(".reasons")
            items.append(
                (article_slug(li.a["href"]) or "", reasons.get_text(strip=True) if reasons else "")
            )
        lists[page.parent.name] = items
    return lists
