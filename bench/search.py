"""Search benchmark: what a reader's browser downloads for a query, and how long it waits.

A synthetic archive of n articles is built with the project's settings (every plugin,
Pagefind included), served on 127.0.0.1 and searched in Debian's headless Chromium through
the site's own search page. Each typical query runs on a fresh browser context (cold HTTP
cache), then again on a new page of the same context (warm cache), ``REPEATS`` times:

- page load: every file served before the query is submitted (the page, its CSS and JS,
  Pagefind's JS, worker and WebAssembly, its metadata and the filter chunks the facets need);
- the query: every file served between submitting it and its outcome on the page (index
  chunks, and the fragments of the results shown);
- the time from submitting the query (words already in the box, so no preload) to its
  first result in the list: ``performance.now()`` in the page, noticed by a MutationObserver.

Bytes are counted by the server: the file bytes it sent (0 for a 304). Pagefind runs its
search in a Web Worker, whose fetches the page's Resource Timing does not see. Pagefind's
chunks are gzipped files, so these are the bytes that cross the network.
The archive is then indexed again in about ``SHARD_BUNDLES`` bundles of years, as archives
over ``PAGEFIND_MAX_SHARD_PAGES`` pages are, and measured the same way.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import math
import os
import re
import shutil
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.build import REPO, pelican
from bench.common import Row
from bench.synth import synthetic_articles, write_content
from newsarchive.search_index import index_site_sharded

QUERIES = ("Telegram", "internet shutdown", "VPN ban")
REPEATS = 3
SHARD_BUNDLES = 4
AIM_KB = 300
AIM_MS = 300
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SEARCH_PATH = "/search/"
READY = "[data-facets]:not([hidden])"
SETTLE_MS = 200
TEXT_SUFFIXES = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt"}

# Put the words in the box without an input event (no preload), submit the form, and
# resolve when the status line gives the outcome (search.js fills the list in the same task).
SUBMIT_JS = """
(query) => new Promise((resolve, reject) => {
  const form = document.querySelector("[data-search-form]");
  const list = document.querySelector("[data-results]");
  const status = document.querySelector("[data-status]");
  let t0 = 0;
  const observer = new MutationObserver(() => {
    const text = status.textContent;
    if (!/result/.test(text) || /Searching/.test(text)) return;
    const t1 = performance.now();
    observer.disconnect();
    clearTimeout(timer);
    resolve({ms: t1 - t0, results: list.querySelectorAll(".result").length, status: text});
  });
  const timer = setTimeout(() => {
    observer.disconnect();
    reject(new Error("no outcome after 60 s: " + status.textContent));
  }, 60000);
  observer.observe(status, {childList: true, characterData: true, subtree: true});
  form.querySelector("input[name=q]").value = query;
  t0 = performance.now();
  form.requestSubmit();
})
"""


@dataclass(frozen=True)
class Served:
    """One file the server sent: when the request arrived, its path and the body bytes."""

    at: float
    path: str
    bytes: int
    gzipped: int | None = None  # a text file's size gzipped, as most hosts would send it

    @property
    def kind(self) -> str:
        return file_kind(self.path)


@dataclass(frozen=True)
class QueryRun:
    """One query on one page: what was served before it, for it, and how long it took."""

    query: str
    ms: float
    results: int
    status: str
    load: tuple[Served, ...]
    fetched: tuple[Served, ...]
    submitted: float = 0.0  # the server log's clock

    @property
    def total(self) -> int:
        """The number of results the status line reports."""
        found = re.search(r"(\d[\d,]*) results?", self.status)
        return int(found.group(1).replace(",", "")) if found else 0


@dataclass
class Server:
    """The site served on 127.0.0.1, with the log of what it sent."""

    base: str
    served: list[Served] = field(default_factory=list)

    def between(self, start: float, end: float) -> tuple[Served, ...]:
        return tuple(s for s in list(self.served) if start <= s.at < end)


def file_kind(path: str) -> str:
    """What a served file is for: a Pagefind part by its name, else part of the page."""
    path = path.split("?", 1)[0]
    name = path.rsplit("/", 1)[-1]
    for suffix in ("pf_meta", "pf_index", "pf_fragment", "pf_filter"):
        if name.endswith("." + suffix):
            return suffix[3:]
    if re.fullmatch(r"wasm\.[\w-]+\.pagefind", name):
        return "wasm"
    if re.search(r"/pagefind[^/]*/[^/]+\.(js|json)$", path):
        return "pagefind js"
    return "page"


def kb(files: Iterable[Served]) -> float:
    return sum(f.bytes for f in files) / 1024


def gzip_kb(files: Iterable[Served]) -> float:
    """KB if the host gzipped text files (Pagefind's chunks and WebAssembly are gzipped)."""
    return sum(f.bytes if f.gzipped is None else f.gzipped for f in files) / 1024


def by_kind(files: Iterable[Served]) -> dict[str, float]:
    """KB per kind of file, largest first."""
    totals: Counter[str] = Counter()
    for served in files:
        totals[served.kind] += served.bytes / 1024
    return dict(totals.most_common())


def describe_kinds(totals: dict[str, float]) -> str:
    return ", ".join(f"{kind} {size:.0f}" for kind, size in totals.items() if size >= 0.5)


def typical_queries(n: int) -> list[str]:
    """The fixed queries plus the archive's most written-about country's name."""
    countries = Counter(article.entity_names[0] for article in synthetic_articles(n))
    return [*QUERIES, countries.most_common(1)[0][0]]


class _CountingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder quietly, logging each GET's arrival time, path and bytes sent.
    HTTP/1.1 keeps connections open, as any real host does."""

    protocol_version = "HTTP/1.1"
    log: list[Served]

    def do_GET(self) -> None:
        self.arrived, self.recorded = time.perf_counter(), False
        super().do_GET()
        if not self.recorded:  # a 304 or a listing: nothing counted sent
            self.record(0, None)

    def record(self, sent: int, gzipped: int | None) -> None:
        """Log this request before its last byte leaves, so the log keeps the client's order."""
        self.log.append(Served(self.arrived, self.path, sent, gzipped))
        self.recorded = True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        self.record(0, None)
        super().send_error(code, message, explain)

    def copyfile(self, source: Any, outputfile: Any) -> None:
        body = source.read()
        gzipped = None
        if Path(getattr(source, "name", "")).suffix in TEXT_SUFFIXES:
            gzipped = len(gzip.compress(body, compresslevel=6))
        self.record(len(body), gzipped)
        outputfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve(root: Path) -> Iterator[Server]:
    """Serve ``root`` on 127.0.0.1 on a free port from a thread."""
    server = Server("")
    handler = type("Handler", (_CountingHandler,), {"log": server.served})
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(root))
    )
    server.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()


def renderer_peak_mb() -> float:
    """The largest peak resident memory (VmHWM) of this process's Chromium renderers."""
    parents: dict[int, int] = {}
    renderers = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(stat[1])
            if b"--type=renderer" in Path(entry.path, "cmdline").read_bytes():
                renderers.append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    peak = 0.0
    for pid in renderers:
        ancestor = pid
        while ancestor > 1 and ancestor != os.getpid():
            ancestor = parents.get(ancestor, 0)
        try:
            status = Path(f"/proc/{pid}/status").read_text() if ancestor == os.getpid() else ""
        except OSError:
            continue
        found = re.search(r"VmHWM:\s+(\d+) kB", status)
        if found:
            peak = max(peak, int(found.group(1)) / 1024)
    return peak


def search_once(page: Any, server: Server, query: str) -> QueryRun:
    """Open the search page, wait until it is ready, run ``query``; split what was served."""
    opened = time.perf_counter()
    page.goto(server.base + SEARCH_PATH)
    page.wait_for_selector(READY, timeout=120_000)
    submitted = time.perf_counter()
    outcome = page.evaluate(SUBMIT_JS, query)
    answered = time.perf_counter()
    page.wait_for_timeout(SETTLE_MS)
    late = server.between(answered, time.perf_counter())
    if late:
        print(
            f"bench: search '{query}': {len(late)} files served after the outcome "
            f"({kb(late):.1f} KB), not counted",
            file=sys.stderr,
        )
    return QueryRun(
        query,
        outcome["ms"],
        outcome["results"],
        outcome["status"],
        server.between(opened, submitted),
        server.between(submitted, answered),
        submitted,
    )


def measure_queries(
    server: Server, queries: list[str]
) -> tuple[list[QueryRun], list[QueryRun], float]:
    """Each query ``REPEATS`` times: cold (fresh context), then warm (new page, same context).
    Returns the cold runs, the warm runs and the renderers' peak memory in MB."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise RuntimeError("Chromium is not installed: apt-get install chromium")
    cold, warm, peak = [], [], 0.0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for _ in range(REPEATS):
                for query in queries:
                    context = browser.new_context()
                    cold.append(search_once(context.new_page(), server, query))
                    warm.append(search_once(context.new_page(), server, query))
                    peak = max(peak, renderer_peak_mb())
                    context.close()
        finally:
            browser.close()
    return cold, warm, peak


def report(cold: list[QueryRun], warm: list[QueryRun], peak: float, label: str = "") -> list[Row]:
    """The three rows of one measured index (``label`` names a sharded one)."""
    queries = len({run.query for run in cold})
    per_query = {run.query: kb(run.fetched) for run in cold}  # the same files every repeat
    heaviest = max(per_query, key=per_query.__getitem__)
    sample = next(run for run in cold if run.query == heaviest)
    firsts = [kb(run.load) + kb(run.fetched) for run in cold]
    cold_ms = [run.ms for run in cold]
    warm_ms = [run.ms for run in warm]
    warm_kb = max(kb(run.load) + kb(run.fetched) for run in warm)
    files = Counter(served.kind for served in sample.fetched)
    found = ", ".join(f"'{run.query}' {run.total:,}" for run in firsts_of(cold))
    median_s = statistics.median(cold_ms) / 1000

    def verdict(ok: bool) -> str:
        return "within" if ok else "OVER"

    prefix = f"search{label}:"
    return [
        Row(
            f"{prefix} first query (cold) KB",
            queries,
            median_s,
            peak,
            f"{statistics.median(firsts):.0f} KB median, {max(firsts):.0f} max = page load "
            f"{statistics.median(kb(run.load) for run in cold):.0f} KB once "
            f"({describe_kinds(by_kind(sample.load))}) + the query; with gzip on the host "
            f"{statistics.median(gzip_kb(run.load + run.fetched) for run in cold):.0f} KB; "
            f"{verdict(max(firsts) < AIM_KB)} the {AIM_KB} KB aim",
        ),
        Row(
            f"{prefix} per-query bytes",
            queries,
            median_s,
            peak,
            f"{statistics.mean(per_query.values()):.0f} KB mean, {per_query[heaviest]:.0f} max "
            f"('{heaviest}': {describe_kinds(by_kind(sample.fetched))} KB in "
            f"{files['index']} index + {files['fragment']} fragment files); "
            f"{verdict(per_query[heaviest] < AIM_KB)} the {AIM_KB} KB aim",
        ),
        Row(
            f"{prefix} time to first results ms",
            len(cold),
            median_s,
            peak,
            f"cold {statistics.median(cold_ms):.0f} ms median, {max(cold_ms):.0f} max; warm "
            f"{statistics.median(warm_ms):.0f} median, {max(warm_ms):.0f} max ({warm_kb:.0f} KB "
            f"from the network); {verdict(statistics.median(cold_ms) < AIM_MS)} the "
            f"{AIM_MS} ms aim; results: {found}; load average {os.getloadavg()[0]:.1f}",
        ),
    ]


def firsts_of(runs: list[QueryRun]) -> list[QueryRun]:
    """Each query's first run, in order."""
    first: dict[str, QueryRun] = {}
    for run in runs:
        first.setdefault(run.query, run)
    return list(first.values())


def waits(run: QueryRun) -> str:
    """When the query's first and last files were asked for, in ms after submitting."""
    if not run.fetched:
        return "-"
    times = [1000 * (served.at - run.submitted) for served in run.fetched]
    return f"{min(times):.0f}-{max(times):.0f} ms"


def log_runs(runs: list[QueryRun], label: str) -> None:
    """Per query, its first run: outcome, time, KB by kind (on stderr)."""
    for run in firsts_of(runs):
        print(
            f"bench: search{label} '{run.query}': {run.status} {run.results} shown, "
            f"{run.ms:.0f} ms (files asked for at {waits(run)}); query {kb(run.fetched):.1f} KB "
            f"({describe_kinds(by_kind(run.fetched))}); load {kb(run.load):.1f} KB "
            f"({describe_kinds(by_kind(run.load))})",
            file=sys.stderr,
        )


def reindex_sharded(site: Path, articles: int) -> int:
    """Index ``site`` again in about ``SHARD_BUNDLES`` bundles of years; return the count."""
    for folder in site.glob("pagefind*"):
        shutil.rmtree(folder)
    index_site_sharded(site, max_pages=max(1, math.ceil(articles / SHARD_BUNDLES)))
    return sum(1 for folder in site.glob("pagefind*") if folder.is_dir())


def run(n: int, workdir: Path) -> list[Row]:
    """Build ``n`` synthetic articles; measure typical searches, one index and sharded."""
    content, site = workdir / "content", workdir / "site"
    write_content(n, content)
    shutil.copytree(REPO / "content" / "pages", content / "pages")
    pelican(content, site, workdir / "cache")
    queries = typical_queries(n)
    rows: list[Row] = []
    with serve(site) as server:
        cold, warm, peak = measure_queries(server, queries)
        log_runs(cold, "")
        rows += report(cold, warm, peak)
        bundles = reindex_sharded(site, n)
        if bundles > 1:
            cold, warm, peak = measure_queries(server, queries)
            label = f" {bundles} bundles"
            log_runs(cold, label)
            rows += report(cold, warm, peak, label)
    return rows
