"""A synthetic archive whose entities, lengths and dates follow the starter archive.

Sentences are drawn from the starter archive's own bodies (so vocabulary and length are real)
and mixed with templated sentences naming entities from the gazetteer, chosen with a skewed
(Zipf-like) popularity so a few countries and platforms dominate, as in real coverage.
Everything is derived from a seeded ``random.Random``: the same ``n`` and ``seed`` give the
same archive.
"""

from __future__ import annotations

import random
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content" / "articles"
GAZETTEER = REPO / "data" / "entities"

FALLBACK_SENTENCES = [
    "Access to the service was restricted by the national regulator on Tuesday.",
    "Monitors reported that mobile data was cut across several provinces.",
    "The ministry said the measure was temporary and aimed at preventing unrest.",
    "Rights groups said the order violated the right to information.",
    "Users turned to virtual private networks to get around the block.",
    "The company said it had received a demand to hand over user data.",
    "Connectivity returned gradually over the following days.",
    "A court later ordered the authorities to restore access.",
]
FALLBACK_NAMES = {
    "country": ["Russia", "Iran", "India", "Turkey", "Pakistan", "Ethiopia", "Brazil", "Myanmar"],
    "platform": ["WhatsApp", "Telegram", "YouTube", "Facebook", "Instagram", "TikTok", "Signal"],
    "body": ["Roskomnadzor", "the Supreme Court", "the telecom regulator"],
    "org": ["NetBlocks", "Access Now", "OONI"],
}
EVENTS = [
    ("blocked access to {platform}", "platform block"),
    ("shut down mobile internet in parts of {country}", "shutdown"),
    ("throttled {platform} to a crawl", "throttling"),
    ("restricted calls on {platform}", "platform block"),
    ("passed a law requiring {platform} to store data locally", "censorship law"),
    ("ordered VPN providers to register", "circumvention restriction"),
    ("arrested a blogger over posts on {platform}", "arrest"),
    ("required phones to come with a state app preinstalled", "state app"),
]
OUTLETS = ["Reuters", "AP", "BBC", "Al Jazeera", "The Guardian", "Meduza", "Rest of World"]
START = datetime(2016, 1, 1, tzinfo=UTC)
SPAN_DAYS = 365 * 10 + 300


@dataclass
class SynthArticle:
    """One synthetic article, plain text."""

    slug: str
    title: str
    date: datetime
    summary: str
    body: str
    source: str
    source_url: str
    lang: str = "en"
    entity_names: list[str] = field(default_factory=list)


def _starter_sentences() -> list[str]:
    sentences: list[str] = []
    for path in sorted(CONTENT.glob("**/*.md")):
        text = path.read_text(encoding="utf-8")
        _, _, body = text.partition("\n\n")
        if re.search(r"^Lang:[ \t]*(?!en\b)\w", text, re.MULTILINE):
            continue
        sentences += [s.strip() for s in re.split(r"(?<=[.!?])\s+", body) if len(s.split()) > 5]
    return sentences or FALLBACK_SENTENCES


def _gazetteer_names() -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for path in sorted(GAZETTEER.glob("*.toml")):
        try:
            entries = tomllib.loads(path.read_text(encoding="utf-8")).get("entity", [])
        except (tomllib.TOMLDecodeError, OSError):
            continue
        for entry in entries:
            name, kind = entry.get("name"), entry.get("type", path.stem)
            if name and not entry.get("ambiguous"):
                names.setdefault(kind, []).append(name)
    for kind, fallback in FALLBACK_NAMES.items():
        names.setdefault(kind, fallback)
    return names


def _skewed(rng: random.Random, items: list[str]) -> str:
    """Pick with probability ~ 1/rank: a few items dominate, as in real coverage."""
    weights = [1 / (rank + 1) for rank in range(len(items))]
    return rng.choices(items, weights=weights, k=1)[0]


def synthetic_articles(n: int, seed: int = 0) -> Iterator[SynthArticle]:
    """Yield ``n`` deterministic synthetic articles."""
    rng = random.Random(seed)
    sentences = _starter_sentences()
    names = _gazetteer_names()
    for kind in names:
        rng.shuffle(names[kind])
    for number in range(n):
        country = _skewed(rng, names["country"])
        platform = _skewed(rng, names["platform"])
        extras = [_skewed(rng, names[k]) for k in ("body", "org") if rng.random() < 0.6]
        event, _ = rng.choice(EVENTS)
        action = event.format(country=country, platform=platform)
        title = f"{country}: authorities {action}"
        date = START + timedelta(days=rng.randrange(SPAN_DAYS), minutes=rng.randrange(1440))
        paragraphs = []
        for _ in range(rng.randint(3, 6)):
            chosen = rng.sample(sentences, k=min(len(sentences), rng.randint(2, 5)))
            paragraphs.append(" ".join(chosen))
        lead = (
            f"Authorities in {country} {action}, according to {' and '.join(extras) or 'monitors'}."
        )
        paragraphs.insert(0, lead)
        yield SynthArticle(
            slug=f"synthetic-{number:06d}",
            title=title,
            date=date,
            summary=lead,
            body="\n\n".join(paragraphs),
            source=rng.choice(OUTLETS),
            source_url=f"https://news.example.org/{date:%Y/%m}/story-{number:06d}",
            entity_names=[country, platform, *extras],
        )


def to_markdown(article: SynthArticle) -> str:
    """The article as a Pelican Markdown file, like the starter archive's."""
    return (
        f"Title: {article.title}\n"
        f"Date: {article.date.isoformat()}\n"
        f"Source: {article.source}\n"
        f"Source-URL: {article.source_url}\n"
        f"Summary: {article.summary}\n"
        f"Lang: {article.lang}\n"
        f"Slug: {article.slug}\n\n"
        f"{article.body}\n"
    )


def write_content(n: int, folder: Path, seed: int = 0) -> list[Path]:
    """Write ``n`` synthetic articles into ``folder/articles/YYYY/``; return their paths."""
    paths = []
    for article in synthetic_articles(n, seed):
        path = folder / "articles" / f"{article.date:%Y}" / f"{article.slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(to_markdown(article), encoding="utf-8")
        paths.append(path)
    return paths
