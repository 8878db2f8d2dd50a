"""``newsarchive ingest [SOURCE ...]``: feeds and saved articles into content/articles/.

Without SOURCE it reads feeds.toml's subscriptions and every file in the inbox. A SOURCE is a
feed URL, a feed file, a saved article, or a folder of them; kinds are told from content.
Exit status: 0 every source was read, 1 some failed (the rest were ingested), 2 usage error,
3 another ingest holds the lock (nothing was done: never a partial success).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from newsarchive.pipeline import configured_sources, expand_sources, ingest
from newsarchive.relevance import load_scorer
from newsarchive.settings import FeedConfig, IngestSettings, SettingsError, load_settings
from newsarchive.store import LockedError, Store

PROGRESS_MIN_SOURCES = 5
EXIT_LOCKED = 3  # not 1: `make ingest INGEST_ALLOW_PARTIAL=1` must not call it a success


def threshold(value: str) -> float:
    """argparse type: a number between 0 and 1."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return number


def positive(value: str) -> int:
    """argparse type: a whole number of at least 1."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def add_common(parser: argparse.ArgumentParser) -> None:
    """Options shared by ingest and inspect."""
    parser.add_argument("sources", nargs="*", metavar="SOURCE",
                        help="feed URL, feed file, saved article, or a folder of them")
    parser.add_argument("--config", default="feeds.toml", type=Path,
                        help="subscriptions and settings (default: feeds.toml)")
    parser.add_argument("--threshold", type=threshold, default=None,
                        help="relevance threshold 0..1 (default: feeds.toml, else 0.35)")
    parser.add_argument("--scorer", choices=("auto", "tagger", "keywords"), default="auto",
                        help="relevance from the entity tagger or the keyword list "
                             "(default: the tagger when available)")
    parser.add_argument("--language", default="", help="language of SOURCEs that name none")
    parser.add_argument("--always-relevant", action="store_true",
                        help="keep every item of the given SOURCEs, whatever its relevance")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``ingest`` command."""
    parser = subparsers.add_parser(
        "ingest", help="ingest feeds and saved articles into the archive",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common(parser)
    parser.add_argument("--content", type=Path, default=None,
                        help="archive folder (default: feeds.toml, else content/)")
    parser.add_argument("--state", type=Path, default=None,
                        help="feed state and dedupe cache (default: feeds.toml, else state/)")
    parser.add_argument("--inbox", type=Path, default=None,
                        help="saved articles folder (default: feeds.toml, else inbox/)")
    parser.add_argument("--jobs", "-j", type=positive, default=None,
                        help="processes reading and scoring sources; more than 1 helps on idle "
                             "cores (default: feeds.toml, else 1)")
    parser.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    parser.add_argument("--quiet", "-q", action="store_true", help="print only failures")
    parser.set_defaults(func=run)


def settings_from(args: argparse.Namespace) -> IngestSettings:
    """feeds.toml with the command-line overrides applied (SettingsError on bad input)."""
    settings = load_settings(args.config if args.config.exists() or args.config != Path(
        "feeds.toml") else None)
    if not args.config.exists() and args.config != Path("feeds.toml"):
        raise SettingsError(f"{args.config}: no such file")
    if args.threshold is not None:
        settings.relevance_threshold = args.threshold
    for name in ("content", "state", "inbox"):
        value = getattr(args, name, None)
        if value is not None:
            setattr(settings, name, value.resolve())
    return settings


class Progress:
    """A one-line progress bar on a terminal's stderr."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.shown = False

    def update(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        width = 30
        filled = int(width * done / total) if total else width
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} sources")
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def quiet_gazetteer_warnings() -> None:
    """Gazetteer data warnings belong to ``newsarchive tag``/the build, not to every ingest."""
    for name in ("newsarchive.entities", "newsarchive.tagger"):
        logging.getLogger(name).setLevel(logging.ERROR)


def run(args: argparse.Namespace) -> int:
    """Ingest and print the summary line."""
    try:
        settings = settings_from(args)
    except SettingsError as err:
        print(f"newsarchive ingest: {err}", file=sys.stderr)
        return 2
    if args.sources:
        defaults = FeedConfig(language=args.language, always_relevant=args.always_relevant)
        sources = expand_sources(args.sources, defaults)
    else:
        sources = configured_sources(settings)
    progress = Progress(not args.no_progress and sys.stderr.isatty()
                        and len(sources) >= PROGRESS_MIN_SOURCES)

    def on_failure(source: str, reason: str) -> None:
        progress.clear()
        print(f"newsarchive ingest: {source}: {reason}", file=sys.stderr)

    def on_warning(source: str, warning: str) -> None:
        if not args.quiet:
            progress.clear()
            print(f"newsarchive ingest: {source}: warning: {warning}", file=sys.stderr)

    quiet_gazetteer_warnings()
    scorer = load_scorer(args.scorer)
    try:
        with Store(settings.content, settings.state, fsync=settings.fsync) as store:
            summary = ingest(sources, settings, scorer, store, jobs=args.jobs or settings.jobs,
                             on_failure=on_failure,
                             on_warning=on_warning, on_progress=progress.update)
    except LockedError as err:
        print(f"newsarchive ingest: {err}", file=sys.stderr)
        return EXIT_LOCKED
    progress.clear()
    if not args.quiet or summary.failures:
        print(f"ingest: {summary.line()} (relevance by {scorer.name}, "
              f"threshold {settings.relevance_threshold:g})")
    if summary.written:
        report_incidents(summary.written, settings.content, quiet=args.quiet,
                         created=summary.created)
    return 1 if summary.failures else 0


def report_incidents(keys: list[str], content: Path, quiet: bool = False,
                     created: list[str] | None = None) -> None:
    """Say which incident each new or updated article joins, as the next build will group it
    (the whole archive is read and tagged again; a failure here is only a warning). A new
    report (of ``created``) dated before an incident's earliest one gets ``Incident: <id>``,
    so the incident keeps its id and URL."""
    from newsarchive.incidents.inputs import incidents_for_files
    from newsarchive.store import add_header

    paths = [Path(content) / key for key in keys]
    try:
        joined = incidents_for_files(paths, content, created=[
            Path(content) / key for key in (keys if created is None else created)])
        for path, incident_id in joined.keep.items():
            add_header(path, "Incident", incident_id)
    except Exception as err:  # grouping is advice here: it never fails the ingest
        print(f"newsarchive ingest: warning: could not group the new articles: {err}",
              file=sys.stderr)
        return
    if quiet:
        return
    for path in paths:
        incident = joined.incidents.get(path)
        where = path.relative_to(content).as_posix()
        if incident is None:
            print(f"incident: {where}: no incident (reports none, or none yet)")
        else:
            kept = " (Incident: written so it keeps its id)" if path in joined.keep else ""
            print(f"incident: {where}: joins {incident.id} ({len(incident.articles)} "
                  f"reports){kept}")
