"""``newsarchive index SITE``: build the Pagefind index of an already built site."""

from __future__ import annotations

import argparse
import sys

from newsarchive.search_index import SearchIndexError, index_site


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``index`` command."""
    parser = subparsers.add_parser("index", help="index a built site with Pagefind")
    parser.add_argument("site", nargs="?", default="output", help="the built site (output/)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Index ``args.site`` and print Pagefind's figures."""
    try:
        stats = index_site(args.site)
    except SearchIndexError as err:
        print(f"newsarchive index: {args.site}: {err}", file=sys.stderr)
        return 1
    print(f"indexed {stats.pages} pages, {stats.words} words in {stats.seconds:.2f} s")
    return 0
