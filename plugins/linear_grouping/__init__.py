"""Three groupings Pelican 4.12 does in quadratic time, done in linear time.

Each tests every item of the archive for membership in a list:

- splitting originals from translations (``pelican.utils.process_translations``): each
  article is looked up in the list of originals, ~n²/2 comparisons; at 100,000 articles this
  alone keeps Pelican busy for many minutes before it writes a page;
- the year, month and day archives (``ArticlesGenerator._build_period_archives``): each
  article is looked up in each period's list, ~n² comparisons in all;
- the tag, category and author pages: for each of them, every article of the archive is looked
  up in its list of articles (``article in articles``), ~n² for the one category alone.

This plugin gives Pelican's generators versions of the first two that return the same results
(same objects, same order, same warnings through Pelican's own ``get_original_items``), and
makes the tag, category and author lists answer ``in`` from a set of identities. Pelican's
articles have no ``__eq__``, so ``in`` already meant identity: only the cost changes.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable, Collection
from itertools import groupby
from operator import attrgetter
from typing import Any

import pelican.generators
from pelican import signals
from pelican.generators import ArticlesGenerator
from pelican.utils import get_original_items

_GRANULARITIES: dict[str, Callable[[Any], Any]] = {
    "year": attrgetter("date.year"),
    "month": attrgetter("date.year", "date.month"),
    "day": attrgetter("date.year", "date.month", "date.day"),
}


def split_translations(
    content_list: list[Any], translation_id: str | Collection[str] | None = None
) -> tuple[list[Any], list[Any]]:
    """(originals, translations) of ``content_list``, as Pelican's ``process_translations``.

    Items sharing the ``translation_id`` metadata form a group; Pelican's
    ``get_original_items`` picks each group's originals; every item gets the others of its
    group as ``translations``. ``content_list`` is sorted in place, as Pelican does.
    """
    if not translation_id:
        return content_list, []
    keys = [translation_id] if isinstance(translation_id, str) else list(translation_id)
    key = attrgetter(*keys)
    content_list.sort(key=key)
    originals: list[Any] = []
    for values, grouped in groupby(content_list, key):
        group = list(grouped)
        shown = (values,) if len(keys) == 1 else values
        described = "with" + ", ".join(
            f' {name} "{value}"' for name, value in zip(keys, shown, strict=True)
        )
        originals.extend(get_original_items(group, described))
        for item in group:
            item.translations = [other for other in group if other is not item]
    chosen = {id(item) for item in originals}
    return originals, [item for item in content_list if id(item) not in chosen]


class IdentityList(list):
    """A list whose ``in`` looks items up by identity in a set: O(1), not O(len).

    The set is taken when the list is made: for lists that are complete, as these are.
    """

    def __init__(self, items: Any = ()) -> None:
        super().__init__(items)
        self._ids = frozenset(map(id, self))

    def __contains__(self, item: object) -> bool:
        return id(item) in self._ids


def index_term_lists(generator: ArticlesGenerator) -> None:
    """Make the article lists of tags, categories and authors IdentityLists, in place.

    Runs at ``article_generator_finalized``: the lists are complete and no page is written yet.
    """
    for tag, articles in list(generator.tags.items()):
        generator.tags[tag] = IdentityList(articles)
    for name in ("categories", "authors"):
        pairs = getattr(generator, name)
        pairs[:] = [(term, IdentityList(articles)) for term, articles in pairs]


def _period_names(granularity: str, period: Any) -> tuple[tuple, tuple]:
    """(period as shown, period as numbers): (2025,), or (2025, "August"[, 13])."""
    if granularity == "year":
        return (period,), (period,)
    named = (period[0], calendar.month_name[period[1]], *period[2:])
    return named, tuple(period)


def build_period_archives(
    sorted_articles: list[Any], articles: list[Any], settings: dict[str, Any]
) -> defaultdict[str, list[dict[str, Any]]]:
    """Archives per year, month and day whose ``*_ARCHIVE_SAVE_AS`` is set.

    ``sorted_articles`` are in archive (date) order; each archive's ``articles`` keep the
    order of ``articles``. The keys are those of Pelican's ``period_archives``: ``dates``,
    ``articles``, ``save_as``, ``url``, ``period``, ``period_num``.
    """
    position = {id(article): index for index, article in enumerate(articles)}
    archives: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for granularity, key in _GRANULARITIES.items():
        prefix = granularity.upper()
        save_as = settings.get(f"{prefix}_ARCHIVE_SAVE_AS")
        if not save_as:
            continue
        url = settings.get(f"{prefix}_ARCHIVE_URL") or ""
        for period, group in groupby(sorted_articles, key=key):
            dates = list(group)
            members = sorted(
                (a for a in dates if id(a) in position), key=lambda a: position[id(a)]
            )
            named, numbers = _period_names(granularity, period)
            archives[granularity].append(
                {
                    "dates": dates,
                    "articles": members,
                    "save_as": save_as.format(date=dates[0].date),
                    "url": url.format(date=dates[0].date),
                    "period": named,
                    "period_num": numbers,
                }
            )
    return archives


def use_linear_grouping(_pelican: Any) -> None:
    """Give Pelican's generators the linear versions (for this process)."""
    pelican.generators.process_translations = split_translations
    ArticlesGenerator._build_period_archives = staticmethod(build_period_archives)


def register() -> None:
    """Connect to ``initialized`` (before any content is read) and to
    ``article_generator_finalized`` (before any page is written)."""
    signals.initialized.connect(use_linear_grouping)
    signals.article_generator_finalized.connect(index_term_lists)
