"""The related-stories gold file and the precision@3 measure over it."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

GOLD = Path(__file__).resolve().parent.parent / "gold" / "related.toml"


def load_groups(path: Path = GOLD) -> list[dict]:
    """The ``[[group]]`` tables: name, kind ("same event" or "same country and kind"), slugs."""
    return tomllib.loads(path.read_text(encoding="utf-8"))["group"]


def relevant(groups: Sequence[Mapping]) -> dict[str, set[str]]:
    """For each labelled story, the other stories sharing a group with it."""
    out: dict[str, set[str]] = {}
    for group in groups:
        for slug in group["slugs"]:
            out.setdefault(slug, set()).update(s for s in group["slugs"] if s != slug)
    return out


def precision_at_3(
    ranked: Mapping[str, Sequence[str]], groups: Sequence[Mapping]
) -> tuple[float, dict[str, float]]:
    """Mean over labelled stories of |top 3 ∩ its group-mates| / min(3, number of group-mates).

    Returns the mean and each story's own value (a story missing from ``ranked`` scores 0).
    """
    per_story = {}
    for slug, mates in sorted(relevant(groups).items()):
        top = list(ranked.get(slug, ()))[:3]
        per_story[slug] = sum(1 for s in top if s in mates) / min(3, len(mates))
    return sum(per_story.values()) / max(len(per_story), 1), per_story
