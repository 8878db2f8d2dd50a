"""Matching: one Aho-Corasick pass over normalised text finds entities, event cues and context.

How a text is read (:func:`normalise`): lower-cased, Unicode punctuation and symbols turned into
spaces, ``ё`` folded to ``е`` and Arabic ``ي``/``ك`` to Persian ``ی``/``ک``, then encoded as UTF-8
with every ASCII non-word byte turned into a space and runs of spaces squeezed. The bytes are
scanned as one string, so one automaton handles every script. The first byte of every word is
written with a byte of its own (``_INITIAL``: a word-initial "a" is not an inner "a"), and
patterns are written the same way and end with a space: so a match can only start where a word
starts and end where one ends, and two neighbouring words can both match, one space between
them (for scripts written without spaces, such as Chinese or Thai, a pattern also matches
inside a run of text, and needs no space after it). Letters, combining marks (Devanagari
matras) and ZWNJ/ZWJ count as word characters.

Rules applied to what the pass finds:
- the longest match wins where matches overlap ("Supreme Court of India" over "India"): the
  scan is leftmost-longest, with the Rust ``aho-corasick`` crate (``ahocorasick_rs``);
- acronyms (all-caps aliases: NATO, OONI, FSB, MAX) count only where the original writes
  them in capitals;
- an ambiguous alias counts only when one of its entity's context words occurs in the document
  or one of its ``context_entities`` is tagged; an alias two entities claim counts only for the
  claimant whose context is met (decided in rounds, so the order of the text does not matter);
- mentions are counted per zone (title, lead, body) and turned into a salience in 0..1.
Event-type cues and relevance terms ride in the same automaton (see newsarchive.event_types).

This module normalises text and compiles the tagger; :meth:`Tagger.tag_many` tags texts a
batch at a time, one scan per batch and the rules in numpy (``newsarchive.tag_batch`` and
``newsarchive.tag_claims``); a lone text goes through the same rules in plain Python
(``newsarchive.tag_one``).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import pickle
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import ahocorasick_rs
import numpy as np

from newsarchive import event_types as et
from newsarchive.entities import Entity, Gazetteer, data_files, hash_files, load_gazetteer
from newsarchive.event_types import TaggedEventType

log = logging.getLogger(__name__)

ZONES = ("title", "lead", "body")
_CACHE_FORMAT = "tagger-v5"

# --- normalisation ---------------------------------------------------------------------------

_BYTE_TABLE = bytes(c if chr(c).isalnum() or c >= 128 else 32 for c in range(256))
_FOLDS = {"ё": "е", "ي": "ی", "ك": "ک", "ى": "ی"}
_KEEP = {"\u200c", "\u200d"}  # ZWNJ and ZWJ join parts of Persian and Indic words
_ASCII = bytes(range(128))


@functools.cache
def _fold(char: str) -> str:
    """What a non-ASCII character becomes before a text is split into words.

    A space for a non-word character (a BMP punctuation mark, symbol, separator or control
    character other than ZWNJ/ZWJ), the folded letter for ``ё`` and Arabic ``ي``/``ك``/``ى``,
    the character itself otherwise.
    """
    if char in _FOLDS:
        return _FOLDS[char]
    code = ord(char)
    if code > 0xFFFF or 0xD800 <= code <= 0xDFFF or char in _KEEP:
        return char
    return " " if unicodedata.category(char)[0] in "PSZC" else char


def _odd_chars(text: str) -> set[str]:
    """The distinct non-ASCII characters of a text (found in C, not char by char)."""
    return set(text.encode("utf-8").translate(None, _ASCII).decode("utf-8"))


_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)


def _prepare(text: str) -> str:
    """Non-word characters turned into spaces and letters folded (see :func:`_fold`)."""
    if not text.isascii():
        for char in _odd_chars(text):
            new = _fold(char)
            if new != char:
                text = text.replace(char, new)
    return text


_CURRENCY = re.compile(r"\b[A-Z]{1,3}\$")


def _words(text: str) -> list[bytes]:
    """The UTF-8 words of a text: non-word characters are separators.

    Currency prefixes ("US$ 20,000", "HK$") are dropped: they name a currency, not a country.
    """
    if "$" in text:
        text = _CURRENCY.sub(" ", text)
    return _prepare(text).encode("utf-8").translate(_BYTE_TABLE).split()


# ASCII text is lower-cased by the same byte table that blanks its non-word characters
_LOWER_TABLE = bytes(c + 32 if 65 <= c <= 90 else b for c, b in enumerate(_BYTE_TABLE))


def _lower_words(text: str) -> list[bytes]:
    """``_words(text.lower())``, without the extra passes when the text is ASCII.

    (The currency rule never fires on lower-cased text: it looks for capitals.)
    """
    if text.isascii():
        return text.encode("ascii").translate(_LOWER_TABLE).split()
    return _words(text.lower())


def normalise(text: str) -> str:
    """Lower-cased words joined by single spaces, as a Latin-1 view of their UTF-8 bytes."""
    return b" ".join(_lower_words(text)).decode("latin-1")


@functools.lru_cache(maxsize=1 << 16)
def alias_key(alias: str) -> str:
    """The normalised form an alias is matched by (no padding)."""
    return normalise(alias).strip(" ")


@functools.lru_cache(maxsize=1 << 16)
def is_acronym(alias: str) -> bool:
    """All-caps aliases (at least one cased letter, none lower-case) match case-sensitively."""
    letters = "".join(filter(str.isalpha, alias))
    if letters.isupper():  # some upper case, no lower or title case
        return True
    return any(c.isupper() for c in letters) and not any(c.islower() for c in letters)


def _pattern(key: str) -> str:
    """A key as scanned, before its words' first bytes are marked: followed by a space where
    its script uses spaces."""
    text = key.encode("latin-1").decode("utf-8")
    return key if _UNSPACED.match(text[-1]) else f"{key} "


def _spaced_start(key: str) -> bool:
    """Whether a key's script uses spaces where it starts (it must then start a word)."""
    return not _UNSPACED.match(key.encode("latin-1").decode("utf-8")[0])


# The first byte of a word, written apart: ASCII letters and digits and UTF-8 lead bytes map
# to bytes that a scan form never holds otherwise (ASCII controls, punctuation and capitals,
# which the lower-casing translation removes, and bytes that UTF-8 never uses).
_STARTS = b"abcdefghijklmnopqrstuvwxyz0123456789" + bytes(range(0xC2, 0xF5))
_FREE = (  # (not ASCII whitespace either, so that split() still sees words)
    bytes(range(0x02, 0x09)) + bytes(range(0x0E, 0x1C)) + bytes(range(0x21, 0x30))
    + bytes(range(0x3A, 0x61)) + bytes(range(0x7B, 0x80)) + b"\xc0\xc1" + bytes(range(0xF5, 0xFF))
)
assert len(_FREE) >= len(_STARTS)
_INITIAL = bytes.maketrans(_STARTS, _FREE[: len(_STARTS)])
_INITIAL_ARRAY = np.frombuffer(_INITIAL, dtype=np.uint8)


def scanned(key: str) -> list[bytes]:
    """The byte strings a key is matched as: its pattern with each word's first byte marked
    (for a key that starts in a script without spaces, also as it is written at its start,
    since it can start inside a run of text)."""
    pattern = _pattern(key).encode("latin-1")
    words = pattern.split(b" ")
    marked = b" ".join(w[:1].translate(_INITIAL) + w[1:] for w in words)
    if _spaced_start(key):
        return [marked]
    return [marked, pattern[:1] + marked[1:]]


def _mark_word_starts(form: bytes) -> bytes:
    """A lower-cased scan form with the first byte of every word marked (see _INITIAL)."""
    chars = np.frombuffer(form, dtype=np.uint8).copy()
    starts = np.flatnonzero(chars[:-1] == 32) + 1
    chars[starts] = _INITIAL_ARRAY[chars[starts]]
    return chars.tobytes()


# zones scanned as one text are joined by ZONE_MARK, which these tables turn into byte 0xFF:
# UTF-8 never holds it and no pattern contains it, so no match crosses from zone to zone
ZONE_MARK = "\x01"
_LOWER_ZONES = _LOWER_TABLE[:1] + b"\xff" + _LOWER_TABLE[2:]
_BYTE_ZONES = _BYTE_TABLE[:1] + b"\xff" + _BYTE_TABLE[2:]
BATCH_SIZE = 256  # texts per scan in tag_many() (larger batches fall out of the cache)


def _joined(zones: list[str]) -> str:
    """Zones joined by ZONE_MARK between spaces (a mark inside a text becomes a space)."""
    joined = f" {ZONE_MARK} ".join(zones)
    if joined.count(ZONE_MARK) != len(zones) - 1:
        joined = f" {ZONE_MARK} ".join(zone.replace(ZONE_MARK, " ") for zone in zones)
    return joined


def _squeezed(text: bytes) -> bytes:
    """A text of words and spaces with every run of spaces made one, a space at each end, and
    a zone mark after: ``b" " + b" ".join(text.split()) + b" \\xff"`` (no object per word)."""
    chars = np.frombuffer(text, dtype=np.uint8)
    word = chars != 32
    keep = word.copy()  # a word's bytes and the space after it
    keep[1:] |= word[:-1]
    return b" " + chars[keep].tobytes().strip(b" ") + b" \xff"


# lower-casing a letter at a time beats str.lower() on a batch that holds up to about 30;
# in the UTF-8 bytes, it beats decoding and encoding the batch for a few (bytes.replace slows
# down where the letter's lead byte is common, as Cyrillic's is in Russian text)
_FEW_CAPITALS = 24
_FEW_BYTE_CAPITALS = 4


@functools.cache
def _lower_folded(char: str) -> str:
    return "".join(map(_fold, char.lower()))


class Forms(NamedTuple):
    """A batch of zones as scanned (see :func:`zone_forms`), and the words of each zone."""

    lowered: bytes
    cased: bytes
    words: np.ndarray  # per zone: its spaces, plus one if it holds any text


def _words_per_zone(data: bytes, n_zones: int) -> np.ndarray:
    """Spaces in each zone of joined zones (UTF-8), plus one for a zone with text: the count
    ``zone.count(" ") + bool(zone)`` of every zone, at once."""
    chars = np.frombuffer(data, dtype=np.uint8)
    bounds = np.concatenate(([-1], np.flatnonzero(chars == 1), [len(chars)]))
    spaces = np.diff(np.searchsorted(np.flatnonzero(chars == 32), bounds))
    sides = np.full(n_zones, 2)  # the spaces on each side of a mark are not the zone's
    sides[0] -= 1
    sides[-1] -= 1
    length = np.diff(bounds) - 1 - sides
    return spaces - sides + (length > 0)


def zone_forms(zones: list[str]) -> Forms:
    """Zones as the automaton reads them (words set apart by one space, each word's first byte
    marked: see the module's docstring), each followed by byte 0xFF; lower-cased and marked,
    and as written.

    No pattern holds the mark, so no match runs from one zone into the next. The two forms
    have the same length, byte for byte, so an acronym found in the first can be checked in
    the second. In the second, a currency prefix ("US$", "HK$") is written in lower case (it
    names no country), as is a letter whose lower case has another length in UTF-8 ("İ").
    ``words`` counts words as spaces, plus one for a zone with text (a ZONE_MARK inside a
    text counts as a space).
    """
    joined = _joined(zones)
    if "$" in joined:
        joined = _lower_currency_prefixes(joined)
    if joined.isascii():
        data = joined.encode("ascii")
        cased = _squeezed(data.translate(_BYTE_ZONES))
        lowered = _mark_word_starts(cased.translate(_LOWER_ZONES))
        return Forms(lowered, cased, _words_per_zone(data, len(zones)))
    data = joined.encode("utf-8", "replace")  # (a lone surrogate is no word)
    words = _words_per_zone(data, len(zones))
    capitals = []
    changed = False
    for char in set(data.translate(None, _ASCII).decode("utf-8")):
        lower = char.lower()
        if len(lower.encode()) != len(char.encode()):
            joined, changed = joined.replace(char, lower), True
        elif (folded := _fold(char)) != char:  # (str.replace beats bytes.replace here)
            joined, changed = joined.replace(char, folded), True
        elif lower != char:
            capitals.append(char)
    if changed:
        data = joined.encode("utf-8", "replace")
    cased = _squeezed(data.translate(_BYTE_ZONES))
    lowered = _mark_word_starts(_lower_cased(cased, capitals).translate(_LOWER_ZONES))
    return Forms(lowered, cased, words)


@functools.cache
def _two_byte_lower() -> np.ndarray:
    """Per UTF-8 code of a two-byte character (lead << 8 | continuation): the code of its
    lower case, folded, where that is one two-byte character too; the code itself otherwise."""
    table = np.arange(1 << 16, dtype=np.uint16)
    for point in range(0x80, 0x800):
        char = chr(point)
        lower = _lower_folded(char)
        if lower != char and len(lower) == 1 and len(lower.encode()) == 2:
            table[int.from_bytes(char.encode(), "big")] = int.from_bytes(lower.encode(), "big")
    return table


def _lower_two_byte_letters(cased: bytes) -> bytes:
    """Every two-byte capital letter (Cyrillic, Greek, Latin with marks...) lower-cased in the
    UTF-8 bytes, all at once: for a batch with many such capitals (Russian text)."""
    chars = np.frombuffer(cased, dtype=np.uint8).copy()
    lead = np.flatnonzero((chars[:-1] >= 0xC2) & (chars[:-1] <= 0xDF))
    code = _two_byte_lower()[(chars[lead].astype(np.uint16) << 8) | chars[lead + 1]]
    chars[lead] = code >> 8
    chars[lead + 1] = code & 0xFF
    return chars.tobytes()


def _lower_cased(cased: bytes, capitals: list[str]) -> bytes:
    """A scan form with its non-ASCII capital letters lower-cased (ASCII ones are left to
    translate()); folding after lower-casing keeps every letter's length."""
    if len(capitals) <= _FEW_BYTE_CAPITALS:
        for char in capitals:
            cased = cased.replace(char.encode(), _lower_folded(char).encode())
        return cased
    if "Σ" not in capitals and all("\u0080" <= char <= "\u07ff" for char in capitals):
        return _lower_two_byte_letters(cased)
    # the marks as ZONE_MARK again, so the bytes decode
    text = cased.replace(b"\xff", ZONE_MARK.encode()).decode("utf-8")
    if len(capitals) > _FEW_CAPITALS or "Σ" in capitals:  # (a final sigma depends on context)
        text = text.lower()
        for char in capitals:  # "Ё" -> "ё" -> "е"
            for lower in char.lower():
                if _fold(lower) != lower:
                    text = text.replace(lower, _fold(lower))
    else:
        for char in capitals:
            text = text.replace(char, _lower_folded(char))
    return text.encode("utf-8")


def zone_form(zones: list[str]) -> bytes:
    """The lower-cased form of :func:`zone_forms`."""
    return zone_forms(zones)[0]


_CURRENCY_TAIL = re.compile(r"[A-Z]{1,3}\Z")


def _lower_currency_prefixes(text: str) -> str:
    """``_CURRENCY`` matches ("US$") lower-cased, found from each "$" (a regex over the whole
    text is slow); the text itself when there is none."""
    pieces = []
    done = 0
    at = text.find("$")
    while at != -1:
        found = _CURRENCY_TAIL.search(text, max(at - 4, 0), at)
        if found and found.end() == at:
            start = found.start()
            before = text[start - 1] if start else " "
            if not (before.isalnum() or before == "_"):
                pieces += (text[done:start], found.group(0).lower())
                done = at
        at = text.find("$", at + 1)
    return "".join((*pieces, text[done:])) if pieces else text


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


# (id, salience, mentions, mentions in the title, in the lead, in the body) of one entity
EntityRow = tuple[str, float, int, int, int, int]


class TagResult:
    """Entities by salience (highest first), event types by score, relevance (0..1).

    ``rows`` holds the entities as plain tuples (:data:`EntityRow`), which is all a build
    stores; ``entities`` makes :class:`TaggedEntity` objects of them on first use.
    """

    __slots__ = ("_entities", "_gazetteer", "event_types", "relevance", "rows")

    def __init__(
        self,
        rows: list[EntityRow],
        event_types: list[TaggedEventType],
        relevance: float,
        gazetteer: dict[str, Entity],
    ) -> None:
        self.rows = rows
        self.event_types = event_types
        self.relevance = relevance
        self._gazetteer = gazetteer
        self._entities: list[TaggedEntity] | None = None

    @property
    def entities(self) -> list[TaggedEntity]:
        """The entities found, by salience."""
        if self._entities is None:
            entities = self._gazetteer
            self._entities = [
                TaggedEntity(
                    entity_id,
                    entities[entity_id].type,
                    entities[entity_id].name,
                    salience,
                    mentions,
                    {"title": title, "lead": lead, "body": body},
                )
                for entity_id, salience, mentions, title, lead, body in self.rows
            ]
        return self._entities

    def ids(self) -> list[str]:
        """``type:id`` of every entity, in order."""
        return [f"{e.type}:{e.id}" for e in self.entities]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TagResult):
            return NotImplemented
        return (self.rows, self.event_types, self.relevance) == (
            other.rows, other.event_types, other.relevance
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"TagResult(entities={self.rows!r}, event_types={self.event_types!r}, "
            f"relevance={self.relevance!r})"
        )


# --- the compiled tagger ----------------------------------------------------------------------

# claim kinds
_ENTITY, _CUE, _CONTEXT, _TERM, _NESTED = 0, 1, 2, 3, 4
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


@dataclass(frozen=True)
class _Plan:
    """What finding each pattern (by id) does, split by kind: a scan visits only what it found.

    ``cue``: the (event type index, weight) of a pattern that is one cue, ``cues``: those of a
    pattern that is several; ``terms``: the relevance-term weight;
    ``contexts``: the context key a pattern is; ``adds``: (entity id, demonym) of entities a
    pattern names for sure (its one plain claim, and countries named inside it); ``claims``:
    the claims of every other pattern naming entities (ambiguous, case-sensitive or shared
    aliases), settled in :meth:`Tagger._claims`. ``scorer`` reports event types.
    """

    cue: dict[int, tuple[int, float]]
    cues: dict[int, tuple[tuple[int, float], ...]]
    terms: dict[int, float]
    contexts: dict[int, str]
    adds: dict[int, tuple[tuple[str, bool], ...]]
    claims: dict[int, tuple[_Claim, ...]]
    scorer: et.EventScorer


def _plan(actions: list[_Action], event_defs: list[et.EventTypeDef]) -> _Plan:
    cue, cues, terms, contexts, adds, claims = {}, {}, {}, {}, {}, {}
    for pid, (entity_claims, cue_weights, context, term, _key, inside) in enumerate(actions):
        if len(cue_weights) == 1:
            cue[pid] = cue_weights[0]
        elif cue_weights:
            cues[pid] = cue_weights
        if term:
            terms[pid] = term
        if context is not None:
            contexts[pid] = context
        named = tuple([(entity_id, False) for entity_id in inside]) if inside else ()
        if len(entity_claims) == 1 and entity_claims[0][1] is None and not entity_claims[0][2]:
            named += ((entity_claims[0][0], entity_claims[0][3]),)
        elif entity_claims:
            claims[pid] = entity_claims
        if named:
            adds[pid] = named
    return _Plan(cue, cues, terms, contexts, adds, claims, et.EventScorer.of(event_defs))


@dataclass
class Tagger:
    """A compiled gazetteer plus event types: call :meth:`tag` on texts."""

    gazetteer: Gazetteer
    event_defs: list[et.EventTypeDef]
    relevance_cfg: et.RelevanceConfig
    patterns: list[bytes]  # what the matcher looks for (see scanned()) ...
    pattern_ids: list[int]  # ... and the pattern id each one is
    actions: list[_Action]  # pattern id -> what finding it does
    rules: dict[str, _Rule]
    warnings: list[str] = field(default_factory=list)
    plan: _Plan | None = None  # derived from actions and event_defs when not given

    def __post_init__(self) -> None:
        if self.plan is None:
            self.plan = _plan(self.actions, self.event_defs)

    def __getstate__(self) -> dict[str, Any]:
        """What the disk cache keeps: all but the matcher, which cannot be pickled (it is
        rebuilt from the patterns in a few hundredths of a second)."""
        state = self.__dict__.copy()
        state.pop("matcher", None)
        return state

    @functools.cached_property
    def matcher(self) -> ahocorasick_rs.BytesAhoCorasick:
        """The automaton over every pattern: leftmost-longest matches, no overlaps."""
        return ahocorasick_rs.BytesAhoCorasick(
            self.patterns,
            matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
            implementation=ahocorasick_rs.Implementation.ContiguousNFA,
        )

    def matches(self, form: bytes) -> list[tuple[int, int, int]]:
        """(matcher pattern, start, end) of the matches in a scan form (see :func:`zone_forms`);
        ``pattern_ids`` maps a matcher pattern to its pattern id."""
        return self.matcher.find_matches_as_indexes(form)

    # -- building --

    @classmethod
    def from_data(cls, data_dir: Path, cache_dir: Path | None = None) -> Tagger:
        """Load the compiled tagger from the disk cache, or build it and cache it."""
        files = data_files(data_dir)
        here = Path(__file__).parent  # the code that builds what the cache keeps
        sources = [
            Path(__file__), Path(et.__file__), Path(sys.modules[Entity.__module__].__file__),
            here / "tag_batch.py", here / "tag_claims.py", here / "tag_one.py",
        ]
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
        patterns: list[bytes] = []
        pattern_ids: list[int] = []
        actions: list[_Action] = []
        for key, items in sorted(claims.items()):
            if items:
                for pattern in scanned(key):
                    patterns.append(pattern)
                    pattern_ids.append(len(actions))
                actions.append(_action(key, items))
        if not actions:
            patterns.append(b"\x00never\x00")
            pattern_ids.append(0)
            actions.append(((), (), None, 0.0, "", ()))
        tagger = cls(
            gazetteer=gazetteer,
            event_defs=event_defs,
            relevance_cfg=relevance_cfg,
            patterns=patterns,
            pattern_ids=pattern_ids,
            actions=actions,
            rules=rules,
            warnings=list(gazetteer.warnings),
        )
        tagger.tables  # laid out now, so that the disk cache keeps it  # noqa: B018
        return tagger

    # -- tagging --

    def tag(self, title: str, lead: str = "", body: str = "", lang: str = "en") -> TagResult:
        """Entities, event types and relevance of one text (title, lead/summary, body).

        ``lang`` is informational: aliases of every language are matched, since texts quote
        foreign names.
        """
        del lang
        return self.tag_many([(title, lead, body)])[0]

    def tag_many(
        self, texts: Iterable[tuple[str, str, str]], batch_size: int = BATCH_SIZE
    ) -> list[TagResult]:
        """:meth:`tag` for many (title, lead, body) texts, a batch of them at a time.

        A batch is tagged with numpy (``newsarchive.tag_batch``); one of fewer than
        ``SMALL_BATCH`` texts text by text in plain Python (``newsarchive.tag_one``), which
        gives the same results without numpy's cost per call.
        """
        from newsarchive.tag_batch import tag_batch
        from newsarchive.tag_one import SMALL_BATCH, tag_one

        def tagged(batch: list[tuple[str, str, str]]) -> list[TagResult]:
            if len(batch) < SMALL_BATCH:
                return [tag_one(self, *text) for text in batch]
            return tag_batch(self, batch)

        results: list[TagResult] = []
        batch: list[tuple[str, str, str]] = []
        with _collector_paused():
            for title, lead, body in texts:
                batch.append((title or "", lead or "", body or ""))
                if len(batch) == batch_size:
                    results += tagged(batch)
                    batch = []
            if batch:
                results += tagged(batch)
        return results

    @functools.cached_property
    def tables(self) -> Any:
        """The plan laid out as arrays for batch tagging (``newsarchive.tag_batch.Tables``)."""
        from newsarchive.tag_batch import Tables

        return Tables.of(self)

    def explain(
        self, title: str, lead: str = "", body: str = ""
    ) -> list[tuple[str, str, str, float]]:
        """The cue phrases found, as (event type id, phrase, zone, weight): why a type was given."""
        out = []
        for zone, text in zip(ZONES, (title, lead, body), strict=True):
            for found, _start, _end in self.matches(zone_form([text or ""])):
                pid = self.pattern_ids[found]
                _entities, cues, _context, _term, key, _nested = self.actions[pid]
                phrase = key.encode("latin-1").decode("utf-8", "replace")
                for index, weight in cues:
                    out.append((self.event_defs[index].id, phrase, zone, weight))
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


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused: tagging makes many small objects and no cycles, and
    each full collection would walk every result made so far (15% of the time at 10,000
    texts)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _inherit_nested(claims: dict[str, dict[tuple, None]], home: dict[str, str]) -> None:
    """Make a pattern also do what the shorter patterns inside it would have done.

    The scan keeps only the longest match, so a context word inside a longer phrase ("messenger"
    in "national messenger") would go unseen, as would an entity named inside a cue phrase.
    Every pattern inherits the context words it contains; a pattern that names no entity itself
    inherits the entities its words name (leftmost-longest, as the scan would find them); and an
    entity's alias that names the entity's own country ("Supreme Court of India") names that
    country too (``home`` maps entity ids to their country).
    """
    inner: set[str] = set()  # keys that can be found inside another
    sizes: dict[str, set[int]] = {}  # first word -> word counts of those keys
    for key, items in claims.items():
        if any(i[0] in (_ENTITY, _CONTEXT) for i in items):
            inner.add(key)
            words = key.split(" ")
            sizes.setdefault(words[0], set()).add(len(words))
    longest_first = {word: sorted(found, reverse=True) for word, found in sizes.items()}
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
            for size in longest_first.get(words[position], ()):
                if size >= len(words):
                    continue
                candidate = " ".join(words[position : position + size])
                if candidate not in inner:
                    continue
                found = claims[candidate]
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
