"""sync_tree writes only what changed and removes what is gone."""

from __future__ import annotations

import os
from pathlib import Path

from newsarchive.sync import sync_tree


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_unchanged_files_keep_their_mtime(tmp_path: Path) -> None:
    staging, output = tmp_path / "staging", tmp_path / "output"
    write(staging / "a/index.html", "same")
    write(staging / "b/index.html", "old")
    write(staging / "gone/index.html", "bye")
    first = sync_tree(staging, output)
    assert sorted(first.added) == ["a/index.html", "b/index.html", "gone/index.html"]
    past = 1_000_000_000
    for name in ("a/index.html", "b/index.html"):
        os.utime(output / name, (past, past))

    (staging / "gone/index.html").unlink()
    write(staging / "b/index.html", "new")
    write(staging / "c/index.html", "added")
    second = sync_tree(staging, output)

    assert second.changed == ["b/index.html"]
    assert second.added == ["c/index.html"]
    assert second.removed == ["gone/index.html"]
    assert second.unchanged == 1
    assert (output / "a/index.html").stat().st_mtime == past
    assert (output / "b/index.html").read_text() == "new"
    assert not (output / "gone").exists(), "empty folders are removed"
    assert not list(output.rglob(".sync-*")), "no temporary file is left behind"


def test_keep_stale(tmp_path: Path) -> None:
    staging, output = tmp_path / "staging", tmp_path / "output"
    write(staging / "x.html", "x")
    write(output / "old.html", "old")
    report = sync_tree(staging, output, delete=False)
    assert report.removed == [] and (output / "old.html").exists()


def test_files_get_the_umask_mode_and_old_0600_files_are_repaired(tmp_path: Path) -> None:
    import stat

    staging, output = tmp_path / "staging", tmp_path / "output"
    write(staging / "a/index.html", "same")
    write(staging / "b/index.html", "new")
    old = os.umask(0o022)
    try:
        sync_tree(staging, output)
        assert stat.S_IMODE((output / "b/index.html").stat().st_mode) == 0o644
        os.chmod(output / "a/index.html", 0o600)  # as the mkstemp-based sync left them
        report = sync_tree(staging, output)
    finally:
        os.umask(old)
    assert report.unchanged == 2
    assert stat.S_IMODE((output / "a/index.html").stat().st_mode) == 0o644
    assert stat.S_IMODE((output / "a").stat().st_mode) == 0o755
