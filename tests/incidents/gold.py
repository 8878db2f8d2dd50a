"""The incident gold (tests/gold/incidents/) and the measures the quality test asserts.

Grouping: pairwise precision, recall and F1 over pairs of gold-listed articles of one split
(standalone analysis pieces included: any pair with one is a "different" pair). Facts: for
each gold incident, the engine incident holding most of its articles; a fact is right when it
equals the gold value or one of its ``*_accept`` values (dates as YYYY-MM-DD, lists as sets,
``area_name`` and ``ordered_by`` compared loosely, see :func:`loose_match`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from newsarchive.incidents import ArticleInput, build
from newsarchive.incidents.inputs import content_files, read_file, tag_articles

REPO = Path(__file__).resolve().parents[2]
GOLD = REPO / "tests" / "gold" / "incidents" / "gold.toml"
FACTS = ("start_date", "end_date", "status", "country_code", "area_name", "geo_scope",
         "event_type", "shutdown_type", "affected_services", "ordered_by")
_GENERIC = frozenset(re.findall(r"\S+", (
    "the of a an and at in on by for to s government authorities authority state officials "
    "national federal country's request requests"
)))


@dataclass
class Scores:
    """Pairwise grouping scores and per-fact accuracy of one split."""

    precision: float
    recall: float
    f1: float
    facts: dict[str, float]
    pairs: int

    @property
    def fact_accuracy(self) -> float:
        """Mean accuracy over every (incident, fact) pair."""
        return sum(self.facts.values()) / len(self.facts) if self.facts else 0.0


def load_gold() -> dict:
    with GOLD.open("rb") as handle:
        return tomllib.load(handle)


def engine_run(gold: dict) -> tuple[dict[str, str], dict[str, dict]]:
    """(article path -> engine incident id, incident id -> open-data record) over content/
    plus the gold texts, as the site would see them."""
    paths = content_files(REPO / "content")
    listed = [p for item in gold["incident"] for p in item["articles"]]
    listed += [item["path"] for item in gold.get("standalone", [])]
    paths += sorted({REPO / p for p in listed} - set(paths))
    raws = [read_file(p) for p in paths]
    articles: list[ArticleInput] = tag_articles(raws)
    key_of = {str(p.relative_to(REPO)): a.key for p, a in zip(paths, articles, strict=True)}
    result = build(articles)
    by_key = {a.key: a for a in articles}
    incident_of = {k: i.id for i in result.incidents for k in i.articles}
    records = {i.id: i.record(by_key) for i in result.incidents}
    return {path: incident_of.get(key, f"none:{key}") for path, key in key_of.items()}, records


def _words(text: str, extra: frozenset[str] = frozenset()) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if w not in _GENERIC | extra}


def loose_match(gold: str, got: object, country_words: frozenset[str] = frozenset()) -> bool:
    """Names match when both are empty, or share a word that is not generic; two names that
    are only generic ("Government of Iran", "Iranian authorities") match too."""
    got_text = "" if got is None else str(got)
    if not gold or not got_text:
        return not gold and not got_text
    a, b = _words(gold, country_words), _words(got_text, country_words)
    if not a and not b:
        return True
    return bool(a & b)


def fact_right(name: str, item: dict, record: dict | None) -> bool:
    accept = [item.get(name), *item.get(f"{name}_accept", [])]
    got = None if record is None else record.get(name)
    if name in ("country_code", "affected_services"):
        return any(set(got or []) == set(value or []) for value in accept)
    if name in ("area_name", "ordered_by"):
        countries = frozenset(w.lower() for c in item.get("country_code", ()) for w in (c,))
        return any(loose_match(value or "", got, countries) for value in accept)
    got = got or ""
    return any((value or "") == got for value in accept)


def measure(gold: dict, split: str, placed: dict[str, str],
            records: dict[str, dict]) -> Scores:
    """Scores of one split."""
    label: dict[str, str] = {}
    for item in gold["incident"]:
        if item["split"] == split:
            for path in item["articles"]:
                label[path] = item["id"]
    for n, item in enumerate(gold.get("standalone", [])):
        if item["split"] == split:
            label[item["path"]] = f"standalone-{n}"
    tp = fp = fn = 0
    for a, b in combinations(sorted(label), 2):
        same_gold = label[a] == label[b]
        same_engine = placed[a] == placed[b] and not placed[a].startswith("none:")
        tp += same_gold and same_engine
        fp += same_engine and not same_gold
        fn += same_gold and not same_engine
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    right = dict.fromkeys(FACTS, 0)
    count = 0
    for item in gold["incident"]:
        if item["split"] != split:
            continue
        count += 1
        votes: dict[str, int] = {}
        for path in item["articles"]:
            votes[placed[path]] = votes.get(placed[path], 0) + 1
        best = max(votes, key=lambda i: votes[i])
        record = records.get(best)
        for name in FACTS:
            right[name] += fact_right(name, item, record)
    facts = {name: right[name] / count for name in FACTS} if count else {}
    return Scores(precision, recall, f1, facts, tp + fp + fn)
