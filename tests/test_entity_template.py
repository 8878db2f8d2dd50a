"""The entity page template (theme/templates/entity.html) on its own: a country's stories
about it first, those that only mention it apart ("Also mentioned in"), every row with date,
outlet, countries and kind of event. Rendered with plain Jinja and stand-in objects, so it
covers both taggers: with ``main_countries`` on each article, or only ``countries``."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace as NS

import pytest
from bs4 import BeautifulSoup
from jinja2 import Environment, FileSystemLoader

from tests.sitebuild import REPO

RU = NS(id="ru", name="Russia", url="country/ru/", type="country")
KZ = NS(id="kz", name="Kazakhstan", url="country/kz/", type="country")
SHUTDOWN = NS(id="shutdown", name="Internet shutdown", url="type/shutdown/")


def story(slug: str, countries: list, mains: list | None = None, day: int = 1) -> NS:
    article = NS(
        title=slug,
        url=f"events/2025/{slug}/",
        date=datetime(2025, 1, day, tzinfo=UTC),
        locale_date=f"{day} January 2025",
        source=f"Outlet {slug}",
        countries=countries,
        event_types=[SHUTDOWN],
        lang="en",
    )
    if mains is not None:
        article.main_countries = mains
    return article


def render(entity: NS, articles: list, **extra) -> BeautifulSoup:
    env = Environment(loader=FileSystemLoader(REPO / "theme" / "templates"), autoescape=True)
    html = env.get_template("entity.html").render(
        SITEURL="../..",
        SITENAME="Archive",
        DEFAULT_LANG="en",
        DEFAULT_DATE_FORMAT="%d %B %Y",
        entity=entity,
        articles=articles,
        articles_page=None,
        chart="",
        co_mentioned=[],
        feed_url=None,
        index_url="countries/",
        **extra,
    )
    return BeautifulSoup(html, "html.parser")


def titles(soup: BeautifulSoup, selector: str) -> list[str]:
    return [a.get_text() for a in soup.select(f"{selector} > li > a")]


@pytest.fixture()
def russia() -> NS:
    return NS(
        id="ru",
        name="Russia",
        type="country",
        type_label="Countries",
        description="",
        wikidata=None,
        url="country/ru/",
    )


def test_stories_that_only_mention_the_country_are_listed_apart(russia: NS) -> None:
    about = story("about-ru", [RU], mains=[RU], day=3)
    elsewhere = story("about-kz", [KZ, RU], mains=[KZ], day=2)
    untagged = story("untagged", [KZ, RU], day=1)  # no main_countries: about every country
    soup = render(russia, [about, elsewhere, untagged])
    assert titles(soup, "section:has(#stories-heading) .story-list") == ["about-ru", "untagged"]
    assert titles(soup, ".story-list--also") == ["about-kz"]
    assert soup.select_one("#also-heading").get_text() == "Also mentioned in"


def test_also_mentioned_from_the_plugin_joins_the_list_apart(russia: NS) -> None:
    soup = render(
        russia,
        [story("about-ru", [RU], mains=[RU])],
        also_mentioned=[story("kz", [KZ], mains=[KZ])],
    )
    assert titles(soup, ".story-list--also") == ["kz"]


def test_without_main_countries_nothing_is_set_apart(russia: NS) -> None:
    soup = render(russia, [story("a", [KZ, RU]), story("b", [RU])])
    assert soup.select_one("#also-heading") is None
    assert len(soup.select(".story-list > li")) == 2


def test_every_row_says_when_who_where_and_what(russia: NS) -> None:
    soup = render(russia, [story("a", [KZ, RU], day=5)])
    meta = soup.select_one(".story-list > li .meta")
    assert meta.select_one("time")["datetime"].startswith("2025-01-05")
    assert meta.select_one(".source").get_text() == "Outlet a"
    assert meta.select_one(".countries").get_text() == "Kazakhstan, Russia"
    assert meta.select_one(".types").get_text() == "Internet shutdown"
