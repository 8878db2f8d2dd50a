"""Sentences of an article and the word lists the extractors share."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice
from typing import NamedTuple

# a sentence ends at . ! ? (or Arabic ؟ ۔) and optional closing quotes, before a space and
# a word character that is not a lower-case Latin letter; paragraphs always end one
# (written to start from one character class: Python's re then skips to candidates fast)
_END = re.compile(r"[.!?؟۔\n](?:(?<=[.!?؟۔])[\"”’»)]*(?=\s+[\"“‘«(]?[^\W_a-z])|(?<=\n)\s*\n)")
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|No|Gen|Col|Lt|Sgt|Jr|Sr|Inc|Ltd|Co|vs|etc|U\.S|U\.K|e\.g|i\.e)\."
    r"|\b[A-Z]\.)$"
)
_SPACE = re.compile(r"\s+")


class Sentence(NamedTuple):
    """A sentence and the zone it comes from ("title", "lead" or "body") (a named tuple:
    thousands are made per second)."""

    text: str
    zone: str
    lower: str


def iter_sentences(text: str) -> Iterator[str]:
    """Sentences of plain text, one at a time (a simple splitter that keeps "U.S." and "Mr."
    inside): a caller that needs the first few does not split the rest."""
    pending = ""
    last = 0
    for match in _END.finditer(text):
        piece = text[last:match.end()]
        last = match.end()
        sentence, pending = _joined(pending, piece)
        if sentence:
            yield sentence
    sentence, pending = _joined(pending, text[last:])
    if sentence:
        yield sentence
    if pending:
        yield pending


def _joined(pending: str, piece: str) -> tuple[str, str]:
    """(a finished sentence or "", what is still pending) after adding ``piece``."""
    piece = piece.strip()
    if not piece:
        return "", pending
    if "\n" in piece or "  " in piece or "\t" in piece:
        piece = _SPACE.sub(" ", piece)
    pending = f"{pending} {piece}" if pending else piece
    if pending[-1] == "." and _ABBREV.search(pending[-6:]):
        return "", pending
    return pending, ""


def split_sentences(text: str) -> list[str]:
    """Sentences of plain text (see :func:`iter_sentences`)."""
    return list(iter_sentences(text))


def sentences(title: str, summary: str, body: str, body_limit: int | None = None
              ) -> list[Sentence]:
    """The title, the lead's and the body's sentences (the first ``body_limit`` of the body
    when given), in order."""
    out = [Sentence(t, "title", t.lower()) for t in [title.strip()] if t]
    out += [Sentence(s, "lead", s.lower()) for s in iter_sentences(summary)]
    out += [Sentence(s, "body", s.lower()) for s in islice(iter_sentences(body), body_limit)]
    return out


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of a text, as a set."""
    return frozenset(text.split())


CONTENT_STOP = word_set(
    "a an the of in on at to for from by with and or but as is are was were be been has "
    "have had its it this that these those after before over under into amid against about "
    "than then their his her they he she we you who which what when where why how not no "
    "new says said say report reports reported will would could can may also more most some "
    "all any"
)
_WORD = re.compile(r"[a-z0-9]+")


def content_words(text: str) -> set[str]:
    """Lower-case content words of a text (stop words and one-letter words left out)."""
    return {w for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in CONTENT_STOP}
