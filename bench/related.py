"""Benchmark: related stories for every article of a synthetic archive of n articles.

Timed: the whole engine run (tokenising, TF-IDF, inverted index, scoring, ranking) on
documents whose entities are already tagged, as the plugin gets them from the entities plugin.
Not timed: generating the archive and turning its entity names into entity references.
For comparison, the shared-tag approach of pelican's related_posts plugin (count shared tags
through per-tag lists, which grows with the square of a tag's frequency) runs on the same
entities up to ``BASELINE_MAX`` articles.
"""

from __future__ import annotations

import os
import re
import resource
import sys
import time
from collections import Counter
from itertools import chain
from pathlib import Path

from bench.common import Row, measure
from newsarchive.related import Document, EntityRef, EventRef, Settings, related

BASELINE_MAX = 20_000
_EVENT_WORDS = (
    ("blocked access", "platform-block", "platform block"),
    ("restricted calls", "platform-block", "platform block"),
    ("shut down", "shutdown", "shutdown"),
    ("throttled", "throttling", "throttling"),
    ("passed a law", "censorship-law", "censorship law"),
    ("VPN", "circumvention-restriction", "circumvention restriction"),
    ("arrested", "arrest-prosecution", "arrest or prosecution"),
    ("state app", "state-platform-mandate", "state platform mandate"),
    ("preinstalled", "state-platform-mandate", "state platform mandate"),
)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def documents(n: int, seed: int = 0) -> list[Document]:
    """``n`` synthetic stories with entities (salience falling with order) and an event type."""
    from bench.synth import synthetic_articles

    docs = []
    for article in synthetic_articles(n, seed):
        entities = [
            EntityRef(f"e:{_slug(name)}", name, salience=max(0.3, 1.0 - 0.2 * rank))
            for rank, name in enumerate(dict.fromkeys(article.entity_names))
        ]
        events = [EventRef(key, name) for word, key, name in _EVENT_WORDS if word in article.title]
        docs.append(
            Document(
                key=article.slug,
                slug=article.slug,
                date=article.date,
                title=article.title,
                summary=article.summary,
                body=article.body,
                lang=article.lang,
                entities=entities,
                event_types=events[:1],
                urls=[article.source_url],
            )
        )
    return docs


def run_engine(docs: list[Document]) -> dict[str, float]:
    """The engine over ``docs``; a small picklable summary of what it returned and the CPU
    seconds it used (its own and its forked helpers'), to read beside wall time on a busy
    machine."""
    started = time.process_time()
    lists = related(docs, Settings())
    cpu = time.process_time() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    lengths = [len(v) for v in lists.values()]
    return {
        "stories": len(lists),
        "mean_len": sum(lengths) / max(len(lengths), 1),
        "cpu": cpu + children.ru_utime + children.ru_stime,
    }


def run_shared_tags(docs: list[Document], top: int = 5) -> int:
    """related_posts' method: per story, count every story sharing each of its tags."""
    by_tag: dict[str, list[str]] = {}
    for doc in docs:
        for e in doc.entities:
            by_tag.setdefault(e.key, []).append(doc.slug)
    found = 0
    for doc in docs:
        shared = Counter(chain.from_iterable(by_tag[e.key] for e in doc.entities))
        shared.pop(doc.slug, None)
        found += len(shared.most_common(top))
    return found


def run(n: int, workdir: Path) -> list[Row]:
    """Rows for the engine at ``n`` articles, and the shared-tag baseline when n is modest."""
    print(f"bench.related: generating {n:,} synthetic stories ...", file=sys.stderr, flush=True)
    docs = documents(n)
    inputs_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = os.getloadavg()[0]
    engine = measure(run_engine, docs)
    rows = [
        Row(
            "related (inverted index)",
            n,
            engine.seconds,
            engine.peak_mb,
            f"{engine.value['cpu']:.2f} CPU s, load average {load:.1f} at start; "
            f"mean {engine.value['mean_len']:.1f} related per story; peak includes the "
            f"{inputs_mb:,.0f} MB process holding the input stories",
        )
    ]
    if n <= BASELINE_MAX:
        baseline = measure(run_shared_tags, docs)
        rows.append(
            Row(
                "related (shared-tag baseline)",
                n,
                baseline.seconds,
                baseline.peak_mb,
                "pelican related_posts' method on the same entities: grows quadratically",
            )
        )
    return rows
