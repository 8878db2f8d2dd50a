"""The linear groupings return what Pelican's own (quadratic) ones return."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pelican.utils
from pelican.generators import ArticlesGenerator
from pelican.settings import DEFAULT_CONFIG

from plugins.linear_grouping import (
    IdentityList,
    build_period_archives,
    index_term_lists,
    split_translations,
)

PELICANS_OWN = ArticlesGenerator.__dict__["_build_period_archives"]
PELICANS_TRANSLATIONS = pelican.utils.process_translations


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
        for mine, pelicans in zip(ours[granularity], theirs[granularity], strict=True):
            assert mine.keys() == pelicans.keys()
            for key in mine:
                assert mine[key] == pelicans[key], (granularity, key)
            # the same objects in the same order, not merely equal ones
            assert [id(a) for a in mine["articles"]] == [id(a) for a in pelicans["articles"]]


def test_only_the_granularities_that_are_saved() -> None:
    newest_first, by_title = _archive(50, seed=7)
    settings = {**DEFAULT_CONFIG, "YEAR_ARCHIVE_SAVE_AS": "{date:%Y}/index.html"}
    settings.update(MONTH_ARCHIVE_SAVE_AS="", DAY_ARCHIVE_SAVE_AS="")
    ours = build_period_archives(newest_first, by_title, settings)
    assert list(ours) == ["year"]
    assert sum(len(a["dates"]) for a in ours["year"]) == 50


@dataclass(eq=False)
class Item:
    """What Pelican's translation split reads of an article."""

    title: str
    slug: str
    lang: str
    in_default_lang: bool
    metadata: dict
    source_path: str = ""
    translations: list | None = None


def _items() -> list[Item]:
    rng = random.Random(11)
    out = []
    for n in range(300):
        slug = f"s{rng.randrange(120)}"  # many slugs shared: groups of 1 to ~6
        lang = rng.choice(["en", "en", "ru", "fa"])
        translation = rng.choice(["false", "false", "true"])
        out.append(Item(f"t{n}", slug, lang, lang == "en", {"translation": translation}))
    return out


def test_same_originals_and_translations_as_pelican() -> None:
    mine, theirs = _items(), _items()
    originals, translations = split_translations(mine, "slug")
    their_originals, their_translations = PELICANS_TRANSLATIONS(theirs, "slug")
    assert [i.title for i in originals] == [i.title for i in their_originals]
    assert [i.title for i in translations] == [i.title for i in their_translations]
    assert translations and len(originals) + len(translations) == 300
    for a, b in zip(mine, theirs, strict=True):  # both sorted in place the same way
        assert a.title == b.title
        assert [t.title for t in a.translations] == [t.title for t in b.translations]
    assert split_translations(mine, None) == (mine, [])


def test_term_lists_answer_in_by_identity_with_the_same_items() -> None:
    stories = [Story(f"s{n}", datetime(2020, 1, 1, tzinfo=UTC)) for n in range(6)]
    twin = Story("s0", stories[0].date)  # equal fields, another object: not a member
    categories = [("events", stories[:])]
    generator = SimpleNamespace(
        tags={"vpn": stories[:3], "tor": stories[3:]},
        categories=categories,
        authors=[("staff", stories[1:2])],
    )
    index_term_lists(generator)
    assert generator.categories is categories  # the context holds this very list
    lists = [
        *generator.tags.values(),
        *(a for _, a in generator.categories),
        *(a for _, a in generator.authors),
    ]
    assert all(isinstance(a, IdentityList) for a in lists)
    assert [s.title for s in generator.tags["vpn"]] == ["s0", "s1", "s2"]
    assert stories[0] in generator.tags["vpn"] and stories[3] not in generator.tags["vpn"]
    assert twin not in generator.categories[0][1]
    pelicans_dates = [s for s in stories if s in generator.authors[0][1]]
    assert pelicans_dates == [stories[1]]
