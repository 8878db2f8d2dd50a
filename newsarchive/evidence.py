"""The sentence that reports each event type: where a story's acts are, headline first.

A text is split into sentences (title, lead and body apart); each sentence is tagged alone by
the batch rules (``newsarchive.tag_batch.sentence_acts``: its strong cues, and its verbs next
to their objects), and a type's evidence is the first zone's sentence with a full act for it
(the headline, then the lede, then the body), the one with the most act weight within a zone,
the earliest on a tie. This runs only
where evidence is shown (``newsarchive tag``, ``inspect``), not in the batch path.
"""

from __future__ import annotations

import re

from newsarchive.matcher import Matcher
from newsarchive.tag_batch import Tables, sentence_acts

_ZONE_FACTOR = (3.0, 2.0, 1.0)
_SPLIT = re.compile(r"(?<=[.!?؟。！？])\s+(?=\S)|\s*\n+\s*")
MAX_CHARS = 400  # an evidence sentence is cut here


def sentences(text: str) -> list[str]:
    """The sentences of a text (split at . ! ? and their Arabic/CJK forms, and line breaks)."""
    return [s.strip() for s in _SPLIT.split(text or "") if s and s.strip()]


def evidence_sentences(
    compiled: Matcher, tables: Tables, title: str, lead: str, body: str, type_ids: list[str]
) -> dict[str, str]:
    """type id -> the sentence that reports it best (types without an act sentence left out)."""
    index = {d.id: i for i, d in enumerate(compiled.event_defs)}
    wanted = {index[t]: t for t in type_ids if t in index}
    if not wanted:
        return {}
    found = [(zone, s) for zone, text in enumerate((title, lead, body)) for s in sentences(text)]
    weights = sentence_acts(compiled, tables, [s for _zone, s in found])
    out = {}
    for type_index, type_id in wanted.items():
        best, best_score = "", 0.0
        for (zone, sentence), row in zip(found, weights, strict=True):
            weight = float(row[type_index])
            # a full act in an earlier zone wins; within a zone, the most act weight
            score = (weight >= 1.0) * _ZONE_FACTOR[zone] * 1000 + weight * _ZONE_FACTOR[zone]
            if weight > 0 and score > best_score:
                best, best_score = sentence, score
        if best:
            out[type_id] = best if len(best) <= MAX_CHARS else best[:MAX_CHARS] + "…"
    return out
