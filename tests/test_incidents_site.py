"""Incidents on the built site: pages, the fact box, the index orders, the feed, open data.

One small site is built per module from a few of the bundled articles (three stories of
incidents with follow-ups, one unrelated story), its search index split in small shards.
What the engine groups may change as it improves, so the checks read
``data/incidents.json`` and verify that every page, box, feed entry and CSV row agrees with
it; the fact box itself (provenance links, disagreeing values, editor-set facts) is also
rendered from a hand-made incident.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote, urljoin

import pytest
from bs4 import BeautifulSoup

from newsarchive.incidents.model import Fact, Incident, Provenance
from newsarchive.open_data import incident_row, incident_rows, incidents_to_csv
from tests.sitebuild import REPO, build_site

CONTRACT_FIELDS = [
    "incident_id", "title", "start_date", "end_date", "status", "duration_hours", "country",
    "country_code", "area_name", "geo_scope", "event_type", "shutdown_type",
    "affected_services", "ordered_by", "official_justification", "articles",
    "info_source_link",
]
LIST_FIELDS = {"country_code", "affected_services", "articles", "info_source_link"}
ARTICLES = [
    "2025/russia-restricts-whatsapp-telegram-calls.md",
    "2025/rossiya-roskomnadzor-podtverdil-ogranichenie-zvonkov.md",
    "2025/russia-roskomnadzor-no-decision-to-lift-call-restrictions.md",
    "2025/russia-max-messenger-mandatory-preinstall.md",
    "2024/senegal-cuts-mobile-internet-election-delay.md",
    "2024/senegal-mobile-internet-restored-february-2024.md",
    "2024/brazil-supreme-court-suspends-x.md",
    "2024/brazil-supreme-court-panel-upholds-x-suspension.md",
    "2024/brazil-x-ban-lifted-after-compliance.md",
]
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small site: nine bundled articles and the bundled pages, built once."""
    root = tmp_path_factory.mktemp("incidents-site")
    content = root / "content"
    for name in ARTICLES:
        target = content / "articles" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / "content" / "articles" / name, target)
    shutil.copytree(REPO / "content" / "pages", content / "pages")
    output = root / "output"
    # Shards of at most 3 article pages: the incidents get a Pagefind bundle of their own.
    # and three rows a page, so the index orders are paginated.
    build_site(
        output, content=content, settings={
            "PAGEFIND_MAX_SHARD_PAGES": 3,
            "PAGEFIND_SPLIT_MIN_PAGES": 1,
            "INCIDENTS_PER_PAGE": 3,
        }
    )
    return output


def table_rows(site: Path, url: str) -> list[tuple[str, object]]:
    """Every row of an index order, following its pages: (page URL, <tr>)."""
    rows = []
    seen = set()
    while url not in seen:
        seen.add(url)
        page = soup(page_of(site, url))
        rows += [(url, tr) for tr in page.select("table.incident-table tbody tr")]
        following = page.select_one('nav.pagination a[rel="next"]')
        if following is None:
            break
        url = resolve(url, following["href"])
    return rows


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def page_of(site: Path, url: str) -> Path:
    return site / url / "index.html"


def resolve(page_url: str, href: str) -> str:
    """A relative link of the page at ``page_url`` as a path from the site root."""
    return urljoin("http://x/" + page_url, href).removeprefix("http://x/").split("#")[0]


@pytest.fixture(scope="module")
def incidents(site: Path) -> list[dict]:
    return json.loads((site / "data" / "incidents.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def incident_urls(site: Path, incidents: list[dict]) -> dict[str, str]:
    """incident_id -> the incident page's URL, read from the first report's fact box."""
    urls = {}
    for row in incidents:
        first = row["articles"][0]
        box = soup(page_of(site, first)).select_one(".event__aside .incident-box")
        assert box is not None, f"{first} reports {row['incident_id']} but shows no fact box"
        urls[row["incident_id"]] = resolve(first, box.select_one(".incident-box__title a")["href"])
    return urls


# ---- open data --------------------------------------------------------------------------


def test_json_rows_have_exactly_the_contract_fields(incidents: list[dict]) -> None:
    assert incidents, "no incident built from the small archive"
    for row in incidents:
        assert list(row) == CONTRACT_FIELDS
        for name in LIST_FIELDS:
            assert isinstance(row[name], list), (name, row[name])
        assert row["status"] in {"ongoing", "ended", "unknown"}
        assert all(code.isupper() and len(code) == 2 for code in row["country_code"])
        date.fromisoformat(row["start_date"])
        if row["end_date"] is not None:
            assert row["end_date"] >= row["start_date"]
        assert row["duration_hours"] is None or isinstance(row["duration_hours"], int)
        assert row["articles"] and all(u.startswith("events/") for u in row["articles"])
    assert any(len(row["articles"]) >= 2 for row in incidents), "no incident with two reports"


def test_every_article_url_is_a_url_of_articles_json(site: Path, incidents: list[dict]) -> None:
    article_urls = {
        row["url"] for row in json.loads((site / "data" / "articles.json").read_text())
    }
    for row in incidents:
        assert set(row["articles"]) <= article_urls


def test_csv_matches_json_row_for_row(site: Path, incidents: list[dict]) -> None:
    text = (site / "data" / "incidents.csv").read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text))
    assert next(reader) == CONTRACT_FIELDS
    rows = list(reader)
    assert len(rows) == len(incidents)
    for cells, row in zip(rows, incidents, strict=True):
        for name, cell in zip(CONTRACT_FIELDS, cells, strict=True):
            value = row[name]
            if name in LIST_FIELDS:
                assert cell == "; ".join(value)
            elif value is None:
                assert cell == ""
            elif name == "official_justification":
                assert cell.startswith(value["category"] or value["quote"][:1])
            else:
                assert cell.lstrip("'") == str(value)


def test_open_data_rows_normalise_and_defuse() -> None:
    record = {
        "incident_id": "2025-x",
        "title": "=HYPERLINK(evil)",
        "start_date": "2025-01-02",
        "end_date": "",
        "status": "ended",
        "duration_hours": True,  # not a number: dropped
        "country": "Russia",
        "country_code": ["ru"],
        "affected_services": None,
        "official_justification": {"category": "security", "quote": " fight\nfraud "},
        "articles": ["events/2025/a/"],
        "info_source_link": "https://example.org/a",
    }
    row = incident_row(record, "https://site.example")
    assert list(row) == CONTRACT_FIELDS
    assert row["end_date"] is None and row["duration_hours"] is None
    assert row["country_code"] == ["RU"] and row["affected_services"] == []
    assert row["articles"] == ["https://site.example/events/2025/a/"]
    assert row["official_justification"] == {"category": "security", "quote": "fight fraud"}
    text = incidents_to_csv(incident_rows([record]))
    cells = list(csv.reader(io.StringIO(text)))[1]
    assert cells[1] == "'=HYPERLINK(evil)"
    assert cells[CONTRACT_FIELDS.index("official_justification")] == "security: fight fraud"


# ---- pages ---------------------------------------------------------------------------------


def test_each_incident_page_shows_its_facts_reports_and_search_filters(
    site: Path, incidents: list[dict], incident_urls: dict[str, str]
) -> None:
    for row in incidents:
        url = incident_urls[row["incident_id"]]
        assert url.startswith(f"incidents/{row['start_date'][:4]}/") or url.startswith(
            "incidents/"
        )
        page = soup(page_of(site, url))
        assert page.h1.get_text(strip=True) == row["title"]
        assert page.find("code").get_text() == row["incident_id"]
        facts = {div["data-fact"]: div for div in page.select(".incident-box .fact")}
        start = facts["start_date"].select_one("dd").get_text(" ", strip=True)
        assert date.fromisoformat(row["start_date"]).strftime("%B %Y") in start
        # Every known fact says where it came from: a report of this incident.
        for name, div in facts.items():
            if div.select_one(".fact__value") is None:
                continue
            for link in div.select(".fact__cite a"):
                assert resolve(url, link["href"]) in row["articles"], (name, link["href"])
        # The timeline: every report, oldest first.
        reports = [resolve(url, a["href"]) for a in page.select(".timeline__title a")]
        assert sorted(reports) == sorted(row["articles"])
        days = [t["datetime"] for t in page.select(".timeline__when time")]
        assert days == sorted(days)
        body = page.select_one("[data-pagefind-body]")
        filters = {
            (span["data-pagefind-filter"], span.get_text())
            for span in body.select("[data-pagefind-filter]")
        }
        assert ("kind", "Incident") in filters
        assert ("year", url.split("/")[1]) in filters
        assert any(key == "country" for key, _ in filters)
        assert body.select_one('[data-pagefind-meta="kind:Incident"]') is not None


def test_article_page_side_column_has_its_incident_box(
    site: Path, incidents: list[dict], incident_urls: dict[str, str]
) -> None:
    reported = {}
    for row in incidents:
        for article in row["articles"]:
            reported[article] = row
    for path in sorted((site / "events").glob("*/*/index.html")):
        url = path.parent.relative_to(site).as_posix() + "/"
        box = soup(path).select_one("aside .incident-box")
        if url not in reported:
            assert box is None, f"{url} is in no incident but shows a box"
            continue
        row = reported[url]
        assert box is not None, url
        links = {resolve(url, a["href"]) for a in box.select("a")}
        assert incident_urls[row["incident_id"]] in links
        assert box.select_one('[data-fact="status"]') is not None
        for link in box.select(".fact__src a"):
            assert resolve(url, link["href"]) in row["articles"]


def test_index_is_a_table_newest_first_with_orders_as_pages(
    site: Path, incidents: list[dict], incident_urls: dict[str, str]
) -> None:
    page = soup(site / "incidents" / "index.html")
    table = page.select_one("table.incident-table")
    assert table.caption.get_text(strip=True)
    heads = [th.get_text(" ", strip=True) for th in table.select("thead th")]
    assert [h.split(" (")[0].rstrip(" ▼▲") for h in heads] == [
        "Incident", "Country", "Kind", "Start", "End", "Duration", "Reports",
    ]
    assert all(th.get("scope") == "col" for th in table.select("thead th"))
    assert table.select_one('thead th[aria-sort="descending"]').get_text().startswith("Start")
    assert len(table.select("tbody tr")) == min(3, len(incidents))
    paged = table_rows(site, "incidents/")
    rows = [tr for _url, tr in paged]
    assert len(rows) == len(incidents)
    assert len({url for url, _tr in paged}) > 1, "the small site's index is not paginated"
    starts = [tr.select("td")[2].time["datetime"] for tr in rows]
    assert starts == sorted(starts, reverse=True)
    linked = [resolve(url, tr.th.a["href"]) for url, tr in paged]
    assert sorted(linked) == sorted(incident_urls.values())
    reports = {incident_urls[r["incident_id"]]: len(r["articles"]) for r in incidents}
    assert [int(tr.select("td")[5].get_text()) for tr in rows] == [reports[u] for u in linked]
    ongoing = [r for r in incidents if r["status"] == "ongoing" and r["end_date"] is None]
    assert sum(tr.select("td")[3].get_text() == "ongoing" for tr in rows) == len(ongoing)
    orders = {resolve("incidents/", a["href"]) for a in table.select("thead th a")}
    assert {"incidents/by-country/", "incidents/by-duration/", "incidents/oldest/"} <= orders
    for order in orders:
        assert len(table_rows(site, order)) == len(incidents), order


def test_order_by_reports_puts_most_reported_first(site: Path) -> None:
    rows = table_rows(site, "incidents/by-reports/")
    counts = [int(tr.select("td")[5].get_text()) for _url, tr in rows]
    assert counts == sorted(counts, reverse=True)


def test_entity_page_lists_incidents_before_stories(
    site: Path, incidents: list[dict], incident_urls: dict[str, str]
) -> None:
    for row in incidents:
        for code in row["country_code"]:
            path = site / "country" / code.lower() / "index.html"
            text = path.read_text(encoding="utf-8")
            assert text.index('id="incidents-heading"') < text.index('id="stories-heading"')
            links = {
                resolve(f"country/{code.lower()}/", a["href"])
                for a in soup(path).select(".entity-incidents tbody th a")
            }
            assert incident_urls[row["incident_id"]] in links


def test_feed_has_one_entry_per_incident_with_absolute_ids(
    site: Path, incidents: list[dict], incident_urls: dict[str, str]
) -> None:
    root = ET.parse(site / "incidents" / "feed.atom.xml").getroot()
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == min(len(incidents), 20)
    ids = [root.findtext(f"{ATOM}id")] + [e.findtext(f"{ATOM}id") for e in entries]
    assert all(i.startswith("tag:") and "None" not in i for i in ids), ids
    links = {e.find(f"{ATOM}link").get("href").lstrip("/") for e in entries}
    assert links <= set(incident_urls.values())
    assert all(e.findtext(f"{ATOM}updated") for e in entries)
    assert all(e.findtext(f"{ATOM}author/{ATOM}name") for e in entries)
    index = soup(site / "incidents" / "index.html")
    assert index.select_one('link[type="application/atom+xml"][title="Incidents"]') is not None


def test_incident_pages_are_in_the_sitemap(site: Path, incident_urls: dict[str, str]) -> None:
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    for url in incident_urls.values():
        assert f"<loc>/{url}</loc>" in sitemap


def test_sharded_search_index_has_the_incidents_bundles(
    site: Path, incident_urls: dict[str, str]
) -> None:
    manifest = json.loads((site / "pagefind" / "shards.json").read_text())
    bundles = manifest["bundles"]
    own = [b for b in bundles if b.startswith("pagefind-incidents")]
    assert own and bundles[-len(own):] == own  # after the stories' bundles
    assert own[0] == "pagefind-incidents"  # the newest year's incidents (split by year)
    pages = 0
    for bundle in own:
        entry = json.loads((site / bundle / "pagefind-entry.json").read_text())
        pages += sum(lang["page_count"] for lang in entry["languages"].values())
    assert pages == len(incident_urls)  # every incident page, once


# ---- the fact box, from a hand-made incident ---------------------------------------------


def _article(key: str, title: str, day: int, source: str) -> SimpleNamespace:
    when = datetime(2025, 8, day, 12, tzinfo=UTC)
    return SimpleNamespace(
        url=key, title=title, date=when, source=source, lang="en",
        locale_date=f"{day} August 2025", countries=[], platforms=[], event_types=[],
    )


def test_fact_box_links_each_value_to_its_sentence_and_shows_disagreement() -> None:
    from jinja2 import Environment, FileSystemLoader

    from plugins.incidents.view import build_views

    first = _article("events/2025/a/", "Calls restricted", 13, "Outlet A")
    second = _article("events/2025/b/", "Calls still restricted", 20, "Outlet B")
    said = "Calls were restricted from 11 August, the regulator said."
    incident = Incident(
        id="2025-ru-calls", slug="ru-calls", year=2025, title="Russia restricts calls",
        articles=("events/2025/a/", "events/2025/b/"),
        facts={
            "start_date": Fact(
                date(2025, 8, 11), Provenance("events/2025/a/", said),
                others=((date(2025, 8, 13), Provenance("events/2025/b/", "From 13 August.")),),
            ),
            "status": Fact("ongoing", Provenance("events/2025/b/", "", by_editor=True)),
            "duration_hours": Fact(None, None),
            "country": Fact("Russia", Provenance("events/2025/a/", said)),
        },
    )
    [view] = build_views([incident], {"events/2025/a/": first, "events/2025/b/": second})
    env = Environment(loader=FileSystemLoader(REPO / "theme" / "templates"))
    html = env.get_template("partials/incident_box.html").render(
        incident=view, SITEURL="../..", DEFAULT_LANG="en", box_full=False
    )
    box = BeautifulSoup(html, "html.parser")
    start = box.select_one('[data-fact="start_date"]')
    assert "11 August 2025" in start.select_one(".fact__value").get_text()
    href = start.select_one(".fact__src a")["href"]
    assert href.startswith("../../events/2025/a/#:~:text=")
    assert unquote(href.split("text=", 1)[1]) == said
    assert "%2D" not in href or "-" not in said
    assert "13 August 2025" in start.select_one(".fact__others").get_text()
    assert start.select_one(".fact__others a")["href"].startswith("../../events/2025/b/")
    status = box.select_one('[data-fact="status"]')
    assert "Ongoing" in status.get_text()
    assert "editors" in status.select_one(".fact__src").get_text()
    assert box.select_one('[data-fact="duration_hours"]') is None  # unknown and optional
    assert "unknown" in box.select_one('[data-fact="end_date"]').get_text()
    full = BeautifulSoup(
        env.get_template("partials/incident_box.html").render(
            incident=view, SITEURL="../..", DEFAULT_LANG="en", box_full=True
        ),
        "html.parser",
    )
    assert full.select_one('[data-fact="start_date"] blockquote').get_text(strip=True) == said
    country = full.select_one('[data-fact="country"]')  # the same sentence: not quoted twice
    assert country.select_one("blockquote") is None
    assert "quoted for “Started”" in country.select_one(".fact__cite").get_text()
    assert country.select_one(".fact__cite a")["href"] == href


def test_text_fragment_encodes_and_shortens() -> None:
    from plugins.incidents.view import show_duration, text_fragment

    assert text_fragment("") == ""
    assert text_fragment("Pro-Kremlin, & co.") == "#:~:text=Pro%2DKremlin%2C%20%26%20co."
    long = " ".join(f"w{i}" for i in range(30))
    assert text_fragment(long) == (
        "#:~:text=w0%20w1%20w2%20w3%20w4%20w5,w24%20w25%20w26%20w27%20w28%20w29"
    )
    assert [show_duration(h) for h in (1, 30, 72, 24 * 90, 24 * 800, None)] == [
        "1 hour", "30 hours", "3 days", "about 3 months", "about 2 years", "",
    ]


def test_settings_are_validated() -> None:
    from plugins.incidents import plugin_settings

    assert plugin_settings({}).feed == "incidents/feed.atom.xml"
    for bad in (
        {"INCIDENTS_PER_PAGE": 0},
        {"INCIDENTS_ENABLED": "yes"},
        {"INCIDENTS_FEED": "/abs.xml"},
        {"INCIDENTS_TYPO": 1},
    ):
        with pytest.raises(ValueError, match="INCIDENTS_"):
            plugin_settings(bad)


def test_body_text_keeps_paragraphs_and_words() -> None:
    from plugins.incidents import body_text

    markup = (
        "<p>Russia&rsquo;s <em>partial</em>ly\n  said:</p><ul><li>one</li><li>two &amp; three"
        "</li></ul><p>Next<br>line</p>"
    )
    assert body_text(markup) == "Russia’s partially said:\n\none\n\ntwo & three\n\nNext\n\nline"
    assert body_text("") == ""


def test_entity_pages_that_list_an_incident() -> None:
    from plugins.incidents import entity_keys
    from plugins.incidents.view import Link

    def mention(kind: str, id_: str, name: str, parent: str = "") -> SimpleNamespace:
        page = SimpleNamespace(entity=SimpleNamespace(parent=parent or None))
        return SimpleNamespace(type=kind, id=id_, name=name, page=page)

    kashmir = mention("country", "kashmir", "Kashmir", parent="in")
    reports = [
        SimpleNamespace(
            countries=[mention("country", "in", "India"), kashmir],
            platforms=[mention("platform", "whatsapp", "WhatsApp")],
            entity_ids=["country:in", "country:kashmir", "body:dot-india", "person:someone"],
        ),
        SimpleNamespace(
            countries=[kashmir], platforms=[], entity_ids=["country:kashmir", "body:dot-india"]
        ),
        SimpleNamespace(countries=[], platforms=[], entity_ids=["law:it-act"]),
    ]
    view = SimpleNamespace(
        codes=("in",),
        incident=SimpleNamespace(facts={"event_type": Fact("shutdown", None)}),
        services=(Link("WhatsApp", "platform/whatsapp/"),),
        reports=reports,
    )
    assert entity_keys(view) == {
        "country:in", "type:shutdown", "platform:whatsapp", "country:kashmir", "body:dot-india",
    }


def test_published_feed_ids_do_not_move_with_the_first_report() -> None:
    from plugins.incidents import absolute_feed_ids

    feed = SimpleNamespace(
        feed={"id": "https://example.org/", "feed_url": "https://example.org/incidents/feed.atom.xml"},
        items=[{"unique_id": "tag:example.org,2025-08-13:/incidents/2025/ru-calls/"}],
    )
    absolute_feed_ids({"INCIDENTS_FEED": "incidents/feed.atom.xml"}, feed)
    assert feed.items[0]["unique_id"] == "tag:example.org,2025:/incidents/2025/ru-calls/"
    other = SimpleNamespace(
        feed={"id": "https://example.org/", "feed_url": "https://example.org/feeds/all.atom.xml"},
        items=[{"unique_id": "tag:example.org,2025-08-13:/events/2025/a/"}],
    )
    absolute_feed_ids({"INCIDENTS_FEED": "incidents/feed.atom.xml"}, other)
    assert other.items[0]["unique_id"] == "tag:example.org,2025-08-13:/events/2025/a/"
