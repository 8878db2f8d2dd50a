"""Search as a reader meets it: facet counts that follow the query, honest empty results,
snippets from a sentence, country and kind on every result, filters folded on a phone."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_site import has_country_filters, wait_for_results

pytestmark = pytest.mark.browser

COUNT = re.compile(r"^(?P<value>.+) \((?P<n>\d+)\)$")


def option_counts(page, facet: str) -> dict[str, int]:
    """The visible options of a facet with the counts they show."""
    texts = page.eval_on_selector_all(
        f"#f-{facet} option", "os => os.filter(o => o.value && !o.hidden).map(o => o.textContent)"
    )
    return {m["value"]: int(m["n"]) for m in map(COUNT.match, texts) if m}


def counts_after(page, query: str, facet: str = "country") -> dict[str, int]:
    """Search for ``query`` and wait until the facet counts are this query's."""
    before = page.evaluate("() => document.querySelector('#f-country').innerText")
    page.fill("#q", query)
    page.press("#q", "Enter")
    wait_for_results(page)
    page.wait_for_function(
        "(b) => document.querySelector('#f-country').innerText !== b", arg=before, timeout=15000
    )
    return option_counts(page, facet)


def result_total(page) -> int:
    found = re.match(r"(\d+) results?", page.text_content("[data-status]"))
    return int(found.group(1)) if found else 0


def test_facet_counts_follow_the_query_and_match_the_filtered_results(site, new_page) -> None:
    if not has_country_filters(site.root):
        pytest.skip("no article carries a country filter: the entities plugin is not enabled")
    page = new_page().page
    page.goto(site.url("/search/"))
    page.wait_for_selector("[data-facets]:not([hidden])")
    archive_wide = option_counts(page, "country")
    telegram = counts_after(page, "Telegram")
    shutdown = counts_after(page, "shutdown")
    assert telegram and shutdown
    assert telegram != shutdown, "facet counts did not change with the query"
    assert telegram != archive_wide and shutdown != archive_wide
    total = result_total(page)
    assert all(0 < n <= total for n in shutdown.values()), shutdown
    # a country's count is the number of results choosing it gives
    country, expected = max(shutdown.items(), key=lambda item: (item[1], item[0]))
    page.select_option("#f-country", country)
    page.wait_for_function(
        "(c) => document.querySelector('[data-status]').textContent.includes(' in ' + c)",
        arg=country,
    )
    wait_for_results(page)
    assert result_total(page) == expected


def test_a_nonsense_query_finds_nothing_and_suggests_what_to_try(site, new_page) -> None:
    page = new_page().page
    page.goto(site.url("/search/?q=xqzvwk"))
    page.wait_for_function(
        "() => /No results/.test(document.querySelector('[data-status]').textContent)"
    )
    assert page.locator(".result").count() == 0
    assert page.is_visible("[data-suggest]")
    assert "Check the spelling" in page.text_content("[data-suggest]")


def test_results_show_country_and_kind_and_start_at_a_sentence(site, new_page) -> None:
    if not has_country_filters(site.root):
        pytest.skip("no article carries a country filter: the entities plugin is not enabled")
    page = new_page().page
    page.goto(site.url("/search/?q=Telegram"))
    wait_for_results(page)
    rows = page.eval_on_selector_all(
        ".result",
        """rs => rs.map(r => ({
            title: r.querySelector('.result__title a').textContent,
            countries: (r.querySelector('.countries') || {}).textContent || '',
            kinds: (r.querySelector('.kinds') || {}).textContent || '',
            excerpt: r.querySelector('.result__excerpt').textContent}))""",
    )
    assert rows
    assert sum(1 for r in rows if r["countries"] and r["kinds"]) >= len(rows) * 0.8, rows
    for row in rows:
        tail = " ".join(row["title"].split()[-3:])
        assert not row["excerpt"].startswith(tail), row  # no repeated piece of the title
        first = row["excerpt"].lstrip("…")[:1]
        assert first.isupper() or first.isdigit() or row["excerpt"].startswith("…"), row


def test_on_a_phone_the_filters_fold_and_results_come_first(site, new_page) -> None:
    page = new_page(width=390).page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site.url("/search/?q=shutdown"))
    wait_for_results(page)
    assert page.eval_on_selector("[data-facets-fold]", "d => d.open") is False
    top = page.eval_on_selector(".result", "r => r.getBoundingClientRect().top")
    assert top < 844, f"the first result starts at {top}px, below the fold"
    page.click("[data-facets-fold] > summary")
    assert page.is_visible("#f-sort")
