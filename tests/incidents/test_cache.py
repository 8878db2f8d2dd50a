"""The profile cache (newsarchive.incidents.cache): a warm build gives what a cold one does."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from newsarchive.incidents import Incident, build_incidents, engine
from newsarchive.incidents.cache import SHARD, ProfileCache
from newsarchive.incidents.places import Names, load_names
from tests.incidents.helpers import article


def _archive() -> list:
    """A small archive of several places, follow-ups and a restoration."""
    out = []
    for n, (country, name) in enumerate((("ir", "Iran"), ("et", "Ethiopia"), ("ru", "Russia"),
                                         ("pk", "Pakistan"))):
        out.append(article(
            f"{country}-cut", f"{name} cuts mobile internet nationwide", f"2020-0{n + 1}-10",
            f"Authorities in {name} shut down mobile internet on {n + 8} {_MONTHS[n]}.",
            countries=(country,)))
        out.append(article(
            f"{country}-still", f"{name}'s mobile internet shutdown enters a second day",
            f"2020-0{n + 1}-11", "The shutdown continues and service has not been restored.",
            countries=(country,)))
        out.append(article(
            f"{country}-back", f"Mobile internet restored in {name}", f"2020-0{n + 1}-15",
            f"Mobile internet came back on {n + 13} {_MONTHS[n]} after the shutdown.",
            countries=(country,), types=("restoration-remedy", "shutdown")))
    return out


_MONTHS = ("January", "February", "March", "April")


def _record(incidents: list[Incident]) -> list[tuple]:
    return [(i.id, i.title, i.articles, i.related,
             sorted((name, repr(fact)) for name, fact in i.facts.items())) for i in incidents]


@pytest.fixture(params=["one process", "forked workers"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "forked workers":
        monkeypatch.setattr(engine, "PARALLEL_MIN", 0)
    return str(request.param)


def test_warm_build_equals_cold_and_reads_nothing_again(tmp_path: Path, mode: str) -> None:
    articles = _archive()
    names = load_names()
    expected = _record(build_incidents(articles, names))
    cold = ProfileCache(tmp_path, names)
    assert _record(build_incidents(articles, names, cold)) == expected
    assert cold.hits == 0
    warm = ProfileCache(tmp_path, names)
    assert _record(build_incidents(articles, names, warm)) == expected
    assert warm.hits == len(articles)


def test_an_edited_article_is_read_again_and_a_deleted_one_forgotten(tmp_path: Path,
                                                                    mode: str) -> None:
    articles = _archive()
    names = load_names()
    build_incidents(articles, names, ProfileCache(tmp_path, names))
    edited = [*articles[:2], replace(articles[2], text="Mobile internet came back on 20 "
                                     "January after the shutdown."), *articles[4:]]
    warm = ProfileCache(tmp_path, names)
    assert _record(build_incidents(edited, names, warm)) == _record(
        build_incidents(edited, names))
    assert warm.hits == len(edited) - 1
    assert len(ProfileCache(tmp_path, names).profiles) == len(edited)


def _inodes(folder: Path) -> dict[str, int]:
    """Each shard's inode: an atomic write (a rename) gives the file a new one."""
    return {p.name: p.stat().st_ino for p in folder.glob(SHARD.format("*"))}


def test_a_rebuild_rewrites_only_the_shards_whose_articles_changed(tmp_path: Path,
                                                                   mode: str) -> None:
    articles = _archive()
    names = load_names()
    build_incidents(articles, names, ProfileCache(tmp_path, names))
    first = _inodes(tmp_path)
    build_incidents(articles, names, ProfileCache(tmp_path, names))
    assert _inodes(tmp_path) == first  # an unchanged archive: nothing written
    edited = [*articles[:2], replace(articles[2], text="Mobile internet came back on 20 "
                                     "January after the shutdown."), *articles[3:]]
    warm = ProfileCache(tmp_path, names)
    assert _record(build_incidents(edited, names, warm)) == _record(
        build_incidents(edited, names))
    after = _inodes(tmp_path)
    rewritten = [name for name in after if after[name] != first.get(name)]
    assert len(rewritten) == 1
    if mode == "forked workers":  # one shard per group of places: the others are kept
        assert len(after) > 1
    assert len(ProfileCache(tmp_path, names).profiles) == len(edited)


def test_other_names_reuse_nothing(tmp_path: Path) -> None:
    articles = _archive()
    names = load_names()
    build_incidents(articles, names, ProfileCache(tmp_path, names))
    other = Names(names=dict(names.names), aliases={**names.aliases, "ir": ("Persia",)},
                  parents=dict(names.parents), countries=list(names.countries),
                  cities=set(names.cities))
    again = ProfileCache(tmp_path, other)
    assert again.profiles == {}
    build_incidents(articles, other, again)
    assert again.hits == 0


def test_the_cache_file_is_readable_by_others_and_a_broken_one_is_ignored(
        tmp_path: Path) -> None:
    names = load_names()
    old = os.umask(0o022)
    try:
        build_incidents(_archive(), names, ProfileCache(tmp_path, names))
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / SHARD.format(0)).st_mode) == 0o644
    (tmp_path / SHARD.format(0)).write_bytes(b"not a pickle")
    broken = ProfileCache(tmp_path, names)
    assert broken.profiles == {}
    assert _record(build_incidents(_archive(), names, broken)) == _record(
        build_incidents(_archive(), names))


def test_incidents_and_inputs_survive_pickling_as_workers_send_them() -> None:
    import pickle

    articles = _archive()
    incidents = build_incidents(articles)
    again = pickle.loads(pickle.dumps(incidents, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == incidents
    assert any(f.source for i in again for f in i.facts.values())  # with their sentences
    assert pickle.loads(pickle.dumps(articles)) == articles
    profiles = list(engine.build(articles).profiles.values())
    assert any(p.starts and p.service_found is not None for p in profiles)
    assert pickle.loads(pickle.dumps(profiles, protocol=pickle.HIGHEST_PROTOCOL)) == profiles


def test_reading_makes_no_reference_cycles_so_the_collector_can_stay_off() -> None:
    import gc

    articles = _archive()
    engine.build(articles[:1])  # imports and compiled patterns made before counting
    gc.collect()
    gc.disable()
    try:
        part = engine._read_and_group(articles, load_names(), None, 0)
        assert part.incidents
        del part
        assert gc.collect() == 0  # everything read was freed by refcounting alone
    finally:
        gc.enable()
    engine.build(articles)
    assert gc.isenabled()  # the engine turns the collector back on


def test_the_fingerprint_follows_every_field_and_their_boundaries() -> None:
    from newsarchive.incidents.cache import fingerprint

    base = article("fp", "Iran cuts", "2020-01-10", "Mobile data cut.", summary="Cut.",
                   countries=("ir",), meta={"incident": "x"})
    assert fingerprint(base) == fingerprint(replace(base))  # equal articles, one print
    changed = [replace(base, text="Mobile data cut!"), replace(base, countries=("iq",)),
               replace(base, meta={"incident": "y"}), replace(base, lang="fa"),
               replace(base, title="Iran cut", summary="sCut.")]  # a boundary moved
    prints = {fingerprint(a) for a in changed}
    assert len(prints) == len(changed) and fingerprint(base) not in prints
    assert fingerprint(replace(base, meta={"a": "1", "b": "2"})) == fingerprint(
        replace(base, meta={"b": "2", "a": "1"}))  # the metadata's order does not count
