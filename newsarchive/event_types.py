"""Event types (``data/event_types.toml``): definitions, cue phrases, and scoring from cue hits.

Each ``[[event_type]]`` has id, name, definition, ``strong_cues`` (language -> phrases, weight
2.5: the ACTS, phrases that report that something of the kind was done or happened, an actor
and an act: "cut mobile internet", "blocked access to", "was arrested for") and ``cues``
(weight 1: topic words, which add to a type's score but never establish it); optional
``min_acts`` (the evidence rule: the type is given only when its acts reach this, a hit
counting 3 in the headline, 2 in the lede, 1 in the body; default MIN_ACTS),
``verbs`` and ``objects`` (an act found by proximity: a verb such as "blocked", "cut",
"заблокировал", "قطعت" within a few words of one of the type's objects, such as "internet",
"mobile data", "websites", or of an entity of ``object_entities``, such as a platform, in one
zone, counts as an act, wherever the wording between them varies),
``not_cues`` (weight -2: phrases that argue against it, such as "cable cut" for a shutdown),
``neutral`` (weight 0: longer phrases that hide a shorter cue, such as "law enforcement"
hiding "law"), ``unless`` (entity types whose presence among the story's main ones halves
the evidence: a content block is of sites, not of a service the story is about), ``needs``
(entity types without which the evidence is
halved: a platform block names a platform) and ``excludes`` (ids this type overrides when its
headline says strictly more, or neither headline says anything and it scores at least as
high: an outage excludes a shutdown, so an accident is never called a shutdown). The rules are
applied for a whole batch in ``newsarchive.tag_batch``; the data file's header says them too.
Phrases are matched like aliases: whole words, case-insensitive, in the tagger's one automaton
pass; where cue phrases overlap the longest wins. A hit counts 3x in the title and
2x in the lead.

``[relevance]`` lists topic terms (``terms``, language -> phrases) that, with the event-type
evidence and the kinds of entities found, give the relevance score ingest uses to keep items.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from newsarchive.entities import TYPES as ENTITY_TYPES

IDS: tuple[str, ...] = (
    "shutdown", "throttling", "platform-block", "content-blocking", "circumvention-restriction",
    "censorship-law", "surveillance-data-access", "arrest-prosecution", "attack-harassment",
    "state-platform-mandate", "information-manipulation", "restoration-remedy", "outage",
)
WEIGHTS = {"cues": 1.0, "strong_cues": 2.5, "not_cues": -2.0, "neutral": 0.0}
#: score = 1 - exp(-raw / SCALE). A type is reported when its evidence reaches MIN_EVIDENCE
#: and at least RELATIVE times the best type's (or has an act in the headline): an article
#: reports its main event and the ones it gives real weight to, not every word it uses in
#: passing.
SCALE = 6.0
MIN_EVIDENCE = 6.0
#: the evidence rule: a type needs its acts (``strong_cues``: phrases reporting that the thing
#: was done or happened) to reach this, a hit counting 3 in the headline, 2 in the lede and 1
#: in the body: one act in the headline or the lede, or two further down. Topic words
#: (``cues``) add to a type's score, never establish it.
MIN_ACTS = 2.0
RELATIVE = 0.4
#: what ``object_entities`` may name: a platform that is a service, a news site, a VPN or
#: circumvention tool (platforms by category), or any entity of a type
OBJECT_ENTITIES = frozenset({"service", "news", "vpn", *ENTITY_TYPES})
#: how near a verb and its object must be: words between the end of one and of the other
PAIR_WINDOW = 6
#: ingest keeps an item whose relevance reaches this.
RELEVANCE_THRESHOLD = 0.5
_FIELDS = frozenset(
    {
        "id", "name", "definition", "excludes", "needs", "unless", "relative", "min_evidence",
        "min_acts", "verbs", "objects", "object_entities",
        *WEIGHTS,
    }
)


class EventTypesError(ValueError):
    """Malformed data/event_types.toml (message names the entry and the reason)."""


class TaggedEventType(NamedTuple):
    """An event type a text reports, with a score (0..1)."""

    id: str
    name: str
    score: float


@dataclass(frozen=True)
class EventTypeDef:
    """One event type and its cue phrases by language."""

    id: str
    name: str
    definition: str
    cues: dict[str, tuple[str, ...]]
    strong_cues: dict[str, tuple[str, ...]]
    not_cues: dict[str, tuple[str, ...]]
    neutral: dict[str, tuple[str, ...]]
    excludes: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    verbs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    objects: dict[str, tuple[str, ...]] = field(default_factory=dict)
    object_entities: tuple[str, ...] = ()
    relative: float = 0.4
    min_evidence: float = 6.0
    min_acts: float = MIN_ACTS

    def weighted_cues(self) -> Iterator[tuple[str, float]]:
        """(phrase, weight) for every cue, strong cue and negative cue."""
        for field_name, weight in WEIGHTS.items():
            for phrases in getattr(self, field_name).values():
                for phrase in phrases:
                    yield phrase, weight

    @property
    def url(self) -> str:
        """Where the type's page lives (relative to SITEURL)."""
        return f"type/{self.id}/"


@dataclass(frozen=True)
class RelevanceConfig:
    """Topic terms (language -> phrases) that mark a text as about internet freedom."""

    terms: dict[str, tuple[str, ...]]
    strong_terms: tuple[str, ...] = ()

    def weighted_terms(self) -> Iterator[tuple[str, float]]:
        """(phrase, weight) for every topic term."""
        for phrases in self.terms.values():
            for phrase in phrases:
                yield phrase, 1.0
        for phrase in self.strong_terms:
            yield phrase, 2.5


def _phrases(value: Any, where: str) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(v, list) and all(isinstance(p, str) and p.strip() for p in v)
        for v in value.values()
    ):
        raise EventTypesError(f"{where}: must be a table of language = [phrases]")
    return {lang: tuple(p.strip() for p in v) for lang, v in value.items()}


def load_event_types(data_dir: Path) -> tuple[list[EventTypeDef], RelevanceConfig]:
    """Read and validate ``event_types.toml``; no file means no event types."""
    path = Path(data_dir) / "event_types.toml"
    if not path.is_file():
        return [], RelevanceConfig({})
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise EventTypesError(f"{path}: not valid TOML: {err}") from err
    defs: list[EventTypeDef] = []
    for index, raw in enumerate(doc.get("event_type", [])):
        where = f"{path}: event_type {index + 1} ({raw.get('id')!r})"
        unknown = sorted(set(raw) - _FIELDS)
        if unknown:
            raise EventTypesError(f"{where}: unknown field(s) {', '.join(unknown)}")
        if raw.get("id") not in IDS:
            raise EventTypesError(f"{where}: id must be one of {', '.join(IDS)}")
        for key in ("name", "definition"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise EventTypesError(f"{where}: {key} is missing or empty")
        cues = _phrases(raw.get("cues"), f"{where}: cues")
        strong = _phrases(raw.get("strong_cues"), f"{where}: strong_cues")
        if not {"en", "ru"} <= set(cues) | set(strong):
            raise EventTypesError(f"{where}: cues need en and ru phrases")
        excludes = raw.get("excludes", [])
        if not isinstance(excludes, list) or any(e not in IDS for e in excludes):
            raise EventTypesError(f"{where}: excludes must list event-type ids")
        relative = raw.get("relative", RELATIVE)
        if not isinstance(relative, int | float) or not 0 < relative <= 1:
            raise EventTypesError(f"{where}: relative must be a number in (0, 1]")
        acts = raw.get("min_acts", MIN_ACTS)
        if not isinstance(acts, int | float) or acts <= 0:
            raise EventTypesError(f"{where}: min_acts must be a positive number")
        minimum = raw.get("min_evidence", MIN_EVIDENCE)
        if not isinstance(minimum, int | float) or minimum <= 0:
            raise EventTypesError(f"{where}: min_evidence must be a positive number")
        needs = raw.get("needs", [])
        if not isinstance(needs, list) or any(n not in ENTITY_TYPES for n in needs):
            raise EventTypesError(f"{where}: needs must list entity types")
        object_entities = raw.get("object_entities", [])
        if not isinstance(object_entities, list) or any(
            n not in OBJECT_ENTITIES for n in object_entities
        ):
            raise EventTypesError(
                f"{where}: object_entities must be among {', '.join(sorted(OBJECT_ENTITIES))}"
            )
        unless = raw.get("unless", [])
        if not isinstance(unless, list) or any(n not in ENTITY_TYPES for n in unless):
            raise EventTypesError(f"{where}: unless must list entity types")
        defs.append(
            EventTypeDef(
                id=raw["id"],
                name=raw["name"].strip(),
                definition=raw["definition"].strip(),
                cues=cues,
                strong_cues=strong,
                not_cues=_phrases(raw.get("not_cues"), f"{where}: not_cues"),
                neutral=_phrases(raw.get("neutral"), f"{where}: neutral"),
                excludes=tuple(excludes),
                needs=tuple(needs),
                unless=tuple(unless),
                verbs=_phrases(raw.get("verbs"), f"{where}: verbs"),
                objects=_phrases(raw.get("objects"), f"{where}: objects"),
                object_entities=tuple(object_entities),
                relative=float(relative),
                min_evidence=float(minimum),
                min_acts=float(acts),
            )
        )
    ids = [d.id for d in defs]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise EventTypesError(f"{path}: event types defined twice: {', '.join(duplicates)}")
    rel = doc.get("relevance", {})
    relevance = RelevanceConfig(
        terms=_phrases(rel.get("terms"), f"{path}: relevance.terms"),
        strong_terms=tuple(_phrases({"x": rel.get("strong_terms", [])}, f"{path}: relevance")["x"]),
    )
    return defs, relevance


@dataclass(frozen=True)
class EventScorer:
    """The choice rules of a list of event types, laid out once (applied for a whole batch in
    ``newsarchive.tag_batch._chosen_types``)."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    floors: tuple[float, ...]  # min_evidence per type
    act_floors: tuple[float, ...]  # min_acts per type
    relative: tuple[float, ...]
    needs: tuple[tuple[int, tuple[str, ...]], ...]  # (index, needs) of types that need some
    unless: tuple[tuple[int, tuple[str, ...]], ...]  # (index, unless) of types some rule out
    excludes: tuple[tuple[int, ...], ...]  # per type, the indices of the types it excludes
    min_evidence: float  # the lowest floor: below it no type is reported

    @classmethod
    def of(cls, defs: Sequence[EventTypeDef]) -> EventScorer:
        """The scorer of a list of event types (ids are unique, as the loader checks)."""
        index = {d.id: i for i, d in enumerate(defs)}
        return cls(
            ids=tuple(d.id for d in defs),
            names=tuple(d.name for d in defs),
            floors=tuple(d.min_evidence for d in defs),
            act_floors=tuple(d.min_acts for d in defs),
            relative=tuple(d.relative for d in defs),
            needs=tuple((i, d.needs) for i, d in enumerate(defs) if d.needs),
            unless=tuple((i, d.unless) for i, d in enumerate(defs) if d.unless),
            excludes=tuple(tuple(index[x] for x in d.excludes if x in index) for d in defs),
            min_evidence=min((d.min_evidence for d in defs), default=math.inf),
        )

    def reported(self, chosen: Sequence[tuple[int, float]]) -> list[TaggedEventType]:
        """The event types for (type index, cue sum) pairs, scored, best first."""
        result = [
            TaggedEventType(self.ids[i], self.names[i], round(1.0 - math.exp(-value / SCALE), 3))
            for i, value in chosen
        ]
        if len(result) > 1:
            result.sort(key=_minus_score)
        return result


def _minus_score(scored: TaggedEventType) -> float:
    return -scored.score


def relevance_score(term_raw: float, words: int, top_evidence: float, platforms: float) -> float:
    """How much a text is about internet freedom (0..1).

    Mostly the density of topic terms (``[relevance]`` in event_types.toml, each mention once) per
    100 words, the denominator never below 100 so that one stray "online" in a short item does
    not make it relevant; plus the salience of platforms named; plus, only where the topic is
    there at all (topic terms, or a platform named), the strength of the best event type (an
    arrest or a court ruling is on the beat only when the text is about the internet).
    Off-topic news scores below RELEVANCE_THRESHOLD, the archive's articles well above it.
    ``platforms`` is the sum of the salience of the platforms the text names.
    """
    density = 100.0 * term_raw / max(words, 100)
    raw = density + 0.25 * platforms
    if density >= 1.0 or platforms > 0:  # a platform named makes a reported act the beat's
        raw += 0.03 * min(top_evidence, 20.0)
    return round(1.0 - math.exp(-raw / 1.5), 3)
