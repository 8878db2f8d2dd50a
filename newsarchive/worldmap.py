"""A world map drawn at build time: countries shaded by a count, as one inline SVG.

The boundaries are Natural Earth's, as the npm package ``world-atlas`` ships them
(``countries-110m.json``, TopoJSON, ids are ISO 3166-1 numeric codes). This module decodes the
TopoJSON arcs, projects them with the Equal Earth projection (equal-area, so a large country
does not look busier than it is), rounds them to whole units of a 1000-wide view box and writes
each country as one ``<path>`` of relative moves. Shaded countries are links (``<a href>``) to
their page and every country has a ``<title>``; colours come from CSS classes (``m0`` .. ``m5``)
so the theme styles light and dark mode. No tiles, no script, no request: it is markup.

Public API: :func:`load_world` (cached per file) and :func:`world_map_svg`;
:func:`find_world_atlas` looks for the package where ``npm ci`` puts it.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path

import pycountry

WIDTH = 1000
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2
#: x range of Equal Earth at the equator for longitude +-180 (radians in, units out).
_X_MAX = 2 * math.sqrt(3) * math.pi / (3 * _A1)
_ANTARCTICA = "010"
#: Shading steps: a country with a count falls in class m1..m5, by its share of the largest.
STEPS = 5


@dataclass(frozen=True, slots=True)
class Country:
    """One country of the map: its ISO alpha-2 code (lower case), its name, its SVG path."""

    code: str
    name: str
    path: str


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Project longitude/latitude in degrees to Equal Earth units (x right, y up)."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(_M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    slope = 9 * _A4 * t6 * t2 + 7 * _A3 * t6 + 3 * _A2 * t2 + _A1
    x = 2 * math.sqrt(3) * lam * math.cos(theta) / (3 * slope)
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


def _decode_arcs(topology: Mapping) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat points of every arc (TopoJSON quantised, delta-encoded positions)."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy, *_ in arc:
                x += dx
                y += dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(p[0], p[1]) for p in arc]
        arcs.append(points)
    return arcs


def _ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """A polygon ring from arc indexes (a negative index ~i is arc i reversed)."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def _unwrapped(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The ring with longitudes made continuous (a jump of over 180 degrees is a wrap)."""
    out = [ring[0]]
    shift = 0.0
    for (lon0, _), (lon, lat) in itertools.pairwise(ring):
        if lon - lon0 > 180:
            shift -= 360
        elif lon0 - lon > 180:
            shift += 360
        out.append((lon + shift, lat))
    return out


Ring = list[tuple[float, float]]


def _clip(ring: Ring, edge: float, keep_below: bool) -> Ring:
    """Sutherland-Hodgman: the part of a ring on one side of the meridian ``edge``."""

    def inside(point: tuple[float, float]) -> bool:
        return point[0] <= edge if keep_below else point[0] >= edge

    out: list[tuple[float, float]] = []
    for i, current in enumerate(ring):
        previous = ring[i - 1]
        if inside(current) != inside(previous):
            (x0, y0), (x1, y1) = previous, current
            t = (edge - x0) / (x1 - x0)
            out.append((edge, y0 + t * (y1 - y0)))
        if inside(current):
            out.append(current)
    return out


def _split_at_antimeridian(ring: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring that crosses longitude 180 as the pieces on either side, each within -180..180."""
    ring = _unwrapped(ring)
    low, high = min(p[0] for p in ring), max(p[0] for p in ring)
    if low >= -180 and high <= 180:
        return [ring]
    pieces = []
    for offset in (-360.0, 0.0, 360.0):
        moved = [(lon + offset, lat) for lon, lat in ring]
        piece = _clip(_clip(moved, 180.0, True), -180.0, False)
        if len(piece) >= 3:
            pieces.append(piece)
    return pieces


def _path(rings: list[list[tuple[float, float]]], top: float) -> str:
    """SVG path data of projected rings: per ring an absolute move, then relative lines of
    whole units of the view box (whose y = 0 is the projected ``top``)."""
    scale = WIDTH / (2 * _X_MAX)
    parts = []
    for ring in rings:
        view: list[tuple[int, int]] = []
        for x, y in ring:
            point = (round(WIDTH / 2 + x * scale), round((top - y) * scale))
            if not view or point != view[-1]:
                view.append(point)
        if len(view) < 3:
            continue
        (x0, y0), steps = view[0], []
        px, py = x0, y0
        for x, y in view[1:]:
            steps.append(f"{x - px}" + (f"{y - py}" if y - py < 0 else f" {y - py}"))
            px, py = x, y
        parts.append(f"M{x0} {y0}l" + " ".join(steps).replace(" -", "-") + "z")
    return "".join(parts)


def _alpha2(numeric: str | None) -> str | None:
    if not numeric:
        return None
    country = pycountry.countries.get(numeric=numeric.zfill(3))
    return country.alpha_2.lower() if country else None


@dataclass(frozen=True, slots=True)
class World:
    """The projected countries and the height of the view box (its width is :data:`WIDTH`)."""

    countries: tuple[Country, ...]
    height: int


@functools.cache
def load_world(path: Path) -> World:
    """The countries of a world-atlas TopoJSON file, projected (Antarctica left out)."""
    topology = json.loads(Path(path).read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    projected: list[tuple[str, str, list[list[tuple[float, float]]]]] = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        numeric = geometry.get("id")
        if numeric == _ANTARCTICA:
            continue
        if geometry.get("type") == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry.get("type") == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        rings = [
            [equal_earth(lon, lat) for lon, lat in piece]
            for polygon in polygons
            for ring in polygon
            for piece in _split_at_antimeridian(_ring(ring, arcs))
        ]
        name = geometry.get("properties", {}).get("name", "")
        projected.append((_alpha2(numeric) or "", name, rings))
    ys = [y for _, _, rings in projected for ring in rings for _, y in ring]
    top, bottom = max(ys), min(ys)
    height = math.ceil((top - bottom) * WIDTH / (2 * _X_MAX)) + 1
    countries = tuple(Country(code, name, _path(rings, top)) for code, name, rings in projected)
    return World(countries, height)


def find_world_atlas(root: Path) -> Path | None:
    """``node_modules/world-atlas/countries-110m.json`` under ``root``, if ``npm ci`` put it."""
    path = Path(root) / "node_modules" / "world-atlas" / "countries-110m.json"
    return path if path.is_file() else None


def step(count: int, peak: int) -> int:
    """Shading class 0..STEPS of a count: 0 for none, then by the square root of its share."""
    if count <= 0 or peak <= 0:
        return 0
    return max(1, min(STEPS, math.ceil(STEPS * math.sqrt(count / peak))))


def world_map_svg(
    world: World,
    counts: Mapping[str, int],
    *,
    href: Callable[[str], str | None],
    noun: tuple[str, str] = ("story", "stories"),
    label: str = "World map",
    names: Mapping[str, str] | None = None,
) -> str:
    """The map as inline SVG markup: ``counts`` by alpha-2 code, ``href(code)`` a country's page.

    A country with a count and a page is a link; one with a count but no page is shaded only.
    ``names`` overrides the map's country names (e.g. with the gazetteer's).
    """
    countries = world.countries
    peak = max(counts.values(), default=0)
    total = sum(counts.values())
    places = sum(1 for count in counts.values() if count > 0)
    parts = [
        f'<svg class="world-map" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {WIDTH} {world.height}" '
        f'role="group" aria-label="{escape(label)}: {total} {noun[1]} in {places} countries">'
    ]
    for country in countries:
        count = counts.get(country.code, 0) if country.code else 0
        name = (names or {}).get(country.code) or country.name
        if count:
            what = noun[0] if count == 1 else noun[1]
            title = f"{name}: {count} {what}"
        else:
            title = name
        path = (
            f'<path class="m{step(count, peak)}" d="{country.path}">'
            f"<title>{escape(title)}</title></path>"
        )
        link = href(country.code) if count and country.code else None
        if link:
            parts.append(f'<a href="{escape(link)}">{path}</a>')
        else:
            parts.append(path)
    parts.append("</svg>")
    return "".join(parts)
