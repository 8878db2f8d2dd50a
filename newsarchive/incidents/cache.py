"""Profiles of articles read before, kept between builds (what a new article costs is then
reading it, not re-reading the archive).

A profile depends only on its article, the gazetteer's names and the engine's code, so it is
stored under a fingerprint of the article and found again only while the names and the code
are the same (a fingerprint of both heads each file; when it differs, nothing is reused).
The profiles are kept in shards, one per group of place partitions the build reads together
(``profiles-<n>.pickle``): each is written by the worker that read its articles (nothing is
sent back to the parent to be saved), atomically, mode 0644, with the profiles of that
build's articles only, so a deleted or edited article's old profile goes. A shard that would
be written with exactly the profiles it already holds is left as it is (a rebuild with no
change in that shard's places writes nothing).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import pickle
from collections.abc import Iterable, Mapping
from pathlib import Path

from newsarchive.fileperm import write_atomically
from newsarchive.incidents.extract import Profile
from newsarchive.incidents.model import ArticleInput
from newsarchive.incidents.places import Names

SHARD = "profiles-{}.pickle"
_CODE = Path(__file__).resolve().parent


_FIELDS = tuple(f.name for f in dataclasses.fields(ArticleInput))


def fingerprint(article: ArticleInput) -> str:
    """A digest of everything the engine reads of an article: each field in turn, its length
    first (a text is hashed as it is, not escaped by ``repr``; the rest as ``repr``, the
    metadata sorted)."""
    digest = hashlib.blake2b(digest_size=16)
    for name in _FIELDS:
        value = getattr(article, name)
        if not isinstance(value, str):
            value = repr(sorted(value.items()) if isinstance(value, Mapping) else value)
        data = value.encode("utf-8", "surrogatepass")
        digest.update(b"%d:" % len(data))
        digest.update(data)
    return digest.hexdigest()


def engine_version(names: Names) -> str:
    """A digest of the engine's code and the names it reads articles with."""
    digest = hashlib.blake2b(digest_size=16)
    for source in sorted(_CODE.glob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    digest.update(repr((sorted(names.names.items()), sorted(names.aliases.items()),
                        sorted(names.parents.items()), names.countries,
                        sorted(names.cities))).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class ProfileCache:
    """Profiles by article fingerprint, loaded from the shards in ``folder`` (None: kept in
    memory only)."""

    def __init__(self, folder: Path | None, names: Names) -> None:
        self.folder = folder
        self.version = engine_version(names)
        self.profiles: dict[str, Profile] = {}
        self.hits = 0  # profiles the last build found here
        self._held: dict[str, frozenset[str]] = {}  # shard file name: the fingerprints it holds
        for path in sorted(folder.glob(SHARD.format("*"))) if folder and folder.is_dir() else ():
            with contextlib.suppress(Exception):  # unreadable or of another version: skipped
                version, profiles = pickle.loads(path.read_bytes())
                if version == self.version:
                    self.profiles.update(profiles)
                    self._held[path.name] = frozenset(profiles)

    def get(self, print_: str) -> Profile | None:
        """The stored profile of an article's fingerprint."""
        return self.profiles.get(print_)

    def write(self, shard: int, read: dict[str, Profile]) -> None:
        """Write shard ``shard`` with exactly the profiles of ``read`` (fingerprint: profile),
        stored without their articles (each build gives them again)."""
        if self.folder is None:
            self.profiles.update(read)
            return
        name = SHARD.format(shard)
        if self._held.get(name) == read.keys() and (self.folder / name).is_file():
            return  # the same profiles (a profile depends only on its fingerprint)
        articles = [p.article for p in read.values()]
        try:
            for p in read.values():
                p.article = None  # type: ignore[assignment]
            data = pickle.dumps((self.version, read), protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            for p, article in zip(read.values(), articles, strict=True):
                p.article = article
        write_atomically(self.folder / name, data)

    def finish(self, shards: int, prints: Iterable[str]) -> None:
        """After a build that wrote shards ``0..shards-1``: remove the others, and keep in
        memory only the profiles of ``prints`` (the build's articles)."""
        if self.folder is not None and self.folder.is_dir():
            for path in self.folder.glob(SHARD.format("*")):
                number = path.name.removeprefix("profiles-").removesuffix(".pickle")
                if not number.isdigit() or int(number) >= shards:
                    path.unlink(missing_ok=True)
        wanted = set(prints)
        self.profiles = {k: p for k, p in self.profiles.items() if k in wanted}
