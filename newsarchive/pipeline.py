"""The ingest as a pipeline: sources -> records -> topic filter -> dedupe -> store.

``expand_sources`` turns command-line arguments (or feeds.toml plus the inbox) into sources;
``read_source`` reads one (fetching URLs, with conditional GET when feed state is given);
``ingest`` runs everything and returns a ``Summary``; ``inspect`` yields one JSON-able dict per
item and writes nothing. Nothing here prints: the commands do.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsarchive.dedupe import signature
from newsarchive.fetch import FetchError, FetchResult, fetch
from newsarchive.normalize import format_date
from newsarchive.record import Record
from newsarchive.relevance import Scorer, is_relevant
from newsarchive.settings import FeedConfig, IngestSettings
from newsarchive.sources import SourceError, SourceResult, read_bytes, read_path
from newsarchive.store import Store, atomic_write

SAVED_KINDS = frozenset({"html", "text", "markdown"})
SKIP_NAMES = ("README", "readme", ".")
REJECTED = "rejected"  # inbox/rejected/: inbox files that could not be read, with the reason
MIN_PARALLEL_SOURCES = 4  # below this, forking workers costs more than it saves


@dataclass(frozen=True)
class Source:
    """One thing to read: a URL or a file, with the subscription settings that apply."""

    location: str
    config: FeedConfig = field(default_factory=FeedConfig)
    confine: str = ""  # a file source must resolve inside this folder (feeds.toml, inbox)
    inbox: str = ""  # the inbox folder, when the file is one of its files

    @property
    def is_url(self) -> bool:
        return self.location.startswith(("http://", "https://"))


@dataclass
class Summary:
    """What a run did, for the closing line and the exit code."""

    counts: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)
    sources: int = 0
    written: list[str] = field(default_factory=list)  # content keys of new and updated articles
    created: list[str] = field(default_factory=list)  # the new ones among them

    @property
    def failed_sources(self) -> int:
        return len(self.failures)

    def line(self) -> str:
        c = self.counts
        text = (f"{self.sources} sources: {c['new']} new, {c['updated']} updated, "
                f"{c['duplicate']} duplicate, {c['unchanged']} unchanged, "
                f"{c['off-topic']} off-topic, {c['skipped']} skipped, "
                f"{self.failed_sources} failed")
        if c["refused"]:
            text += f", {c['refused']} refused"
        if c["not-modified"]:
            text += f" ({c['not-modified']} feeds not modified)"
        if c["inbox-known"]:
            text += f" ({c['inbox-known']} inbox files read before)"
        if c["file-dated"]:
            held = " and held as drafts (check the Date, then remove 'Status: draft')" if (
                c["file-dated-draft"]) else ""
            text += f" ({c['file-dated']} dated by file time{held})"
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
                dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                                 and not (root == str(path) and d == REJECTED))
                sources += [Source(str(Path(root) / name), config) for name in sorted(files)
                            if not _skip(Path(name))]
        else:
            sources.append(Source(argument, config))
    return sources


def configured_sources(settings: IngestSettings) -> list[Source]:
    """feeds.toml's subscriptions (``path`` feeds confined to its folder), then every file in
    the inbox (confined to the inbox; inbox/rejected/ left out)."""
    sources = [Source(feed.location, feed, confine="" if "://" in feed.location
                      else str(settings.root)) for feed in settings.feeds]
    if settings.inbox.is_dir():
        inbox = str(settings.inbox)
        sources += [Source(s.location, s.config, confine=inbox, inbox=inbox)
                    for s in expand_sources([inbox])]
    return sources


def confined_path(source: Source) -> Path:
    """The source's file, refused when it (or a link it follows) leaves its folder."""
    path = Path(source.location)
    if source.confine:
        folder = Path(source.confine).resolve()
        try:
            path.resolve().relative_to(folder)
        except ValueError:
            raise SourceError(f"refused: outside the archive folder {folder} "
                              f"(resolves to {path.resolve()})") from None
        except (OSError, RuntimeError) as err:
            raise SourceError(f"cannot read: {err}") from None
    return path


def fetch_source(source: Source, settings: IngestSettings, known: dict[str, str] | None,
                 deadline: float | None = None) -> FetchResult:
    """GET a URL source with its conditional-GET state, the per-fetch deadline and the run's."""
    if deadline is not None and time.monotonic() >= deadline:
        raise FetchError(f"not fetched: the run budget of {settings.run_budget:g} s is spent")
    known = known or {}
    return fetch(source.location, etag=known.get("etag", ""),
                 last_modified=known.get("last_modified", ""), timeout=settings.timeout,
                 max_bytes=settings.max_bytes, allow_private=source.config.allow_private,
                 deadline=deadline)


def read_source(source: Source, settings: IngestSettings,
                feed_state: dict[str, dict[str, str]] | None = None, *,
                deadline: float | None = None,
                fetched: FetchResult | None = None) -> SourceResult | None:
    """Read one source; None when a conditional GET says it did not change.

    ``fetched`` is the response when a fetching thread already has it. Raises SourceError
    (or FetchError) with the one-line reason when it cannot be read.
    """
    if not source.is_url:
        path = confined_path(source)
        result = read_path(path, source.config, max_bytes=settings.max_bytes,
                           max_body_bytes=settings.max_body_bytes)
        _file_guids(result, path, settings.root)
        return result
    known = (feed_state or {}).get(source.location, {}) if feed_state is not None else {}
    response = fetched or fetch_source(source, settings, known, deadline)
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
        "date_origin": record.date_origin or None,  # text, meta, feed, file or fetched
        "date_from_file": record.date_origin == "file",
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
            known: dict[str, str] | None, *, deadline: float | None = None,
            fetched: FetchResult | FetchError | None = None) -> Prepared:
    """Read one source and score its records; never raises (a bug costs one source)."""
    state = {source.location: known} if known else {}
    try:
        if isinstance(fetched, FetchError):
            raise fetched
        result = read_source(source, settings, state, deadline=deadline, fetched=fetched)
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
                       known: dict[str, str] | None, deadline: float | None) -> Prepared:
    return prepare(source, settings, _JOB_SCORER, known, deadline=deadline)


def _fetch_quietly(source: Source, settings: IngestSettings, known: dict[str, str] | None,
                   deadline: float | None) -> FetchResult | FetchError:
    try:
        return fetch_source(source, settings, known, deadline)
    except FetchError as err:
        return err
    except Exception as err:  # a bug costs one source
        return FetchError(f"internal error: {type(err).__name__}: {err}")


def _fetched_ahead(sources: list[Source], settings: IngestSettings,
                   feed_state: dict[str, dict[str, str]],
                   deadline: float | None) -> Iterator[tuple[Source, Any]]:
    """Each source with its response (URLs fetched by a pool of ``settings.fetchers`` threads,
    a few ahead of the reader), in source order: one slow server delays no other feed."""
    workers = max(1, settings.fetchers)
    urls = deque(i for i, source in enumerate(sources) if source.is_url)
    if not urls:
        yield from ((source, None) for source in sources)
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch") as pool:
        futures: dict[int, Future[FetchResult | FetchError]] = {}

        def top_up() -> None:
            while urls and len(futures) < workers + 2:  # bounded: memory stays flat
                i = urls.popleft()
                futures[i] = pool.submit(_fetch_quietly, sources[i], settings,
                                         feed_state.get(sources[i].location), deadline)

        top_up()
        for i, source in enumerate(sources):
            if not source.is_url:
                yield source, None
                continue
            response = futures.pop(i).result()
            top_up()
            yield source, response


def prepared_stream(sources: list[Source], settings: IngestSettings, scorer: Scorer,
                    feed_state: dict[str, dict[str, str]],
                    jobs: int = 1, deadline: float | None = None,
                    ) -> Iterator[tuple[Source, Prepared]]:
    """Every source prepared, in source order; URLs are fetched concurrently by a bounded
    thread pool. With ``jobs`` > 1, sources are read and scored by forked worker processes
    while the caller stores (at most 2 x jobs sources in flight, so memory stays flat)."""
    if jobs <= 1 or len(sources) < MIN_PARALLEL_SOURCES:
        for source, fetched in _fetched_ahead(sources, settings, feed_state, deadline):
            yield source, prepare(source, settings, scorer, feed_state.get(source.location),
                                  deadline=deadline, fetched=fetched)
        return
    global _JOB_SCORER
    _JOB_SCORER = scorer
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        pending: deque[tuple[Source, Future[Prepared]]] = deque()
        queue = iter(sources)
        for source in queue:
            pending.append((source, pool.submit(_prepare_in_worker, source, settings,
                                                feed_state.get(source.location), deadline)))
            if len(pending) >= 2 * jobs:
                break
        while pending:
            source, future = pending.popleft()
            following = next(queue, None)
            if following is not None:
                pending.append((following, pool.submit(
                    _prepare_in_worker, following, settings, feed_state.get(following.location),
                    deadline)))
            try:
                yield source, future.result()
            except Exception as err:  # a worker that died (killed, out of memory)
                yield source, Prepared(error=f"internal error: {type(err).__name__}: {err}")


def ingest(sources: list[Source], settings: IngestSettings, scorer: Scorer, store: Store,
           *, jobs: int = 1,
           on_failure: Callable[[str, str], None] | None = None,
           on_warning: Callable[[str, str], None] | None = None,
           on_progress: Callable[[int, int], None] | None = None) -> Summary:
    """Read every source and store what is new, changed and on topic.

    Fetches share a wall-clock budget (``settings.run_budget``); inbox files already read are
    skipped (the inbox index is saved after each one), and an inbox file that cannot be read
    moves to inbox/rejected/ with a note of the reason.
    """
    summary = Summary(sources=len(sources))
    deadline = time.monotonic() + settings.run_budget
    fresh = [s for s in sources if not (s.inbox and _inbox_known(s, store))]
    summary.counts["inbox-known"] = len(sources) - len(fresh)
    stream = prepared_stream(fresh, settings, scorer, store.feed_state, jobs, deadline)
    warn = on_warning or (lambda source, text: None)
    for number, (source, prepared) in enumerate(stream, 1):
        rejected = False
        if prepared.state is not None:
            store.feed_state[source.location] = prepared.state
        if prepared.error:
            _fail(summary, source.location, prepared.error, on_failure)
            if source.inbox:
                _reject(source, prepared.error, warn)
        elif prepared.not_modified:
            summary.counts["not-modified"] += 1
        elif prepared.result is not None:
            for warning in prepared.result.warnings:
                warn(source.location, warning)
            outcomes = [
                _store_record(record, sig, settings, store, summary,
                              lambda text, where=source.location: warn(where, text))
                for record, sig in zip(prepared.result.records, prepared.signatures, strict=True)
            ]
            if source.inbox and outcomes and set(outcomes) == {"skipped"}:
                _reject(source, "no title or no text could be read from it", warn)
                rejected = True
        if source.inbox and not prepared.error and not rejected:
            _remember_inbox(source, store)
        store.save_if_due()
        if on_progress:
            on_progress(number + summary.counts["inbox-known"], len(sources))
    store.save()
    return summary


def _inbox_key(source: Source) -> str:
    return Path(source.location).relative_to(source.inbox).as_posix()


def _inbox_stamp(source: Source) -> list[int] | None:
    try:
        stat = os.stat(source.location)
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def _inbox_known(source: Source, store: Store) -> bool:
    """True when this inbox file was read before and has not changed since."""
    stamp = _inbox_stamp(source)
    return stamp is not None and store.inbox_seen.get(_inbox_key(source)) == stamp


def _remember_inbox(source: Source, store: Store) -> None:
    stamp = _inbox_stamp(source)
    if stamp is not None:
        store.inbox_seen[_inbox_key(source)] = stamp
        store.save_inbox(soon=True)  # as the run goes: a killed run does not read it again


def _reject(source: Source, reason: str, warn: Callable[[str, str], None]) -> None:
    """Move an unreadable inbox file to inbox/rejected/ with ``<name>.reason.txt`` beside it."""
    path = Path(source.location)
    if not path.exists() and not path.is_symlink():
        return
    folder = Path(source.inbox) / REJECTED
    target = folder / path.name
    number = 2
    while target.exists() or target.is_symlink():
        target = folder / f"{path.stem}-{number}{path.suffix}"
        number += 1
    try:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.move(str(path), str(target))
        atomic_write(target.with_name(target.name + ".reason.txt"), (
            f"newsarchive ingest could not read {_inbox_key(source)} "
            f"({datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}):\n{reason}\n\n"
            "Fix the file and move it back into the inbox to try again.\n"))
    except OSError as err:
        warn(source.location, f"could not move it to {folder}: {err.strerror or err}")
        return
    warn(source.location, f"moved to {target} (reason in {target.name}.reason.txt)")


def _store_record(record: Record, sig: bytes | None, settings: IngestSettings, store: Store,
                  summary: Summary, warn: Callable[[str], None]) -> str:
    """Store one record; return what became of it (new, updated, skipped, off-topic...)."""
    if not record.title or not (record.text or record.summary):
        summary.counts["skipped"] += 1
        missing = "a title" if not record.title else "any text"
        warn(f"skipped {record.url or record.title or 'an item'}: it has no {missing}")
        return "skipped"
    if not is_relevant(record, settings.relevance_threshold):
        summary.counts["off-topic"] += 1
        return "off-topic"
    if record.date_origin == "file" and settings.file_dates == "draft":
        record.status = "draft"  # never on top of the site unnoticed: an editor dates it
    outcome = store.put(record, sig=sig)
    summary.counts[outcome.status] += 1
    if outcome.status in {"new", "updated"}:
        summary.written.append(outcome.key)
    if outcome.status == "new":
        summary.created.append(outcome.key)
    if outcome.status == "refused":
        warn(outcome.reason)
    if outcome.status == "new" and record.date_origin == "file":
        summary.counts["file-dated"] += 1
        summary.counts["file-dated-draft"] += record.status == "draft"
    return outcome.status


def _fail(summary: Summary, source: str, reason: str,
          on_failure: Callable[[str, str], None] | None) -> None:
    summary.failures.append((source, reason))
    if on_failure:
        on_failure(source, reason)
