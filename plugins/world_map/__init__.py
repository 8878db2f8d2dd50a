"""Pelican plugin: a world map of the archive, drawn at build time (``newsarchive.worldmap``).

Templates get a filter and a function: ``items|country_counts`` counts stories (their main
countries) or incidents per country (:class:`CountryCount` rows, most first: also the map's
table alternative), and ``world_map(rows, SITEURL, noun, nouns, label)`` draws them as inline
SVG markup in which every country with a count links to its page and carries a ``<title>``.
``world_map`` returns "" when the boundaries are missing (``npm ci`` installs the package
``world-atlas``), after one warning, so a build without Node still works; the templates'
table stays the accessible alternative either way.

Settings: WORLD_MAP_TOPOLOGY (path of ``countries-110m.json``; default: the one ``npm ci`` put
under ``node_modules/world-atlas/`` of the working folder).
"""

from __future__ import annotations

import functools
import logging
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup
from pelican import signals

from newsarchive.worldmap import World, find_world_atlas, load_world, world_map_svg

log = logging.getLogger(__name__)


@functools.cache
def _warn_missing(path: str) -> None:
    log.warning("world_map: no boundaries at %s; run `npm ci` (world-atlas). Maps left out.", path)


def _world(settings: Mapping[str, Any]) -> World | None:
    configured = settings.get("WORLD_MAP_TOPOLOGY")
    path = Path(configured) if configured else find_world_atlas(Path.cwd())
    if path is None or not path.is_file():
        _warn_missing(str(path or "node_modules/world-atlas/countries-110m.json"))
        return None
    return load_world(path.resolve())


def map_function(settings: Mapping[str, Any]):
    """The ``world_map`` template function for one build's settings."""
    world = _world(settings)

    def world_map(
        counts: Iterable[CountryCount],
        siteurl: str,
        noun: str = "story",
        nouns: str = "stories",
        label: str = "World map",
    ) -> Markup:
        """The map of ``counts`` (from ``country_counts``); ``siteurl`` is the page's SITEURL
        (relative in local builds)."""
        rows = {row.code: row for row in counts}
        if world is None or not rows:
            return Markup("")
        svg = world_map_svg(
            world,
            {code: row.count for code, row in rows.items()},
            href=lambda code: f"{siteurl}/{rows[code].url}" if rows[code].url else None,
            names={code: row.name for code, row in rows.items()},
            noun=(noun, nouns),
            label=label,
        )
        return Markup(svg)  # escaped names and numbers only

    return world_map


@dataclass(frozen=True, slots=True)
class CountryCount:
    """A country with how many items happen there, and its page (relative URL)."""

    code: str
    name: str
    url: str
    count: int


def country_counts(items: Iterable[Any]) -> list[CountryCount]:
    """How many items happen in each country, most first: a story counts for its main
    countries (``main_countries`` when the tagger gives them, else its most salient country),
    an incident for its ``countries``, each an object with ``id``, ``name`` and ``url``."""
    counts: Counter[str] = Counter()
    known: dict[str, Any] = {}
    for item in items:
        main = getattr(item, "main_countries", None)
        if main is None:
            main = (getattr(item, "countries", None) or [])[:1]
        codes = set()
        for country in main:
            code = str(getattr(country, "id", "") or "").lower()
            if code:
                known.setdefault(code, country)
                codes.add(code)
        counts.update(codes)
    rows = [
        CountryCount(code, str(known[code].name), str(getattr(known[code], "url", "")), n)
        for code, n in counts.items()
    ]
    return sorted(rows, key=lambda row: (-row.count, row.name))


def add_function(generator: Any) -> None:
    """Give every generator's Jinja environment ``world_map`` and ``country_counts``."""
    generator.env.globals["world_map"] = map_function(generator.settings)
    generator.env.filters["country_counts"] = country_counts


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.generator_init.connect(add_function)
