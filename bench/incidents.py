"""Benchmark: incidents (grouping and fact extraction) over a synthetic archive of n articles.

Timed: ``newsarchive.incidents.build`` on ArticleInput already tagged, as the site's plugin
gets them -- reading each article's sentences (main country, kind, services, dated starts and
ends, area, orderer, justification), grouping by (place, month) blocks in place partitions
(forked workers), facts of every incident, related incidents, saving the profile cache. Then
the same with one article more and the cache of the first run: what a site rebuild costs.
The gazetteer's names are loaded before the clock starts (the build loads them once for its
tagger anyway). Not timed: generating the archive and turning its entity names into ids."""

from __future__ import annotations

import os
import re
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path

from bench.common import Row, measure
from newsarchive.incidents import ArticleInput, build
from newsarchive.incidents.cache import ProfileCache
from newsarchive.incidents.places import load_names

_EVENT_TYPES = (
    ("blocked access", "platform-block"), ("restricted calls", "platform-block"),
    ("shut down", "shutdown"), ("throttled", "throttling"), ("passed a law", "censorship-law"),
    ("VPN", "circumvention-restriction"), ("arrested", "arrest-prosecution"),
    ("state app", "state-platform-mandate"),
)


def inputs(n: int, seed: int = 0) -> list[ArticleInput]:
    """``n`` synthetic articles as the engine sees them (countries, platforms, event types)."""
    from bench.synth import synthetic_articles

    names = load_names()
    by_name = {name.lower(): eid for eid, name in names.names.items()}
    out = []
    for article in synthetic_articles(n, seed):
        ids = [by_name.get(name.lower()) for name in article.entity_names]
        countries = tuple(i for i in ids if i and i in names.countries)
        platforms = tuple(i for i in ids if i and i not in names.countries
                          and not re.fullmatch(r"[a-z]{2}", i) and i in names.names)
        types = tuple(t for word, t in _EVENT_TYPES if word in article.title)[:1]
        out.append(ArticleInput(
            key=f"events/{article.date:%Y}/{article.slug}/", title=article.title,
            date=article.date, source=article.source, source_url=article.source_url,
            summary=article.summary, text=article.body, lang=article.lang,
            countries=countries, platforms=platforms, event_types=types,
        ))
    return out


def run_engine(articles: list[ArticleInput], cache_dir: Path | None = None
               ) -> dict[str, float]:
    """The engine over ``articles`` (with the profile cache in ``cache_dir``, as the site
    builds them): a small summary of what it built and its CPU seconds."""
    names = load_names()
    started = time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cache = ProfileCache(cache_dir, names) if cache_dir else None
    result = build(articles, names, detail=False, cache=cache)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time() - started + (after.ru_utime - children.ru_utime) + (
        after.ru_stime - children.ru_stime)
    sizes = [len(i.articles) for i in result.incidents]
    return {
        "incidents": len(sizes),
        "grouped": sum(s for s in sizes if s > 1),
        "largest": max(sizes, default=0),
        "cpu": cpu,
        "read before": cache.hits if cache else 0,
    }


def run(n: int, workdir: Path) -> list[Row]:
    """Two rows: the engine at ``n`` articles read from scratch, then with one new article
    and the profiles of the others cached by the first run (what a site rebuild costs)."""
    print(f"bench.incidents: generating {n + 1:,} synthetic articles ...", file=sys.stderr,
          flush=True)
    articles = inputs(n + 1)
    articles, new = articles[:n], articles[n]
    load_names()  # loaded before the fork: the child's clock starts with names in memory
    inputs_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = os.getloadavg()[0]
    cache_dir = workdir / "incidents-cache"
    cold = measure(run_engine, articles, cache_dir)
    v = cold.value
    span = max(a.date for a in articles) - min(a.date for a in articles)
    rows = [Row(
        "incidents (group + facts)", n, cold.seconds, cold.peak_mb,
        f"every article read; {v['cpu']:.2f} CPU s (workers included), load average "
        f"{load:.1f} at start; {v['incidents']:,} incidents, {v['grouped']:,} articles in "
        f"incidents of 2+ (largest {v['largest']}), over "
        f"{span // timedelta(days=365.25):.0f} years; peak includes the {inputs_mb:,.0f} MB "
        f"process holding the inputs",
    )]
    load = os.getloadavg()[0]
    warm = measure(run_engine, [*articles, new], cache_dir)
    w = warm.value
    rows.append(Row(
        "incidents, rebuild (+1 article)", n + 1, warm.seconds, warm.peak_mb,
        f"{w['read before']:,} profiles from the cache, 1 read; {w['cpu']:.2f} CPU s, load "
        f"average {load:.1f} at start ({warm.seconds / cold.seconds:.2f}x the first run)",
    ))
    return rows
