"""The lexicon's cues (one Aho-Corasick pass for all of them) say what their regexes say."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsarchive.incidents import lexicon as lex
from newsarchive.incidents.lexicon import Cue, _prefixes
from newsarchive.incidents.text import iter_sentences

GOLD = Path(__file__).resolve().parents[1] / "gold" / "incidents" / "articles"
CRAFTED = [
    "The block was imposed on the orders of the Interior Ministry.",
    "Under orders from the governor, operators cut mobile data.",
    "Telecoms acted on instructions from the regulator.",
    "A restriction on calls stayed in place; the opposition called it unlawful.",
    "Following a decision by the court, access was restored.",
    "At the request of the prosecutor, X was blocked.",
    "Mobile internet was cut on 12 May and restored on 14 May.",
    "Internet access has not been restored since Monday.",
    "Access to Telegram remains blocked, Roskomnadzor said.",
    "Communications on the island were disrupted for three days.",
]


def _texts() -> list[str]:
    texts = list(CRAFTED)
    for path in sorted(GOLD.glob("*.md"))[:40]:
        texts += list(iter_sentences(path.read_text(encoding="utf-8")))[:30]
    return texts


def test_a_group_then_a_literal_gives_the_longer_prefix() -> None:
    found = _prefixes(r"\b(?:on|under) (?:the )?orders?\s+of")  # not expanded: \s+
    assert found is not None
    assert {p[0] for p in found} == {"on ", "under "}
    assert all(p[1] and not p[3] for p in found)  # word start; not the whole match
    # a group followed by nothing literal keeps the group's own literals, exact
    assert {p[0] for p in _prefixes(r"\b(?:cut|block)\b") or []} == {"cut", "block"}


@pytest.mark.parametrize("text", _texts())
def test_every_cue_finds_what_its_regex_finds(text: str) -> None:
    lex.reset()
    lex.scan_all([(text, text.lower())])
    cues: list[Cue] = list(lex._CUES)
    assert cues, "the lexicon defines its cues at import"
    for cue in cues:
        expected = cue.regex.search(text) is not None
        assert cue.has(text) is expected, (cue.regex.pattern[:80], text)
        assert (cue.search(text) is not None) is expected, (cue.regex.pattern[:80], text)


@pytest.mark.parametrize("text", CRAFTED)
def test_spans_are_finditer_s_matches_ordered_by_start(text: str) -> None:
    lex.reset()
    lex.scan_all([(text, text.lower())])
    for cue in lex._CUES:
        spans = cue.spans(text)
        assert spans == sorted(spans)
        assert sorted(spans) == sorted((m.start(), m.end()) for m in cue.finditer(text))
