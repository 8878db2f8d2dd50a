"""Grouping: which articles report the same incident.

Articles are read oldest first. Each one is compared only with the groups indexed under its
own (place, month) keys -- its main countries and regions, for the months from ``WINDOW``
before its date to its date, and the month of any start it reports -- plus, when it reports a
restoration or says the restriction goes on, the groups of its place still open within
``LOOKBACK``. That keeps the work linear in the number of articles (at most
``KEY_CANDIDATES`` groups, the most recently active, are compared per key, however dense the
archive). The best-scoring candidate above ``THRESHOLD`` wins; else the article starts a
group. A group's id comes from its first (earliest) report and never changes when later
reports join.

Score (see :func:`score`): same place (required; the same area adds 0.5, another costs
0.5; a nationwide cut never joins an incident of one region, nor a cut in one region a
nationwide incident, unless it reports the return or that it goes on: the Taliban's Balkh
fibre cut and their nationwide shutdown two weeks later are two incidents), kind (the same
1, compatible less, different -0.5 unless a platform is in common), services in common
(platforms named in both titles or leads that differ refuse), a start date in common 0.5,
time (required: the report falls in the group's span -- first report to end, or to newest
report + ``WINDOW`` while ongoing -- or reports the same start or start month, or is a lift
or a "still in force" follow-up of an open group), a start reported after the group's end or
long after its newest report refuses, and title words in common add (place names left out).
"""

from __future__ import annotations

import functools
import re
from collections import OrderedDict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import islice

from newsarchive.incidents.extract import Profile
from newsarchive.incidents.text import CONTENT_STOP

WINDOW = timedelta(days=30)
LOOKBACK = timedelta(days=5 * 365)  # a lift or follow-up naming the same service or region
LOOKBACK_PLAIN = timedelta(days=400)  # a lift naming neither
THRESHOLD = 1.5
SAME_START = timedelta(days=3)
AFTER_END = timedelta(days=2)
_ONE_DAY, _TWO_DAYS, _THREE_DAYS = timedelta(days=1), timedelta(days=2), timedelta(days=3)
OPEN_CANDIDATES = 20  # open groups of a place a lift or follow-up is compared with
KEY_CANDIDATES = 10  # groups compared per (place, month) key: the most recently active ones
_SLUG_STOP = CONTENT_STOP | {"internet", "after", "over"}


@dataclass(slots=True)
class Group:
    """Articles reporting one incident, with what grouping compares."""

    id: str
    profiles: list[Profile] = field(default_factory=list)
    main: set[str] = field(default_factory=set)
    regions: set[str] = field(default_factory=set)
    areas: set[str] = field(default_factory=set)
    area_words: set[str] = field(default_factory=set)
    national: bool = False  # a report says it applies nationwide
    kinds: set[str] = field(default_factory=set)
    services: set[str] = field(default_factory=set)
    head_services: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)
    first_day: date = date.min
    last_day: date = date.min
    start: date | None = None
    end: date | None = None
    keys: set[tuple[str, int]] = field(default_factory=set)
    # kept by add() (read for every candidate scored): the first day a report may fall on
    # and join, and the last (the end + 3 days once ended, else the newest report + WINDOW)
    span_start: date = date.min
    span_end: date = date.min

    def add(self, p: Profile) -> None:
        """Add a report and widen what the group compares."""
        if not self.profiles:
            self.first_day = p.day
        self.profiles.append(p)
        self.main |= set(p.main)
        self.regions |= set(p.regions)
        if p.area:
            self.areas.add(str(p.area.value))
            self.area_words |= _area_words(str(p.area.value))
        self.national |= _national(p)
        if p.kind not in ("other", ""):
            self.kinds.add(p.kind)
        self.services |= p.services
        self.head_services |= p.head_services
        self.words |= p.words
        self.last_day = max(self.last_day, p.day)
        if p.start and (self.start is None or p.start < self.start) and (
                p.start >= self.first_day - timedelta(days=62)):
            self.start = p.start
        full = [f.value for f in p.ends if not f.partial]
        end = max(full) if full else None  # type: ignore[type-var]
        if end and (self.end is None or end > self.end) and (
                end >= (self.start or self.first_day) - timedelta(days=1)):
            self.end = end
        self.span_start = self.first_day - _THREE_DAYS
        if self.end and self.end >= self.last_day - _TWO_DAYS:
            self.span_end = self.end + _THREE_DAYS
        else:
            self.span_end = self.last_day + WINDOW


@dataclass(slots=True)
class Decision:
    """Why an article went where it did: its group and the candidates it was scored against."""

    article: str
    group: str | None
    reason: str
    candidates: list[tuple[str, float | None, Why | str]] = field(default_factory=list)


def month(day: date) -> int:
    """A month key (year * 12 + month index)."""
    return day.year * 12 + day.month - 1


def _places(p: Profile) -> list[str]:
    return sorted(set(p.main) | set(p.regions))


_PAIRS = {("network", "throttling"): 0.6, ("service", "throttling"): 0.6,
          ("network", "service"): 0.3}
_COMPATIBLE = {**_PAIRS, **{(b, a): v for (a, b), v in _PAIRS.items()}}


def _kind_score(g: Group, p: Profile) -> float | None:
    """1 for the same kind, less for a compatible one, None for another."""
    kind = p.kind
    if kind in ("other", "") or not g.kinds:
        return 0.5
    if kind in g.kinds:
        return 1.0
    best = -1.0
    for other in g.kinds:
        value = _COMPATIBLE.get((kind, other), -1.0)
        if value > best:
            best = value
    return best if best >= 0 else None


def _national(p: Profile) -> bool:
    return p.scope is not None and p.scope.value == "national"


def _area_conflict(g: Group, p: Profile) -> str | None:
    """Why a report is about another area than the group, if it is."""
    if p.regions and g.regions and not set(p.regions) & g.regions and p.area and g.areas:
        return "different regions"
    if p.area and g.areas and not _area_words(str(p.area.value)) & g.area_words:
        return f"different areas ({p.area.value} vs {', '.join(sorted(g.areas))})"
    if p.area and g.national and not g.areas:
        return f"{p.area.value}, in a nationwide incident"
    return None


_AREA_GENERIC = frozenset({"region", "state", "province", "city", "district", "and", "of",
                           "the", "valley", "territory", "governorate", "oblast"})


@functools.cache
def _area_words(name: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"\w+", name.lower()) if w not in _AREA_GENERIC)


class Why:
    """Reasons of a score, put into words only when printed (most are never read)."""

    __slots__ = ("parts",)

    def __init__(self, parts: list[tuple]) -> None:
        self.parts = parts

    def __str__(self) -> str:
        return "; ".join(part[0].format(*(_word(x) for x in part[1:])) for part in self.parts)


def _word(value: object) -> object:
    if isinstance(value, set | frozenset):
        return ", ".join(sorted(map(str, value)))
    return value


def score(g: Group, p: Profile) -> tuple[float | None, Why]:
    """(score or None when refused, the reasons: words when printed). Place and time are
    checked first: most candidates are refused there, cheaply."""
    shared = g.main.intersection(p.main) or g.regions.intersection(p.regions)
    if not shared:
        return None, Why([("no common country or region",)])
    if p.start and not p.restoration:
        if g.end and p.start > g.end + AFTER_END:
            return None, Why([("starts {} after the group ended {}", p.start, g.end)])
        if p.start > g.last_day + WINDOW:
            return None, Why([("starts {}, long after the newest report {}", p.start, g.last_day)])
    common = p.services & g.services
    parts: list[tuple] = [("place {}", shared)]
    if g.span_start <= p.day <= g.span_end:
        total = 1.0
        parts.append(("time: within the span",))
    elif p.start and g.start and abs(p.start - g.start) <= SAME_START:
        total = 1.0
        parts.append(("time: same start {}", p.start))
    elif p.since_month and month(p.since_month) == month(g.start or g.first_day):
        total = 1.0
        parts.append(("time: in place since {:%B %Y}, the month it started", p.since_month))
    elif (p.restoration or p.still) and not (g.end and g.end < p.day - _THREE_DAYS) and (
            p.day - g.last_day <= (LOOKBACK if common or not g.regions.isdisjoint(p.regions)
                                   else LOOKBACK_PLAIN)) and (
            not p.services or common or not g.services) and (p.restoration or common or (
                not g.regions.isdisjoint(p.regions))):
        total = 0.8
        parts.append(("time: {} of an open incident",
                      "restoration" if p.restoration else "follow-up"))
    else:
        return None, Why([("too far in time ({} vs {}..{})", p.day, g.first_day, g.span_end)])
    if _national(p) and g.areas and not g.national and not p.restoration:
        return None, Why([("a nationwide cut; the incident is in {}", g.areas)])
    if (p.area and p.scope is not None and not _national(p) and g.national and not g.areas
            and not (p.restoration or p.still)):
        return None, Why([("a cut in {}; the incident is nationwide", p.area.value)])
    conflict = _area_conflict(g, p)
    if conflict:
        total -= 0.5
        parts.append(("{}: -0.5", conflict))
    elif p.area and g.areas and _area_words(str(p.area.value)) & g.area_words:
        total += 0.5
        parts.append(("same area {}: +0.5", p.area.value))
    kind = _kind_score(g, p)
    if kind is None:
        kind = 0.0 if common else -0.5
        parts.append(("kinds differ ({} vs {})", p.kind, g.kinds))
    total += kind
    parts.append(("kind {:.1f}", kind))
    if p.services and g.services:
        if not common and ((p.head_services and g.head_services and not (
                p.head_services & g.head_services)) or (p.kind == "service" and (
                g.kinds <= {"service", "throttling"}) and not p.restoration)):
            return None, Why([("no platform in common",)])
        jaccard = len(common) / len(p.services | g.services)
        total += jaccard
        parts.append(("services {:.2f}", jaccard))
    if p.start and g.start and abs(p.start - g.start) <= _ONE_DAY:
        total += 0.5
        parts.append(("same start {}: +0.5", p.start))
    common_words = len(p.words & g.words)
    total += min(1.0, common_words / 4)
    parts.append(("words {}", common_words))
    return total, Why(parts)


def _slug_words(p: Profile, country_words: set[str]) -> list[str]:
    slug = p.key.rstrip("/").rsplit("/", 1)[-1]
    words = [w for w in re.findall(r"[a-z0-9]+", slug)
             if w not in _SLUG_STOP and w not in country_words and not w.isdigit()]
    return words[:4] or ["incident"]


def safe_id(raw: str) -> str:
    """An editor's ``Incident:`` value as an id fit for a URL (lower-case letters, digits and
    hyphens; at most 100 characters)."""
    words = re.findall(r"[a-z0-9]+", raw.lower())
    return "-".join(words)[:100].strip("-") or "incident"


def make_id(p: Profile, names_of: dict[str, set[str]], taken: Collection[str],
            tried: dict[str, int] | None = None) -> str:
    """``<year>-<country>-<slug words>`` of a first report, unique among ``taken``.

    ``tried`` (base id: the last number tried) lets a caller that only ever adds ids skip
    the numbers it has already seen taken: without it, the reports of one country and year
    with the same slug words would each try every number before theirs."""
    place = p.main[0] if p.main else (p.regions[0] if p.regions else "xx")
    base = f"{p.day.year}-{place}-{'-'.join(_slug_words(p, names_of.get(place, set())))}"
    n = tried.get(base, 1) if tried is not None else 1
    candidate = base if n == 1 else f"{base}-{n}"
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    if tried is not None:
        tried[base] = n
    return candidate


def group(profiles: Iterable[Profile], names_of: dict[str, set[str]] | None = None
          ) -> tuple[list[Group], dict[str, Decision]]:
    """Groups of profiles (each profile in at most one), and a decision per article."""
    names_of = names_of or {}
    ordered = sorted(profiles, key=lambda p: (p.day, p.article.date, p.key))
    groups: dict[str, Group] = {}
    index: dict[tuple[str, int], list[str]] = {}
    # per place, group ids by latest activity (most recent last)
    open_by_place: dict[str, OrderedDict[str, None]] = {}
    decisions: dict[str, Decision] = {}
    overrides: list[Profile] = []
    tried: dict[str, int] = {}  # make_id's numbers, per base id

    def register(g: Group, lo: date, hi: date) -> None:
        for place in sorted(g.main | g.regions):
            for m in range(month(lo), month(hi) + 1):
                if (place, m) not in g.keys:
                    g.keys.add((place, m))
                    index.setdefault((place, m), []).append(g.id)
            active = open_by_place.setdefault(place, OrderedDict())
            active[g.id] = None
            active.move_to_end(g.id)

    for p in ordered:
        if p.article.meta.get("incident"):
            overrides.append(p)
            continue
        if p.analysis:
            decisions[p.key] = Decision(p.key, None, "analysis piece: many countries or years")
            continue
        if not p.main and not p.regions:
            decisions[p.key] = Decision(p.key, None, "no country")
            continue
        refused = {safe_id(i) for i in p.article.meta.get("not-incident", "").split(",")
                   if i.strip()}
        seen: list[str] = []
        months = set(range(month(p.day - WINDOW), month(p.day) + 1))
        if p.start:
            months.add(month(p.start))
        if p.since_month:
            months.add(month(p.since_month))
        for place in _places(p):
            for m in sorted(months):
                seen += index.get((place, m), ())[-KEY_CANDIDATES:]
            if p.restoration or p.still:
                seen += islice(reversed(open_by_place.get(place, {})), OPEN_CANDIDATES)
        decision = Decision(p.key, None, "")
        best: tuple[float, str] | None = None
        for gid in dict.fromkeys(seen):
            if gid in refused:
                decision.candidates.append((gid, None, "Not-Incident set by the editor"))
                continue
            value, why = score(groups[gid], p)
            decision.candidates.append((gid, value, why))
            if value is not None and value >= THRESHOLD and (best is None or value > best[0]):
                best = (value, gid)
        if best:
            g = groups[best[1]]
            old_last = g.last_day
            g.add(p)
            register(g, old_last, g.last_day)
            decision.group, decision.reason = g.id, f"joined (score {best[0]:.2f})"
        else:
            g = Group(make_id(p, names_of, groups.keys(), tried))
            g.add(p)
            groups[g.id] = g
            register(g, g.first_day if not g.start else min(g.start, g.first_day), g.last_day)
            decision.group, decision.reason = g.id, "first report of a new incident"
        decisions[p.key] = decision
    for p in overrides:
        wanted = safe_id(p.article.meta["incident"])
        g = groups.get(wanted)
        if g is None:
            g = groups[wanted] = Group(wanted)
        g.add(p)
        decisions[p.key] = Decision(p.key, wanted, "Incident set by the editor")
    return list(groups.values()), decisions
