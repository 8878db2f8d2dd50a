"""``newsarchive tag FILE...``: show the entities and event types the tagger finds in files.

For editors improving the gazetteer (``data/entities/*.toml``) or the cues
(``data/event_types.toml``): run it on an article, edit the data, run it again. Reads Pelican
Markdown files (``Title:``/``Summary:``/``Lang:`` header, then the body; ``Entities:`` and
``Not-Entities:`` are honoured as in the build), HTML (``<title>`` and text) and plain text
(first line is the title). Each event type is printed with the sentence that reports it;
countries and platforms are marked main (where the event happens) or mentioned.
``--unknown`` lists capitalised names next to block/restrict verbs that the gazetteer lacks.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from collections import Counter
from pathlib import Path

from newsarchive.entities import GazetteerError
from newsarchive.event_types import EventTypesError
from newsarchive.sanitize import sanitize_html
from newsarchive.tagger import (
    BATCH_SIZE,
    Tagger,
    TagResult,
    apply_hand_set,
    load_tagger,
    tagging_text,
)
from newsarchive.unknown_names import known_keys, unknown_names

_TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)

# (title, lead, body) as the tagger reads them, and the item's metadata (lower-case keys)
Read = tuple[tuple[str, str, str], dict[str, str]]


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
    parser.add_argument(
        "--unknown", action="store_true",
        help="list capitalised names next to block/restrict verbs that the gazetteer lacks",
    )
    parser.set_defaults(func=run)


def read_text(path: Path) -> Read:
    """(title, lead, body) and metadata of a Markdown, HTML or plain-text file.

    Markdown is rendered to HTML and read as the build reads it (a Pelican header, or a
    ``---`` front matter with title and description, then the body); HTML by its ``<title>``
    and text; plain text as its first line (the title) and the rest.
    """
    raw = path.read_text(encoding="utf-8", errors="replace")
    suffix = path.suffix.lower()
    if suffix in {".html", ".htm"}:
        found = _TITLE_RE.search(raw)
        title = html.unescape(found.group(1)).strip() if found else ""
        return tagging_text(title, "", sanitize_html(raw), html=True), {}
    if suffix in {".md", ".markdown"}:
        meta, body = _markdown_meta(raw)
        if "title" in meta:
            summary = meta.get("summary") or meta.get("description") or ""
            return tagging_text(meta["title"], summary, _markdown_html(body), html=True), meta
    title, _, body = raw.strip().partition("\n")
    return tagging_text(title, "", body), {}


_SHORTCODE_RE = re.compile(r"\{\{[<%].*?[%>]\}\}", re.DOTALL)


def _markdown_meta(raw: str) -> tuple[dict[str, str], str]:
    """Metadata (lower-case keys) and body of a Markdown file: a ``---`` front matter or a
    Pelican header (``Key: value`` lines up to the first blank line)."""
    meta: dict[str, str] = {}
    if raw.startswith("---"):
        head, sep, body = raw[3:].partition("\n---")
        if sep:
            for line in head.splitlines():
                key, colon, value = line.partition(":")
                if colon and key.strip():
                    meta[key.strip().lower()] = value.strip().strip("\"'")
            return meta, body.partition("\n")[2]
    head, _, body = raw.partition("\n\n")
    for line in head.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip().lower()] = value.strip()
    return meta, body


def _markdown_html(body: str) -> str:
    """A Markdown body as HTML, as the build renders it (shortcodes of other generators
    dropped), sanitised."""
    import markdown

    return sanitize_html(markdown.markdown(_SHORTCODE_RE.sub(" ", body)))


def as_json(path: Path, result: TagResult) -> dict:
    """The result as inspect prints it: objects with id, type, name, salience, main."""
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
                "main": e.main,
            }
            for e in result.entities
        ],
        "event_types": [{"id": t.id, "name": t.name, "score": t.score} for t in result.event_types],
        "event_evidence": result.evidence,
        "main_countries": result.main_countries,
        "mentioned_countries": result.mentioned_countries,
        "main_platforms": result.main_platforms,
        "mentioned_platforms": result.mentioned_platforms,
        "regions": result.regions,
    }


def _print(
    tagger: Tagger, path: Path, text: tuple[str, str, str], result: TagResult,
    args: argparse.Namespace,
) -> None:
    """What was found in one file, as JSON or as text."""
    title, lead, body = text
    if args.json:
        print(json.dumps(as_json(path, result), ensure_ascii=False))
        return
    print(f"{path}\n  title: {title}")
    print(f"  relevance: {result.relevance:.2f}")
    if not result.event_types:
        print("  event types: none")
    for t in result.event_types:
        print(f"  event type {t.id} ({t.score:.2f})")
        if t.id in result.evidence:
            print(f"    evidence: {result.evidence[t.id]}")
    if args.explain:
        for type_id, phrase, zone, weight in tagger.explain(title, lead, body):
            print(f"    cue {type_id:26} {weight:+.1f} {zone:5} {phrase}")
    for label, ids in (
        ("main countries", result.main_countries),
        ("also mentioned", result.mentioned_countries),
        ("regions", result.regions),
        ("main platforms", result.main_platforms),
        ("platforms mentioned", result.mentioned_platforms),
    ):
        if ids:
            print(f"  {label}: {', '.join(ids)}")
    if not result.entities:
        print("  entities: none")
    for e in result.entities:
        where = " ".join(f"{zone} {n}" for zone, n in e.where.items() if n)
        mark = "*" if e.main else " "
        print(f"  {e.type:8} {mark}{e.id:32} {e.name[:34]:34} {e.salience:.2f}  {where}")


def run(args: argparse.Namespace) -> int:
    """Tag each file and print what was found (files are tagged a batch at a time)."""
    try:
        tagger = load_tagger(args.data)
    except (GazetteerError, EventTypesError) as err:
        print(f"newsarchive tag: bad data: {err}", file=sys.stderr)
        return 2
    status = 0
    unknown: Counter[str] = Counter()
    known = known_keys(tagger.gazetteer) if args.unknown else set()
    read: list[tuple[Path, Read]] = []
    for index, path in enumerate(args.files, start=1):
        try:
            read.append((path, read_text(path)))
        except OSError as err:
            print(f"newsarchive tag: {path}: {err.strerror or err}", file=sys.stderr)
            status = 1
        if len(read) == BATCH_SIZE or index == len(args.files):
            results = tagger.tag_many(text for _, (text, _meta) in read)
            for (done, (text, meta)), result in zip(read, results, strict=True):
                result.evidence = tagger.evidence(*text, result.event_types)
                result = apply_hand_set(tagger, result, meta, str(done))
                if args.unknown:
                    unknown.update(unknown_names(text, known))
                else:
                    _print(tagger, done, text, result, args)
            read = []
    if args.unknown:
        for name, count in sorted(unknown.items(), key=lambda item: (-item[1], item[0])):
            print(f"{count:5}  {name}")
    return status
