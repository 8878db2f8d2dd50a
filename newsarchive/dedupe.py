"""One story, one article: exact identity (canonical URL, guid, content) and near-duplicates.

Near-duplicates are found with one-permutation b-bit MinHash over word 3-shingles: each
shingle is hashed once (CRC-32), the hash picks one of ``BINS`` bins and the bin keeps its
smallest value (its low byte).
Signatures are split into ``BANDS`` bands of ``BINS // BANDS`` rows (locality-sensitive
hashing), so a lookup touches only the articles that share a band: linear in the archive,
not quadratic. A candidate counts as the same story when the estimated Jaccard similarity of
the two texts is at least ``NEAR_THRESHOLD``. Syndicated copies with different headlines,
bylines or trailers still score well above it; different stories on one subject score far below.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from newsarchive.normalize import canonical_url

SHINGLE = 3
BINS = 64
BANDS = 16
ROWS = BINS // BANDS
NEAR_THRESHOLD = 0.6
MIN_SHINGLES = 25  # shorter texts are too short to call near-duplicates
MAX_CANDIDATES = 50  # verified per lookup, most shared bands first: bounded work per item
BUCKET_RECENT = 64  # a crowded band bucket (boilerplate) contributes its latest keys only
_CHANCE = 1 / 255  # two different minima agree on their low byte by chance this often
_WORD = re.compile(r"\w+")

Signature = bytes


def _words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def signature(text: str) -> Signature | None:
    """The MinHash signature of ``text`` (one byte per bin, 0 = empty bin); None when it has
    too few words to judge.

    b-bit MinHash: each bin keeps only the low byte (1..255) of its minimum, so comparing two
    signatures is a couple of C-level byte operations, and the index stays small.
    """
    words = _words(text)
    if len(words) < MIN_SHINGLES + SHINGLE - 1:
        return None
    mins = [0xFFFFFFFF] * BINS
    for shingle in {" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}:
        value = (zlib.crc32(shingle.encode("utf-8")) * 0x9E3779B1) & 0xFFFFFFFF
        slot, rest = value >> 26, value & 0x3FFFFFF  # high bits pick the bin
        if rest < mins[slot]:
            mins[slot] = rest
    return bytes(0 if m == 0xFFFFFFFF else 1 + m % 255 for m in mins)


def similarity(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of two signatures (bins empty in both are ignored)."""
    left, right = int.from_bytes(a, "big"), int.from_bytes(b, "big")
    equal = (left ^ right).to_bytes(BINS, "big").count(0)
    both_empty = (left | right).to_bytes(BINS, "big").count(0)
    used = BINS - both_empty
    if not used:
        return 0.0
    observed = (equal - both_empty) / used
    return max(0.0, (observed - _CHANCE) / (1 - _CHANCE))


def _bands(sig: Signature) -> list[tuple[int, bytes]]:
    return [(band, sig[band * ROWS:(band + 1) * ROWS]) for band in range(BANDS)
            if any(sig[band * ROWS:(band + 1) * ROWS])]


def title_key(title: str) -> str:
    """A title reduced to its words, for 'same headline' matching."""
    return " ".join(_words(title))


def url_key(url: str) -> str:
    """What two URLs of one article share: ``canonical_url(url, key=True)`` (the same rule the
    build's related stories use), or the URL itself when it is not an http(s) URL."""
    return canonical_url(url, key=True) or url


def guid_key(guid: str, source_name: str) -> str:
    """A guid as an identity: global when it looks global (URL, tag:, urn:, long), else scoped
    to the outlet (feeds number their items '1', '2' ...)."""
    guid = guid.strip()
    if not guid:
        return ""
    if re.match(r"^(?:https?://|tag:|urn:|file:)", guid, re.I) or (
        len(guid) >= 20 and not guid.isdigit()
    ):
        return guid
    return f"{source_name.casefold()}\x00{guid}"


@dataclass
class Entry:
    """What the index knows of one archived article."""

    key: str  # path relative to the content folder
    slug: str
    urls: list[str] = field(default_factory=list)  # Source-URL first, then Seen-At
    guid: str = ""
    source_name: str = ""
    content_hash: str = ""
    title: str = ""
    date: datetime | None = None
    sig: Signature | None = None


@dataclass(frozen=True)
class Match:
    """Why a record is already in the archive: ``url``, ``guid``, ``content`` or ``near``
    (with the estimated similarity)."""

    key: str
    reason: str
    score: float = 1.0


class DedupeIndex:
    """Lookups by canonical URL, guid, content hash and MinHash bands (never by headline)."""

    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self.slugs: dict[str, str] = {}
        self._by_url: dict[str, str] = {}
        self._by_guid: dict[str, str] = {}
        self._by_hash: dict[str, str] = {}
        self._by_band: dict[tuple[int, bytes], list[str]] = defaultdict(list)

    def __len__(self) -> int:
        return len(self.entries)

    def add(self, entry: Entry) -> None:
        """Index ``entry`` (replacing an entry with the same key)."""
        if entry.key in self.entries:
            self.remove(entry.key)
        self.entries[entry.key] = entry
        self.slugs[entry.slug] = entry.key
        for url in entry.urls:
            if url:
                self._by_url.setdefault(url_key(url), entry.key)
        if entry.guid:
            self._by_guid.setdefault(guid_key(entry.guid, entry.source_name), entry.key)
        if entry.content_hash:
            self._by_hash.setdefault(entry.content_hash, entry.key)
        if entry.sig:
            for band in _bands(entry.sig):
                self._by_band[band].append(entry.key)

    def remove(self, key: str) -> None:
        """Forget ``key`` (the file is gone or about to be re-indexed)."""
        entry = self.entries.pop(key, None)
        if entry is None:
            return
        if self.slugs.get(entry.slug) == key:
            del self.slugs[entry.slug]
        names = [(self._by_url, [url_key(u) for u in entry.urls]),
                 (self._by_guid, [guid_key(entry.guid, entry.source_name)]),
                 (self._by_hash, [entry.content_hash])]
        for table, keys in names:
            for name in keys:
                if table.get(name) == key:
                    del table[name]
        if entry.sig:
            for band in _bands(entry.sig):
                if key in self._by_band.get(band, []):
                    self._by_band[band].remove(key)

    def add_url(self, key: str, url: str) -> None:
        """Another place the same article was seen."""
        if url:
            self._by_url.setdefault(url_key(url), key)
            entry = self.entries[key]
            if url not in entry.urls:
                entry.urls.append(url)

    def slug_taken(self, slug: str) -> bool:
        return slug in self.slugs

    def match(self, *, urls: list[str], guid: str, source_name: str, content_hash: str,
              sig: Signature | None) -> Match | None:
        """The archived article this record is, or is a copy of; None for a new story.

        Never by headline alone: different stories share headlines ("Internet shutdown
        ordered ahead of national exams"); copies under other headlines share their text."""
        for url in urls:
            if url and url_key(url) in self._by_url:
                return Match(self._by_url[url_key(url)], "url")
        if guid:
            key = self._by_guid.get(guid_key(guid, source_name))
            if key:
                return Match(key, "guid")
        if content_hash and content_hash in self._by_hash:
            return Match(self._by_hash[content_hash], "content")
        if sig:
            best: Match | None = None
            shared: Counter[str] = Counter(
                k for band in _bands(sig) for k in self._by_band.get(band, [])[-BUCKET_RECENT:]
            )
            for key, _ in shared.most_common(MAX_CANDIDATES):
                other = self.entries[key].sig
                if other is None:
                    continue
                score = similarity(sig, other)
                if score >= NEAR_THRESHOLD and (best is None or score > best.score):
                    best = Match(key, "near", round(score, 3))
            return best
        return None
