"""Open data: the archive as CSV and JSON (one row per event), and its sitemap.xml.

Pure functions over plain values: the ``site_extras`` plugin turns Pelican articles into
``Entry`` values and writes what these functions return. The output is deterministic (rows
sorted by date then URL, list cells sorted, no generation timestamp), so an unchanged
archive gives byte-identical files.

Column names follow Access Now's STOP dataset (the #KeepItOn Shutdown Tracker Optimization
Project) where the two overlap: ``start_date``, ``country``, ``area_name``,
``info_source_link`` and the per-service ``*_affected`` columns with ``other_affected``.
The content/pages/open-data.md page explains every column; keep the two in step.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from newsarchive.incidents.model import FIELDS as INCIDENT_FIELDS

LIST_SEPARATOR = "; "

# STOP's per-service columns and the gazetteer platform id each one reads.
STOP_SERVICES: tuple[tuple[str, str], ...] = (
    ("facebook_affected", "facebook"),
    ("twitter_affected", "x-twitter"),
    ("whatsapp_affected", "whatsapp"),
    ("instagram_affected", "instagram"),
    ("telegram_affected", "telegram"),
)

FIELDS: tuple[str, ...] = (
    "start_date",
    "title",
    "url",
    "country",
    "country_code",
    "area_name",
    "event_type",
    "platforms",
    *(column for column, _ in STOP_SERVICES),
    "other_affected",
    "source",
    "info_source_link",
    "entities",
    "lang",
    "updated",
    "summary",
)

LIST_FIELDS = frozenset(
    {
        "country",
        "country_code",
        "area_name",
        "event_type",
        "platforms",
        "other_affected",
        "entities",
    }
)
# Spreadsheet programs run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Place:
    """A country (ISO 3166-1 alpha-2 ``code``) or a region within one (``code`` of its parent,
    empty when unknown)."""

    name: str
    code: str = ""
    is_region: bool = False


@dataclass(frozen=True)
class Platform:
    """A platform or service, by gazetteer id and display name."""

    id: str
    name: str


@dataclass(frozen=True)
class Entry:
    """One archived event, as plain values."""

    date: str  # YYYY-MM-DD, the event's date in its own time zone
    title: str
    url: str
    source: str = ""
    source_url: str = ""
    places: Sequence[Place] = field(default_factory=tuple)
    platforms: Sequence[Platform] = field(default_factory=tuple)
    event_types: Sequence[str] = field(default_factory=tuple)  # event type ids
    entities: Sequence[str] = field(default_factory=tuple)  # "type:id"
    lang: str = ""
    updated: str = ""  # YYYY-MM-DD, or "" when never modified
    summary: str = ""  # plain text


def _sorted_unique(values: Iterable[str]) -> list[str]:
    return sorted({value for value in values if value})


def entry_row(entry: Entry) -> dict[str, object]:
    """The export row of one entry: lists as lists, STOP service flags as booleans."""
    platform_ids = {platform.id for platform in entry.platforms}
    stop_ids = {platform_id for _, platform_id in STOP_SERVICES}
    countries = [place for place in entry.places if not place.is_region]
    regions = [place for place in entry.places if place.is_region]
    row: dict[str, object] = {
        "start_date": entry.date,
        "title": entry.title,
        "url": entry.url,
        "country": _sorted_unique(place.name for place in countries),
        "country_code": _sorted_unique(place.code.upper() for place in entry.places),
        "area_name": _sorted_unique(place.name for place in regions),
        "event_type": _sorted_unique(entry.event_types),
        "platforms": _sorted_unique(platform.name for platform in entry.platforms),
    }
    for column, platform_id in STOP_SERVICES:
        row[column] = platform_id in platform_ids
    row.update(
        {
            "other_affected": _sorted_unique(
                p.name for p in entry.platforms if p.id not in stop_ids
            ),
            "source": entry.source,
            "info_source_link": entry.source_url,
            "entities": _sorted_unique(entry.entities),
            "lang": entry.lang,
            "updated": entry.updated,
            "summary": " ".join(entry.summary.split()),
        }
    )
    return row


def rows(entries: Iterable[Entry]) -> list[dict[str, object]]:
    """Export rows, oldest first (ties by URL), so appended events land at the end."""
    return [entry_row(e) for e in sorted(entries, key=lambda e: (e.date, e.url))]


def to_json(entries: Iterable[Entry]) -> str:
    """The archive as a JSON array of row objects (UTF-8 text)."""
    return json.dumps(rows(entries), ensure_ascii=False, indent=1) + "\n"


def _csv_cell(value: object) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        text = LIST_SEPARATOR.join(str(item) for item in value)
    else:
        text = str(value)
    if text.startswith(_FORMULA_START):
        text = "'" + text  # keep spreadsheets from running it; the page documents this
    return text


def to_csv(entries: Iterable[Entry]) -> str:
    """The archive as CSV: a header row, then one row per event (RFC 4180 quoting, LF)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIELDS)
    for row in rows(entries):
        writer.writerow([_csv_cell(row[name]) for name in FIELDS])
    return out.getvalue()


def sitemap_xml(pages: Iterable[tuple[str, str | None]]) -> str:
    """A sitemaps.org urlset of ``(loc, lastmod or None)`` pairs, sorted by loc, deduplicated."""
    unique: dict[str, str | None] = {}
    for loc, lastmod in pages:
        if loc not in unique or (lastmod and (unique[loc] or "") < lastmod):
            unique[loc] = lastmod
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for loc in sorted(unique):
        lastmod = unique[loc]
        tail = f"<lastmod>{escape(lastmod)}</lastmod>" if lastmod else ""
        lines.append(f"<url><loc>{escape(loc)}</loc>{tail}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


# ---- Incidents: one row per incident (issue 13) ----------------------------------------------
# The field names are a stable interface (the incident engine's contract, newsarchive.incidents
# FIELDS); content/pages/open-data.md documents each. Lists are JSON arrays, joined with "; "
# in CSV; official_justification is {"category", "quote"} in JSON, "category: quote" in CSV.
# The names come from the engine (one list for the engine, the CLI and the site).
INCIDENT_LIST_FIELDS = frozenset(
    {"country_code", "affected_services", "articles", "info_source_link"}
)


def _as_list(value: object) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return [str(item) for item in value if item not in (None, "")]
    return [str(value)]


def _justification(value: object) -> dict[str, str] | None:
    """``{"category": ..., "quote": ...}`` of a justification value, or None."""
    if isinstance(value, dict):
        category = str(value.get("category") or "").strip()
        quote = " ".join(str(value.get("quote") or "").split())
        return {"category": category, "quote": quote} if category or quote else None
    text = str(value or "").strip()
    return {"category": text, "quote": ""} if text else None


def incident_row(record: dict[str, object], absolute_siteurl: str = "") -> dict[str, object]:
    """One incident's export row: exactly INCIDENT_FIELDS, in order, with normalised types.

    ``record`` is the engine's ``Incident.record()``; with ``absolute_siteurl`` (a published
    build) the ``articles`` URLs are made absolute like ``url`` in articles.json."""
    row: dict[str, object] = {}
    for name in INCIDENT_FIELDS:
        value = record.get(name)
        if name in INCIDENT_LIST_FIELDS:
            value = _as_list(value)
            if name == "country_code":
                value = [code.upper() for code in value]
            if name == "articles" and absolute_siteurl:
                value = [f"{absolute_siteurl}/{url}" for url in value]
        elif name == "official_justification":
            value = _justification(value)
        elif name == "duration_hours":
            value = value if isinstance(value, int) and not isinstance(value, bool) else None
        elif value is not None and not isinstance(value, str):
            value = str(value)
        if value == "":
            value = None
        row[name] = value
    return row


def incident_rows(
    records: Iterable[dict[str, object]], absolute_siteurl: str = ""
) -> list[dict[str, object]]:
    """Export rows, oldest start first (unknown starts last), ties by id: deterministic."""
    out = [incident_row(record, absolute_siteurl) for record in records]
    out.sort(
        key=lambda r: (r["start_date"] is None, str(r["start_date"] or ""), str(r["incident_id"]))
    )
    return out


def incidents_to_json(rows_: Iterable[dict[str, object]]) -> str:
    """Incident rows (from :func:`incident_rows`) as a JSON array (UTF-8 text)."""
    return json.dumps(list(rows_), ensure_ascii=False, indent=1) + "\n"


def _incident_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        category, quote = value.get("category") or "", value.get("quote") or ""
        value = f"{category}: {quote}" if category and quote else (category or quote)
    return _csv_cell(value)


def incidents_to_csv(rows_: Iterable[dict[str, object]]) -> str:
    """Incident rows as CSV: a header row of INCIDENT_FIELDS, then one row per incident."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(INCIDENT_FIELDS)
    for row in rows_:
        writer.writerow([_incident_cell(row[name]) for name in INCIDENT_FIELDS])
    return out.getvalue()
