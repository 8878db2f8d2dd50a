"""``python -m bench --articles N``: run every stage's benchmark and print one table.

Each stage is a module ``bench/<stage>.py`` exposing ``run(n, workdir) -> list[Row]``.
The table also goes to ``bench/RESULTS.md`` with the machine and the date.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench.common import Row

STAGES = ("ingest", "tagging", "related", "incidents", "build", "search")
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    """One line naming the machine the figures were measured on."""
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {memory_gb:.0f} GB, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    lines = [
        "| stage | items | seconds | items/s | peak MB | note |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        if row.seconds <= 0:  # a measurement not taken at this size: the note says why
            lines.append(f"| {row.stage} | {row.items:,} | – | – | – | {row.note} |")
            continue
        lines.append(
            f"| {row.stage} | {row.items:,} | {row.seconds:.2f} | {row.rate:,.0f} "
            f"| {row.peak_mb:,.0f} | {row.note} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the selected stages on N synthetic articles."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--articles", "-n", type=int, default=10_000, help="archive size")
    parser.add_argument("--stages", default=",".join(STAGES), help="comma-separated stages")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="newsarchive-bench-"))
    tables: dict[str, str] = {}
    try:
        for stage in args.stages.split(","):
            try:
                module = importlib.import_module(f"bench.{stage}")
            except ModuleNotFoundError as err:
                if err.name != f"bench.{stage}":
                    raise
                print(f"bench: no stage {stage!r} yet, skipped", file=sys.stderr)
                continue
            print(f"bench: {stage} at {args.articles:,} articles ...", file=sys.stderr, flush=True)
            stage_dir = workdir / stage
            stage_dir.mkdir()
            rows = module.run(args.articles, stage_dir)
            tables[stage] = table(rows)
            print(tables[stage], flush=True)
            if not args.no_write:  # written stage by stage: a long run keeps what it measured
                RESULTS.write_text(_merge(stage, args.articles, tables[stage]), encoding="utf-8")
            shutil.rmtree(stage_dir, ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


_HEAD = "# Benchmark results\n\nWritten by `make bench` (`python -m bench --articles N`).\n"


def _merge(stage: str, articles: int, report: str) -> str:
    """RESULTS.md with this stage's table at this archive size replaced, the others kept.

    Sections are ``## N articles``, one ``### stage`` each, stamped with date and machine.
    """
    sizes: dict[int, dict[str, str]] = {}
    if RESULTS.exists():
        for chunk in RESULTS.read_text(encoding="utf-8").split("\n## ")[1:]:
            head, _, rest = chunk.partition("\n")
            size = int(head.split(" articles", 1)[0].replace(",", ""))
            for part in rest.split("\n### ")[1:]:
                name, _, body = part.partition("\n")
                sizes.setdefault(size, {})[name.split(" ", 1)[0]] = f"{name}\n\n{body.strip()}"
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    sizes.setdefault(articles, {})[stage] = (
        f"{stage} — {stamp}\n\nMachine: {machine()}\n\n{report}"
    )
    out = [_HEAD]
    for size in sorted(sizes):
        out.append(f"## {size:,} articles\n")
        stages = sizes[size]
        for name in sorted(stages, key=lambda s: STAGES.index(s) if s in STAGES else len(STAGES)):
            out.append(f"### {stages[name]}\n")
    return "\n".join(out)


if __name__ == "__main__":
    raise SystemExit(main())
