"""The archive on disk: ``content/articles/YYYY/<slug>.md`` files, written safely.

Article format (the starter archive's, Pelican Markdown metadata then a blank line then the
body)::

    Title: Bangladesh shuts down mobile internet
    Date: 2024-07-18T21:00:00+06:00
    Modified: 2024-07-19T08:00:00+06:00      (only after an update)
    Date-Source: feed                          (where the date was read: text, meta, feed,
                                                file or fetched)
    Status: draft                              (dated by the file's time: held back, see below)
    Source: Prothom Alo
    Source-URL: https://en.prothomalo.com/...
    Summary: ...
    Lang: en
    Slug: bangladesh-shuts-down-mobile-internet
    Authors: ...
    Tags: ...
    Seen-At: https://..., https://...          (other places the same story appeared)
    Guid: ...
    Ingest-Hash: 1f0c...                       (marks a file the ingest wrote and may update)

    <p>Sanitised HTML, one block per paragraph, blocks separated by blank lines.</p>

The body stays HTML: Python-Markdown passes block-level HTML through byte for byte, so what
the sanitiser allowed is exactly what reaches the page, tables and figures included; a
conversion to Markdown would lose structure and add a second parser (that could make links
from text) after the sanitiser. Every header value is one line. The Title is HTML (Pelican's
convention: its feeds and the theme apply ``striptags``), so it is HTML-escaped; the Summary,
which Pelican renders as Markdown, is escaped for HTML and for Markdown; Source, Authors and
Tags are plain text the theme escapes itself (they lose any ``<`` or ``>``).

Identity: an article is its canonical URL, its guid (a short guid only within its outlet) or
near-identical text, never its headline. An item from another outlet that reuses an archived
URL or guid with other text never rewrites the article: it is refused, named once, and
remembered under ``state/`` so later runs stay quiet.

Safety: every write goes to a temporary file in the same folder and is renamed over the
target (``os.replace``), so a killed ingest leaves each file whole; a lock file under
``state/`` keeps two ingests apart. The dedupe index is a cache under ``state/``, rebuilt from
the content files whenever a file's size or mtime changed (the content is the truth).
"""

from __future__ import annotations

import contextlib
import fcntl
import html as htmllib
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import EllipsisType
from typing import Any

from newsarchive.dedupe import DedupeIndex, Entry, signature, url_key
from newsarchive.fileperm import set_ordinary_mode
from newsarchive.normalize import (
    canonical_url,
    clean_line,
    content_hash,
    format_date,
    parse_date,
    unique_slug,
)
from newsarchive.record import Record

INDEX_VERSION = 2
PENDING_SEEN_AT = 500  # articles with Seen-At additions held before they are written
SAVE_EVERY = 200  # index entries written between two saves of the index cache
INBOX_SMALL = 500  # up to this many inbox entries, the inbox index is saved after every file
_HEADER = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*):[ \t]*(.*)$")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]])")
_BLOCK_START = re.compile(r"^(\d*)([#+-]|(?<=\d)\.)")


class LockedError(RuntimeError):
    """Another ingest holds the archive lock."""


@dataclass(frozen=True)
class Outcome:
    """What storing one record did: ``new``, ``updated``, ``duplicate``, ``unchanged`` or
    ``refused`` (another outlet's item under an archived URL or guid; ``reason`` says which)."""

    status: str
    key: str
    reason: str = ""


# --- the file format ------------------------------------------------------------------------


def escape_html_line(value: str) -> str:
    """A metadata value Pelican puts into HTML as is: one line, & < > escaped."""
    return htmllib.escape(clean_line(value), quote=False)


def escape_markdown_line(value: str) -> str:
    """A metadata value Pelican renders as Markdown (the Summary): inert text.

    HTML is escaped; the characters that start inline Markdown are backslash-escaped, and so
    is a first character that would start a block (heading, quote, list, rule).
    """
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", escape_html_line(value))
    return _BLOCK_START.sub(r"\1\\\2", text)


def plain_line(value: str) -> str:
    """A metadata value the theme escapes itself (Source, names): one line, no < or >."""
    return clean_line(value).replace("<", "").replace(">", "")


def _names(values: list[str]) -> str:
    names = [plain_line(v).replace(";", ",") for v in values if plain_line(v)]
    return ("; " if any("," in n for n in names) else ", ").join(names)


# every header render_article may write (an update drops the ones it no longer has)
INGEST_HEADERS = frozenset({
    "title", "date", "modified", "date-source", "status", "source", "source-url", "summary",
    "lang", "slug", "authors", "tags", "seen-at", "guid", "image", "ingest-hash"})


def render_article(record: Record, slug: str, *, seen_at: list[str], modified: datetime | None,
                   body_html: str) -> str:
    """The article file's text for ``record``."""
    assert record.published is not None
    headers: list[tuple[str, str]] = [
        ("Title", escape_html_line(record.title)),
        ("Date", format_date(record.published)),
    ]
    if modified:
        headers.append(("Modified", format_date(modified)))
    origin = record.date_origin or (record.date_source if record.date_estimated else "")
    if origin:
        headers.append(("Date-Source", origin))
    if record.status:
        headers.append(("Status", record.status))
    headers += [
        ("Source", plain_line(record.source_name)),
        ("Source-URL", record.canonical_url or clean_line(record.url)),
        ("Summary", escape_markdown_line(record.summary)),
        ("Lang", record.language),
        ("Slug", slug),
        ("Authors", _names(record.authors)),
        ("Tags", _names(record.tags)),
        ("Seen-At", ", ".join(seen_at)),
        ("Guid", clean_line(record.guid)),
        ("Image", record.image if record.image.startswith("https://") else ""),
        ("Ingest-Hash", record.content_hash),
    ]
    lines = [f"{name}: {clean_line(value)}" for name, value in headers if clean_line(value)]
    return "\n".join(lines) + "\n\n" + body_html.strip() + "\n"


def with_editor_headers(text: str, before: str) -> str:
    """``text`` (an article the ingest rendered) with the headers of ``before`` (the file it
    replaces) that the ingest does not write: what an editor added (``Incident:``,
    ``Not-Entities:``, ``Incident-End:`` ...) survives the source's updates."""
    head, _, body = text.partition("\n\n")
    ours = {m.group(1).lower() for line in head.splitlines() if (m := _HEADER.match(line))}
    ours |= INGEST_HEADERS
    kept = [line for line in before.partition("\n\n")[0].splitlines()
            if (m := _HEADER.match(line)) and m.group(1).lower() not in ours]
    return "\n".join([head, *kept]) + "\n\n" + body if kept else text


def add_header(path: Path, name: str, value: str) -> None:
    """Add (or replace) one header of an article file, atomically; nothing else changes."""
    text = path.read_text(encoding="utf-8")
    head, _, body = text.partition("\n\n")
    lines = [line for line in head.splitlines()
             if not ((m := _HEADER.match(line)) and m.group(1).lower() == name.lower())]
    atomic_write(path, "\n".join([*lines, f"{name}: {clean_line(value)}"]) + "\n\n" + body)


def parse_article(text: str) -> tuple[dict[str, str], str]:
    """(headers with lower-case names, body) of an article file."""
    headers: dict[str, str] = {}
    head, _, body = text.partition("\n\n")
    for line in head.splitlines():
        match = _HEADER.match(line)
        if match:
            headers.setdefault(match.group(1).lower(), match.group(2).strip())
    return headers, body


def _body_text(body: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", body))


def _split_urls(value: str) -> list[str]:
    return [u for u in re.split(r"[,\s]+", value) if u.startswith(("http://", "https://"))]


def entry_from_file(key: str, text: str) -> Entry:
    """What the dedupe index keeps of one article file."""
    headers, body = parse_article(text)
    title = htmllib.unescape(headers.get("title", ""))
    source_url = headers.get("source-url", "")
    urls = [canonical_url(source_url) or source_url] if source_url else []
    urls += [canonical_url(u) or u for u in _split_urls(headers.get("seen-at", ""))]
    body_text = _body_text(body)
    return Entry(
        key=key,
        slug=headers.get("slug") or Path(key).stem,
        urls=[u for u in dict.fromkeys(urls) if u],
        guid=headers.get("guid", ""),
        source_name=headers.get("source", ""),
        content_hash=headers.get("ingest-hash") or content_hash(title, body_text.strip()),
        title=title,
        date=parse_date(headers.get("date")),
        sig=signature(body_text),
    )


def atomic_write(path: Path, text: str, *, fsync: bool = False) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename.

    The rename makes the write atomic for any reader and against a killed process: the file
    is either the old one or the new one, whole. ``fsync`` adds durability against a power
    cut (at a few milliseconds per file); the ingest leaves it off by default because the
    archive is committed to git after a run and a lost new file is simply ingested again.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        set_ordinary_mode(handle)  # 0644 under the usual umask, not mkstemp's 0600
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            if fsync:
                out.flush()
                os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


# --- the store ------------------------------------------------------------------------------


class Store:
    """The archive folder plus its lock, dedupe index and feed state (use as a context)."""

    def __init__(self, content: Path, state: Path, *, fsync: bool = False) -> None:
        self.fsync = fsync
        self.content = Path(content)
        self.articles = self.content / "articles"
        self.state = Path(state)
        self.index = DedupeIndex()
        self.feed_state: dict[str, dict[str, str]] = {}
        self._lock_handle: Any = None
        self._files: dict[str, dict[str, Any]] = {}
        self._pending_seen: dict[str, list[str]] = {}
        self._dirty = False
        self._writes_since_save = 0
        self.refused: set[str] = set()  # other outlets' items already refused (key|outlet|hash)
        self.inbox_seen: dict[str, list[int]] = {}  # inbox file -> [size, mtime_ns] read
        self._inbox_saved_at = 0.0

    # lifecycle
    def __enter__(self) -> Store:
        self.state.mkdir(parents=True, exist_ok=True)
        handle = open(self.state / "ingest.lock", "a+")  # held until __exit__
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise LockedError(
                f"another ingest is running (lock held on {self.state / 'ingest.lock'})"
            ) from None
        self._lock_handle = handle
        self._remove_stale_temps()
        self._load_index()
        self.feed_state = self._read_json(self.state / "feeds.json").get("feeds", {})
        self.refused = set(self._read_json(self.state / "refused.json").get("refused", []))
        self.inbox_seen = self._read_json(self.state / "inbox.json").get("files", {})
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.save()
        finally:
            fcntl.flock(self._lock_handle, fcntl.LOCK_UN)
            self._lock_handle.close()

    def save(self) -> None:
        """Write pending Seen-At headers, the index cache and the feed state (atomically)."""
        self.flush_seen_at()
        if self._dirty:
            atomic_write(self.state / "archive-index.json",
                         json.dumps({"version": INDEX_VERSION, "files": self._files},
                                    separators=(",", ":")))
            self._dirty = False
        atomic_write(self.state / "feeds.json",
                     json.dumps({"feeds": self.feed_state}, indent=1, sort_keys=True))
        atomic_write(self.state / "refused.json",
                     json.dumps({"refused": sorted(self.refused)}, indent=0))
        self.save_inbox()
        self._writes_since_save = 0

    def save_inbox(self, *, soon: bool = False) -> None:
        """Write the inbox index: which inbox files were read. ``soon``: as the run goes, after
        each file while the index is small, then at most once a second (a big inbox does not
        rewrite it thousands of times)."""
        if soon and len(self.inbox_seen) > INBOX_SMALL and (
                time.monotonic() - self._inbox_saved_at < 1.0):
            return
        atomic_write(self.state / "inbox.json",
                     json.dumps({"files": self.inbox_seen}, indent=0, sort_keys=True))
        self._inbox_saved_at = time.monotonic()

    def save_if_due(self) -> None:
        """Save the index cache every ``SAVE_EVERY`` writes, so a killed run re-reads little."""
        if self._writes_since_save >= SAVE_EVERY:
            self.save()

    def _remove_stale_temps(self) -> None:
        if self.articles.exists():
            for temp in self.articles.glob("*/.*.md.*.tmp"):
                with contextlib.suppress(OSError):
                    temp.unlink()

    @staticmethod
    def _read_json(path: Path) -> dict[str, Any]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _load_index(self) -> None:
        """Index every article file, reusing the cached entry of files that did not change."""
        cache = self._read_json(self.state / "archive-index.json")
        cached = cache.get("files", {}) if cache.get("version") == INDEX_VERSION else {}
        current: dict[str, dict[str, Any]] = {}
        if self.articles.exists():
            for path in sorted(self.articles.rglob("*.md")):
                key = path.relative_to(self.content).as_posix()
                stat = path.stat()
                item = cached.get(key)
                if item and item.get("mtime_ns") == stat.st_mtime_ns and (
                    item.get("size") == stat.st_size
                ):
                    current[key] = item
                    continue
                try:
                    entry = entry_from_file(key, path.read_text(encoding="utf-8"))
                except (OSError, UnicodeDecodeError):
                    continue
                current[key] = self._cache_item(entry, stat.st_mtime_ns, stat.st_size)
                self._dirty = True
        if set(current) != set(cached):
            self._dirty = True
        self._files = current
        for key, item in current.items():
            self.index.add(self._entry(key, item))

    @staticmethod
    def _cache_item(entry: Entry, mtime_ns: int, size: int) -> dict[str, Any]:
        return {
            "slug": entry.slug, "urls": list(entry.urls), "guid": entry.guid,
            "source_name": entry.source_name, "content_hash": entry.content_hash,
            "title": entry.title, "date": format_date(entry.date) if entry.date else "",
            "sig": entry.sig.hex() if entry.sig else None, "mtime_ns": mtime_ns, "size": size,
        }

    @staticmethod
    def _entry(key: str, item: dict[str, Any]) -> Entry:
        return Entry(key=key, slug=item["slug"], urls=list(item.get("urls") or []),
                     guid=item.get("guid", ""), source_name=item.get("source_name", ""),
                     content_hash=item.get("content_hash", ""), title=item.get("title", ""),
                     date=parse_date(item.get("date")),
                     sig=bytes.fromhex(item["sig"]) if item.get("sig") else None)

    # writing
    def _write(self, key: str, text: str, entry: Entry) -> None:
        path = self.content / key
        atomic_write(path, text, fsync=self.fsync)
        stat = path.stat()
        entry.key = key
        self.index.add(entry)
        self._files[key] = self._cache_item(entry, stat.st_mtime_ns, stat.st_size)
        self._dirty = True
        self._writes_since_save += 1

    def put(self, record: Record, *, now: datetime | None = None,
            sig: bytes | EllipsisType | None = ...) -> Outcome:
        """Store ``record``: a new article, an update, or one more place a story was seen.

        ``sig`` is the record text's MinHash signature when the caller has it already.
        """
        now = (now or datetime.now(UTC)).replace(microsecond=0)
        if record.published is None:
            record.published, record.date_estimated, record.date_source = now, True, "fetched"
            record.date_origin = "fetched"
        urls = [u for u in dict.fromkeys([record.canonical_url, canonical_url(record.url)]) if u]
        if sig is ...:
            sig = signature(record.text)
        match = self.index.match(urls=urls, guid=record.guid, source_name=record.source_name,
                                 content_hash=record.content_hash, sig=sig)
        if match is None:
            return self._create(record, urls, sig)
        entry = self.index.entries[match.key]
        known = {url_key(u) for u in entry.urls}
        new_urls = [u for u in urls if url_key(u) not in known]
        same_item = match.reason == "guid" or (
            match.reason == "url" and bool(entry.urls)
            and url_key(entry.urls[0]) in {url_key(u) for u in urls}
        )  # a URL from Seen-At is another copy, never the article's own source
        if same_item and entry.content_hash != record.content_hash:
            return self._update(record, entry, new_urls, sig, now, match.reason)
        if new_urls:
            self._add_seen_at(entry, new_urls)
            return Outcome("duplicate", entry.key, match.reason)
        return Outcome("unchanged", entry.key, match.reason)

    def _refuse(self, record: Record, entry: Entry, reason: str) -> Outcome:
        """Another outlet's item under this article's URL or guid: never rewrite the article."""
        mark = "|".join([entry.key, plain_line(record.source_name), record.content_hash])
        if mark in self.refused:
            return Outcome("unchanged", entry.key, "refused before")
        self.refused.add(mark)
        what = "URL" if reason == "url" else "guid"
        archived = entry.source_name or "another source"
        incoming = plain_line(record.source_name) or "another source"
        return Outcome("refused", entry.key, (
            f"refused: its {what} belongs to {entry.key} from {archived}; this item from "
            f"{incoming} has other text, so the archived article is kept as it is"))

    def _create(self, record: Record, urls: list[str], sig: bytes | None) -> Outcome:
        assert record.published is not None
        year = f"{record.published.year:04d}"

        def taken(slug: str) -> bool:
            return self.index.slug_taken(slug) or (self.articles / year / f"{slug}.md").exists()

        slug = unique_slug(record.title, urls[0] if urls else record.guid or record.content_hash,
                           taken)
        key = f"articles/{year}/{slug}.md"
        text = render_article(record, slug, seen_at=urls[1:], modified=None,
                              body_html=record.html or _summary_body(record))
        entry = Entry(key=key, slug=slug, urls=urls, guid=record.guid,
                      source_name=record.source_name, content_hash=record.content_hash,
                      title=record.title, date=record.published, sig=sig)
        self._write(key, text, entry)
        return Outcome("new", key)

    def _update(self, record: Record, entry: Entry, new_urls: list[str],
                sig: bytes | None, now: datetime, reason: str) -> Outcome:
        path = self.content / entry.key
        before = path.read_text(encoding="utf-8")
        headers, _ = parse_article(before)
        if "ingest-hash" not in headers:  # written by hand: the ingest never overwrites it
            if new_urls:
                self._add_seen_at(entry, new_urls)
                return Outcome("duplicate", entry.key, "hand-written article kept")
            return Outcome("unchanged", entry.key, "hand-written article kept")
        if not _same_outlet(entry.source_name, record.source_name):
            return self._refuse(record, entry, reason)
        self._pending_seen.pop(entry.key, None)  # entry.urls holds them: written below
        published = parse_date(headers.get("date")) or record.published
        modified = record.updated if record.updated and published and (
            record.updated > published) else now
        record.published = published
        if headers.get("date-source") and record.date_source == "item":
            record.date_estimated, record.date_source = True, headers["date-source"]
        own = url_key(record.canonical_url)
        seen = [u for u in dict.fromkeys(entry.urls + new_urls) if url_key(u) != own]
        text = with_editor_headers(
            render_article(record, entry.slug, seen_at=seen, modified=modified,
                           body_html=record.html or _summary_body(record)), before)
        updated = Entry(key=entry.key, slug=entry.slug,
                        urls=[u for u in dict.fromkeys([record.canonical_url, *seen]) if u],
                        guid=record.guid or entry.guid, source_name=record.source_name,
                        content_hash=record.content_hash, title=record.title,
                        date=published, sig=sig)
        self._write(entry.key, text, updated)
        return Outcome("updated", entry.key)

    def _add_seen_at(self, entry: Entry, new_urls: list[str]) -> None:
        """Note more places an article was seen; the file is rewritten once, at the next flush
        (a run killed before it just finds the same copies again next time)."""
        for url in new_urls:
            self.index.add_url(entry.key, url)
        self._pending_seen.setdefault(entry.key, []).extend(new_urls)
        if len(self._pending_seen) >= PENDING_SEEN_AT:
            self.flush_seen_at()

    def flush_seen_at(self) -> None:
        """Write pending Seen-At additions, touching only that header of each file."""
        pending, self._pending_seen = self._pending_seen, {}
        for key, new_urls in pending.items():
            entry = self.index.entries.get(key)
            path = self.content / key
            if entry is None or not path.exists():
                continue
            text = path.read_text(encoding="utf-8")
            head, sep, body = text.partition("\n\n")
            lines = head.split("\n")
            existing = next((i for i, line in enumerate(lines)
                             if line.lower().startswith("seen-at:")), None)
            urls = _split_urls(lines[existing].split(":", 1)[1]) if existing is not None else []
            line = "Seen-At: " + ", ".join(dict.fromkeys(urls + new_urls))
            if existing is None:
                at = next((i for i, ln in enumerate(lines)
                           if ln.lower().startswith(("guid:", "image:", "ingest-hash:"))),
                          len(lines))
                lines.insert(at, line)
            else:
                lines[existing] = line
            self._write(key, "\n".join(lines) + sep + body, entry)


def _same_outlet(archived: str, incoming: str) -> bool:
    """True when the archived article's Source is the incoming item's outlet."""
    return plain_line(archived).casefold() == plain_line(incoming).casefold()


def _summary_body(record: Record) -> str:
    summary = htmllib.escape(record.summary or record.title, quote=False)
    return f"<p>{summary}</p>"
