"""Two builds of the same content are byte-identical, whether the caches are cold or warm.

Pagefind's fragment and word-index files are stable between runs (since Pagefind 1.3), but
its filter and metadata indexes are written from a hash map in arbitrary order, so their
bytes, names and the entry file that names them may change (Pagefind issue #638). Those few
files are compared by count only; every other file must be identical.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

import pytest

from tests.sitebuild import build_site

pytestmark = pytest.mark.slow


UNSTABLE = re.compile(
    r"^pagefind[^/]*/(filter/.*|pagefind\.[a-z-]+_[0-9a-f]+\.pf_meta|pagefind-entry\.json)$"
)


def digests(site: Path) -> dict[str, str]:
    """sha256 of every file; Pagefind's unstable files keyed by kind, not by name."""
    found: dict[str, str] = {}
    unstable: Counter[str] = Counter()
    for path in sorted(site.rglob("*")):
        name = path.relative_to(site).as_posix()
        if not path.is_file():
            continue
        if UNSTABLE.match(name):
            unstable[name.rsplit("/", 1)[0] + "/" + name.rsplit(".", 1)[-1]] += 1
            continue
        found[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    found.update({f"{kind} (count)": str(count) for kind, count in unstable.items()})
    return found


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
