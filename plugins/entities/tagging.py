"""The text of a Pelican article as the tagger reads it; the rest lives in the engine.

The tag cache (:class:`newsarchive.tagger.TagCache`) and the hand-set metadata merge
(:func:`newsarchive.tagger.merge_hand_set`: ``Entities:``/``Not-Entities:``,
``Event-Types:``/``Not-Event-Types:``) belong to the engine, so ``newsarchive tag`` honours
them as the build does.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import sys
from pathlib import Path
from typing import Any

import newsarchive
from newsarchive.fileperm import write_atomically
from newsarchive.tagger import TagCache, merge_hand_set, tagging_text

__all__ = ["CHUNK", "TagCache", "TextKeys", "article_text", "merge_hand_set", "raw_digest"]
log = logging.getLogger(__name__)

CHUNK = 4096  # articles tagged at once: their texts and full results are held until compacted


def article_text(article: Any) -> tuple[str, str, str]:
    """(title, lead, body) of a Pelican article: its title, its own ``Summary`` (when it has
    one) and its body, through :func:`newsarchive.tagger.tagging_text`."""
    summary = article.metadata.get("summary") if "summary" in article.metadata else ""
    return tagging_text(
        getattr(article, "title", "") or "",
        summary or "",
        getattr(article, "_content", "") or "",
        html=True,
    )


def raw_digest(article: Any) -> bytes:
    """Digest of what :func:`article_text` reads of an article (title, summary, body)."""
    summary = article.metadata.get("summary") if "summary" in article.metadata else ""
    h = hashlib.blake2b(digest_size=16)
    for part in (getattr(article, "title", "") or "", summary or "",
                 getattr(article, "_content", "") or ""):
        data = str(part).encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.digest()


def code_digest() -> str:
    """Digest of the code that turns an article into its text: Python's version and every
    module of the engine and of this plugin."""
    h = hashlib.blake2b(digest_size=12)
    h.update(sys.version.encode())
    for folder in (Path(newsarchive.__file__).parent, Path(__file__).parent):
        for path in sorted(folder.rglob("*.py")):
            h.update(path.relative_to(folder).as_posix().encode() + b"\0")
            h.update(hashlib.blake2b(path.read_bytes(), digest_size=16).digest())
    return h.hexdigest()


class TextKeys:
    """The tag cache's key of each article's text (:meth:`TagCache.key` of
    :func:`article_text`) by :func:`raw_digest`, so the text of an article unchanged since
    the last build is not made again. One file per :func:`code_digest`, written atomically
    (mode 0644) with the keys this build used."""

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / f"text-keys-{code_digest()}.pickle" if folder else None
        self.old: dict[bytes, str] = {}
        self.new: dict[bytes, str] = {}

    def load(self) -> None:
        if self.path is None or not self.path.is_file():
            return
        try:
            with self.path.open("rb") as handle:
                data = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError) as err:
            log.info("entities: ignoring unreadable %s (%s)", self.path, err)
            return
        if isinstance(data, dict):
            self.old = data

    def get(self, raw: bytes) -> str | None:
        found = self.old.get(raw)
        if found is not None:
            self.new[raw] = found
        return found

    def put(self, raw: bytes, key: str) -> None:
        self.new[raw] = key

    def save(self) -> None:
        if self.path is None or self.new == self.old:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            for old in self.path.parent.glob("text-keys-*.pickle"):
                if old != self.path:
                    old.unlink(missing_ok=True)
            write_atomically(self.path, pickle.dumps(self.new, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError as err:
            log.warning("entities: cannot write %s (%s)", self.path, err)
