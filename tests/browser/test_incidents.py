"""Incidents in a real browser, at 1280 px and 390 px: the fact box in an article's side
column and on the incident's page, the index table and its orders without JavaScript, text
fragments that land on their sentence, no sideways scrolling, and axe-core finding no
violation at all (any impact). Screenshots go to the test run's temporary folder."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.browser.test_site import AXE, calls_story_path

pytestmark = pytest.mark.browser

WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where this module's screenshots are kept (printed for review)."""
    folder = tmp_path_factory.mktemp("incident-screenshots")
    print(f"\n[incidents] screenshots in {folder}")
    return folder


def _needs_incidents(site) -> None:
    if not (site.root / "incidents" / "index.html").is_file():
        pytest.skip("the site was built without the incidents plugin")


def incident_of_calls_story(site, new_page) -> str:
    """The URL path of the incident the Russian calls story belongs to (from its box)."""
    page = new_page().page
    page.goto(site.url(calls_story_path()))
    href = page.get_attribute("aside .incident-box .incident-box__title a", "href")
    assert href, "the calls story shows no incident box"
    return "/" + page.evaluate("h => new URL(h, location.href).pathname", href).lstrip("/")


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,"
        " example: v.nodes[0] && v.nodes[0].target.join(' ')}))"
    )


def check_page(site, new_page, path: str, width: int, shots: Path, name: str, scheme="light"):
    """Open ``path``: no sideways scroll, no console error, nothing but localhost, no axe
    violation; keep a full-page screenshot. Returns the watched page."""
    if not AXE.is_file():
        pytest.skip("axe-core is not installed: run npm ci at the repository root")
    watched = new_page(width=width, scheme=scheme, bypass_csp=True)
    page = watched.page
    page.goto(site.url(path))
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(shots / f"{name}-{width}-{scheme}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    assert watched.foreign_requests() == [], path
    assert watched.console_errors == [], path
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)
    return watched


@pytest.mark.parametrize("width", WIDTHS)
def test_article_page_shows_its_incident_fact_box(site, new_page, shots, width) -> None:
    _needs_incidents(site)
    page = check_page(site, new_page, calls_story_path(), width, shots, "article").page
    box = page.locator("aside .incident-box")
    assert box.is_visible()
    box.scroll_into_view_if_needed()
    assert box.locator('[data-fact="status"] dd').inner_text().strip()
    assert box.locator('[data-fact="start_date"] .fact__value').inner_text().strip()
    if width >= 1280:  # the side column sits beside the text, its top in the first screen
        article = page.locator("article.event").bounding_box()
        aside = box.bounding_box()
        assert aside["x"] >= article["x"] + article["width"]
        assert aside["y"] < 900
    page.click("aside .incident-box .incident-box__title a")
    page.wait_for_load_state("load")
    assert page.url.split("/")[-4] == "incidents"


@pytest.mark.parametrize("width", WIDTHS)
def test_incident_page_fact_box_and_timeline(site, new_page, shots, width) -> None:
    _needs_incidents(site)
    path = incident_of_calls_story(site, new_page)
    page = check_page(site, new_page, path, width, shots, "incident").page
    assert page.locator("h1").inner_text().strip()
    box = page.locator(".incident-box")
    assert box.is_visible()
    assert box.locator(".fact").count() >= 5
    assert page.locator(".timeline__list > li").count() >= 2
    story = calls_story_path()
    hrefs = page.eval_on_selector_all(".timeline__title a", "as => as.map(a => a.pathname)")
    assert story in hrefs


def test_fact_sources_open_the_article_at_their_sentence(site, new_page) -> None:
    """Each quoted sentence's link carries a text fragment whose words are on that page."""
    _needs_incidents(site)
    path = incident_of_calls_story(site, new_page)
    page = new_page().page
    page.goto(site.url(path))
    links = page.eval_on_selector_all(
        ".incident-box .fact__cite a[href*='#:~:text=']", "as => as.map(a => a.href)"
    )
    assert links, "no fact links to a sentence"
    reader = new_page().page
    for href in dict.fromkeys(links):
        target, fragment = href.split("#:~:text=", 1)
        reader.goto(target)
        text = " ".join(reader.inner_text("article").split())
        for part in fragment.split(","):
            assert unquote(part) in text, (href, unquote(part))


@pytest.mark.parametrize("width", WIDTHS)
def test_incident_index_sorts_by_column_without_javascript(site, new_page, shots, width) -> None:
    _needs_incidents(site)
    check_page(site, new_page, "/incidents/", width, shots, "incidents")
    page = new_page(width=width, java_script_enabled=False).page
    page.goto(site.url("/incidents/"))
    assert page.locator("table.incident-table caption").is_visible()
    page.click("table.incident-table thead th:nth-child(7) a")  # Reports
    page.wait_for_load_state("load")
    assert page.url.endswith("/incidents/by-reports/")
    counts = [int(c) for c in page.locator("tbody tr td:nth-child(7)").all_inner_texts()]
    assert counts == sorted(counts, reverse=True)
    assert page.locator('thead th[aria-sort="descending"]').inner_text().startswith("Reports")


def test_incident_page_in_the_dark_scheme(site, new_page, shots) -> None:
    _needs_incidents(site)
    path = incident_of_calls_story(site, new_page)
    check_page(site, new_page, path, 1280, shots, "incident", scheme="dark")
