"""The entities plugin in a real Pelican build of a small archive."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.sitebuild import REPO

pytestmark = pytest.mark.slow
ATOM = "{http://www.w3.org/2005/Atom}"

ARTICLES = {
    "2025/russia-calls.md": """Title: Russia restricts WhatsApp and Telegram calls
Date: 2025-08-13T15:00:00+03:00
Source: Example News
Source-URL: https://example.org/a
Summary: Roskomnadzor partially restricted calls on WhatsApp and Telegram across Russia.
Lang: en
Slug: russia-calls
Entities: org:ooni
Not-Entities: telegram

Russia's regulator said calls on WhatsApp and Telegram were partly restricted in Russia.
""",
    "2025/russia-calls-ru.md": """Title: Россия ограничила звонки в WhatsApp и Telegram
Date: 2025-08-13T15:00:00+03:00
Source: Example News
Source-URL: https://example.org/a
Summary: Роскомнадзор частично ограничил звонки.
Lang: ru
Slug: russia-calls
Translation: true

Россия частично ограничила звонки в WhatsApp.
""",
    "2024/iran-shutdown.md": """Title: Iran imposes internet shutdown during protests
Date: 2024-03-02T10:00:00+03:30
Source: Example News
Source-URL: https://example.org/b
Summary: Authorities in Iran cut mobile internet nationwide; WhatsApp was blocked.
Lang: en
Slug: iran-shutdown

NetBlocks confirmed the internet shutdown in Iran. WhatsApp stayed blocked.
""",
    "2022/kazakhstan-shutdown.md": """Title: Kazakhstan shuts down the internet during protests
Date: 2022-01-05T10:00:00+06:00
Source: Example News
Source-URL: https://example.org/c
Summary: Kazakhstan's authorities cut internet access nationwide as protests spread.
Lang: en
Slug: kazakhstan-shutdown

Operators in Kazakhstan cut mobile internet on orders from the authorities. Troops from Russia
arrived later in the week. In Tigray, by contrast, the blackout lasted two years.
""",
    "2024/draft-kenya.md": """Title: Kenya restricts Telegram during exams
Date: 2024-11-05T10:00:00+03:00
Status: draft
Summary: Kenya blocked Telegram during national exams.
Lang: en
Slug: draft-kenya

Telegram was blocked in Kenya.
""",
}


def build_site(output: Path, content: Path, settings: dict[str, object]) -> None:
    """Pelican with pelicanconf.py and these settings (one -e: Pelican keeps only the last -e)."""
    overrides = {"CACHE_PATH": str(output.parent / "cache"), **settings}
    command = [sys.executable, "-m", "pelican", str(content), "-o", str(output)]
    command += ["-s", str(REPO / "pelicanconf.py"), "-e"]
    command += [f"{key}={json.dumps(value)}" for key, value in overrides.items()]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"pelican failed:\n{done.stdout}\n{done.stderr}"


def _content(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    for name, text in ARTICLES.items():
        path = content / "articles" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (content / "pages").mkdir()
    return content


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("entities-site")
    output = tmp / "output"
    build_site(output, content=_content(tmp), settings={"PLUGINS": ["entities"]})
    return output


def page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def test_article_chips_link_to_entity_pages(site: Path) -> None:
    soup = page(site, "events/2025/russia-calls/index.html")
    chips = {a["href"].split("../")[-1]: a["data-type"] for a in soup.select("a.chip")}
    assert chips["country/ru/"] == "country"
    assert chips["platform/whatsapp/"] == "platform"
    assert "org/ooni/" in chips  # added by Entities:
    assert "platform/telegram/" not in chips  # removed by Not-Entities:
    kicker = [a["href"] for a in soup.select("p.kicker a")]
    assert any(h.endswith("type/platform-block/") for h in kicker)


def test_drafts_and_translations_are_tagged(site: Path) -> None:
    draft = page(site, "drafts/draft-kenya/index.html")
    assert any(a["href"].endswith("country/ke/") for a in draft.select("a.chip"))
    pages = [p for p in site.glob("events/2025/**/index.html") if "ru" in str(p.parent.name)]
    assert pages, f"no translation page among {list(site.glob('events/2025/**/index.html'))}"
    soup = BeautifulSoup(pages[0].read_text(encoding="utf-8"), "html.parser")
    assert any(a["href"].endswith("country/ru/") for a in soup.select("a.chip"))


def test_entity_page_lists_stories_newest_first_with_chart_and_feed(site: Path) -> None:
    soup = page(site, "platform/whatsapp/index.html")
    stories = [a["href"] for a in soup.select("ul.story-list li > a")]
    assert len(stories) == 2 and "russia-calls" in stories[0] and "iran-shutdown" in stories[1]
    assert soup.select_one(".entity-header h1").get_text(strip=True) == "WhatsApp"
    svg = soup.select_one("svg.chart")
    assert svg is not None and len(svg.find_all("rect")) == 2
    assert not soup.find("script", src=False, string=True)
    co = [a["href"] for a in soup.select(".co-mentioned a.chip")]
    assert any(h.endswith("country/ru/") for h in co)
    assert any(h.endswith("country/ir/") for h in co)
    feed = ET.parse(site / "platform/whatsapp/feed.atom.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert feed.tag == f"{ATOM}feed" and len(entries) == 2
    contents = [entry.findtext(f"{ATOM}content") or "" for entry in entries]
    # an entity feed carries each story's summary and link; the full text is on the story page
    assert any("partially restricted calls" in content for content in contents)
    assert not any("regulator said" in content for content in contents)


def test_no_page_without_a_published_story(site: Path) -> None:
    assert not (site / "country/ke").exists()  # only a draft mentions Kenya
    assert not (site / "platform/telegram").exists()  # removed by hand, draft only
    assert (site / "type/shutdown/index.html").is_file()


def test_index_pages_with_counts(site: Path) -> None:
    indexes = ("countries", "platforms", "orgs", "people", "laws", "bodies", "companies", "types")
    for path in indexes:
        assert (site / path / "index.html").is_file(), path
    rows = page(site, "platforms/index.html").select("table.count-table tbody tr")
    counts = {r.a.get_text(strip=True): int(r.find_all("td")[1].get_text()) for r in rows}
    assert counts["WhatsApp"] == 2


def test_published_feed_has_absolute_urls(tmp_path: Path) -> None:
    output = tmp_path / "output"
    build_site(
        output,
        content=_content(tmp_path),
        settings={
            "PLUGINS": ["entities"],
            "SITEURL": "https://archive.example.org",
            "RELATIVE_URLS": False,
        },
    )
    feed = ET.parse(output / "country/ru/feed.atom.xml").getroot()
    links = [link.get("href") for link in feed.iter(f"{ATOM}link")]
    assert links and all(h.startswith("https://archive.example.org/") for h in links)


def test_pages_counts_and_filters_use_main_countries(site: Path) -> None:
    kazakh = "events/2022/kazakhstan-shutdown/"
    assert kazakh in (site / "country/kz/index.html").read_text(encoding="utf-8")
    russia = page(site, "country/ru/index.html")
    about = russia.select_one('section[aria-labelledby="stories-heading"]')
    also = russia.select_one('section[aria-labelledby="also-heading"]')
    assert kazakh not in str(about)  # a story that only mentions Russia is not about Russia
    assert also is not None and kazakh in str(also)  # it is listed apart
    soup = page(site, kazakh + "index.html")
    filters = [s.get_text() for s in soup.select('[data-pagefind-filter="country"]')]
    assert filters == ["Kazakhstan"]


def test_regions_have_pages_and_are_never_countries(site: Path) -> None:
    assert (site / "regions/index.html").is_file()
    assert not (site / "country/tigray").exists()
