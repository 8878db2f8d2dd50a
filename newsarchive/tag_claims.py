"""Aliases that need more than a match, settled for a whole batch of texts at once.

A pattern's entity claims go through here when a match alone does not settle them:

- an acronym ("FSB", "US", "MAX") counts only where the text writes it in capitals: each hit
  is checked at its own position in the batch's form as written, which has the same length
  as the lower-cased one (:func:`newsarchive.tagger.zone_forms`);
- an alias that is ambiguous ("Max", "Signal", "Turkey") or that several entities share
  ("Supreme Court") counts for the one claimant whose context is met: one of its context words
  occurs in the text, or one of its ``context_entities`` is named there. This is decided in
  rounds: each round accepts, for every alias still pending, the one claimant met given what
  the earlier rounds accepted, until a round accepts nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from newsarchive.tagger import Tagger, _pattern


@dataclass(frozen=True)
class ClaimTables:
    """The claims of every pattern (CSR), and the context rules as sparse maps."""

    start: np.ndarray  # pattern -> its slice of the entry arrays
    entity: np.ndarray
    cased: np.ndarray  # index into cased_patterns, or -1
    ambiguous: np.ndarray
    weak: np.ndarray  # a demonym: refers to a country without naming it
    plain_ambiguous: np.ndarray  # pattern -> its only claim is an ambiguous alias
    is_claim: np.ndarray
    has_cased: np.ndarray
    length: np.ndarray  # pattern -> its length as scanned
    cased_of: dict[int, tuple[tuple[int, str], ...]]  # pattern -> (index, cased pattern)
    n_cased: int
    key_start: np.ndarray  # context key -> entities whose rule lists it
    key_entity: np.ndarray
    dependent_start: np.ndarray  # entity -> entities whose rule lists it as context entity
    dependent_entity: np.ndarray

    @classmethod
    def of(
        cls, tagger: Tagger, index: dict[str, int], context_keys: tuple[str, ...]
    ) -> ClaimTables:
        """Lay out a tagger's claims; ``index`` numbers entities, ``context_keys`` keys."""
        n = len(tagger.actions)
        claims = tagger.plan.claims
        cased_index: dict[str, int] = {}
        sizes = np.zeros(n + 1, dtype=np.int64)
        entries = []
        for pid in sorted(claims):
            sizes[pid + 1] = len(claims[pid])
            for entity_id, cased, ambiguous, weak in claims[pid]:
                at = -1 if cased is None else cased_index.setdefault(cased, len(cased_index))
                entries.append((index[entity_id], at, ambiguous, weak))
        is_claim = np.zeros(n, dtype=bool)
        is_claim[list(claims)] = True
        plain = np.zeros(n, dtype=bool)
        cased_of = {}
        for pid, found in claims.items():
            plain[pid] = len(found) == 1 and found[0][1] is None
            cased = tuple(dict.fromkeys((cased_index[c[1]], c[1]) for c in found if c[1]))
            if cased:
                cased_of[pid] = cased
        has_cased = np.zeros(n, dtype=bool)
        has_cased[list(cased_of)] = True
        length = np.array([len(_pattern(a[4])) if a[4] else 0 for a in tagger.actions])
        key_lists: dict[int, list[int]] = {}
        dependents: dict[int, list[int]] = {}
        key_number = {key: i for i, key in enumerate(context_keys)}
        for entity_id, rule in tagger.rules.items():
            if entity_id not in index:
                continue
            for key in rule.keys:
                if key in key_number:
                    key_lists.setdefault(key_number[key], []).append(index[entity_id])
            for other in rule.entities:
                if other != entity_id and other in index:
                    dependents.setdefault(index[other], []).append(index[entity_id])
        key_start, key_entity = _csr(len(context_keys), key_lists)
        dependent_start, dependent_entity = _csr(len(index), dependents)
        columns = list(zip(*entries, strict=True)) if entries else [(), (), (), ()]
        return cls(
            start=np.cumsum(sizes),
            entity=np.array(columns[0], dtype=np.int64),
            cased=np.array(columns[1], dtype=np.int64),
            ambiguous=np.array(columns[2], dtype=bool),
            weak=np.array(columns[3], dtype=bool),
            plain_ambiguous=plain,
            is_claim=is_claim,
            has_cased=has_cased,
            length=length,
            cased_of=cased_of,
            n_cased=max(len(cased_index), 1),
            key_start=key_start,
            key_entity=key_entity,
            dependent_start=dependent_start,
            dependent_entity=dependent_entity,
        )


def _csr(n: int, lists: dict[int, list[int]]) -> tuple[np.ndarray, np.ndarray]:
    sizes = np.zeros(n + 1, dtype=np.int64)
    values: list[int] = []
    for key in sorted(lists):
        sizes[key + 1] = len(lists[key])
        values.extend(lists[key])
    return np.cumsum(sizes), np.array(values, dtype=np.int64)


def expand(start: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rows with CSR keys: (row of each entry, entry index), rows in order."""
    low = start[keys]
    sizes = start[keys + 1] - low
    row = np.repeat(np.arange(len(keys)), sizes)
    first = np.cumsum(sizes) - sizes
    entry = np.arange(len(row)) - first[row] + low[row]
    return row, entry


@dataclass
class Found:
    """What the scan of a batch found: each hit, and hits counted per (zone, pattern).

    Zones are numbered text * 3 + zone (0 title, 1 lead, 2 body).
    """

    end: np.ndarray  # per hit: where it ends in the scanned form
    hit_pid: np.ndarray
    hit_zone: np.ndarray
    zone: np.ndarray  # per (zone, pattern) row, sorted
    pid: np.ndarray
    count: np.ndarray
    cased: bytes  # the scanned form as written (see newsarchive.tagger.zone_forms)
    words: np.ndarray  # per zone

    @property
    def doc(self) -> np.ndarray:
        return self.zone // 3


def _cased_counts(tables: ClaimTables, found: Found, n_patterns: int) -> dict[int, int]:
    """Hits whose span holds the cased form of an acronym, per (zone, pattern, acronym)."""
    hits = np.flatnonzero(tables.has_cased[found.hit_pid])
    counts: dict[int, int] = {}
    text = found.cased.decode("latin-1")
    length, cased_of, n_cased = tables.length, tables.cased_of, tables.n_cased
    for end, pid, zone in zip(
        found.end[hits].tolist(), found.hit_pid[hits].tolist(), found.hit_zone[hits].tolist(),
        strict=True,
    ):
        span = text[end - length[pid] + 1 : end + 1]
        for at, pattern in cased_of[pid]:
            if pattern in span:
                key = (zone * n_patterns + pid) * n_cased + at
                counts[key] = counts.get(key, 0) + 1
    return counts


def settle(
    tables: ClaimTables,
    found: Found,
    n_docs: int,
    n_patterns: int,
    present: np.ndarray,
    context_doc: np.ndarray,
    context_key: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """(text, entity, zone, count, named) of the claims the batch's texts settle.

    ``present``: text * n_entities + entity of the entities the texts name for sure (repeats
    allowed);
    ``context_doc``/``context_key``: the context words found, per text.
    """
    n_entities = len(tables.dependent_start) - 1
    rows = np.flatnonzero(tables.is_claim[found.pid])
    zone, pid, count = found.zone[rows], found.pid[rows], found.count[rows]
    row, entry = expand(tables.start, pid)
    entity = tables.entity[entry]
    times = count[row].copy()
    cased = tables.cased[entry]
    with_case = np.flatnonzero(cased >= 0)
    if len(with_case):
        counts = _cased_counts(tables, found, n_patterns)
        keys = (zone[row[with_case]] * n_patterns + pid[row[with_case]]) * tables.n_cased
        keys += cased[with_case]
        times[with_case] = [counts.get(k, 0) for k in keys.tolist()]
    keep = times > 0
    row, entity, times = row[keep], entity[keep], times[keep]
    ambiguous, weak = tables.ambiguous[entry[keep]], tables.weak[entry[keep]]
    n_rows = len(rows)
    owner_low = np.full(n_rows, n_entities)
    np.minimum.at(owner_low, row, entity)
    owner_high = np.full(n_rows, -1)
    np.maximum.at(owner_high, row, entity)
    best = np.zeros(n_rows, dtype=np.int64)
    np.maximum.at(best, row, times)
    sure = np.bincount(row, weights=~ambiguous, minlength=n_rows) > 0
    named = np.bincount(row, weights=~weak, minlength=n_rows) > 0
    survives = owner_high >= 0
    plain = tables.plain_ambiguous[pid]
    direct = ~plain & survives & (owner_low == owner_high) & sure
    out = [(zone[direct] // 3, owner_low[direct], zone[direct] % 3, best[direct], named[direct])]
    pending = (plain | ~direct) & survives
    if pending.any():
        on = pending[row]
        doc = zone // 3
        present = np.concatenate([present, doc[direct] * n_entities + owner_low[direct]])
        out += _resolve(
            tables, doc, zone % 3, best, row[on], entity[on], weak[on], present, context_doc,
            context_key, n_docs, n_entities,
        )
    return tuple(np.concatenate(column) for column in zip(*out, strict=True))


def _resolve(
    tables: ClaimTables,
    doc: np.ndarray,
    zone: np.ndarray,
    best: np.ndarray,
    item: np.ndarray,
    entity: np.ndarray,
    weak: np.ndarray,
    present: np.ndarray,
    context_doc: np.ndarray,
    context_key: np.ndarray,
    n_docs: int,
    n_entities: int,
) -> list[tuple[np.ndarray, ...]]:
    """Pending claims (``item`` numbers the claim rows): each for its one claimant met."""
    row, entry = expand(tables.key_start, context_key)
    met_by_words = context_doc[row] * n_entities + tables.key_entity[entry]
    key = doc[item] * n_entities + entity
    out = []
    n_items = len(doc)
    while len(item):
        holder = present % n_entities
        row, entry = expand(tables.dependent_start, holder)
        met_by_entities = (present // n_entities)[row] * n_entities + tables.dependent_entity[entry]
        table = np.zeros(n_docs * n_entities, dtype=bool)  # (text, entity) whose context is met
        table[met_by_words] = True
        table[met_by_entities] = True
        met = table[key]
        low = np.full(n_items, n_entities)
        np.minimum.at(low, item[met], entity[met])
        high = np.full(n_items, -1)
        np.maximum.at(high, item[met], entity[met])
        settled = (high >= 0) & (low == high)
        if not settled.any():
            break
        named = np.bincount(item[met], weights=~weak[met], minlength=n_items) > 0
        done = np.flatnonzero(settled)
        out.append((doc[done], low[done], zone[done], best[done], named[done]))
        present = np.concatenate([present, doc[done] * n_entities + low[done]])
        left = ~settled[item]
        item, entity, weak, key = item[left], entity[left], weak[left], key[left]
    return out
