"""``newsarchive tag FILE...``: show the entities and event types the tagger finds in files.

For editors improving the gazetteer (``data/entities/*.toml``) or the cues
(``data/event_types.toml``): run it on an article, edit the data, run it again. Reads Pelican
Markdown files (``Title:``/``Summary:``/``Lang:`` header, then the body), HTML (``<title>`` and
text) and plain text (first line is the title).
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from pathlib import Path

from newsarchive.entities import GazetteerError, load_tagger
from newsarchive.event_types import EventTypesError
from newsarchive.tagger import BATCH_SIZE, Tagger, TagResult

_TAG_RE = re.compile(r"<[^>]+>")
_TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_DROP_RE = re.compile(r"<(script|style)\b.*?</\1>", re.IGNORECASE | re.DOTALL)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``tag`` command."""
    parser = subparsers.add_parser(
        "tag",
        help="print the entities and event types found in files",
        description="Tag files with the gazetteer and event types, as the site build does.",
    )
    parser.add_argument("files", nargs="+", type=Path, help="Markdown, HTML or text files")
    parser.add_argument("--data", type=Path, default=None, help="data folder (default: data/)")
    parser.add_argument("--json", action="store_true", help="one JSON object per file")
    parser.add_argument(
        "--explain", action="store_true", help="also list the cue phrases behind event types"
    )
    parser.set_defaults(func=run)


def read_text(path: Path) -> tuple[str, str, str, str]:
    """(title, lead, body, lang) of a Markdown, HTML or plain-text file."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    suffix = path.suffix.lower()
    if suffix in {".html", ".htm"}:
        found = _TITLE_RE.search(raw)
        title = html.unescape(_TAG_RE.sub(" ", found.group(1))) if found else ""
        body = html.unescape(_TAG_RE.sub(" ", _DROP_RE.sub(" ", raw)))
        return title.strip(), "", body, "en"
    if suffix in {".md", ".markdown"}:
        head, _, body = raw.partition("\n\n")
        meta = {}
        for line in head.splitlines():
            key, sep, value = line.partition(":")
            if sep:
                meta[key.strip().lower()] = value.strip()
        if "title" in meta:
            return meta["title"], meta.get("summary", ""), body, meta.get("lang", "en")
    title, _, body = raw.strip().partition("\n")
    return title, "", body, "en"


def as_json(path: Path, result: TagResult) -> dict:
    """The result as inspect prints it: objects with id, type, name, salience."""
    return {
        "file": str(path),
        "relevance": result.relevance,
        "entities": [
            {
                "id": e.id,
                "type": e.type,
                "name": e.name,
                "salience": e.salience,
                "mentions": e.mentions,
                "where": e.where,
            }
            for e in result.entities
        ],
        "event_types": [{"id": t.id, "name": t.name, "score": t.score} for t in result.event_types],
    }


def _print(
    tagger: Tagger, path: Path, text: tuple[str, str, str, str], result: TagResult,
    args: argparse.Namespace,
) -> None:
    """What was found in one file, as JSON or as text."""
    title, lead, body, _lang = text
    if args.json:
        print(json.dumps(as_json(path, result), ensure_ascii=False))
        return
    print(f"{path}\n  title: {title}")
    print(f"  relevance: {result.relevance:.2f}")
    types = ", ".join(f"{t.id} ({t.score:.2f})" for t in result.event_types) or "none"
    print(f"  event types: {types}")
    if args.explain:
        for type_id, phrase, zone, weight in tagger.explain(title, lead, body):
            print(f"    cue {type_id:26} {weight:+.1f} {zone:5} {phrase}")
    if not result.entities:
        print("  entities: none")
    for e in result.entities:
        where = " ".join(f"{zone} {n}" for zone, n in e.where.items() if n)
        print(f"  {e.type:8} {e.id:32} {e.name[:34]:34} {e.salience:.2f}  {where}")


def run(args: argparse.Namespace) -> int:
    """Tag each file and print what was found (files are tagged a batch at a time)."""
    try:
        tagger = load_tagger(args.data)
    except (GazetteerError, EventTypesError) as err:
        print(f"newsarchive tag: bad data: {err}", file=sys.stderr)
        return 2
    status = 0
    read: list[tuple[Path, tuple[str, str, str, str]]] = []
    for index, path in enumerate(args.files, start=1):
        try:
            read.append((path, read_text(path)))
        except OSError as err:
            print(f"newsarchive tag: {path}: {err.strerror or err}", file=sys.stderr)
            status = 1
        if len(read) == BATCH_SIZE or index == len(args.files):
            results = tagger.tag_many(text[:3] for _, text in read)
            for (done, text), result in zip(read, results, strict=True):
                _print(tagger, done, text, result, args)
            read = []
    return status
