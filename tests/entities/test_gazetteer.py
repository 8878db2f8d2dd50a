"""Loading the gazetteer: validation errors name file, entry and reason; clashes are reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsarchive.entities import DEFAULT_DATA_DIR, GazetteerError, load_gazetteer
from newsarchive.tagger import load_tagger
from tests.entities.conftest import COMPANIES, PLATFORMS, write_data

GOOD = '''
[[entity]]
id = "netblocks"
type = "org"
name = "NetBlocks"
description = "Internet observatory."
aliases = { en = ["NetBlocks"], ru = ["NetBlocks"] }
'''


def problems(tmp_path: Path, **files: str) -> list[tuple[str, str, str]]:
    with pytest.raises(GazetteerError) as caught:
        load_gazetteer(write_data(tmp_path, **files))
    return caught.value.problems


def test_a_good_file_loads_with_every_iso_country(tmp_path: Path) -> None:
    gazetteer = load_gazetteer(write_data(tmp_path, org=GOOD))
    assert gazetteer.entities["netblocks"].name == "NetBlocks"
    countries = gazetteer.of_type("country")
    assert len(countries) >= 249
    assert gazetteer.entities["ru"].name == "Russian Federation"
    assert "Российская Федерация" in gazetteer.entities["ru"].all_aliases()


def test_malformed_entries_name_file_entry_and_reason(tmp_path: Path) -> None:
    bad = GOOD + '''
[[entity]]
id = "Access Now"
type = "org"
name = "Access Now"
description = "Digital rights group."
aliases = { en = ["Access Now"] }

[[entity]]
id = "eff"
type = "platform"
name = ""
description = "Electronic Frontier Foundation."
aliases = { en = ["EFF"], ru = ["EFF"] }
alias = ["typo"]
'''
    found = problems(tmp_path, org=bad)
    text = "\n".join(f"{f}: {e}: {r}" for f, e, r in found)
    assert all(f.endswith("org.toml") for f, _, _ in found)
    assert "entry 2 (id 'Access Now'): id 'Access Now' is not lowercase ASCII" in text
    assert "entry 2 (id 'Access Now'): aliases lack ru" in text
    assert "entry 3 (id 'eff'): type 'platform' differs from the file's type 'org'" in text
    assert "entry 3 (id 'eff'): name is missing or empty" in text
    assert "entry 3 (id 'eff'): unknown field(s) alias" in text


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    found = problems(tmp_path, org='[[entity]]\nid = "x\n')
    assert found[0][0].endswith("org.toml") and "not valid TOML" in found[0][2]


def test_duplicate_ids_fail_naming_both_places(tmp_path: Path) -> None:
    found = problems(tmp_path, org=GOOD, company=GOOD.replace('type = "org"', 'type = "company"'))
    assert [(Path(f).name, e) for f, e, _ in found] == [("org.toml", "entry 1 (id 'netblocks')")]
    assert found[0][2] == "duplicate id, also in company.toml entry 1 (id 'netblocks')"


def test_bad_references_fail(tmp_path: Path) -> None:
    bad = GOOD.replace('aliases = {', 'country = "zz"\nambiguous = ["Netblox"]\naliases = {')
    reasons = [r for _, _, r in problems(tmp_path, org=bad)]
    assert "country 'zz' is not a country id" in reasons
    assert "ambiguous 'Netblox' is not one of its aliases" in reasons


def test_region_needs_parent_name_and_aliases(tmp_path: Path) -> None:
    bad = '[[entity]]\nid = "tigray"\ntype = "country"\n'
    reasons = [r for _, _, r in problems(tmp_path, country=bad)]
    assert any("not an ISO 3166 country" in r for r in reasons)


def test_aliases_claimed_by_two_entities_are_reported(tmp_path: Path) -> None:
    clash = COMPANIES.replace('["Meta", "Meta Platforms"]', '["Meta", "Telegram"]')
    gazetteer = load_gazetteer(write_data(tmp_path, platform=PLATFORMS, company=clash))
    assert any("'telegram' is claimed by meta and telegram" in w for w in gazetteer.warnings)


@pytest.mark.skipif(
    not (DEFAULT_DATA_DIR / "entities").is_dir(), reason="no data/entities/ in this checkout"
)
def test_the_repository_gazetteer_loads() -> None:
    tagger = load_tagger()
    types = {e.type for e in tagger.gazetteer.entities.values()}
    assert "country" in types and "platform" in types
    assert len(tagger.event_defs) == 13
