"""Group the year, month and day archives in linear time.

Pelican 4.12's ``ArticlesGenerator._build_period_archives`` finds each period's articles by
testing every article of the archive for membership in the period's list, which is quadratic:
at 100,000 articles over ten years that is about 10^10 comparisons (several minutes) before a
single page is written. This plugin gives the generator a version that groups the same way and
returns the same structure (the ``period_archives`` context variable and the pages written
from it: ``dates``, ``articles``, ``save_as``, ``url``, ``period``, ``period_num``), finding a
period's articles in archive order through a position lookup instead.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable
from itertools import groupby
from operator import attrgetter
from typing import Any

from pelican import signals
from pelican.generators import ArticlesGenerator

_GRANULARITIES: dict[str, Callable[[Any], Any]] = {
    "year": attrgetter("date.year"),
    "month": attrgetter("date.year", "date.month"),
    "day": attrgetter("date.year", "date.month", "date.day"),
}


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
    order of ``articles``.
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


def _method(
    _generator: ArticlesGenerator, sorted_articles: list[Any], articles: list[Any], settings: Any
) -> defaultdict[str, list[dict[str, Any]]]:
    return build_period_archives(sorted_articles, articles, settings)


def use_linear_grouping(_pelican: Any) -> None:
    """Give Pelican's article generator the linear grouping (once per process)."""
    ArticlesGenerator._build_period_archives = _method


def register() -> None:
    """Connect to ``initialized``: before any generator reads content."""
    signals.initialized.connect(use_linear_grouping)
