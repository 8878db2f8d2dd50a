"""``newsarchive incidents [--json] [--explain ID]``: incidents of content/, no site build.

Reads every article under ``--content`` (default ``content``), tags it and groups the
articles into incidents (``newsarchive.incidents``). Prints one line per incident, newest
first; ``--json`` prints the open-data records (the fields of ``/data/incidents.json``) as a
JSON list; ``--explain ID`` tells why each article joined incident ID (shared keys and
scores), why near candidates did not, and where each fact came from.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``incidents`` command."""
    parser = subparsers.add_parser(
        "incidents", help="list the incidents of content/ (no site build)",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--content", default="content", help="content folder (default: content)")
    parser.add_argument("--data", default=None, help="gazetteer folder (default: data/)")
    parser.add_argument("--json", action="store_true", help="the open-data records, as JSON")
    parser.add_argument("--explain", metavar="ID", help="why articles joined incident ID")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """List or explain incidents; exit 2 when the content folder is missing or ID unknown."""
    from newsarchive.incidents import build, explain
    from newsarchive.incidents.inputs import read_content
    from newsarchive.incidents.places import load_names

    content = Path(args.content)
    if not content.is_dir():
        print(f"newsarchive incidents: {content}: not a folder", file=sys.stderr)
        return 2
    logging.getLogger("newsarchive").setLevel(logging.ERROR)
    data = Path(args.data) if args.data else None
    articles = read_content(content, data)
    names = load_names(str(data) if data else None)
    if args.explain:
        text = explain(articles, args.explain, names)
        print(text)
        return 2 if text.startswith("no incident") else 0
    incidents = build(articles, names).incidents
    if args.json:
        by_key = {a.key: a for a in articles}
        records = [i.record(by_key) for i in incidents]
        json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    for incident in incidents:
        start = incident.value("start_date")
        end = incident.value("end_date")
        status = incident.value("status")
        span = f"{start or '?'} .. {end or status}"
        print(f"{incident.id}  [{incident.value('country') or '-'}] {span}  "
              f"{len(incident.articles)} report(s)  {incident.title}")
    return 0
