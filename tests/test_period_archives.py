"""The linear period-archive grouping returns what Pelican's own grouping returns."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pelican.generators import ArticlesGenerator
from pelican.settings import DEFAULT_CONFIG

from plugins.period_archives import build_period_archives

PELICANS_OWN = ArticlesGenerator.__dict__["_build_period_archives"]


@dataclass(eq=False)  # compared by identity, as Pelican's articles are
class Story:
    title: str
    date: datetime


def _archive(count: int, seed: int) -> tuple[list[Story], list[Story]]:
    rng = random.Random(seed)
    start = datetime(2016, 1, 1, tzinfo=UTC)
    stories = [
        Story(f"story {n}", start + timedelta(days=rng.randrange(3650), hours=rng.randrange(24)))
        for n in range(count)
    ]
    by_title = sorted(stories, key=lambda s: s.title)  # the generator's article order
    newest_first = sorted(stories, key=lambda s: s.date, reverse=True)
    return newest_first, by_title


def test_same_archives_as_pelican_for_years_months_and_days() -> None:
    settings = {
        **DEFAULT_CONFIG,
        "YEAR_ARCHIVE_SAVE_AS": "events/{date:%Y}/index.html",
        "YEAR_ARCHIVE_URL": "events/{date:%Y}/",
        "MONTH_ARCHIVE_SAVE_AS": "events/{date:%Y}/{date:%m}/index.html",
        "MONTH_ARCHIVE_URL": "events/{date:%Y}/{date:%m}/",
        "DAY_ARCHIVE_SAVE_AS": "events/{date:%Y}/{date:%m}/{date:%d}/index.html",
        "DAY_ARCHIVE_URL": "",
    }
    newest_first, by_title = _archive(600, seed=5)
    ours = build_period_archives(newest_first, by_title, settings)
    theirs = PELICANS_OWN(None, newest_first, by_title, settings)
    assert set(ours) == set(theirs) == {"year", "month", "day"}
    for granularity in ("year", "month", "day"):
        assert len(ours[granularity]) == len(theirs[granularity]) > 1
        for mine, pelican in zip(ours[granularity], theirs[granularity], strict=True):
            assert mine.keys() == pelican.keys()
            for key in mine:
                assert mine[key] == pelican[key], (granularity, key)
            # the same objects in the same order, not merely equal ones
            assert [id(a) for a in mine["articles"]] == [id(a) for a in pelican["articles"]]


def test_only_the_granularities_that_are_saved() -> None:
    newest_first, by_title = _archive(50, seed=7)
    settings = {**DEFAULT_CONFIG, "YEAR_ARCHIVE_SAVE_AS": "{date:%Y}/index.html"}
    settings.update(MONTH_ARCHIVE_SAVE_AS="", DAY_ARCHIVE_SAVE_AS="")
    ours = build_period_archives(newest_first, by_title, settings)
    assert list(ours) == ["year"]
    assert sum(len(a["dates"]) for a in ours["year"]) == 50
