"""Build stage benchmark: our full build against plain Pelican and plain Pagefind, cold and warm.

Rows: plain Pelican (same theme, no plugins), plain Pagefind (its CLI on that output), our
build with every plugin (Pagefind included), its Pelican part alone, and a warm rebuild after
one new article with the files it changed in output/. The ratios go in the notes.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from bench.common import Measurement, Row, measure
from bench.synth import SPAN_DAYS, START, SynthArticle, to_markdown, write_content
from newsarchive.search_index import pagefind_executable
from newsarchive.sync import sync_tree

REPO = Path(__file__).resolve().parent.parent
SHARD_PAGES = 20_000  # PAGEFIND_MAX_SHARD_PAGES's default
# Above this size only the cold builds run (plain Pelican, then ours): each takes tens of
# minutes at 100,000 articles. Our build without Pagefind is then the cold build less the
# seconds the pagefind_search plugin reports.
FULL_RUN_MAX = 20_000


def pelican(content: Path, output: Path, cache: Path, **settings: object) -> float | None:
    """One Pelican run with the project's settings, ``settings`` overriding them.

    Returns the seconds Pagefind took, as the pagefind_search plugin reports them (None when
    it did not run)."""
    command = [
        sys.executable,
        "-m",
        "pelican",
        str(content),
        "-o",
        str(output),
        "-s",
        str(REPO / "pelicanconf.py"),
        "--delete-output-directory",
        "-q",
    ]
    # One -e with every KEY=VALUE: Pelican keeps only the last of repeated -e options.
    overrides = {"CACHE_PATH": str(cache), **settings}
    command += ["-e", *(f"{key}={json.dumps(value)}" for key, value in overrides.items())]
    done = subprocess.run(command, cwd=REPO, check=True, capture_output=True, text=True)
    sys.stdout.write(done.stdout)
    sys.stderr.write(done.stderr)
    found = re.search(r"pagefind_search: indexed .* in ([0-9.]+) s", done.stdout + done.stderr)
    return float(found.group(1)) if found else None


def plain_pagefind(site: Path) -> None:
    """Pagefind's own CLI over a built site."""
    subprocess.run(
        [str(pagefind_executable()), "--site", str(site)], check=True, capture_output=True
    )


# Pagefind writes its filter and metadata indexes from a hash map in arbitrary order, so their
# bytes and names (and the entry file naming them) differ between runs (Pagefind #638).
UNSTABLE = re.compile(
    r"^pagefind[^/]*/(filter/.*|pagefind\.[a-z-]+_[0-9a-f]+\.pf_meta|pagefind-entry\.json)$"
)


def compare_sites(first: Path, second: Path) -> list[str]:
    """Paths whose bytes differ between two built sites (or that only one has), Pagefind's
    unstable files aside."""
    def files(root: Path) -> dict[str, Path]:
        found = {}
        for path in root.rglob("*"):
            name = path.relative_to(root).as_posix()
            if path.is_file() and not UNSTABLE.match(name):
                found[name] = path
        return found

    a, b = files(first), files(second)
    differing = sorted(a.keys() ^ b.keys())
    differing += sorted(
        name for name in a.keys() & b.keys() if a[name].read_bytes() != b[name].read_bytes()
    )
    return differing


def count_pages(site: Path) -> int:
    return sum(1 for _ in site.rglob("*.html"))


def run(n: int, workdir: Path) -> list[Row]:
    """Cold and warm builds of ``n`` synthetic articles."""
    content = workdir / "content"
    write_content(n, content)
    shutil.copytree(REPO / "content" / "pages", content / "pages")
    plain, ours, staging = workdir / "plain", workdir / "output", workdir / "staging"

    # Above FULL_RUN_MAX, Pelican 4.12 alone spends most of its time in quadratic groupings
    # (see plugins/linear_grouping): the baseline gets that plugin, or it would take hours
    # and measure little but them.
    baseline = [] if n <= FULL_RUN_MAX else ["linear_grouping"]
    plain_run = measure(pelican, content, plain, workdir / "cache-plain", PLUGINS=baseline)
    pages = count_pages(plain)
    # Plain Pagefind indexes every page in one process (~250 KB of memory a page): past one
    # shard's worth of articles it would not fit in memory, so it is only run below that.
    plain_index = measure(plain_pagefind, plain) if n <= SHARD_PAGES else None
    shutil.rmtree(plain, ignore_errors=True)
    cold = measure(pelican, content, staging, workdir / "cache")
    index_seconds = cold.value or 0.0
    if n > FULL_RUN_MAX:
        return _large_rows(n, pages, plain_run, cold, index_seconds)
    no_index = measure(
        pelican, content, workdir / "no-index", workdir / "cache-no-index", PAGEFIND_ENABLED=False
    )
    shutil.rmtree(workdir / "no-index", ignore_errors=True)
    sync_tree(staging, ours)

    article = SynthArticle(
        slug="bench-new-article",
        title="Russia restricts calls on WhatsApp and Telegram",
        date=START + timedelta(days=SPAN_DAYS + 1),
        summary="Roskomnadzor restricted calls on WhatsApp and Telegram.",
        body="Roskomnadzor said calls on WhatsApp and Telegram were partially restricted.",
        source="Bench",
        source_url="https://news.example.org/bench-new-article",
    )
    (content / "articles" / f"{article.date:%Y}").mkdir(parents=True, exist_ok=True)
    (content / "articles" / f"{article.date:%Y}" / "bench-new-article.md").write_text(
        to_markdown(article), encoding="utf-8"
    )
    warm = measure(pelican, content, staging, workdir / "cache")
    report = sync_tree(staging, ours)
    changed = len(report.added) + len(report.changed) + len(report.removed)
    # The same content built cold (fresh cache, fresh folder) must give the same files.
    fresh = workdir / "cold-again"
    pelican(content, fresh, workdir / "cache-cold-again")
    differing = compare_sites(staging, fresh)
    shutil.rmtree(fresh, ignore_errors=True)
    same = "warm output = cold build's" if not differing else (
        f"warm output DIFFERS from a cold build's in {len(differing)} files, "
        f"e.g. {differing[:3]}"
    )

    plugin_overhead = (no_index.seconds - plain_run.seconds) / plain_run.seconds
    if plain_index is not None:
        index_row = Row(
            "build: plain Pagefind CLI", pages, plain_index.seconds, plain_index.peak_mb
        )
        plain_total = plain_run.seconds + plain_index.seconds
        versus = f"{cold.seconds / plain_total:.2f}x plain Pelican + plain Pagefind"
    else:
        index_row = Row(
            "build: plain Pagefind CLI",
            pages,
            0.0,
            0.0,
            f"not run: one index of {pages:,} pages needs ~{pages * 0.25 / 1024:.0f} GB",
        )
        versus = f"{cold.seconds / plain_run.seconds:.2f}x plain Pelican (index sharded)"
    return [
        Row(
            "build: plain Pelican (no plugins)",
            n,
            plain_run.seconds,
            plain_run.peak_mb,
            f"{pages:,} pages",
        ),
        index_row,
        Row(
            "build: ours without Pagefind",
            n,
            no_index.seconds,
            no_index.peak_mb,
            f"plugins add {plugin_overhead:+.0%} to plain Pelican",
        ),
        Row(
            "build: ours, cold (all plugins + Pagefind)",
            n,
            cold.seconds,
            cold.peak_mb,
            versus,
        ),
        Row(
            "build: ours, warm (+1 article)",
            n + 1,
            warm.seconds,
            warm.peak_mb,
            f"{warm.seconds / cold.seconds:.2f}x cold; {changed:,} files changed "
            f"of {report.unchanged + changed:,}; {same}",
        ),
    ]


def _large_rows(
    n: int, pages: int, plain_run: Measurement, cold: Measurement, index_seconds: float
) -> list[Row]:
    """Rows of a cold-only run (archives above FULL_RUN_MAX articles)."""
    without = cold.seconds - index_seconds
    return [
        Row(
            "build: plain Pelican (linear_grouping only)",
            n,
            plain_run.seconds,
            plain_run.peak_mb,
            f"{pages:,} pages; Pelican alone is quadratic at this size",
        ),
        Row(
            "build: plain Pagefind CLI",
            pages,
            0.0,
            0.0,
            f"not run: one index of {pages:,} pages needs ~{pages * 0.25 / 1024:.0f} GB",
        ),
        Row(
            "build: ours without Pagefind",
            n,
            without,
            cold.peak_mb,
            f"cold build less Pagefind's {index_seconds:.0f} s; plugins add "
            f"{(without - plain_run.seconds) / plain_run.seconds:+.0%} to plain Pelican",
        ),
        Row(
            "build: ours, cold (all plugins + Pagefind)",
            n,
            cold.seconds,
            cold.peak_mb,
            f"{cold.seconds / plain_run.seconds:.2f}x plain Pelican; Pagefind in shards "
            f"of at most {SHARD_PAGES:,} pages: {index_seconds:.0f} s",
        ),
        Row(
            "build: ours, warm (+1 article)",
            n + 1,
            0.0,
            0.0,
            f"not run above {FULL_RUN_MAX:,} articles (see the 10,000 row)",
        ),
    ]
