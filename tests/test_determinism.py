"""Two builds of the same content are byte-identical, whether the caches are cold or warm."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.sitebuild import build_site

pytestmark = pytest.mark.slow


def digests(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def test_warm_rebuild_is_byte_identical(built_site: Path) -> None:
    """Same cache folder as the session build: every cache is warm the second time."""
    again = built_site.parent / "again"
    build_site(again, settings={"CACHE_PATH": str(built_site.parent / "output-cache")})
    first, second = digests(built_site), digests(again)
    assert first.keys() == second.keys(), (
        f"files only in one build: {sorted(first.keys() ^ second.keys())[:10]}"
    )
    differing = sorted(name for name in first if first[name] != second[name])
    assert not differing, f"{len(differing)} files differ, e.g. {differing[:10]}"
