"""tools/build_platforms.py: the platform catalogue merged into platform.toml, deterministically."""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from pathlib import Path

import pytest

from newsarchive.entities import load_gazetteer

ROOT = Path(__file__).resolve().parent.parent
_SPEC = importlib.util.spec_from_file_location(
    "build_platforms", ROOT / "tools" / "build_platforms.py"
)
assert _SPEC and _SPEC.loader
bp = importlib.util.module_from_spec(_SPEC)
sys.modules["build_platforms"] = bp
_SPEC.loader.exec_module(bp)

HAND = """# hand-written platforms
[[entity]]
id = "whatsapp"
type = "platform"
name = "WhatsApp"
description = "Messaging app."
aliases = { en = ["WhatsApp"] }
"""
COMPANY = """[[entity]]
id = "acme"
type = "company"
name = "Acme"
description = "A company."
aliases = { en = ["Acme", "Acme Chat"], ru = ["Акме"] }
"""
CATALOGUE = """# test catalogue
whatsapp | WhatsApp | Q1049511 | us | messaging | Duplicate of a hand entry. | WA |
hornet | Hornet | - | us | dating | Dating app. | Hornet app;ru:Хорнет | Hornet
acme-chat | Acme Messenger | - | - | messaging | Chat app. | Acme Chat;Acme Messenger app |
this line has | too few fields
psiphon | Psiphon | - | ca | circumvention | Circumvention tool. | fa:سایفون |
"""
TABLE = """# derived table
Q1475468\thttps://psiphon.ca/\tpsiphon\tsearx/engines/x.py
Q999\thttps://www.example.org/path\t-\tsearx/engines/y.py
"""


@pytest.fixture
def tree(tmp_path: Path) -> dict[str, Path]:
    entities = tmp_path / "data" / "entities"
    entities.mkdir(parents=True)
    (entities / "platform.toml").write_text(HAND, encoding="utf-8")
    (entities / "company.toml").write_text(COMPANY, encoding="utf-8")
    (tmp_path / "platforms.psv").write_text(CATALOGUE, encoding="utf-8")
    (tmp_path / "table.tsv").write_text(TABLE, encoding="utf-8")
    return {
        "target": entities / "platform.toml",
        "source": tmp_path / "platforms.psv",
        "table": tmp_path / "table.tsv",
        "data": tmp_path / "data",
    }


def _build(tree: dict[str, Path]) -> tuple[int, str]:
    code = bp.main(
        ["--source", str(tree["source"]), "--target", str(tree["target"]),
         "--table", str(tree["table"])]
    )
    return code, tree["target"].read_text(encoding="utf-8")


def test_catalogue_merges_under_the_hand_written_entries(
    tree: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = _build(tree)
    assert code == 0
    assert text.startswith(HAND.rstrip("\n"))
    entries = {e["id"]: e for e in tomllib.loads(text)["entity"]}
    # the hand-written WhatsApp wins: no second entry, no id from the catalogue line
    assert "wikidata" not in entries["whatsapp"]
    assert [e for e in tomllib.loads(text)["entity"] if e["id"] == "whatsapp"] == [
        entries["whatsapp"]
    ]
    # an ordinary-word name is ambiguous with its category's context cues
    assert entries["hornet"]["ambiguous"] == ["Hornet"]
    assert "dating app" in entries["hornet"]["context"]
    assert entries["hornet"]["category"] == "dating"
    assert entries["hornet"]["aliases"]["ru"] == ["Хорнет"]
    # an alias another entity already claims is dropped, the rest kept
    assert entries["acme-chat"]["aliases"]["en"] == ["Acme Messenger", "Acme Messenger app"]
    # the derived table supplies a missing Wikidata id
    assert entries["psiphon"]["wikidata"] == "Q1475468"
    # the malformed line is reported with its line number and skipped
    assert "platforms.psv: line 5: 2 fields, expected 8" in capsys.readouterr().err
    gazetteer = load_gazetteer(tree["data"])
    assert {"hornet", "acme-chat", "psiphon"} <= set(gazetteer.entities)


def test_rebuilding_is_byte_identical_and_check_passes(tree: dict[str, Path]) -> None:
    _, first = _build(tree)
    _, second = _build(tree)
    assert first == second
    args = ["--source", str(tree["source"]), "--target", str(tree["target"]),
            "--table", str(tree["table"])]
    assert bp.main([*args, "--check"]) == 0
    tree["source"].write_text(CATALOGUE + "tor2 | Tor2 | - | - | vpn | x. |  | \n")
    assert bp.main([*args, "--check"]) == 1


def test_a_catalogue_id_contradicting_the_table_is_an_error(tree: dict[str, Path]) -> None:
    text = CATALOGUE.replace("psiphon | Psiphon | - |", "psiphon | Psiphon | Q42 |")
    tree["source"].write_text(text, encoding="utf-8")
    errors: list[str] = []
    out = bp.build(tree["source"], tree["target"], errors, [], tree["table"])
    assert any("psiphon is Q42 here but Q1475468" in e for e in errors)
    assert 'wikidata = "Q42"' in out


def test_host_label_and_whole_site_websites() -> None:
    assert bp.host_label("https://www.reddit.com/") == "reddit"
    assert bp.host_label("https://play.google.com/") == "play google"
    assert bp._bare("https://www.bing.com/")
    assert not bp._bare("https://www.bing.com/images")


def test_the_repository_platform_file_is_up_to_date() -> None:
    errors: list[str] = []
    built = bp.build(bp.SOURCE, bp.TARGET, errors, [], bp.WIKIDATA_TABLE)
    assert errors == []
    assert built == bp.TARGET.read_text(encoding="utf-8"), "run tools/build_platforms.py"
