"""Normalisation: one-line metadata, URLs, dates, languages, slugs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from newsarchive.normalize import (
    canonical_url,
    clean_line,
    clean_text,
    format_date,
    guess_language,
    normalize_language,
    parse_date,
    slugify,
    unique_slug,
)


def test_clean_line_removes_line_breaks_controls_and_invisible_characters() -> None:
    assert clean_line("Title\nDate: 1999\r\nX") == "Title Date: 1999 X"
    assert clean_line("a\u2028b\u2029c\x85d") == "a b c d"
    assert clean_line("zero\u200bwidth\u202eoverride\ufeff\x07bell") == "zerowidthoverridebell"
    assert clean_line("  spaced\t out  ") == "spaced out"
    assert clean_line("Cafe\u0301") == "Café"  # NFC
    assert clean_line("می\u200cخواهم") == "می\u200cخواهم"  # ZWNJ is kept for Persian


def test_clean_text_keeps_paragraphs() -> None:
    assert clean_text("One\nline\n\n\n  Two \x00 \r\n\r\nThree") == "One line\n\nTwo\n\nThree"


def test_canonical_url_drops_tracking_and_normalises() -> None:
    url = ("HTTPS://Example.ORG:443/news/story?utm_source=rss&id=7&fbclid=x&gclid=y"
           "&utm_medium=feed&mc_cid=1#comments")
    assert canonical_url(url) == "https://example.org/news/story?id=7"
    assert canonical_url("http://example.org:8080/a b,c") == "http://example.org:8080/a%20b%2Cc"
    assert canonical_url("/relative", "https://example.org/dir/page") == (
        "https://example.org/relative")
    assert canonical_url("javascript:alert(1)") == ""
    assert canonical_url("mailto:x@example.org") == ""
    assert canonical_url("https://пример.рф/путь") == "https://xn--e1afmkfd.xn--p1ai/%D0%BF%D1%83%D1%82%D1%8C"


def test_parse_date_keeps_offsets_and_assumes_utc_only_when_none() -> None:
    rfc = parse_date("Tue, 09 Jan 2024 14:30:00 +0500")
    assert rfc == datetime(2024, 1, 9, 14, 30, tzinfo=timezone(timedelta(hours=5)))
    assert format_date(rfc) == "2024-01-09T14:30:00+05:00"
    assert format_date(parse_date("2024-07-18T21:00:00+06:00")) == "2024-07-18T21:00:00+06:00"
    assert parse_date("2024-07-18T21:00:00Z").utcoffset() == timedelta(0)
    assert parse_date("2024-07-18").tzinfo == UTC
    assert parse_date("Mon, 02 Sep 2024 10:00:00 EDT").utcoffset() == timedelta(hours=-4)
    assert parse_date("not a date") is None
    assert parse_date("0001-01-01T00:00:00Z") is None  # bogus years are refused


def test_languages() -> None:
    assert normalize_language("en-GB") == "en"
    assert normalize_language("pt_BR") == "pt"
    assert normalize_language("English") == ""
    assert guess_language("Власти заблокировали доступ к мессенджеру в регионе") == "ru"
    assert guess_language("Влада заблокувала доступ до месенджера і соцмереж") == "uk"
    assert guess_language("دولت دسترسی به اینترنت را قطع کرد") == "fa"
    assert guess_language("قطعت الحكومة الإنترنت في البلاد") == "ar"
    assert guess_language("The government cut the internet in the region after the vote") == "en"
    assert guess_language("123 456") == ""


def test_slugs_are_ascii_stable_and_unique() -> None:
    assert slugify("Россия блокирует Telegram") == "rossiia-blokiruet-telegram"
    assert slugify("Türkiye: Instagram'a erişim engeli!") == "turkiye-instagrama-erisim-engeli"
    assert slugify("AT&T and “quotes”") == "at-and-t-and-quotes"
    assert len(slugify("word " * 100)) <= 80
    taken = {"internet-cut"}
    first = unique_slug("Internet cut", "https://a.example/1", taken)
    assert first != "internet-cut" and first.startswith("internet-cut-")
    assert unique_slug("Internet cut", "https://a.example/1", taken) == first  # stable
    assert unique_slug("Internet cut", "https://b.example/2", taken) != first
    assert unique_slug("🙂🙂", "key", set()).startswith("article-")
    assert unique_slug("Internet cut", "k", lambda s: s in {"internet-cut"}) != "internet-cut"
