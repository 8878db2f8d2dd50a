"""``newsarchive tag`` run for real on files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsarchive.cli import main

ARTICLE = """Title: Russia restricts Telegram calls
Date: 2025-08-13T15:00:00+03:00
Summary: Roskomnadzor partially restricted calls on Telegram.
Lang: en

Calls on Telegram were restricted across Russia, the regulator said.
"""


def test_tag_prints_entities_and_event_types(
    tmp_path: Path, small_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "a.md"
    article.write_text(ARTICLE, encoding="utf-8")
    assert main(["tag", "--data", str(small_data), "--explain", str(article)]) == 0
    out = capsys.readouterr().out
    assert "title: Russia restricts Telegram calls" in out
    assert "platform-block" in out and "telegram" in out and "country " in out


def test_tag_json_and_missing_file(
    tmp_path: Path, small_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "a.md"
    article.write_text(ARTICLE, encoding="utf-8")
    code = main(["tag", "--data", str(small_data), "--json", str(article), str(tmp_path / "no")])
    assert code == 1
    captured = capsys.readouterr()
    record = json.loads(captured.out.splitlines()[0])
    assert {"id": "telegram", "type": "platform"}.items() <= record["entities"][0].items() or any(
        e["id"] == "telegram" for e in record["entities"]
    )
    assert all({"id", "type", "name", "salience"} <= e.keys() for e in record["entities"])
    assert "no" in captured.err


def test_tag_reports_bad_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "entities").mkdir()
    (tmp_path / "entities" / "org.toml").write_text('[[entity]]\nid = "X"\n', encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("Title\nbody", encoding="utf-8")
    assert main(["tag", "--data", str(tmp_path), str(article)]) == 2
    assert "org.toml: entry 1 (id 'X')" in capsys.readouterr().err
