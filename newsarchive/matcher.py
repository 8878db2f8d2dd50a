"""The compiled matcher: one Aho-Corasick automaton over every alias, cue, context word and
relevance term, and what finding each pattern does.

Rules compiled here (applied by ``newsarchive.tag_batch``):
- the longest match wins where matches overlap ("Supreme Court of India" over "India"): the
  scan is leftmost-longest, with the Rust ``aho-corasick`` crate (``ahocorasick_rs``);
- acronyms (all-caps aliases: NATO, OONI, FSB, MAX) count only where the original writes
  them in capitals;
- an ambiguous alias counts only when one of its entity's context words occurs in the document
  or one of its ``context_entities`` is tagged; an alias two entities claim counts only for the
  claimant whose context is met;
- a country's adjectives (``adjectives`` in the gazetteer, and demonym-like aliases) refer to
  it without naming it.
Event-type cues and relevance terms ride in the same automaton (see newsarchive.event_types).
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import ahocorasick_rs
import numpy as np

from newsarchive import event_types as et
from newsarchive.entities import Entity, Gazetteer
from newsarchive.text_forms import (
    _pattern,
    _words,
    alias_key,
    arabic_variants,
    is_acronym,
    russian_case_forms,
    scanned,
)

# --- the compiled matcher ---------------------------------------------------------------------

_PATTERN, _END = operator.itemgetter(0), operator.itemgetter(2)  # of a match

# claim kinds
_ENTITY, _CUE, _CONTEXT, _TERM, _NESTED, _VERB, _OBJECT = 0, 1, 2, 3, 4, 5, 6
# per pattern: ((entity id, cased pattern or None, ambiguous), ...), ((event type index, weight),
# ...), the context keys it is or holds ("warp app" is one, and holds "app"), relevance-term
# weight, the key itself
_Claim = tuple[str, str | None, bool, bool]  # entity id, cased pattern, ambiguous, demonym
_Action = tuple[
    tuple[_Claim, ...], tuple[tuple[int, float], ...], tuple[str, ...], float, str,
    tuple[str, ...],
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
    ``contexts``: the context keys a pattern is or holds; ``adds``: (entity id, demonym) of
    entities a pattern names for sure (its one plain claim, and countries named inside it);
    ``claims``: the claims of every other pattern naming entities (ambiguous, case-sensitive or
    shared aliases), settled in ``newsarchive.tag_claims``. ``scorer`` reports event types.
    """

    cue: dict[int, tuple[int, float]]
    cues: dict[int, tuple[tuple[int, float], ...]]
    terms: dict[int, float]
    contexts: dict[int, tuple[str, ...]]
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
        if context:
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
class Matcher:
    """A compiled gazetteer plus event types: the automaton and what each match does."""

    gazetteer: Gazetteer
    event_defs: list[et.EventTypeDef]
    relevance_cfg: et.RelevanceConfig
    patterns: list[bytes]  # what the matcher looks for (see scanned()) ...
    pattern_ids: list[int]  # ... and the pattern id each one is
    actions: list[_Action]  # pattern id -> what finding it does
    rules: dict[str, _Rule]
    warnings: list[str] = field(default_factory=list)
    verbs: dict[int, tuple[int, ...]] = field(default_factory=dict)  # pid -> event types
    objects: dict[int, tuple[int, ...]] = field(default_factory=dict)  # pid -> event types
    plan: _Plan | None = None  # derived from actions and event_defs when not given

    def __post_init__(self) -> None:
        if self.plan is None:
            self.plan = _plan(self.actions, self.event_defs)

    def __getstate__(self) -> dict[str, Any]:
        """What the disk cache keeps: all but the matcher, which cannot be pickled (it is
        rebuilt from the patterns in a few hundredths of a second)."""
        state = self.__dict__.copy()
        state.pop("automaton", None)
        return state

    @functools.cached_property
    def automaton(self) -> ahocorasick_rs.BytesAhoCorasick:
        """The automaton over every pattern: leftmost-longest matches, no overlaps."""
        return ahocorasick_rs.BytesAhoCorasick(
            self.patterns,
            matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
            implementation=ahocorasick_rs.Implementation.ContiguousNFA,
        )

    def matches(self, form: bytes) -> list[tuple[int, int, int]]:
        """(matcher pattern, start, end) of the matches in a scan form (see :func:`zone_forms`);
        ``pattern_ids`` maps a matcher pattern to its pattern id."""
        return self.automaton.find_matches_as_indexes(form)

    def match_arrays(self, form: bytes) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`matches` as two arrays, the matcher pattern and the end of each match (read
        off the list by two C-level passes: no tuple is unpacked in Python)."""
        found = self.automaton.find_matches_as_indexes(form)
        return (
            np.fromiter(map(_PATTERN, found), dtype=np.int64, count=len(found)),
            np.fromiter(map(_END, found), dtype=np.int64, count=len(found)),
        )

    # -- building --

    @classmethod
    def build(
        cls,
        gazetteer: Gazetteer,
        event_config: tuple[list[et.EventTypeDef], et.RelevanceConfig] | None = None,
    ) -> Matcher:
        """Compile the automaton from a gazetteer and event-type definitions."""
        event_defs, relevance_cfg = event_config or ([], et.RelevanceConfig({}, ()))
        claims: dict[str, dict[tuple, None]] = {}

        def claim(key: str, item: tuple) -> None:
            if key:
                claims.setdefault(key, {})[item] = None

        explicit: dict[str, set[str]] = {}
        for entity in gazetteer.entities.values():
            if entity.source != "pycountry":
                for table in (entity.aliases, entity.adjectives):
                    for forms in table.values():
                        for form in forms:
                            explicit.setdefault(alias_key(form), set()).add(entity.id)
        derived_owner: dict[str, set[str]] = {}
        demonyms = _demonyms(gazetteer)
        for entity in gazetteer.entities.values():
            hand = set()
            if entity.source != "pycountry":
                hand = {
                    alias_key(f)
                    for table in (entity.aliases, entity.adjectives)
                    for forms in table.values()
                    for f in forms
                }
                hand.add(alias_key(entity.name))
            adjectives = entity.adjective_forms()
            declined = (
                {f for f in entity.aliases.get("ru", ()) if f not in adjectives}
                if entity.type in ("country", "region")
                else set()
            )
            for form, variant in _with_variants(entity.all_aliases(), declined):
                key = alias_key(form)
                if not key:
                    continue
                if key not in hand or variant:
                    # a pycountry-derived form yields to any hand-written claim on the same key
                    if key in explicit and entity.id not in explicit[key]:
                        continue
                    derived_owner.setdefault(key, set()).add(entity.id)
                cased = _cased_key(form) if is_acronym(form) else None
                weak = entity.type in ("country", "region") and (
                    form in demonyms or form in adjectives
                )
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
                for form, _variant in _with_variants([phrase]):
                    claim(alias_key(form), (_CUE, index, weight))
        for index, definition in enumerate(event_defs):
            for kind, table in ((_VERB, definition.verbs), (_OBJECT, definition.objects)):
                for phrases in table.values():
                    for form, _variant in _with_variants(phrases):
                        claim(alias_key(form), (kind, index))
        for phrase, weight in relevance_cfg.weighted_terms():
            claim(alias_key(phrase), (_TERM, weight))
        _inherit_nested(claims, {e.id: e.country for e in gazetteer.entities.values() if e.country})
        patterns: list[bytes] = []
        pattern_ids: list[int] = []
        actions: list[_Action] = []
        verbs: dict[int, tuple[int, ...]] = {}
        objects: dict[int, tuple[int, ...]] = {}
        for key, items in sorted(claims.items()):
            if items:
                for pattern in scanned(key):
                    patterns.append(pattern)
                    pattern_ids.append(len(actions))
                for kind, found in ((_VERB, verbs), (_OBJECT, objects)):
                    indices = tuple(sorted({i[1] for i in items if i[0] == kind}))
                    if indices:
                        found[len(actions)] = indices
                actions.append(_action(key, items))
        if not actions:
            patterns.append(b"\x00never\x00")
            pattern_ids.append(0)
            actions.append(((), (), (), 0.0, "", ()))
        matcher = cls(
            gazetteer=gazetteer,
            event_defs=event_defs,
            relevance_cfg=relevance_cfg,
            patterns=patterns,
            pattern_ids=pattern_ids,
            actions=actions,
            rules=rules,
            warnings=list(gazetteer.warnings),
            verbs=verbs,
            objects=objects,
        )
        return matcher

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
    inherits the entities its words name (leftmost-longest, as the scan would find them); an
    act (a strong cue) naming no object of its own inherits the verbs of other types inside it; a
    verb, object or neutral phrase inherits the relevance terms in it ("video platform"); and an
    entity's alias that names the entity's own country ("Supreme Court of India") names that
    country too (``home`` maps entity ids to their country).
    """
    inner: set[str] = set()  # keys that can be found inside another
    sizes: dict[str, set[int]] = {}  # first word -> word counts of those keys
    for key, items in claims.items():
        if any(i[0] in (_ENTITY, _CONTEXT, _TERM, _VERB, _OBJECT) for i in items):
            inner.add(key)
            words = key.split(" ")
            sizes.setdefault(words[0], set()).add(len(words))
    longest_first = {word: sorted(found, reverse=True) for word, found in sizes.items()}
    for key, items in claims.items():
        words = key.split(" ")
        if len(words) < 2:
            continue
        has_entity = any(i[0] == _ENTITY for i in items)
        # an act of one type that names no object of its own ("erişim engeli getirildi", "is
        # blocked") is also the verb of another type that it contains: it pairs with that
        # type's objects ("... Tor ve VPN servislerine erişim engeli getirildi"); an act with its
        # object inside ("blocked accounts", "remove content") has found its object already
        acts_of = {i[1] for i in items if i[0] == _CUE and i[2] >= et.WEIGHTS["strong_cues"]}
        typed = {i[1] for i in items if i[0] == _CUE}  # (a neutral phrase keeps its type out)
        verbs_inside: list[tuple] = []
        own_object = False
        # a verb, object, neutral or cue phrase ("video platform", "website blocking", "had
        # blocked the platform") must not hide the relevance terms in it
        pair_only = not any(i[0] in (_ENTITY, _TERM) for i in items)
        term_end = 0
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
                if acts_of:
                    verbs_inside.extend(i for i in found if i[0] == _VERB and i[1] not in typed)
                    own_object |= any(i[0] == _OBJECT and i[1] in acts_of for i in found)
                if pair_only and position >= term_end:
                    terms = [i for i in found if i[0] == _TERM]
                    if terms:
                        inherited.extend(terms)
                        term_end = position + size
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
        if not own_object:
            inherited.extend(verbs_inside)
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


def _with_variants(
    forms: Iterable[str], declined: set[str] | frozenset[str] = frozenset()
) -> Iterable[tuple[str, bool]]:
    """Each form, then its derived variants, flagged as derived: Arabic clitic prefixes, and
    the Russian case forms of the one-word names in ``declined``."""
    for form in forms:
        yield form, False
        for variant in arabic_variants(form):
            yield variant, True
        if form in declined:
            for variant in russian_case_forms(form):
                yield variant, True


def _action(key: str, items: Iterable[tuple]) -> _Action:
    """What finding a pattern does: entity claims, cue weights, context key, term weight."""
    entities: dict[tuple, None] = {}
    cues = []
    context: dict[str, None] = {}
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
            context[item[1]] = None
        elif kind == _NESTED:
            nested[item[1]] = None
        elif kind == _TERM:
            term += item[1]
    return tuple(entities), tuple(cues), tuple(context), term, key, tuple(nested)


def _cased_key(alias: str) -> str:
    """The case-kept normalised form of an acronym."""
    return b" ".join(_words(alias)).decode("latin-1")
