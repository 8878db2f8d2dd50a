"""``newsarchive check [SITE]``: links, HTML and feeds of a built site, checked from its files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsarchive.sitecheck import check_site


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``check`` command."""
    parser = subparsers.add_parser(
        "check", help="check a built site: internal links, HTML parse errors, Atom feeds"
    )
    parser.add_argument("site", nargs="?", type=Path, default=Path("output"))
    parser.add_argument("--siteurl", default="", help="SITEURL the site was built with")
    parser.add_argument("--no-html", action="store_true", help="skip the HTML parse (faster)")
    parser.add_argument("--max-problems", type=int, default=50, help="problems to print")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print problems, then one summary line; exit 1 when anything is wrong."""
    if not args.site.is_dir():
        print(f"newsarchive check: {args.site}: no such folder (run make html)", file=sys.stderr)
        return 2
    report = check_site(args.site, siteurl=args.siteurl, parse_html=not args.no_html)
    for problem in report.problems[: args.max_problems]:
        print(problem, file=sys.stderr)
    hidden = len(report.problems) - args.max_problems
    if hidden > 0:
        print(f"... and {hidden} more", file=sys.stderr)
    verdict = "ok" if report.ok else f"{len(report.problems)} problems"
    print(
        f"newsarchive check: {args.site}: {report.pages} pages, {report.links} internal links, "
        f"{report.feeds} feeds: {verdict}"
    )
    return 0 if report.ok else 1
