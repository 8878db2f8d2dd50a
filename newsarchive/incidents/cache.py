"""Profiles of articles read before, kept between builds (what a new article costs is then
reading it, not re-reading the archive).

A profile depends only on its article, the gazetteer's names and the engine's code, so it is
stored under a fingerprint of the article and found again only while the names and the code
are the same (a fingerprint of both heads the file; when it differs, nothing is reused).
The file is one pickle, written atomically (mode 0644) with the profiles of the articles of
the last build only: a deleted or edited article's old profile goes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterable
from pathlib import Path

from newsarchive.incidents.extract import Profile
from newsarchive.incidents.model import ArticleInput
from newsarchive.incidents.places import Names

FILE = "incident-profiles.pickle"
_CODE = Path(__file__).resolve().parent


def fingerprint(article: ArticleInput) -> str:
    """A digest of everything the engine reads of an article."""
    return hashlib.blake2b(repr(article).encode("utf-8", "surrogatepass"),
                           digest_size=16).hexdigest()


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
    """Profiles by article fingerprint, loaded from ``folder`` (None: kept in memory only)."""

    def __init__(self, folder: Path | None, names: Names) -> None:
        self.path = folder / FILE if folder else None
        self.version = engine_version(names)
        self.profiles: dict[str, Profile] = {}
        self.hits = 0  # profiles the last build found here
        if self.path and self.path.is_file():
            with contextlib.suppress(Exception):  # unreadable or of another version: start anew
                version, profiles = pickle.loads(self.path.read_bytes())
                if version == self.version:
                    self.profiles = profiles

    def get(self, print_: str) -> Profile | None:
        """The stored profile of an article's fingerprint, without its article."""
        return self.profiles.get(print_)

    def save(self, read: Iterable[tuple[str, Profile]]) -> None:
        """Keep exactly the profiles of ``read`` (fingerprint, profile) and write them."""
        self.profiles = dict(read)
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        articles = [p.article for p in self.profiles.values()]
        try:  # stored without their articles (each build gives them again)
            for p in self.profiles.values():
                p.article = None  # type: ignore[assignment]
            data = pickle.dumps((self.version, self.profiles), protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            for p, article in zip(self.profiles.values(), articles, strict=True):
                p.article = article
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=f".{FILE}.")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(temporary, 0o666 & ~mask)
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
