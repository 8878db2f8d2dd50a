"""The hand-made gold sets (incidents, labels) are well-formed: valid TOML, paths exist, ids
known to the project's data, splits present, counts at the floors the issues set."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GOLD = REPO / "tests" / "gold"
INCIDENTS = GOLD / "incidents" / "gold.toml"
OWN_ARTICLES = GOLD / "incidents" / "articles"

SPLITS = {"tune", "heldout"}
STATUSES = {"ongoing", "ended", "unknown"}
SCOPES = {"national", "regional", "local"}
SHUTDOWN_TYPES = {"", "full-network", "mobile", "fixed-line", "throttling", "service-based"}
HEADER_KEYS = ("Title", "Date", "Source", "Source-URL", "Summary", "Lang", "Slug")


def _load(path: Path) -> dict:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _ids(path: Path, key: str = "entity") -> set[str]:
    return {e["id"] for e in _load(path).get(key, [])}


@pytest.fixture(scope="module")
def event_types() -> set[str]:
    return _ids(REPO / "data" / "event_types.toml", "event_type")


@pytest.fixture(scope="module")
def countries() -> set[str]:
    return _ids(REPO / "data" / "entities" / "country.toml")


@pytest.fixture(scope="module")
def platforms() -> set[str]:
    return _ids(REPO / "data" / "entities" / "platform.toml")


@pytest.fixture(scope="module")
def incident_gold() -> dict:
    return _load(INCIDENTS)


def _header(path: Path) -> dict[str, str]:
    """Pelican Markdown metadata: `Key: value` lines up to the first blank line."""
    meta: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            break
        key, sep, value = line.partition(":")
        assert sep, f"{path.name}: header line without a colon: {line!r}"
        meta[key.strip()] = value.strip()
    return meta


def _date(value: str, where: str) -> dt.date:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), f"{where}: not YYYY-MM-DD: {value!r}"
    return dt.date.fromisoformat(value)


def test_own_articles_have_a_full_pelican_header() -> None:
    files = sorted(OWN_ARTICLES.glob("*.md"))
    assert len(files) >= 30
    slugs = set()
    for path in files:
        meta = _header(path)
        missing = [k for k in HEADER_KEYS if not meta.get(k)]
        assert not missing, f"{path.name}: missing {missing}"
        date = dt.datetime.fromisoformat(meta["Date"])
        assert date.tzinfo is not None, f"{path.name}: Date has no UTC offset"
        assert meta["Slug"] == path.stem, f"{path.name}: Slug differs from the file name"
        assert meta["Source-URL"].startswith(("http://", "https://")), path.name
        body = path.read_text(encoding="utf-8").split("\n\n", 1)[1]
        assert len(body.split()) >= 40, f"{path.name}: body too short"
        slugs.add(meta["Slug"])
    assert len(slugs) == len(files)


def test_incident_gold_is_complete_and_valid(
    incident_gold: dict, event_types: set[str], platforms: set[str]
) -> None:
    incidents = incident_gold["incident"]
    standalone = incident_gold.get("standalone", [])
    seen_ids: set[str] = set()
    members: list[str] = []
    for inc in incidents:
        where = inc.get("id", "?")
        assert where not in seen_ids, f"duplicate incident id {where}"
        seen_ids.add(where)
        assert inc["split"] in SPLITS, where
        assert inc["articles"], where
        members += inc["articles"]
        start = _date(inc["start_date"], where)
        if inc["end_date"]:
            assert _date(inc["end_date"], where) >= start, f"{where}: ends before it starts"
        assert inc["status"] in STATUSES, where
        if inc["status"] == "ongoing":
            assert inc["end_date"] == "", f"{where}: ongoing with an end date"
        assert inc["country_code"] and all(
            re.fullmatch(r"[A-Z]{2}", c) for c in inc["country_code"]
        ), where
        assert inc["geo_scope"] in SCOPES, where
        assert (inc["geo_scope"] == "national") == (inc["area_name"] == ""), where
        assert inc["event_type"] in event_types, where
        for alt in inc.get("event_type_accept", []):
            assert alt in event_types, where
        assert inc["shutdown_type"] in SHUTDOWN_TYPES, where
        unknown = set(inc["affected_services"]) - platforms
        assert not unknown, f"{where}: services not in the gazetteer: {unknown}"
        assert inc["ordered_by"], where
        for key in ("start_date_accept", "end_date_accept"):
            for value in inc.get(key, []):
                _date(value, where)
        assert set(inc.get("status_accept", [])) <= STATUSES, where
    for item in standalone:
        assert item["split"] in SPLITS and item["reason"], item
    paths = members + [s["path"] for s in standalone]
    assert len(paths) == len(set(paths)), "an article is listed twice"
    missing = [p for p in paths if not (REPO / p).is_file()]
    assert not missing, f"gold paths that do not exist: {missing}"
    own = {f"tests/gold/incidents/articles/{p.name}" for p in OWN_ARTICLES.glob("*.md")}
    assert own <= set(paths), f"own articles left out of the gold: {own - set(paths)}"
    # Floors from the brief: >= 48 articles in >= 18 incidents, >= 30 own texts, a held-out part.
    assert len(incidents) >= 18
    assert len(paths) >= 48
    assert len(own & set(paths)) >= 30
    heldout = sum(inc["split"] == "heldout" for inc in incidents)
    assert 0.3 <= heldout / len(incidents) <= 0.45
    assert standalone, "no analysis piece that must join nothing"


def test_incident_gold_covers_the_hard_cases(incident_gold: dict) -> None:
    incidents = incident_gold["incident"]
    by_country: dict[tuple[str, str], int] = {}
    for inc in incidents:
        key = (inc["country_code"][0], inc["event_type"])
        by_country[key] = by_country.get(key, 0) + 1
    assert max(by_country.values()) >= 3, "no country with several incidents of one kind"
    assert any(inc["status"] == "ongoing" for inc in incidents)
    assert any(inc["geo_scope"] != "national" for inc in incidents)
    long_lifts = [
        inc for inc in incidents
        if inc["end_date"]
        and (_date(inc["end_date"], "") - _date(inc["start_date"], "")).days >= 365
    ]
    assert len(long_lifts) >= 2
    multi = [inc for inc in incidents if len(inc["articles"]) >= 2]
    assert len(multi) >= 15


def test_country_ids_of_incidents_are_gazetteer_countries(
    incident_gold: dict, countries: set[str]
) -> None:
    for inc in incident_gold["incident"]:
        for code in inc["country_code"]:
            assert code.lower() in countries, f"{inc['id']}: {code}"
