"""The bundled archive built with the entities and related_stories plugins."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from newsarchive.related import Settings
from tests.related.gold import GOLD, load_groups, precision_at_3
from tests.related.site import article_slug, build, related_lists

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("related") / "output"
    build(output)
    return output


def article_pages(site: Path) -> list[Path]:
    """Every article page, originals (events/Y/slug/) and translations (events/Y/slug/lang/)."""
    pages = [*site.glob("events/*/*/index.html"), *site.glob("events/*/*/*/index.html")]
    return sorted(p for p in pages if p.parent.name != "page" and p.parent.parent.name != "page")


def target(page: Path, href: str) -> Path:
    """The file a relative link on ``page`` leads to."""
    return Path(os.path.normpath(page.parent / href)) / "index.html"


def test_every_article_page_shows_related_stories_with_reasons(site: Path) -> None:
    pages = article_pages(site)
    assert len(pages) >= 40
    limit = Settings().max_results  # RELATED_STORIES_MAX, unset in pelicanconf
    shown: Counter[int] = Counter()
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        items = soup.select("section.related ol > li")
        shown[len(items)] += 1
        assert items, f"{page}: no related stories"
        assert len(items) <= limit, f"{page}: {len(items)} related stories, over {limit}"
        for li in items:
            href = li.a["href"]
            assert target(page, href).is_file(), f"{page}: broken related link {href}"
            assert article_slug(href) != page.parent.name, f"{page} relates to itself"
            reasons = li.select_one(".reasons")
            assert reasons is not None and reasons.get_text(strip=True), f"{page}: no reasons"
            assert li.time and li.time["datetime"]
    # with dozens of stories on a handful of countries, most lists are full
    assert shown.most_common(1)[0][0] == limit, shown


def test_more_on_links_lead_to_entity_pages(site: Path) -> None:
    seen = 0
    for page in article_pages(site):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        links = soup.select("section.related .more-on a")
        assert len(links) <= 2
        for a in links:
            assert a.get_text(strip=True).startswith("More on ")
            assert target(page, a["href"]).is_file(), f"{page}: broken {a['href']}"
            seen += 1
    assert seen >= len(article_pages(site))  # most stories name two entities


@pytest.mark.skipif(not GOLD.exists(), reason=f"no gold file at {GOLD}")
def test_precision_at_3_on_the_gold_groups(site: Path) -> None:
    groups = load_groups()
    assert len(groups) >= 15
    ranked = {slug: [s for s, _ in items] for slug, items in related_lists(site).items()}
    missing = sorted({s for g in groups for s in g["slugs"]} - ranked.keys())
    assert not missing, f"gold slugs without an article page: {missing}"
    mean, per_story = precision_at_3(ranked, groups)
    print(f"\nrelated stories: precision@3 = {mean:.3f} over {len(per_story)} stories")
    for slug, value in per_story.items():
        if value < 1:
            print(f"  {value:.2f} {slug}: top 3 = {ranked[slug][:3]}")
    assert mean >= 0.8
