"""Tagging many texts at once: one automaton pass per batch, then counts and scores in numpy.

A batch's zones (title, lead, body of each text) are normalised as one string, joined by a
marker that becomes byte 0xFF, which UTF-8 never holds and no pattern contains, so no match
crosses from one zone into the next. After one leftmost-longest scan, every hit is placed in
its zone by the markers' offsets, and everything that is only arithmetic is done for the whole
batch at once:

- hits are counted per (zone, pattern) with ``np.unique``;
- event-type cue sums and topic-term sums are sparse products of those counts with tables
  laid out per pattern (:class:`Tables`);
- entities that a pattern names for sure are counted per (text, entity, zone);
- salience, ranking, the passing-mention rule and the event-type choice are vectorised.

Ambiguous, case-sensitive and shared aliases, which depend on the text's case and on context,
are settled in ``newsarchive.tag_claims``, also for the whole batch. This is the only
implementation of the rules: a lone text is a batch of one.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from itertools import compress

import numpy as np

from newsarchive import event_types as et
from newsarchive.entities import TYPES, Entity
from newsarchive.event_types import TaggedEventType
from newsarchive.matcher import Matcher
from newsarchive.tag_claims import ClaimTables, Found, csr, expand, expand_some, settle
from newsarchive.tag_result import EntityRow, TagResult
from newsarchive.text_forms import zone_forms

#: platform categories that are no service of their own for a platform block
_NOT_SERVICES = frozenset({"news", "vpn", "circumvention", "measurement"})
ZONE_FACTOR = np.array([3.0, 2.0, 1.0])  # a cue hit counts thrice in the title, twice in the lead


@dataclass(frozen=True)
class Choice:
    """``EventScorer``'s rules as arrays: floors, relative shares, needs and excludes."""

    floors: np.ndarray
    act_floors: np.ndarray
    relative: np.ndarray
    need_type: np.ndarray  # event types that need an entity type
    needs: np.ndarray  # (need_type, entity types): True where it is needed
    unless_type: np.ndarray  # event types that an entity type rules out
    unless: np.ndarray  # (unless_type, entity types): True where it rules the type out
    drops: np.ndarray  # (i, j) pairs of event type i excluding j ...
    mutual: np.ndarray  # ... True where j excludes i too
    dropped: np.ndarray  # ... and (pair, event type): True at j

    @classmethod
    def of(cls, scorer: et.EventScorer) -> Choice:
        """Lay out an event scorer's rules."""
        n = len(scorer.ids)
        needs = np.array(
            [[t in wanted for t in TYPES] for _, wanted in scorer.needs], dtype=bool
        ).reshape(len(scorer.needs), len(TYPES))
        unless = np.array(
            [[t in wanted for t in TYPES] for _, wanted in scorer.unless], dtype=bool
        ).reshape(len(scorer.unless), len(TYPES))
        pairs = [(i, j) for i, excluded in enumerate(scorer.excludes) for j in excluded]
        dropped = np.zeros((len(pairs), n), dtype=bool)
        for k, (_, j) in enumerate(pairs):
            dropped[k, j] = True
        return cls(
            floors=np.array(scorer.floors, dtype=np.float64),
            act_floors=np.array(scorer.act_floors, dtype=np.float64),
            relative=np.array(scorer.relative, dtype=np.float64),
            need_type=np.array([i for i, _ in scorer.needs], dtype=np.int64),
            needs=needs,
            unless_type=np.array([i for i, _ in scorer.unless], dtype=np.int64),
            unless=unless,
            drops=np.array(pairs, dtype=np.int64).reshape(len(pairs), 2),
            mutual=np.array([(j, i) in set(pairs) for i, j in pairs], dtype=bool),
            dropped=dropped,
        )


@dataclass(frozen=True)
class Tables:
    """A tagger's per-pattern effects as arrays (CSR lists where a pattern has several)."""

    cue_start: np.ndarray  # pattern -> its slice of cue_type/cue_weight
    cue_type: np.ndarray
    cue_weight: np.ndarray
    term_weight: np.ndarray  # pattern -> relevance-term weight
    add_start: np.ndarray  # pattern -> its slice of add_entity/add_named
    add_entity: np.ndarray  # entity indices (into entity_ids)
    add_named: np.ndarray  # False where the entity is only referred to (a demonym)
    claims: ClaimTables  # ambiguous, case-sensitive and shared aliases
    context_start: np.ndarray  # pattern -> its slice of context: indices into context_keys
    context: np.ndarray
    context_keys: tuple[str, ...]
    entity_ids: np.ndarray  # every entity id, sorted (objects)
    type_order: np.ndarray  # entity -> index of its type in TYPES
    is_platform: np.ndarray
    is_service: np.ndarray  # a platform that is a service (not news site, VPN, measurement tool)
    is_instrument: np.ndarray  # a measurement tool: how a report knows, not what it is about
    main_group: np.ndarray  # entity -> 0 country, 1 region, 2 platform, -1 none (main/mentioned)
    implies: np.ndarray  # entity -> index of the country it implies (region, authority), or -1
    choice: Choice  # the event scorer's rules as arrays
    verb_start: np.ndarray  # pattern -> its slice of verb_type: the event types it is a verb of
    verb_type: np.ndarray
    object_start: np.ndarray  # pattern -> its slice of object_type: the types it is an object of
    object_type: np.ndarray
    guard_start: np.ndarray  # pattern -> its slice of guard_entity: an object only through ...
    guard_entity: np.ndarray  # ... these ambiguous claimants, one of which the text must accept
    guarded: np.ndarray  # pattern -> it has guard entities
    pairs: np.ndarray  # pattern -> it is a verb or an object (its hits need word numbers)
    pattern_ids: np.ndarray  # matcher pattern -> pattern id
    has_cue: np.ndarray  # pattern -> it has cues (and so on: rows without are left out before
    has_add: np.ndarray  # their expansion)
    has_context: np.ndarray

    @classmethod
    def of(cls, tagger: Matcher) -> Tables:
        """Lay out a tagger's plan."""
        plan = tagger.plan
        n = len(tagger.actions)
        ids = sorted(tagger.gazetteer.entities)
        index = {entity_id: i for i, entity_id in enumerate(ids)}
        cues = {pid: (cue,) for pid, cue in plan.cue.items()} | plan.cues
        cue_start, cue_entries = csr(n, cues)
        add_start, add_entries = csr(n, plan.adds)
        contexts = sorted({key for keys in plan.contexts.values() for key in keys})
        number = {key: i for i, key in enumerate(contexts)}
        context_start, context_entries = csr(
            n, {pid: [number[key] for key in keys] for pid, keys in plan.contexts.items()}
        )
        term = np.zeros(n)
        for pid, weight in plan.terms.items():
            term[pid] = weight
        entities = tagger.gazetteer.entities
        types = [entities[i].type for i in ids]
        return cls(
            cue_start=cue_start,
            cue_type=np.array([c[0] for c in cue_entries], dtype=np.int64),
            cue_weight=np.array([c[1] for c in cue_entries], dtype=np.float64),
            term_weight=term,
            add_start=add_start,
            add_entity=np.array([index[a[0]] for a in add_entries], dtype=np.int64),
            add_named=np.array([not a[1] for a in add_entries], dtype=bool),
            claims=ClaimTables.of(tagger, index, tuple(contexts)),
            context_start=context_start,
            context=np.array(context_entries, dtype=np.int64),
            context_keys=tuple(contexts),
            entity_ids=np.array(ids, dtype=object),
            type_order=np.array([TYPES.index(t) for t in types], dtype=np.int64),
            is_platform=np.array([t == "platform" for t in types], dtype=bool),
            is_service=np.array(
                [t == "platform" and entities[i].category not in _NOT_SERVICES
                 for t, i in zip(types, ids, strict=True)],
                dtype=bool,
            ),
            is_instrument=np.array(
                [entities[i].category == "measurement" for i in ids], dtype=bool
            ),
            main_group=np.array(
                [
                    -1 if entities[i].category == "city"  # (a city implies, is never main)
                    else {"country": 0, "region": 1, "platform": 2}.get(t, -1)
                    for t, i in zip(types, ids, strict=True)
                ],
                dtype=np.int64,
            ),
            implies=np.array(
                [index.get(entities[i].implied or "", -1) for i in ids], dtype=np.int64
            ),
            choice=Choice.of(plan.scorer),
            **_pair_tables(tagger, n, index),
            pattern_ids=np.array(tagger.pattern_ids, dtype=np.int64),
            has_cue=np.diff(cue_start) > 0,
            has_add=np.diff(add_start) > 0,
            has_context=np.diff(context_start) > 0,
        )


def _object_classes(entity: Entity) -> set[str]:
    """What an entity can be the object of (``object_entities``): its type, and for a platform
    whether it is a service, a news site or a VPN (by its category)."""
    classes = {entity.type}
    if entity.type == "platform":
        if entity.category == "news":
            classes.add("news")
        elif entity.category in ("vpn", "circumvention"):
            classes.add("vpn")
        elif entity.category != "measurement":
            classes.add("service")
    return classes


def _pair_tables(tagger: Matcher, n: int, index: dict[str, int]) -> dict:
    """Verbs and objects per pattern (CSR): the phrases the matcher marks, and the patterns
    naming an entity of a type's ``object_entities``. A pattern that is an object only through
    ambiguous claims ("Signal", "1.1.1.1") is guarded: it counts where the text accepts one of
    those claimants (``guard_start``/``guard_entity``)."""
    entities = tagger.gazetteer.entities
    wanted = [set(d.object_entities) for d in tagger.event_defs]
    objects = {pid: set(found) for pid, found in tagger.objects.items()}
    guards: dict[int, list[int]] = {}
    if any(wanted):
        named: dict[int, set[str]] = {}
        ambiguous: dict[int, set[str]] = {}
        for pid, adds in tagger.plan.adds.items():
            named.setdefault(pid, set()).update(e for e, _weak in adds)
        for pid, claims in tagger.plan.claims.items():
            for entity_id, _cased, is_ambiguous, _weak in claims:
                (ambiguous if is_ambiguous else named).setdefault(pid, set()).add(entity_id)
        for pid in set(named) | set(ambiguous):
            sure = {e for e in named.get(pid, ()) if e in entities}
            maybe = {e for e in ambiguous.get(pid, ()) if e in entities} - sure
            sure_classes = set().union(*(_object_classes(entities[e]) for e in sure))
            maybe_classes = set().union(*(_object_classes(entities[e]) for e in maybe))
            for at, kinds in enumerate(wanted):
                if kinds & (sure_classes | maybe_classes):
                    objects.setdefault(pid, set()).add(at)
            if maybe_classes and not sure_classes and pid not in tagger.objects:
                guards[pid] = sorted(index[e] for e in maybe if e in index)
    verb_start, verb_entries = csr(n, {pid: sorted(v) for pid, v in tagger.verbs.items()})
    object_start, object_entries = csr(n, {pid: sorted(v) for pid, v in objects.items()})
    guard_start, guard_entries = csr(n, guards)
    pairs = (np.diff(verb_start) > 0) | (np.diff(object_start) > 0)
    return {
        "verb_start": verb_start,
        "verb_type": np.array(verb_entries, dtype=np.int64),
        "object_start": object_start,
        "object_type": np.array(object_entries, dtype=np.int64),
        "guard_start": guard_start,
        "guard_entity": np.array(guard_entries, dtype=np.int64),
        "guarded": np.diff(guard_start) > 0,
        "pairs": pairs if verb_entries else np.zeros(n, dtype=bool),  # (no verb: no pair)
    }


def _paired_acts(
    tables: Tables, hits: Found, size: int, n_types: int, accepted: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per (text, event type), the zone-weighted count of verbs that have one of the type's
    objects within PAIR_WINDOW words in the same zone ("blocked ... Signal", "cut ... mobile
    internet"): acts found by proximity, whatever the words between; the title's part; and
    the keys ``text * n_entities + entity`` of the entities acted on (the objects paired).
    ``accepted`` (keys ``text * n_entities + entity``, any order, repeats allowed): the
    entities the texts name; a guarded object counts only where one of its claimants is among
    them. Only the hits that are verbs or objects are read (``hits.pair_hit``)."""
    out = np.zeros(size * n_types)
    title = np.zeros(size * n_types)
    pid = hits.hit_pid[hits.pair_hit]
    verb_row, verb_entry = expand(tables.verb_start, pid)
    if not len(verb_row):
        return out.reshape(size, n_types), title.reshape(size, n_types), np.zeros(0, np.int64)
    hit_zone = hits.hit_zone[hits.pair_hit]
    object_row, object_entry = expand(tables.object_start, pid)
    if accepted is not None and len(tables.guard_entity) and len(object_row):
        keep = _guard_met(tables, pid[object_row], hit_zone[object_row], accepted)
        object_row, object_entry = object_row[keep], object_entry[keep]
    # verbs and objects placed by (zone, event type, word), both sorted: each side is looked
    # up in the other in order (the sums below are of small integers, in any order exact)
    where = hits.pair_word
    verbs_at = np.sort(
        ((hit_zone[verb_row] * n_types + tables.verb_type[verb_entry]) << _WORD_BITS)
        + where[verb_row]
    )
    object_at = (
        (hit_zone[object_row] * n_types + tables.object_type[object_entry]) << _WORD_BITS
    ) + where[object_row]
    order = np.argsort(object_at)
    placed = object_at[order]
    paired = _near(placed, verbs_at)
    cell = verbs_at[paired] >> _WORD_BITS  # zone * n_types + event type
    zone = cell // n_types
    cell += (zone // 3 - zone) * n_types  # text * n_types + event type
    out = np.bincount(cell, weights=ZONE_FACTOR[zone % 3], minlength=size * n_types)
    in_title = zone % 3 == 0
    title = np.bincount(
        cell[in_title], weights=np.full(int(in_title.sum()), ZONE_FACTOR[0]),
        minlength=size * n_types,
    )
    out, title = out.astype(np.float64), title.astype(np.float64)  # (integers when empty)
    # the objects with a verb of their type near them, and the entities they name
    acted_row = object_row[order[_near(verbs_at, placed)]]
    row, entry = expand(tables.add_start, pid[acted_row])
    acted = (hit_zone[acted_row][row] // 3) * len(tables.entity_ids) + tables.add_entity[entry]
    return out.reshape(size, n_types), title.reshape(size, n_types), np.unique(acted)


_WORD_BITS = 32  # a word number's bits in the keys of verbs and objects


def _near(sorted_keys: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Per key of ``at`` (sorted, for fast look-ups): whether a key of ``sorted_keys`` lies
    within PAIR_WINDOW of it (words of the same zone and event type): whether the first key
    from PAIR_WINDOW before it is at most PAIR_WINDOW after it."""
    ends = np.append(sorted_keys, np.iinfo(np.int64).max)  # (none from there: the last)
    return ends[np.searchsorted(sorted_keys, at - et.PAIR_WINDOW)] <= at + et.PAIR_WINDOW


def _guard_met(
    tables: Tables, pid: np.ndarray, hit_zone: np.ndarray, accepted: np.ndarray
) -> np.ndarray:
    """Per object hit (its pattern and zone): False where its pattern is guarded and the text
    accepts none of the pattern's claimants."""
    guarded = np.flatnonzero(tables.guarded[pid])
    keep = np.ones(len(pid), dtype=bool)
    if not len(guarded):
        return keep
    row, entry = expand(tables.guard_start, pid[guarded])
    doc = hit_zone[guarded][row] // 3
    key = doc * len(tables.entity_ids) + tables.guard_entity[entry]
    # the few wanted keys sorted, and every accepted key looked up among them (no sort of
    # the many accepted keys)
    wanted = np.unique(key)
    at = np.searchsorted(wanted, accepted)
    found = np.zeros(len(wanted) + 1, dtype=bool)
    found[np.where(wanted[np.minimum(at, len(wanted) - 1)] == accepted, at, len(wanted))] = True
    met = found[np.searchsorted(wanted, key)]
    keep[guarded] = np.bincount(row, weights=met, minlength=len(guarded)) > 0
    return keep


def scan(tagger: Matcher, tables: Tables, zones: list[str]) -> Found:
    """One leftmost-longest pass over the zones of a batch (3 per text); hits per zone."""
    forms = zone_forms(zones)
    marks = np.flatnonzero(np.frombuffer(forms.lowered, dtype=np.uint8) == 0xFF)
    if len(marks) != len(zones):
        raise AssertionError("tag_batch: zone markers lost in normalisation")
    patterns, ends = tagger.match_arrays(forms.lowered)
    pids, ends = tables.pattern_ids[patterns], ends - 1  # (a match's last byte)
    hit_zone = np.searchsorted(marks, ends)
    n = len(tagger.actions)
    keys, count = np.unique(hit_zone * n + pids, return_counts=True)
    zone = keys // n
    pair_hit = np.flatnonzero(tables.pairs[pids])  # word numbers, for verbs and their objects
    pair_word = np.searchsorted(forms.spaces, ends[pair_hit])
    return Found(
        ends, pids, hit_zone, zone, zone // 3, keys % n, count, forms.cased, forms.words,
        pair_hit, pair_word,
    )


def tag_batch(
    tagger: Matcher, tables: Tables, texts: list[tuple[str, str, str]]
) -> list[TagResult]:
    """Tag a batch of (title, lead, body) texts (any number, even one)."""
    size = len(texts)
    hits = scan(tagger, tables, [zone for text in texts for zone in text])
    n_types = len(tagger.event_defs)
    cue_raw, title_raw, act_raw, title_acts = _cue_sums(tables, hits, size, n_types)
    rows = _entity_rows(tables, hits, size, len(tagger.actions))
    acted = np.zeros(0, dtype=np.int64)
    if n_types:  # a verb near its object is an act (weighted as a strong cue)
        accepted = rows[0] * len(tables.entity_ids) + rows[1]
        paired, paired_title, acted = _paired_acts(tables, hits, size, n_types, accepted)
        act_raw += paired
        title_acts += paired_title
        cue_raw += et.WEIGHTS["strong_cues"] * paired
        title_raw += et.WEIGHTS["strong_cues"] * paired_title
    term_raw = np.bincount(
        hits.doc, weights=tables.term_weight[hits.pid] * hits.count, minlength=size
    )
    ranked = _ranked(tables, *rows)
    platforms = np.bincount(
        ranked.doc, weights=ranked.salience * tables.is_platform[ranked.entity], minlength=size
    )
    main, extra = _main(tables, ranked, size, acted)
    chosen = _chosen_types(
        tagger, tables, cue_raw, title_raw, (act_raw, title_acts), ranked, main
    )
    top = cue_raw.max(axis=1) if cue_raw.shape[1] else np.zeros(size)
    words = hits.words.reshape(size, 3).sum(axis=1)
    relevance = list(
        map(et.relevance_score, term_raw.tolist(), words.tolist(), top.tolist(), platforms.tolist())
    )
    ids = tables.entity_ids[ranked.entity].tolist()
    rows = list(
        zip(
            ids,
            ranked.salience.tolist(),
            ranked.total.tolist(),
            ranked.title.tolist(),
            ranked.lead.tolist(),
            ranked.body.tolist(),
            strict=True,
        )
    )
    main_rows = main.tolist()
    bounds = np.searchsorted(ranked.doc, np.arange(size + 1)).tolist()
    lookup = tagger.gazetteer.entities
    out = []
    for doc, (low, high, types, score) in enumerate(
        zip(bounds[:-1], bounds[1:], chosen, relevance, strict=True)
    ):
        found = rows[low:high]
        is_main = frozenset(compress(ids[low:high], main_rows[low:high]))
        if doc in extra:  # countries only a region or an authority names
            found = sorted([*found, *extra[doc]], key=_minus_salience)
            is_main |= {row[0] for row in extra[doc]}
        out.append(TagResult(found, types, score, lookup, is_main))
    return out


# main and mentioned: a place or platform's weight in a text, from its mentions per zone
MAIN_SHARE = 0.6  # a main one has at least this share of the top one's weight ...
MAIN_FLOOR = 2.0  # ... and at least this much (one in the headline or lede, or four in the body)
_BODY_CAP = 6  # body mentions beyond this add nothing
INSTRUMENT_SHARE = 0.25  # a measurement tool's weight counts this much
ADJECTIVE_SHARE = 0.5  # a place only adjectives refer to ("Chinese apps") counts this much


def _minus_salience(row: EntityRow) -> float:
    return -row[1]


def _main(
    tables: Tables, ranked: _Ranked, size: int, acted: np.ndarray
) -> tuple[np.ndarray, dict[int, list[EntityRow]]]:
    """Which ranked rows are main countries, regions and platforms, and the rows of countries
    that only their regions or authorities name (per text; they are main by construction).

    A row's weight is 3 per headline mention, 2 per lede mention and 0.5 per body mention (up
    to _BODY_CAP). A country's weight adds those of its regions and of its national
    authorities named in the text (Roskomnadzor places a story in Russia, Tigray in Ethiopia).
    A country, region or platform is main when its weight reaches MAIN_FLOOR and MAIN_SHARE of
    the top weight of its kind in the text, and a platform also when an act is done to it
    (``acted``: it is the object of a verb); the others are mentioned in passing.
    """
    n_entities = len(tables.entity_ids)
    weight = 3.0 * ranked.title + 2.0 * ranked.lead + 0.5 * np.minimum(ranked.body, _BODY_CAP)
    weight[tables.is_instrument[ranked.entity]] *= INSTRUMENT_SHARE
    weight[~ranked.named] *= ADJECTIVE_SHARE
    # ... but an adjective in the headline places the story ("Canadians cut off by an outage")
    headline_only = ~ranked.named & (ranked.title > 0)
    weight[headline_only] = np.maximum(weight[headline_only], MAIN_FLOOR)
    group = tables.main_group[ranked.entity]
    implied = tables.implies[ranked.entity]
    own = group == 0
    via = implied >= 0
    # a country's weight: its own row's, plus the rows of what implies it
    keys, inverse = np.unique(
        np.concatenate([ranked.doc[own] * n_entities + ranked.entity[own],
                        ranked.doc[via] * n_entities + implied[via]]),
        return_inverse=True,
    )
    country_weight = np.bincount(
        inverse, weights=np.concatenate([weight[own], weight[via]]), minlength=len(keys)
    )
    key_doc, key_entity = keys // n_entities, keys % n_entities
    decide = weight.copy()  # what decides a row: a country's total, a region's or platform's own
    decide[own] = country_weight[inverse[: int(own.sum())]]
    top = np.zeros((size, 3))
    grouped = group >= 0
    np.maximum.at(top, (ranked.doc[grouped], group[grouped]), decide[grouped])
    np.maximum.at(top[:, 0], key_doc, country_weight)
    floor = np.maximum(MAIN_FLOOR, MAIN_SHARE * top)
    main = grouped & (decide >= floor[ranked.doc, np.maximum(group, 0)])
    # a platform an act is done to ("blocked ... Signal") is one the story is about
    if len(acted):
        keyed = ranked.doc * n_entities + ranked.entity
        at = np.minimum(np.searchsorted(acted, keyed), len(acted) - 1)
        main |= (group == 2) & (acted[at] == keyed)
    extra: dict[int, list[EntityRow]] = {}
    if via.any():  # countries named only through a region or an authority
        named = np.zeros(len(keys), dtype=bool)
        named[inverse[: int(own.sum())]] = True
        salience = np.zeros(len(keys))
        np.maximum.at(salience, inverse[int(own.sum()):], ranked.salience[via])
        wanted = ~named & (country_weight >= floor[key_doc, 0])
        for doc, entity, best in zip(
            key_doc[wanted].tolist(), key_entity[wanted].tolist(), salience[wanted].tolist(),
            strict=True,
        ):
            extra.setdefault(doc, []).append((str(tables.entity_ids[entity]), best, 0, 0, 0, 0))
    return main, extra


def sentence_acts(tagger: Matcher, tables: Tables, sentences: list[str]) -> np.ndarray:
    """Per sentence and event type, the act weight it carries (strong cues and paired verbs,
    each hit once): what makes a sentence a type's evidence."""
    n_types = len(tagger.event_defs)
    if not sentences or not n_types:
        return np.zeros((len(sentences), n_types))
    hits = scan(tagger, tables, [zone for s in sentences for zone in (s, "", "")])
    _total, _title, acts, _title_acts = _cue_sums(tables, hits, len(sentences), n_types)
    paired, _paired_title, _acted = _paired_acts(tables, hits, len(sentences), n_types)
    return (acts + paired) / ZONE_FACTOR[0]


def _cue_sums(
    tables: Tables, hits: Found, size: int, n_types: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Zone-weighted cue sums per (text, event type), the title's part of them, the
    zone-weighted count of acts (strong cues: the evidence rule), and the title's part of
    those."""
    row, entry = expand_some(tables.cue_start, tables.has_cue, hits.pid)
    zone = hits.zone[row] % 3
    key = hits.doc[row] * n_types + tables.cue_type[entry]
    weight = tables.cue_weight[entry] * hits.count[row]
    total = np.bincount(key, weights=weight * ZONE_FACTOR[zone], minlength=size * n_types)
    in_title = zone == 0
    title = np.bincount(
        key[in_title], weights=weight[in_title] * 3.0, minlength=size * n_types
    )
    act = tables.cue_weight[entry] >= et.WEIGHTS["strong_cues"]
    acts = np.bincount(
        key[act], weights=(ZONE_FACTOR[zone] * hits.count[row])[act], minlength=size * n_types
    )
    act &= in_title
    title_acts = np.bincount(
        key[act], weights=(ZONE_FACTOR[0] * hits.count[row])[act], minlength=size * n_types
    )
    shape = (size, n_types)  # (bincount gives integers when there is nothing to weigh)
    return (
        total.reshape(shape).astype(np.float64),
        title.reshape(shape).astype(np.float64),
        acts.reshape(shape).astype(np.float64),
        title_acts.reshape(shape).astype(np.float64),
    )


def _entity_rows(
    tables: Tables, hits: Found, n_docs: int, n_patterns: int
) -> tuple[np.ndarray, ...]:
    """(text, entity, zone, count, named) of every entity mention the batch's hits make.

    Patterns that name entities for sure are expanded here; the others are settled by
    :func:`newsarchive.tag_claims.settle`, knowing which entities each text names for sure.
    """
    row, entry = expand_some(tables.add_start, tables.has_add, hits.pid)
    doc = hits.doc[row]
    entity = tables.add_entity[entry]
    zone = hits.zone[row] % 3
    count = hits.count[row]
    named = tables.add_named[entry]
    if not tables.claims.is_claim[hits.pid].any():
        return doc, entity, zone, count, named
    context_rows, context_entry = expand_some(tables.context_start, tables.has_context, hits.pid)
    more = settle(
        tables.claims,
        hits,
        n_docs,
        n_patterns,
        doc * len(tables.entity_ids) + entity,
        hits.doc[context_rows],
        tables.context[context_entry],
    )
    return tuple(
        np.concatenate([mine, theirs.astype(mine.dtype)])
        for mine, theirs in zip((doc, entity, zone, count, named), more, strict=True)
    )


@dataclass
class _Ranked:
    """Entities per text in rank order: text, entity, mentions per zone, total, salience."""

    doc: np.ndarray
    entity: np.ndarray
    title: np.ndarray
    lead: np.ndarray
    body: np.ndarray
    total: np.ndarray
    salience: np.ndarray
    named: np.ndarray  # False where only adjectives refer to it ("Chinese apps")


def _ranked(
    tables: Tables,
    doc: np.ndarray,
    entity: np.ndarray,
    zone: np.ndarray,
    count: np.ndarray,
    named: np.ndarray,
) -> _Ranked:
    """Mentions summed per (text, entity); passing adjectives dropped; ranked by salience."""
    n_entities = len(tables.entity_ids)
    keys, group = np.unique(doc * n_entities + entity, return_inverse=True)
    groups = len(keys)
    per_zone = np.bincount(group * 3 + zone, weights=count, minlength=groups * 3)
    title, lead, body = per_zone.astype(np.int64).reshape(groups, 3).T
    is_named = np.bincount(group, weights=named, minlength=groups) > 0
    keep = is_named | (title > 0) | (lead > 0) | (body >= 2)
    keys, title, lead, body = keys[keep], title[keep], lead[keep], body[keep]
    is_named = is_named[keep]
    doc, entity = keys // n_entities, keys % n_entities
    total = title + lead + body
    kinds, kind = np.unique(
        (total * 4 + (title > 0) * 2 + (lead > 0)), return_inverse=True
    )
    table = np.array(
        [salience_of(bool(k & 2), bool(k & 1), int(k // 4)) for k in kinds.tolist()],
        dtype=np.float64,
    )
    salience = table[kind] if len(kinds) else np.zeros(0)
    rank = np.empty(len(table), dtype=np.int64)  # kinds by salience, highest first
    rank[np.argsort(-table, kind="stable")] = np.arange(len(table))
    order = _order(
        doc, rank[kind], total.max(initial=0) - total, tables.type_order[entity], entity
    )
    return _Ranked(
        doc[order], entity[order], title[order], lead[order], body[order], total[order],
        salience[order], is_named[order],
    )


def _order(*keys: np.ndarray) -> np.ndarray:
    """The order that sorts by the first key, then the next...: the keys packed into one
    integer where they fit in 63 bits (one sort), else ``np.lexsort``."""
    widths = [int(key.max(initial=0)).bit_length() for key in keys]
    if sum(widths) > 63 or any(int(key.min(initial=0)) < 0 for key in keys):
        return np.lexsort(keys[::-1])
    packed = np.zeros(len(keys[0]), dtype=np.int64)
    for key, width in zip(keys, widths, strict=True):
        packed = (packed << width) | key
    return np.argsort(packed, kind="stable")


def _chosen_types(
    tagger: Matcher,
    tables: Tables,
    raw: np.ndarray,
    title: np.ndarray,
    all_acts: tuple[np.ndarray, np.ndarray],
    ranked: _Ranked,
    main: np.ndarray,
) -> list[list[TaggedEventType]]:
    """The event types reported per text: ``EventScorer.choose`` for every text at once.

    ``all_acts``: the zone-weighted acts per (text, type), and the headline's part of them. A
    type whose act is in the headline needs no share of the best type's sum: the headline says
    what the story reports ("Internet restored after three weeks" over a long recap of the
    shutdown)."""
    acts, title_acts = all_acts
    scorer, rules = tagger.plan.scorer, tables.choice
    size, n_types = raw.shape
    if not n_types:
        return [[] for _ in range(size)]
    active = raw.max(axis=1) >= scorer.min_evidence
    raw = raw.copy()
    if len(rules.need_type) or len(rules.unless_type):
        # what a story is about counts: its main places and services (a news site, a VPN or a
        # measurement tool is no "platform" for a platform block), and its other entities
        counts = main | (tables.main_group[ranked.entity] < 0)
        counts &= tables.is_service[ranked.entity] | ~tables.is_platform[ranked.entity]
        present = np.zeros((size, len(TYPES)), dtype=np.int64)
        present[ranked.doc[counts], tables.type_order[ranked.entity[counts]]] = 1
        raw, acts, title_acts = raw.copy(), acts.copy(), title_acts.copy()
        # halved (score and acts) where the text names no entity of a type it needs ...
        lacking = (present @ rules.needs.T.astype(np.int64)) == 0
        # ... or names one of a type that rules it out
        ruled_out = (present @ rules.unless.T.astype(np.int64)) > 0
        for columns, halve in ((rules.need_type, lacking), (rules.unless_type, ruled_out)):
            raw[:, columns] = np.where(halve & (raw[:, columns] > 0), raw[:, columns] * 0.5,
                                       raw[:, columns])
            acts[:, columns] = np.where(halve, acts[:, columns] * 0.5, acts[:, columns])
            title_acts[:, columns] = np.where(
                halve, title_acts[:, columns] * 0.5, title_acts[:, columns]
            )
    top = raw.max(axis=1)
    headline = title_acts >= ZONE_FACTOR[0]  # one act in the headline
    keep = (raw >= rules.floors) & (raw > 0) & (
        (raw >= rules.relative * top[:, None]) | headline
    )
    keep &= active[:, None] & (acts >= rules.act_floors)  # the evidence rule
    if len(rules.drops):  # a kept type drops the types it excludes that say less
        i, j = rules.drops[:, 0], rules.drops[:, 1]
        says_more = (title[:, i] > title[:, j]) | (
            (title[:, i] <= 0) & (title[:, j] <= 0) & (raw[:, i] >= raw[:, j])
        )
        # two types that exclude each other: the one that says strictly more wins (the
        # headline first, then the sum; on a full tie, the one listed first)
        t_i, t_j, r_i, r_j = title[:, i], title[:, j], raw[:, i], raw[:, j]
        strictly = (t_i > t_j) | ((t_i == t_j) & ((r_i > r_j) | ((r_i == r_j) & (i < j))))
        says_more = np.where(rules.mutual, strictly, says_more)
        drop = keep[:, i] & keep[:, j] & says_more & (keep.sum(axis=1) > 1)[:, None]
        keep &= (drop.astype(np.int64) @ rules.dropped.astype(np.int64)) == 0
    docs, types = np.nonzero(keep)
    pairs: list[list[tuple[int, float]]] = [[] for _ in range(size)]
    for d, i, value in zip(docs.tolist(), types.tolist(), raw[docs, types].tolist(), strict=True):
        pairs[d].append((i, value))
    return [scorer.reported(found) if found else [] for found in pairs]


@functools.cache
def salience_of(in_title: bool, in_lead: bool, mentions: int) -> float:
    """Salience in 0..1: a title mention counts most, then a lead mention, then the count."""
    raw = (2.5 if in_title else 0.0) + (1.2 if in_lead else 0.0) + math.log1p(mentions)
    return round(raw / (raw + 2.0), 3)
