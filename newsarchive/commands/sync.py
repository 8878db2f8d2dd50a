"""``newsarchive sync STAGING OUTPUT``: copy a fresh build over output/, changed files only."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsarchive.sync import sync_tree


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``sync`` command."""
    parser = subparsers.add_parser(
        "sync", help="publish a staging build into output/, writing only files that changed"
    )
    parser.add_argument("staging", type=Path, help="the folder Pelican built into")
    parser.add_argument("output", type=Path, help="the published folder (output/)")
    parser.add_argument("--keep-stale", action="store_true", help="do not delete stale files")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Sync and print the counts."""
    if not args.staging.is_dir():
        print(f"newsarchive sync: {args.staging}: no such folder", file=sys.stderr)
        return 2
    report = sync_tree(args.staging, args.output, delete=not args.keep_stale)
    print(f"newsarchive sync: {args.output}: {report.summary()}")
    return 0
