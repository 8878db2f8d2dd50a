"""The reader's site in a real browser: search, filters, sort, shareable URLs, no third
parties, no console errors, no sideways scrolling on a phone, and axe-core's accessibility
rules (no serious or critical violation)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from tests.content_files import articles
from tests.sitebuild import REPO

pytestmark = pytest.mark.browser

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
PHONE_WIDTH = 375
CALLS_STORY = "russia-restricts-whatsapp-telegram-calls"


def calls_story_path() -> str:
    """The page of the Russian 2025 WhatsApp/Telegram call-restriction story."""
    for item in articles():
        if item.meta.get("slug") == CALLS_STORY:
            return f"/events/{item.date.year}/{CALLS_STORY}/"
    pytest.fail(f"the starter archive has no article with slug {CALLS_STORY}")


def entity_page(root: Path) -> str | None:
    """An entity page of the entities plugin (Russia's, else any country's), if built."""
    if (root / "country" / "ru" / "index.html").is_file():
        return "/country/ru/"
    found = sorted((root / "country").glob("*/index.html")) if (root / "country").is_dir() else []
    return f"/country/{found[0].parent.name}/" if found else None


def has_country_filters(root: Path) -> bool:
    """Whether the articles carry Pagefind country filters (set by the entities plugin)."""
    page = root / calls_story_path().strip("/") / "index.html"
    return 'data-pagefind-filter="country"' in page.read_text(encoding="utf-8")


def search(page, query: str) -> None:
    """Type a query into the search form and wait for the results."""
    page.fill("#q", query)
    page.press("#q", "Enter")
    wait_for_results(page)


def wait_for_results(page) -> None:
    page.wait_for_function(
        "() => { const s = document.querySelector('[data-status]').textContent;"
        " return /result/.test(s) && !/Searching/.test(s); }",
        timeout=15000,
    )


def show_all(page) -> None:
    """Press "Show more results" until every result is on the page."""
    while page.is_visible("[data-more]"):
        shown = page.locator(".result").count()
        page.click("[data-more]")
        page.wait_for_function(f"() => document.querySelectorAll('.result').length > {shown}")


def result_links(page) -> list[str]:
    return page.eval_on_selector_all(".result__title a", "links => links.map(a => a.href)")


def result_dates(page) -> list[str]:
    return page.eval_on_selector_all(".result time", "ts => ts.map(t => t.dateTime)")


def test_telegram_finds_the_2025_call_restrictions_in_the_top_three(site, new_page) -> None:
    page = new_page().page
    page.goto(site.url("/search/"))
    page.wait_for_selector("[data-facets]:not([hidden])")
    search(page, "Telegram")
    top = result_links(page)[:3]
    assert any(CALLS_STORY in link for link in top), top
    assert "q=Telegram" in page.url


#: The English reports of the 2025 call restrictions (the incident's first report and its
#: follow-up): "Telegram calls" should find one of them first.
CALLS_REPORTS = (CALLS_STORY, "russia-roskomnadzor-no-decision-to-lift-call-restrictions")


def test_telegram_calls_puts_a_report_of_the_call_restrictions_first(site, new_page) -> None:
    page = new_page().page
    page.goto(site.url("/search/?q=Telegram+calls"))
    wait_for_results(page)
    top = result_links(page)
    assert any(slug in top[0] for slug in CALLS_REPORTS), top[:3]
    assert any(CALLS_STORY in link for link in top[:3]), top[:3]


def test_country_filter_narrows_to_russian_stories(site, new_page) -> None:
    if not has_country_filters(site.root):
        pytest.skip("no article carries a country filter: the entities plugin is not enabled")
    page = new_page().page
    page.goto(site.url("/search/?q=Telegram"))
    wait_for_results(page)
    show_all(page)
    everything = len(result_links(page))
    # The gazetteer's display name: "Russia" or ISO's "Russian Federation".
    russia = page.eval_on_selector(
        "#f-country", "s => [...s.options].map(o => o.value).find(v => /^Russia/.test(v)) || ''"
    )
    assert russia, "no Russia among the country filter values"
    page.select_option("#f-country", russia)
    page.wait_for_url(re.compile(r"country=Russia"))
    wait_for_results(page)
    show_all(page)
    countries = page.eval_on_selector_all(
        ".result", "rs => rs.map(r => (r.querySelector('.countries') || {}).textContent || '')"
    )
    assert countries, "no result for Telegram in Russia"
    assert all("Russia" in c for c in countries), countries
    assert len(countries) < everything
    assert CALLS_STORY in " ".join(result_links(page))


@pytest.mark.parametrize(("order", "newest_first"), [("newest", True), ("oldest", False)])
def test_sorting_by_date_orders_the_results(site, new_page, order, newest_first) -> None:
    page = new_page().page
    page.goto(site.url("/search/?q=Telegram"))
    wait_for_results(page)
    page.select_option("#f-sort", order)
    page.wait_for_url(re.compile(f"sort={order}"))
    wait_for_results(page)
    show_all(page)
    dates = result_dates(page)
    assert len(dates) >= 3
    assert dates == sorted(dates, reverse=newest_first)


def test_query_filters_and_order_survive_a_reload(site, new_page) -> None:
    page = new_page().page
    page.goto(site.url("/search/"))
    page.wait_for_selector("[data-facets]:not([hidden])")
    search(page, "Telegram")
    page.select_option("#f-sort", "oldest")
    page.wait_for_url(re.compile("sort=oldest"))
    wait_for_results(page)
    before = result_links(page)
    page.reload()
    wait_for_results(page)
    assert page.input_value("#q") == "Telegram"
    assert page.input_value("#f-sort") == "oldest"
    assert result_links(page) == before
    page.go_back()  # history entries too: back to relevance order
    page.wait_for_function("() => document.querySelector('#f-sort').value === ''")
    wait_for_results(page)
    assert "sort=" not in page.url


def test_filters_without_words_never_search(site, new_page) -> None:
    watched = new_page()
    watched.page.goto(site.url("/search/?country=Russia&year=2025"))
    watched.page.wait_for_selector("[data-facets]:not([hidden])")
    watched.page.wait_for_function(
        "() => /Type a word/.test(document.querySelector('[data-status]').textContent)"
    )
    chunks = [url for url in watched.requests if "/index/" in url or "/fragment/" in url]
    assert chunks == [], "a filter-only search downloaded index chunks"
    assert watched.page.locator(".result").count() == 0


def test_search_works_from_a_sub_path(subpath_site, new_page) -> None:
    watched = new_page()
    watched.page.goto(subpath_site.url("/search/?q=Telegram"))
    wait_for_results(watched.page)
    links = result_links(watched.page)
    # Stories and incidents (the incidents plugin's pages) are both found.
    pages = (subpath_site.base + "/events/", subpath_site.base + "/incidents/")
    assert links and all(link.startswith(pages) for link in links)
    watched.page.goto(links[0])
    assert watched.page.locator("h1").count() == 1
    assert watched.console_errors == []


def test_search_page_without_javascript_says_so(site, new_page) -> None:
    page = new_page(java_script_enabled=False).page
    page.goto(site.url("/search/"))
    note = page.locator("noscript .notice, .notice").first
    assert "needs JavaScript" in note.inner_text()
    hrefs = page.eval_on_selector_all(".notice a", "links => links.map(a => a.href)")
    assert any(h.endswith("/archives/") for h in hrefs)
    if (site.root / "countries" / "index.html").is_file():
        assert any(h.endswith("/countries/") for h in hrefs)


def _reader_pages(site) -> list[str]:
    pages = ["/", calls_story_path(), "/search/?q=Telegram"]
    entity = entity_page(site.root)
    if entity:
        pages.append(entity)
    return pages


def test_no_request_leaves_localhost_and_no_console_error(site, new_page) -> None:
    for path in _reader_pages(site):
        watched = new_page()
        watched.page.goto(site.url(path))
        if path.startswith("/search/"):
            wait_for_results(watched.page)
            watched.page.click(".result__title a")
            watched.page.wait_for_load_state("load")
        else:
            watched.page.wait_for_load_state("networkidle")
        assert watched.foreign_requests() == [], path
        assert watched.console_errors == [], path


def _all_page_kinds(site) -> list[str]:
    root = site.root
    year = sorted(p.name for p in (root / "events").iterdir() if p.name.isdigit())[-1]
    first_tag = sorted((root / "tag").iterdir())[0].name
    kinds = [
        "/",
        "/page/2/",
        calls_story_path(),
        "/archives/",
        f"/events/{year}/",
        "/tags/",
        f"/tag/{first_tag}/",
        "/pages/about/",
        "/pages/open-data/",
        "/search/?q=Telegram",
        "/404.html",
    ]
    for index in ("countries", "platforms", "types"):
        if (root / index / "index.html").is_file():
            kinds.append(f"/{index}/")
    entity = entity_page(root)
    if entity:
        kinds.append(entity)
    return [k for k in kinds if (root / k.split("?")[0].lstrip("/")).exists()]


def test_no_page_scrolls_sideways_on_a_phone(site, new_page) -> None:
    wide = []
    for path in _all_page_kinds(site):
        page = new_page(width=PHONE_WIDTH).page
        page.goto(site.url(path))
        if path.startswith("/search/"):
            wait_for_results(page)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > PHONE_WIDTH:
            wide.append((path, scroll))
    assert wide == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_or_critical_violation(site, new_page, scheme) -> None:
    if not AXE.is_file():
        pytest.skip("axe-core is not installed: run npm ci at the repository root")
    problems = {}
    impacts: Counter[str] = Counter()
    pages = _all_page_kinds(site)
    for path in pages:
        # bypass_csp: the page's CSP rightly refuses the injected axe script.
        page = new_page(scheme=scheme, bypass_csp=True).page
        page.goto(site.url(path))
        if path.startswith("/search/"):
            wait_for_results(page)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,"
            " example: v.nodes[0] && v.nodes[0].target.join(' ')}))"
        )
        impacts.update(f"{v['impact']} ({v['id']})" for v in result)
        bad = [v for v in result if v["impact"] in {"serious", "critical"}]
        if bad:
            problems[path] = bad
    version = json.loads((AXE.parent / "package.json").read_text())["version"]
    print(
        f"\n[axe-core {version}] {scheme} scheme: {len(pages)} pages, violations by impact: "
        f"{dict(impacts) or 'none'}"
    )
    assert problems == {}, json.dumps(problems, indent=1)
