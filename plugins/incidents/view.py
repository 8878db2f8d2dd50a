"""What templates get for an incident: the engine's record joined to the Pelican articles.

``IncidentView`` wraps one ``newsarchive.incidents.Incident``: its reports as Pelican
articles (oldest first), its facts as display rows (``FactRow``) whose every value and
disagreeing value carries a ``SourceRef`` (the article, the sentence, a link that opens the
article at that sentence with a text fragment), links to the country, event-type and
platform pages the entities plugin writes, and its related incidents. Nothing here renders
HTML; the theme's ``partials/incident_box.html`` and ``partials/incident_macros.html`` do.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

# The fact box's rows, in order: (fact name, label). Every fact of the open data except the
# identity fields (incident_id, title, articles, info_source_link, country_code).
FACT_LABELS: tuple[tuple[str, str], ...] = (
    ("status", "Status"),
    ("start_date", "Started"),
    ("end_date", "Ended"),
    ("duration_hours", "Duration"),
    ("country", "Country"),
    ("area_name", "Area"),
    ("geo_scope", "Scope"),
    ("event_type", "Kind of event"),
    ("shutdown_type", "Kind of shutdown"),
    ("affected_services", "Services affected"),
    ("ordered_by", "Ordered by"),
    ("official_justification", "Stated reason"),
)
# Always shown (as "unknown" when the reports do not say); the others only when known.
ALWAYS_SHOWN = frozenset({"status", "start_date", "end_date", "country", "event_type"})
STATUS_LABELS = {"ongoing": "Ongoing", "ended": "Ended", "unknown": "Unknown"}
SHUTDOWN_LABELS = {
    "full-network": "Full network",
    "mobile": "Mobile data",
    "fixed-line": "Fixed line",
    "throttling": "Throttling",
    "service-based": "Service-based (platforms or features)",
}
SCOPE_LABELS = {"national": "National", "regional": "Regional", "local": "Local"}
# Words at each end of a long sentence that its text fragment matches (textStart,textEnd).
FRAGMENT_WORDS = 6


def fragment_encode(text: str) -> str:
    """Percent-encode ``text`` for a text fragment directive (``-``, ``,`` and ``&`` too)."""
    return quote(text, safe="").replace("-", "%2D")


@functools.lru_cache(maxsize=1 << 16)
def text_fragment(sentence: str) -> str:
    """``#:~:text=...`` that makes a browser scroll to and highlight ``sentence``; "" if none.

    A long sentence is matched by its first and last words (``textStart,textEnd``), which
    survives small differences in between (typography, inline markup)."""
    words = sentence.split()
    if not words:
        return ""
    if len(words) <= 2 * FRAGMENT_WORDS:
        return "#:~:text=" + fragment_encode(" ".join(words))
    start = " ".join(words[:FRAGMENT_WORDS])
    end = " ".join(words[-FRAGMENT_WORDS:])
    return f"#:~:text={fragment_encode(start)},{fragment_encode(end)}"


def as_date(value: Any) -> dt.date | None:
    """A date from a date, datetime or ``YYYY-MM-DD`` string; None otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def show_date(value: Any) -> str:
    """``13 August 2025`` for a date-like value, else the value as text."""
    day = as_date(value)
    return f"{day.day} {day:%B %Y}" if day else str(value)


def show_duration(hours: Any) -> str:
    """Hours as a reader says them: ``5 hours``, ``3 days``, ``about 4 months``; "" if none."""
    if not isinstance(hours, int | float) or isinstance(hours, bool) or hours < 0:
        return ""
    hours = round(hours)
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    days = round(hours / 24)
    if days < 60:
        return f"{days} days"
    months = round(days / 30.44)
    if months < 24:
        return f"about {months} months"
    return f"about {round(days / 365.25)} years"


@dataclass(frozen=True)
class Link:
    """A piece of a fact's value: its text and, when a page exists for it, that page's URL."""

    text: str
    url: str = ""


@dataclass(frozen=True)
class SourceRef:
    """Where a value came from: the article, the sentence, and whether an editor set it."""

    article: Any  # a Pelican article
    sentence: str
    by_editor: bool
    quoted_for: str = ""  # label of the fact above whose quote is this same sentence

    def quoted_once(self, seen: dict[tuple[str, str], str], label: str) -> SourceRef:
        """This reference, marked when ``seen`` already quotes its sentence (then noted)."""
        if not self.sentence:
            return self
        key = (self.article.url, " ".join(self.sentence.split()))
        if key in seen:
            return replace(self, quoted_for=seen[key])
        seen[key] = label
        return self

    @property
    def href(self) -> str:
        """The article's URL, with a text fragment that opens it at the sentence."""
        return self.article.url + text_fragment(self.sentence)


@dataclass(frozen=True)
class FactRow:
    """One row of the fact box."""

    name: str
    label: str
    value: tuple[Link, ...]  # empty when unknown
    source: SourceRef | None
    others: tuple[tuple[tuple[Link, ...], SourceRef | None], ...] = ()

    @property
    def known(self) -> bool:
        return bool(self.value)


@dataclass
class Lookup:
    """Pages the entities plugin writes, found through the articles' own entity mentions."""

    countries: dict[str, Any] = field(default_factory=dict)  # id -> page (URLWrapper)
    platforms: dict[str, Any] = field(default_factory=dict)  # id and lower-case name -> page
    event_types: dict[str, Any] = field(default_factory=dict)  # id -> page

    def add(self, article: Any) -> None:
        """Learn the pages of one article's countries, platforms and event types."""
        for mention in getattr(article, "countries", None) or ():
            self.countries.setdefault(str(mention.id), mention.page)
        for mention in getattr(article, "platforms", None) or ():
            self.platforms.setdefault(str(mention.id), mention.page)
            self.platforms.setdefault(str(mention.name).casefold(), mention.page)
        for mention in getattr(article, "event_types", None) or ():
            self.event_types.setdefault(str(mention.id), mention.page)


def _page_link(page: Any, fallback: str) -> Link:
    return Link(str(page.name), str(page.url)) if page is not None else Link(fallback)


def value_links(name: str, value: Any, lookup: Lookup, codes: Sequence[str] = ()) -> tuple:
    """The display pieces of one fact value (empty for None, "" or an empty list)."""
    if value is None or value == "" or value == [] or value == ():
        return ()
    if name in {"start_date", "end_date"}:
        return (Link(show_date(value)),)
    if name == "duration_hours":
        text = show_duration(value)
        return (Link(text),) if text else ()
    if name == "status":
        return (Link(STATUS_LABELS.get(str(value), str(value).capitalize())),)
    if name == "shutdown_type":
        return (Link(SHUTDOWN_LABELS.get(str(value), str(value))),)
    if name == "geo_scope":
        return (Link(SCOPE_LABELS.get(str(value), str(value))),)
    if name == "event_type":
        page = lookup.event_types.get(str(value))
        return (_page_link(page, str(value).replace("-", " ").capitalize()),)
    if name == "country":
        pages = [lookup.countries.get(code.lower()) for code in codes]
        found = tuple(_page_link(p, "") for p in pages if p is not None)
        return found or tuple(Link(part) for part in _as_list(value))
    if name == "affected_services":
        pages = lookup.platforms
        return tuple(
            _page_link(pages.get(str(v)) or pages.get(str(v).casefold()), str(v))
            for v in _as_list(value)
        )
    if name == "official_justification":
        return (Link(justification_text(value)),) if justification_text(value) else ()
    return tuple(Link(str(v)) for v in _as_list(value))


def _plain(value: Any) -> str:
    return Markup(str(value or "")).striptags()


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list | tuple | set | frozenset):
        return [v for v in value if v not in (None, "")]
    return [value]


def justification_text(value: Any) -> str:
    """``category: “quote”`` (either part may be missing) of a justification value."""
    if isinstance(value, Mapping):
        category = str(value.get("category") or "").strip()
        quote_ = str(value.get("quote") or "").strip()
        if category and quote_:
            return f"{category}: “{quote_}”"
        return category or (f"“{quote_}”" if quote_ else "")
    return str(value or "").strip()


def justification_links(value: Any, sentence: str) -> tuple[Link, ...]:
    """The stated reason without repeating the quoted sentence shown beside it."""
    if isinstance(value, Mapping):
        category = str(value.get("category") or "").strip()
        quote_ = " ".join(str(value.get("quote") or "").split())
        if category and (not quote_ or quote_ in " ".join(sentence.split())):
            return (Link(category.replace("-", " ").capitalize()),)
    text = justification_text(value)
    return (Link(text),) if text else ()


def _ref(provenance: Any, articles: Mapping[str, Any]) -> SourceRef | None:
    if provenance is None:
        return None
    article = articles.get(provenance.article)
    if article is None:
        return None
    return SourceRef(article, str(provenance.sentence or ""), bool(provenance.by_editor))


class IncidentView:
    """One incident as templates see it (see the module docstring)."""

    kind = "incident"

    def __init__(self, incident: Any, articles: Mapping[str, Any], lookup: Lookup) -> None:
        self.incident = incident
        self.id: str = incident.id
        self.slug: str = incident.slug
        self.year: int = incident.year
        self.title: str = incident.title
        self.url: str = incident.url
        self.save_as: str = self.url + "index.html"
        self.reports: list[Any] = [articles[k] for k in incident.articles if k in articles]
        self.reports.sort(key=lambda a: (a.date, a.url))
        # The language of the title: that of the report it was taken from, if any.
        self.lang: str = next(
            (
                str(getattr(a, "lang", "") or "")
                for a in self.reports
                if _plain(a.title) == self.title
            ),
            "",
        )
        self.related: list[IncidentView] = []  # filled once every view exists
        facts = incident.facts
        self._values = {name: getattr(facts.get(name), "value", None) for name, _ in FACT_LABELS}
        self.codes: tuple[str, ...] = tuple(
            str(c).lower() for c in _as_list(getattr(facts.get("country_code"), "value", None))
        )
        self.rows: list[FactRow] = []
        quoted: dict[tuple[str, str], str] = {}  # (article, sentence) -> first fact quoting it
        for name, label in FACT_LABELS:
            fact = facts.get(name)
            value = value_links(name, getattr(fact, "value", None), lookup, self.codes)
            if not value and name not in ALWAYS_SHOWN:
                continue
            others = tuple(
                (value_links(name, other, lookup, self.codes), _ref(prov, articles))
                for other, prov in (getattr(fact, "others", None) or ())
            )
            source = _ref(fact.source, articles) if fact is not None and value else None
            if name == "official_justification" and source is not None:
                value = justification_links(getattr(fact, "value", None), source.sentence)
            if source is not None:
                source = source.quoted_once(quoted, label)
            others = tuple(
                (links, ref.quoted_once(quoted, label) if ref else None)
                for links, ref in others
                if links
            )
            self.rows.append(FactRow(name, label, value, source, others))
        self.countries: tuple[Link, ...] = value_links(
            "country", self._values["country"], lookup, self.codes
        )
        self.type_link: Link | None = next(
            iter(value_links("event_type", self._values["event_type"], lookup)), None
        )
        self.services: tuple[Link, ...] = value_links(
            "affected_services", self._values["affected_services"], lookup
        )

    # ---- plain values for tables, sorting and feeds -------------------------------------
    @property
    def start(self) -> dt.date | None:
        return as_date(self._values["start_date"])

    @property
    def end(self) -> dt.date | None:
        return as_date(self._values["end_date"])

    @property
    def status(self) -> str:
        return str(self._values["status"] or "unknown")

    @property
    def ongoing(self) -> bool:
        return self.status == "ongoing"

    @property
    def duration_hours(self) -> int | None:
        value = self._values["duration_hours"]
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def duration_text(self) -> str:
        return show_duration(self.duration_hours)

    @property
    def country_name(self) -> str:
        return ", ".join(link.text for link in self.countries)

    @property
    def type_name(self) -> str:
        return self.type_link.text if self.type_link else ""

    @property
    def first_report(self) -> Any:
        return self.reports[0] if self.reports else None

    @property
    def last_report(self) -> Any:
        return self.reports[-1] if self.reports else None

    @property
    def date(self) -> dt.datetime:
        """When the archive first reported it (the feed's published date)."""
        return self.reports[0].date

    @property
    def modified(self) -> dt.datetime:
        """When the archive last reported on it (the feed's updated date)."""
        return self.reports[-1].date

    @property
    def sort_date(self) -> dt.date:
        """Start date, or the first report's date when the start is unknown."""
        return self.start or self.date.date()

    @property
    def sources(self) -> list[str]:
        """The outlets that reported it, in order of first report, each once."""
        return list(dict.fromkeys(str(a.source) for a in self.reports if getattr(a, "source", "")))

    @property
    def platform_names(self) -> list[str]:
        """Platform names for search filters: the services affected, else the reports'."""
        names = [link.text for link in self.services if link.url]
        if names:
            return names
        seen: dict[str, None] = {}
        for article in self.reports:
            for mention in getattr(article, "platforms", None) or ():
                seen.setdefault(str(mention.name))
        return list(seen)

    def row(self, name: str) -> FactRow | None:
        """The fact box row named ``name`` (None when not shown)."""
        return next((r for r in self.rows if r.name == name), None)

    @property
    def summary(self) -> str:
        """One plain sentence: kind, place, dates, status and number of reports."""
        parts = [self.type_name or "Incident"]
        if self.country_name:
            parts.append(f"in {self.country_name}")
        if self.start:
            parts.append(f"from {show_date(self.start)}")
        if self.end:
            parts.append(f"to {show_date(self.end)}")
        elif self.ongoing:
            parts.append("(ongoing)")
        count = len(self.reports)
        return " ".join(parts) + f"; {count} report{'s' if count != 1 else ''}."

    def __incremental_signature__(self) -> tuple:
        """What a page can show of this incident (plugins/incremental): its own fields and
        facts, its reports, and of each related incident what a link to it shows (related
        incidents point back at each other, so their objects are not followed)."""
        related = tuple(
            (r.id, r.title, r.url, r.status, r.start, r.end, r.type_name, r.country_name,
             r.duration_hours, len(r.reports))
            for r in self.related
        )
        return (
            self.id, self.slug, self.year, self.title, self.url, self.lang, self._values,
            self.codes, self.rows, self.countries, self.type_link, self.services,
            self.reports, related,
        )

    def __repr__(self) -> str:
        return f"<IncidentView {self.id}>"


def build_views(
    incidents: Iterable[Any], articles: Mapping[str, Any]
) -> list[IncidentView]:
    """Views of ``incidents`` over ``articles`` (key -> Pelican article), related ones linked.

    Incidents none of whose reports is among ``articles`` are left out."""
    lookup = Lookup()
    for article in articles.values():
        lookup.add(article)
    views = [IncidentView(incident, articles, lookup) for incident in incidents]
    views = [view for view in views if view.reports]
    by_id = {view.id: view for view in views}
    for view in views:
        view.related = [
            by_id[other] for other in getattr(view.incident, "related", ()) or () if other in by_id
        ]
    return views
