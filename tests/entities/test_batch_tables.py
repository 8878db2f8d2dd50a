"""The batch tagger's array paths and precomputed tables say what the plain ways say."""

from __future__ import annotations

import gc

import numpy as np

from newsarchive.event_types import PAIR_WINDOW
from newsarchive.tag_batch import _near, scan
from newsarchive.tagger import BATCH_SIZE, Tagger
from newsarchive.text_forms import _lower_cased, _lower_folded, zone_form

ZONES = [
    "Roskomnadzor blocked Telegram and the Max messenger",
    "VK said access to WhatsApp was restricted in Russia",
    "Users in Georgia and Tbilisi could not reach Signal, an encrypted messaging app",
]


def test_match_arrays_are_the_columns_of_the_matches(tagger: Tagger) -> None:
    form = zone_form(ZONES)
    found = tagger.compiled.matches(form)
    patterns, ends = tagger.compiled.match_arrays(form)
    assert patterns.dtype == ends.dtype == np.int64
    assert patterns.tolist() == [match[0] for match in found]
    assert ends.tolist() == [match[2] for match in found]
    assert len(found) > 5


def test_each_entity_s_context_rule_is_laid_out_by_entity(tagger: Tagger) -> None:
    claims, ids = tagger.tables.claims, tagger.tables.entity_ids.tolist()
    keys = tagger.tables.context_keys
    numbered = np.flatnonzero(claims.context_number >= 0).tolist()
    assert claims.context_number[numbered].tolist() == list(range(claims.n_context))
    for entity_id, rule in tagger.compiled.rules.items():
        me = ids.index(entity_id)
        listed = claims.rule_key[claims.rule_key_start[me] : claims.rule_key_start[me + 1]]
        assert {keys[k] for k in listed.tolist()} == {k for k in rule.keys if k in keys}
        named = claims.rule_context[
            claims.rule_entity_start[me] : claims.rule_entity_start[me + 1]
        ]
        assert {ids[numbered[n]] for n in named.tolist()} == {
            other for other in rule.entities if other != entity_id and other in ids
        }
    assert "vk" in {ids[n] for n in numbered}  # the Max messenger's context entity


def test_word_numbers_are_kept_for_the_verbs_and_objects_only(tagger: Tagger) -> None:
    hits = scan(tagger.compiled, tagger.tables, ZONES)
    form = zone_form(ZONES)
    assert hits.pair_hit.tolist() == np.flatnonzero(tagger.tables.pairs[hits.hit_pid]).tolist()
    assert len(hits.pair_hit) >= 2
    for hit, word in zip(hits.pair_hit.tolist(), hits.pair_word.tolist(), strict=True):
        assert word == form[: hits.end[hit]].count(b" ")  # the spaces before its last byte


def test_a_few_two_byte_capitals_are_lowered_as_letter_by_letter() -> None:
    # (the capitals given are every non-ASCII capital of the form, as zone_forms finds them)
    samples = ((" Öz Ümit ÇAĞ öz ", ["Ö", "Ü", "Ç", "Ğ"]), (" Ёлка ЖУК ", ["Ё", "Ж", "У", "К"]))
    for text, capitals in samples:
        cased = text.encode() + b"\xff"
        expected = cased
        for char in capitals:  # (up to four took a bytes.replace pass each)
            expected = expected.replace(char.encode(), _lower_folded(char).encode())
        assert _lower_cased(cased, capitals) == expected
    assert expected == " елка жук ".encode() + b"\xff"


def test_a_batch_s_results_go_to_the_oldest_generation_unwalked(tagger: Tagger) -> None:
    assert gc.isenabled()
    results = tagger.tag_many([("Roskomnadzor blocked Telegram", "", "VK and Max")] * BATCH_SIZE)
    assert gc.isenabled()
    young = {id(o) for generation in (0, 1) for o in gc.get_objects(generation=generation)}
    assert not any(id(result) in young for result in results)
    assert results[0].rows and id(results[0].rows) not in young
    lone = tagger.tag("Roskomnadzor blocked Telegram")  # a text alone: left where it is
    assert id(lone) in {id(o) for generation in (0, 1) for o in gc.get_objects(generation)}


def test_a_process_that_froze_objects_keeps_them_frozen(tagger: Tagger) -> None:
    def in_a_generation(obj: object) -> bool:
        return any(o is obj for generation in (0, 1, 2) for o in gc.get_objects(generation))

    kept = [["read before the build froze it"]]
    gc.freeze()
    try:
        assert not in_a_generation(kept)
        tagger.tag_many([("Roskomnadzor blocked Telegram", "", "")] * BATCH_SIZE)
        # (the freeze count is no test: a frozen object that dies leaves the frozen set)
        assert not in_a_generation(kept) and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_near_looks_within_the_window_on_either_side() -> None:
    keys = np.array([10, 20, 40], dtype=np.int64)
    at = np.arange(0, 60, dtype=np.int64)
    expected = [any(abs(k - a) <= PAIR_WINDOW for k in keys.tolist()) for a in at.tolist()]
    assert _near(keys, at).tolist() == expected
    assert _near(keys[:0], at).tolist() == [False] * len(at)
