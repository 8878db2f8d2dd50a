"""The one record type every source reader produces and everything after it consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Record:
    """One news item, normalised, on its way from a source to the archive.

    ``published`` and ``updated`` are timezone-aware. ``html`` is sanitised before it is
    stored; ``text`` is the body as plain text, paragraphs separated by blank lines.
    """

    title: str
    url: str
    source: str  # where it came from: a feed URL, a file path
    canonical_url: str = ""
    guid: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    date_estimated: bool = False  # True when the date came from the feed or file, not the item
    date_source: str = "item"  # item, feed, file or fetched: where ``published`` came from
    # where the date was read, for the Date-Source header: text (a date written in the body),
    # meta (the page's or front matter's metadata), feed, file (the file's mtime) or fetched
    date_origin: str = ""
    status: str = ""  # Pelican's Status ('draft' holds a story back from the site's lists)
    authors: list[str] = field(default_factory=list)
    source_name: str = ""  # the outlet
    feed: str = ""  # the feed's name in feeds.toml, when it came from one
    language: str = ""
    summary: str = ""
    html: str = ""
    text: str = ""
    image: str = ""
    tags: list[str] = field(default_factory=list)
    seen_at: list[str] = field(default_factory=list)  # other URLs the same story appeared under
    content_hash: str = ""
    kind: str = ""  # rss, atom, rdf, jsonfeed, html, text, markdown
    always_relevant: bool = False  # from feeds.toml: skip the topic filter
    relevance: float | None = None  # 0..1, set by newsarchive.relevance
    entities: list[dict] = field(default_factory=list)  # {id, type, name, salience}
    event_types: list[dict] = field(default_factory=list)  # {id, name, score}
