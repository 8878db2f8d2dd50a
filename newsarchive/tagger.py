"""Matching: one Aho-Corasick pass over normalised text finds entities, event cues and context.

How a text is read (:func:`normalise`): lower-cased, Unicode punctuation and symbols turned into
spaces, ``ё`` folded to ``е`` and Arabic ``ي``/``ك`` to Persian ``ی``/``ک``, then encoded as UTF-8
with every ASCII non-word byte turned into a space and runs of spaces squeezed. The bytes are
scanned as a Latin-1 string, so one automaton handles every script. For the scan every space
is doubled and patterns are padded with one space on each side: only whole words can match, and
two neighbouring words can both match (for scripts written without spaces, such as Chinese or
Thai, the padding is dropped on that side). Letters, combining marks (Devanagari matras) and
ZWNJ/ZWJ count as word characters.

Rules applied to what the pass finds:
- the longest match wins where matches overlap ("Supreme Court of India" over "India"): the
  scan is pyahocorasick's leftmost-longest ``iter_long``, and its hits are counted per pattern
  (in C), so Python work grows with the number of distinct patterns found, not with hits;
- acronyms (all-caps aliases: NATO, OONI, FSB, MAX) must match the original's case exactly;
- an ambiguous alias counts only when one of its entity's context words occurs in the document
  or one of its ``context_entities`` is tagged; an alias two entities claim counts only for the
  claimant whose context is met;
- mentions are counted per zone (title, lead, body) and turned into a salience in 0..1.
Event-type cues and relevance terms ride in the same automaton (see newsarchive.event_types).
"""

from __future__ import annotations

import logging
import math
import pickle
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

import ahocorasick

from newsarchive import event_types as et
from newsarchive.entities import TYPES, Entity, Gazetteer, data_files, hash_files, load_gazetteer

log = logging.getLogger(__name__)

ZONES = ("title", "lead", "body")
_ZONE_WEIGHT = {"title": 3.0, "lead": 2.0, "body": 1.0}
_CACHE_FORMAT = "tagger-v2"

# --- normalisation ---------------------------------------------------------------------------

_BYTE_TABLE = bytes(c if chr(c).isalnum() or c >= 128 else 32 for c in range(256))
_FOLDS = (("ё", "е"), ("ي", "ی"), ("ك", "ک"), ("ى", "ی"))
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
        text = _NON_WORD.sub(" ", text)
        for old, new in _FOLDS:
            if old in text:
                text = text.replace(old, new)
    return text


_CURRENCY = re.compile(r"\b[A-Z]{1,3}\$")


def _words(text: str) -> list[bytes]:
    """The UTF-8 words of a text: non-word characters are separators.

    Currency prefixes ("US$ 20,000", "HK$") are dropped: they name a currency, not a country.
    """
    if "$" in text:
        text = _CURRENCY.sub(" ", text)
    return _prepare(text).encode("utf-8").translate(_BYTE_TABLE).split()


def normalise(text: str) -> str:
    """Lower-cased words joined by single spaces, as a Latin-1 view of their UTF-8 bytes."""
    return b" ".join(_words(text.lower())).decode("latin-1")


def scan_text(text: str) -> str:
    """A text as the automaton reads it: normalised, every space doubled, two spaces each end."""
    return (b"  " + b"  ".join(_words(text.lower())) + b"  ").decode("latin-1")


def _scan_text_cased(text: str, lowered_len: int) -> str:
    """Like scan_text() but keeping case; same length as the lowered form."""
    out = (b"  " + b"  ".join(_words(text)) + b"  ").decode("latin-1")
    if len(out) != lowered_len:  # a letter whose lower case has another UTF-8 length
        same = "".join(
            c if len(c.lower().encode()) == len(c.encode()) else c.lower() for c in text
        )
        out = (b"  " + b"  ".join(_words(same)) + b"  ").decode("latin-1")
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
    """A key as scanned: spaces doubled, padded with a space where its script uses spaces."""
    text = key.encode("latin-1").decode("utf-8")
    left = "" if _UNSPACED.match(text[0]) else " "
    right = "" if _UNSPACED.match(text[-1]) else " "
    return f"{left}{key.replace(' ', '  ')}{right}"


_SECOND = itemgetter(1)


# --- results ----------------------------------------------------------------------------------


@dataclass(slots=True)
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
_ENTITY, _CUE, _CONTEXT, _TERM, _NESTED = 0, 1, 2, 3, 4
_ZONE_WEIGHTS = tuple(_ZONE_WEIGHT[z] for z in ZONES)
_TYPE_ORDER = {t: i for i, t in enumerate(TYPES)}
# per pattern: ((entity id, cased pattern or None, ambiguous), ...), ((event type index, weight),
# ...), context key or None, relevance-term weight, the key itself
_Claim = tuple[str, str | None, bool, bool]  # entity id, cased pattern, ambiguous, demonym
_Action = tuple[
    tuple[_Claim, ...], tuple[tuple[int, float], ...], str | None, float, str, tuple[str, ...]
]


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
    actions: list[_Action]  # pattern id -> what finding it does
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
        demonyms = _demonyms(gazetteer)
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
                weak = entity.type == "country" and form in demonyms
                claim(key, (_ENTITY, entity.id, cased, form in entity.ambiguous, weak))
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
        _inherit_nested(claims, {e.id: e.country for e in gazetteer.entities.values() if e.country})
        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        actions: list[_Action] = []
        # pyahocorasick searches a node's children in insertion order: insert patterns so that
        # letters common in text come first at every level (word starts above all)
        for key, items in sorted(claims.items(), key=lambda kv: _insertion_rank(kv[0])):
            if not items:
                continue
            automaton.add_word(_pattern(key), len(actions))
            actions.append(_action(key, items))
        if not actions:
            automaton.add_word("\x00never\x00", 0)
            actions.append(((), (), None, 0.0, "", ()))
        automaton.make_automaton()
        return cls(
            gazetteer=gazetteer,
            event_defs=event_defs,
            relevance_cfg=relevance_cfg,
            automaton=automaton,
            actions=actions,
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
        zones = (title or "", lead or "", body or "")
        entities, cue_raw, term_raw, title_raw = self._scan(zones)
        types = {e.type for e in entities}
        event_types, _evidence = et.score_event_types(self.event_defs, cue_raw, types, title_raw)
        words = sum(z.count(" ") + 1 for z in zones if z)
        relevance = et.relevance(term_raw, words, max(cue_raw, default=0.0), entities)
        return TagResult(entities=entities, event_types=event_types, relevance=relevance)

    def explain(
        self, title: str, lead: str = "", body: str = ""
    ) -> list[tuple[str, str, str, float]]:
        """The cue phrases found, as (event type id, phrase, zone, weight): why a type was given."""
        out = []
        for zone, text in zip(ZONES, (title, lead, body), strict=True):
            for _end, pid in self.automaton.iter_long(scan_text(text or "")):
                _entities, cues, _context, _term, key, _nested = self.actions[pid]
                phrase = key.encode("latin-1").decode("utf-8", "replace")
                for index, weight in cues:
                    out.append((self.event_defs[index].id, phrase, zone, weight))
        return out

    def _scan(
        self, zones: tuple[str, str, str]
    ) -> tuple[list[TaggedEntity], list[float], float, list[float]]:
        """One leftmost-longest pass per zone; hits counted per pattern, then rules applied.

        Returns ranked entities, cue sums per event type (all zones, and the title's part),
        and the relevance-term sum.
        """
        actions = self.actions
        iter_long = self.automaton.iter_long
        cue_raw = [0.0] * len(self.event_defs)
        title_raw = [0.0] * len(self.event_defs)
        term_raw = 0.0
        seen: set[str] = set()
        counts: dict[str, list[int]] = {}
        named: set[str] = set()  # entities named, not only referred to by a demonym
        pending: list[tuple[tuple, int, int]] = []
        cased_forms: list[str | None] = [None, None, None]
        for zone, text in enumerate(zones):
            if not text:
                continue
            form = scan_text(text)
            weight = _ZONE_WEIGHTS[zone]
            for pid, n in Counter(map(_SECOND, iter_long(form))).items():
                entity_claims, cues, context, term, _key, nested = actions[pid]
                for index, w in cues:
                    cue_raw[index] += w * weight * n
                    if zone == 0:
                        title_raw[index] += w * weight * n
                if term:
                    term_raw += term * n
                if context is not None:
                    seen.add(context)
                for entity_id in nested:  # the country named inside a body's name
                    _add(counts, entity_id, zone, n)
                    named.add(entity_id)
                if not entity_claims:
                    continue
                if len(entity_claims) == 1 and entity_claims[0][1] is None:
                    entity_id, _cased, ambiguous, weak = entity_claims[0]
                    if ambiguous:
                        pending.append((entity_claims, zone, n))
                    else:
                        _add(counts, entity_id, zone, n)
                        if not weak:
                            named.add(entity_id)
                    continue
                claims = []
                for entity_id, cased, ambiguous, weak in entity_claims:
                    found = n
                    if cased is not None:
                        if cased_forms[zone] is None:
                            cased_forms[zone] = _scan_text_cased(text, len(form))
                        found = min(n, cased_forms[zone].count(cased))
                    if found:
                        claims.append((entity_id, cased, ambiguous, weak, found))
                if not claims:
                    continue
                owners = {c[0] for c in claims}
                if len(owners) == 1 and any(not c[2] for c in claims):
                    _add(counts, claims[0][0], zone, max(c[4] for c in claims))
                    if not all(c[3] for c in claims):
                        named.add(claims[0][0])
                else:
                    pending.append((tuple(claims), zone, max(c[-1] for c in claims)))
        if pending:
            self._resolve(pending, seen, counts, named)
        for entity_id in [i for i in counts if i not in named]:
            title, lead, body = counts[entity_id]
            if not title and not lead and body < 2:
                del counts[entity_id]  # a passing adjective ("a Gabonese team") is no mention
        return self._rank(counts), cue_raw, term_raw, title_raw

    def _resolve(
        self,
        pending: list[tuple[tuple, int, int]],
        seen: set[str],
        counts: dict[str, list[int]],
        named: set[str],
    ) -> None:
        """Ambiguous or shared aliases: accepted for the one claimant whose context is met."""
        changed = True
        while pending and changed:
            changed = False
            still = []
            for claims, zone, n in pending:
                winners = {c[0] for c in claims if self._context_met(c[0], seen, counts)}
                if len(winners) == 1:
                    winner = winners.pop()
                    _add(counts, winner, zone, n)
                    if any(c[0] == winner and not c[3] for c in claims):
                        named.add(winner)
                    changed = True
                else:
                    still.append((claims, zone, n))
            pending = still

    def _context_met(self, entity_id: str, seen: set[str], accepted: dict[str, list]) -> bool:
        rule = self.rules.get(entity_id)
        if rule is None:
            return False
        if not rule.keys.isdisjoint(seen):
            return True
        return any(other in accepted for other in rule.entities if other != entity_id)

    def _rank(self, counts: dict[str, list[int]]) -> list[TaggedEntity]:
        """Salience from where and how often an entity is mentioned: title, lead, then count."""
        out = []
        entities = self.gazetteer.entities
        for entity_id, (t, lead, b) in counts.items():
            entity = entities[entity_id]
            total = t + lead + b
            raw = (2.5 if t else 0.0) + (1.2 if lead else 0.0) + math.log1p(total)
            out.append(
                TaggedEntity(
                    entity.id,
                    entity.type,
                    entity.name,
                    round(raw / (raw + 2.0), 3),
                    total,
                    {"title": t, "lead": lead, "body": b},
                )
            )
        out.sort(key=lambda e: (-e.salience, -e.mentions, _TYPE_ORDER[e.type], e.id))
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


def _inherit_nested(claims: dict[str, dict[tuple, None]], home: dict[str, str]) -> None:
    """Make a pattern also do what the shorter patterns inside it would have done.

    The scan keeps only the longest match, so a context word inside a longer phrase ("messenger"
    in "national messenger") would go unseen, as would an entity named inside a cue phrase.
    Every pattern inherits the context words it contains; a pattern that names no entity itself
    inherits the entities its words name (leftmost-longest, as the scan would find them); and an
    entity's alias that names the entity's own country ("Supreme Court of India") names that
    country too (``home`` maps entity ids to their country).
    """
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for key, items in claims.items():
        if any(i[0] in (_ENTITY, _CONTEXT) for i in items):
            words = tuple(key.split(" "))
            by_first.setdefault(words[0], []).append(words)
    for words_list in by_first.values():
        words_list.sort(key=len, reverse=True)
    for key, items in claims.items():
        words = key.split(" ")
        if len(words) < 2:
            continue
        has_entity = any(i[0] == _ENTITY for i in items)
        homes = {home[i[1]] for i in items if i[0] == _ENTITY and i[1] in home}
        inherited: list[tuple] = []
        position = 0
        entity_end = 0
        while position < len(words):
            for candidate in by_first.get(words[position], ()):
                size = len(candidate)
                if size >= len(words) or tuple(words[position : position + size]) != candidate:
                    continue
                found = claims[" ".join(candidate)]
                inherited.extend(i for i in found if i[0] == _CONTEXT)
                if homes:
                    inherited.extend(
                        (_NESTED, i[1])
                        for i in found
                        if i[0] == _ENTITY and i[1] in homes and not i[3]
                    )
                if not has_entity and position >= entity_end:
                    entities = [i for i in found if i[0] == _ENTITY]
                    if entities:
                        inherited.extend(entities)
                        entity_end = position + size
            position += 1
        for item in inherited:
            items.setdefault(item, None)


_INITIAL = {c: i for i, c in enumerate("tasoiwcbphfmdrelngyuvjkqxz0123456789")}
_LETTER = {c: i for i, c in enumerate(" etaoinshrdlcumwfgypbvkjxqz0123456789")}


def _insertion_rank(key: str) -> tuple[int, ...]:
    first = _INITIAL.get(key[:1], 100 + ord(key[:1] or " "))
    return (first, *(_LETTER.get(c, 100 + ord(c)) for c in key[1:]))


_DEMONYM_END = re.compile(r"(?:an|ans|ese|ish|i|is|ic|ch|sh)$")
_DEMONYM_WORDS = frozenset(
    {
        "Kazakh", "Kazakhs", "Uzbek", "Uzbeks", "Tajik", "Tajiks", "Kyrgyz", "Turkmen", "Thai",
        "Thais", "Greek", "Greeks", "Swiss", "Scots", "Welsh", "Lao", "Czech", "Czechs", "Dutch",
        "French", "Irish",
    }
)


def _demonyms(gazetteer: Gazetteer) -> set[str]:
    """Country aliases that are demonyms ("Russian", "Gabonese", "российский"), not names.

    English: a one-word alias with a demonym ending (or a known irregular one) that is neither
    the country's display name nor one of pycountry's names; Russian and Ukrainian: lower-case
    aliases (adjectives and plurals are written lower-case, names capitalised).
    """
    from newsarchive.entities import pycountry_countries

    official = {a for e in pycountry_countries().values() for a in e.all_aliases()}
    out = set()
    for entity in gazetteer.entities.values():
        if entity.type != "country":
            continue
        for lang, forms in entity.aliases.items():
            for form in forms:
                if form == entity.name or form in official:
                    continue
                if (lang == "en" and " " not in form and (
                    form in _DEMONYM_WORDS or _DEMONYM_END.search(form)
                )) or (lang in {"ru", "uk", "be"} and form[:1].islower()):
                    out.add(form)
    return out


def _add(counts: dict[str, list[int]], entity_id: str, zone: int, n: int) -> None:
    row = counts.get(entity_id)
    if row is None:
        row = counts[entity_id] = [0, 0, 0]
    row[zone] += n


def _action(key: str, items: Iterable[tuple]) -> _Action:
    """What finding a pattern does: entity claims, cue weights, context key, term weight."""
    entities: dict[tuple, None] = {}
    cues = []
    context = None
    term = 0.0
    nested: dict[str, None] = {}
    for item in items:
        kind = item[0]
        if kind == _ENTITY:
            cased = item[2]
            entities[(item[1], _pattern(cased) if cased else None, item[3], item[4])] = None
        elif kind == _CUE:
            cues.append((item[1], item[2]))
        elif kind == _CONTEXT:
            context = item[1]
        elif kind == _NESTED:
            nested[item[1]] = None
        else:
            term += item[1]
    return tuple(entities), tuple(cues), context, term, key, tuple(nested)


def _cased_key(alias: str) -> str:
    """The case-kept normalised form of an acronym."""
    return b" ".join(_words(alias)).decode("latin-1")
