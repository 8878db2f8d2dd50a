"""Source readers: kind sniffing, feeds, JSON Feed, saved HTML, text and Markdown."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from newsarchive.normalize import format_date
from newsarchive.sources import SourceError, read_bytes, read_path
from newsarchive.sources.detect import sniff


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>', "x.html", "feed"),
        (b"\xef\xbb\xbf<!-- c --><feed xmlns='http://www.w3.org/2005/Atom'/>", "x.txt", "feed"),
        (b"<?xml version='1.0'?><!DOCTYPE rdf><rdf:RDF></rdf:RDF>", "", "feed"),
        ('<?xml version="1.0"?><rss/>'.encode("utf-16"), "", "feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', "x.xml", "jsonfeed"),
        (b'{"a": 1}', "", "json"),
        (b"<!DOCTYPE html><html><body><p>x</p></body></html>", "feed.xml", "html"),
        (b"<div><p>fragment</p></div>", "", "html"),
        (b"---\ntitle: x\n---\nbody", "x.txt", "markdown"),
        (b"# Heading\n\nText", "", "markdown"),
        (b"Plain title\nPlain body line.", "x.md", "markdown"),
        (b"Plain title\nPlain body line.", "x.txt", "text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "x.xml", "binary"),
        (b"   \n", "", "empty"),
    ],
)
def test_sniff_tells_kind_from_content(data: bytes, name: str, kind: str) -> None:
    assert sniff(data, name) == kind


def test_rss_item_prefers_full_content_and_normalises(fixtures: Path) -> None:
    result = read_path(fixtures / "rss-news.xml")
    assert result.kind == "rss" and len(result.records) == 2
    first, second = result.records
    assert first.title == "Regulator orders VPN providers to register & log users"
    assert first.canonical_url == "https://fixtures.example.org/monitor/2024/01/vpn-register?id=7"
    assert format_date(first.published) == "2024-01-09T14:30:00+05:00"
    assert first.authors == ["Fixture Desk"] and first.tags == ["vpn"]
    assert first.language == "en"
    assert "keep logs of its users" in first.text  # content:encoded, not the description
    assert first.summary.startswith("Short summary")
    assert 'href="https://fixtures.example.org/monitor/vpn-explainer"' in first.html
    assert "onclick" not in first.html and "<script" not in first.html
    assert "insecure.example.org" not in first.html  # http image dropped
    assert "https://fixtures.example.org/monitor/img/logo.png" in first.html
    assert first.content_hash and len(first.content_hash) == 16
    # no date of its own: the channel's, marked; no newline survives in the title
    assert second.date_estimated and second.date_source == "feed"
    assert format_date(second.published) == "2024-01-10T08:00:00+01:00"
    assert "\n" not in second.title
    assert second.canonical_url.endswith("/mobile-cut")


def test_atom_relative_links_resolve_against_xml_base(fixtures: Path) -> None:
    record = read_path(fixtures / "atom-base.atom").records[0]
    assert record.kind == "atom"
    assert record.title == "Shutdown ordered in the capital"
    assert record.url == "https://fixtures.example.org/watch/reports/shutdown-capital"
    assert 'href="https://fixtures.example.org/watch/charts/may.png"' in record.html
    assert record.published.utcoffset() == timedelta(hours=-4)
    assert record.guid == "urn:fixture:watch:1"


def test_jsonfeed_reader(fixtures: Path) -> None:
    result = read_path(fixtures / "feed.json")
    record = result.records[0]
    assert result.kind == "jsonfeed" and result.title == "Fixture Bans"
    assert record.authors == ["Bans Desk"]  # JSON Feed 1.0 feed-level author
    assert record.html.count("<p>") == 2  # content_text paragraphs
    assert record.tags == ["platform block"]
    with pytest.raises(SourceError, match="invalid JSON"):
        read_path(fixtures / "broken.json")
    with pytest.raises(SourceError, match="version"):
        read_bytes(b'{"title": "x", "items": []}', "x")
    with pytest.raises(SourceError, match="items"):
        read_bytes(b'{"version": "https://jsonfeed.org/version/1.1"}', "x")


def test_saved_html_page_metadata_and_body(fixtures: Path) -> None:
    record = read_path(fixtures / "saved-page.html").records[0]
    assert record.kind == "html"
    assert record.title == "Le réseau social bloqué pendant les élections"
    assert record.canonical_url == "https://journal.fixture.example.org/2021/02/reseau-bloque"
    assert format_date(record.published) == "2021-02-14T07:30:00+01:00"
    assert format_date(record.updated) == "2021-02-15T10:00:00+01:00"
    assert record.authors == ["Camille Exemple"]
    assert record.source_name == "Journal Fixture"
    assert record.language == "fr"
    assert "réseaux privés virtuels" in record.text
    for boilerplate in ("Accueil", "Publicité", "Premier commentaire", "© Journal"):
        assert boilerplate not in record.text, boilerplate
    assert not record.text.startswith("Le réseau social bloqué")  # title heading not repeated


def test_saved_text_with_subheadings_and_file_date(fixtures: Path) -> None:
    record = read_path(fixtures / "saved-note.txt").records[0]
    assert record.title == "Throttling of social media reported across the country"
    assert "<h2>What the data shows</h2>" in record.html
    assert record.html.count("<p>") == 3
    assert record.date_estimated and record.date_source == "file"
    assert record.language == "en"


def test_saved_text_metadata_lines_next_to_the_title_are_read_not_kept_as_body() -> None:
    data = (b"Venezuela blocks X for ten days\n"
            b"Source: Example Wire\n"
            b"URL: https://news.example.org/2024/08/09/venezuela-x\n"
            b"Date: 2024-08-09T10:00:00-04:00\n"
            b"By: Ana Example and Luis Example\n\n"
            b"Venezuela's regulator blocked X on Thursday for ten days.\n")
    record = read_bytes(data, "inbox/venezuela.txt").records[0]
    assert record.title == "Venezuela blocks X for ten days"
    assert record.url == "https://news.example.org/2024/08/09/venezuela-x"
    assert record.source_name == "Example Wire"
    assert format_date(record.published) == "2024-08-09T10:00:00-04:00"
    assert not record.date_estimated
    assert record.authors == ["Ana Example", "Luis Example"]
    assert record.text.startswith("Venezuela's regulator blocked X")
    assert "URL:" not in record.text and "Source:" not in record.text


def test_saved_text_metadata_in_other_languages_before_the_body() -> None:
    data = ("Venezuela bloquea la red social X\nFuente: Agencia Ejemplo\n"
            "Fecha: 2024-08-09T14:20:00-04:00\n\nCARACAS, 9 ago - La red social X quedó "
            "inaccesible en Venezuela.\n").encode()
    record = read_bytes(data, "inbox/ve.txt").records[0]
    assert record.source_name == "Agencia Ejemplo"
    assert format_date(record.published) == "2024-08-09T14:20:00-04:00"
    assert record.text.startswith("CARACAS")


@pytest.mark.parametrize("first", [
    b"Update: the regulator said the block would stay.",  # not a metadata key
    b"Source: the regulator said the block would stay.",  # a sentence, not an outlet
    b"Source: https://x.example/ said the block would stay",  # not one value
    b"Date: sometime soon, officials said.",  # no date
])
def test_saved_text_body_lines_like_metadata_stay_body(first: bytes) -> None:
    record = read_bytes(b"A title\n" + first + b"\nMore text.\n", "inbox/x.txt").records[0]
    assert record.title == "A title"
    assert record.text.startswith(first.decode()[:20])


def test_wrongly_encoded_text_is_decoded_or_refused(fixtures: Path) -> None:
    record = read_path(fixtures / "latin1-note.txt").records[0]
    assert "aprobó" in record.text and record.language == "es"


def test_markdown_with_front_matter_and_pelican_headers(fixtures: Path) -> None:
    record = read_path(fixtures / "front-matter.md").records[0]
    assert record.title == "Court strikes down website blocking law"
    assert record.canonical_url == "https://fixtures.example.org/courts/blocking-law"
    assert record.authors == ["Priya Example", "Ravi Example"]
    assert record.tags == ["courts", "website blocking"]
    assert "<strong>website blocking</strong>" in record.html
    assert "<h2>What changes</h2>" in record.html and "<script" not in record.html
    assert record.summary == (
        "A constitutional court ruled that blanket blocking orders were disproportionate.")
    pelican = read_path(fixtures / "pelican-headers.md").records[0]
    assert pelican.title == "Ministry lifts ban on video platform"
    assert pelican.language == "en" and not pelican.date_estimated


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("truncated.xml", "malformed feed"),
        ("not-a-feed.xml", "not a feed"),
        ("picture.bin", "binary file"),
        ("broken.json", "invalid JSON"),
    ],
)
def test_bad_sources_are_refused_with_a_reason(fixtures: Path, name: str, reason: str) -> None:
    with pytest.raises(SourceError, match=reason):
        read_path(fixtures / name)


def test_size_cap_and_missing_file(tmp_path: Path, fixtures: Path) -> None:
    with pytest.raises(SourceError, match="too large"):
        read_path(fixtures / "rss-news.xml", max_bytes=100)
    with pytest.raises(SourceError, match="cannot read"):
        read_path(tmp_path / "missing.xml")
    with pytest.raises(SourceError, match="empty"):
        read_bytes(b"", "empty")


SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "saved-article.txt"


@pytest.mark.skipif(not SEED.exists(), reason=f"seed article not found at {SEED}")
def test_the_archives_first_saved_article() -> None:
    record = read_path(SEED).records[0]
    assert record.title == ("Russia Tightens Grip on Messaging Apps Amid Digital Sovereignty "
                            "Drive")
    headings = [line for line in record.html.split("\n\n") if line.startswith("<h2>")]
    assert headings[0] == ("<h2>State-Russian Messaging: The Kremlin's Digital Sovereignty "
                           "Ambition</h2>")
    assert headings[-1] == "<h2>Editor’s Note</h2>" and len(headings) == 7
    assert record.html.count("<p>") == 12  # every other line of the file is a paragraph
    assert record.language == "en" and record.date_source == "file"
    assert record.summary.startswith("In a decisive move")
