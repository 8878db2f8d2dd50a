"""The world map in the built site: on the home and year pages, small, linked, self-contained."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from newsarchive.worldmap import find_world_atlas
from tests.sitebuild import REPO

pytestmark = pytest.mark.skipif(
    find_world_atlas(REPO) is None, reason="node_modules/world-atlas missing: run `npm ci`"
)
MAP = re.compile(r'<svg class="world-map".*?</svg>', re.S)


def _map(page: Path) -> str:
    found = MAP.search(page.read_text(encoding="utf-8"))
    assert found, f"no world map on {page}"
    return found.group(0)


def _target(site: Path, page: Path, href: str) -> Path:
    base = "/" + str(page.relative_to(site).parent).strip(".") + "/"
    path = urlparse(urljoin(base.replace("//", "/"), href)).path
    return site / path.lstrip("/") / "index.html" if path.endswith("/") else site / path.lstrip("/")


@pytest.mark.parametrize("page", ["index.html", "events/2024/index.html"])
def test_map_is_small_and_every_shaded_country_links_to_a_page(built_site: Path, page: str) -> None:
    path = built_site / page
    svg = _map(path)
    assert len(svg.encode()) <= 150_000
    links = re.findall(r'<a href="([^"]+)"><path class="m([1-5])"', svg)
    assert links, "no country is shaded"
    for href, _ in links:
        assert not urlparse(href).scheme and not href.startswith("//"), href  # nothing leaves
        assert _target(built_site, path, href).is_file(), f"{href} on {page} leads nowhere"
    assert svg.count("<path") == svg.count("<title>")


def test_map_has_a_table_alternative_listing_every_country(built_site: Path) -> None:
    html = (built_site / "index.html").read_text(encoding="utf-8")
    svg = _map(built_site / "index.html")
    shaded = len(re.findall(r'<path class="m[1-5]"', svg))
    table = html[html.index('<details class="map-table">') :]
    table = table[: table.index("</details>")]
    rows = re.findall(r"<tr><td>", table)
    assert len(rows) >= shaded  # small countries the map cannot draw are in the table too
