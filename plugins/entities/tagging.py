"""Tag Pelican articles: the engine's tagger, a cache by content hash, hand-set metadata.

An article's text for tagging is its title, its own ``Summary`` (as the lead, when it has one)
and its body, with HTML stripped. Results are cached on disk in one pickle per gazetteer hash:
a key is the sha256 of the text and language, so an unchanged article is not re-tagged and a
gazetteer edit re-tags everything.

Hand-set metadata: ``Entities:`` adds ids (``ru`` or ``country:ru``), ``Not-Entities:`` removes
them; ``Event-Types:`` and ``Not-Event-Types:`` do the same for event types.
"""

from __future__ import annotations

import hashlib
import html
import logging
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsarchive.tagger import Tagger, TagResult

log = logging.getLogger(__name__)

_TAG_RE = re.compile(r"<[^>]+>")
CHUNK = 4096  # articles tagged at once: their texts and full results are held until compacted

# What the cache keeps per article: entities as (id, salience, mentions), event types as
# (id, score), and relevance.
Cached = tuple[tuple[tuple[str, float, int], ...], tuple[tuple[str, float], ...], float]


def plain_text(value: Any) -> str:
    """Text of an HTML fragment (tags dropped, entities decoded)."""
    if not value:
        return ""
    return html.unescape(_TAG_RE.sub(" ", str(value)))


def article_text(article: Any) -> tuple[str, str, str, str]:
    """(title, lead, body, lang) of a Pelican article."""
    title = plain_text(getattr(article, "title", ""))
    lead = plain_text(article.metadata.get("summary")) if "summary" in article.metadata else ""
    body = plain_text(getattr(article, "_content", "") or "")
    return title, lead, body, getattr(article, "lang", "") or "en"


@dataclass
class TagCache:
    """Tag results by content hash for one gazetteer, loaded from and saved to a folder."""

    folder: Path | None
    data_hash: str
    entries: dict[str, Cached] = field(default_factory=dict)
    dirty: bool = False
    hits: int = 0
    misses: int = 0

    @property
    def path(self) -> Path | None:
        return self.folder / f"tags-{self.data_hash[:24]}.pickle" if self.folder else None

    def load(self) -> None:
        """Read the cache file for this gazetteer, if any."""
        path = self.path
        if path is None or not path.is_file():
            return
        try:
            with path.open("rb") as handle:
                self.entries = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError) as err:
            log.info("entities: ignoring unreadable tag cache %s (%s)", path, err)
            self.entries = {}

    def save(self) -> None:
        """Write the cache (and drop caches of other gazetteer versions)."""
        path = self.path
        if path is None or not self.dirty:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            for old in path.parent.glob("tags-*.pickle"):
                if old != path:
                    old.unlink(missing_ok=True)
            tmp = path.with_suffix(".tmp")
            with tmp.open("wb") as handle:
                pickle.dump(self.entries, handle, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(path)
        except OSError as err:
            log.warning("entities: cannot write the tag cache %s (%s)", path, err)

    def tag_all(self, tagger: Tagger, texts: list[tuple[str, str, str, str]]) -> list[Cached]:
        """Cached tag results of (title, lead, body, lang) texts; the others tagged in one
        ``tag_many()`` call (callers pass at most CHUNK texts, whose full results are held)."""
        keys = [
            hashlib.sha256("\x00".join((lang, title, lead, body)).encode()).hexdigest()
            for title, lead, body, lang in texts
        ]
        missing = {
            key: text for key, text in zip(keys, texts, strict=True) if key not in self.entries
        }
        self.hits += len(texts) - len(missing)
        if missing:
            results = tagger.tag_many(text[:3] for text in missing.values())
            for key, result in zip(missing, results, strict=True):
                self.entries[key] = _compact(result)
            self.misses += len(missing)
            self.dirty = True
        return [self.entries[key] for key in keys]


def _compact(result: TagResult) -> Cached:
    return (
        tuple(row[:3] for row in result.rows),
        tuple((t.id, t.score) for t in result.event_types),
        result.relevance,
    )


def split_ids(value: Any) -> list[str]:
    """Ids from a comma-separated metadata value (a list is accepted too)."""
    if not value:
        return []
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    return [i.strip() for i in items if str(i).strip()]


def merge_hand_set(
    cached: Cached,
    metadata: dict[str, Any],
    known_entities: set[str],
    known_types: set[str],
    where: str,
) -> Cached:
    """Apply ``Entities``/``Not-Entities`` and ``Event-Types``/``Not-Event-Types``."""
    entities, types, relevance = cached

    def ids(key: str, known: set[str]) -> list[str]:
        out = []
        for item in split_ids(metadata.get(key)):
            bare = item.split(":", 1)[1] if ":" in item else item
            if bare in known:
                out.append(bare)
            else:
                log.warning("entities: %s: %s lists unknown id %r", where, key.title(), item)
        return out

    removed = set(ids("not-entities", known_entities))
    present = {e[0] for e in entities}
    merged = [e for e in entities if e[0] not in removed]
    merged += [(i, 1.0, 0) for i in ids("entities", known_entities) if i not in present]
    removed_types = set(ids("not-event-types", known_types))
    present_types = {t[0] for t in types}
    merged_types = [t for t in types if t[0] not in removed_types]
    merged_types += [(i, 1.0) for i in ids("event-types", known_types) if i not in present_types]
    return tuple(merged), tuple(merged_types), relevance
