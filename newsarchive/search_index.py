"""Run Pagefind over a built site: one call for the whole folder, with its figures parsed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from pagefind.service import get_executable


class SearchIndexError(RuntimeError):
    """Pagefind could not be found or did not finish."""


@dataclass(frozen=True)
class IndexStats:
    """What one Pagefind run reported."""

    pages: int
    words: int
    languages: int
    seconds: float


_FIGURE = re.compile(r"Indexed (\d+) (page|word|language)s?")


def pagefind_executable() -> Path:
    """The Pagefind binary shipped in the ``pagefind-bin`` wheel."""
    binary = get_executable()
    if binary is None or not Path(binary).exists():
        raise SearchIndexError("no Pagefind binary: install the project with pip install -e .")
    return Path(binary)


def parse_figures(log_text: str) -> dict[str, int]:
    """Read 'Indexed N pages/words/languages' lines from Pagefind's output."""
    figures = {"page": 0, "word": 0, "language": 0}
    for count, kind in _FIGURE.findall(log_text):
        figures[kind] = int(count)
    return figures


def index_site(
    site: str | Path,
    *,
    glob: str | None = None,
    output_subdir: str = "pagefind",
    timeout: float = 3600,
) -> IndexStats:
    """Index every HTML file of ``site`` (optionally only ``glob``) into ``site/output_subdir``."""
    site = Path(site)
    if not site.is_dir():
        raise SearchIndexError(f"{site} is not a folder")
    command = [str(pagefind_executable()), "--site", str(site), "--output-subdir", output_subdir]
    if glob:
        command += ["--glob", glob]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise SearchIndexError(str(err)) from err
    seconds = time.perf_counter() - started
    output = done.stdout + done.stderr
    if done.returncode != 0:
        tail = " | ".join(line for line in output.strip().splitlines()[-5:])
        raise SearchIndexError(f"pagefind exited {done.returncode}: {tail}")
    figures = parse_figures(output)
    return IndexStats(figures["page"], figures["word"], figures["language"], seconds)


MANIFEST = "shards.json"


@dataclass(frozen=True)
class Shard:
    """One Pagefind bundle: the pages a glob selects, written to ``output_subdir``."""

    glob: str
    output_subdir: str
    pages: int


def plan_shards(site: Path, max_pages: int, section: str = "events") -> list[Shard]:
    """Group ``site/section/<year>/`` folders, newest first, into shards of at most
    ``max_pages`` pages (a year larger than that is a shard of its own).

    The first shard is written to ``pagefind/`` (the bundle the search page loads); the
    others to ``pagefind-<years>/``, merged into it in the browser with ``mergeIndex``.
    """
    root = Path(site) / section
    years = sorted(
        (d.name for d in root.iterdir() if d.is_dir() and d.name.isdigit()), reverse=True
    )
    counts = {year: sum(1 for _ in _html_files(root / year)) for year in years}
    groups: list[list[str]] = []
    for year in years:
        if groups and sum(counts[y] for y in groups[-1]) + counts[year] <= max_pages:
            groups[-1].append(year)
        else:
            groups.append([year])
    shards = []
    for number, group in enumerate(groups):
        glob = (
            f"{section}/{{{','.join(group)}}}/**/*.html"
            if len(group) > 1
            else f"{section}/{group[0]}/**/*.html"
        )
        years_label = group[0] if len(group) == 1 else f"{group[-1]}-{group[0]}"
        subdir = "pagefind" if number == 0 else f"pagefind-{years_label}"
        shards.append(Shard(glob, subdir, sum(counts[y] for y in group)))
    return shards


def _html_files(folder: Path):
    for _, _, names in os.walk(folder):
        yield from (name for name in names if name.endswith(".html"))


def index_site_sharded(site: str | Path, max_pages: int) -> IndexStats:
    """Index ``site`` in one call when it is small, else in bounded shards, one after another
    (Pagefind holds a whole index in memory: about 250 KB a page).

    Writes ``pagefind/shards.json``: the other bundles' folders, relative to the site root,
    for the search page to merge (an empty list when there is one bundle).
    """
    site = Path(site)
    shards = plan_shards(site, max_pages) if (site / "events").is_dir() else []
    if len(shards) <= 1:
        stats = index_site(site)
        _write_manifest(site, [])
        return stats
    total = IndexStats(0, 0, 0, 0.0)
    for shard in shards:
        stats = index_site(site, glob=shard.glob, output_subdir=shard.output_subdir)
        total = IndexStats(
            total.pages + stats.pages,
            total.words + stats.words,
            max(total.languages, stats.languages),
            total.seconds + stats.seconds,
        )
    _write_manifest(site, [shard.output_subdir for shard in shards[1:]])
    return total


def _write_manifest(site: Path, bundles: list[str]) -> None:
    manifest = site / "pagefind" / MANIFEST
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps({"bundles": bundles}) + "\n", encoding="utf-8")
