"""Matching: one Aho-Corasick pass over normalised text finds entities, event cues and context.

How a text is read (:func:`normalise`): lower-cased, Unicode punctuation and symbols turned into
spaces, ``ё`` folded to ``е`` and Arabic ``ي``/``ك`` to Persian ``ی``/``ک``, then encoded as UTF-8
with every ASCII non-word byte turned into a space and runs of spaces squeezed. The bytes are
scanned as a Latin-1 string, so one automaton handles every script, and patterns are padded with
a space on each side: only whole words can match (for scripts written without spaces, such as
Chinese or Thai, the padding is dropped on that side). Letters, combining marks (Devanagari
matras) and ZWNJ/ZWJ count as word characters.

Rules applied to what the pass finds:
- acronyms (all-caps aliases: NATO, OONI, FSB, MAX) must match the original's case exactly;
- the longest match wins where matches overlap ("Supreme Court of India" over "India");
- an ambiguous alias counts only when one of its entity's context words occurs in the document
  or one of its ``context_entities`` is tagged; an alias two entities claim counts only for the
  claimant whose context is met;
- mentions are counted per zone (title, lead, body) and turned into a salience in 0..1.
Event-type cues and relevance terms ride in the same automaton (see newsarchive.event_types).
"""

from __future__ import annotations

import bisect
import logging
import math
import pickle
import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick

from newsarchive import event_types as et
from newsarchive.entities import TYPES, Entity, Gazetteer, data_files, hash_files, load_gazetteer

log = logging.getLogger(__name__)

ZONES = ("title", "lead", "body")
_ZONE_WEIGHT = {"title": 3.0, "lead": 2.0, "body": 1.0}
_CACHE_FORMAT = "tagger-v1"

# --- normalisation ---------------------------------------------------------------------------

_BYTE_TABLE = bytes(c if chr(c).isalnum() or c >= 128 else 32 for c in range(256))
_FOLD = str.maketrans({"ё": "е", "ي": "ی", "ك": "ک", "ى": "ی"})
_KEEP = {"\u200c", "\u200d"}  # ZWNJ and ZWJ join parts of Persian and Indic words


def _non_word_class() -> re.Pattern[str]:
    """A regex class of every non-ASCII BMP character that is not part of a word."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x80, 0x10000):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF or char in _KEEP:
            continue
        if unicodedata.category(char)[0] in "PSZC":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    parts = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )
    return re.compile(f"[{parts}]+")


_NON_WORD = _non_word_class()
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)


def _prepare(text: str) -> str:
    if not text.isascii():
        text = _NON_WORD.sub(" ", text).translate(_FOLD)
    return text


def _squeeze(data: bytes) -> bytes:
    while b"  " in data:
        data = data.replace(b"  ", b" ")
    return data


def normalise(text: str) -> str:
    """Lower-cased, punctuation-free, space-squeezed text as a Latin-1 view of its UTF-8 bytes."""
    return _squeeze(_prepare(text.lower()).encode("utf-8").translate(_BYTE_TABLE)).decode(
        "latin-1"
    )


def _normalise_cased(text: str, lowered_len: int) -> str:
    """Like normalise() but keeping case; same length as the lowered form (char by char)."""
    out = _squeeze(_prepare(text).encode("utf-8").translate(_BYTE_TABLE)).decode("latin-1")
    if len(out) != lowered_len:  # a letter whose lower case has another UTF-8 length
        same = "".join(
            c if len(c.lower().encode()) == len(c.encode()) else c.lower() for c in text
        )
        out = _squeeze(_prepare(same).encode("utf-8").translate(_BYTE_TABLE)).decode("latin-1")
    return out


def alias_key(alias: str) -> str:
    """The normalised form an alias is matched by (no padding)."""
    return normalise(alias).strip(" ")


def is_acronym(alias: str) -> bool:
    """All-caps aliases (at least one cased letter, none lower-case) match case-sensitively."""
    letters = [c for c in alias if c.isalpha()]
    return bool(letters) and any(c.isupper() for c in letters) and not any(
        c.islower() for c in letters
    )


def _pattern(key: str) -> str:
    """The key padded with a space on each side written with spaces between words."""
    text = key.encode("latin-1").decode("utf-8")
    left = "" if _UNSPACED.match(text[0]) else " "
    right = "" if _UNSPACED.match(text[-1]) else " "
    return f"{left}{key}{right}"


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TaggedEntity:
    """An entity found in a text, with its mentions per zone and its salience (0..1)."""

    id: str
    type: str
    name: str
    salience: float
    mentions: int
    where: dict[str, int]


@dataclass(frozen=True, slots=True)
class TaggedEventType:
    """An event type the text reports, with a score (0..1)."""

    id: str
    name: str
    score: float


@dataclass(frozen=True, slots=True)
class TagResult:
    """Entities by salience (highest first), event types by score, relevance (0..1)."""

    entities: list[TaggedEntity]
    event_types: list[TaggedEventType]
    relevance: float

    def ids(self) -> list[str]:
        """``type:id`` of every entity, in order."""
        return [f"{e.type}:{e.id}" for e in self.entities]


# --- the compiled tagger ----------------------------------------------------------------------

# claim kinds
_ENTITY, _CUE, _CONTEXT, _TERM = 0, 1, 2, 3


@dataclass
class _Rule:
    """Context rule of one entity: context keys and ids of context entities."""

    keys: frozenset[str]
    entities: tuple[str, ...]


@dataclass
class Tagger:
    """A compiled gazetteer plus event types: call :meth:`tag` on texts."""

    gazetteer: Gazetteer
    event_defs: list[et.EventTypeDef]
    relevance_cfg: et.RelevanceConfig
    automaton: ahocorasick.Automaton
    patterns: list[tuple[int, tuple[tuple, ...]]]  # pid -> (pattern length, claims)
    rules: dict[str, _Rule]
    warnings: list[str] = field(default_factory=list)

    # -- building --

    @classmethod
    def from_data(cls, data_dir: Path, cache_dir: Path | None = None) -> Tagger:
        """Load the compiled tagger from the disk cache, or build it and cache it."""
        files = data_files(data_dir)
        sources = [Path(__file__), Path(et.__file__), Path(sys.modules[Entity.__module__].__file__)]
        import pycountry

        key = hash_files([*files, *sources], _CACHE_FORMAT, f"pycountry {pycountry.__version__}")
        cache_dir = cache_dir or data_dir.resolve().parent / ".cache" / "entities"
        cached = cache_dir / f"tagger-{key[:24]}.pickle"
        if cached.is_file():
            try:
                with cached.open("rb") as handle:
                    tagger = pickle.load(handle)
                for message in tagger.warnings:
                    log.warning("gazetteer: %s", message)
                return tagger
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as err:
                log.info("entities: ignoring unreadable cache %s (%s)", cached, err)
        tagger = cls.build(load_gazetteer(data_dir), et.load_event_types(data_dir))
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            for old in cache_dir.glob("tagger-*.pickle"):
                old.unlink(missing_ok=True)
            tmp = cached.with_suffix(".tmp")
            with tmp.open("wb") as handle:
                pickle.dump(tagger, handle, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(cached)
        except OSError as err:  # a read-only checkout still tags, only slower to start
            log.info("entities: cannot cache the tagger in %s (%s)", cache_dir, err)
        return tagger

    @classmethod
    def build(
        cls,
        gazetteer: Gazetteer,
        event_config: tuple[list[et.EventTypeDef], et.RelevanceConfig] | None = None,
    ) -> Tagger:
        """Compile the automaton from a gazetteer and event-type definitions."""
        event_defs, relevance_cfg = event_config or ([], et.RelevanceConfig({}, ()))
        claims: dict[str, dict[tuple, None]] = {}

        def claim(key: str, item: tuple) -> None:
            if key:
                claims.setdefault(key, {})[item] = None

        explicit: dict[str, set[str]] = {}
        for entity in gazetteer.entities.values():
            if entity.source != "pycountry":
                for forms in entity.aliases.values():
                    for form in forms:
                        explicit.setdefault(alias_key(form), set()).add(entity.id)
        derived_owner: dict[str, set[str]] = {}
        for entity in gazetteer.entities.values():
            hand = set()
            if entity.source != "pycountry":
                hand = {alias_key(f) for forms in entity.aliases.values() for f in forms}
                hand.add(alias_key(entity.name))
            for form in entity.all_aliases():
                key = alias_key(form)
                if not key:
                    continue
                if key not in hand:
                    # a pycountry-derived form yields to any hand-written claim on the same key
                    if key in explicit and entity.id not in explicit[key]:
                        continue
                    derived_owner.setdefault(key, set()).add(entity.id)
                cased = _cased_key(form) if is_acronym(form) else None
                claim(key, (_ENTITY, entity.id, cased, form in entity.ambiguous))
        # two countries deriving the same form from pycountry (e.g. "Конго"): drop it for both
        for key, owners in derived_owner.items():
            if len(owners) > 1 and key in claims:
                claims[key] = {
                    c: None for c in claims[key] if c[0] != _ENTITY or c[1] not in owners
                }
        rules: dict[str, _Rule] = {}
        for entity in gazetteer.entities.values():
            keys = frozenset(k for k in (alias_key(c) for c in entity.context) if k)
            rules[entity.id] = _Rule(keys, entity.context_entities)
            for key in keys:
                claim(key, (_CONTEXT, key))
        for index, definition in enumerate(event_defs):
            for phrase, weight in definition.weighted_cues():
                claim(alias_key(phrase), (_CUE, index, weight))
        for phrase, weight in relevance_cfg.weighted_terms():
            claim(alias_key(phrase), (_TERM, weight))
        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        patterns: list[tuple[int, tuple[tuple, ...]]] = []
        for key, items in claims.items():
            if not items:
                continue
            pattern = _pattern(key)
            automaton.add_word(pattern, len(patterns))
            patterns.append((len(pattern), tuple(items)))
        if not patterns:
            automaton.add_word("\x00never\x00", 0)
            patterns.append((7, ()))
        automaton.make_automaton()
        return cls(
            gazetteer=gazetteer,
            event_defs=event_defs,
            relevance_cfg=relevance_cfg,
            automaton=automaton,
            patterns=patterns,
            rules=rules,
            warnings=list(gazetteer.warnings),
        )

    # -- tagging --

    def tag(self, title: str, lead: str = "", body: str = "", lang: str = "en") -> TagResult:
        """Entities, event types and relevance of one text (title, lead/summary, body).

        ``lang`` is informational: aliases of every language are matched, since texts quote
        foreign names.
        """
        del lang
        entities, cue_spans, term_raw, _full = self._scan(title, lead, body)
        types = {e.type for e in entities}
        event_types, evidence = et.score_event_types(
            self.event_defs, self._cue_raw(cue_spans), types
        )
        relevance = et.relevance(self.relevance_cfg, evidence, term_raw, types, entities)
        return TagResult(entities=entities, event_types=event_types, relevance=relevance)

    def explain(
        self, title: str, lead: str = "", body: str = ""
    ) -> list[tuple[str, str, str, float]]:
        """The cue phrases found, as (event type id, phrase, zone, weight): why a type was given."""
        _entities, cue_spans, _terms, full = self._scan(title, lead, body)
        out = []
        for start, end, items, zone in cue_spans:
            phrase = full[start : end + 1].strip(" ").encode("latin-1").decode("utf-8", "replace")
            for item in items:
                out.append((self.event_defs[item[1]].id, phrase, ZONES[min(zone, 2)], item[2]))
        return out

    def _cue_raw(self, cue_spans: list[tuple[int, int, list[tuple], int]]) -> list[float]:
        raw = [0.0] * len(self.event_defs)
        for _start, _end, items, zone in cue_spans:
            for item in items:
                raw[item[1]] += item[2] * _ZONE_WEIGHT[ZONES[min(zone, 2)]]
        return raw

    def _scan(
        self, title: str, lead: str, body: str
    ) -> tuple[list[TaggedEntity], list[tuple[int, int, list[tuple], int]], float, str]:
        """One automaton pass: ranked entities, resolved cue spans, topic-term weight, text."""
        zones = (title or "", lead or "", body or "")
        normalised = [normalise(z) for z in zones]
        full = " " + " \x01 ".join(normalised) + " "
        bounds = []
        offset = 1
        for text in normalised:
            offset += len(text) + 3
            bounds.append(offset - 2)
        cased_full: str | None = None

        patterns = self.patterns
        entity_hits: list[tuple[int, int, tuple, int]] = []
        cue_hits: list[tuple[int, int, tuple, int]] = []
        term_raw = 0.0
        context_seen: set[str] = set()
        for end, pid in self.automaton.iter(full):
            length, items = patterns[pid]
            start = end - length + 1
            zone = bisect.bisect_left(bounds, start)
            for item in items:
                kind = item[0]
                if kind == _ENTITY:
                    cased = item[2]
                    if cased is not None:
                        if cased_full is None:
                            cased_full = (
                                " "
                                + " \x01 ".join(
                                    _normalise_cased(z, len(n))
                                    for z, n in zip(zones, normalised, strict=True)
                                )
                                + " "
                            )
                        if cased_full[start : end + 1].strip(" ") != cased:
                            continue
                    entity_hits.append((start, end, item, zone))
                elif kind == _CUE:
                    cue_hits.append((start, end, item, zone))
                elif kind == _CONTEXT:
                    context_seen.add(item[1])
                else:
                    term_raw += item[1] * _ZONE_WEIGHT[ZONES[min(zone, 2)]]
        counts = self._resolve(entity_hits, context_seen)
        entities = self._rank(counts, len(full))
        return entities, _longest(cue_hits), term_raw, full

    def _resolve(
        self, hits: list[tuple[int, int, tuple, int]], context_seen: set[str]
    ) -> dict[str, list]:
        """Longest match wins, then context rules; per entity [title, lead, body, first_pos]."""
        kept = _longest(hits)
        accepted: dict[str, list] = {}
        pending: list[tuple[int, list[tuple], int]] = []
        for start, _end, items, zone in kept:
            owners = {i[1] for i in items}
            plain = [i for i in items if not i[3]]
            if len(owners) == 1 and plain:
                _count(accepted, plain[0][1], zone, start)
            else:
                pending.append((start, items, zone))
        changed = True
        while pending and changed:
            changed = False
            still: list[tuple[int, list[tuple], int]] = []
            for start, items, zone in pending:
                winners = {i[1] for i in items if self._context_met(i[1], context_seen, accepted)}
                if len(winners) == 1:
                    _count(accepted, winners.pop(), zone, start)
                    changed = True
                else:
                    still.append((start, items, zone))
            pending = still
        return accepted

    def _context_met(self, entity_id: str, seen: set[str], accepted: dict[str, list]) -> bool:
        rule = self.rules.get(entity_id)
        if rule is None:
            return False
        if rule.keys & seen:
            return True
        return any(other in accepted for other in rule.entities if other != entity_id)

    def _rank(self, counts: dict[str, list], text_len: int) -> list[TaggedEntity]:
        """Salience from where and how often an entity is mentioned and how early."""
        out = []
        span = max(text_len, 1)
        for entity_id, (t, lead, b, first) in counts.items():
            entity = self.gazetteer.entities[entity_id]
            total = t + lead + b
            raw = 2.5 * min(t, 1) + 1.2 * min(lead, 1) + math.log1p(total) + 0.6 * (
                1 - min(first / span, 1)
            )
            salience = round(raw / (raw + 2.0), 3)
            out.append(
                TaggedEntity(
                    id=entity.id,
                    type=entity.type,
                    name=entity.name,
                    salience=salience,
                    mentions=total,
                    where={"title": t, "lead": lead, "body": b},
                )
            )
        out.sort(key=lambda e: (-e.salience, TYPES.index(e.type), e.id))
        return out

    def entity(self, entity_id: str) -> Entity | None:
        """A gazetteer entry by id."""
        return self.gazetteer.entities.get(entity_id)

    def entities_of(self, ids: Iterable[str]) -> list[Entity]:
        """Gazetteer entries for known ids, in the order given."""
        return [e for i in ids if (e := self.gazetteer.entities.get(i))]

    @property
    def data_hash(self) -> str:
        """Hash of the data this tagger was built from (a cache key for tag results)."""
        return self.gazetteer.data_hash


def _longest(hits: list[tuple[int, int, tuple, int]]) -> list[tuple[int, int, list[tuple], int]]:
    """Leftmost-longest non-overlapping spans; claims on one span are grouped."""
    hits.sort(key=lambda h: (h[0], h[0] - h[1]))
    kept: list[tuple[int, int, list[tuple], int]] = []
    last_end = -1
    for start, end, item, zone in hits:
        if kept and start == kept[-1][0] and end == kept[-1][1]:
            kept[-1][2].append(item)  # another claim on the same span
            continue
        if start + 1 < last_end:  # overlaps a longer or earlier match (padding spaces shared)
            continue
        kept.append((start, end, [item], zone))
        last_end = end
    return kept


def _count(accepted: dict[str, list], entity_id: str, zone: int, start: int) -> None:
    row = accepted.get(entity_id)
    if row is None:
        row = accepted[entity_id] = [0, 0, 0, start]
    row[min(zone, 2)] += 1


def _cased_key(alias: str) -> str:
    """The case-kept normalised form of an acronym, padded like the text it is checked in."""
    out = _squeeze(_prepare(alias).encode("utf-8").translate(_BYTE_TABLE)).decode("latin-1")
    return out.strip(" ")
