"""``feeds.toml``: the subscriptions and the ingest settings, read and validated in one place.

```toml
[settings]
relevance_threshold = 0.35   # 0..1; items below it are left out as off-topic
inbox = "inbox"              # saved articles waiting to be ingested
content = "content"          # the archive; articles go to content/articles/YYYY/
state = "state"              # feed ETags and the dedupe cache (git-ignored)
timeout = 30                 # wall-clock seconds per fetch, redirects included
run_budget = 600             # wall-clock seconds for every fetch of a run together
fetchers = 8                 # feeds fetched at the same time
max_bytes = 10_000_000       # size cap per source
max_body_bytes = 2_000_000   # size cap for the body of a saved (hand-written) article
file_dates = "draft"         # an article dated by its file's time: "draft" (held back) or "publish"
fsync = false                # fsync every article written (durable against power cuts)
jobs = 1                     # processes reading and scoring sources (>1: forked workers)

[[feed]]
name = "Example Outlet"
url = "https://example.org/feed.xml"    # or: path = "feeds/x.xml" (inside this folder)
language = "en"
tags = ["shutdowns"]
always_relevant = false
allow_private = false   # true: the feed may live on a loopback/private address (tests, intranets)
```
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_THRESHOLD = 0.35
MAX_BYTES = 10 * 1024 * 1024
MAX_BODY_BYTES = 2_000_000
FILE_DATES = ("draft", "publish")


def default_jobs() -> int:
    """One process. Workers pay for pickling every record back (about 40% more CPU in all),
    so they only win on idle cores: ask for them (``jobs``, ``--jobs``) for big backfills."""
    return 1


class SettingsError(ValueError):
    """feeds.toml is unreadable or holds a value of the wrong kind (a usage error)."""


@dataclass(frozen=True)
class FeedConfig:
    """One subscription, or the defaults for a source given on the command line."""

    location: str = ""  # URL or path
    name: str = ""
    language: str = ""
    tags: tuple[str, ...] = ()
    always_relevant: bool = False
    allow_private: bool = False  # may be fetched from loopback/private/link-local addresses


@dataclass
class IngestSettings:
    """Everything the ingest needs besides its sources."""

    root: Path = field(default_factory=Path.cwd)
    feeds: list[FeedConfig] = field(default_factory=list)
    relevance_threshold: float = DEFAULT_THRESHOLD
    inbox: Path = Path("inbox")
    content: Path = Path("content")
    state: Path = Path("state")
    timeout: float = 30.0  # wall-clock deadline per fetch
    run_budget: float = 600.0  # wall-clock seconds for all the run's fetches
    fetchers: int = 8  # feeds fetched at the same time
    max_bytes: int = MAX_BYTES
    max_body_bytes: int = MAX_BODY_BYTES
    file_dates: str = "draft"
    fsync: bool = False
    jobs: int = field(default_factory=lambda: default_jobs())


def _expect(value: object, kind: type | tuple[type, ...], where: str) -> object:
    if not isinstance(value, kind) or (isinstance(value, bool) and kind in (int, float)):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise SettingsError(f"{where} must be {names}, not {value!r}")
    return value


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SettingsError(f"{where} must be a number, not {value!r}")
    return float(value)


def load_settings(path: Path | None) -> IngestSettings:
    """Read ``path`` (feeds.toml); a missing file gives the defaults and no feeds."""
    if path is None or not path.exists():
        root = path.parent if path is not None else Path.cwd()
        return _resolve(IngestSettings(root=root.resolve()))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise SettingsError(f"{path}: {err}") from err
    settings = IngestSettings(root=path.parent.resolve())
    table = _expect(data.get("settings", {}), dict, "[settings]")
    assert isinstance(table, dict)
    known = {"relevance_threshold", "inbox", "content", "state", "timeout", "max_bytes", "fsync",
             "jobs", "run_budget", "fetchers", "max_body_bytes", "file_dates"}
    unknown = set(table) - known
    if unknown:
        raise SettingsError(f"{path}: unknown [settings] key(s): {', '.join(sorted(unknown))}")
    if "relevance_threshold" in table:
        threshold = _number(table["relevance_threshold"], "relevance_threshold")
        if not 0 <= threshold <= 1:
            raise SettingsError(f"{path}: relevance_threshold must be between 0 and 1")
        settings.relevance_threshold = threshold
    for key in ("inbox", "content", "state"):
        if key in table:
            setattr(settings, key, Path(str(_expect(table[key], str, key))))
    for key in ("timeout", "run_budget"):
        if key in table:
            value = _number(table[key], key)
            if value <= 0:
                raise SettingsError(f"{path}: {key} must be more than 0")
            setattr(settings, key, value)
    for key in ("max_bytes", "max_body_bytes", "fetchers"):
        if key in table:
            number = int(_number(table[key], key))
            if number < 1:
                raise SettingsError(f"{path}: {key} must be at least 1")
            setattr(settings, key, number)
    if "file_dates" in table:
        settings.file_dates = str(_expect(table["file_dates"], str, "file_dates"))
        if settings.file_dates not in FILE_DATES:
            raise SettingsError(f"{path}: file_dates must be one of {', '.join(FILE_DATES)}")
    if "jobs" in table:
        settings.jobs = int(_number(table["jobs"], "jobs"))
        if settings.jobs < 1:
            raise SettingsError(f"{path}: jobs must be at least 1")
    if "fsync" in table:
        settings.fsync = bool(_expect(table["fsync"], bool, "fsync"))
    entries = _expect(data.get("feed", []), list, "[[feed]]")
    for number, entry in enumerate(entries, 1):  # type: ignore[arg-type]
        settings.feeds.append(_feed(entry, f"{path}: feed #{number}"))
    return _resolve(settings)


def _feed(entry: object, where: str) -> FeedConfig:
    _expect(entry, dict, where)
    assert isinstance(entry, dict)
    unknown = set(entry) - {"url", "path", "name", "language", "tags", "always_relevant",
                            "allow_private"}
    if unknown:
        raise SettingsError(f"{where}: unknown key(s): {', '.join(sorted(unknown))}")
    if ("url" in entry) == ("path" in entry):
        raise SettingsError(f"{where}: give exactly one of url or path")
    location = str(_expect(entry.get("url") or entry.get("path"), str, f"{where} url/path"))
    if "url" in entry and not location.lower().startswith(("http://", "https://")):
        raise SettingsError(f"{where}: url must be an http(s) URL, not {location[:80]!r} "
                            "(a file is given as path = ...)")
    tags = _expect(entry.get("tags", []), list, f"{where} tags")
    return FeedConfig(
        location=location,
        name=str(_expect(entry.get("name", ""), str, f"{where} name")),
        language=str(_expect(entry.get("language", ""), str, f"{where} language")),
        tags=tuple(str(_expect(t, str, f"{where} tag")) for t in tags),  # type: ignore[union-attr]
        always_relevant=bool(_expect(entry.get("always_relevant", False), bool, where)),
        allow_private=bool(_expect(entry.get("allow_private", False), bool, where)),
    )


def _resolve(settings: IngestSettings) -> IngestSettings:
    """Relative folders and feed paths are relative to feeds.toml's folder."""
    for key in ("inbox", "content", "state"):
        value: Path = getattr(settings, key)
        if not value.is_absolute():
            setattr(settings, key, settings.root / value)
    resolved = []
    for feed in settings.feeds:
        location = feed.location
        if "://" not in location and not Path(location).is_absolute():
            location = str(settings.root / location)
        resolved.append(replace(feed, location=location))
    settings.feeds = resolved
    return settings
