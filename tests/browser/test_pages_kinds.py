"""Every kind of page in a real browser at 1280 px and 390 px (issue 14): axe-core finds no
violation at all, nothing is requested from anywhere but 127.0.0.1, nothing scrolls sideways,
no console error; and what each kind must show: the world map (home, year, event type,
incidents index, countries index), a country's incidents as duration bars with readable
axes before its incidents and stories, list rows that say when, where, what and who reported,
the side column beside the text on a wide screen while maps, charts and tables use the width.

A full-page screenshot of each kind at each width is kept for review in
$NEWSARCHIVE_SCREENSHOTS, else ``.cache/screenshots/`` (git-ignored), named ``<kind>-<width>.png``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.browser.test_site import AXE, calls_story_path, wait_for_results
from tests.sitebuild import REPO

pytestmark = pytest.mark.browser

WIDTHS = (1280, 390)
#: The text column's measure (42rem) plus a little: text must not run wider than this.
MEASURE_PX = 42 * 16 + 8


@pytest.fixture(scope="module")
def shots() -> Path:
    """Where the screenshots go (outside git): $NEWSARCHIVE_SCREENSHOTS or .cache/screenshots."""
    folder = Path(os.environ.get("NEWSARCHIVE_SCREENSHOTS") or REPO / ".cache" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\n[pages] screenshots in {folder}")
    return folder


def _first(root: Path, pattern: str, prefer: str = "") -> str | None:
    """The URL path of ``prefer`` if built, else of the first page matching ``pattern``."""
    if prefer and (root / prefer.strip("/") / "index.html").is_file():
        return prefer
    found = sorted(root.glob(pattern))
    return "/" + str(found[0].parent.relative_to(root)) + "/" if found else None


def _incident_page(root: Path) -> str | None:
    """The incident the Russian calls story belongs to, else the first incident page."""
    story = calls_story_path().strip("/").split("/")[-1]
    pages = sorted((root / "incidents").glob("[0-9][0-9][0-9][0-9]/*/index.html"))
    for page in pages:
        if story in page.read_text(encoding="utf-8"):
            return "/" + str(page.parent.relative_to(root)) + "/"
    return "/" + str(pages[0].parent.relative_to(root)) + "/" if pages else None


def _busiest_year(root: Path) -> str | None:
    """The year page with the most stories (its map has the most countries)."""
    years = [p for p in (root / "events").iterdir() if p.name.isdigit()]
    if not years:
        return None
    busiest = max(years, key=lambda p: (len(list(p.glob("*/index.html"))), p.name))
    return f"/events/{busiest.name}/"


#: kind -> how to find its page in a built site (None: not built, the test skips)
KINDS: dict[str, Callable[[Path], str | None]] = {
    "home": lambda root: "/",
    "article": lambda root: calls_story_path(),
    "incident-index": lambda root: (
        "/incidents/" if (root / "incidents/index.html").is_file() else None
    ),
    "incident": _incident_page,
    "country": lambda root: _first(root, "country/*/index.html", "/country/ru/"),
    "countries": lambda root: "/countries/" if (root / "countries/index.html").is_file() else None,
    "platform": lambda root: _first(root, "platform/*/index.html", "/platform/telegram/"),
    "event-type": lambda root: _first(root, "type/*/index.html", "/type/shutdown/"),
    "year": _busiest_year,
    "search": lambda root: "/search/?q=Telegram",
    "about": lambda root: "/pages/about/",
    "404": lambda root: "/404.html",
}


def _axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,"
        " example: v.nodes[0] && v.nodes[0].target.join(' ')}))"
    )


def _box(page, selector: str) -> dict:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box


def _rows_say_when_where_what_who(page, selector: str) -> int:
    """Every list row shows a date, an outlet, its countries and its kinds of event."""
    missing = page.eval_on_selector_all(
        selector,
        """rows => rows.map(r => [
              (r.querySelector('a') || {}).textContent || '?',
              ['time', '.source', '.countries', '.types'].filter(s => {
                 const el = r.querySelector(s);
                 return !el || !el.textContent.trim();
              })]).filter(([, gone]) => gone.length)""",
    )
    assert missing == [], missing
    return page.locator(selector).count()


def _check_map(page, width: int) -> None:
    """A world map with linked, titled countries, as wide as the page's content."""
    svg = page.locator("svg.world-map")
    assert svg.count() == 1, "no world map"
    assert page.locator("svg.world-map a path[class^='m']").count() >= 3
    assert page.locator("details.map-table table tbody tr").count() >= 3
    if width >= 1280:
        assert _box(page, "svg.world-map")["width"] > 1000  # maps use the width


def _beside(page, main: str, aside: str) -> None:
    """On a wide screen the side column sits right of the text column, which keeps its measure."""
    left, right = _box(page, main), _box(page, aside)
    assert left["width"] <= MEASURE_PX, f"{main} is {left['width']} px wide"
    assert right["x"] >= left["x"] + left["width"], (left, right)


def _kind_checks(kind: str, page, width: int, site) -> None:
    wide = width >= 1280
    if kind == "home":
        _check_map(page, width)
        assert "incident" in (page.get_attribute("svg.world-map", "aria-label") or "")
        assert _rows_say_when_where_what_who(page, ".teasers > li") >= 10
        if wide:
            _beside(page, ".teasers", ".home__aside")
    elif kind == "year":
        _check_map(page, width)
        assert _rows_say_when_where_what_who(page, ".teasers > li") >= 3
        if page.locator("svg.world-map[aria-label*='incident']").count():  # incidents exist
            assert page.locator(".with-aside__aside .incident-list a").count() >= 1
            if wide:
                _beside(page, ".with-aside__main", ".with-aside__aside")
    elif kind == "event-type":
        _check_map(page, width)
        assert _rows_say_when_where_what_who(page, ".story-list > li") >= 3
        if wide and page.locator(".entity-incidents table").count():
            assert _box(page, ".entity-incidents table")["width"] > 1000  # tables use the width
    elif kind == "country":
        chart = page.locator("svg.durations")
        assert chart.count() == 1, "no duration bars of the country's incidents"
        assert page.locator("svg.durations .bar").count() >= 3
        # the year axis stays readable on a phone: labels at least 12 CSS px tall, not shrunk
        ticks = page.eval_on_selector_all(
            "svg.durations text.tick", "ts => ts.map(t => t.getBoundingClientRect().height)"
        )
        assert len(ticks) >= 2 and min(ticks) >= 12, ticks
        order = [
            _box(page, sel)["y"]
            for sel in ("svg.durations", "#incidents-heading", "#stories-heading")
        ]
        assert order == sorted(order), "not: incidents chart, incidents, then stories"
        assert _rows_say_when_where_what_who(page, ".story-list > li") >= 3
        if wide:
            assert _box(page, "svg.durations")["width"] > 1000  # charts use the width
            _beside(page, ".with-aside__main", ".with-aside__aside")
    elif kind == "countries":
        _check_map(page, width)
        rows = page.locator("table.count-table--index tbody tr")
        assert rows.count() >= 10
        if wide:
            assert _box(page, "table.count-table--index")["width"] > 1000  # tables use the width
    elif kind == "platform":
        assert _rows_say_when_where_what_who(page, ".story-list > li") >= 3
        # stories per month: year labels and the y-axis label readable on a phone
        ticks = page.eval_on_selector_all(
            "svg.chart text.tick",
            "ts => ts.map(t => [t.textContent, t.getBoundingClientRect().height])",
        )
        assert any("a month" in text for text, _ in ticks), ticks
        assert min(height for _, height in ticks) >= 12, ticks
        if wide and page.locator(".with-aside__aside").count():
            _beside(page, ".with-aside__main", ".with-aside__aside")
    elif kind == "incident-index":
        assert page.locator("table.incident-table tbody tr").count() >= 10
        _check_map(page, width)  # partials/incidents_map.html
        if wide:
            assert _box(page, "table.incident-table")["width"] > 1000
    elif kind == "incident":
        assert page.locator(".incident-box .fact").count() >= 5
    elif kind == "article":
        assert page.locator("aside .incident-box").count() == 1
        if wide:
            _beside(page, "article.event", "aside .incident-box")
    elif kind == "search":
        results = page.locator(".result")
        assert results.count() >= 5
        metas = page.eval_on_selector_all(
            ".result .result__meta",
            "ms => ms.map(m => [!!m.querySelector('time'), !!m.querySelector('.countries'),"
            " !!m.querySelector('.kinds')])",
        )
        assert metas and all(all(m) for m in metas), metas
        if wide:
            _beside(page, ".results", "[data-facets-fold]")
        else:  # on a phone the filters fold and the first result shows in the first screen
            assert page.eval_on_selector("[data-facets-fold]", "d => d.open") is False
    elif kind == "404":
        assert page.locator("h1").count() == 1


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", list(KINDS))
def test_page_kind(site, new_page, shots, kind: str, width: int) -> None:
    if not AXE.is_file():
        pytest.skip("axe-core is not installed: run npm ci at the repository root")
    path = KINDS[kind](site.root)
    if path is None:
        pytest.skip(f"the site has no {kind} page (plugin off)")
    watched = new_page(width=width, bypass_csp=True)  # bypass_csp: axe is injected
    page = watched.page
    response = page.goto(site.url(path))
    assert response is not None and response.status == 200, path
    if kind == "search":
        wait_for_results(page)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(shots / f"{kind}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "scrolls sideways"
    _kind_checks(kind, page, width, site)
    violations = _axe(page)
    assert violations == [], json.dumps(violations, indent=1)
    assert watched.foreign_requests() == [], watched.foreign_requests()
    assert watched.console_errors == [], watched.console_errors


@pytest.mark.parametrize("kind", ["home", "country", "countries", "year", "platform"])
def test_maps_and_charts_in_the_dark_scheme(site, new_page, shots, kind: str) -> None:
    """The map's shades, the charts and the side columns keep their contrast in dark mode."""
    if not AXE.is_file():
        pytest.skip("axe-core is not installed: run npm ci at the repository root")
    path = KINDS[kind](site.root)
    if path is None:
        pytest.skip(f"the site has no {kind} page (plugin off)")
    page = new_page(width=1280, scheme="dark", bypass_csp=True).page
    page.goto(site.url(path))
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(shots / f"{kind}-1280-dark.png"), full_page=True)
    violations = _axe(page)
    assert violations == [], json.dumps(violations, indent=1)
