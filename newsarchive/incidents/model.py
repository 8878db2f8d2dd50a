"""The incident engine's data: what it reads (:class:`ArticleInput`) and what it builds.

The contract between the engine, the site and the gold is ``/work/briefs/incidents-contract.md``
(issue 13). No Pelican imports here: the site builds :class:`ArticleInput` from its articles,
the command line from the content files (``newsarchive.incidents.inputs``).
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

_T = TypeVar("_T", bound=type)

# The fact names, in open-data order (a stable interface: the field names of /data/incidents.*).
FIELDS: tuple[str, ...] = (
    "incident_id", "title", "start_date", "end_date", "status", "duration_hours", "country",
    "country_code", "area_name", "geo_scope", "event_type", "shutdown_type",
    "affected_services", "ordered_by", "official_justification", "articles",
    "info_source_link",
)
# Facts an incident keeps in ``Incident.facts`` (the rest of FIELDS derive from the incident).
FACT_NAMES: tuple[str, ...] = (
    "start_date", "end_date", "status", "duration_hours", "country", "country_code",
    "area_name", "geo_scope", "event_type", "shutdown_type", "affected_services", "ordered_by",
    "official_justification",
)


def pickled_by_fields(cls: _T) -> _T:
    """Pickle a slotted dataclass as a call of the class with its fields, in order (a frozen
    one is otherwise saved and restored field by field through Python-level ``__getstate__``
    and ``__setstate__``, the most of what a build's workers spent sending incidents back;
    another, as a dict of its slots: larger, and slower to load)."""
    fields = operator.attrgetter(*cls.__slots__)

    def __reduce__(self: object) -> tuple[type, tuple]:
        return cls, fields(self)

    cls.__reduce__ = __reduce__  # type: ignore[method-assign]
    return cls


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class ArticleInput:
    """One article as the engine sees it (plain data)."""

    key: str  # the article's site-relative URL, e.g. "events/2025/slug/"
    title: str
    date: datetime  # aware
    source: str = ""
    source_url: str = ""
    summary: str = ""
    text: str = ""
    lang: str = "en"
    countries: tuple[str, ...] = ()  # gazetteer country ids, most salient first
    main_countries: tuple[str, ...] | None = None  # None: the engine decides
    regions: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()  # best first
    meta: Mapping[str, str] = field(default_factory=dict)  # lower-case keys
    bodies: tuple[str, ...] = ()  # gazetteer body ids (regulators, ministries, courts)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a fact's value came from."""

    article: str  # ArticleInput.key
    sentence: str  # "" when an editor set it
    by_editor: bool = False


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Fact:
    """A fact's chosen value, its provenance and the values other reports gave."""

    value: object  # str | date | list[str] | int | dict | None
    source: Provenance | None
    others: tuple[tuple[object, Provenance], ...] = ()


@dataclass(slots=True)
class Incident:
    """One event, built from every article that reports it."""

    id: str
    slug: str
    year: int
    title: str
    articles: tuple[str, ...]  # ArticleInput.key, oldest report first
    facts: dict[str, Fact]
    related: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        """Site-relative URL of the incident page."""
        return f"incidents/{self.year}/{self.slug}/"

    def value(self, name: str) -> Any:
        """The value of fact ``name`` (None when absent)."""
        fact = self.facts.get(name)
        return fact.value if fact else None

    def record(self, articles_by_key: Mapping[str, ArticleInput]) -> dict[str, Any]:
        """The open-data row: exactly :data:`FIELDS`, JSON-ready (dates as YYYY-MM-DD)."""
        row: dict[str, Any] = {"incident_id": self.id, "title": self.title}
        for name in FACT_NAMES:
            value = self.value(name)
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, (list, tuple)):
                value = list(value)
            elif isinstance(value, dict):
                value = dict(value)
            row[name] = value
        if row["country_code"] is None:
            row["country_code"] = []
        if row["affected_services"] is None:
            row["affected_services"] = []
        row["articles"] = list(self.articles)
        links = [articles_by_key[k].source_url for k in self.articles if k in articles_by_key]
        row["info_source_link"] = [u for u in dict.fromkeys(links) if u]
        return {name: row.get(name) for name in FIELDS}
