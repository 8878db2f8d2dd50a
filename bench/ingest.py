"""Benchmark: the ingest end to end, from source files to article files in a temporary store.

Rows:
- ``ingest feed items``: n synthetic articles as RSS 2.0 feeds (50 items each, full
  ``content:encoded``) through ``newsarchive.pipeline.ingest``: feedparser, sanitiser,
  normalisation, the tagger's relevance, dedupe and atomic writes (aim: >= 300 items/s);
- ``ingest saved pages``: min(n, 500) synthetic saved news pages (navigation, related links,
  comments, footer, JSON-LD and OpenGraph around the article) through the same pipeline:
  trafilatura extraction plus metadata (aim: >= 30 pages/s);
- ``ingest feed items (n/10)``: the first row at a tenth of the size, to show that peak memory
  stays flat in the number of items (sources are read one at a time).
Each row runs in a forked child (``bench.common.measure``): its own peak RSS (the largest of
the ingest process and any worker processes). The ingest runs as ``make ingest`` does (its
default ``jobs``, one process). The note gives the rate per CPU second too: the machine is
shared, and CPU time is what the ingest itself costs. Not timed: writing the synthetic
sources.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

from bench.common import Row, measure
from bench.synth import SynthArticle, synthetic_articles

ITEMS_PER_FEED = 50
MAX_PAGES = 500


def _body_html(article: SynthArticle) -> str:
    return "".join(f"<p>{html.escape(p)}</p>\n" for p in article.body.split("\n\n"))


def write_feeds(n: int, folder: Path) -> int:
    """n synthetic articles as RSS files of ITEMS_PER_FEED items; returns the item count."""
    folder.mkdir(parents=True, exist_ok=True)
    articles = list(synthetic_articles(n, seed=11))
    for start in range(0, len(articles), ITEMS_PER_FEED):
        items = []
        for article in articles[start:start + ITEMS_PER_FEED]:
            items.append(
                f"<item><title>{html.escape(article.title)}</title>"
                f"<link>{article.source_url}?utm_source=rss</link>"
                f"<guid isPermaLink='false'>{article.slug}</guid>"
                f"<pubDate>{article.date.strftime('%a, %d %b %Y %H:%M:%S %z')}</pubDate>"
                f"<description>{html.escape(article.summary)}</description>"
                f"<content:encoded><![CDATA[{_body_html(article)}]]></content:encoded></item>"
            )
        feed = (
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>Synthetic feed {start // ITEMS_PER_FEED}</title>"
            "<link>https://news.example.org/</link><description>bench</description>"
            + "".join(items) + "</channel></rss>\n"
        )
        (folder / f"feed-{start // ITEMS_PER_FEED:05d}.xml").write_text(feed, encoding="utf-8")
    return len(articles)


def _page(article: SynthArticle, number: int) -> str:
    nav = "".join(f"<li><a href='/section/{i}'>Section {i}</a></li>" for i in range(12))
    related = "".join(
        f"<li><a href='/story/{number}-{i}'>Related headline number {i} about other news</a></li>"
        for i in range(8)
    )
    comments = "".join(
        f"<div class='comment'><p>Reader {i}: thanks for the report, very interesting.</p></div>"
        for i in range(5)
    )
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle",
                     "headline": article.title, "datePublished": article.date.isoformat(),
                     "author": {"@type": "Person", "name": f"{article.source} staff"},
                     "publisher": {"@type": "Organization", "name": article.source}})
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(article.title)} | {article.source}</title>"
        f"<meta property='og:title' content='{html.escape(article.title, quote=True)}'>"
        f"<meta property='og:site_name' content='{article.source}'>"
        f"<meta name='description' content='{html.escape(article.summary, quote=True)}'>"
        f"<link rel='canonical' href='{article.source_url}'>"
        f"<script type='application/ld+json'>{ld}</script>"
        "<script>var tracker = {track: function () {}};</script>"
        "<style>.ad{display:block}</style></head><body>"
        f"<header><a href='/'>{article.source}</a><nav><ul>{nav}</ul></nav></header>"
        "<div class='ad'>Advertisement: subscribe today for unlimited access</div><main>"
        f"<article><h1>{html.escape(article.title)}</h1>"
        f"<p class='byline'>By {article.source} staff</p>{_body_html(article)}</article>"
        f"<aside><h3>Most read</h3><ul>{related}</ul></aside>"
        f"<section class='comments'><h3>Comments</h3>{comments}</section></main>"
        f"<footer><p>© {article.source}. All rights reserved.</p></footer></body></html>"
    )


def write_pages(n: int, folder: Path) -> int:
    """n synthetic saved pages; returns the page count."""
    folder.mkdir(parents=True, exist_ok=True)
    for number, article in enumerate(synthetic_articles(n, seed=23)):
        (folder / f"page-{number:05d}.html").write_text(_page(article, number), encoding="utf-8")
    return n


def _ingest(folder: Path, store_dir: Path) -> tuple[dict[str, int], float]:
    """Ingest every file in ``folder`` into a fresh store; (counts, CPU seconds)."""
    from newsarchive.pipeline import expand_sources, ingest
    from newsarchive.relevance import load_scorer
    from newsarchive.settings import IngestSettings
    from newsarchive.store import Store

    cpu = _cpu()
    settings = IngestSettings(root=store_dir, content=store_dir / "content",
                              state=store_dir / "state")
    scorer = load_scorer()
    with Store(settings.content, settings.state) as store:
        summary = ingest(expand_sources([str(folder)]), settings, scorer, store,
                         jobs=settings.jobs)
    counts = dict(summary.counts)
    counts["failed"] = summary.failed_sources
    return counts, _cpu() - cpu


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the ingest's workers)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _row(stage: str, items: int, folder: Path, store_dir: Path) -> Row:
    os.sync()
    result = measure(_ingest, folder, store_dir)
    counts, cpu = result.value
    stored = counts.get("new", 0) + counts.get("duplicate", 0)
    note = (f"{items / cpu:,.0f}/s per CPU s; {counts.get('new', 0)} new, "
            f"{counts.get('duplicate', 0)} duplicate, {counts.get('off-topic', 0)} off-topic, "
            f"{counts.get('failed', 0)} failed")
    assert stored + counts.get("off-topic", 0) + counts.get("skipped", 0) == items, counts
    return Row(stage, items, result.seconds, result.peak_mb, note)


def run(n: int, workdir: Path) -> list[Row]:
    """Feed items and saved pages per second, end to end, with peak memory."""
    small = max(n // 10, ITEMS_PER_FEED)
    write_feeds(small, workdir / "feeds-small")
    items = write_feeds(n, workdir / "feeds")
    pages = write_pages(min(n, MAX_PAGES), workdir / "pages")
    return [
        _row("ingest feed items (n/10)", small, workdir / "feeds-small", workdir / "s0"),
        _row("ingest feed items", items, workdir / "feeds", workdir / "s1"),
        _row("ingest saved pages", pages, workdir / "pages", workdir / "s2"),
    ]
