"""Scoring the tagger on the labels gold (issue 12): event types, main countries, platforms.

The gold is ``tests/gold/labels/gold.toml`` (its README describes it): ``[[text]]`` entries
with a ``path`` (relative to the repository root; texts of the shared corpora start with
``../shared``), a ``split`` (``tune`` or ``heldout``), ``event_types``, ``optional_types``,
``forbidden``, ``main_countries``, ``optional_main_countries``, ``mentioned_countries``,
``main_platforms``, ``mentioned_platforms``, ``regions`` and ``mentioned_regions``. Platform and
region labels that the gazetteer lacks are written as names; they are matched to a gazetteer
entry by alias when one exists by now, and otherwise count as misses.

Scoring per text: a predicted optional type (or optional main country) counts neither way; a
forbidden type predicted is a violation. ``NEWSARCHIVE_GOLD_ROOT`` points at another checkout
whose ``tests/gold`` holds the gold (for development before the gold is merged here).

The held-out split is for figures only: ``python -m tests.entities.labels_gold --split tune
-v`` lists per-text differences, and refuses to for ``heldout``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from newsarchive.commands.tag import read_text
from newsarchive.tagger import Tagger, load_tagger
from newsarchive.text_forms import alias_key
from tests.entities.quality import Score

REPO = Path(__file__).resolve().parents[2]
GOLD = Path("tests") / "gold" / "labels" / "gold.toml"
SHARED = REPO.parent / "shared"


def gold_root() -> Path:
    """The checkout whose tests/gold holds the labels gold (this one unless overridden)."""
    return Path(os.environ.get("NEWSARCHIVE_GOLD_ROOT") or REPO).resolve()


@dataclass
class Labelled:
    """One labelled text: where it is and its labels."""

    path: str
    split: str
    kind: str
    labels: dict


def gold_texts(split: str | None = None) -> list[Labelled]:
    """The labelled texts of a split (all when None); empty when the gold is absent."""
    path = gold_root() / GOLD
    if not path.is_file():
        return []
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        Labelled(t["path"], t.get("split", "tune"), t.get("kind", ""), t)
        for t in doc.get("text", [])
        if split is None or t.get("split") == split
    ]


def read(text: Labelled) -> tuple[str, str, str] | None:
    """(title, lead, body) of a labelled text as ``newsarchive tag`` reads it; None when absent."""
    path = (gold_root() / text.path).resolve()
    if not path.is_file():
        return None
    return read_text(path)[0]


class Resolver:
    """Gold values to gazetteer ids: an id as is, a name through the aliases of its type."""

    def __init__(self, tagger: Tagger) -> None:
        self.entities = tagger.gazetteer.entities
        self.by_key: dict[tuple[str, str], str] = {}
        for entity in self.entities.values():
            for form in entity.all_aliases():
                self.by_key.setdefault((entity.type, alias_key(form)), entity.id)

    def __call__(self, values: list[str], type_: str) -> set[str]:
        out = set()
        for value in values:
            entity = self.entities.get(value)
            if entity is not None and entity.type == type_:
                out.add(value)
            else:
                out.add(self.by_key.get((type_, alias_key(value)), f"?{value}"))
        return out


@dataclass
class Report:
    """Scores over a split."""

    texts: int = 0
    missing: list[str] = field(default_factory=list)
    unshared: int = 0  # texts of ../shared that could not be read because it is absent
    types: Score = field(default_factory=Score)
    per_type: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    forbidden: list[tuple[str, str]] = field(default_factory=list)
    main_countries: Score = field(default_factory=Score)
    main_platforms: Score = field(default_factory=Score)
    any_platforms: Score = field(default_factory=Score)
    regions: Score = field(default_factory=Score)
    diffs: list[str] = field(default_factory=list)


def _add(score: Score, gold: set[str], optional: set[str], predicted: set[str]) -> None:
    score.add(gold, predicted - (optional - gold))


def evaluate(tagger: Tagger, texts: list[Labelled]) -> Report:
    """Tag every text and score it against its labels."""
    resolve = Resolver(tagger)
    report = Report()
    read_texts = []
    for text in texts:
        zones = read(text)
        if zones is None and text.path.startswith("../shared/") and not SHARED.is_dir():
            report.unshared += 1
        elif zones is None:
            report.missing.append(text.path)
        else:
            read_texts.append((text, zones))
    results = tagger.tag_many(zones for _, zones in read_texts)
    for (text, zones), result in zip(read_texts, results, strict=True):
        labels = text.labels
        report.texts += 1
        predicted = {t.id for t in result.event_types}
        gold, optional = set(labels.get("event_types", [])), set(labels.get("optional_types", []))
        _add(report.types, gold, optional, predicted)
        for type_id in gold | predicted:
            if type_id in optional and type_id not in gold:
                continue
            report.per_type[type_id].add(gold & {type_id}, predicted & {type_id})
        for type_id in sorted(predicted & set(labels.get("forbidden", []))):
            report.forbidden.append((text.path, type_id))
        countries = set(labels.get("main_countries", []))
        _add(report.main_countries, countries, set(labels.get("optional_main_countries", [])),
             set(result.main_countries))
        platforms = resolve(labels.get("main_platforms", []), "platform")
        mentioned = resolve(labels.get("mentioned_platforms", []), "platform")
        _add(report.main_platforms, platforms, mentioned, set(result.main_platforms))
        every = {e.id for e in result.entities if e.type == "platform"}
        report.any_platforms.add(platforms | mentioned, every)
        regions = resolve(labels.get("regions", []), "region")
        _add(report.regions, regions, resolve(labels.get("mentioned_regions", []), "region"),
             set(result.regions))
        if text.split == "tune":
            report.diffs.append(
                f"{text.path}\n  types -{sorted(gold - predicted)} "
                f"+{sorted(predicted - gold - optional)}"
                f"\n  main countries -{sorted(countries - set(result.main_countries))} "
                f"+{sorted(set(result.main_countries) - countries)}"
                f"\n  main platforms -{sorted(platforms - set(result.main_platforms))} "
                f"+{sorted(set(result.main_platforms) - platforms - mentioned)}"
                f"\n  evidence {tagger.evidence(*zones, result.event_types)}"
            )
    return report


def summary(report: Report) -> str:
    """The figures of a report, one per line."""
    lines = [
        f"texts {report.texts} (missing {len(report.missing)})",
        f"event types    {report.types}",
    ]
    for type_id, score in sorted(report.per_type.items()):
        lines.append(f"  {type_id:26} {score}")
    lines += [
        f"forbidden types given: {len(report.forbidden)}",
        f"main countries {report.main_countries}",
        f"main platforms {report.main_platforms}",
        f"platforms (any mention) {report.any_platforms}",
        f"regions        {report.regions}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="score the tagger on the labels gold")
    parser.add_argument("--split", choices=["tune", "heldout"], default="tune")
    parser.add_argument("-v", "--verbose", action="store_true", help="per-text differences")
    args = parser.parse_args(argv)
    texts = gold_texts(args.split)
    if not texts:
        print(f"no gold at {gold_root() / GOLD}", file=sys.stderr)
        return 2
    report = evaluate(load_tagger(), texts)
    print(summary(report))
    if args.verbose:
        if args.split != "tune":
            print("per-text differences are shown for the tune split only", file=sys.stderr)
            return 1
        print("\n".join(report.diffs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
