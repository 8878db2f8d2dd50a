"""Pelican plugin: tag every article with entities and event types; write their pages and feeds.

Signals, in the order Pelican sends them:
1. ``initialized``: validate the settings (all in :func:`plugin_settings`), set the URL
   defaults of the entity pages, make ``entity`` a paginated template.
2. ``article_generator_pretaxonomy``: right after Pelican has read every article, tag all of
   them (published, drafts, hidden, and their translations) with the engine's tagger. This is
   done here rather than when each file is read because Pelican's content cache would keep tags
   made with an older gazetteer; our own cache is keyed by content and gazetteer hash instead.
   Every article gets ``entities`` (groups of (type label, [Mention]) by type then salience),
   ``countries`` (= ``main_countries``: where the event happens), ``mentioned_countries``,
   ``regions`` (= ``main_regions``), ``mentioned_regions``, ``platforms`` (=
   ``main_platforms``), ``mentioned_platforms``, ``event_types``, ``entity_ids`` and
   ``relevance``. A Mention's ``main`` says which.
3. ``article_writer_finalized``: write ``/<type>/<id>/`` per entity with stories, ``/type/<id>/``
   per event type, their Atom feeds and the index pages, through Pelican's writer.
4. ``feed_generated``: in a local build only, give those feeds absolute (tag: URI) ids.

State lives on the article generator for the build (``generator.entities_index``); nothing is
global except the engine's cached tagger.

Settings: ENTITIES_DATA_PATH ("data"), ENTITIES_CACHE (True: cache tag results under
``<CACHE_PATH>/entities``), ENTITIES_PAGES (True), ENTITIES_FEEDS (True),
ENTITIES_CO_MENTIONED (8: co-mentioned entities listed per page).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

from pelican import signals

from newsarchive.atom_ids import make_ids_absolute
from newsarchive.entities import TYPE_LABELS, TYPES, GazetteerError
from newsarchive.event_types import EventTypesError
from newsarchive.tagger import Tagger, load_tagger

from .model import PAGE_CLASSES, EntityPage, EventType, EventTypeMention, Mention, url_defaults
from .pages import build_index, write_pages
from .tagging import CHUNK, TagCache, TextKeys, article_text, merge_hand_set, raw_digest

log = logging.getLogger(__name__)

_KNOWN = {
    "ENTITIES_DATA_PATH", "ENTITIES_CACHE", "ENTITIES_PAGES", "ENTITIES_FEEDS",
    "ENTITIES_CO_MENTIONED",
}


@dataclass(frozen=True)
class Options:
    """The plugin's validated settings."""

    data_path: Path
    cache_dir: Path | None
    pages: bool
    feeds: bool
    co_mentioned: int


def plugin_settings(settings: dict[str, Any]) -> Options:
    """Read and validate every ENTITIES_* setting; raise ValueError naming the bad one."""
    unknown = sorted(k for k in settings if k.startswith("ENTITIES_") and k not in _KNOWN)
    if unknown:
        raise ValueError(f"entities: unknown setting(s) {', '.join(unknown)}")
    data = settings.get("ENTITIES_DATA_PATH", "data")
    if not isinstance(data, str | Path) or not str(data):
        raise ValueError("ENTITIES_DATA_PATH must be a folder path such as 'data'")
    data_path = Path(data)
    if not data_path.is_absolute():
        data_path = Path.cwd() / data_path
    if not (data_path / "entities").is_dir():
        raise ValueError(f"ENTITIES_DATA_PATH: {data_path} has no entities/ folder")
    flags = {}
    for key in ("ENTITIES_CACHE", "ENTITIES_PAGES", "ENTITIES_FEEDS"):
        value = settings.get(key, True)
        if not isinstance(value, bool):
            raise ValueError(f"{key} must be True or False")
        flags[key] = value
    top = settings.get("ENTITIES_CO_MENTIONED", 8)
    if not isinstance(top, int) or isinstance(top, bool) or top < 0:
        raise ValueError("ENTITIES_CO_MENTIONED must be a whole number >= 0")
    cache_dir = None
    if flags["ENTITIES_CACHE"]:
        cache_dir = Path(settings.get("CACHE_PATH") or ".cache") / "entities"
    return Options(
        data_path=data_path,
        cache_dir=cache_dir,
        pages=flags["ENTITIES_PAGES"],
        feeds=flags["ENTITIES_FEEDS"],
        co_mentioned=top,
    )


def initialise(pelican: Any) -> None:
    """Validate settings early and set URL defaults and pagination for entity pages."""
    settings = pelican.settings
    plugin_settings(settings)
    for key, value in url_defaults().items():
        settings.setdefault(key, value)
    paginated = settings.setdefault("PAGINATED_TEMPLATES", {})
    paginated.setdefault("entity", None)


def _all_articles(generator: Any) -> chain:
    return chain(
        generator.articles,
        generator.translations,
        generator.drafts,
        generator.drafts_translations,
        getattr(generator, "hidden_articles", []),
        getattr(generator, "hidden_translations", []),
    )


def tag_articles(generator: Any) -> None:
    """Tag every article, draft and translation; set the template attributes on each."""
    options = plugin_settings(generator.settings)
    started = time.perf_counter()
    try:
        tagger = load_tagger(options.data_path)
    except (GazetteerError, EventTypesError) as err:
        raise RuntimeError(f"entities: bad data in {options.data_path}:\n{err}") from err
    pages = _entity_pages(tagger, generator.settings)
    type_pages = {d.id: EventType(d, generator.settings) for d in tagger.event_defs}
    cache = TagCache(options.cache_dir, tagger.data_hash)
    cache.load()
    known_entities = set(tagger.gazetteer.entities)
    known_types = set(type_pages)
    articles = list(_all_articles(generator))
    keys = TextKeys(options.cache_dir)
    keys.load()
    for start in range(0, len(articles), CHUNK):  # texts held for a chunk of articles at a time
        chunk = articles[start : start + CHUNK]
        results = _tag_chunk(tagger, cache, keys, chunk)
        for article, result in zip(chunk, results, strict=True):
            result = merge_hand_set(
                result, article.metadata, known_entities, known_types, str(article.source_path)
            )
            _annotate(article, result, pages, type_pages)
    count = len(articles)
    cache.save()
    keys.save()
    generator.entities_index = None
    generator.entities_type_pages = type_pages
    log.info(
        "entities: tagged %d articles in %.2f s (%d from cache)",
        count,
        time.perf_counter() - started,
        cache.hits,
    )


def _tag_chunk(tagger: Tagger, cache: TagCache, keys: TextKeys, chunk: list[Any]) -> list:
    """Cached tag results of a chunk of articles; the text of an article is made only when
    the cache has no result under the key its raw text had last build."""
    raws = [raw_digest(article) for article in chunk]
    results: list[Any] = []
    todo: list[int] = []
    for number, raw in enumerate(raws):
        key = keys.get(raw)
        found = cache.entries.get(key) if key is not None else None
        results.append(found)
        if found is None:
            todo.append(number)
    cache.hits += len(chunk) - len(todo)
    texts = [article_text(chunk[number]) for number in todo]
    for number, text, result in zip(todo, texts, cache.tag_all(tagger, texts), strict=True):
        keys.put(raws[number], TagCache.key(text))
        results[number] = result
    return results


class _Pages(dict):
    """Entity pages made on first use (most entities are never mentioned)."""

    def __init__(self, tagger: Tagger, settings: dict[str, Any]) -> None:
        super().__init__()
        self.tagger = tagger
        self.settings = settings

    def __missing__(self, entity_id: str) -> EntityPage:
        entity = self.tagger.gazetteer.entities[entity_id]
        page = PAGE_CLASSES[entity.type](entity, self.settings)
        self[entity_id] = page
        return page


def _entity_pages(tagger: Tagger, settings: dict[str, Any]) -> _Pages:
    return _Pages(tagger, settings)


def _annotate(article: Any, result: tuple, pages: _Pages, type_pages: dict) -> None:
    entities, types, relevance = result
    mentions = [Mention(pages[i], salience, n, main) for i, salience, n, main in entities]
    groups = []
    for type_ in TYPES:
        group = sorted((m for m in mentions if m.type == type_), key=lambda m: -m.salience)
        if group:
            groups.append((TYPE_LABELS[type_], group))
    article.entities = groups

    def of(type_: str, main: bool) -> list[Mention]:
        return sorted(
            (m for m in mentions if m.type == type_ and m.main == main), key=lambda m: -m.salience
        )

    # countries, regions and platforms the story is about (pages, counts, search filters and
    # the open data use these), and those it only mentions ("also mentioned in")
    article.countries = article.main_countries = of("country", True)
    article.mentioned_countries = of("country", False)
    article.regions = article.main_regions = of("region", True)
    article.mentioned_regions = of("region", False)
    article.platforms = article.main_platforms = of("platform", True)
    article.mentioned_platforms = of("platform", False)
    article.event_types = [EventTypeMention(type_pages[i], s) for i, s in types]
    article.entity_ids = [f"{m.type}:{m.id}" for m in mentions]
    article.relevance = relevance


def write_entity_pages(generator: Any, writer: Any) -> None:
    """Write entity and event-type pages, feeds and indexes for published articles."""
    options = plugin_settings(generator.settings)
    if not options.pages or not hasattr(generator, "entities_type_pages"):
        return
    started = time.perf_counter()
    index = build_index(generator.articles, max(options.co_mentioned, 1) + 4)
    generator.entities_index = index
    written = write_pages(
        generator, writer, index, feeds=options.feeds, co_mentioned=options.co_mentioned
    )
    log.info("entities: wrote %d entity pages in %.2f s", written, time.perf_counter() - started)


_FEED_PREFIXES = tuple(f"{kind}/" for kind in (*TYPES, "type"))


def absolute_feed_ids(context: dict[str, Any], feed: Any) -> None:
    """Valid Atom ids for this plugin's feeds in a local build (see newsarchive.atom_ids)."""
    feed_url = str(feed.feed.get("feed_url") or "")
    if feed_url.endswith("/feed.atom.xml") and feed_url.lstrip("/").startswith(_FEED_PREFIXES):
        make_ids_absolute(feed)


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.initialized.connect(initialise)
    signals.article_generator_pretaxonomy.connect(tag_articles)
    signals.article_writer_finalized.connect(write_entity_pages)
    signals.feed_generated.connect(absolute_feed_ids)
