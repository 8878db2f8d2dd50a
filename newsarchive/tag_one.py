"""Tagging one text in plain Python: the rules of ``newsarchive.tag_batch`` without numpy.

A batch spreads numpy's fixed cost per call over many texts; for a single text that cost
would be most of the work, so ``Tagger.tag_many`` sends batches of fewer than
``SMALL_BATCH`` texts here. The results are the same, rule for rule (tests compare the two on
every text of the starter archive): the same scan form, hits counted per zone, cue sums, sure
entities, acronyms checked at each hit's position, ambiguous and shared aliases settled in
rounds, the passing-mention rule, the ranking and the event-type choice.
"""

from __future__ import annotations

from collections import _count_elements  # the C loop behind Counter
from itertools import chain
from operator import itemgetter

from newsarchive import event_types as et
from newsarchive.entities import TYPES
from newsarchive.tag_batch import salience_of
from newsarchive.tagger import Tagger, TagResult, zone_forms

SMALL_BATCH = 4  # (numpy pays for itself from about four texts)
_TYPE_ORDER = {t: i for i, t in enumerate(TYPES)}
_SECOND = itemgetter(1)


def tag_one(tagger: Tagger, title: str, lead: str, body: str) -> TagResult:
    """Entities, event types and relevance of one (title, lead, body) text."""
    lowered, cased, words = zone_forms([title, lead, body])
    lead_at = lowered.index(b"\xff")
    body_at = lowered.index(b"\xff", lead_at + 1)
    hits: tuple[list[tuple[int, int]], ...] = ([], [], [])  # (end, pattern id) per zone
    pattern_ids = tagger.pattern_ids
    for found, _start, end in tagger.matches(lowered):
        zone = 0 if end <= lead_at else 1 if end <= body_at else 2
        hits[zone].append((end - 1, pattern_ids[found]))
    per_zone: tuple[dict[int, int], ...] = ({}, {}, {})
    for zone in range(3):
        _count_elements(per_zone[zone], map(_SECOND, hits[zone]))
    total = per_zone[2].copy()
    _count_elements(total, chain(map(_SECOND, hits[0]), map(_SECOND, hits[1])))
    cue_raw, title_raw = _cue_sums(tagger, per_zone, total)
    term_raw = 0.0
    for pid in total.keys() & tagger.plan.terms.keys():
        term_raw += tagger.plan.terms[pid] * total[pid]
    rows = _ranked(tagger, *_entity_counts(tagger, per_zone, total, hits, cased))

    entities = tagger.gazetteer.entities
    top = max(cue_raw, default=0.0)
    scorer = tagger.plan.scorer
    types: list[et.TaggedEventType] = []
    if top >= scorer.min_evidence:
        present = {entities[row[0]].type for row in rows}
        types = scorer.choose(cue_raw, present, title_raw)
    platforms = 0.0
    for row in rows:
        if entities[row[0]].type == "platform":
            platforms += row[1]
    relevance = et.relevance_score(term_raw, int(words.sum()), top, platforms)
    return TagResult(rows, types, relevance, entities)


def _cue_sums(
    tagger: Tagger, per_zone: tuple[dict[int, int], ...], total: dict[int, int]
) -> tuple[list[float], list[float]]:
    """Zone-weighted cue sums per event type, and the title's part of them."""
    plan = tagger.plan
    weighed = total.copy()  # a hit counts thrice in the title, twice in the lead
    for pid, n in per_zone[0].items():
        weighed[pid] += 2 * n
    for pid, n in per_zone[1].items():
        weighed[pid] += n
    n_types = len(tagger.event_defs)
    cue_raw, title_raw = [0.0] * n_types, [0.0] * n_types
    for counted, sums, factor in ((weighed, cue_raw, 1.0), (per_zone[0], title_raw, 3.0)):
        for pid in counted.keys() & plan.cue.keys():
            index, weight = plan.cue[pid]
            sums[index] += weight * factor * counted[pid]
        for pid in counted.keys() & plan.cues.keys():
            for index, weight in plan.cues[pid]:
                sums[index] += weight * factor * counted[pid]
    return cue_raw, title_raw


def _entity_counts(
    tagger: Tagger,
    per_zone: tuple[dict[int, int], ...],
    total: dict[int, int],
    hits: tuple[list[tuple[int, int]], ...],
    cased: bytes,
) -> tuple[dict[str, list[int]], set[str]]:
    """Mentions per entity in title, lead and body, and the entities named (not only
    referred to by a demonym)."""
    plan = tagger.plan
    in_title, in_lead = per_zone[0], per_zone[1]
    counts: dict[str, list[int]] = {}
    named: set[str] = set()
    for pid in total.keys() & plan.adds.keys():
        t = in_title.get(pid, 0)
        n = in_lead.get(pid, 0)
        for entity_id, weak in plan.adds[pid]:
            row = counts.setdefault(entity_id, [0, 0, 0])
            row[0] += t
            row[1] += n
            row[2] += total[pid] - t - n
            if not weak:
                named.add(entity_id)
    if not total.keys().isdisjoint(plan.claims.keys()):
        seen = {plan.contexts[pid] for pid in total.keys() & plan.contexts.keys()}
        for zone, entity_id, n, is_named in _settle(tagger, per_zone, hits, cased, seen, counts):
            counts.setdefault(entity_id, [0, 0, 0])[zone] += n
            if is_named:
                named.add(entity_id)
    return counts, named


def _ranked(
    tagger: Tagger, counts: dict[str, list[int]], named: set[str]
) -> list[tuple[str, float, int, int, int, int]]:
    """Rows of the entities mentioned, by salience, mentions, type and id."""
    entities = tagger.gazetteer.entities
    ranked = []
    for entity_id, (t, lead, b) in counts.items():
        if entity_id not in named and not t and not lead and b < 2:
            continue  # a passing adjective ("a Gabonese team") is no mention
        mentions = t + lead + b
        salience = salience_of(t > 0, lead > 0, mentions)
        order = _TYPE_ORDER[entities[entity_id].type]
        ranked.append((-salience, -mentions, order, entity_id, t, lead, b))
    ranked.sort()
    return [(r[3], -r[0], -r[1], r[4], r[5], r[6]) for r in ranked]


def _settle(
    tagger: Tagger,
    per_zone: tuple[dict[int, int], ...],
    ends: tuple[list[tuple[int, int]], ...],
    cased: bytes,
    seen: set[str],
    counts: dict[str, list[int]],
) -> list[tuple[int, str, int, bool]]:
    """(zone, entity id, mentions, named) of the claims one text settles (see tag_claims)."""
    claims_of = tagger.plan.claims
    present = set(counts)
    accepted: list[tuple[int, str, int, bool]] = []
    pending: list[tuple[list[tuple[str, bool]], int, int]] = []
    text = cased
    for zone, counted in enumerate(per_zone):
        for pid in counted.keys() & claims_of.keys():
            entity_claims = claims_of[pid]
            n = counted[pid]
            if len(entity_claims) == 1 and entity_claims[0][1] is None:  # ambiguous only
                pending.append(([(entity_claims[0][0], entity_claims[0][3])], zone, n))
                continue
            survivors = []
            for entity_id, pattern, ambiguous, weak in entity_claims:
                times = n
                if pattern is not None:
                    times = _cased_hits(tagger, text, ends[zone], pid, pattern.encode("latin-1"))
                if times:
                    survivors.append((entity_id, ambiguous, weak, times))
            if not survivors:
                continue
            owners = {s[0] for s in survivors}
            best = max(s[3] for s in survivors)
            if len(owners) == 1 and any(not s[1] for s in survivors):
                owner = survivors[0][0]
                accepted.append((zone, owner, best, not all(s[2] for s in survivors)))
                present.add(owner)
            else:
                pending.append(([(s[0], s[2]) for s in survivors], zone, best))
    while pending:  # rounds: each decided on what the earlier rounds accepted
        met = {e for e in {c[0] for c in chain.from_iterable(p[0] for p in pending)}
               if _context_met(tagger, e, seen, present)}
        still = []
        winners = []
        for claimants, zone, n in pending:
            found = {e for e, _ in claimants if e in met}
            if len(found) == 1:
                winner = found.pop()
                is_named = any(e == winner and not weak for e, weak in claimants)
                accepted.append((zone, winner, n, is_named))
                winners.append(winner)
            else:
                still.append((claimants, zone, n))
        if not winners:
            break
        present.update(winners)
        pending = still
    return accepted


def _cased_hits(
    tagger: Tagger, text: bytes, ends: list[tuple[int, int]], pid: int, pattern: bytes
) -> int:
    """Hits of a pattern whose span, as written, holds an acronym's cased form."""
    length = tagger.tables.claims.length[pid]
    return sum(1 for end, p in ends if p == pid and pattern in text[end - length + 1 : end + 1])


def _context_met(tagger: Tagger, entity_id: str, seen: set[str], present: set[str]) -> bool:
    rule = tagger.rules.get(entity_id)
    if rule is None:
        return False
    if not rule.keys.isdisjoint(seen):
        return True
    return any(other in present for other in rule.entities if other != entity_id)
