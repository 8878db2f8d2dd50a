"""The archive on disk: format, Pelican rendering, atomic writes, the lock, updates, copies."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsarchive.record import Record
from newsarchive.sanitize import html_to_text, sanitize_html
from newsarchive.sources.base import finish
from newsarchive.store import LockedError, Store, add_header, atomic_write, parse_article
from tests.ingest.unsafe import unsafe_parts
from tests.sitebuild import REPO

BODY = (
    "<p>The telecom regulator ordered every VPN provider operating in the country to register "
    "and keep logs of its users, warning that unregistered services would be blocked by internet "
    "providers within thirty days.</p><p>Digital rights groups said the rule would expose "
    "journalists and activists to surveillance and urged parliament to review it before it "
    "takes effect next month.</p>"
)
TZ = timezone(timedelta(hours=5))


def make_record(title: str = "Regulator orders VPN providers to register",
                url: str = "https://news.example.org/vpn?utm_source=x", body: str = BODY,
                **fields: object) -> Record:
    fields.setdefault("published", datetime(2024, 1, 9, 14, 30, tzinfo=TZ))
    record = Record(title=title, url=url, source="test", source_name="Example News",
                    language="en", **fields)  # type: ignore[arg-type]
    return finish(record, raw_html=body)


def render(path: Path) -> tuple[str, dict]:
    from pelican.readers import MarkdownReader
    from pelican.settings import read_settings

    return MarkdownReader(read_settings(str(REPO / "pelicanconf.py"))).read(str(path))


def test_new_article_file_and_its_pelican_rendering(tmp_path: Path) -> None:
    record = make_record(authors=["Doe, Jane", "Roe, Rick"], tags=["vpn", "surveillance"],
                         guid="tag:news.example.org,2024:1")
    with Store(tmp_path / "content", tmp_path / "state") as store:
        outcome = store.put(record)
    assert outcome.status == "new"
    path = tmp_path / "content" / outcome.key
    assert path == tmp_path / "content/articles/2024/regulator-orders-vpn-providers-to-register.md"
    headers, _body = parse_article(path.read_text(encoding="utf-8"))
    assert headers["title"] == "Regulator orders VPN providers to register"
    assert headers["date"] == "2024-01-09T14:30:00+05:00"
    assert headers["source-url"] == "https://news.example.org/vpn"
    assert headers["authors"] == "Doe, Jane; Roe, Rick"
    assert headers["lang"] == "en" and headers["guid"] == "tag:news.example.org,2024:1"
    assert "ingest-hash" in headers and "modified" not in headers
    content, metadata = render(path)
    assert content == record.html  # block HTML passes through Python-Markdown untouched
    assert [str(a) for a in metadata["authors"]] == ["Doe, Jane", "Roe, Rick"]
    assert metadata["date"].isoformat() == "2024-01-09T14:30:00+05:00"
    assert html_to_text(content) == record.text


def test_hostile_metadata_stays_one_inert_line(tmp_path: Path) -> None:
    record = make_record(
        title="Line one\nDate: 1999-01-01\r\nSlug: hijack <script>alert(1)</script> & co",
        url="https://news.example.org/hostile",
    )
    record.summary = "[click](javascript:alert(1)) <img src=x onerror=alert(1)> *bold* `code`"
    record.source_name = "Evil <b onmouseover=alert(1)>Outlet</b>"
    with Store(tmp_path / "content", tmp_path / "state") as store:
        outcome = store.put(record)
    text = (tmp_path / "content" / outcome.key).read_text(encoding="utf-8")
    head = text.split("\n\n", 1)[0].splitlines()
    assert sum(line.startswith("Date:") for line in head) == 1
    assert sum(line.startswith("Slug:") for line in head) == 1
    _, metadata = render(tmp_path / "content" / outcome.key)
    for name in ("title", "summary", "source"):
        assert unsafe_parts(str(metadata[name])) == [], name
    assert "<a" not in str(metadata["summary"]) and "<script" not in str(metadata["title"])
    assert "&lt;script&gt;" in str(metadata["title"])


def test_second_put_changes_nothing_and_a_changed_source_updates(tmp_path: Path) -> None:
    content, state = tmp_path / "content", tmp_path / "state"
    with Store(content, state) as store:
        key = store.put(make_record()).key
    path = content / key
    before = path.read_bytes()
    with Store(content, state) as store:
        assert store.put(make_record()).status == "unchanged"
    assert path.read_bytes() == before
    changed = make_record(body=BODY + "<p>Update: the deadline was extended by two weeks.</p>",
                          updated=datetime(2024, 1, 11, 9, 0, tzinfo=TZ))
    with Store(content, state) as store:
        outcome = store.put(changed)
    assert outcome.status == "updated" and outcome.key == key
    headers, body = parse_article(path.read_text(encoding="utf-8"))
    assert headers["date"] == "2024-01-09T14:30:00+05:00"  # the original date stays
    assert headers["modified"] == "2024-01-11T09:00:00+05:00"
    assert "deadline was extended" in body
    assert len(list(content.rglob("*.md"))) == 1


def test_an_update_keeps_what_an_editor_added(tmp_path: Path) -> None:
    """A source's update rewrites what the ingest wrote, never an editor's headers."""
    content, state = tmp_path / "content", tmp_path / "state"
    with Store(content, state) as store:
        key = store.put(make_record()).key
    path = content / key
    add_header(path, "Incident", "2024-pk-vpn-registration")
    text = path.read_text(encoding="utf-8").replace(
        "\n\n", "\nNot-Entities: platform:telegram\nIncident-End: 2024-02-01\n\n", 1)
    path.write_text(text, encoding="utf-8")
    changed = make_record(body=BODY + "<p>Update: the deadline was extended by two weeks.</p>",
                          updated=datetime(2024, 1, 11, 9, 0, tzinfo=TZ))
    with Store(content, state) as store:
        assert store.put(changed).status == "updated"
    headers, body = parse_article(path.read_text(encoding="utf-8"))
    assert headers["incident"] == "2024-pk-vpn-registration"
    assert headers["not-entities"] == "platform:telegram"
    assert headers["incident-end"] == "2024-02-01"
    assert headers["modified"] == "2024-01-11T09:00:00+05:00"
    assert "deadline was extended" in body


def test_syndicated_copy_is_one_article_listing_every_place(tmp_path: Path) -> None:
    content, state = tmp_path / "content", tmp_path / "state"
    copy = make_record(title="VPN firms told to register and keep logs",
                       url="https://partner.example.net/world/vpn-logs?ref_src=tw",
                       body="<p>By Partner Wire.</p>" + BODY)
    with Store(content, state) as store:
        key = store.put(make_record()).key
        outcome = store.put(copy)
        again = store.put(copy)
    assert outcome.status == "duplicate" and outcome.key == key and outcome.reason == "near"
    assert again.status == "unchanged"
    headers, _ = parse_article((content / key).read_text(encoding="utf-8"))
    assert headers["seen-at"] == "https://partner.example.net/world/vpn-logs"
    assert len(list(content.rglob("*.md"))) == 1


def test_hand_written_articles_are_never_overwritten(tmp_path: Path) -> None:
    content = tmp_path / "content"
    article = content / "articles" / "2024" / "vpn.md"
    article.parent.mkdir(parents=True)
    article.write_text("Title: VPN rules\nDate: 2024-01-09T10:00:00+00:00\n"
                       "Source-URL: https://news.example.org/vpn\nSlug: vpn\n\nWritten by hand.\n",
                       encoding="utf-8")
    with Store(content, tmp_path / "state") as store:
        outcome = store.put(make_record())
    assert outcome.status == "unchanged" and outcome.key == "articles/2024/vpn.md"
    assert "Written by hand." in article.read_text(encoding="utf-8")


def test_same_title_different_stories_get_distinct_stable_slugs(tmp_path: Path) -> None:
    other = "<p>" + "Completely different words about another country and its courts. " * 8 + "</p>"
    with Store(tmp_path / "content", tmp_path / "state") as store:
        first = store.put(make_record(title="Internet cut", url="https://a.example/1"))
        second = store.put(make_record(title="Internet cut", url="https://b.example/2",
                                       body=other))
    assert first.status == second.status == "new"
    assert first.key != second.key and Path(second.key).stem.startswith("internet-cut-")


def test_index_is_rebuilt_from_content_when_state_is_lost(tmp_path: Path) -> None:
    content = tmp_path / "content"
    with Store(content, tmp_path / "state") as store:
        store.put(make_record())
    with Store(content, tmp_path / "other-state") as store:
        assert store.put(make_record()).status == "unchanged"


def test_lock_keeps_two_ingests_apart(tmp_path: Path) -> None:
    with Store(tmp_path / "content", tmp_path / "state"), pytest.raises(LockedError), Store(
        tmp_path / "content", tmp_path / "state"
    ):
        pass
    with Store(tmp_path / "content", tmp_path / "state"):  # released after the first one
        pass


def test_atomic_write_never_leaves_half_a_file(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "articles" / "a.md"
    atomic_write(target, "old\n")

    def crash(*args: object) -> None:
        raise KeyboardInterrupt  # killed between writing the temporary file and the rename

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, "new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in target.parent.iterdir()] == ["a.md"]


def test_stale_temporary_files_are_cleaned(tmp_path: Path) -> None:
    folder = tmp_path / "content" / "articles" / "2024"
    folder.mkdir(parents=True)
    (folder / ".x.md.abc123.tmp").write_text("half")
    with Store(tmp_path / "content", tmp_path / "state"):
        pass
    assert not list(folder.iterdir())


def test_record_without_date_gets_the_fetch_time_marked(tmp_path: Path) -> None:
    record = replace(make_record(), published=None)
    now = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
    with Store(tmp_path / "content", tmp_path / "state") as store:
        outcome = store.put(record, now=now)
    headers, _ = parse_article((tmp_path / "content" / outcome.key).read_text())
    assert headers["date"] == "2025-05-01T12:00:00+00:00" and headers["date-source"] == "fetched"
    assert sanitize_html(BODY) == make_record().html
