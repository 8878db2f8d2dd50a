"""The tagger's front: load it, say what text it reads, tag, cache results, apply hand-set tags.

Layers, each importing only the ones before it (no cycle): ``text_forms`` (how text is read)
-> ``entities`` (gazetteer data) -> ``event_types`` -> ``matcher`` (the compiled automaton) ->
``tag_claims`` / ``tag_batch`` (the rules, applied to a batch of texts; a lone text is a batch
of one) -> ``tag_result`` -> this module.

- :func:`load_tagger` gives the (cached) :class:`Tagger` of a data folder;
- :func:`tagging_text` is the one derivation of (title, lead, body) from an item, used by
  ingest, the site build and ``newsarchive tag``;
- :class:`TagCache` keeps tag results by content hash, and :func:`merge_hand_set` applies an
  article's ``Entities:``/``Not-Entities:``/``Event-Types:``/``Not-Event-Types:`` metadata.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import pickle
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsarchive import event_types as et
from newsarchive import evidence as ev
from newsarchive.entities import (
    DEFAULT_DATA_DIR,
    Entity,
    Gazetteer,
    data_files,
    hash_files,
    load_gazetteer,
)
from newsarchive.event_types import TaggedEventType
from newsarchive.gcpause import collector_paused, settle_young_objects
from newsarchive.matcher import Matcher
from newsarchive.sanitize import html_to_text
from newsarchive.tag_batch import Tables, tag_batch
from newsarchive.tag_result import EntityRow, TaggedEntity, TagResult
from newsarchive.text_forms import ZONES, zone_form

__all__ = [
    "BATCH_SIZE", "ZONES", "Cached", "EntityRow", "TagCache", "TagResult", "TaggedEntity",
    "Tagger", "apply_hand_set", "load_tagger", "merge_hand_set", "tagging_text",
]

log = logging.getLogger(__name__)

BATCH_SIZE = 256  # texts per scan in tag_many() (larger batches fall out of the cache)
BODY_CHARS = 100_000  # the body is read up to here (a pathological item costs no more)
LEAD_CHARS = 800  # without a summary, the body's first paragraph up to here is the lead ...
LEDE_WORDS = 8  # ... when it has this many words (not a caption or a dateline)
_CACHE_FORMAT = "tagger-v7"


# --- the text a tagger reads ------------------------------------------------------------------


def tagging_text(
    title: str, summary: str = "", body: str = "", *, html: bool = False
) -> tuple[str, str, str]:
    """(title, lead, body) as the tagger reads an item: plain text, the summary as the lead.

    With ``html`` the three are HTML fragments turned into text (``sanitize.html_to_text``).
    Without a summary, the body's first real paragraph (see :func:`_lede`) is the lead and the
    body is the rest: headline and lede weigh more wherever an item comes from. The body is read
    up to BODY_CHARS.
    """
    if html:
        title = _html_text(title)
        summary = _html_text(summary)
        body = _html_text(body)
    title, summary, body = (title or "").strip(), (summary or "").strip(), body or ""
    body = _without_dateline(body[:BODY_CHARS])
    summary = _without_dateline(summary)
    if not summary and body:
        summary, body = _lede(body, title)
    return title, summary, body


#: a dateline: a place in capitals, maybe a date or an agency, then a dash ("KATHMANDU, Sept 9
#: -", "WASHINGTON (Reuters) —", "МОСКВА, 9 сентября —")
_DATELINE = re.compile(
    r"\s*(?P<place>[^\W\d_][^\W\d_'’.\- ]{1,40}?)\s*(?:,[^\n\-–—:]{1,40}?)?"
    r"\s*(?:\([^)\n]{1,40}\)\s*)?[-–—]+\s+"
)


def _without_dateline(text: str) -> str:
    """A text without the dateline it starts with: where a wire story was filed from is not
    where its event happens (a Kathmandu bureau reports on Bangladesh)."""
    found = _DATELINE.match(text)
    if found and found.group("place").isupper() and len(found.group("place")) >= 3:
        return text[found.end():]
    return text


def _lede(body: str, title: str) -> tuple[str, str]:
    """The body's first real paragraph (LEDE_WORDS words or more, up to LEAD_CHARS; a caption,
    dateline or byline before it stays in the body) as the lead, and the body without it."""
    paragraphs = body.strip().split("\n\n")
    for index, paragraph in enumerate(paragraphs[:4]):
        text = paragraph.strip()
        if len(text.split()) >= LEDE_WORDS and text != title:
            if len(text) > LEAD_CHARS:
                break
            rest = paragraphs[:index] + paragraphs[index + 1 :]
            return text, "\n\n".join(rest)
    return "", body


def _html_text(value: Any) -> str:
    """Plain text of an HTML fragment (one converter for the whole project)."""
    if not value:
        return ""
    text = str(value)
    if "<" not in text and "&" not in text:
        return text
    return html_to_text(text)


# --- the tagger -------------------------------------------------------------------------------


@dataclass
class Tagger:
    """A compiled matcher and its rules laid out as arrays: call :meth:`tag` on texts."""

    compiled: Matcher
    tables: Tables
    key: str = ""  # a hash of the data and of the code that built it (see from_data)

    @classmethod
    def build(
        cls,
        gazetteer: Gazetteer,
        event_config: tuple[list[et.EventTypeDef], et.RelevanceConfig] | None = None,
    ) -> Tagger:
        """Compile a gazetteer and event-type definitions."""
        compiled = Matcher.build(gazetteer, event_config)
        return cls(compiled, Tables.of(compiled))

    @classmethod
    def from_data(cls, data_dir: Path, cache_dir: Path | None = None) -> Tagger:
        """Load the compiled tagger from the disk cache, or build it and cache it."""
        files = data_files(data_dir)
        here = Path(__file__).parent  # the code that builds what the cache keeps
        sources = [
            here / name
            for name in (
                "tagger.py", "matcher.py", "event_types.py", "entities.py", "text_forms.py",
                "tag_batch.py", "tag_claims.py", "tag_result.py",
            )
        ]
        import pycountry

        key = hash_files([*files, *sources], _CACHE_FORMAT, f"pycountry {pycountry.__version__}")
        cache_dir = cache_dir or data_dir.resolve().parent / ".cache" / "entities"
        cached = cache_dir / f"tagger-{key[:24]}.pickle"
        if cached.is_file():
            try:
                with cached.open("rb") as handle:
                    tagger = pickle.load(handle)
                if isinstance(tagger, cls):
                    for message in tagger.warnings:
                        log.warning("gazetteer: %s", message)
                    return tagger
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as err:
                log.info("entities: ignoring unreadable cache %s (%s)", cached, err)
        tagger = cls.build(load_gazetteer(data_dir), et.load_event_types(data_dir))
        tagger.key = key
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            for old in cache_dir.glob("tagger-*.pickle"):
                old.unlink(missing_ok=True)
            tmp = cached.with_suffix(".tmp")
            with tmp.open("wb") as handle:
                pickle.dump(tagger, handle, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(cached)
        except OSError as err:  # a read-only checkout still tags, only slower to start
            log.info("entities: cannot cache the tagger in %s (%s)", cache_dir, err)
        return tagger

    # -- what it was built from --

    @property
    def gazetteer(self) -> Gazetteer:
        return self.compiled.gazetteer

    @property
    def event_defs(self) -> list[et.EventTypeDef]:
        return self.compiled.event_defs

    @property
    def warnings(self) -> list[str]:
        return self.compiled.warnings

    @property
    def data_hash(self) -> str:
        """Hash of the data this tagger was built from, and of the tagger's code when it was
        loaded by ``from_data`` (a cache key for tag results: new rules re-tag)."""
        return self.key or self.compiled.data_hash

    def entity(self, entity_id: str) -> Entity | None:
        """A gazetteer entry by id."""
        return self.compiled.entity(entity_id)

    def entities_of(self, ids: Iterable[str]) -> list[Entity]:
        """Gazetteer entries for known ids, in the order given."""
        return self.compiled.entities_of(ids)

    # -- tagging --

    def tag(
        self, title: str, lead: str = "", body: str = "", lang: str = "en", *,
        evidence: bool = False,
    ) -> TagResult:
        """Entities, event types and relevance of one text (title, lead/summary, body).

        ``lang`` is informational: aliases of every language are matched, since texts quote
        foreign names. With ``evidence``, each event type carries the sentence that reports
        it (``result.evidence``).
        """
        del lang
        result = self.tag_many([(title, lead, body)])[0]
        if evidence:
            result.evidence = self.evidence(title, lead, body, result.event_types)
        return result

    def tag_many(
        self, texts: Iterable[tuple[str, str, str]], batch_size: int = BATCH_SIZE
    ) -> list[TagResult]:
        """:meth:`tag` for many (title, lead, body) texts, a batch of them at a time."""
        results: list[TagResult] = []
        batch: list[tuple[str, str, str]] = []
        compiled, tables = self.compiled, self.tables
        with collector_paused():
            for title, lead, body in texts:
                batch.append((title or "", lead or "", body or ""))
                if len(batch) == batch_size:
                    results += tag_batch(compiled, tables, batch)
                    batch = []
            if batch:
                results += tag_batch(compiled, tables, batch)
            if len(results) >= BATCH_SIZE:
                settle_young_objects()  # the results: long-lived, no cycles
        return results

    def evidence(
        self, title: str, lead: str, body: str, types: Iterable[TaggedEventType]
    ) -> dict[str, str]:
        """The sentence that reports each event type (headline and lede first)."""
        ids = [t.id for t in types]
        return ev.evidence_sentences(self.compiled, self.tables, title, lead, body, ids)

    def explain(
        self, title: str, lead: str = "", body: str = ""
    ) -> list[tuple[str, str, str, float]]:
        """The cue phrases found, as (event type id, phrase, zone, weight): why a type was given."""
        out = []
        compiled = self.compiled
        for zone, text in zip(ZONES, (title, lead, body), strict=True):
            for found, _start, _end in compiled.matches(zone_form([text or ""])):
                pid = compiled.pattern_ids[found]
                _entities, cues, _context, _term, key, _nested = compiled.actions[pid]
                phrase = key.encode("latin-1").decode("utf-8", "replace")
                for index, weight in cues:
                    out.append((self.event_defs[index].id, phrase, zone, weight))
        return out


@functools.cache
def _cached_tagger(data_dir: str, signature: tuple[tuple[str, int, int], ...]) -> Tagger:
    return Tagger.from_data(Path(data_dir))


def load_tagger(data_dir: Path | str | None = None) -> Tagger:
    """The tagger for a data folder (default: the repository's ``data/``), built once.

    In-process it is cached by the folder and its files' sizes and mtimes, so an edited
    gazetteer is reloaded; across processes the compiled tagger is cached on disk under
    ``.cache/entities/`` keyed by a hash of the data files and of the code.
    """
    folder = Path(data_dir).resolve() if data_dir else DEFAULT_DATA_DIR
    signature = tuple(
        (p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in data_files(folder)
    )
    return _cached_tagger(str(folder), signature)


# --- cached results and hand-set metadata ------------------------------------------------------

# What the cache keeps per text: entities as (id, salience, mentions, main), event types as
# (id, score), and relevance.
Cached = tuple[tuple[tuple[str, float, int, bool], ...], tuple[tuple[str, float], ...], float]


def compact(result: TagResult) -> Cached:
    """What a build keeps of a result."""
    main = result.main
    return (
        tuple((row[0], row[1], row[2], row[0] in main) for row in result.rows),
        tuple((t.id, t.score) for t in result.event_types),
        result.relevance,
    )


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

    @staticmethod
    def key(text: tuple[str, str, str]) -> str:
        """The cache's key of a (title, lead, body) text."""
        return hashlib.sha256("\x00".join(("v2", *text)).encode()).hexdigest()

    def tag_all(self, tagger: Tagger, texts: list[tuple[str, str, str]]) -> list[Cached]:
        """Cached tag results of (title, lead, body) texts; the others tagged in one
        ``tag_many()`` call (callers pass a bounded chunk of texts)."""
        keys = [self.key(text) for text in texts]
        missing = {
            key: text for key, text in zip(keys, texts, strict=True) if key not in self.entries
        }
        self.hits += len(texts) - len(missing)
        if missing:
            results = tagger.tag_many(missing.values())
            for key, result in zip(missing, results, strict=True):
                self.entries[key] = compact(result)
            self.misses += len(missing)
            self.dirty = True
        return [self.entries[key] for key in keys]


def split_ids(value: Any) -> list[str]:
    """Ids from a comma-separated metadata value (a list is accepted too)."""
    if not value:
        return []
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    return [i.strip() for i in items if str(i).strip()]


def merge_hand_set(
    cached: Cached,
    metadata: Mapping[str, Any],
    known_entities: set[str],
    known_types: set[str],
    where: str,
) -> Cached:
    """Apply ``Entities``/``Not-Entities`` and ``Event-Types``/``Not-Event-Types`` (metadata
    keys lower-case). An entity an editor adds is one of the story's main ones."""
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
    merged += [(i, 1.0, 0, True) for i in ids("entities", known_entities) if i not in present]
    removed_types = set(ids("not-event-types", known_types))
    present_types = {t[0] for t in types}
    merged_types = [t for t in types if t[0] not in removed_types]
    merged_types += [(i, 1.0) for i in ids("event-types", known_types) if i not in present_types]
    return tuple(merged), tuple(merged_types), relevance


def result_of(tagger: Tagger, cached: Cached) -> TagResult:
    """A TagResult from what the cache keeps (after hand-set metadata, say)."""
    names = {d.id: d.name for d in tagger.event_defs}
    rows: list[EntityRow] = [(i, s, n, 0, 0, n) for i, s, n, _main in cached[0]]
    main = frozenset(i for i, _s, _n, is_main in cached[0] if is_main)
    types = [TaggedEventType(i, names.get(i, i), s) for i, s in cached[1]]
    return TagResult(rows, types, cached[2], tagger.gazetteer.entities, main)


def apply_hand_set(
    tagger: Tagger, result: TagResult, metadata: Mapping[str, Any], where: str
) -> TagResult:
    """A full result with an item's hand-set metadata applied (``merge_hand_set``)."""
    known_types = {d.id for d in tagger.event_defs}
    merged = merge_hand_set(
        compact(result), metadata, set(tagger.gazetteer.entities), known_types, where
    )
    kept = {row[0] for row in merged[0]}
    rows = [row for row in result.rows if row[0] in kept]
    had = {row[0] for row in rows}
    rows += [(i, s, n, 0, 0, 0) for i, s, n, _main in merged[0] if i not in had]
    main = frozenset(i for i, _s, _n, is_main in merged[0] if is_main)
    names = {d.id: d.name for d in tagger.event_defs}
    types = [TaggedEventType(i, names.get(i, i), s) for i, s in merged[1]]
    evidence = {k: v for k, v in result.evidence.items() if k in {t.id for t in types}}
    return TagResult(rows, types, result.relevance, tagger.gazetteer.entities, main, evidence)
