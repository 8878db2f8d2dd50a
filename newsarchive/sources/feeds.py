"""RSS 0.9x/1.0/2.0, RDF and Atom 0.3/1.0 feeds through feedparser, one Record per entry.

feedparser's own sanitiser and URI resolver are switched off (it lets some vectors through,
see DESIGN.md, and it re-parses every piece of markup): everything goes through
``newsarchive.sanitize`` instead, which makes relative links absolute against the item's base
(Atom: the content's ``xml:base``; RSS: the item's link; else the feed's link). Full content
(``content:encoded``, Atom ``content``) wins over the summary.
"""

from __future__ import annotations

import calendar
import html as htmllib
from datetime import UTC, datetime
from typing import Any

import feedparser

from newsarchive.normalize import absolute_url, clean_line, parse_date
from newsarchive.record import Record
from newsarchive.settings import FeedConfig
from newsarchive.sources.base import SourceError, SourceResult, finish, markup_to_line
from newsarchive.sources.detect import FEED_ROOTS, root_name

MAX_CATEGORIES = 5
# Problems feedparser reports that do not make a feed less readable.
BENIGN = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


def _struct_date(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _date(node: Any, *names: str) -> datetime | None:
    """The first readable date among ``names``, keeping the offset the feed wrote."""
    for name in names:  # dict.get: feedparser's own get maps a missing updated to published
        parsed = parse_date(dict.get(node, name)) or _struct_date(dict.get(node, f"{name}_parsed"))
        if parsed:
            return parsed
    return None


def _text_of(detail: Any, value: str) -> str:
    """A title-like field as one line, reading markup only when the feed says it is markup."""
    kind = (detail or {}).get("type", "text/plain")
    if "html" in kind:
        return markup_to_line(value)
    return clean_line(value)


def _body(entry: Any) -> tuple[str, str]:
    """(markup, base) of the fullest content, falling back to the summary."""
    best, base, best_len = "", "", -1
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        if "html" not in (content.get("type") or ""):
            value = htmllib.escape(value, quote=False).replace("\n\n", "</p><p>")
        if len(value) > best_len:
            best, base, best_len = value, content.get("base") or "", len(value)
    if best.strip():
        return best, base
    detail = entry.get("summary_detail") or {}
    value = entry.get("summary") or ""
    if value and "html" not in (detail.get("type") or "text/html"):
        value = htmllib.escape(value, quote=False)
    return value, detail.get("base") or ""


def _image(entry: Any) -> str:
    candidates = [m.get("url", "") for m in entry.get("media_thumbnail") or []]
    candidates += [
        m.get("url", "") for m in entry.get("media_content") or []
        if str(m.get("medium", m.get("type", "image"))).startswith("image")
    ]
    candidates += [
        link.get("href", "") for link in entry.get("links") or []
        if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/")
    ]
    for url in candidates:
        if str(url).startswith("https://"):
            return str(url)
    return ""


def _authors(entry: Any) -> list[str]:
    names = [a.get("name") or a.get("email") or "" for a in entry.get("authors") or []]
    if not any(names) and entry.get("author"):
        names = [entry["author"]]
    return [n for n in names if n]


def read_feed(
    data: bytes,
    source: str,
    config: FeedConfig | None = None,
    *,
    location: str = "",
    headers: dict[str, str] | None = None,
) -> SourceResult:
    """Parse RSS/RDF/Atom bytes; raise SourceError when they are no feed at all."""
    config = config or FeedConfig()
    response_headers = {k.lower(): v for k, v in (headers or {}).items()}
    if location.startswith(("http://", "https://")):
        response_headers.setdefault("content-location", location)
    try:
        parsed = feedparser.parse(
            data,
            response_headers=response_headers,
            sanitize_html=False,
            resolve_relative_uris=False,  # done by our sanitiser, against the item's base
        )
    except Exception as err:  # feedparser is defensive, but a crash here must not end a run
        raise SourceError(f"feed parser failed: {type(err).__name__}: {err}") from err
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if problem is not None and isinstance(problem, BENIGN):
        problem = None
    if not parsed.entries:
        root = root_name(data)
        if not parsed.get("version") and root not in FEED_ROOTS:
            raise SourceError(f"not a feed: root element <{root or '?'}>"
                              + (f" ({_short(problem)})" if problem else ""))
        if problem is not None:
            raise SourceError(f"malformed feed, no item could be read: {_short(problem)}")
    feed = parsed.feed
    kind = "atom" if str(parsed.version).startswith("atom") else (
        "rdf" if parsed.version in {"rss090", "rss10"} else "rss"
    )
    result = SourceResult(source=source, kind=kind, title=_text_of(feed.get("title_detail"),
                                                                  feed.get("title", "")))
    if problem is not None:
        result.warnings.append(f"feed is not well-formed, read leniently: "
                               f"{_short(parsed.bozo_exception)}")
    feed_date = _date(feed, "updated", "published") or parse_date(
        response_headers.get("last-modified")
    )
    feed_link = absolute_url(feed.get("link", ""), location)
    feed_language = config.language or feed.get("language", "")
    for entry in parsed.entries:
        result.records.append(
            _record(entry, source, config, result.title, feed_language, feed_date, feed_link,
                    kind)
        )
    return result


def _record(entry: Any, source: str, config: FeedConfig, feed_title: str, language: str,
            feed_date: datetime | None, feed_link: str, kind: str) -> Record:
    guid = str(entry.get("id") or "")
    link = absolute_url(entry.get("link", ""), feed_link) or next(
        (absolute_url(item.get("href", ""), feed_link) for item in entry.get("links") or []
         if item.get("rel", "alternate") == "alternate"
         and absolute_url(item.get("href", ""), feed_link)), "")
    if not link and guid.startswith(("http://", "https://")):
        link = guid
    markup, base = _body(entry)
    summary = entry.get("summary") or ""
    if summary and "html" not in ((entry.get("summary_detail") or {}).get("type") or "text/html"):
        summary = htmllib.escape(summary, quote=False)
    content_language = next(
        (c.get("language") for c in entry.get("content") or [] if c.get("language")), ""
    )
    categories = [t.get("term") or t.get("label") or "" for t in entry.get("tags") or []]
    record = Record(
        title=_text_of(entry.get("title_detail"), entry.get("title", "")),
        url=link,
        source=source,
        guid=guid,
        published=_date(entry, "published", "created", "issued"),
        updated=_date(entry, "updated"),
        authors=_authors(entry),
        source_name=config.name or feed_title,
        feed=config.name,
        language=config.language or content_language or language,
        image=_image(entry),
        tags=list(config.tags) + [c for c in categories if 0 < len(c) <= 40][:MAX_CATEGORIES],
        kind=kind,
        always_relevant=config.always_relevant,
    )
    base = base if base.startswith(("http://", "https://")) else ""
    # Atom content carries its xml:base (the right base for its relative links); RSS content
    # is relative to the item's page.
    base_url = (base or link if kind == "atom" else link or base) or feed_link
    return finish(record, raw_html=markup, raw_summary=summary, base_url=base_url,
                  fallback_date=feed_date, fallback_source="feed")


def _short(problem: object) -> str:
    text = " ".join(str(problem).split())
    return text[:160] or type(problem).__name__
