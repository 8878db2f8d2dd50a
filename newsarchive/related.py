"""Related stories: for every document, the other documents a reader most likely wants next.

A pure engine (no Pelican): :class:`Document` objects in, ranked :class:`Match` lists out.

The score of story B for story A lies in [0, 1]::

    content = (wE·E + wT·T + wY·Y) / (wE + wT + wY)
    score   = content · (1 + wD·D) / (1 + wD)

- E, shared entities: cosine of entity vectors weighted idf(entity) · salience, so a shared rare
  entity (a regulator, a law) counts more than a shared common one (a big country).
- T, shared wording: cosine of TF-IDF vectors over title (x3), summary (x2) and the body's first
  ``body_chars`` characters; tokens lowercased, stop words removed (en, ru, uk), a light suffix
  stemmer for Latin and Cyrillic words; only each story's ``text_terms`` heaviest terms held by
  at least two stories are kept.
- Y, shared kind of event: cosine of event-type vectors weighted by the tagger's score.
- D, nearness in time: 0.5 ** (days apart / half-life), a multiplier on the content score, so
  stories days apart about the same country and platform (one unfolding event) rise to the top.

Candidates come from an inverted index from every key (entity, event type, kept term) to the
stories holding it, in date order. Each story probes the postings of ``probe_keys`` keys: its
entities and event types, heaviest first, then its heaviest (rarest) terms; a key held by more than
``posting_cap`` stories (a big country, a common word) only links it to the ``posting_cap``
stories nearest in time. So the work per story is bounded and the whole run grows about
linearly with the archive: no loop over all pairs. Candidates are pre-ranked by the dot product
accumulated over the probed postings, then the best ``shortlist`` are scored exactly.

The arithmetic runs over flat numpy arrays; only tokenising runs Python code per word, and for
big archives it is spread over forked processes (Linux).

Never the story itself, a translation of it, or a duplicate (same canonical source URL); one
story per translation group; ties are broken by date (newer first), then slug, so the same
input always gives the same lists.
"""

from __future__ import annotations

import gc
import itertools
import math
import multiprocessing as mp
import os
import re
import sys
import traceback
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import unescape
from operator import attrgetter
from typing import Any, NamedTuple

import numpy as np

from newsarchive import normalize

# -- settings --------------------------------------------------------------------------------

PARALLEL_MIN_STORIES = 4000  # below this, forking costs more than it saves
WEIGHT_NAMES = ("entities", "text", "event_type", "time")
DEFAULT_WEIGHTS: dict[str, float] = {"entities": 1.0, "text": 1.0, "event_type": 0.3, "time": 1.0}
SETTING_NAMES = tuple(
    f"RELATED_STORIES_{name}"
    for name in (
        "MAX",
        "WEIGHTS",
        "HALF_LIFE_DAYS",
        "MIN_SCORE",
        "TEXT_TERMS",
        "POSTING_CAP",
        "SHORTLIST",
        "PROBE_KEYS",
        "BODY_CHARS",
        "PROCESSES",
    )
)


@dataclass(frozen=True)
class Settings:
    """Validated engine settings (see :func:`settings_from`)."""

    max_results: int = 5
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    half_life_days: float = 30.0
    min_score: float = 0.05
    text_terms: int = 12
    posting_cap: int = 20
    shortlist: int = 12
    probe_keys: int = 8
    body_chars: int = 2000
    processes: int = 0


def settings_from(raw: Mapping[str, object]) -> Settings:
    """Read and validate every ``RELATED_STORIES_*`` setting in one place.

    Accepted keys: RELATED_STORIES_MAX (int >= 0), RELATED_STORIES_WEIGHTS (dict over
    entities/text/event_type/time, numbers >= 0, missing keys keep their defaults),
    RELATED_STORIES_HALF_LIFE_DAYS (> 0), RELATED_STORIES_MIN_SCORE (0 <= x < 1), and the tuning
    knobs RELATED_STORIES_TEXT_TERMS (terms kept per story), RELATED_STORIES_POSTING_CAP
    (stories visited per common key), RELATED_STORIES_SHORTLIST (candidates scored exactly),
    RELATED_STORIES_PROBE_KEYS (keys per story that find candidates), all ints >= 1, and
    RELATED_STORIES_BODY_CHARS (int >= 0, how much of the body the text score reads),
    RELATED_STORIES_PROCESSES (int >= 0: processes that tokenise big archives, 0 = one per
    idle core up to 4, 1 = never fork).
    Raises ValueError naming the bad (or misspelt) setting.
    """
    base = Settings()
    unknown = sorted(k for k in raw if k.startswith("RELATED_STORIES_") and k not in SETTING_NAMES)
    if unknown:
        raise ValueError(f"unknown setting(s) {', '.join(unknown)} (known: {SETTING_NAMES})")

    def integer(name: str, default: int, low: int) -> int:
        value = raw.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, not {value!r}")
        return value

    def number(name: str, default: float) -> float:
        value = raw.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise ValueError(f"{name} must be a number, not {value!r}")
        return float(value)

    weights = dict(DEFAULT_WEIGHTS)
    given = raw.get("RELATED_STORIES_WEIGHTS") or {}
    if not isinstance(given, Mapping):
        raise ValueError("RELATED_STORIES_WEIGHTS must be a dict such as {'text': 0.5}")
    for name, value in given.items():
        if name not in WEIGHT_NAMES:
            raise ValueError(
                f"RELATED_STORIES_WEIGHTS: unknown weight {name!r} (known: {WEIGHT_NAMES})"
            )
        if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
            raise ValueError(f"RELATED_STORIES_WEIGHTS[{name!r}] must be a number >= 0")
        weights[name] = float(value)
    if weights["entities"] + weights["text"] + weights["event_type"] <= 0:
        raise ValueError("RELATED_STORIES_WEIGHTS: entities, text and event_type are all 0")
    half_life = number("RELATED_STORIES_HALF_LIFE_DAYS", base.half_life_days)
    if not half_life > 0:
        raise ValueError("RELATED_STORIES_HALF_LIFE_DAYS must be > 0")
    min_score = number("RELATED_STORIES_MIN_SCORE", base.min_score)
    if not 0 <= min_score < 1:
        raise ValueError("RELATED_STORIES_MIN_SCORE must be >= 0 and < 1 (scores lie in 0..1)")
    max_results = integer("RELATED_STORIES_MAX", base.max_results, 0)
    return Settings(
        max_results=max_results,
        weights=weights,
        half_life_days=half_life,
        min_score=min_score,
        text_terms=integer("RELATED_STORIES_TEXT_TERMS", base.text_terms, 1),
        posting_cap=integer("RELATED_STORIES_POSTING_CAP", base.posting_cap, 1),
        shortlist=max(integer("RELATED_STORIES_SHORTLIST", base.shortlist, 1), max_results),
        probe_keys=integer("RELATED_STORIES_PROBE_KEYS", base.probe_keys, 1),
        body_chars=integer("RELATED_STORIES_BODY_CHARS", base.body_chars, 0),
        processes=integer("RELATED_STORIES_PROCESSES", base.processes, 0),
    )


# -- input and output ------------------------------------------------------------------------


@dataclass(frozen=True)
class EntityRef:
    """An entity a story mentions: a stable key such as ``country:ru``, its name, salience 0..1."""

    key: str
    name: str
    salience: float = 1.0


@dataclass(frozen=True)
class EventRef:
    """A kind of event a story reports: key such as ``platform-block``, name, score 0..1."""

    key: str
    name: str
    score: float = 1.0


@dataclass
class Document:
    """One story as the engine sees it.

    ``key`` is whatever the caller uses to find the story again; ``group`` joins translations
    of one story; ``urls`` are its source URLs (original and seen-at), compared canonically;
    ``target=False`` stories (drafts) get lists but never appear in others' lists.
    """

    key: Hashable
    slug: str
    date: datetime
    title: str = ""
    summary: str = ""
    body: str = ""
    lang: str = "en"
    entities: Sequence[EntityRef] = ()
    event_types: Sequence[EventRef] = ()
    urls: Sequence[str] = ()
    group: Hashable | None = None
    target: bool = True


class Match(NamedTuple):
    """A related story: its key, its score in 0..1 and short reasons, strongest first."""

    key: Hashable
    score: float
    reasons: tuple[str, ...]


# -- text ------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


STOP_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        _words(
            """a about above after again against all also am an and any are as at be because been
        before being below between both but by can could did do does doing down during each
        few for from further had has have having he her here hers herself him himself his how
        i if in into is it its itself just me more most my myself no nor not now of off on
        once only or other our ours ourselves out over own same she should so some such than
        that the their theirs them themselves then there these they this those through to too
        under until up very was we were what when where which while who whom why will with
        would you your yours yourself yourselves said says say saying told according per
        via within without across among around since though however although whether yet
        one two three four five first second new year years day days week weeks month months
        time including include includes included many much several still even well made make
        may might must shall since upon us its it's mr ms"""
        )
    ),
    "ru": frozenset(
        _words(
            """а без более бы был была были было быть в вам вас весь во вот все всего всех вы где
        да даже для до его ее её если есть еще ещё же за здесь и из или им их к как ко когда
        который которая которое которые которых которым кто ли либо мне может мы на над надо
        наш не него нее неё нет ни них но ну о об однако он она они оно от очень по под после
        при про с так также такой там те тем то того тоже той только том ты у уже хотя чего
        чей чем что чтобы чье чья эта эти это этого этой этом этот я сообщил сообщила сообщили
        заявил заявила заявили году года год лет"""
        )
    ),
    "uk": frozenset(
        _words(
            """а або але би був була були було бути в вже від він вона вони воно да для до є же за
        з зі і із її їх й к как ко коли ли між мене ми на над не ні них о об од от по під
        після при про та так також там те то тобто той ту у хоча це цей ці цього цієї цим
        цих через що щоб як який яка яке які року рік"""
        )
    ),
}
_ALL_STOP = frozenset().union(*STOP_WORDS.values())
_EDGE_PUNCT = "\"'`.,;:!?()[]{}<>«»‘’“”„—–-…/\\*_#|~+=%&@^$"
_EN_KEEP_S = ("ss", "us", "is", "ous", "news", "sis")
_RU_ENDINGS = tuple(
    sorted(
        _words(
            """ами ями ого его ому ему ыми ими иях ах ях ов ев ей ой ий ый ая яя ое ее ые ие ых их
        ым им ом ем ую юю ам ям ию ья ье а я ы и у ю е о ь"""
        ),
        key=len,
        reverse=True,
    )
)
_TAG = re.compile(r"<[^>]+>")


def plain_text(html: str) -> str:
    """Markup removed, entities decoded: what a reader sees of an HTML fragment."""
    return unescape(_TAG.sub(" ", html)) if "<" in html or "&" in html else html


def _stem_latin(word: str) -> str:
    """Fold English plurals and possessives only: names stay recognisable."""
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "ches", "shes", "xes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(_EN_KEEP_S):
        return word[:-1]
    return word


def _stem_cyrillic(word: str) -> str:
    """Strip one inflectional ending, keeping a stem of at least four letters."""
    for ending in _RU_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def normalise_token(raw: str, lang: str = "en") -> str | None:
    """One whitespace-split token as an index term, or None for noise.

    Edge punctuation goes, numbers and single letters go, stop words of the story's language
    (and of English, often quoted in any language) go; Latin words lose plural endings,
    Cyrillic words one inflectional ending.
    """
    word = raw.lower().strip(_EDGE_PUNCT)
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    if len(word) < 2 or not word[0].isalpha():
        return None
    stop = STOP_WORDS.get(lang, _ALL_STOP)
    if word in stop or word in STOP_WORDS["en"]:
        return None
    first = word[0]
    if "a" <= first <= "z":
        return _stem_latin(word)
    if "\u0400" <= first <= "\u04ff":
        return _stem_cyrillic(word)
    return word


class _Tokenizer:
    """Term numbers and counts of texts, one vocabulary for all stories.

    Splitting and counting run in C (``str.split``, ``Counter``); Python code runs only the
    first time a raw form is seen in a language. Two raw forms of one term ("block", "blocks")
    give two entries: :func:`_terms` merges them.
    """

    def __init__(self) -> None:
        self.vocabulary: dict[str, int] = {}
        self._cache: dict[str, dict[str, int]] = {}

    def add(self, text: str, lang: str, terms: list[int], counts: list[int]) -> int:
        """Append ``text``'s (term number or -1 for noise, count) entries; return how many."""
        cache = self._cache.get(lang)
        if cache is None:
            cache = self._cache[lang] = {}
        raw = Counter(text.lower().split())
        start = len(terms)
        try:
            terms.extend(map(cache.__getitem__, raw))
        except KeyError:  # a raw form not seen before in this language
            del terms[start:]
            vocabulary = self.vocabulary
            for token in raw:  # first-seen order: term numbers never depend on str hashing
                if token in cache:
                    continue
                term = normalise_token(token, lang)
                cache[token] = -1 if term is None else vocabulary.setdefault(term, len(vocabulary))
            terms.extend(map(cache.__getitem__, raw))
        counts.extend(raw.values())
        return len(raw)


# -- duplicates ------------------------------------------------------------------------------

def canonical_url(url: str) -> str:
    """The identity key of an article URL: the ingest's one rule set
    (``newsarchive.normalize.canonical_url`` with ``key=True``)."""
    return normalize.canonical_url(url, key=True)


def _families(docs: Sequence[Document]) -> list[int]:
    """Union-find over shared translation group or canonical URL: one id per story family."""
    parent = list(range(len(docs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[str, Hashable], int] = {}
    for i, doc in enumerate(docs):
        keys: list[tuple[str, Hashable]] = [("url", k) for k in map(canonical_url, doc.urls) if k]
        if doc.group is not None:
            keys.append(("group", doc.group))
        for key in keys:
            j = owner.setdefault(key, i)
            if j != i:
                parent[find(i)] = find(j)
    return [find(i) for i in range(len(docs))]


# -- vectors ---------------------------------------------------------------------------------
#
# Every story's vector is a sparse row of (key, weight). Keys are numbered entities first, then
# event types, then terms; the rows are kept as flat numpy arrays sorted by story, then key.


@dataclass
class _Rows:
    """Sparse rows: ``doc[e]`` holds key ``key[e]`` with weight ``weight[e]``; sorted."""

    doc: np.ndarray
    key: np.ndarray
    weight: np.ndarray
    n_docs: int
    n_keys: int

    @property
    def code(self) -> np.ndarray:
        """One sortable number per entry: story · n_keys + key (ascending, as stored)."""
        return self.doc * self.n_keys + self.key

    @property
    def starts(self) -> np.ndarray:
        """Row pointers: story i's entries lie in ``starts[i]:starts[i + 1]``."""
        return np.searchsorted(self.doc, np.arange(self.n_docs + 1))


def _group_rank(groups: np.ndarray) -> np.ndarray:
    """Position of each element within its run of equal values (``groups`` sorted)."""
    if not len(groups):
        return np.zeros(0, dtype=np.int64)
    firsts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    sizes = np.diff(np.r_[firsts, len(groups)])
    return np.arange(len(groups)) - np.repeat(firsts, sizes)


def _expand(starts: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ranges ``[starts[r], starts[r] + sizes[r])``: (range number, index) of each element."""
    total = int(sizes.sum())
    owner = np.repeat(np.arange(len(sizes)), sizes)
    before = np.cumsum(sizes) - sizes
    return owner, np.repeat(starts - before, sizes) + np.arange(total)


def _unit_rows(doc: np.ndarray, weight: np.ndarray, n_docs: int, scale: float) -> np.ndarray:
    """Weights scaled so each story's row has length ``scale``."""
    norms = np.sqrt(np.bincount(doc, weight * weight, minlength=n_docs))
    return weight * (scale / np.where(norms > 0, norms, 1.0))[doc]


def _idf(df: np.ndarray, n_docs: int) -> np.ndarray:
    return np.log((n_docs + 1) / (df + 1.0)) + 1.0


def _labelled(
    docs: Sequence[Document], field_name: str, strength: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Entities or event types as (story, key number, strength 0.05..1) and the key names.

    Keys are numbered in order of first appearance; a key listed twice in one story keeps
    its higher strength; a key's name is the first one given.
    """
    per_story = [getattr(d, field_name) for d in docs]
    items = list(itertools.chain.from_iterable(per_story))
    keys = list(map(attrgetter("key"), items))
    firsts = dict(zip(reversed(keys), reversed(items), strict=True))  # earliest item wins
    numbers = {key: i for i, key in enumerate(dict.fromkeys(keys))}
    names = [firsts[key].name for key in numbers]
    doc = np.repeat(np.arange(len(docs)), [len(x) for x in per_story]).astype(np.int64)
    key = np.fromiter(map(numbers.__getitem__, keys), dtype=np.int64, count=len(keys))
    value = np.fromiter(map(attrgetter(strength), items), dtype=np.float64, count=len(items))
    value = np.clip(np.nan_to_num(value, nan=0.05), 0.05, 1.0)
    if not len(key):
        return doc, key, value, names
    code = doc * len(numbers) + key
    order = np.argsort(code, kind="stable")
    code, value = code[order], value[order]
    starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
    code, value = code[starts], np.maximum.reduceat(value, starts)
    return code // len(numbers), code % len(numbers), value, names


# vocabulary, then per entry: term number (-1: noise), count; then entries per story
_Counted = tuple[list[str], np.ndarray, np.ndarray, np.ndarray]


def _count_terms(docs: Sequence[Document], limit: int) -> _Counted:
    """Term entries of each story: title x3, summary x2, the first ``limit`` of the body."""
    tokenizer = _Tokenizer()
    term_col: list[int] = []
    count_col: list[int] = []
    sizes: list[int] = []
    for document in docs:
        title, summary = document.title[:300], document.summary[:1000]
        text = f"{title} {title} {title} {summary} {summary} {document.body[:limit]}"
        sizes.append(tokenizer.add(text, document.lang, term_col, count_col))
    return (
        list(tokenizer.vocabulary),
        np.array(term_col, dtype=np.int64),
        np.array(count_col, dtype=np.int64),
        np.array(sizes, dtype=np.int64),
    )


def _count_terms_apart(conn: Any, docs: Sequence[Document], limit: int) -> None:
    """In a forked process: count, send the result (or the error) back, exit."""
    try:
        conn.send(("ok", _count_terms(docs, limit)))
    except BaseException:  # the parent re-raises it
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def _processes(wanted: int, n_docs: int) -> int:
    """How many processes count terms: forked helpers only on Linux, for big archives.

    ``wanted`` 0 means: as many as there are idle cores (by the load average), up to 4.
    """
    if wanted == 1 or n_docs < PARALLEL_MIN_STORIES or sys.platform != "linux":
        return 1
    if "fork" not in mp.get_all_start_methods():
        return 1
    if not wanted:  # idle cores: all but those the load average says are busy, ours aside
        cores = os.cpu_count() or 1
        wanted = min(cores, cores + 1 - math.floor(os.getloadavg()[0] + 0.5))
    return max(1, min(wanted, 4, n_docs // (PARALLEL_MIN_STORIES // 2)))


def _count_all(docs: Sequence[Document], settings: Settings) -> _Counted:
    """Term entries of every story, counted in ``processes`` parts, with one vocabulary.

    Tokenising is the only part of the engine that runs Python code per word, so it is the
    part worth spreading over cores (forked processes: the stories are not copied).
    """
    parts = _processes(settings.processes, len(docs))
    if parts == 1:
        return _count_terms(docs, settings.body_chars)
    bounds = [len(docs) * i // parts for i in range(parts + 1)]
    context = mp.get_context("fork")
    helpers = []
    for lo, hi in itertools.pairwise(bounds[1:]):
        receive, send = context.Pipe(duplex=False)
        process = context.Process(
            target=_count_terms_apart, args=(send, docs[lo:hi], settings.body_chars), daemon=True
        )
        process.start()
        send.close()
        helpers.append((process, receive))
    vocabulary, term_col, count_col, sizes = _count_terms(docs[: bounds[1]], settings.body_chars)
    numbers = {term: i for i, term in enumerate(vocabulary)}
    term_cols, count_cols, size_cols = [term_col], [count_col], [sizes]
    for process, receive in helpers:
        try:
            status, value = receive.recv()
        except EOFError:
            status, value = "error", f"a term-counting process died (exit {process.exitcode})"
        process.join()
        if status != "ok":
            raise RuntimeError(f"related: counting terms failed:\n{value}")
        words, terms, counts, more_sizes = value
        renumber = np.array(
            [numbers.setdefault(word, len(numbers)) for word in words] + [-1], dtype=np.int64
        )
        term_cols.append(renumber[terms])
        count_cols.append(counts)
        size_cols.append(more_sizes)
    return (
        list(numbers),
        np.concatenate(term_cols),
        np.concatenate(count_cols),
        np.concatenate(size_cols),
    )


def _terms(
    docs: Sequence[Document], settings: Settings
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """(story, term number, weight) of each story's ``text_terms`` heaviest terms.

    Weight: (1 + log tf) · idf; terms in a single story are dropped (they link nothing).
    """
    vocabulary, term, count, sizes = _count_all(docs, settings)
    n_docs, n_terms = len(docs), max(len(vocabulary), 1)
    doc = np.repeat(np.arange(n_docs), sizes)
    real = term >= 0
    code, count = doc[real] * n_terms + term[real], count[real]
    order = np.argsort(code, kind="stable")  # merge the raw forms of a term
    code, count = code[order], count[order]
    firsts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]]) if len(code) else code
    code, count = code[firsts], np.add.reduceat(count, firsts) if len(code) else count
    doc, term = code // n_terms, code % n_terms
    df = np.bincount(term, minlength=n_terms)
    idf = np.where(df > 1, _idf(df, n_docs), 0.0)
    weight = (1.0 + np.log(count)) * idf[term]
    kept = weight > 0
    doc, term, weight = doc[kept], term[kept], weight[kept]
    if not len(weight):
        return doc, term, weight, n_terms
    # heaviest first within each story; equal weights keep term order (stable sort)
    order = np.argsort(doc + (1.0 - weight / (2.0 * weight.max())), kind="stable")
    doc, term, weight = doc[order], term[order], weight[order]
    kept = _group_rank(doc) < settings.text_terms
    return doc[kept], term[kept], weight[kept], n_terms


@dataclass(frozen=True)
class _Labels:
    """Names of the keys that are entities (numbers below ``entities``) or event types (below
    ``count``); terms come after."""

    names: list[str]
    entities: int

    @property
    def count(self) -> int:
        return len(self.names)


def _vectors(docs: Sequence[Document], settings: Settings) -> tuple[_Rows, _Labels]:
    """Every story's vector and the names of its entity and event-type keys.

    Channels: entities (idf · salience), event types (tagger score), kept terms (TF-IDF), each
    of unit length times the square root of its share of the content weights, so that the
    dot product of two vectors is the weighted content score. An entity or event type only
    one story has links nothing: it is left out, so it does not dilute the shared ones.
    """
    n = len(docs)
    weights = settings.weights
    total = weights["entities"] + weights["text"] + weights["event_type"]
    scale_e, scale_t, scale_y = (math.sqrt(weights[k] / total) for k in WEIGHT_NAMES[:3])
    e_doc, e_key, e_salience, e_names = _labelled(docs, "entities", "salience")
    e_df = np.bincount(e_key, minlength=len(e_names))
    e_weight = np.where(e_df > 1, _idf(e_df, n), 0.0)[e_key] * e_salience
    y_doc, y_key, y_score, y_names = _labelled(docs, "event_types", "score")
    y_score = np.where(np.bincount(y_key, minlength=len(y_names)) > 1, 1.0, 0.0)[y_key] * y_score
    t_doc, t_key, t_weight, n_terms = _terms(docs, settings)
    n_labels = len(e_names) + len(y_names)
    doc = np.concatenate((e_doc, y_doc, t_doc))
    key = np.concatenate((e_key, y_key + len(e_names), t_key + n_labels))
    weight = np.concatenate(
        (
            _unit_rows(e_doc, e_weight, n, scale_e),
            _unit_rows(y_doc, y_score, n, scale_y),
            _unit_rows(t_doc, t_weight, n, scale_t),
        )
    )
    held = weight > 0
    doc, key, weight = doc[held], key[held], weight[held]
    order = np.argsort(doc * (n_labels + n_terms) + key, kind="stable")
    rows = _Rows(doc[order], key[order], weight[order], n, n_labels + n_terms)
    return rows, _Labels(e_names + y_names, len(e_names))


# -- candidates and scores -------------------------------------------------------------------


@dataclass
class _Index:
    """Inverted index over the target stories: key k's postings lie in ``starts[k]:starts[k+1]``,
    in story (= date) order."""

    doc: np.ndarray
    weight: np.ndarray
    code: np.ndarray  # key · n_docs + story, ascending: finds a story's place in a posting
    starts: np.ndarray


def _index(rows: _Rows, targets: np.ndarray) -> _Index:
    held = targets[rows.doc]
    doc, key, weight = rows.doc[held], rows.key[held], rows.weight[held]
    order = np.argsort(key * rows.n_docs + doc, kind="stable")
    doc, key, weight = doc[order], key[order], weight[order]
    starts = np.searchsorted(key, np.arange(rows.n_keys + 1))
    return _Index(doc, weight, key * rows.n_docs + doc, starts)


def _probes(
    rows: _Rows, n_labels: int, settings: Settings
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The keys each story finds candidates with: (story, key, weight).

    Its entities and event types first (they say what the story is about), heaviest first,
    then its heaviest (rarest) terms, ``probe_keys`` keys in all.
    """
    heaviest = rows.weight.max() if len(rows.weight) else 1.0
    priority = rows.weight / (2.0 * heaviest) + np.where(rows.key < n_labels, 0.5, 0.0)
    # by story, then priority; equal priorities keep key order (stable sort)
    order = np.argsort(rows.doc + (1.0 - priority), kind="stable")
    doc, key, weight = rows.doc[order], rows.key[order], rows.weight[order]
    kept = _group_rank(doc) < settings.probe_keys
    return doc[kept], key[kept], weight[kept]


def _candidates(
    probe: tuple[np.ndarray, np.ndarray, np.ndarray],
    index: _Index,
    family: np.ndarray,
    days: np.ndarray,
    settings: Settings,
) -> tuple[np.ndarray, np.ndarray]:
    """Shortlisted (story, candidate) pairs for the probing stories, by accumulated weight
    times nearness in time.

    Each probe walks its key's posting; a posting longer than ``posting_cap`` is cut to the
    ``posting_cap`` stories nearest the prober in time. Contributions are summed per pair,
    pairs within one story family dropped, and each story keeps its ``shortlist`` best.
    """
    p_doc, p_key, p_weight = probe
    n_docs = len(days)
    cap = settings.posting_cap
    first = index.starts[p_key]
    size = index.starts[p_key + 1] - first
    at = np.searchsorted(index.code, p_key * n_docs + p_doc) - first
    low = np.where(size > cap, np.clip(at - cap // 2, 0, np.maximum(size - cap, 0)), 0)
    owner, post = _expand(first + low, np.minimum(size, cap))
    story, other = p_doc[owner], index.doc[post]
    contribution = p_weight[owner] * index.weight[post]
    apart = family[story] != family[other]
    story, other, contribution = story[apart], other[apart], contribution[apart]
    code = story * n_docs + other
    order = np.argsort(code, kind="stable")
    code, contribution = code[order], contribution[order]
    if not len(code):
        return code, code
    firsts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
    code, accumulated = code[firsts], np.add.reduceat(contribution, firsts)
    story, other = code // n_docs, code % n_docs
    accumulated *= _nearness(days[story], days[other], settings)
    # best first within each story (scores lie in 0..1)
    order = np.argsort(story + (1.0 - np.clip(accumulated, 0.0, 1.0) / 2.0), kind="stable")
    story, other = story[order], other[order]
    kept = _group_rank(story) < max(settings.shortlist, settings.max_results)
    return story[kept], other[kept]


def _dot(rows: _Rows, codes: np.ndarray, starts: np.ndarray, a: np.ndarray, b: np.ndarray):
    """Exact dot products of rows ``a[p]`` and ``b[p]``; the shared entries, too."""
    owner, entry = _expand(starts[a], starts[a + 1] - starts[a])
    wanted = b[owner] * rows.n_keys + rows.key[entry]
    found = np.minimum(np.searchsorted(codes, wanted), len(codes) - 1)
    hit = codes[found] == wanted
    product = np.where(hit, rows.weight[entry] * rows.weight[found], 0.0)
    return np.bincount(owner, product, minlength=len(a)), owner[hit], entry[hit], product[hit]


def _nearness(a: np.ndarray, b: np.ndarray, settings: Settings) -> np.ndarray:
    """The time factor (1 + wD · 0.5 ** (days apart / half-life)) / (1 + wD), in 0.5..1."""
    w_time = settings.weights["time"]
    halves = np.abs(a - b) / settings.half_life_days
    return (1.0 + w_time * np.exp2(-halves)) / (1.0 + w_time)


def _when(days: float) -> str | None:
    if days < 1:
        return "same day"
    if days <= 7:
        return "same week"
    if days <= 31:
        return "same month"
    return None


def related(
    docs: Iterable[Document], settings: Settings | None = None, chunk: int = 8192
) -> dict[Hashable, list[Match]]:
    """Every story's related stories, best first: ``{doc.key: [Match, ...]}``.

    Stories are handled ``chunk`` at a time, which bounds the memory of the candidate pairs.
    The cyclic garbage collector is paused meanwhile: the run makes no reference cycles, and
    with a whole site's objects alive each collection would cost more than the run's own work.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        return _related(docs, settings or Settings(), chunk)
    finally:
        if paused:
            gc.enable()


def _related(
    docs: Iterable[Document], settings: Settings, chunk: int
) -> dict[Hashable, list[Match]]:
    dated = sorted((((_timestamp(d.date), d.slug, str(d.key)), d) for d in docs), key=_first)
    stories = [d for _, d in dated]
    keys = [d.key for d in stories]
    result: dict[Hashable, list[Match]] = {key: [] for key in keys}
    n = len(stories)
    if len(result) != n:
        raise ValueError("related: two documents share one key")
    if settings.max_results == 0 or n < 2:
        return result
    rows, labels = _vectors(stories, settings)
    codes, starts = rows.code, rows.starts
    family = np.array(_families(stories), dtype=np.int64)
    days = np.array([when for (when, _, _), _ in dated]) / 86400.0
    index = _index(rows, np.array([d.target for d in stories], dtype=bool))
    p_doc, p_key, p_weight = _probes(rows, labels.count, settings)
    bounds = np.searchsorted(p_doc, np.arange(0, n + chunk, chunk))
    for lo, hi in itertools.pairwise(bounds.tolist()):
        if lo == hi:
            continue
        probe = (p_doc[lo:hi], p_key[lo:hi], p_weight[lo:hi])
        story, other = _candidates(probe, index, family, days, settings)
        content, *shared = _dot(rows, codes, starts, story, other)
        shared[1] = rows.key[shared[1]]
        apart = np.abs(days[story] - days[other])
        score = content * _nearness(days[story], days[other], settings)
        pick = np.flatnonzero(score >= max(settings.min_score, 1e-12))
        # best first; ties: newer first, then slug (story numbers follow date, then slug)
        s_, o_ = story[pick], other[pick]
        pick = pick[np.lexsort((o_, -days[o_], -np.round(score[pick], 9), s_))]
        _, firsts = np.unique(story[pick] * n + family[other[pick]], return_index=True)
        pick = pick[np.sort(firsts)]  # one story per family: the best-placed one
        pick = pick[_group_rank(story[pick]) < settings.max_results]
        final = np.full(len(story), -1, dtype=np.int64)
        final[pick] = np.arange(len(pick))
        reasons = _reasons(tuple(shared), final, len(pick), labels)
        story, other, score, apart = story[pick], other[pick], score[pick], apart[pick]
        when = [_when(gap) for gap in apart.tolist()]
        for s, o, value, why, near in zip(
            story.tolist(), other.tolist(), np.round(score, 4).tolist(), reasons, when, strict=True
        ):
            why = (*why, near) if near else why
            result[keys[s]].append(Match(keys[o], value, why or (_WORDS_ONLY,)))
    return result


#: The reason shown when two stories share no entity, no kind and no time, only words.
_WORDS_ONLY = "similar wording"


def _reasons(
    shared: tuple[np.ndarray, np.ndarray, np.ndarray],
    final: np.ndarray,
    count: int,
    labels: _Labels,
) -> list[tuple[str, ...]]:
    """Per kept pair: shared entity names by weight (up to three), the heaviest shared type.

    ``shared`` holds (pair, key, product) of every key two scored stories share; ``final``
    maps a scored pair to its place among the ``count`` kept pairs (-1: not kept).
    """
    pair, key, product = shared
    place = final[pair]
    named = (place >= 0) & (key < labels.count)
    place, key, product = place[named], key[named], product[named]
    order = np.lexsort((key, -product, place))
    entities: list[list[str]] = [[] for _ in range(count)]
    kinds: list[str | None] = [None] * count
    names, n_entities = labels.names, labels.entities
    for p, k in zip(place[order].tolist(), key[order].tolist(), strict=True):
        if k < n_entities:
            if len(entities[p]) < 3:
                entities[p].append(names[k])
        elif kinds[p] is None:
            kinds[p] = names[k]
    return [
        (*found, kind) if kind else tuple(found)
        for found, kind in zip(entities, kinds, strict=True)
    ]


def _first(pair: tuple) -> object:
    return pair[0]


def _timestamp(date: datetime) -> float:
    return (date if date.tzinfo else date.replace(tzinfo=UTC)).timestamp()
