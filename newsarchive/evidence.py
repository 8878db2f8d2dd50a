"""The sentence that reports each event type: where a story's act cues are, headline first.

A text is split into sentences (title, lead and body apart); each sentence is scanned by the
compiled matcher alone, and a type's evidence is the sentence with the most cue weight for it,
a title sentence counting thrice and a lead sentence twice, the earliest on a tie. This runs
only where evidence is shown (``newsarchive tag``, ``inspect``), not in the batch path.
"""

from __future__ import annotations

import re

from newsarchive.matcher import Matcher
from newsarchive.text_forms import zone_form

_ZONE_FACTOR = (3.0, 2.0, 1.0)
_SPLIT = re.compile(r"(?<=[.!?؟。！？])\s+(?=\S)|\s*\n+\s*")
MAX_CHARS = 400  # an evidence sentence is cut here


def sentences(text: str) -> list[str]:
    """The sentences of a text (split at . ! ? and their Arabic/CJK forms, and line breaks)."""
    return [s.strip() for s in _SPLIT.split(text or "") if s and s.strip()]


def evidence_sentences(
    compiled: Matcher, title: str, lead: str, body: str, type_ids: list[str]
) -> dict[str, str]:
    """type id -> the sentence that reports it best (types without a cue sentence left out)."""
    index = {d.id: i for i, d in enumerate(compiled.event_defs)}
    wanted = {index[t]: t for t in type_ids if t in index}
    if not wanted:
        return {}
    best: dict[int, tuple[float, str]] = {}
    for zone, text in enumerate((title, lead, body)):
        for sentence in sentences(text):
            sums: dict[int, float] = {}
            for found, _start, _end in compiled.matches(zone_form([sentence])):
                for type_index, weight in compiled.actions[compiled.pattern_ids[found]][1]:
                    if type_index in wanted:
                        sums[type_index] = sums.get(type_index, 0.0) + weight
            for type_index, total in sums.items():
                score = total * _ZONE_FACTOR[zone]
                if total > 0 and score > best.get(type_index, (0.0, ""))[0]:
                    best[type_index] = (score, sentence)
    out = {}
    for type_index, type_id in wanted.items():
        if type_index in best:
            sentence = best[type_index][1]
            out[type_id] = sentence if len(sentence) <= MAX_CHARS else sentence[:MAX_CHARS] + "…"
    return out
