"""The world map: projection, antimeridian, links and titles, size (newsarchive.worldmap)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pycountry
import pytest

from newsarchive.worldmap import WIDTH, equal_earth, find_world_atlas, load_world, world_map_svg

ROOT = Path(__file__).resolve().parent.parent
TOPOLOGY = find_world_atlas(ROOT)
needs_atlas = pytest.mark.skipif(
    TOPOLOGY is None, reason="node_modules/world-atlas missing: run `npm ci` (see README)"
)


def _area(points: list[tuple[float, float]]) -> float:
    return (
        abs(
            sum(
                x0 * y1 - x1 * y0
                for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True)
            )
        )
        / 2
    )


def _cell(lon: float, lat: float, size: float = 1.0) -> list[tuple[float, float]]:
    corners = [(lon, lat), (lon + size, lat), (lon + size, lat + size), (lon, lat + size)]
    return [equal_earth(x, y) for x, y in corners]


def test_projection_is_equal_area() -> None:
    """A 1-degree cell's projected area follows its area on the sphere at every latitude."""

    def sphere(lat: float) -> float:
        return math.sin(math.radians(lat + 1)) - math.sin(math.radians(lat))

    ratios = [
        _area(_cell(lon, lat)) / sphere(lat)
        for lon, lat in [(0, 0), (40, 45), (-120, 70), (170, -60)]
    ]
    assert max(ratios) / min(ratios) < 1.01


def test_projection_is_symmetric_and_bounded() -> None:
    x, y = equal_earth(180, 0)
    assert y == 0 and x == pytest.approx(-equal_earth(-180, 0)[0])
    assert equal_earth(0, 90)[1] == pytest.approx(-equal_earth(0, -90)[1])


@needs_atlas
def test_every_country_stays_in_the_view_and_crosses_no_antimeridian() -> None:
    world = load_world(TOPOLOGY)
    for country in world.countries:
        for ring in re.findall(r"M(-?\d+) (-?\d+)l([^z]*)z", country.path):
            x, y = int(ring[0]), int(ring[1])
            xs, ys = [x], [y]
            for dx, dy in re.findall(r"(-?\d+)\s?(-?\d+)", ring[2]):
                x += int(dx)
                y += int(dy)
                xs.append(x)
                ys.append(y)
            assert min(xs) >= -2 and max(xs) <= WIDTH + 2, country.name
            assert min(ys) >= -2 and max(ys) <= world.height + 2, country.name
            # a ring wrapped the wrong way round the antimeridian would span the whole map
            assert max(xs) - min(xs) < WIDTH * 0.6, country.name


@needs_atlas
def test_map_links_shaded_countries_and_titles_every_country() -> None:
    world = load_world(TOPOLOGY)
    counts = {"ru": 12, "ir": 3, "fj": 1, "xx": 5}
    svg = world_map_svg(
        world, counts, href=lambda code: f"../country/{code}/", noun=("incident", "incidents")
    )
    links = re.findall(r'<a href="([^"]+)"><path class="m(\d)"', svg)
    assert sorted(links) == [
        ("../country/fj/", "2"),  # sqrt(1/12) of the peak: the second of five steps
        ("../country/ir/", "3"),
        ("../country/ru/", "5"),
    ]
    assert "<title>Russia: 12 incidents</title>" in svg
    assert "<title>Fiji: 1 incident</title>" in svg
    assert svg.count("<path") == svg.count("<title>") == len(world.countries)
    assert 'aria-label="World map: 21 incidents in 4 countries"' in svg


@needs_atlas
def test_every_country_shaded_still_fits_the_size_budget() -> None:
    world = load_world(TOPOLOGY)
    codes = [c.code for c in world.countries if c.code]
    assert len(codes) > 150
    # every code the map knows is a real ISO country (ids come from the numeric codes)
    assert all(pycountry.countries.get(alpha_2=code.upper()) for code in codes)
    svg = world_map_svg(world, dict.fromkeys(codes, 7), href=lambda code: f"../../country/{code}/")
    assert len(svg.encode()) <= 150_000
