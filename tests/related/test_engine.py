"""The related-stories engine on small hand-made archives: no Pelican involved."""

from __future__ import annotations

import math
import os
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from newsarchive import related as engine
from newsarchive.related import (
    Document,
    EntityRef,
    EventRef,
    Settings,
    canonical_url,
    normalise_token,
    related,
    settings_from,
)

START = datetime(2024, 1, 1, tzinfo=UTC)
RU = EntityRef("country:ru", "Russia", 1.0)
TG = EntityRef("platform:telegram", "Telegram", 0.8)
WA = EntityRef("platform:whatsapp", "WhatsApp", 0.8)
RKN = EntityRef("body:roskomnadzor", "Roskomnadzor", 0.6)
IR = EntityRef("country:ir", "Iran", 1.0)
IN = EntityRef("country:in", "India", 1.0)
BLOCK = EventRef("platform-block", "platform block", 0.9)
SHUTDOWN = EventRef("shutdown", "shutdown", 0.9)


def doc(slug: str, day: float = 0, *, entities=(), types=(), title="", body="", **kw) -> Document:
    """A story ``day`` days after 1 January 2024."""
    return Document(
        key=slug,
        slug=slug,
        date=START + timedelta(days=day),
        title=title or slug.replace("-", " "),
        body=body,
        entities=list(entities),
        event_types=list(types),
        **kw,
    )


def filler(n: int, seed: int = 1) -> list[Document]:
    """Unrelated background stories so that idf means something."""
    rng = random.Random(seed)
    words = [
        "court",
        "ruling",
        "election",
        "protest",
        "fibre",
        "cable",
        "outage",
        "minister",
        "budget",
        "tariff",
    ]
    countries = [EntityRef(f"country:x{i}", f"Country {i}") for i in range(30)]
    return [
        doc(
            f"filler-{i:03d}",
            rng.uniform(-900, 900),
            entities=[rng.choice(countries)],
            title=" ".join(rng.sample(words, 4)),
            body=" ".join(rng.choices(words, k=40)),
        )
        for i in range(n)
    ]


def keys(result: dict, slug: str) -> list[str]:
    return [m.key for m in result[slug]]


# -- settings --------------------------------------------------------------------------------


def test_settings_defaults() -> None:
    s = settings_from({})
    assert s.max_results == 5
    assert s.weights == engine.DEFAULT_WEIGHTS
    assert s.half_life_days > 0 and 0 <= s.min_score < 1


def test_settings_override_and_merge_weights() -> None:
    s = settings_from(
        {
            "RELATED_STORIES_MAX": 3,
            "RELATED_STORIES_WEIGHTS": {"text": 0.5},
            "RELATED_STORIES_HALF_LIFE_DAYS": 7,
            "RELATED_STORIES_MIN_SCORE": 0.2,
        }
    )
    assert (s.max_results, s.half_life_days, s.min_score) == (3, 7.0, 0.2)
    assert s.weights["text"] == 0.5 and s.weights["entities"] == engine.DEFAULT_WEIGHTS["entities"]


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ({"RELATED_STORIES_MAX": -1}, "RELATED_STORIES_MAX"),
        ({"RELATED_STORIES_MAX": "5"}, "RELATED_STORIES_MAX"),
        ({"RELATED_STORIES_MAX": True}, "RELATED_STORIES_MAX"),
        ({"RELATED_STORIES_WEIGHTS": [1, 2]}, "RELATED_STORIES_WEIGHTS"),
        ({"RELATED_STORIES_WEIGHTS": {"colour": 1}}, "colour"),
        ({"RELATED_STORIES_WEIGHTS": {"text": -1}}, "text"),
        (
            {"RELATED_STORIES_WEIGHTS": {"text": 0, "entities": 0, "event_type": 0}},
            "all 0",
        ),
        ({"RELATED_STORIES_HALF_LIFE_DAYS": 0}, "HALF_LIFE"),
        ({"RELATED_STORIES_HALF_LIFE_DAYS": float("nan")}, "HALF_LIFE"),
        ({"RELATED_STORIES_MIN_SCORE": 1.0}, "MIN_SCORE"),
        ({"RELATED_STORIES_POSTING_CAP": 0}, "POSTING_CAP"),
        ({"RELATED_STORIES_MAXIMUM": 3}, "RELATED_STORIES_MAXIMUM"),
    ],
)
def test_settings_reject_bad_values(raw: dict, named: str) -> None:
    with pytest.raises(ValueError, match=named):
        settings_from(raw)


# -- text ------------------------------------------------------------------------------------


def test_tokens_drop_stop_words_numbers_and_punctuation() -> None:
    assert normalise_token("the") is None
    assert normalise_token("and,") is None
    assert normalise_token("2024") is None
    assert normalise_token("что", "ru") is None
    assert normalise_token("(Telegram),") == "telegram"


def test_tokens_fold_english_plurals_and_possessives() -> None:
    assert normalise_token("blocks") == normalise_token("block") == "block"
    assert normalise_token("countries") == "country"
    assert normalise_token("russia's") == "russia"
    assert normalise_token("access") == "access"  # no false plural


def test_tokens_fold_russian_endings() -> None:
    forms = ["блокировка", "блокировки", "блокировку", "блокировкой"]
    assert len({normalise_token(f, "ru") for f in forms}) == 1


def test_plain_text_strips_markup() -> None:
    assert engine.plain_text("<p>Russia&rsquo;s <b>block</b></p>").split() == ["Russia’s", "block"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://www.example.org/a/b/", "http://example.org/a/b"),
        ("https://example.org/a/b/amp/", "https://example.org/a/b"),
        ("https://example.org/a?utm_source=x&id=3#top", "https://example.org/a?id=3"),
        ("https://EXAMPLE.org/a", "https://example.org/a"),
    ],
)
def test_canonical_urls_match(a: str, b: str) -> None:
    assert canonical_url(a) == canonical_url(b)


def test_canonical_urls_keep_identifying_parts() -> None:
    assert canonical_url("https://example.org/a?id=3") != canonical_url(
        "https://example.org/a?id=4"
    )
    assert canonical_url("https://example.org/a") != canonical_url("https://example.org/b")


# -- what is related -------------------------------------------------------------------------


def test_same_unfolding_event_comes_first() -> None:
    docs = [
        doc(
            "ru-telegram-block",
            0,
            entities=[RU, TG, RKN],
            types=[BLOCK],
            body="Roskomnadzor ordered providers to block Telegram messenger.",
        ),
        doc(
            "ru-telegram-block-day-3",
            3,
            entities=[RU, TG, RKN],
            types=[BLOCK],
            body="Providers kept blocking Telegram as Roskomnadzor widened the block.",
        ),
        doc(
            "ru-whatsapp-block",
            400,
            entities=[RU, WA],
            types=[BLOCK],
            body="Russia restricted WhatsApp calls.",
        ),
        doc(
            "iran-shutdown",
            2,
            entities=[IR],
            types=[SHUTDOWN],
            body="Iran cut mobile internet across provinces.",
        ),
        *filler(60),
    ]
    result = related(docs)
    top = result["ru-telegram-block"][0]
    assert top.key == "ru-telegram-block-day-3"
    # shared entities by weight (idf · salience), then the event type, then the time
    assert top.reasons[:3] == ("Russia", "Telegram", "Roskomnadzor")
    assert "platform block" in top.reasons and top.reasons[-1] == "same week"
    assert keys(result, "ru-telegram-block").index("ru-whatsapp-block") > 0


def test_rare_entity_outweighs_common_one() -> None:
    common = EntityRef("country:big", "Bigland")
    rare = EntityRef("law:rare-act", "Rare Act")
    background = [doc(f"big-{i}", i * 50, entities=[common]) for i in range(40)]
    docs = [
        doc("query", 0, entities=[common, rare]),
        doc("shares-rare", 500, entities=[rare]),
        doc("shares-common", 500, entities=[common]),
        *background,
    ]
    order = keys(related(docs, Settings(max_results=50, min_score=0)), "query")
    assert order.index("shares-rare") < order.index("shares-common")


def test_salience_counts() -> None:
    strong = EntityRef("platform:tg", "Telegram", 1.0)
    weak = EntityRef("platform:tg", "Telegram", 0.1)
    other = EntityRef("country:zz", "Zedland", 1.0)
    docs = [
        doc("query", 0, entities=[strong, other]),
        doc("central", 100, entities=[strong]),
        doc("passing", 100, entities=[weak, EntityRef("country:yy", "Whyland")]),
        *filler(30),
    ]
    assert keys(related(docs, Settings(min_score=0)), "query")[0] == "central"


def test_text_similarity_links_stories_without_entities() -> None:
    docs = [
        doc("a", 0, title="Submarine cable cut off Djibouti", body="cable repair ship Djibouti"),
        doc("b", 200, title="Djibouti cable repair ship arrives", body="submarine cable cut"),
        *filler(40),
    ]
    assert keys(related(docs), "a")[:1] == ["b"]
    # no entity, no kind and months apart: the reader is still told why
    assert related(docs)["a"][0].reasons == ("similar wording",)


def test_nearness_in_time_and_half_life() -> None:
    same = {"entities": [RU, TG], "types": [BLOCK], "body": "telegram block"}
    docs = [doc("q", 0, **same), doc("near", 2, **same), doc("far", 300, **same), *filler(30)]
    near, far = related(docs, Settings(min_score=0))["q"][:2]
    assert (near.key, far.key) == ("near", "far")
    half = 10.0
    scored = related(docs, Settings(min_score=0, half_life_days=half))["q"]
    by_key = {m.key: m.score for m in scored}
    w = engine.DEFAULT_WEIGHTS["time"]
    content = by_key["near"] * (1 + w) / (1 + w * math.exp(-math.log(2) * 2 / half))
    expected_far = content * (1 + w * math.exp(-math.log(2) * 300 / half)) / (1 + w)
    assert by_key["far"] == pytest.approx(expected_far, abs=2e-4)


def test_reasons_name_the_time() -> None:
    same = {"entities": [RU, TG], "types": [BLOCK]}
    docs = [
        doc("q", 0, **same),
        doc("day", 0.5, **same),
        doc("month", 20, **same),
        doc("year", 365, **same),
    ]
    reasons = {m.key: m.reasons for m in related(docs, Settings(min_score=0))["q"]}
    assert reasons["day"][-1] == "same day"
    assert reasons["month"][-1] == "same month"
    assert reasons["year"] == ("Russia", "Telegram", "platform block")


# -- never itself, its translation or its duplicate ------------------------------------------


def test_never_itself_its_translation_or_its_duplicate() -> None:
    same = {"entities": [RU, TG], "types": [BLOCK], "body": "telegram blocked in russia"}
    docs = [
        doc("story", 0, group="story", urls=["https://www.example.org/news/1/"], **same),
        doc("story-ru", 0, group="story", lang="ru", **same),
        doc("copy", 1, urls=["http://example.org/news/1?utm_source=feed"], **same),
        doc(
            "seen-elsewhere",
            1,
            urls=["https://other.example/x", "https://example.org/news/1"],
            **same,
        ),
        doc("different", 5, urls=["https://example.org/news/2"], **same),
        *filler(20),
    ]
    result = related(docs, Settings(min_score=0))
    for family in ("story", "story-ru", "copy", "seen-elsewhere"):
        found = keys(result, family)
        assert family not in found
        assert {"story", "story-ru", "copy", "seen-elsewhere"}.isdisjoint(found)
        assert found[0] == "different"
    assert sum(k in {"story", "story-ru", "copy"} for k in keys(result, "different")) == 1


def test_drafts_get_lists_but_are_never_offered() -> None:
    same = {"entities": [RU, TG], "types": [BLOCK]}
    docs = [doc("draft", 0, target=False, **same), doc("a", 1, **same), doc("b", 2, **same)]
    result = related(docs, Settings(min_score=0))
    assert keys(result, "draft") == ["a", "b"] or keys(result, "draft") == ["b", "a"]
    assert "draft" not in keys(result, "a") + keys(result, "b")


# -- limits and determinism ------------------------------------------------------------------


def test_max_results_and_min_score() -> None:
    same = {"entities": [RU, TG], "types": [BLOCK]}
    docs = [doc(f"s{i}", i, **same) for i in range(12)]
    assert all(len(v) == 5 for v in related(docs).values())
    assert all(len(v) == 2 for v in related(docs, Settings(max_results=2)).values())
    assert all(v == [] for v in related(docs, Settings(max_results=0)).values())
    floor = related(docs, Settings(min_score=0.99, max_results=20))
    assert all(m.score >= 0.99 for v in floor.values() for m in v)
    unrelated = [doc("x", 0, entities=[IR]), doc("y", 0, entities=[IN])]
    assert related(unrelated) == {"x": [], "y": []}


def test_scores_are_symmetric_and_within_0_1() -> None:
    docs = [
        doc("a", 0, entities=[RU, TG], types=[BLOCK], body="telegram block roskomnadzor"),
        doc("b", 9, entities=[RU, TG, RKN], types=[BLOCK], body="roskomnadzor telegram"),
        *filler(30),
    ]
    result = related(docs, Settings(min_score=0))
    ab = next(m.score for m in result["a"] if m.key == "b")
    ba = next(m.score for m in result["b"] if m.key == "a")
    assert ab == ba and 0 < ab <= 1


def test_ties_broken_by_date_then_slug_whatever_the_input_order() -> None:
    same = {"entities": [RU, TG], "types": [BLOCK]}
    docs = [
        doc("q", 100, **same),
        doc("b-old", 0, **same),
        doc("a-old", 0, **same),
        doc("c-new", 200, **same),
    ]
    settings = Settings(min_score=0, weights={**engine.DEFAULT_WEIGHTS, "time": 0.0})
    expected = related(docs, settings)
    assert keys(expected, "q") == ["c-new", "a-old", "b-old"]
    for seed in range(5):
        shuffled = docs[:]
        random.Random(seed).shuffle(shuffled)
        assert related(shuffled, settings) == expected


def test_deterministic_on_a_larger_archive() -> None:
    docs = filler(300, seed=3)
    first = related(docs)
    assert related(list(reversed(docs))) == first
    assert related(docs, chunk=64) == first


def test_duplicate_keys_rejected() -> None:
    with pytest.raises(ValueError, match="key"):
        related([doc("same", 0), doc("same", 1)])


# -- cost ------------------------------------------------------------------------------------


def test_candidates_bounded_by_posting_cap() -> None:
    """Everyone shares one common entity: each story still only meets the cap nearest it."""
    n, cap = 600, 16
    settings = Settings(posting_cap=cap, probe_keys=1, shortlist=1000)
    docs = [doc(f"s{i:04d}", i, entities=[RU]) for i in range(n)]
    rows, _ = engine._vectors(docs, settings)
    index = engine._index(rows, np.ones(n, dtype=bool))
    probe = engine._probes(rows, 1, settings)
    days = np.arange(n, dtype=float)
    story, other = engine._candidates(probe, index, np.arange(n), days, settings)
    per_story = np.bincount(story, minlength=n)
    assert per_story.max() <= cap
    assert np.abs(story - other).max() <= cap  # stories nearest in time
    assert len(story) <= n * cap  # linear, not n²


def test_counting_terms_in_forked_processes_changes_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    docs = filler(400, seed=5)
    docs += [
        doc(f"ru-{i}", i, entities=[RU], body=f"блокировка telegram {i} роскомнадзор")
        for i in range(40)
    ]
    alone = related(docs, Settings(processes=1))
    monkeypatch.setattr(engine, "PARALLEL_MIN_STORIES", 10)
    monkeypatch.setattr(engine.sys, "platform", "linux")
    assert engine._processes(3, len(docs)) == 3
    assert related(docs, Settings(processes=3)) == alone


def test_same_lists_whatever_the_string_hash_seed() -> None:
    """Builds run in fresh processes: nothing may depend on str hashing (set order)."""
    import subprocess
    import sys

    script = (
        "import json, random\n"
        "from tests.related.test_engine import filler, doc, RU, TG, BLOCK\n"
        "from newsarchive.related import related\n"
        "docs = filler(200, seed=7) + [doc(f'r{i}', i, entities=[RU, TG], types=[BLOCK],"
        " body='telegram blocked ' * (i % 3) + 'roskomnadzor block order') for i in range(30)]\n"
        "print(json.dumps({k: [list(m) for m in v] for k, v in related(docs).items()}))\n"
    )
    outputs = set()
    for seed in ("1", "2", "3"):
        done = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[2],
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
