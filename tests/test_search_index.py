"""The Pagefind step: figures parsed, failures fail the build with a clear message."""

from __future__ import annotations

import functools
import json
import shutil
from pathlib import Path

import pytest

from newsarchive.search_index import (
    SearchIndexError,
    index_site,
    index_site_incremental,
    index_site_sharded,
    parse_figures,
    plan_bundles,
    plan_shards,
)
from tests.sitebuild import build_site

ARTICLE = """Title: A test story
Date: 2024-01-02T10:00:00+00:00
Source: Test Outlet
Source-URL: https://example.org/story
Summary: A shutdown in a test country.
Slug: a-test-story

Authorities shut down mobile internet in the test region for three days.
"""


def test_parse_figures() -> None:
    log = "Indexed 2 languages\nIndexed 1204 pages\nIndexed 88123 words\nIndexed 5 filters\n"
    assert parse_figures(log) == {"page": 1204, "word": 88123, "language": 2}


def test_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SearchIndexError, match="not a folder"):
        index_site(tmp_path / "nowhere")


def test_index_site_counts_only_marked_bodies(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(
        '<html lang="en"><body><nav>menu</nav><main data-pagefind-body>'
        "<h1>Shutdown</h1><p>Mobile internet cut.</p></main></body></html>"
    )
    (tmp_path / "list.html").write_text('<html lang="en"><body><p>a list</p></body></html>')
    stats = index_site(tmp_path)
    assert stats.pages == 1
    assert (tmp_path / "pagefind" / "pagefind-entry.json").is_file()


def test_failing_pagefind_fails_the_build(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    (content / "articles" / "story.md").write_text(ARTICLE)
    with pytest.raises(AssertionError) as failure:
        build_site(tmp_path / "out", content=content, env={"PAGEFIND_BINARY_PATH": "/bin/false"})
    assert "pagefind_search: indexing" in str(failure.value)
    assert "pagefind exited 1" in str(failure.value)


def write_article_pages(site: Path, per_year: dict[str, int]) -> None:
    for year, count in per_year.items():
        for number in range(count):
            page = site / "events" / year / f"story-{number}" / "index.html"
            page.parent.mkdir(parents=True)
            page.write_text(
                f'<html lang="en"><body><main data-pagefind-body><h1>Story {year} {number}</h1>'
                f"<p>Internet shutdown number {number} in {year}.</p></main></body></html>"
            )


def test_plan_shards_packs_whole_years_newest_first(tmp_path: Path) -> None:
    write_article_pages(tmp_path, {"2019": 2, "2020": 3, "2021": 1, "2022": 4})
    shards = plan_shards(tmp_path, max_pages=5)
    assert [(s.output_subdir, s.pages) for s in shards] == [
        ("pagefind", 5),  # 2022 + 2021
        ("pagefind-2019-2020", 5),
    ]
    assert shards[0].glob == "events/{2022,2021}/**/*.html"


def test_sharded_index_covers_every_page_and_lists_bundles(tmp_path: Path) -> None:
    write_article_pages(tmp_path, {"2020": 3, "2021": 2, "2022": 2})
    stats = index_site_sharded(tmp_path, max_pages=3)
    assert stats.pages == 7
    manifest = json.loads((tmp_path / "pagefind" / "shards.json").read_text())
    assert manifest == {"bundles": ["pagefind-2021", "pagefind-2020"]}
    for bundle in ("pagefind", *manifest["bundles"]):
        assert (tmp_path / bundle / "pagefind-entry.json").is_file(), bundle


def test_small_site_is_one_bundle(tmp_path: Path) -> None:
    write_article_pages(tmp_path, {"2020": 2, "2021": 2})
    assert index_site_sharded(tmp_path, max_pages=100).pages == 4
    assert json.loads((tmp_path / "pagefind" / "shards.json").read_text()) == {"bundles": []}


def test_plan_bundles_keeps_the_newest_year_alone(tmp_path: Path) -> None:
    write_article_pages(tmp_path, {"2019": 2, "2020": 3, "2021": 1, "2022": 4})
    bundles = plan_bundles(tmp_path, max_pages=100, bundle_pages=4)
    assert [(b.output_subdir, b.pages) for b in bundles] == [
        ("pagefind", 4),  # 2022, where new stories land
        ("pagefind-2020-2021", 4),
        ("pagefind-2019", 2),
    ]


def test_a_new_year_changes_one_older_bundle_only(tmp_path: Path) -> None:
    years = {"2019": 2, "2020": 2, "2021": 2, "2022": 1}
    write_article_pages(tmp_path, years)
    before = {(b.glob, b.pages) for b in plan_bundles(tmp_path, max_pages=100, bundle_pages=4)}
    write_article_pages(tmp_path, {"2023": 1})
    after = {(b.glob, b.pages) for b in plan_bundles(tmp_path, max_pages=100, bundle_pages=4)}
    # 2022 leaves the newest bundle and joins 2021's; 2019-2020's bundle is kept as it was
    assert ("events/{2020,2019}/**/*.html", 4) in before & after
    assert len(after - before) == 2  # the newest year's bundle and the one 2022 joined


def _bundle_files(site: Path) -> dict[str, bytes]:
    """Every stable file of the site's bundles (Pagefind #638: filter and meta files vary)."""
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.glob("pagefind*/**/*"))
        if path.is_file()
        and "/filter/" not in path.as_posix()
        and not path.name.endswith(".pf_meta")
        and path.name != "pagefind-entry.json"
    }


def test_incremental_index_rebuilds_only_changed_bundles(tmp_path: Path) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    write_article_pages(site, {"2020": 3, "2021": 2, "2022": 2})
    first = index_site_incremental(site, 100, cache, bundle_pages=3, split_min=1)
    assert (first.pages, first.reused) == (7, 0)
    again = index_site_incremental(site, 100, cache, bundle_pages=3, split_min=1)
    assert (again.pages, again.reused) == (0, 3)
    page = site / "events" / "2021" / "story-0" / "index.html"
    page.write_text(page.read_text().replace("Internet shutdown", "VPN ban"))
    changed = index_site_incremental(site, 100, cache, bundle_pages=3, split_min=1)
    assert (changed.pages, changed.reused) == (2, 2)  # only 2021's bundle rebuilt
    fresh = tmp_path / "fresh"
    shutil.copytree(site / "events", fresh / "events")
    index_site_incremental(fresh, 100, None, bundle_pages=3, split_min=1)
    assert _bundle_files(site) == _bundle_files(fresh)
    manifest = json.loads((site / "pagefind" / "shards.json").read_text())
    assert manifest == {"bundles": ["pagefind-2021", "pagefind-2020"]}


def test_a_section_apart_is_a_bundle_rebuilt_only_when_it_changes(tmp_path: Path) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    write_article_pages(site, {"2021": 2, "2022": 2})
    incident = site / "incidents" / "2022" / "blackout" / "index.html"
    incident.parent.mkdir(parents=True)
    incident.write_text('<html lang="en"><body><main data-pagefind-body><h1>Blackout</h1>'
                        "<p>Mobile internet cut for three days.</p></main></body></html>")
    index = functools.partial(index_site_incremental, site, 100, cache, bundle_pages=3,
                              split_min=1, apart=("incidents",))
    assert (index().pages, index().reused) == (5, 3)  # built, then every bundle kept
    manifest = json.loads((site / "pagefind" / "shards.json").read_text())
    assert manifest == {"bundles": ["pagefind-2021", "pagefind-incidents"]}
    incident.write_text(incident.read_text().replace("three", "four"))
    assert (index().pages, index().reused) == (1, 3)  # only the incidents' bundle rebuilt
    events = site / "events" / "2021" / "story-0" / "index.html"
    events.write_text(events.read_text().replace("Internet shutdown", "VPN ban"))
    assert index().reused == 2  # 2021's bundle only


def test_a_large_section_apart_is_split_by_year_like_events(tmp_path: Path) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    write_article_pages(site, {"2021": 2, "2022": 2})
    for year in ("2021", "2022"):
        page = site / "incidents" / year / f"cut-{year}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f'<html lang="en"><body><main data-pagefind-body><h1>Cut {year}</h1>'
                        "<p>Mobile internet cut.</p></main></body></html>")
    index = functools.partial(index_site_incremental, site, 100, cache, bundle_pages=3,
                              split_min=1, apart=("incidents",))
    assert index().pages == 6
    manifest = json.loads((site / "pagefind" / "shards.json").read_text())
    assert manifest == {"bundles": ["pagefind-2021", "pagefind-incidents",
                                    "pagefind-incidents-2021"]}
    newest = site / "incidents" / "2022" / "cut-2022" / "index.html"
    newest.write_text(newest.read_text().replace("Mobile", "Fixed-line"))
    again = index()
    assert (again.pages, again.reused) == (1, 3)  # the newest year's incidents only


def test_changes_pagefind_does_not_read_rebuild_nothing(tmp_path: Path) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    write_article_pages(site, {"2021": 2, "2022": 2})
    index_site_incremental(site, 100, cache, bundle_pages=3, split_min=1)
    page = site / "events" / "2021" / "story-0" / "index.html"
    page.write_text(page.read_text().replace("</main>", "</main><aside>Related: a</aside>"))
    assert index_site_incremental(site, 100, cache, bundle_pages=3, split_min=1).reused == 2
    page.write_text(page.read_text().replace(
        "<aside>", '<aside><span data-pagefind-filter="country">Iran</span>'))
    assert index_site_incremental(site, 100, cache, bundle_pages=3, split_min=1).reused == 1


@pytest.mark.parametrize(("pages", "reused", "warned"),
                         [(0, 0, True), (0, 3, False), (5, 0, False)])
def test_no_searchable_page_is_warned_of_only_when_no_bundle_was_kept(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path,
        pages: int, reused: int, warned: bool) -> None:
    """A rebuild that kept every bundle indexed no page, and that is no fault of the site."""
    from types import SimpleNamespace

    import plugins.pagefind_search as plugin
    from newsarchive.search_index import IndexStats

    monkeypatch.setattr(plugin, "index_site_incremental",
                        lambda *a, **k: IndexStats(pages, 10 * pages, 1, 0.1, reused))
    pelican = SimpleNamespace(settings={"OUTPUT_PATH": str(tmp_path), "CACHE_PATH": str(tmp_path)})
    with caplog.at_level("WARNING"):
        plugin.index_output(pelican)
    assert ("no page has data-pagefind-body" in caplog.text) is warned


def test_index_view_is_what_pagefind_reads() -> None:
    from newsarchive.search_index import index_view, page_digests

    page = (b'<html lang="fr"><head><title>Coupure</title></head><body>'
            b'<nav><a href="/">Home</a></nav>'
            b'<article data-pagefind-body><div>Body <div>nested</div> text</div></article>'
            b'<aside><a href="/x/">A related story</a></aside>'
            b'<span data-pagefind-filter="country">Iran</span> after'
            b'<p xdata-pagefind-body>not a marker</p></body></html>')
    view = index_view(page)
    assert view is not None
    assert b'<html lang="fr">' in view and b"<title>Coupure" in view
    assert b"<div>nested</div> text</div></article>" in view  # the body element whole
    assert b'data-pagefind-filter="country">Iran' in view
    assert b"Home" not in view and b"related" not in view and b"xdata" not in view
    # outside what Pagefind reads, a change keeps the view; inside, it changes it
    assert index_view(page.replace(b"A related story", b"Another story")) == view
    assert index_view(page.replace(b"nested", b"moved")) != view
    assert index_view(page.replace(b">Iran<", b">Iraq<")) != view
    # a page that marks no body (data-pagefind-bodyx is no body): no view, its markers count
    bodiless = page.replace(b"data-pagefind-body>", b"data-pagefind-bodyx>")
    assert index_view(bodiless) is None
    assert page_digests(bodiless)[2] != page_digests(
        bodiless.replace(b">Iran<", b">Iraq<"))[2]
