"""Entity and event-type pages, their Atom feeds, and the index pages, through Pelican's writer.

Every entity a published story names gets a page; for a country, region or platform the page
lists the stories about it, and those that only mention it in passing apart (``also_mentioned``
in the template); counts and index pages count only the former. A page lists the stories newest
first (paginated like tags: ``<page>/page/<n>/``), the count, the description, a stories-per-
month chart (inline SVG built here), the most co-mentioned entities, and links its feed
``<page>/feed.atom.xml``, whose entries carry each story's summary and link (the full text is in
the story's page and the site-wide feed; hundreds of feeds each repeating it would multiply the
site's size and build time).
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain, permutations
from typing import Any

from newsarchive.charts import month_chart
from newsarchive.tag_result import MAIN_TYPES

from .model import INDEX_URLS, EntityPage, EventType

log = logging.getLogger(__name__)


@dataclass
class Index:
    """Stories per entity page and per event type, and co-mentions between entities."""

    stories: dict[EntityPage | EventType, list[Any]] = field(
        default_factory=lambda: defaultdict(list)
    )
    #: stories that only mention a country, region or platform in passing ("also mentioned in")
    mentioned: dict[EntityPage, list[Any]] = field(default_factory=lambda: defaultdict(list))
    co_mentions: dict[EntityPage, Counter[EntityPage]] = field(
        default_factory=lambda: defaultdict(Counter)
    )


class SummaryEntry:
    """An article as an entity feed carries it: its summary stands for its content."""

    def __init__(self, article: Any) -> None:
        self._article = article

    def __getattr__(self, name: str) -> Any:
        return getattr(self._article, name)

    def get_content(self, siteurl: str) -> str:
        return self._article.get_summary(siteurl)


def build_index(articles: Iterable[Any], co_mention_top: int) -> Index:
    """Group published articles by the entities and event types they carry."""
    index = Index()
    for article in articles:
        mentions = [m for _label, group in article.entities for m in group]
        for mention in mentions:
            if getattr(mention, "main", True) or mention.type not in MAIN_TYPES:
                index.stories[mention.page].append(article)
            else:
                index.mentioned[mention.page].append(article)
        for event_type in article.event_types:
            index.stories[event_type.page].append(article)
        top = sorted(mentions, key=lambda m: -m.salience)[:co_mention_top]
        for a, b in permutations((m.page for m in top), 2):
            index.co_mentions[a][b] += 1
    for items in chain(index.stories.values(), index.mentioned.values()):
        items.sort(key=lambda a: a.date, reverse=True)
    return index


def write_pages(
    generator: Any, writer: Any, index: Index, *, feeds: bool, co_mentioned: int
) -> int:
    """Write every entity and event-type page (and feed) plus the index pages."""
    settings = generator.settings
    feed_items = settings.get("FEED_MAX_ITEMS") or None
    relative = settings["RELATIVE_URLS"]
    template = generator.get_template("entity")
    written = 0
    # a page for every entity a story names: those only mentioned in passing list their
    # stories apart (also_mentioned), and count none
    pages = list(index.stories) + [p for p in index.mentioned if p not in index.stories]
    # incidents filed under each entity, when the incidents plugin is on: passed to each page
    # on its own, so a page (and its incremental signature) holds only its incidents
    incidents = generator.context.get("incidents_by_entity") or {}
    for page in pages:
        stories = index.stories.get(page, [])
        others = index.co_mentions.get(page, Counter()) if isinstance(page, EntityPage) else None
        writer.write_file(
            page.save_as,
            template,
            generator.context,
            relative_urls=relative,
            paginated={"articles": stories},
            template_name="entity",
            url=page.url,
            page_name=page.page_name,
            entity=page,
            articles=stories,
            chart=month_chart((a.date for a in stories), page.name),
            co_mentioned=_top(others, co_mentioned) if others is not None else [],
            also_mentioned=index.mentioned.get(page, []) if isinstance(page, EntityPage) else [],
            entity_incidents=incidents.get(f"{page.type}:{page.id}", []),
            feed_url=page.feed_url if feeds and stories else None,
            index_url=INDEX_URLS[page.kind],
        )
        if feeds and stories:  # (an empty feed would carry the build's time: not reproducible)
            writer.write_feed(
                [SummaryEntry(story) for story in stories[:feed_items]],
                generator.context,
                page.feed_url,
                page.feed_url,
                feed_title=page.name,
            )
        written += 1
    by_kind: dict[str, list[tuple[Any, int]]] = defaultdict(list)
    for page, stories in index.stories.items():
        if stories:
            by_kind[page.kind].append((page, len(stories)))
    index_template = generator.get_template("entity_index")
    for kind, url in INDEX_URLS.items():
        terms = sorted(by_kind.get(kind, []), key=lambda t: (t[0].name.casefold(), t[0].slug))
        writer.write_file(
            url + "index.html",
            index_template,
            generator.context,
            relative_urls=relative,
            kind=kind,
            terms=terms,
            url=url,
        )
    return written


def _top(counter: Counter[EntityPage], n: int) -> list[tuple[EntityPage, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0].name.casefold()))[:n]
