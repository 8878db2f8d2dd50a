"""An incident's facts from its reports' profiles, each with its source sentence.

Rules when reports disagree (the values not chosen are kept in ``Fact.others``):

- start_date: the earliest credible start -- a dated start no later than the day after the
  first report and no more than 62 days before it (a start given with "since"/"from" may be
  older); none: the first report's date;
- end_date: the latest reported end on or after the start and not after its own report;
- status: as of the newest report that says anything about the state of what is restricted:
  "ended" when it reports the end, "ongoing" when it says it goes on; else "ended" when an
  end is known, "ongoing" when the newest report's title or lead says it was cut (in force
  as of that report), "unknown" otherwise;
- duration_hours: from start and end (whole days x 24); else a stated duration;
- the other facts: the value with most weight (title and lead count more than the body),
  the earliest report first on ties.

Editor metadata (``Incident-Start``, ``Incident-End``, ``Incident-Status``, ``Incident-Area``,
``Incident-Scope``, ``Incident-Kind``, ``Incident-Services``, ``Incident-Ordered-By``,
``Incident-Justification``) wins and is marked ``by_editor``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from newsarchive.incidents.extract import (
    KIND_OF_TYPE,
    NETWORKISH,
    Found,
    Profile,
    is_generic_actor,
)
from newsarchive.incidents.model import Fact, Provenance
from newsarchive.incidents.places import Names
from newsarchive.normalize import parse_date

EDITOR_KEYS = {
    "start_date": "incident-start", "end_date": "incident-end", "status": "incident-status",
    "area_name": "incident-area", "geo_scope": "incident-scope",
    "shutdown_type": "incident-kind", "affected_services": "incident-services",
    "ordered_by": "incident-ordered-by", "official_justification": "incident-justification",
    "event_type": "incident-type", "duration_hours": "incident-duration-hours",
}
STATUSES = ("ongoing", "ended", "unknown")
SCOPES = ("national", "regional", "local")
SHUTDOWN_TYPES = ("full-network", "mobile", "fixed-line", "throttling", "service-based")
CREDIBLE_BEFORE = timedelta(days=62)
MAX_OTHERS = 5  # disagreeing values kept per fact
CREDIBLE_SINCE = timedelta(days=800)


def _prov(found: Found) -> Provenance:
    return Provenance(found.article, found.sentence)


def _fact(chosen: Found | None, rest: list[Found]) -> Fact:
    if chosen is None:
        return Fact(None, None)
    others: list[tuple[object, Provenance]] = []
    seen = [chosen.value]
    for item in rest:
        if item.value not in seen:
            seen.append(item.value)
            others.append((item.value, _prov(item)))
            if len(others) == MAX_OTHERS:
                break
    return Fact(chosen.value, _prov(chosen), tuple(others))


def _vote(items: list[Found], norm: Callable[[Any], Any] = lambda v: v) -> Fact:
    """The value with most weight (earliest report first on ties)."""
    if not items:
        return Fact(None, None)
    weights: dict[Any, float] = {}
    first: dict[Any, Found] = {}
    for item in items:
        key = norm(item.value)
        weights[key] = weights.get(key, 0.0) + item.weight
        first.setdefault(key, item)
    best = max(weights, key=weights.__getitem__)  # max keeps the first (earliest) on ties
    return _fact(first[best], [i for i in items if norm(i.value) != best])


def _editor(profiles: list[Profile], name: str) -> tuple[str, str] | None:
    """(value, article) set by an editor for a fact, newest report first."""
    key = EDITOR_KEYS.get(name)
    if key is None:
        return None
    for p in reversed(profiles):
        value = p.article.meta.get(key, "").strip()
        if value:
            return value, p.key
    return None


def _editor_value(name: str, raw: str) -> object:
    if name in ("start_date", "end_date"):
        parsed = parse_date(raw)
        return parsed.date() if parsed else None
    if name == "affected_services":
        return [s.strip() for s in raw.split(",") if s.strip()]
    if name == "duration_hours":
        return int(raw) if raw.isdigit() else None
    if name == "official_justification":
        category, _, quote = raw.partition(":")
        return {"category": category.strip().lower() or "other", "quote": quote.strip()}
    if name == "status":
        return raw.lower() if raw.lower() in STATUSES else None
    if name == "geo_scope":
        return raw.lower() if raw.lower() in SCOPES else None
    if name == "shutdown_type":
        return raw.lower() if raw.lower() in SHUTDOWN_TYPES else None
    return raw


def _start(profiles: list[Profile]) -> Fact:
    first_day = profiles[0].day
    credible = [
        f for p in profiles for f in p.starts
        if first_day - (CREDIBLE_SINCE if f.weight > 2.5 else CREDIBLE_BEFORE)
        <= f.value <= first_day + timedelta(days=1)  # type: ignore[operator]
    ]
    if not credible:
        first = profiles[0]
        return Fact(first_day, Provenance(first.key, first.article.title))
    credible.sort(key=lambda f: (f.value, -f.weight))
    return _fact(credible[0], credible[1:])


RESTRICTIONS = ("shutdown", "throttling", "platform-block", "content-blocking", "outage",
                "circumvention-restriction")
TYPE_OF_KIND = {"full-network": "shutdown", "mobile": "shutdown", "fixed-line": "shutdown",
                "throttling": "throttling", "service-based": "platform-block"}


def _event_type(profiles: list[Profile]) -> Fact:
    """The type most reports give, a restriction (a cut, a slowdown, a block) before any
    other type when one report gives one; the first report counts half as much again."""
    found = [Found(p.event_type, p.article.title, p.key, 1.5 if i == 0 else 1.0)
             for i, p in enumerate(profiles) if p.event_type]
    restrictions = [f for f in found if f.value in RESTRICTIONS]
    return _vote(restrictions or found)


def _event_type_of_kind(kind: Fact, voted: Fact) -> Fact:
    """The event type that the kind of restriction implies (a block of a whole platform is
    a platform block even where reports call it content blocking)."""
    implied = TYPE_OF_KIND.get(str(kind.value))
    if implied is None or voted.value == implied:
        return voted
    if voted.value == "outage" and implied == "shutdown":
        return voted
    if voted.value == "circumvention-restriction" and implied == "platform-block":
        return voted
    return Fact(implied, kind.source or voted.source,
                ((voted.value, voted.source),) if voted.source and voted.value else ())


_ACT_OF_KIND = {"service-based": "service", "full-network": "network", "mobile": "network",
                "fixed-line": "network", "throttling": "network"}


def _main_act(profiles: list[Profile]) -> str:
    """"service" for a platform block, "network" for a network cut or slowdown, else ""."""
    kinds = [p.kind for p in profiles if p.kind in ("service", "network", "throttling")]
    if not kinds:
        return ""
    first = max(("service", "network", "throttling"), key=kinds.count)
    return "network" if first == "throttling" else first


def _relevant(found: Found, act: str) -> bool:
    """A statement about what the incident restricts (or about nothing in particular)."""
    return not act or not found.about or found.about == act


def _end(profiles: list[Profile], start: date | None, act: str) -> Fact:
    """The latest full end, a dated one before a report's own date (weight 0: a title saying
    it came back); the latest partial end when no report gives a full one. An end closing a
    range that starts long after the first report is another period's (a later exam round)
    and is left out."""
    late = profiles[0].day + timedelta(days=7)
    ends = [f for p in profiles for f in p.ends
            if (start is None or f.value >= start) and _relevant(f, act)  # type: ignore[operator]
            and not (f.pair and f.pair > late)]
    if not ends:
        return Fact(None, None)
    ends.sort(key=lambda f: (not f.partial, f.weight > 0, f.value, f.weight), reverse=True)
    return _fact(ends[0], ends[1:])


def _status(profiles: list[Profile], end: Fact, act: str) -> Fact:
    """As of the newest report that says anything about the state of what was restricted."""
    for p in reversed(profiles):
        ended = [f for f in (*p.ends, *p.ended) if _relevant(f, act)]
        ongoing = [f for f in p.ongoing if _relevant(f, act)]
        if ended and ongoing:
            title_ended = [f for f in ended if f.sentence == p.article.title]
            if title_ended:
                return Fact("ended", _prov(title_ended[0]))
            return Fact("ongoing", _prov(ongoing[0]))
        if ended:
            return Fact("ended", _prov(ended[0]))
        if ongoing:
            return Fact("ongoing", _prov(ongoing[0]))
    if end.value is not None:
        return Fact("ended", end.source)
    newest = profiles[-1]
    if newest.cut_head:
        return Fact("ongoing", Provenance(newest.key, newest.cut_head))
    return Fact("unknown", None)


def _duration(start: Fact, end: Fact, status: Fact, profiles: list[Profile]) -> Fact:
    """Hours from start to end; when either is unknown, the length a report states; none
    while it goes on (a stated length is then a plan or a count so far)."""
    if status.value == "ongoing":
        return Fact(None, None)
    if start.value is not None and end.value is not None:
        days = (end.value - start.value).days  # type: ignore[operator]
        return Fact(max(days, 1) * 24 if days >= 0 else None, end.source)
    stated = [f for p in profiles for f in p.duration]
    return _vote(stated) if stated else Fact(None, None)


def incident_facts(profiles: list[Profile], names: Names) -> dict[str, Fact]:
    """Every fact of one incident (profiles oldest first)."""
    facts: dict[str, Fact] = {}
    editor: dict[str, Fact] = {}
    for name in EDITOR_KEYS:
        found = _editor(profiles, name)
        if found:
            value = _editor_value(name, found[0])
            if value is not None:
                editor[name] = Fact(value, Provenance(found[1], "", by_editor=True))
    facts["start_date"] = editor.get("start_date") or _start(profiles)
    kind = editor.get("shutdown_type") or _shutdown_type(profiles)
    act = _ACT_OF_KIND.get(str(kind.value)) or _main_act(profiles)
    facts["end_date"] = editor.get("end_date") or _end(profiles, facts["start_date"].value, act)
    facts["status"] = editor.get("status") or _status(profiles, facts["end_date"], act)
    if facts["status"].value == "ongoing" and "end_date" not in editor:
        facts["end_date"] = Fact(None, None, facts["end_date"].others)
    facts["duration_hours"] = editor.get("duration_hours") or _duration(
        facts["start_date"], facts["end_date"], facts["status"], profiles)
    facts.update(_place(profiles, names))
    facts["event_type"] = editor.get("event_type") or _event_type(profiles)
    facts["shutdown_type"] = kind
    if "event_type" not in editor:
        facts["event_type"] = _event_type_of_kind(facts["shutdown_type"], facts["event_type"])
    if "duration_hours" not in editor and KIND_OF_TYPE.get(
            str(facts["event_type"].value)) not in NETWORKISH:
        facts["duration_hours"] = Fact(None, None)  # a law, an arrest: no length in hours
    network = facts["shutdown_type"].value in NETWORK_LAYERS
    facts["affected_services"] = editor.get("affected_services") or (
        Fact([], None) if network else _services(profiles))
    regional_area = facts["area_name"].value if facts["geo_scope"].value == "regional" else None
    facts["ordered_by"] = editor.get("ordered_by") or _ordered_by(
        profiles, facts["country"].value, facts["shutdown_type"].value is not None,
        regional_area)
    # the reason given for imposing it: a report of its end tells why it was lifted
    imposing = [f for p in profiles if not p.restoration for f in p.justification]
    facts["official_justification"] = editor.get("official_justification") or _vote(
        imposing or [f for p in profiles for f in p.justification],
        norm=lambda v: v["category"])
    for name in ("area_name", "geo_scope"):
        if name in editor:
            facts[name] = editor[name]
    if facts["area_name"].value and facts["geo_scope"].value is None:
        facts["geo_scope"] = Fact("regional", facts["area_name"].source)
    return facts


NETWORK_LAYERS = ("full-network", "mobile", "fixed-line")


def _shutdown_type(profiles: list[Profile]) -> Fact:
    """The kind most reports give; a network cut of mobile and fixed lines (in any report)
    is full-network."""
    fact = _vote([p.shutdown_type for p in profiles if p.shutdown_type])
    if fact.value in NETWORK_LAYERS:
        layers = set().union(*(p.layers for p in profiles)) - {"throttling"}
        if "all" in layers or {"mobile", "fixed"} <= layers:
            return Fact("full-network", fact.source, fact.others)
    return fact


# "the state's Home Department": a state's (province's, region's) own body
_OF_THE_STATE = re.compile(r"^(?:the\s+)?(?:state|province|region)(?:'s|’s)\s+(?=\S)", re.I)
# generic actors of a state, province, region or district, not of the country
_SUBNATIONAL = re.compile(r"^(?:the\s+)?(?:state|provincial|regional|local|district)\s+"
                          r"(?:\w+\s+)?(?:government|authorities|administration|officials)$",
                          re.I)


def _ordered_by(profiles: list[Profile], country: object, restriction: bool,
                area: object = None) -> Fact:
    """A named orderer (most weight); else, for a restriction, the country's government
    (the region's, for a regional cut that reports name the state or regional authorities
    as acting), unless a report says the authorities deny ordering it (then nobody is
    named). In a regional cut, "the state's Home Department" is the region's ("Manipur Home
    Department")."""
    found = [f for p in profiles for f in p.ordered_by]
    if area:
        found = [replace(f, value=_OF_THE_STATE.sub(f"{area} ", str(f.value), count=1))
                 for f in found]
    country_words = {w.lower() for w in str(country or "").split(", ")}
    named = [f for f in found if not is_generic_actor(str(f.value))
             and str(f.value).lower() not in country_words
             and f.weight >= 1]  # a body only named where something is cut is no orderer
    if named:
        return _vote(named, norm=lambda v: str(v).lower())
    if (found or restriction) and country and not any(p.denied for p in profiles):
        source = _prov(found[0]) if found else None
        local = next((f for f in found if _SUBNATIONAL.match(str(f.value))), None)
        if area and local is not None:
            return Fact(f"Government of {area}", _prov(local))
        return Fact(f"Government of {country}", source)
    return Fact(None, None)


def _place(profiles: list[Profile], names: Names) -> dict[str, Fact]:
    votes: dict[str, float] = {}
    for i, p in enumerate(profiles):
        for rank, country in enumerate(p.main):
            votes[country] = votes.get(country, 0.0) + (1.5 if i == 0 else 1.0) / (rank + 1)
    countries = sorted(votes, key=lambda c: -votes[c])
    if len(countries) > 1 and votes[countries[1]] < votes[countries[0]] * 0.75:
        countries = countries[:1]
    source = Provenance(profiles[0].key, profiles[0].article.title)
    areas = [p.area for p in profiles if p.area]
    scopes = [p.scope for p in profiles if p.scope]
    area = _vote(areas)
    scope = _vote(scopes)
    if area.value is None and scope.value is None:
        scope = Fact("national", None)
    elif area.value is not None and scope.value == "national" and not any(
            s.value == "national" and s.weight >= 1 for s in scopes[:1]):
        scope = _vote([s for s in scopes if s.value != "national"]) if any(
            s.value != "national" for s in scopes) else scope
    return {
        "country": Fact(", ".join(names.name(c) for c in countries) or None,
                        source if countries else None),
        "country_code": Fact([c.upper() for c in countries if len(c) == 2],
                             source if countries else None),
        "area_name": area,
        "geo_scope": scope,
    }


def _services(profiles: list[Profile]) -> Fact:
    weights: dict[str, float] = {}
    first: dict[str, Found] = {}
    for p in profiles:
        for item in p.service_found:
            name = str(item.value)
            weights[name] = weights.get(name, 0.0) + item.weight
            first.setdefault(name, item)
    if not weights:
        return Fact([], None)
    chosen = sorted(weights, key=lambda n: (-weights[n], n))
    top_weight = weights[chosen[0]]
    chosen = [n for n in chosen if weights[n] >= min(2.0, top_weight)]
    top = first[chosen[0]]
    return Fact(chosen, _prov(top))
