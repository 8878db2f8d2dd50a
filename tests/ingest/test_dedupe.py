"""Near-duplicate detection and the identity index."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from newsarchive.dedupe import (
    NEAR_THRESHOLD,
    DedupeIndex,
    Entry,
    _bands,
    guid_key,
    signature,
    similarity,
)

STORY = (
    "The telecom regulator ordered every VPN provider operating in the country to register "
    "and keep logs of its users, warning that unregistered services would be blocked by "
    "internet providers within thirty days. Digital rights groups said the rule would expose "
    "journalists and activists to surveillance and urged parliament to review it. The "
    "regulator said the measure targeted fraud and terrorism and would not affect ordinary "
    "users who relied on approved services for work and study."
)
OTHER = (
    "Mobile internet was cut in three provinces ahead of planned protests on Friday, monitors "
    "said, while fixed broadband kept working in most cities. Officials did not comment on the "
    "outage, which came a day after opposition leaders called for demonstrations over fuel "
    "prices. Residents said messaging apps stopped working in the afternoon and that banks "
    "struggled to process card payments until late in the evening."
)


def test_similarity_separates_copies_from_other_stories() -> None:
    original = signature(STORY)
    assert original is not None
    assert similarity(original, signature(STORY)) == 1.0
    syndicated = signature(f"By Partner Wire. {STORY} This report first appeared elsewhere.")
    trimmed = signature(STORY.rsplit(". ", 1)[0])
    assert similarity(original, syndicated) >= NEAR_THRESHOLD
    assert similarity(original, trimmed) >= NEAR_THRESHOLD
    assert similarity(original, signature(OTHER)) < 0.2
    assert signature("Too short to judge.") is None


def _entry(key: str, text: str, url: str = "", guid: str = "", title: str = "t",
           source: str = "") -> Entry:
    return Entry(key=key, slug=key, urls=[url] if url else [], guid=guid, source_name=source,
                 content_hash=key + "-hash", title=title, date=datetime(2024, 1, 9, tzinfo=UTC),
                 sig=signature(text))


def _match(index: DedupeIndex, **kwargs):
    base = {"urls": [], "guid": "", "source_name": "", "content_hash": "", "sig": None}
    return index.match(**{**base, **kwargs})


def test_index_matches_by_url_guid_content_and_text_never_by_title() -> None:
    index = DedupeIndex()
    index.add(_entry("a", STORY, url="https://a.example/vpn", guid="tag:a,2024:1",
                     title="Regulator orders VPN providers to register and keep logs"))
    index.add(_entry("b", OTHER, url="https://b.example/cut", guid="42", source="Outlet B"))
    assert _match(index, urls=["https://a.example/vpn"]).reason == "url"
    assert _match(index, guid="tag:a,2024:1").key == "a"
    assert _match(index, guid="42", source_name="Outlet B").key == "b"
    assert _match(index, guid="42", source_name="Outlet C") is None  # numeric guids are scoped
    assert _match(index, content_hash="a-hash").reason == "content"
    other_story = _match(index, sig=signature(OTHER.replace("Outlet", "Paper") + " " + STORY[:40]))
    assert other_story is None or other_story.key != "a"  # a headline alone is no match
    near = _match(index, sig=signature("Partner copy. " + STORY))
    assert near.reason == "near" and near.key == "a" and near.score >= NEAR_THRESHOLD
    assert _match(index, sig=signature(OTHER + " " + OTHER[:50])).key == "b"
    index.remove("a")
    assert _match(index, urls=["https://a.example/vpn"]) is None
    assert guid_key("42", "Outlet B") != guid_key("42", "Outlet C")
    assert guid_key("https://x.example/1", "A") == "https://x.example/1"


def test_lookup_touches_only_candidates_sharing_a_band() -> None:
    rng = random.Random(1)
    words = (STORY + " " + OTHER).split()
    index = DedupeIndex()
    for number in range(2000):
        text = " ".join(rng.choice(words) for _ in range(120))
        index.add(_entry(f"k{number}", text))
    probe = signature(" ".join(rng.choice(words) for _ in range(120)))
    candidates = {k for band in _bands(probe) for k in index._by_band.get(band, [])}
    assert len(candidates) < 200  # a small share of the archive, not all of it
