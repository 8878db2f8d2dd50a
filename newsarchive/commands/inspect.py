"""``newsarchive inspect SOURCE [SOURCE ...] --json``: read sources, write nothing.

Prints one JSON object per item, in source order (fields: source, title, url, canonical_url,
published, updated, authors, source_name, language, summary, text, html, content_hash,
relevance, event_types, entities, event_evidence (event type -> the sentence reporting it),
main_countries, mentioned_countries, main_platforms, mentioned_platforms, regions, date_origin
(text, meta, feed, file or fetched), date_from_file (true when only the file's time dated it),
...). A source that cannot be read prints ``{"source": ..., "error": ...}`` and the others go
on. Without --json: one line per item.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from newsarchive.commands.ingest import add_common, quiet_gazetteer_warnings, settings_from
from newsarchive.pipeline import expand_sources, inspect
from newsarchive.relevance import load_scorer
from newsarchive.settings import FeedConfig, SettingsError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``inspect`` command."""
    parser = subparsers.add_parser(
        "inspect", help="show what the ingest would read from sources (writes nothing)",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common(parser)
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--no-relevance", action="store_true",
                        help="skip relevance scoring (relevance is null)")
    parser.set_defaults(func=run)


def labels(tagger: Any, item: dict[str, Any]) -> dict[str, Any]:
    """The fields issue 12 adds: each event type's evidence sentence (``event_evidence``), and
    the main and mentioned countries and platforms and the regions (ids)."""
    from newsarchive.tagger import tagging_text

    text = tagging_text(item.get("title") or "", item.get("summary") or "", item.get("text") or "")
    result = tagger.tag(*text, evidence=True)
    return {
        "event_evidence": result.evidence,
        "main_countries": result.main_countries,
        "mentioned_countries": result.mentioned_countries,
        "main_platforms": result.main_platforms,
        "mentioned_platforms": result.mentioned_platforms,
        "regions": result.regions,
    }


def run(args: argparse.Namespace) -> int:
    """Print every item of every source; exit 1 when a source could not be read."""
    if not args.sources:
        print("newsarchive inspect: give at least one SOURCE", file=sys.stderr)
        return 2
    try:
        settings = settings_from(args)
    except SettingsError as err:
        print(f"newsarchive inspect: {err}", file=sys.stderr)
        return 2
    defaults = FeedConfig(language=args.language, always_relevant=args.always_relevant)
    quiet_gazetteer_warnings()
    scorer = None if args.no_relevance else load_scorer(args.scorer)
    failed = False
    out = sys.stdout
    tagger = getattr(scorer, "tagger", None)
    for item in inspect(expand_sources(args.sources, defaults), settings, scorer):
        failed |= "error" in item
        if tagger is not None and "error" not in item:
            item.update(labels(tagger, item))
        if args.json:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
        elif "error" in item:
            out.write(f"{item['source']}: error: {item['error']}\n")
        else:
            relevance = "-" if item["relevance"] is None else f"{item['relevance']:.2f}"
            out.write(f"{item['source']}: [{relevance}] {item['published'] or '-'} "
                      f"{item['title']} <{item['canonical_url'] or item['url']}>\n")
    out.flush()
    return 1 if failed else 0
