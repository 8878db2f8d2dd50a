"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1), read by the project itself.

feedparser 6.0.14 cannot read JSON Feed. The reader follows the spec, leniently where real
feeds are sloppy: a bare version "1", "1.0" or "1.1" is accepted, the 1.0 ``author`` and the
1.1 ``authors`` both count, an item without ``id`` falls back to its URL. What is not a JSON
Feed (bad JSON, no version, no ``items`` list) is refused with the reason.
"""

from __future__ import annotations

import json
import re
from typing import Any

from newsarchive.normalize import absolute_url, clean_line, parse_date
from newsarchive.record import Record
from newsarchive.settings import FeedConfig
from newsarchive.sources.base import SourceError, SourceResult, finish, markup_to_line

_VERSION = re.compile(r"^(?:https?://jsonfeed\.org/version/)?(1(?:\.[01])?)/?$")


def _decode(data: bytes) -> Any:
    for encoding in ("utf-8-sig", "utf-16", "utf-32"):
        try:
            return json.loads(data.decode(encoding))
        except UnicodeDecodeError:
            continue
        except json.JSONDecodeError as err:
            raise SourceError(f"invalid JSON: {err}") from err
    raise SourceError("invalid JSON: not UTF-8, UTF-16 or UTF-32 text")


def _authors(node: dict[str, Any]) -> list[str]:
    people = node.get("authors")
    if not isinstance(people, list):
        people = [node["author"]] if isinstance(node.get("author"), dict) else []
    return [clean_line(p.get("name") or p.get("url") or "") for p in people
            if isinstance(p, dict) and (p.get("name") or p.get("url"))]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def read_jsonfeed(data: bytes, source: str, config: FeedConfig | None = None, *,
                  location: str = "") -> SourceResult:
    """Parse JSON Feed bytes into records; raise SourceError when it is not a JSON Feed."""
    config = config or FeedConfig()
    feed = _decode(data)
    if not isinstance(feed, dict):
        raise SourceError("not a JSON Feed: the top level is not an object")
    version = feed.get("version")
    match = _VERSION.match(version) if isinstance(version, str) else None
    if not match:
        raise SourceError(f"not a JSON Feed: missing or unknown version {version!r}")
    items = feed.get("items")
    if not isinstance(items, list):
        raise SourceError("not a JSON Feed: 'items' is missing or not a list")
    home = absolute_url(_text(feed.get("home_page_url")), location) or absolute_url(
        _text(feed.get("feed_url")), location
    )
    result = SourceResult(source=source, kind="jsonfeed",
                          title=markup_to_line(_text(feed.get("title"))))
    feed_authors = _authors(feed)
    language = config.language or _text(feed.get("language"))
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            result.warnings.append(f"item {number} is not an object, skipped")
            continue
        result.records.append(_record(item, source, config, result.title, home, feed_authors,
                                      language))
    return result


def _record(item: dict[str, Any], source: str, config: FeedConfig, feed_title: str, home: str,
            feed_authors: list[str], language: str) -> Record:
    url = absolute_url(_text(item.get("url")), home) or absolute_url(
        _text(item.get("external_url")), home
    )
    guid = item.get("id")
    guid = str(guid) if isinstance(guid, str | int | float) and not isinstance(guid, bool) else ""
    html = _text(item.get("content_html"))
    plain = _text(item.get("content_text"))
    tags = [t for t in item.get("tags") or [] if isinstance(t, str) and 0 < len(t) <= 40]
    image = next((u for u in (_text(item.get("image")), _text(item.get("banner_image")))
                  if u.startswith("https://")), "")
    record = Record(
        title=markup_to_line(_text(item.get("title"))),
        url=url,
        source=source,
        guid=guid or url,
        published=parse_date(item.get("date_published")),
        updated=parse_date(item.get("date_modified")),
        authors=_authors(item) or list(feed_authors),
        source_name=config.name or feed_title,
        feed=config.name,
        language=config.language or _text(item.get("language")) or language,
        image=image,
        tags=list(config.tags) + tags[:5],
        kind="jsonfeed",
        always_relevant=config.always_relevant,
    )
    summary = _text(item.get("summary"))
    return finish(record, raw_html=html, plain_text=plain if not html else "",
                  raw_summary=summary.replace("&", "&amp;").replace("<", "&lt;"),
                  base_url=url or home, fallback_source="feed")
