"""Measuring the tagger: GUM news documents (countries, organisations) and the archive's gold set.

Used by the quality tests and by ``tests/gold/entities_gold_check`` (which prints per-article
differences for whoever edits the gazetteer or the cues).

GUM mapping (GUM annotates every mention with an entity type and a Wikipedia identity):
- gold countries of a document: identities of ``place`` mentions that pycountry resolves exactly
  to an ISO 3166 country; in ``mapped`` mode also ``<Country>_national_football_team``
  organisations, because GUM types a country's name used for its team as an organisation while
  this archive's country type covers any naming of the country (both figures are printed);
- organisation precision: a predicted org, body or company (platforms are products, which GUM
  does not type as organisations) is right when a GUM mention in the same document names the
  same thing: its text or its Wikipedia identity normalises to one of the entity's aliases.
  Any GUM type counts, since GUM types groups as ``person`` ("the Taliban", "Anonymous") and a
  building-named institution as ``place`` ("the White House"); how many matched through a type
  other than ``organization`` is reported.
"""

from __future__ import annotations

import json
import re
import tomllib
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newsarchive.tagger import Tagger
from newsarchive.text_forms import alias_key

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
GUM = SHARED / "corpora" / "entities" / "gum-news-dev.jsonl"
GOLD_DIR = REPO / "tests" / "gold" / "entities"
CONTENT = REPO / "content"
ORG_TYPES = {"org", "body", "company"}


@dataclass
class Score:
    """True positives, false positives and false negatives, with P/R/F1."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set[str], predicted: set[str]) -> None:
        """Count one document's sets."""
        self.tp += len(gold & predicted)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __str__(self) -> str:
        return (
            f"P {self.precision:.3f} R {self.recall:.3f} F1 {self.f1:.3f} "
            f"(tp {self.tp}, fp {self.fp}, fn {self.fn})"
        )


# --- GUM ----------------------------------------------------------------------------------------


def _country_of(identity: str) -> str | None:
    import pycountry

    name = urllib.parse.unquote(identity).replace("_", " ")
    name = re.sub(r"\s*\(.*\)$", "", name)
    try:
        return pycountry.countries.lookup(name).alpha_2.lower()
    except LookupError:
        return None


def gum_documents() -> list[dict]:
    """The GUM news documents (title, text, mentions)."""
    with GUM.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@dataclass
class GumReport:
    """Country scores (strict and mapped) and organisation precision, with per-doc details."""

    strict: Score = field(default_factory=Score)
    mapped: Score = field(default_factory=Score)
    orgs: Score = field(default_factory=Score)
    per_doc: list[tuple[str, set[str], set[str], set[str]]] = field(default_factory=list)
    wrong_orgs: list[tuple[str, str]] = field(default_factory=list)
    orgs_by_other_type: list[tuple[str, str, str]] = field(default_factory=list)


def evaluate_gum(tagger: Tagger) -> GumReport:
    """Tag each GUM document (its first line is the title) and score it against GUM."""
    report = GumReport()
    for doc in gum_documents():
        title, _, body = doc["text"].partition("\n")
        result = tagger.tag(title, "", body)
        predicted = {e.id for e in result.entities if e.type == "country" and len(e.id) == 2}
        gold_strict = {
            c
            for m in doc["mentions"]
            if m["etype"] == "place" and (c := _country_of(m["identity"]))
        }
        teams = {
            c
            for m in doc["mentions"]
            if m["etype"] == "organization"
            and m["identity"].endswith("_national_football_team")
            and (c := _country_of(m["identity"].removesuffix("_national_football_team")))
        }
        report.strict.add(gold_strict, predicted)
        report.mapped.add(gold_strict | teams, predicted)
        report.per_doc.append((doc["doc"], gold_strict | teams, predicted, gold_strict))
        names: dict[str, str] = {}  # normalised name -> GUM type that names it
        for m in doc["mentions"]:
            identity = urllib.parse.unquote(m["identity"]).replace("_", " ")
            for name in (m["text"], re.sub(r"\s*\(.*\)$", "", identity), identity.split(",")[0]):
                key = _bare(name)
                if names.get(key) != "organization":
                    names[key] = m["etype"]
        for entity in result.entities:
            if entity.type not in ORG_TYPES:
                continue
            keys = {_bare(a) for a in tagger.gazetteer.entities[entity.id].all_aliases()}
            found = sorted({names[k] for k in keys & names.keys()})
            if "organization" in found:
                report.orgs.tp += 1
            elif found:
                report.orgs.tp += 1
                report.orgs_by_other_type.append((doc["doc"], entity.id, found[0]))
            else:
                report.orgs.fp += 1
                report.wrong_orgs.append((doc["doc"], entity.id))
    return report


def _bare(text: str) -> str:
    key = alias_key(text)
    return key[4:] if key.startswith("the ") else key


# --- the archive's gold set -------------------------------------------------------------------


@dataclass
class GoldArticle:
    """One labelled article: its text and its gold entities and event types."""

    slug: str
    title: str
    summary: str
    body: str
    lang: str
    entities: set[str]
    event_types: set[str]
    gold_file: str


def _read_article(path: Path) -> tuple[dict[str, str], str]:
    text = path.read_text(encoding="utf-8")
    head, _, body = text.partition("\n\n")
    meta = {}
    for line in head.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip().lower()] = value.strip()
    return meta, body


def content_by_slug() -> dict[str, tuple[dict[str, str], str]]:
    """Every content article's metadata and body, by slug (and by slug + lang)."""
    out = {}
    for path in sorted((CONTENT / "articles").rglob("*.md")):
        meta, body = _read_article(path)
        slug = meta.get("slug") or path.stem
        out.setdefault(slug, (meta, body))
        out[f"{slug}:{meta.get('lang', 'en')}"] = (meta, body)
    return out


def gold_files() -> list[Path]:
    """The writers' gold files."""
    return sorted(GOLD_DIR.glob("*.toml"))


def gold_articles() -> tuple[list[GoldArticle], list[str]]:
    """Labelled articles found in content/, and the slugs labelled but not (yet) written."""
    content = content_by_slug()
    found: list[GoldArticle] = []
    missing: list[str] = []
    for path in gold_files():
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        for entry in doc.get("article", []):
            slug = entry["slug"]
            key = f"{slug}:{entry['lang']}" if entry.get("lang") else slug
            if key not in content:
                missing.append(slug)
                continue
            meta, body = content[key]
            found.append(
                GoldArticle(
                    slug=slug,
                    title=meta.get("title", ""),
                    summary=meta.get("summary", ""),
                    body=body,
                    lang=meta.get("lang", "en"),
                    entities=set(entry.get("entities", [])),
                    event_types=set(entry.get("event_types", [])),
                    gold_file=path.name,
                )
            )
    return found, missing


@dataclass
class GoldReport:
    """Entity and event-type scores over the gold set, per type, with per-article differences."""

    entities: Score = field(default_factory=Score)
    event_types: Score = field(default_factory=Score)
    by_type: dict[str, Score] = field(default_factory=dict)
    diffs: list[tuple[str, set[str], set[str], set[str], set[str]]] = field(default_factory=list)
    articles: int = 0
    missing: list[str] = field(default_factory=list)


def evaluate_gold(tagger: Tagger, articles: Iterable[GoldArticle] | None = None) -> GoldReport:
    """Tag every gold article (title, summary as lead, body) and compare with its labels."""
    report = GoldReport()
    if articles is None:
        articles, report.missing = gold_articles()
    regions = {e.id for e in tagger.gazetteer.entities.values() if e.type == "region"}
    for article in articles:
        result = tagger.tag(article.title, article.summary, article.body, article.lang)
        predicted = set(result.ids())
        # this gold predates the region type: its "country:<region>" is "region:<region>"
        article.entities = {
            f"region:{x[8:]}" if x.startswith("country:") and x[8:] in regions else x
            for x in article.entities
        }
        types = {t.id for t in result.event_types}
        report.entities.add(article.entities, predicted)
        report.event_types.add(article.event_types, types)
        for kind in {x.split(":")[0] for x in article.entities | predicted}:
            report.by_type.setdefault(kind, Score()).add(
                {x for x in article.entities if x.startswith(kind + ":")},
                {x for x in predicted if x.startswith(kind + ":")},
            )
        report.diffs.append(
            (
                article.slug,
                article.entities - predicted,
                predicted - article.entities,
                article.event_types - types,
                types - article.event_types,
            )
        )
        report.articles += 1
    return report
