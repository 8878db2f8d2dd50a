"""The tagger's fast paths give what the plain ways give (gettext, split and join, a regex)."""

from __future__ import annotations

import gettext
import re
import unicodedata

import pycountry
import pytest

from newsarchive import text_forms
from newsarchive.entities import _catalog
from newsarchive.text_forms import (
    _CURRENCY,
    _INITIAL,
    _lower_currency_prefixes,
    _lower_words,
    _mark_word_starts,
    _prepare,
    normalise,
    zone_forms,
)


@pytest.mark.parametrize("locale", ["ru", "de", "zh_CN", "pt_BR", "fa", "uk"])
def test_catalog_gives_what_gettext_gives(locale: str) -> None:
    translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale])
    catalog = _catalog(locale)
    assert catalog is not None
    names = [c.name for c in pycountry.countries] + [
        n for c in pycountry.countries if (n := getattr(c, "official_name", None))
    ]
    assert [catalog.get(n, n) for n in names] == [translation.gettext(n) for n in names]
    assert _catalog("xx_NOWHERE") is None


def test_prepare_blanks_exactly_the_non_word_characters() -> None:
    sample = "".join(chr(c) for c in range(0x80, 0x3000) if not 0xD800 <= c <= 0xDFFF)
    folds = {"ё": "е", "ي": "ی", "ك": "ک", "ى": "ی"}
    expected = "".join(
        " " if unicodedata.category(ch)[0] in "PSZC" and ch not in "\u200c\u200d" else ch
        for ch in sample
    )
    for old, new in folds.items():
        expected = expected.replace(old, new)
    assert _prepare(sample) == expected
    assert normalise("Россия’s «WhatsApp» — ёж\u00a0ok") == normalise("россия s whatsapp еж ok")


ZONES = [
    ["Roskomnadzor throttles Telegram", "", "\tUS$ 20,000 fine; the US, HK$5 and ABCD$ 1"],
    ["ΟΔΟΣ ΚΥΠΡΟΣ", "İstanbul \u212aelvin Ёлка", "Россия: Ёж, Щука, Юла, Ягода, Жук, Цапля, Чай, "
     "Шар, Эхо, Фара, Хор, Гусь, Дом"],
    ["a\x01b", "\n\n  ", "«Telegram»—ban!  Meta’s \u200cZWNJ 用户无法使用电报"],
    ["", "", ""],
    ["Öcalan und Ümit", "", "Élysée"],  # a few capitals: lower-cased in the UTF-8 bytes
    ["Россия Москва Дума", "Кремль Путин Лавров Шойгу", "Навальный Ельцин Горбачёв"],
    # more capitals than are lower-cased one at a time: the whole text is lower-cased
    [" ".join("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ") + " Ёлка", "ÉCOLE Öz", "ΣΟΦΟΣ"],
]


@pytest.mark.parametrize("zones", ZONES)
def test_zone_forms_hold_each_zones_words_and_align_with_the_cased_form(zones: list[str]) -> None:
    lowered, cased, words, spaces = zone_forms(zones)
    assert spaces.tolist() == [i for i, b in enumerate(lowered) if b == 32]
    assert words.tolist() == [z.count(" ") + z.count("\x01") + bool(z) for z in zones]
    parts = lowered.split(b"\xff")
    assert parts[-1] == b"" and len(parts) == len(zones) + 1
    for part, zone in zip(parts, zones, strict=False):
        words_in = _lower_words(zone.replace("\x01", " "))
        marked = [w[:1].translate(_INITIAL) + w[1:] for w in words_in]
        assert part.split() == marked  # the zone's words, each first byte marked
        assert re.fullmatch(rb" (?:[^ ]+ )*", part), part  # every run of spaces made one
    assert len(cased) == len(lowered)
    assert [i for i, b in enumerate(cased) if b in b" \xff"] == [
        i for i, b in enumerate(lowered) if b in b" \xff"
    ]
    if cased.isascii():
        assert _mark_word_starts(cased.lower()) == lowered


@pytest.mark.parametrize(
    "text", ["US$ 20", "xUS$ 2", "the US$", "$5", "ABCD$", "HK$5 and R$2", "É$ U$ $$ A$B$", ""]
)
def test_currency_prefixes_are_found_from_each_dollar_as_the_regex_finds_them(text: str) -> None:
    assert _lower_currency_prefixes(text) == _CURRENCY.sub(lambda m: m.group(0).lower(), text)


@pytest.mark.parametrize(
    "zones",
    [
        ["İstanbul’da İzmir", "", "a ’b’ c — d"],  # a length change and two folds
        ["Öz ÇAĞ İ", "«Россия» — «Ёлка»", "… “quoted” ‘and’ – dashed •"],  # more than a few
        ["plain", "", ""],
    ],
)
def test_characters_changed_in_the_bytes_as_in_the_str(
    zones: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = zone_forms(zones)
    monkeypatch.setattr(text_forms, "_FEW_BYTE_CHANGES", -1)  # every change made in the str
    slow = zone_forms(zones)
    assert (fast.lowered, fast.cased) == (slow.lowered, slow.cased)
    assert fast.words.tolist() == slow.words.tolist()


def test_replaced_in_numpy_is_bytes_replace() -> None:
    data = "İ ’İ’ ğİ — ‘x’ ı".encode() + b"\xff"
    changes = [("İ", "i̇"), ("’", " "), ("—", " "), ("‘", " ")]
    expected = data
    for char, new in changes:
        expected = expected.replace(char.encode(), new.encode())
    assert text_forms._replaced(data, changes) == expected
    assert text_forms._replaced(b"plain", [("İ", "i̇")]) == b"plain"
    # a non-word character written over with as many spaces as it has bytes (kept in place)
    padded = [(char, " " * len(char.encode()) if new == " " else new) for char, new in changes]
    assert text_forms._replaced(data, padded) == "i̇    i̇    ği̇        x    ı".encode() + b"\xff"
