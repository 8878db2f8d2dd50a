"""Integration: the bundled archive builds into a complete, searchable, relocatable site."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup

from newsarchive.sitecheck import check_site, html_files
from tests.content_files import ContentFile, articles, pages
from tests.sitebuild import build_site

pytestmark = pytest.mark.slow


def article_path(item: ContentFile) -> str:
    """Where pelicanconf.py's URL scheme puts an article (other languages get a suffix)."""
    slug, year, lang = item.meta["slug"], item.date.year, item.meta.get("lang", "en")
    if lang != "en":
        return f"events/{year}/{slug}-{lang}/index.html"
    return f"events/{year}/{slug}/index.html"


def published_articles() -> list[ContentFile]:
    return [a for a in articles() if not a.is_draft]


def test_starter_archive_is_big_enough() -> None:
    items = published_articles()
    assert len(items) >= 40, f"only {len(items)} articles"
    for item in items:
        for key in ("title", "date", "source", "source-url", "summary", "slug"):
            assert item.meta.get(key), f"{item.path.name} has no {key}"
        assert item.date.tzinfo is not None, f"{item.path.name}: Date has no UTC offset"
        assert item.meta["source-url"].startswith(("https://", "http://")), item.path.name


def test_every_content_file_has_its_page(built_site: Path) -> None:
    missing = [
        a.path.name for a in published_articles() if not (built_site / article_path(a)).is_file()
    ]
    assert not missing, f"articles without a page: {missing}"
    for page in pages():
        save_as = page.meta.get("save_as") or f"pages/{page.meta['slug']}/index.html"
        assert (built_site / save_as).is_file(), f"page {page.path.name} not at {save_as}"


def test_home_lists_newest_article_first(built_site: Path) -> None:
    home = BeautifulSoup((built_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = [a["href"] for a in home.select("main a[href]") if "events/" in a["href"]]
    assert links, "home page links no article"
    newest = max(
        (a for a in published_articles() if "translation" not in a.meta), key=lambda a: a.date
    )
    first = urlparse(links[0]).path.strip("./")
    assert first.endswith(f"{newest.meta['slug']}/") or first.endswith(newest.meta["slug"]), (
        f"home starts with {links[0]}, newest is {newest.meta['slug']}"
    )


def test_relative_links_resolve(built_site: Path) -> None:
    report = check_site(built_site, parse_html=False)
    assert report.links > 100, f"only {report.links} internal links found"
    assert report.ok, "\n".join(report.problems[:20])


def test_local_build_has_a_valid_feed_of_all_events(built_site: Path) -> None:
    """The site-wide Atom feed exists in a relative build too, with absolute ids."""
    import xml.etree.ElementTree as ET

    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.parse(built_site / "feeds" / "all.atom.xml").getroot()
    entries = root.findall(f"{atom}entry")
    assert 0 < len(entries) <= 20
    ids = [root.findtext(f"{atom}id")] + [e.findtext(f"{atom}id") for e in entries]
    assert all(i and ":" in i and not i.startswith(("/", "tag:None")) for i in ids), ids
    from datetime import datetime

    dates = [datetime.fromisoformat(e.findtext(f"{atom}published")) for e in entries]
    assert dates == sorted(dates, reverse=True), "newest first"


def test_subpath_siteurl_yields_working_links(tmp_path: Path) -> None:
    siteurl = "https://example.org/archive"
    output = tmp_path / "published"
    build_site(
        output,
        config="publishconf.py",
        env={"SITEURL": siteurl},
        settings={"PAGEFIND_ENABLED": False},
    )
    escaping = [
        f"{page.relative_to(output)}: {link}"
        for page in html_files(output)
        for link in re.findall(
            r'(?:href|src)="(https://example\.org(?!/archive)[^"]*)"', page.read_text()
        )
    ]
    assert not escaping, "links that leave the sub-path:\n" + "\n".join(escaping[:20])
    report = check_site(output, siteurl=siteurl, parse_html=False)
    assert report.links > 100, f"only {report.links} same-site links found"
    assert report.ok, "links that do not resolve under the sub-path:\n" + "\n".join(
        report.problems[:20]
    )
    feed = (output / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert f"{siteurl}/events/" in feed


def test_pagefind_indexes_exactly_the_article_and_incident_pages(built_site: Path) -> None:
    entry = json.loads((built_site / "pagefind" / "pagefind-entry.json").read_text())
    indexed = sum(lang["page_count"] for lang in entry["languages"].values())
    bodies = sorted(
        p.relative_to(built_site).as_posix()
        for p in built_site.rglob("*.html")
        if "data-pagefind-body" in p.read_text(encoding="utf-8")
    )
    incidents = sorted(
        p.relative_to(built_site).as_posix() for p in built_site.glob("incidents/*/*/index.html")
    )
    expected = sorted([*(article_path(a) for a in published_articles()), *incidents])
    assert bodies == expected, "data-pagefind-body must mark article and incident pages only"
    assert indexed == len(expected)


def test_article_page_shows_source_and_lang(built_site: Path) -> None:
    for item in published_articles():
        html = (built_site / article_path(item)).read_text(encoding="utf-8")
        soup = BeautifulSoup(html, "html.parser")
        assert soup.html.get("lang") == item.meta.get("lang", "en"), item.path.name
        source_links = [
            a for a in soup.find_all("a", href=True) if a["href"] == item.meta["source-url"]
        ]
        assert source_links, f"{item.path.name}: no link to its Source-URL"
        assert re.search(re.escape(item.meta["source"].split()[0]), soup.get_text()), item.path.name


def test_search_facets_list_exactly_the_values_pagefind_indexed(built_site: Path) -> None:
    """The search page's build-time options are the Pagefind filters of every indexed page
    (articles and incidents, told apart by the "kind" facet), with their counts."""
    from collections import Counter

    indexed: dict[str, Counter[str]] = {}
    for path in built_site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        if "data-pagefind-body" not in html:
            continue
        soup = BeautifulSoup(html, "html.parser")
        values: dict[str, set[str]] = {}
        for span in soup.select("[data-pagefind-filter]"):
            values.setdefault(span["data-pagefind-filter"], set()).add(span.get_text())
        for key, found in values.items():
            indexed.setdefault(key, Counter()).update(found)
    search = BeautifulSoup(
        (built_site / "search" / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    shown: dict[str, Counter[str]] = {}
    for select in search.select("select[data-facet]"):
        options = [o for o in select.find_all("option") if o["value"]]
        shown[select["data-facet"]] = Counter(
            {o["value"]: int(re.search(r"\((\d+)\)$", o.get_text()).group(1)) for o in options}
        )
    assert set(shown) == {"country", "platform", "type", "source", "year", "kind"}
    assert shown["kind"]["Incident"] > 0
    assert shown == indexed
