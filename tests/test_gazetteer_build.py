"""tools/build_platforms.py: the platform catalogue merged into platform.toml, deterministically."""

from __future__ import annotations

import importlib.util
import json
import subprocess
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
acme-pay | Acme Pay | - | - | payment | Payment app. | AcmePay |
fastpay | FastPay | Q900009 | - | payment | Payment app. |  |
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


def _snapshot(root: Path, versions: list[dict[str, str]]) -> Path:
    """A git repository with one commit per dict of path -> text; its git directory."""
    root.mkdir()
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    for files in versions:
        for path, text in files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text, encoding="utf-8")
        subprocess.run([*git, "add", "-A"], check=True)
        subprocess.run([*git, "commit", "-qm", "v"], check=True)
    return root / ".git"


def _about(website: str, qid: str) -> str:
    return f'about = {{\n    "website": "{website}",\n    "wikidata_id": "{qid}",\n}}\n'


def _head(gitdir: Path) -> str:
    return subprocess.run(["git", f"--git-dir={gitdir}", "rev-parse", "HEAD"], check=True,
                          capture_output=True, text=True).stdout.strip()


def _args(tree: dict[str, Path]) -> list[str]:
    return ["--source", str(tree["source"]), "--target", str(tree["target"])]


def test_searxng_rows_link_by_host_over_every_version_and_conflicts_are_not_taken(
    tree: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gitdir = _snapshot(tmp_path / "searxng", [
        {"searx/engines/psi.py": _about("https://psiphon.ca/", "Q1475468"),
         "searx/engines/hornet.py": _about("https://hornet.com/", "Q900001"),
         "searx/engines/gone.py": _about("https://www.acmepay.com/", "Q900002"),
         "searx/engines/deep.py": _about("https://hornet.com/search", "Q900003")},
        {"searx/engines/hornet.py": _about("https://hornet.com/", "Q900004")},
    ])
    (gitdir.parent / "searx/engines/gone.py").unlink()
    subprocess.run(["git", "-C", str(gitdir.parent), "-c", "user.name=t", "-c",
                    "user.email=t@example.org", "commit", "-qam", "remove"], check=True)
    table = tmp_path / "searxng.tsv"
    code = bp.main([*_args(tree), "--searxng-table", str(table), "--nsi-table",
                    str(tmp_path / "none.tsv"), "--extract-searxng", str(gitdir)])
    assert code == 0
    rows = {tuple(line.split("\t")[:3]) for line in table.read_text().splitlines()
            if not line.startswith("#")}
    # a whole site whose host name is a platform's alias is linked, in the current version or
    # in one the source later removed (an engine that is gone still names its site's id)
    assert ("Q1475468", "https://psiphon.ca/", "psiphon") in rows
    assert ("Q900002", "https://www.acmepay.com/", "acme-pay") in rows
    # a website with a path is never guessed
    assert ("Q900003", "https://hornet.com/search", "-") in rows
    # two versions naming two ids for one site: reported, neither taken
    assert ("Q900001", "https://hornet.com/", "?hornet") in rows
    assert ("Q900004", "https://hornet.com/", "?hornet") in rows
    err = capsys.readouterr().err
    assert "conflict: Q900001 https://hornet.com/" in err and "Q900001 and Q900004" in err
    entries = {e["id"]: e for e in tomllib.loads(tree["target"].read_text())["entity"]}
    assert entries["psiphon"]["wikidata"] == "Q1475468"
    assert entries["acme-pay"]["wikidata"] == "Q900002"
    assert "wikidata" not in entries["hornet"]
    # the header names the source and its commit
    assert f"commit {_head(gitdir)}" in table.read_text().split("\nQ", 1)[0]


def test_a_searxng_guess_contradicting_a_catalogue_id_is_reported(
    tree: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gitdir = _snapshot(tmp_path / "searxng", [
        {"searx/engines/fast.py": _about("https://fastpay.example/", "Q900010")},
    ])
    table = tmp_path / "searxng.tsv"
    assert bp.main([*_args(tree), "--searxng-table", str(table), "--nsi-table",
                    str(tmp_path / "none.tsv"), "--extract-searxng", str(gitdir)]) == 0
    assert "Q900010\thttps://fastpay.example/\t?fastpay\t" in table.read_text()
    assert "fastpay would be Q900009 and Q900010" in capsys.readouterr().err
    entries = {e["id"]: e for e in tomllib.loads(tree["target"].read_text())["entity"]}
    assert entries["fastpay"]["wikidata"] == "Q900009"


def _nsi_file(items: list[tuple[str, str, str]]) -> str:
    return json.dumps({"items": [
        {"displayName": name, "tags": {key: name, f"{key}:wikidata": qid}}
        for key, name, qid in items
    ]})


def test_nsi_rows_link_by_exact_name_in_a_fitting_category_only(
    tree: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gitdir = _snapshot(tmp_path / "nsi", [{
        "data/brands/amenity/money_transfer.json": _nsi_file([
            ("brand", "Acme Pay", "Q900020"), ("brand", "Acme Payments", "Q900021"),
            ("brand", "FastPay", "Q900022"), ("brand", "Unrelated Bank", "Q900023")]),
        # a phone shop called Hornet is not the dating app, a clothes shop is never read
        "data/brands/shop/mobile_phone.json": _nsi_file([("brand", "Hornet", "Q900024")]),
        "data/brands/shop/clothes.json": _nsi_file([("brand", "Psiphon", "Q900025")]),
    }])
    table = tmp_path / "nsi.tsv"
    assert bp.main([*_args(tree), "--searxng-table", str(tmp_path / "none.tsv"),
                    "--nsi-table", str(table), "--extract-nsi", str(gitdir)]) == 0
    text = table.read_text()
    rows = {tuple(line.split("\t")) for line in text.splitlines() if not line.startswith("#")}
    assert rows == {
        ("Q900020", "Acme Pay", "acme-pay", "brands/amenity/money_transfer.json#brand"),
        ("Q900022", "FastPay", "?fastpay", "brands/amenity/money_transfer.json#brand"),
        ("Q900024", "Hornet", "-", "brands/shop/mobile_phone.json#brand"),
    }
    assert "fastpay would be Q900009 and Q900022" in capsys.readouterr().err
    header = text.split("\nQ", 1)[0]
    assert f"commit {_head(gitdir)}" in header and "BSD-3-Clause" in header
    assert "of 5 (id, name) rows read, the 3 whose name" in header
    entries = {e["id"]: e for e in tomllib.loads(tree["target"].read_text())["entity"]}
    assert entries["acme-pay"]["wikidata"] == "Q900020"
    assert entries["fastpay"]["wikidata"] == "Q900009"
    # a link set by hand survives re-extraction; a conflict is derived again each time
    table.write_text(text.replace("\t-\tbrands/shop/mobile", "\t!\tbrands/shop/mobile"))
    assert bp.main([*_args(tree), "--searxng-table", str(tmp_path / "none.tsv"),
                    "--nsi-table", str(table), "--extract-nsi", str(gitdir)]) == 0
    assert "Q900024\tHornet\t!\t" in table.read_text()
    assert "Q900022\tFastPay\t?fastpay\t" in table.read_text()


def test_two_tables_that_disagree_are_an_error(tree: dict[str, Path], tmp_path: Path) -> None:
    other = tmp_path / "other.tsv"
    other.write_text("Q900030\tPsiphon\tpsiphon\tx.json#brand\n", encoding="utf-8")
    errors: list[str] = []
    bp.build(tree["source"], tree["target"], errors, [], [tree["table"], other])
    assert "other.tsv: psiphon is Q900030 but Q1475468 in table.tsv" in errors


def test_the_repository_platform_file_is_up_to_date() -> None:
    errors: list[str] = []
    built = bp.build(bp.SOURCE, bp.TARGET, errors, [], bp.WIKIDATA_TABLES)
    assert errors == []
    assert built == bp.TARGET.read_text(encoding="utf-8"), "run tools/build_platforms.py"
