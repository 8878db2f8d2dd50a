"""Aliases that need more than a match, settled for a whole batch of texts at once.

A pattern's entity claims go through here when a match alone does not settle them:

- an acronym ("FSB", "US", "MAX") counts only where the text writes it in capitals: each hit
  is checked at its own position in the batch's form as written, which has the same length
  as the lower-cased one (:func:`newsarchive.text_forms.zone_forms`);
- an alias that is ambiguous ("Max", "Signal", "Turkey") or that several entities share
  ("Supreme Court") counts for the one claimant whose context is met: one of its context words
  occurs in the text, or one of its ``context_entities`` is named there. This is decided in
  rounds: each round accepts, for every alias still pending, the one claimant met given what
  the earlier rounds accepted, until a round accepts nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from newsarchive.matcher import Matcher
from newsarchive.text_forms import _pattern

T = TypeVar("T")


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
    length: list[int]  # pattern -> its length as scanned
    cased_of: dict[int, tuple[tuple[int, bytes], ...]]  # pattern -> (index, cased pattern)
    n_cased: int
    one_cased: np.ndarray  # pattern -> its one cased form if as long as itself, else -1
    cased_right: np.ndarray  # (cased form, byte) right-aligned in a row of the longest's size
    cased_pad: np.ndarray  # cased form -> bytes of padding before it in its row
    n_keys: int  # context keys
    rule_key_start: np.ndarray  # entity -> its slice of rule_key: the context keys its rule lists
    rule_key: np.ndarray
    rule_entity_start: np.ndarray  # entity -> its slice of rule_context: its context entities
    rule_context: np.ndarray  # (numbered among the context entities: see context_number)
    context_number: np.ndarray  # entity -> its number among the context entities (those some
    n_context: int  # other entity's rule lists), or -1; and how many they are

    @classmethod
    def of(
        cls, tagger: Matcher, index: dict[str, int], context_keys: tuple[str, ...]
    ) -> ClaimTables:
        """Lay out a tagger's claims; ``index`` numbers entities, ``context_keys`` keys."""
        n = len(tagger.actions)
        claims = tagger.plan.claims
        cased_index: dict[str, int] = {}
        start, entries = csr(n, {
            pid: [
                (index[entity_id], -1 if cased is None else cased_index.setdefault(
                    cased, len(cased_index)
                ), ambiguous, weak)
                for entity_id, cased, ambiguous, weak in found
            ]
            for pid, found in sorted(claims.items())
        })
        is_claim = np.zeros(n, dtype=bool)
        is_claim[list(claims)] = True
        plain = np.zeros(n, dtype=bool)
        cased_of = {}
        for pid, found in claims.items():
            plain[pid] = len(found) == 1 and found[0][1] is None
            cased = tuple(
                dict.fromkeys((cased_index[c[1]], c[1].encode("latin-1")) for c in found if c[1])
            )
            if cased:
                cased_of[pid] = cased
        has_cased = np.zeros(n, dtype=bool)
        has_cased[list(cased_of)] = True
        length = [len(_pattern(a[4])) if a[4] else 0 for a in tagger.actions]
        one_cased = np.full(n, -1, dtype=np.int64)
        for pid, cased in cased_of.items():
            if len(cased) == 1 and len(cased[0][1]) == length[pid]:
                one_cased[pid] = cased[0][0]
        forms = [c.encode("latin-1") for c in cased_index]
        widest = max(map(len, forms), default=1)
        cased_right = np.zeros((max(len(forms), 1), widest), dtype=np.uint8)
        for at, form in enumerate(forms):
            cased_right[at, widest - len(form) :] = np.frombuffer(form, dtype=np.uint8)
        rule_keys: dict[int, list[int]] = {}
        rule_entities: dict[int, list[int]] = {}
        key_number = {key: i for i, key in enumerate(context_keys)}
        for entity_id, rule in tagger.rules.items():
            if entity_id not in index:
                continue
            me = index[entity_id]
            rule_keys[me] = sorted({key_number[key] for key in rule.keys if key in key_number})
            rule_entities[me] = sorted(
                {index[other] for other in rule.entities if other != entity_id and other in index}
            )
        rule_key_start, rule_key = csr(len(index), rule_keys)
        contexts = sorted({e for found in rule_entities.values() for e in found})
        context_number = np.full(len(index), -1, dtype=np.int64)
        context_number[contexts] = np.arange(len(contexts))
        rule_entity_start, rule_entity = csr(len(index), rule_entities)
        columns = list(zip(*entries, strict=True)) if entries else [(), (), (), ()]
        return cls(
            start=start,
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
            one_cased=one_cased,
            cased_right=cased_right,
            cased_pad=np.array([widest - len(f) for f in forms] or [0], dtype=np.int64),
            n_keys=len(context_keys),
            rule_key_start=rule_key_start,
            rule_key=np.array(rule_key, dtype=np.int64),
            rule_entity_start=rule_entity_start,
            rule_context=context_number[np.array(rule_entity, dtype=np.int64)],
            context_number=context_number,
            n_context=len(contexts),
        )


def csr(n: int, lists: Mapping[int, Sequence[T]]) -> tuple[np.ndarray, list[T]]:
    """Offsets (n + 1) and the concatenated entries of the lists of keys 0..n-1."""
    sizes = np.zeros(n + 1, dtype=np.int64)
    entries: list[T] = []
    for key in sorted(lists):
        sizes[key + 1] = len(lists[key])
        entries.extend(lists[key])
    return np.cumsum(sizes), entries


def expand_some(
    start: np.ndarray, has: np.ndarray, keys: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`expand` over the rows whose key has entries (``has``: per key), the others left
    out first (most patterns have no cue, names no entity for sure...)."""
    rows = np.flatnonzero(has[keys])
    row, entry = expand(start, keys[rows])
    return rows[row], entry


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
    doc: np.ndarray  # zone // 3
    pid: np.ndarray
    count: np.ndarray
    cased: bytes  # the scanned form as written (see newsarchive.text_forms.zone_forms)
    words: np.ndarray  # per zone
    pair_hit: np.ndarray  # the hits that are verbs or objects (in order) ...
    pair_word: np.ndarray  # ... and the number of the word each ends in


def _cased_counts(
    tables: ClaimTables, found: Found, n_patterns: int
) -> tuple[np.ndarray, np.ndarray]:
    """Hits whose span holds the cased form of an acronym, counted per (zone, pattern, form):
    sorted keys ``(zone * n_patterns + pattern) * n_cased + form``, and their counts.

    A pattern with one cased form of its own length (nearly all) is checked in numpy, every
    hit at once; the others (a form inside a longer phrase, or several forms) hit by hit.
    """
    hits = np.flatnonzero(tables.has_cased[found.hit_pid])
    end, pid, zone = found.end[hits], found.hit_pid[hits], found.hit_zone[hits]
    form = tables.one_cased[pid]
    simple = form >= 0
    keys = [_simple_keys(tables, found.cased, end[simple], pid[simple], zone[simple], n_patterns)]
    text, length, n_cased = found.cased, tables.length, tables.n_cased
    others = []
    for at_end, at_pid, at_zone in zip(
        end[~simple].tolist(), pid[~simple].tolist(), zone[~simple].tolist(), strict=True
    ):
        span = text[at_end - length[at_pid] + 1 : at_end + 1]
        for at, pattern in tables.cased_of[at_pid]:
            if pattern in span:
                others.append((at_zone * n_patterns + at_pid) * n_cased + at)
    keys.append(np.array(others, dtype=np.int64))
    return np.unique(np.concatenate(keys), return_counts=True)


def _simple_keys(
    tables: ClaimTables,
    cased: bytes,
    end: np.ndarray,
    pid: np.ndarray,
    zone: np.ndarray,
    n_patterns: int,
) -> np.ndarray:
    """Keys of the hits whose bytes, as written, are their pattern's one cased form."""
    form = tables.one_cased[pid]
    widest = tables.cased_right.shape[1]
    at = end[:, None] + np.arange(1 - widest, 1)
    written = np.frombuffer(cased, dtype=np.uint8)[np.maximum(at, 0)]
    padding = np.arange(widest) < tables.cased_pad[form][:, None]
    same = ((written == tables.cased_right[form]) | padding).all(axis=1)
    return ((zone * n_patterns + pid) * tables.n_cased + form)[same]


def _per_row(
    ufunc: np.ufunc, values: np.ndarray, rows: np.ndarray, n_rows: int, empty: int
) -> np.ndarray:
    """``ufunc`` over the values of each row (``rows`` sorted), ``empty`` for rows without."""
    out = np.full(n_rows, empty, dtype=np.int64)
    if len(rows):
        starts = np.flatnonzero(np.concatenate(([True], rows[1:] != rows[:-1])))
        out[rows[starts]] = ufunc.reduceat(values, starts)
    return out


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
    n_entities = len(tables.context_number)
    rows = np.flatnonzero(tables.is_claim[found.pid])
    zone, pid, count = found.zone[rows], found.pid[rows], found.count[rows]
    row, entry = expand(tables.start, pid)
    entity = tables.entity[entry]
    times = count[row].copy()
    cased = tables.cased[entry]
    with_case = np.flatnonzero(cased >= 0)
    if len(with_case):
        counted, counts = _cased_counts(tables, found, n_patterns)
        keys = (zone[row[with_case]] * n_patterns + pid[row[with_case]]) * tables.n_cased
        keys += cased[with_case]
        at = np.minimum(np.searchsorted(counted, keys), max(len(counted) - 1, 0))
        times[with_case] = np.where(counted[at] == keys, counts[at], 0) if len(counted) else 0
    keep = times > 0
    row, entity, times = row[keep], entity[keep], times[keep]
    ambiguous, weak = tables.ambiguous[entry[keep]], tables.weak[entry[keep]]
    n_rows = len(rows)
    owner_low = _per_row(np.minimum, entity, row, n_rows, n_entities)
    owner_high = _per_row(np.maximum, entity, row, n_rows, -1)
    best = _per_row(np.maximum, times, row, n_rows, 0)
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
    """Pending claims (``item`` numbers the claim rows): each for its one claimant met.

    Each pending claim looks its claimant's rule up in its own text, in two (text, key)
    tables: the context words found (once: they do not change) and the context entities
    named (for sure, then as each round accepts them).
    """
    claim_doc = doc[item]
    n_keys, n_context = tables.n_keys, tables.n_context
    words_found = np.zeros(n_docs * n_keys, dtype=bool)
    words_found[context_doc * n_keys + context_key] = True
    row, entry = expand(tables.rule_key_start, entity)
    by_words = np.zeros(len(item), dtype=bool)
    by_words[row[words_found[claim_doc[row] * n_keys + tables.rule_key[entry]]]] = True
    named_here = np.zeros(n_docs * n_context, dtype=bool)
    number = tables.context_number[present % n_entities]
    named_here[((present // n_entities) * n_context + number)[number >= 0]] = True
    out = []
    n_items = len(doc)
    while len(item):
        row, entry = expand(tables.rule_entity_start, entity)
        met = by_words.copy()
        met[row[named_here[claim_doc[row] * n_context + tables.rule_context[entry]]]] = True
        low = _per_row(np.minimum, entity[met], item[met], n_items, n_entities)
        high = _per_row(np.maximum, entity[met], item[met], n_items, -1)
        settled = (high >= 0) & (low == high)
        if not settled.any():
            break
        named = np.bincount(item[met], weights=~weak[met], minlength=n_items) > 0
        done = np.flatnonzero(settled)
        out.append((doc[done], low[done], zone[done], best[done], named[done]))
        number = tables.context_number[low[done]]
        named_here[(doc[done] * n_context + number)[number >= 0]] = True
        left = ~settled[item]
        item, entity, weak = item[left], entity[left], weak[left]
        claim_doc, by_words = claim_doc[left], by_words[left]
    return out
