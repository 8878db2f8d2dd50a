"""Open-data exports (CSV, JSON) and sitemap.xml: the pure functions and the plugin adapter."""

from __future__ import annotations

import csv
import importlib
import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest

from newsarchive.open_data import (
    FIELDS,
    Entry,
    Place,
    Platform,
    entry_row,
    rows,
    sitemap_xml,
    to_csv,
    to_json,
)

REPO = Path(__file__).resolve().parent.parent

CALLS = Entry(
    date="2025-08-13",
    title="Russia partially restricts WhatsApp and Telegram calls",
    url="events/2025/russia-restricts-whatsapp-telegram-calls/",
    source="The Moscow Times",
    source_url="https://example.org/calls",
    places=(Place("Russia", "ru"), Place("Crimea", "ua", is_region=True)),
    platforms=(
        Platform("whatsapp", "WhatsApp"),
        Platform("telegram", "Telegram"),
        Platform("max-messenger", "Max"),
    ),
    event_types=("platform-block", "surveillance-data-access"),
    entities=("platform:whatsapp", "country:ru", "platform:telegram", "country:ru"),
    lang="en",
    summary="Roskomnadzor  restricted\ncalls.",
)
OLDER = Entry(date="2018-04-16", title="Russia starts blocking Telegram", url="events/2018/b/")
SAME_DAY = Entry(date="2018-04-16", title="Another", url="events/2018/a/")


def test_row_follows_stop_names_and_splits_countries_from_regions() -> None:
    row = entry_row(CALLS)
    assert list(row) == list(FIELDS)
    assert row["start_date"] == "2025-08-13"
    assert row["country"] == ["Russia"]
    assert row["area_name"] == ["Crimea"]
    assert row["country_code"] == ["RU", "UA"]  # ISO 3166-1 alpha-2, the region's parent too
    assert row["info_source_link"] == "https://example.org/calls"
    assert row["whatsapp_affected"] is True and row["telegram_affected"] is True
    assert row["facebook_affected"] is False and row["twitter_affected"] is False
    assert row["other_affected"] == ["Max"]
    assert row["platforms"] == ["Max", "Telegram", "WhatsApp"]
    assert row["entities"] == ["country:ru", "platform:telegram", "platform:whatsapp"]
    assert row["summary"] == "Roskomnadzor restricted calls."


def test_rows_are_sorted_oldest_first_then_by_url() -> None:
    assert [r["url"] for r in rows([CALLS, OLDER, SAME_DAY])] == [
        "events/2018/a/",
        "events/2018/b/",
        CALLS.url,
    ]


def test_exports_do_not_depend_on_input_order() -> None:
    assert to_json([CALLS, OLDER, SAME_DAY]) == to_json([SAME_DAY, CALLS, OLDER])
    assert to_csv([CALLS, OLDER, SAME_DAY]) == to_csv([OLDER, SAME_DAY, CALLS])


def test_json_is_an_array_of_rows_with_lists_and_booleans() -> None:
    data = json.loads(to_json([CALLS]))
    assert isinstance(data, list) and len(data) == 1
    assert data[0]["country_code"] == ["RU", "UA"]
    assert data[0]["telegram_affected"] is True
    assert to_json([Entry(date="2020-01-01", title="Беларусь", url="x/")]).count("Беларусь") == 1


def test_csv_reads_back_with_header_lists_and_yes_no() -> None:
    text = to_csv([CALLS, OLDER])
    table = list(csv.DictReader(io.StringIO(text)))
    assert list(table[0]) == list(FIELDS)
    calls = table[1]
    assert calls["country_code"] == "RU; UA"
    assert calls["platforms"] == "Max; Telegram; WhatsApp"
    assert calls["whatsapp_affected"] == "Yes" and calls["facebook_affected"] == "No"
    assert table[0]["country"] == ""
    assert "\r" not in text


def test_csv_quotes_commas_and_defuses_spreadsheet_formulas() -> None:
    risky = Entry(date="2021-01-01", title='=HYPERLINK("x"), with comma', url="e/", source="@x")
    row = next(csv.DictReader(io.StringIO(to_csv([risky]))))
    assert row["title"] == '\'=HYPERLINK("x"), with comma'
    assert row["source"] == "'@x"
    assert json.loads(to_json([risky]))[0]["title"].startswith("=")  # JSON keeps the text


def test_sitemap_is_sorted_escaped_and_keeps_latest_date() -> None:
    xml = sitemap_xml(
        [
            ("https://e.org/b/?a=1&b=2", None),
            ("https://e.org/a/", "2020-01-01"),
            ("https://e.org/a/", "2021-05-05"),
        ]
    )
    root = ET.fromstring(xml)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [u.findtext("s:loc", namespaces=ns) for u in root.findall("s:url", ns)]
    assert locs == ["https://e.org/a/", "https://e.org/b/?a=1&b=2"]
    assert root.find("s:url/s:lastmod", ns).text == "2021-05-05"
    assert xml == sitemap_xml(
        [("https://e.org/a/", "2021-05-05"), ("https://e.org/b/?a=1&b=2", None)]
    )


@pytest.fixture()
def site_extras(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(REPO / "plugins"))
    return importlib.import_module("site_extras")


def _article(**extra: object) -> SimpleNamespace:
    msk = timezone(timedelta(hours=3))
    base = {
        "title": "Russia &amp; calls",
        "url": "events/2025/calls/",
        "date": datetime(2025, 8, 13, 23, 30, tzinfo=msk),  # still the 13th in Moscow
        "metadata": {"source-url": "https://example.org/calls"},
        "source": "The Moscow Times",
        "lang": "en",
        "summary": "<p>Calls &rsquo;restricted&rsquo;.</p>",
    }
    return SimpleNamespace(**{**base, **extra})


def test_article_entry_without_entities_plugin(site_extras) -> None:
    entry = site_extras.article_entry(_article())
    assert entry.date == "2025-08-13"
    assert entry.title == "Russia & calls"
    assert entry.summary == "Calls ’restricted’."
    assert entry.source_url == "https://example.org/calls"
    assert entry.places == () and entry.platforms == () and entry.updated == ""


def test_article_entry_reads_entities_and_absolute_url(site_extras) -> None:
    ru = SimpleNamespace(id="ru", type="country", name="Russia")
    crimea = SimpleNamespace(id="crimea", type="country", name="Crimea", parent="ua")
    telegram = SimpleNamespace(id="telegram", type="platform", name="Telegram")
    block = SimpleNamespace(id="platform-block", name="Platform block")
    article = _article(
        countries=[ru, crimea],
        platforms=[telegram],
        event_types=[block],
        entities=[("Countries", [ru, crimea]), ("Platforms", [telegram])],
        modified=datetime(2025, 9, 1, tzinfo=UTC),
    )
    entry = site_extras.article_entry(article, "https://example.org/archive")
    assert entry.url == "https://example.org/archive/events/2025/calls/"
    row = entry_row(entry)
    assert row["country"] == ["Russia"] and row["area_name"] == ["Crimea"]
    assert row["country_code"] == ["RU", "UA"]
    assert row["event_type"] == ["platform-block"]
    assert row["entities"] == ["country:crimea", "country:ru", "platform:telegram"]
    assert row["updated"] == "2025-09-01"


def test_site_pages_skips_assets_drafts_and_pagination(site_extras, tmp_path: Path) -> None:
    def page(rel: str, head: str = "") -> None:
        path = tmp_path / rel / "index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<html><head>{head}</head></html>", encoding="utf-8")

    page("")
    page("page/2")
    page(
        "events/2025/calls",
        '<meta property="article:published_time" content="2025-08-13T15:00">'
        '<meta property="article:modified_time" content="2025-09-01T10:00">',
    )
    page("country/ru")
    page("country/ru/page/2")
    for skipped in ("drafts/x", "pagefind/x", "pagefind-2016-2019/x", "theme/x", "search"):
        page(skipped)
    assert site_extras.site_pages(tmp_path) == [
        ("", None),
        ("country/ru/", None),
        ("events/2025/calls/", "2025-09-01"),
    ]


def test_write_sitemap_is_absolute_and_points_robots_at_it(site_extras, tmp_path: Path) -> None:
    (tmp_path / "events" / "2025" / "calls").mkdir(parents=True)
    (tmp_path / "index.html").write_text("<html></html>", encoding="utf-8")
    (tmp_path / "events" / "2025" / "calls" / "index.html").write_text("<p>", encoding="utf-8")
    (tmp_path / "robots.txt").write_text("# no sitemap: yet\nUser-agent: *\n", encoding="utf-8")
    settings = {"OUTPUT_PATH": str(tmp_path), "SITEURL": "https://example.org/archive/"}
    site_extras.write_sitemap(SimpleNamespace(settings=settings))
    xml = (tmp_path / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.org/archive/events/2025/calls/</loc>" in xml
    robots = (tmp_path / "robots.txt").read_text(encoding="utf-8")
    assert robots.endswith("\nSitemap: https://example.org/archive/sitemap.xml\n")
    site_extras.write_sitemap(SimpleNamespace(settings=settings))  # idempotent
    assert (tmp_path / "robots.txt").read_text(encoding="utf-8") == robots
