"""What every source reader shares: its result type, its error, and the last step to a Record."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from newsarchive.normalize import (
    canonical_url,
    clean_line,
    content_hash,
    date_from_text,
    guess_language,
    normalize_language,
    title_from_text,
)
from newsarchive.record import Record
from newsarchive.sanitize import escape_text, html_to_text, sanitize_html

SUMMARY_CHARS = 300
FEED_KINDS = frozenset({"rss", "atom", "rdf", "jsonfeed", "feed"})
SAVED_KINDS = frozenset({"html", "text", "markdown"})


class SourceError(Exception):
    """A source that cannot be read; the message is the one-line reason shown to the user."""


@dataclass
class SourceResult:
    """The records read from one source, in source order, and what was learnt about it."""

    source: str
    kind: str
    records: list[Record] = field(default_factory=list)
    title: str = ""
    warnings: list[str] = field(default_factory=list)


def markup_to_line(markup: str) -> str:
    """A title or a name that may hold markup or entities, as one plain line."""
    if "<" in markup or "&" in markup:
        return clean_line(html_to_text(sanitize_html(markup, blocks=False)))
    return clean_line(markup)


def shorten(text: str, limit: int = SUMMARY_CHARS) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    line = clean_line(text)
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    sentence_end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    if sentence_end > limit * 0.6:
        return cut[: sentence_end + 1]
    return re.sub(r"\s+\S*$", "", cut).rstrip(",;:-—– ") + "…"


def finish(
    record: Record,
    *,
    raw_html: str = "",
    plain_text: str = "",
    raw_summary: str = "",
    base_url: str = "",
    fallback_date: datetime | None = None,
    fallback_source: str = "feed",
) -> Record:
    """Sanitise, derive the plain text, summary, canonical URL, language and hash in place."""
    if raw_html:
        record.html = sanitize_html(raw_html, base_url or record.url)
    elif plain_text:
        record.html = escape_text(plain_text)
    record.text = html_to_text(record.html)
    record.title = clean_line(record.title) or title_from_text(record.text)
    summary = raw_summary
    if summary:
        summary = html_to_text(sanitize_html(summary, base_url or record.url, blocks=False))
    record.summary = shorten(summary or record.text.split("\n\n", 1)[0])
    record.canonical_url = canonical_url(record.canonical_url or record.url)
    record.url = clean_line(record.url)
    record.guid = clean_line(record.guid)
    record.authors = _unique(markup_to_line(a) for a in record.authors)
    record.tags = _unique(markup_to_line(t) for t in record.tags)
    record.source_name = markup_to_line(record.source_name)
    record.language = normalize_language(record.language) or guess_language(
        f"{record.title} {record.text[:1000]}"
    )
    if record.published is None and record.updated is not None:
        record.published = record.updated
    if record.published is not None:
        record.date_origin = record.date_origin or (
            "feed" if record.kind in FEED_KINDS else "meta")
    elif record.kind in SAVED_KINDS and (written := date_from_text(record.text)) is not None:
        record.published, record.date_origin = written, "text"
    elif fallback_date is not None:
        record.published = fallback_date
        record.date_estimated = True
        record.date_source = fallback_source
        record.date_origin = fallback_source
    record.content_hash = content_hash(record.title, record.text)
    return record


def _unique(values: object) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:  # type: ignore[attr-defined]
        if value and value.casefold() not in {k.casefold() for k in seen}:
            seen[value] = None
    return list(seen)
