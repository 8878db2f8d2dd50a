"""Pelican plugin: incidents (one record per event, from every article that reports it).

A thin adapter over ``newsarchive.incidents`` (the engine). Signals, in the order Pelican
sends them:

1. ``initialized``: validate the settings (all in :func:`plugin_settings`) and make
   ``incidents`` a paginated template (``INCIDENTS_PER_PAGE`` rows a page).
2. ``article_generator_finalized``: the entities plugin has tagged every article (at
   ``article_generator_pretaxonomy``), so each published article becomes an ``ArticleInput``
   (key = its URL, plain text of its body, its tags and metadata) and the engine groups them.
   Every article, draft and translation gets ``incident`` (an ``IncidentView`` or None; a
   translation shares its original's); the shared context gets ``incidents`` (newest first)
   and ``incidents_by_entity`` ("type:id" -> incidents, for entity pages).
3. ``article_writer_finalized``: write ``incidents/`` in every order, each
   ``incidents/<year>/<slug>/`` and the Atom feed (see ``pages``).
4. ``feed_generated``: in a local build, give the incidents feed absolute (tag:) ids.

State lives on the article generator (``generator.incidents``: the engine's incidents, the
views and the inputs the open data is written from; None when the plugin is off); nothing
is global.

Settings: INCIDENTS_ENABLED (True), INCIDENTS_PER_PAGE (100 rows per index page),
INCIDENTS_FEED ("incidents/feed.atom.xml"; None for no feed).
"""

from __future__ import annotations

import html
import logging
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from markupsafe import Markup
from pelican import signals

from newsarchive.atom_ids import make_ids_absolute

from .pages import write_pages
from .view import IncidentView, build_views

log = logging.getLogger(__name__)

_KNOWN = {"INCIDENTS_ENABLED", "INCIDENTS_PER_PAGE", "INCIDENTS_FEED"}
# Entity kinds an incident is filed under by its facts; any other entity (a body, a law, a
# person..., or a region) files it when at least half of its reports mention that entity.
_FACT_KINDS = {"country", "platform", "type"}


@dataclass(frozen=True)
class Options:
    """The plugin's validated settings."""

    enabled: bool
    per_page: int
    feed: str | None


def plugin_settings(settings: dict[str, Any]) -> Options:
    """Read and validate every INCIDENTS_* setting; raise ValueError naming the bad one."""
    unknown = sorted(k for k in settings if k.startswith("INCIDENTS_") and k not in _KNOWN)
    if unknown:
        raise ValueError(f"incidents: unknown setting(s) {', '.join(unknown)}")
    enabled = settings.get("INCIDENTS_ENABLED", True)
    if not isinstance(enabled, bool):
        raise ValueError("INCIDENTS_ENABLED must be True or False")
    per_page = settings.get("INCIDENTS_PER_PAGE", 100)
    if not isinstance(per_page, int) or isinstance(per_page, bool) or per_page < 1:
        raise ValueError("INCIDENTS_PER_PAGE must be a whole number >= 1")
    feed = settings.get("INCIDENTS_FEED", "incidents/feed.atom.xml")
    if feed is not None and (not isinstance(feed, str) or not feed or feed.startswith("/")):
        raise ValueError("INCIDENTS_FEED must be a relative path such as 'incidents/feed.atom.xml'")
    return Options(enabled=enabled, per_page=per_page, feed=feed)


@dataclass
class State:
    """One build's incidents, kept on the article generator."""

    incidents: list[Any] = field(default_factory=list)  # the engine's Incident objects
    views: list[IncidentView] = field(default_factory=list)  # newest first
    inputs: dict[str, Any] = field(default_factory=dict)  # key -> ArticleInput


def initialise(pelican: Any) -> None:
    """Validate settings early; paginate the index table."""
    options = plugin_settings(pelican.settings)
    paginated = pelican.settings.setdefault("PAGINATED_TEMPLATES", {})
    paginated.setdefault("incidents", options.per_page)


def _plain(value: Any) -> str:
    return Markup(str(value or "")).striptags()


# A body's plain text for the engine: block elements end paragraphs, other tags go without a
# trace (so "<em>partial</em>ly" stays one word), entities are decoded. Two regular
# expressions over Pelican's sanitised HTML: a tenth of a tokenizer's cost at 10,000 articles.
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|h[1-6]|li|ul|ol|dl|dt|dd|blockquote|pre|table|tr|td|th|br|hr|figure"
    r"|figcaption|section|article|aside|header|footer)\b[^>]*>",
    re.IGNORECASE,
)
_ANY_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")
_BREAK = "\ue000"  # a private-use character marks block boundaries (not whitespace)


def body_text(markup: str) -> str:
    """Plain text of an article body (NFC): paragraphs apart by a blank line, spaces collapsed."""
    text = html.unescape(_ANY_TAG.sub("", _BLOCK_TAG.sub(_BREAK, markup or "")))
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", text))
    return "\n\n".join(p for p in (part.strip() for part in text.split(_BREAK)) if p)


def _ids(mentions: Iterable[Any]) -> list[str]:
    return [str(m.id) for m in mentions or ()]


def _is_region(mention: Any) -> bool:
    """A gazetteer region (a "country" entity with a parent country), not a country."""
    entity = getattr(getattr(mention, "page", None), "entity", None)
    return bool(getattr(entity, "parent", None))


def article_input(article: Any, input_type: type) -> Any:
    """The engine's view of one Pelican article (after the entities plugin tagged it), built
    as ``newsarchive.incidents.inputs`` builds it from a content file for the command line."""
    places = list(getattr(article, "countries", None) or ())
    bodies = [
        mention
        for _label, group in getattr(article, "entities", None) or ()
        for mention in group
        if getattr(mention, "type", "") == "body"
    ]
    bodies.sort(key=lambda m: -m.salience)
    meta = {
        str(key).lower(): value
        for key, value in article.metadata.items()
        if isinstance(value, str) and key not in {"title", "summary", "date"}
    }
    return input_type(
        key=article.url,
        title=_plain(article.title),
        date=article.date,
        source=str(getattr(article, "source", "") or ""),
        source_url=str(article.metadata.get("source-url", "") or ""),
        summary=_plain(article.metadata.get("summary", "")),
        text=body_text(getattr(article, "_content", "") or ""),
        lang=str(getattr(article, "lang", "") or "en"),
        countries=tuple(_ids(p for p in places if not _is_region(p))),
        main_countries=None,
        regions=tuple(_ids(p for p in places if _is_region(p))),
        platforms=tuple(_ids(getattr(article, "platforms", None))),
        event_types=tuple(_ids(getattr(article, "event_types", None))),
        meta=meta,
        **({"bodies": tuple(_ids(bodies))} if "bodies" in _fields(input_type) else {}),
    )


def _fields(input_type: type) -> set[str]:
    """The engine's ArticleInput fields (``bodies`` arrived later; older engines lack it)."""
    return set(getattr(input_type, "__dataclass_fields__", {}))


def _everything(generator: Any) -> chain:
    return chain(
        generator.articles,
        generator.translations,
        generator.drafts,
        generator.drafts_translations,
        getattr(generator, "hidden_articles", []),
        getattr(generator, "hidden_translations", []),
    )


def entity_keys(view: IncidentView) -> set[str]:
    """The entity pages ("type:id") that list this incident."""
    keys = {f"country:{code}" for code in view.codes}
    event_type = view.incident.facts.get("event_type")
    if event_type is not None and event_type.value:
        keys.add(f"type:{event_type.value}")
    services = {link.text.casefold() for link in view.services}
    mentioned: Counter[str] = Counter()
    for article in view.reports:
        for mention in getattr(article, "platforms", None) or ():
            if str(mention.name).casefold() in services or str(mention.id) in services:
                keys.add(f"platform:{mention.id}")
        for key in set(getattr(article, "entity_ids", None) or ()):
            if key.split(":", 1)[0] not in _FACT_KINDS:
                mentioned[key] += 1
        places = getattr(article, "countries", None) or ()
        for region in {str(m.id) for m in places if _is_region(m)}:
            mentioned[f"country:{region}"] += 1  # a region's page lists what happened there
    half = max(1, (len(view.reports) + 1) // 2)
    keys.update(key for key, count in mentioned.items() if count >= half)
    return keys


def build(generator: Any) -> None:
    """Group the published articles into incidents; attach them to articles and the context."""
    options = plugin_settings(generator.settings)
    for article in _everything(generator):
        article.incident = None
    generator.context["incidents"] = []
    generator.context["incidents_by_entity"] = {}
    generator.incidents = None  # no pages, no feed, no open data unless built below
    if not options.enabled:
        return
    try:
        from newsarchive.incidents import ArticleInput, build_incidents
        from newsarchive.incidents.cache import ProfileCache
        from newsarchive.incidents.places import load_names
    except ImportError as err:  # the engine is part of this package; say what is missing
        log.error("incidents: the engine cannot be imported (%s); no incident pages", err)
        return
    started = time.perf_counter()
    articles = {article.url: article for article in generator.articles}
    inputs = {key: article_input(article, ArticleInput) for key, article in articles.items()}
    names = load_names()
    cache = ProfileCache(Path(generator.settings.get("CACHE_PATH") or ".cache") / "incidents",
                         names)
    incidents = list(build_incidents(inputs.values(), names, cache))
    views = build_views(incidents, articles)
    views.sort(key=lambda v: (v.sort_date, v.modified, v.id), reverse=True)
    by_entity: dict[str, list[IncidentView]] = {}
    for view in views:
        for report in view.reports:
            report.incident = view
            for translation in getattr(report, "translations", None) or ():
                translation.incident = view
        for key in entity_keys(view):
            by_entity.setdefault(key, []).append(view)
    generator.incidents = State(incidents=incidents, views=views, inputs=inputs)
    generator.context["incidents"] = views
    generator.context["incidents_by_entity"] = by_entity
    log.info(
        "incidents: %d incidents from %d articles (%d read before) in %.2f s",
        len(views),
        len(inputs),
        cache.hits,
        time.perf_counter() - started,
    )


def write(generator: Any, writer: Any) -> None:
    """Write the incident pages, the index in every order and the feed."""
    options = plugin_settings(generator.settings)
    state = getattr(generator, "incidents", None)
    if not options.enabled or state is None:
        return
    started = time.perf_counter()
    count = write_pages(generator, writer, state.views, options.feed)
    log.info("incidents: wrote %d incident pages in %.2f s", count, time.perf_counter() - started)


# Pelican's entry id: tag:<domain>,<date of the item>:<path>.
_DATED_TAG = re.compile(r"^tag:([^,]+),\d{4}-\d{2}-\d{2}:(.*/incidents/(\d{4})/.*)$")


def absolute_feed_ids(context: dict[str, Any], feed: Any) -> None:
    """Valid, stable Atom ids for the incidents feed.

    In a local build the ids become absolute (see newsarchive.atom_ids). In a published one,
    Pelican dates each entry's tag: id with the entry's date, the first report's, which moves
    when an earlier report joins later; the incident's year (in its URL, fixed with its id)
    is used instead, so an entry keeps its id for good."""
    wanted = context.get("INCIDENTS_FEED", "incidents/feed.atom.xml")
    if not wanted or not str(feed.feed.get("feed_url") or "").lstrip("/").endswith(str(wanted)):
        return
    make_ids_absolute(feed)
    for item in feed.items:
        match = _DATED_TAG.match(str(item.get("unique_id") or ""))
        if match:
            item["unique_id"] = f"tag:{match[1]},{match[3]}:{match[2]}"


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.initialized.connect(initialise)
    signals.article_generator_finalized.connect(build)
    signals.article_writer_finalized.connect(write)
    signals.feed_generated.connect(absolute_feed_ids)
