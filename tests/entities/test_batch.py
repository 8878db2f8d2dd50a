"""Tagging in batches gives every text what it gets alone, on the shipped gazetteer."""

from __future__ import annotations

import pytest

from newsarchive.tagger import Tagger, TagResult, load_tagger
from tests.sitebuild import REPO

SEED = REPO.parent / "shared" / "seed" / "saved-article.txt"

TRICKY = [
    ("", "", ""),
    ("IRNA", "", ""),  # an acronym alone
    ("", "Max", ""),  # an ambiguous alias, no context
    ("US$ 20 in HK$", "the US and the us", "NATO, nato and Nato"),  # currency, case
    ("ΚΥΠΡΟΣ and Россия", "Ёлка, ёлка", "ي ك ى"),  # final sigma, folded letters
    ("Telegram\x01WhatsApp", "a\x01b", "\x01"),  # the batch's zone mark inside a text
    ("用户无法使用电报发送消息", "", "Роскомнадзор ограничил Телеграм"),
    ("\ud800 a lone surrogate, then Telegram", "\x00 NUL", "ÿ \U0001F600 Telegram"),
]


def _texts() -> list[tuple[str, str, str]]:
    texts = list(TRICKY)
    for path in sorted((REPO / "content").glob("**/*.md")):
        head, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        meta = dict(line.partition(":")[::2] for line in head.splitlines())
        texts.append((meta.get("Title", "").strip(), meta.get("Summary", "").strip(), body))
    if SEED.is_file():
        seed = SEED.read_text(encoding="utf-8")
        texts.append((seed.partition("\n")[0], "", seed))
    return texts


def _plain(result: TagResult) -> tuple:
    return (
        [(e.id, e.type, e.name, e.salience, e.mentions, e.where) for e in result.entities],
        result.event_types,
        result.relevance,
    )


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return load_tagger()


@pytest.mark.parametrize("batch_size", [5, 64])
def test_a_batch_gives_each_text_what_it_gets_alone(tagger: Tagger, batch_size: int) -> None:
    texts = _texts()
    alone = [_plain(tagger.tag(*text)) for text in texts]
    batched = [_plain(r) for r in tagger.tag_many(texts, batch_size=batch_size)]
    assert len(batched) == len(texts)
    assert [i for i, (a, b) in enumerate(zip(alone, batched, strict=True)) if a != b] == []
    assert sum(bool(entities) for entities, _, _ in alone) > len(texts) // 2


def test_the_zone_mark_is_only_a_separator(tagger: Tagger) -> None:
    marked = tagger.tag("Telegram\x01blocked", "", "Roskomnadzor\x01throttled\x01Telegram")
    spaced = tagger.tag("Telegram blocked", "", "Roskomnadzor throttled Telegram")
    assert _plain(marked) == _plain(spaced)
    assert {"telegram", "roskomnadzor"} <= {e.id for e in spaced.entities}


def test_a_match_that_ends_the_text_is_found(tagger: Tagger) -> None:
    # a match reached through a failure link where the input ends: pyahocorasick's iter_long
    # dropped "the block" here (WojciechMula/pyahocorasick#224)
    for zone in range(3):
        texts = ["", "", ""]
        texts[zone] = "Users said that access was restored"
        cues = {(phrase, where) for _, phrase, where, _ in tagger.explain(*texts)}
        assert ("access was restored", ("title", "lead", "body")[zone]) in cues


def test_results_keep_what_a_build_stores(tagger: Tagger) -> None:
    result = tagger.tag("Russia restricts calls on WhatsApp and Telegram", "", "")
    rows = {row[0]: row for row in result.rows}
    for entity in result.entities:
        row = rows[entity.id]
        assert row[1:3] == (entity.salience, entity.mentions)
        assert row[3:] == (entity.where["title"], entity.where["lead"], entity.where["body"])
    assert {"ru", "whatsapp", "telegram"} <= set(rows)
