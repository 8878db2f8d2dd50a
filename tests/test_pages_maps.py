"""Maps beyond the home page (issue 14): an event type's page, the countries and incidents
indexes and a year page shade incidents when the build has them, stay under 150 KB, and every
shaded country links to a page that exists; a country page draws its incidents as duration
bars whose links lead to incident pages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from newsarchive.worldmap import find_world_atlas
from tests.sitebuild import REPO
from tests.test_site_map import _map, _target

pytestmark = pytest.mark.skipif(
    find_world_atlas(REPO) is None, reason="node_modules/world-atlas missing: run `npm ci`"
)


def _incidents(site: Path) -> list[dict]:
    path = site / "data" / "incidents.json"
    if not path.is_file():
        pytest.skip("the build has no incidents (incidents plugin off)")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "page", ["type/shutdown/index.html", "countries/index.html", "incidents/index.html"]
)
def test_map_of_incidents_is_small_and_links_to_pages_that_exist(
    built_site: Path, page: str
) -> None:
    _incidents(built_site)
    path = built_site / page
    svg = _map(path)
    assert len(svg.encode()) <= 150_000
    assert "incident" in re.search(r'aria-label="([^"]+)"', svg).group(1)
    links = re.findall(r'<a href="([^"]+)"><path class="m[1-5]"', svg)
    assert len(links) >= 3
    for href in links:
        assert _target(built_site, path, href).is_file(), f"{href} on {page} leads nowhere"


def test_year_map_counts_that_years_incidents(built_site: Path) -> None:
    rows = _incidents(built_site)
    year = max(int(row["start_date"][:4]) for row in rows if row.get("start_date"))
    in_year = [row for row in rows if (row.get("start_date") or "")[:4] == str(year)]
    svg = _map(built_site / "events" / str(year) / "index.html")
    label = re.search(r'aria-label="([^"]+)"', svg).group(1)
    counted = int(re.search(r": (\d+) incidents? in", label).group(1))
    # an incident counts once per country it happened in; one without a country not at all
    most = sum(max(1, len(row["country_code"])) for row in in_year)
    assert counted >= 1, label
    assert counted <= most, (counted, most)


def test_country_page_draws_its_incidents_as_bars_linking_to_them(built_site: Path) -> None:
    rows = _incidents(built_site)
    russian = [row for row in rows if "RU" in row["country_code"]]
    if not russian:
        pytest.skip("no incident in Russia in this archive")
    path = built_site / "country" / "ru" / "index.html"
    html = path.read_text(encoding="utf-8")
    chart = re.search(r'<svg class="chart durations".*?</svg>', html, re.S)
    assert chart, "no duration bars on the Russia page"
    hrefs = re.findall(r'<a href="([^"]+)">', chart.group(0))
    assert len(hrefs) == len(russian)
    for href in hrefs:
        assert "/incidents/" in "/" + href and _target(built_site, path, href).is_file(), href
    assert html.index("chart durations") < html.index('id="incidents-heading"')
