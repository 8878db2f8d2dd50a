"""Pelican plugin: a world map of the archive, drawn at build time (``newsarchive.worldmap``).

Templates get a filter and a function: ``items|country_counts`` counts stories (their main
countries) or incidents (their ``codes``, the incidents plugin's ``IncidentView``) per country
(:class:`CountryCount` rows, most first: also the map's table alternative), and
``world_map(rows, SITEURL, noun, nouns, label)`` draws them as inline SVG markup in which every
country with a count links to its page and carries a ``<title>``. ``incident_durations(
incidents, SITEURL, label)`` draws incidents as duration bars (``newsarchive.charts``) as of the
newest article's day, so a build does not depend on the day it runs.
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
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pycountry
from markupsafe import Markup
from pelican import signals

from newsarchive.charts import Span, duration_chart
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

    world_map.incremental_reads = ("code", "count", "name", "url")  # type: ignore[attr-defined]
    return world_map


@dataclass(frozen=True, slots=True)
class CountryCount:
    """A country with how many items happen there, and its page (relative URL)."""

    code: str
    name: str
    url: str
    count: int


@dataclass(frozen=True, slots=True)
class Place:
    """A country without an entity page (an incident's country no report names)."""

    id: str
    name: str
    url: str = ""


def _name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code.upper())
    return str(getattr(country, "common_name", None) or country.name) if country else code.upper()


def _incident_places(item: Any) -> list[Any]:
    """An incident's countries (its ``codes``), as its reports' country mentions name them."""
    pages = {
        str(getattr(m, "id", "")).lower(): m
        for report in getattr(item, "reports", None) or ()
        for m in getattr(report, "countries", None) or ()
    }
    codes = [str(code).lower() for code in item.codes]
    return [pages.get(code) or Place(code, _name(code)) for code in codes]


def places(item: Any) -> list[Any]:
    """Where an item happens: an incident's countries (``codes``); a story's main countries
    (``main_countries`` when the tagger gives them, else its most salient country)."""
    if getattr(item, "codes", None) is not None:
        return _incident_places(item)
    main = getattr(item, "main_countries", None)
    if main is None:
        main = (getattr(item, "countries", None) or [])[:1]
    return list(main)


def country_counts(items: Iterable[Any]) -> list[CountryCount]:
    """How many items happen in each country, most first (see :func:`places`); each country
    an object with ``id``, ``name`` and ``url``."""
    counts: Counter[str] = Counter()
    known: dict[str, Any] = {}
    for item in items:
        main = places(item)
        codes = set()
        for country in main:
            code = str(getattr(country, "id", "") or "").lower()
            if code:
                if code not in known or (
                    getattr(country, "url", "") and not getattr(known[code], "url", "")
                ):
                    known[code] = country  # one with a page wins over one without
                codes.add(code)
        counts.update(codes)
    rows = [
        CountryCount(code, str(known[code].name), str(getattr(known[code], "url", "")), n)
        for code, n in counts.items()
    ]
    return sorted(rows, key=lambda row: (-row.count, row.name))


# What these functions read of what they are given (plugins/incremental counts only those of a
# story's plugin-attached fields in the signature of a page that calls them).
country_counts.incremental_reads = (  # type: ignore[attr-defined]
    "codes", "reports", "countries", "main_countries", "id", "url", "name",
)
INCIDENT_FIELDS = ("start", "sort_date", "end", "ongoing", "url", "title", "modified")


def incident_span(incident: Any, siteurl: str) -> Span | None:
    """An incident (``IncidentView``) as a duration bar: from its start (else its first
    report) to its end; ongoing ones run on; one whose end no report gives is a mark."""
    start = getattr(incident, "start", None) or getattr(incident, "sort_date", None)
    if start is None:
        return None
    end = getattr(incident, "end", None)
    ongoing = bool(getattr(incident, "ongoing", False))
    url = str(getattr(incident, "url", "") or "")
    return Span(
        label=str(incident.title),
        start=start,
        end=end,
        url=f"{siteurl}/{url}" if url else "",
        unknown_end=end is None and not ongoing,
    )


def durations_function():
    """The ``incident_durations(incidents, SITEURL, label, as_of=None)`` template function.

    Bars of incidents still on run to ``as_of``: by default the day of the newest report
    among the incidents drawn (status is "as of the newest report"), never the day of the
    build, so the chart depends only on its arguments (what plugins/incremental signs)."""

    def incident_durations(
        incidents: Iterable[Any], siteurl: str, label: str, as_of: date | None = None
    ) -> Markup:
        incidents = list(incidents)
        spans = [s for s in (incident_span(i, siteurl) for i in incidents) if s is not None]
        if as_of is None:
            reported = [_day(getattr(i, "modified", None)) for i in incidents]
            as_of = max((d for d in reported if d is not None), default=None)
        day = as_of or max((s.end or s.start for s in spans), default=None)
        if not spans or day is None:
            return Markup("")
        return Markup(duration_chart(spans, day, label))  # escaped labels and URLs only

    incident_durations.incremental_reads = INCIDENT_FIELDS  # type: ignore[attr-defined]
    return incident_durations


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def add_function(generator: Any) -> None:
    """Give every generator's Jinja environment ``world_map``, ``country_counts`` and
    ``incident_durations``."""
    generator.env.globals["world_map"] = map_function(generator.settings)
    generator.env.globals["incident_durations"] = durations_function()
    generator.env.filters["country_counts"] = country_counts


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.generator_init.connect(add_function)
