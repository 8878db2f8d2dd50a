"""The tagger's fast paths give what the plain ways give (gettext, the cased text, a regex)."""

from __future__ import annotations

import gettext
import unicodedata

import pycountry
import pytest

from newsarchive.entities import _catalog
from newsarchive.tagger import (
    _CURRENCY,
    _count_cased,
    _lower_words,
    _prepare,
    _scan_text_cased,
    normalise,
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


@pytest.mark.parametrize(
    "text",
    [
        "FSB FSB  FSB, and fsb or xFSB",
        "He paid US$ 20,000 in the US; US$5 more.",
        "M-PESA, M PESA and m-pesa; M--PESA",
        "RT RT. RTX xRT (RT)",
        "xFSB FSB; xM PESA M PESA",
        "",
    ],
)
def test_acronym_regex_counts_what_the_cased_text_holds(text: str) -> None:
    words = _lower_words(text)
    form = _scan_text_cased(text, sum(map(len, words)) + 2 * len(words) + 2 if words else 4)
    plain = _CURRENCY.sub(" ", text) if "$" in text else text
    for cased in (" FSB ", " US ", " M  PESA ", " RT ", " A  A "):
        assert _count_cased(cased, plain.encode("ascii")) == form.count(cased), (cased, text)
    assert _count_cased(" A  A ", b"xA A A") == 1  # a match inside a word hides none after it
