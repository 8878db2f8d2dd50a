"""``newsarchive ingest`` and ``newsarchive inspect`` run for real, in-process."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from newsarchive import pipeline
from newsarchive.cli import main
from newsarchive.commands.ingest import Progress
from newsarchive.fetch import FetchError
from newsarchive.store import Store
from tests.sitebuild import REPO

FIELDS = {"source", "title", "url", "canonical_url", "published", "updated", "authors",
          "source_name", "language", "summary", "text", "html", "content_hash", "relevance",
          "event_types", "entities"}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundled feeds.toml names real outlets: make them fail as they do offline."""

    def no_network(url: str, **kwargs: object) -> None:
        raise FetchError("unreachable: cannot resolve host (no network in tests)")

    monkeypatch.setattr(pipeline, "fetch", no_network)


def test_bundled_feeds_and_inbox_ingest_twice_second_run_changes_nothing(
    tmp_path: Path, offline: None, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(REPO / "tests" / "fixtures" / "samples", tmp_path, dirs_exist_ok=True)
    config = str(tmp_path / "feeds.toml")
    assert main(["ingest", "--config", config]) == 1  # the real outlets are unreachable
    out, err = capsys.readouterr()
    assert "0 failed" not in out and "2 failed" in out and " new," in out
    assert err.count("unreachable") == 2 and "https://www.eff.org/rss/updates.xml" in err
    articles = tmp_path / "content" / "articles"
    first = snapshot(articles)
    assert len(first) >= 8
    assert any("tigray" in name for name in first)  # the inbox page
    assert "1 off-topic" in out and "1 duplicate" in out
    assert main(["ingest", "--config", config]) == 1
    out, _ = capsys.readouterr()
    assert " 0 new, 0 updated, 0 duplicate" in out
    assert snapshot(articles) == first
    assert (tmp_path / "state" / "archive-index.json").exists()
    assert not (tmp_path / "content" / "state").exists()


def test_exit_codes_and_one_line_per_bad_source(
    tmp_path: Path, fixtures: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ["--content", str(tmp_path / "c"), "--state", str(tmp_path / "s"),
              "--config", str(tmp_path / "none.toml")]
    (tmp_path / "none.toml").write_text("")
    good = [str(fixtures / "rss-news.xml"), str(fixtures / "saved-note.txt")]
    assert main(["ingest", *common, *good]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("ingest: 2 sources: 3 new") and err == ""
    bad = [str(fixtures / n) for n in ("truncated.xml", "picture.bin", "broken.json")]
    assert main(["ingest", *common, *bad, str(tmp_path / "missing.xml"), *good]) == 1
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == 4
    for line, reason in zip(lines, ("malformed feed", "binary file", "invalid JSON",
                                    "cannot read"), strict=True):
        assert line.startswith("newsarchive ingest: ") and reason in line
    assert "4 failed" in out and "3 unchanged" in out
    with pytest.raises(SystemExit) as usage:
        main(["ingest", "--threshold", "2", *common])
    assert usage.value.code == 2
    (tmp_path / "bad.toml").write_text("[settings]\nrelevance_threshold = 'high'\n")
    assert main(["ingest", "--config", str(tmp_path / "bad.toml")]) == 2
    assert main(["ingest", "--config", str(tmp_path / "absent.toml")]) == 2
    assert "relevance_threshold" in capsys.readouterr().err


def test_threshold_and_always_relevant(tmp_path: Path, fixtures: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "none.toml").write_text("")
    common = ["--content", str(tmp_path / "c"), "--state", str(tmp_path / "s"),
              "--config", str(tmp_path / "none.toml")]
    assert main(["ingest", *common, str(fixtures / "offtopic.xml")]) == 0
    assert "1 off-topic" in capsys.readouterr().out
    assert main(["ingest", *common, "--always-relevant", str(fixtures / "offtopic.xml")]) == 0
    assert "1 new" in capsys.readouterr().out
    assert main(["ingest", *common, "--threshold", "1", "--scorer", "keywords",
                 str(fixtures / "feed.json")]) == 0
    assert "1 off-topic" in capsys.readouterr().out


def test_lock_held_by_another_ingest(tmp_path: Path, fixtures: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "none.toml").write_text("")
    with Store(tmp_path / "c", tmp_path / "s"):
        code = main(["ingest", "--content", str(tmp_path / "c"), "--state", str(tmp_path / "s"),
                     "--config", str(tmp_path / "none.toml"), str(fixtures / "feed.json")])
    assert code == 3 and "another ingest is running" in capsys.readouterr().err


def test_inspect_json_is_the_stable_interface(fixtures: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    sources = [str(fixtures / "rss-news.xml"), str(fixtures / "truncated.xml"),
               str(fixtures / "saved-page.html")]
    assert main(["inspect", "--json", *sources]) == 1
    items = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [i["source"] for i in items] == [sources[0], sources[0], sources[1], sources[2]]
    assert items[2] == {"source": sources[1], "error": items[2]["error"]}
    for item in (items[0], items[1], items[3]):
        assert set(item) >= FIELDS
        assert isinstance(item["relevance"], float)
        assert item["published"][-6] in "+-"  # ISO 8601 with offset
    first = items[0]
    assert first["text"].count("\n\n") >= 1
    if first["entities"]:  # the tagger is present
        assert {"id", "type", "name", "salience"} <= set(first["entities"][0])
        assert {"id", "type", "name", "salience"} <= set(first["event_types"][0])
    assert main(["inspect"]) == 2


def test_inspect_writes_nothing(tmp_path: Path, fixtures: Path,
                                capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["inspect", "--json", str(fixtures)]) == 1
    assert list(tmp_path.iterdir()) == []
    assert len(capsys.readouterr().out.splitlines()) >= 14


def test_progress_bar_only_when_asked() -> None:
    import sys

    buffer = io.StringIO()
    real, sys.stderr = sys.stderr, buffer
    try:
        bar = Progress(enabled=True)
        bar.update(5, 10)
        bar.clear()
        Progress(enabled=False).update(1, 2)
    finally:
        sys.stderr = real
    assert "5/10 sources" in buffer.getvalue() and "#" * 15 in buffer.getvalue()


def test_worker_processes_give_the_same_archive(tmp_path: Path, fixtures: Path) -> None:
    from newsarchive.pipeline import expand_sources, ingest
    from newsarchive.relevance import load_scorer
    from newsarchive.settings import IngestSettings

    scorer = load_scorer()
    archives = []
    for jobs in (1, 2):
        settings = IngestSettings(root=tmp_path, content=tmp_path / f"c{jobs}",
                                  state=tmp_path / f"s{jobs}")
        with Store(settings.content, settings.state) as store:
            summary = ingest(expand_sources([str(fixtures)]), settings, scorer, store, jobs=jobs)
        archives.append((snapshot(settings.content), dict(summary.counts), summary.failures))
    assert archives[0] == archives[1]
    assert archives[0][1]["new"] >= 8 and len(archives[0][2]) == 4


def test_ingest_says_which_incident_a_new_article_joins(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = REPO / "content" / "articles" / "2025" / "russia-restricts-whatsapp-telegram-calls.md"
    if not calls.is_file():
        pytest.skip("the starter archive's 2025 call-restriction story is missing")
    (tmp_path / "content" / "articles" / "2025").mkdir(parents=True)
    shutil.copy(calls, tmp_path / "content" / "articles" / "2025" / calls.name)
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "follow-up.txt").write_text(
        "Russia keeps WhatsApp and Telegram call restrictions in place\n\n"
        "On 20 November 2025 Roskomnadzor said the partial restriction of voice calls in "
        "WhatsApp and Telegram, in place since August 2025, remained in force across Russia.\n",
        encoding="utf-8",
    )
    (tmp_path / "feeds.toml").write_text(
        '[settings]\ninbox = "inbox"\ncontent = "content"\nstate = "state"\n', encoding="utf-8"
    )
    assert main(["ingest", "--config", str(tmp_path / "feeds.toml")]) == 0
    out, _ = capsys.readouterr()
    assert "1 new" in out
    joined = [line for line in out.splitlines() if line.startswith("incident: ")]
    assert len(joined) == 1 and "joins 2025-ru-" in joined[0], out
