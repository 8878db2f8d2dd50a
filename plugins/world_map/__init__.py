"""Pelican plugin: a world map of the archive, drawn at build time (``newsarchive.worldmap``).

Templates get one function, ``world_map(counts, SITEURL, noun, nouns, label)``: ``counts``
maps a country's gazetteer id (ISO alpha-2, lower case) to a number, and the result is inline
SVG markup in which every country with a count links to its page (``COUNTRY_URL``, as the
entities plugin writes it) and carries a ``<title>``. It returns ""
when the boundaries are missing (``npm ci`` installs the ``world-atlas`` package), after one
warning, so a build without Node still works; the templates' table stays the accessible
alternative either way.

Settings: WORLD_MAP_TOPOLOGY (path of ``countries-110m.json``; default: the one ``npm ci`` put
under ``node_modules/world-atlas/`` of the working folder).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
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
    url_pattern = settings.get("COUNTRY_URL", "country/{slug}/")

    def world_map(
        counts: Mapping[str, int],
        siteurl: str,
        noun: str = "story",
        nouns: str = "stories",
        label: str = "World map",
    ) -> Markup:
        """The map for ``counts``; ``siteurl`` is the page's SITEURL (relative in local builds)."""
        if world is None or not counts:
            return Markup("")
        svg = world_map_svg(
            world,
            counts,
            href=lambda code: f"{siteurl}/{url_pattern.format(slug=code)}",
            noun=(noun, nouns),
            label=label,
        )
        return Markup(svg)  # escaped names and numbers only

    return world_map


def add_function(generator: Any) -> None:
    """Give every generator's Jinja environment the ``world_map`` function."""
    generator.env.globals["world_map"] = map_function(generator.settings)


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.generator_init.connect(add_function)
