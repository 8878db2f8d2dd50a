"""Pelican plugin: under each article, the stories a reader most likely wants next, with reasons.

A thin adapter over :mod:`newsarchive.related` (the engine: scoring, candidates, ranking).

Signal order: ``article_generator_finalized``, sent once Pelican has read every article. The
entities plugin tags articles earlier (at ``article_generator_pretaxonomy``), so entities and
event types are there to use, and the writers have not run yet, so templates see the lists.

Every article, draft, hidden article and translation gets:
- ``related_stories``: up to RELATED_STORIES_MAX :class:`Related` (``.article``, ``.score``,
  ``.reasons``), never itself, a translation of itself or a duplicate (same canonical
  Source-URL or Seen-At URL), one story per translation group. Only published articles and
  their translations are offered; drafts and hidden articles get lists but are never in one.
- ``more_on``: its two most salient entities, for "More on <entity>" links.
Without the entities plugin, or without numpy, ``related_stories`` is empty and a warning says
why (``more_on`` still comes from the entities, if any).

Settings (validated together, misspellings included, by
:func:`newsarchive.related.settings_from`): RELATED_STORIES_MAX (5), RELATED_STORIES_WEIGHTS
({"entities": 1, "text": 1, "event_type": 0.3, "time": 1}; a partial dict keeps the other
defaults), RELATED_STORIES_HALF_LIFE_DAYS (30), RELATED_STORIES_MIN_SCORE (0.05, scores lie in
0..1), and tuning knobs: RELATED_STORIES_TEXT_TERMS (12), RELATED_STORIES_POSTING_CAP (20),
RELATED_STORIES_PROBE_KEYS (8), RELATED_STORIES_SHORTLIST (12), RELATED_STORIES_BODY_CHARS
(2000), RELATED_STORIES_PROCESSES (0: fork onto idle cores for archives of 4,000+ stories).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pelican import signals

try:
    from newsarchive import related as engine
except ImportError as err:  # numpy missing: the site still builds, without related stories
    engine = None
    _MISSING = str(err)

log = logging.getLogger(__name__)
MORE_ON = 2


@dataclass(frozen=True)
class Related:
    """One related story as templates see it."""

    article: Any
    score: float
    reasons: tuple[str, ...]

    def __incremental_signature__(self) -> tuple[Any, tuple[str, ...]]:
        """What a page shows of it (incremental plugin): the story and the reasons; the
        score, which moves a little with every new story, is not shown."""
        return self.article, self.reasons


def _published(generator: Any) -> list[Any]:
    return [*generator.articles, *generator.translations]


def _unpublished(generator: Any) -> list[Any]:
    return [
        *generator.drafts,
        *generator.drafts_translations,
        *getattr(generator, "hidden_articles", []),
        *getattr(generator, "hidden_translations", []),
    ]


def _unique(articles: Iterable[Any]) -> Iterator[Any]:
    seen: set[int] = set()
    for article in articles:
        if id(article) not in seen:
            seen.add(id(article))
            yield article


def _entities(article: Any) -> list[Any]:
    """The article's entities from the entities plugin's groups, most salient first."""
    flat = [e for _, group in getattr(article, "entities", None) or [] for e in group]
    return sorted(flat, key=lambda e: (-float(e.salience), str(e.type), str(e.id)))


def _urls(article: Any) -> list[str]:
    meta = article.metadata
    urls = [str(meta.get("source-url") or "")]
    seen_at = meta.get("seen-at") or []
    if isinstance(seen_at, str):
        seen_at = seen_at.replace(",", " ").split()
    urls += [str(u) for u in seen_at]
    return [u for u in urls if u]


def _translation_group(article: Any, settings: dict[str, Any]) -> Any:
    """What Pelican groups translations by (ARTICLE_TRANSLATION_ID, default the slug)."""
    field = settings.get("ARTICLE_TRANSLATION_ID", "slug")
    if not field:
        return None
    if isinstance(field, str):
        return getattr(article, field, None)
    return tuple(getattr(article, name, None) for name in field)


def document(number: int, article: Any, target: bool, settings: dict[str, Any]) -> Any:
    """The engine's view of a Pelican article; ``number`` is its key."""
    meta = article.metadata
    return engine.Document(
        key=number,
        slug=str(article.slug),
        date=article.date,
        title=engine.plain_text(str(getattr(article, "title", ""))),
        summary=engine.plain_text(str(meta.get("summary") or "")),
        body=engine.plain_text(getattr(article, "_content", "") or ""),
        lang=getattr(article, "lang", None) or "en",
        entities=[
            engine.EntityRef(f"{e.type}:{e.id}", str(e.name), float(e.salience))
            for e in _entities(article)
        ],
        event_types=[
            engine.EventRef(str(t.id), str(t.name), float(t.score))
            for t in getattr(article, "event_types", None) or []
        ],
        urls=_urls(article),
        group=_translation_group(article, settings),
        target=target,
    )


def attach_related(generator: Any) -> None:
    """Set ``related_stories`` and ``more_on`` on every article, draft and translation."""
    settings = generator.settings
    options = engine.settings_from(settings) if engine else None
    published = list(_unique(_published(generator)))
    offered = {id(a) for a in published}
    articles = list(_unique([*published, *_unpublished(generator)]))
    for article in articles:
        article.related_stories = []
        article.more_on = _entities(article)[:MORE_ON]
    if engine is None:
        log.warning("related_stories: disabled, the engine needs numpy (%s)", _MISSING)
        return
    if articles and not any(hasattr(a, "entities") for a in articles):
        log.warning("related_stories: no article has entities (is the entities plugin on?)")
        return
    started = time.perf_counter()
    docs = [document(i, a, id(a) in offered, settings) for i, a in enumerate(articles)]
    lists = engine.related(docs, options)
    for number, article in enumerate(articles):
        article.related_stories = [
            Related(articles[m.key], m.score, m.reasons) for m in lists[number]
        ]
    log.info(
        "related_stories: %d articles linked in %.2f s",
        len(articles),
        time.perf_counter() - started,
    )


def check_settings(pelican: Any) -> None:
    """Fail early, before any reading, on a bad RELATED_STORIES_* setting."""
    if engine is not None:
        engine.settings_from(pelican.settings)


def register() -> None:
    """Connect to ``initialized`` (settings check) and ``article_generator_finalized``."""
    signals.initialized.connect(check_settings)
    signals.article_generator_finalized.connect(attach_related)
