"""Is an item about internet freedom? A score in 0..1, from the build's tagger when it exists.

``load_scorer()`` returns the entity tagger's scorer when ``newsarchive.tagger`` can be
imported and exposes ``load_tagger`` (the same tagger the build uses, reading the same
``tagging_text()``, so ingest and site agree);
otherwise a keyword scorer over ``data/relevance_keywords.toml``. ``score(record)`` fills the
record's ``relevance``, ``entities`` and ``event_types``; the caller compares with the threshold
(feeds.toml ``[settings] relevance_threshold`` or ``--threshold``), and feeds marked
``always_relevant`` skip the comparison.
"""

from __future__ import annotations

import importlib
import math
import re
import tomllib
from pathlib import Path
from typing import Any, Protocol

from newsarchive.record import Record

KEYWORDS = Path(__file__).resolve().parent.parent / "data" / "relevance_keywords.toml"
BODY_CHARS = 20_000  # relevance is decided on the head of very long bodies


class Scorer(Protocol):
    """Anything that scores records in place."""

    name: str

    def score(self, record: Record) -> float: ...

    def score_all(self, records: list[Record]) -> None: ...


class TaggerScorer:
    """Relevance, entities and event types from ``newsarchive.tagger.load_tagger()``."""

    name = "tagger"

    def __init__(self, tagger: Any) -> None:
        self.tagger = tagger

    def score(self, record: Record) -> float:
        self.score_all([record])
        return record.relevance or 0.0

    def score_all(self, records: list[Record]) -> None:
        """Score records together: the tagger works on a batch at a time."""
        from newsarchive.tagger import tagging_text

        results = self.tagger.tag_many(
            tagging_text(record.title, record.summary, record.text) for record in records
        )
        for record, result in zip(records, results, strict=True):
            record.entities = [
                {"id": e.id, "type": e.type, "name": e.name, "salience": round(e.salience, 3),
                 "main": e.main}
                for e in result.entities
            ]
            record.event_types = [
                {"id": e.id, "type": "event_type", "name": e.name, "salience": round(e.score, 3),
                 "score": round(e.score, 3)}
                for e in result.event_types
            ]
            record.relevance = round(float(result.relevance), 3)


class KeywordScorer:
    """A weighted phrase list; the stand-in until (or where) the tagger is unavailable."""

    name = "keywords"

    def __init__(self, path: Path = KEYWORDS) -> None:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        self.scale = float(data.get("scale", 4.0))
        weights = data.get("weights", {})
        self.weights: dict[str, float] = {}
        for group, phrases in data.get("terms", {}).items():
            for phrase in phrases:
                self.weights.setdefault(phrase.lower(), float(weights.get(group, 1.0)))
        alternatives = "|".join(re.escape(p) for p in sorted(self.weights, key=len, reverse=True))
        self.pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def _sum(self, text: str) -> float:
        return sum(self.weights[m.group(0).lower()] for m in self.pattern.finditer(text))

    def score(self, record: Record) -> float:
        raw = 2 * self._sum(record.title) + self._sum(record.summary)
        raw += self._sum(record.text[:BODY_CHARS]) / max(1.0, len(record.text[:BODY_CHARS]) / 3000)
        record.relevance = round(1 - math.exp(-raw / self.scale), 3)
        record.entities, record.event_types = [], []
        return record.relevance

    def score_all(self, records: list[Record]) -> None:
        """Score each record (keywords gain nothing from a batch)."""
        for record in records:
            self.score(record)


def load_scorer(kind: str = "auto") -> Scorer:
    """The tagger's scorer when available (``auto``/``tagger``), else the keyword scorer."""
    if kind in {"auto", "tagger"}:
        try:
            module = importlib.import_module("newsarchive.tagger")
            loader = module.load_tagger
        except (ImportError, AttributeError):
            if kind == "tagger":
                raise
        else:
            return TaggerScorer(loader())
    return KeywordScorer()


def is_relevant(record: Record, threshold: float) -> bool:
    """True when the record passes the topic filter (always for ``always_relevant`` feeds)."""
    return record.always_relevant or (record.relevance or 0.0) >= threshold
