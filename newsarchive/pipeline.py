"""The ingest as a pipeline: sources -> records -> topic filter -> dedupe -> store.

``expand_sources`` turns command-line arguments (or feeds.toml plus the inbox) into sources;
``read_source`` reads one (fetching URLs, with conditional GET when feed state is given);
``ingest`` runs everything and returns a ``Summary``; ``inspect`` yields one JSON-able dict per
item and writes nothing. Nothing here prints: the commands do.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsarchive.dedupe import signature
from newsarchive.fetch import FetchError, fetch
from newsarchive.normalize import format_date
from newsarchive.record import Record
from newsarchive.relevance import Scorer, is_relevant
from newsarchive.settings import FeedConfig, IngestSettings
from newsarchive.sources import SourceError, SourceResult, read_bytes, read_path
from newsarchive.store import Store

SAVED_KINDS = frozenset({"html", "text", "markdown"})
SKIP_NAMES = ("README", "readme", ".")
MIN_PARALLEL_SOURCES = 4  # below this, forking workers costs more than it saves


@dataclass(frozen=True)
class Source:
    """One thing to read: a URL or a file, with the subscription settings that apply."""

    location: str
    config: FeedConfig = field(default_factory=FeedConfig)

    @property
    def is_url(self) -> bool:
        return self.location.startswith(("http://", "https://"))


@dataclass
class Summary:
    """What a run did, for the closing line and the exit code."""

    counts: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)
    sources: int = 0

    @property
    def failed_sources(self) -> int:
        return len(self.failures)

    def line(self) -> str:
        c = self.counts
        text = (f"{self.sources} sources: {c['new']} new, {c['updated']} updated, "
                f"{c['duplicate']} duplicate, {c['unchanged']} unchanged, "
                f"{c['off-topic']} off-topic, {c['skipped']} skipped, "
                f"{self.failed_sources} failed")
        if c["not-modified"]:
            text += f" ({c['not-modified']} feeds not modified)"
        if self.failures:
            reasons = Counter(reason.split(":")[0] for _, reason in self.failures)
            text += " [" + "; ".join(f"{r}: {n}" for r, n in reasons.most_common()) + "]"
        return text


def _skip(path: Path) -> bool:
    return path.name.startswith(SKIP_NAMES) or path.suffix in {".tmp", ".part", ".lock"}


def expand_sources(arguments: Iterable[str], defaults: FeedConfig | None = None) -> list[Source]:
    """URLs as they are, files as they are, folders as every file inside (sorted, recursive,
    hidden files and READMEs left out). A missing path is kept: reading it reports the error."""
    config = defaults or FeedConfig()
    sources: list[Source] = []
    for argument in arguments:
        if argument.startswith(("http://", "https://")):
            sources.append(Source(argument, config))
            continue
        path = Path(argument)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                sources += [Source(str(Path(root) / name), config) for name in sorted(files)
                            if not _skip(Path(name))]
        else:
            sources.append(Source(argument, config))
    return sources


def configured_sources(settings: IngestSettings) -> list[Source]:
    """feeds.toml's subscriptions, then every file in the inbox."""
    sources = [Source(feed.location, feed) for feed in settings.feeds]
    if settings.inbox.is_dir():
        sources += expand_sources([str(settings.inbox)])
    return sources


def read_source(source: Source, settings: IngestSettings,
                feed_state: dict[str, dict[str, str]] | None = None) -> SourceResult | None:
    """Read one source; None when a conditional GET says it did not change.

    Raises SourceError (or FetchError) with the one-line reason when it cannot be read.
    """
    if not source.is_url:
        result = read_path(Path(source.location), source.config, max_bytes=settings.max_bytes)
        _file_guids(result, Path(source.location), settings.root)
        return result
    known = (feed_state or {}).get(source.location, {}) if feed_state is not None else {}
    response = fetch(source.location, etag=known.get("etag", ""),
                     last_modified=known.get("last_modified", ""),
                     timeout=settings.timeout, max_bytes=settings.max_bytes)
    if feed_state is not None:
        feed_state[source.location] = {
            "etag": response.etag or known.get("etag", ""),
            "last_modified": response.last_modified or known.get("last_modified", ""),
            "checked": format_date(datetime.now(UTC)),
        }
    if response.not_modified:
        return None
    return read_bytes(response.data, source.location, source.config, location=response.url,
                      headers=response.headers)


def _file_guids(result: SourceResult, path: Path, root: Path) -> None:
    """A saved file without a URL is identified by its path, so editing it updates it."""
    if result.kind not in SAVED_KINDS:
        return
    try:
        name = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        name = path.name
    for record in result.records:
        if not record.canonical_url and not record.guid:
            record.guid = f"file:{name}"


def record_json(record: Record, source: str, threshold: float) -> dict[str, Any]:
    """The stable ``inspect --json`` object of one item."""
    return {
        "source": source,
        "title": record.title,
        "url": record.url,
        "canonical_url": record.canonical_url,
        "published": format_date(record.published) if record.published else None,
        "updated": format_date(record.updated) if record.updated else None,
        "date_source": record.date_source if record.date_estimated else "item",
        "authors": record.authors,
        "source_name": record.source_name,
        "language": record.language,
        "summary": record.summary,
        "text": record.text,
        "html": record.html,
        "content_hash": record.content_hash,
        "relevance": record.relevance,
        "relevant": is_relevant(record, threshold),
        "event_types": record.event_types,
        "entities": record.entities,
        "guid": record.guid,
        "kind": record.kind,
        "tags": record.tags,
        "image": record.image,
    }


def inspect(sources: Iterable[Source], settings: IngestSettings,
            scorer: Scorer | None) -> Iterator[dict[str, Any]]:
    """One dict per item, in source order; one ``{source, error}`` dict per unreadable source."""
    for source in sources:
        try:
            result = read_source(source, settings)
        except (SourceError, FetchError) as err:
            yield {"source": source.location, "error": str(err)}
            continue
        except Exception as err:  # a reader bug must cost one source, not the run
            yield {"source": source.location, "error": f"internal error: {type(err).__name__}: "
                                                      f"{err}"}
            continue
        records = result.records if result else []
        if scorer is not None and records:
            scorer.score_all(records)
        for record in records:
            yield record_json(record, source.location, settings.relevance_threshold)


@dataclass
class Prepared:
    """One source read and scored, ready for the store (or the reason it could not be)."""

    result: SourceResult | None = None
    signatures: list[bytes | None] = field(default_factory=list)  # one per record
    error: str = ""
    not_modified: bool = False
    state: dict[str, str] | None = None  # the feed's new conditional-GET state


_JOB_SCORER: Scorer | None = None  # inherited by forked workers


def prepare(source: Source, settings: IngestSettings, scorer: Scorer | None,
            known: dict[str, str] | None) -> Prepared:
    """Read one source and score its records; never raises (a bug costs one source)."""
    state = {source.location: known} if known else {}
    try:
        result = read_source(source, settings, state)
    except (SourceError, FetchError) as err:
        return Prepared(error=str(err), state=state.get(source.location))
    except Exception as err:  # a reader bug must cost one source, not the run
        return Prepared(error=f"internal error: {type(err).__name__}: {err}")
    if result is None:
        return Prepared(not_modified=True, state=state.get(source.location))
    scored = [r for r in result.records if r.title and (r.text or r.summary)]
    if scorer is not None and scored:
        scorer.score_all(scored)
    signatures = [signature(record.text) for record in result.records]
    return Prepared(result=result, signatures=signatures, state=state.get(source.location))


def _prepare_in_worker(source: Source, settings: IngestSettings,
                       known: dict[str, str] | None) -> Prepared:
    return prepare(source, settings, _JOB_SCORER, known)


def prepared_stream(sources: list[Source], settings: IngestSettings, scorer: Scorer,
                    feed_state: dict[str, dict[str, str]],
                    jobs: int = 1) -> Iterator[tuple[Source, Prepared]]:
    """Every source prepared, in source order; with ``jobs`` > 1, read and scored by forked
    worker processes while the caller stores (at most 2 x jobs sources in flight, so memory
    stays flat)."""
    if jobs <= 1 or len(sources) < MIN_PARALLEL_SOURCES:
        for source in sources:
            yield source, prepare(source, settings, scorer, feed_state.get(source.location))
        return
    global _JOB_SCORER
    _JOB_SCORER = scorer
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        pending: deque[tuple[Source, Future[Prepared]]] = deque()
        queue = iter(sources)
        for source in queue:
            pending.append((source, pool.submit(_prepare_in_worker, source, settings,
                                                feed_state.get(source.location))))
            if len(pending) >= 2 * jobs:
                break
        while pending:
            source, future = pending.popleft()
            following = next(queue, None)
            if following is not None:
                pending.append((following, pool.submit(
                    _prepare_in_worker, following, settings, feed_state.get(following.location))))
            try:
                yield source, future.result()
            except Exception as err:  # a worker that died (killed, out of memory)
                yield source, Prepared(error=f"internal error: {type(err).__name__}: {err}")


def ingest(sources: list[Source], settings: IngestSettings, scorer: Scorer, store: Store,
           *, jobs: int = 1,
           on_failure: Callable[[str, str], None] | None = None,
           on_warning: Callable[[str, str], None] | None = None,
           on_progress: Callable[[int, int], None] | None = None) -> Summary:
    """Read every source and store what is new, changed and on topic."""
    summary = Summary(sources=len(sources))
    stream = prepared_stream(sources, settings, scorer, store.feed_state, jobs)
    for number, (source, prepared) in enumerate(stream, 1):
        if prepared.state is not None:
            store.feed_state[source.location] = prepared.state
        if prepared.error:
            _fail(summary, source.location, prepared.error, on_failure)
        elif prepared.not_modified:
            summary.counts["not-modified"] += 1
        elif prepared.result is not None:
            if on_warning:
                for warning in prepared.result.warnings:
                    on_warning(source.location, warning)
            for record, sig in zip(prepared.result.records, prepared.signatures, strict=True):
                _store_record(record, sig, settings, store, summary)
        if on_progress:
            on_progress(number, len(sources))
    store.save()
    return summary


def _store_record(record: Record, sig: bytes | None, settings: IngestSettings, store: Store,
                  summary: Summary) -> None:
    if not record.title or not (record.text or record.summary):
        summary.counts["skipped"] += 1
        return
    if not is_relevant(record, settings.relevance_threshold):
        summary.counts["off-topic"] += 1
        return
    outcome = store.put(record, sig=sig)
    summary.counts[outcome.status] += 1


def _fail(summary: Summary, source: str, reason: str,
          on_failure: Callable[[str, str], None] | None) -> None:
    summary.failures.append((source, reason))
    if on_failure:
        on_failure(source, reason)
