"""Source readers: every kind of source becomes a list of Records (see ``read_bytes``)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from newsarchive.settings import MAX_BYTES, FeedConfig
from newsarchive.sources.base import SourceError, SourceResult
from newsarchive.sources.detect import sniff

__all__ = ["SourceError", "SourceResult", "read_bytes", "read_path"]


def read_bytes(
    data: bytes,
    source: str,
    config: FeedConfig | None = None,
    *,
    location: str = "",
    headers: dict[str, str] | None = None,
    mtime: datetime | None = None,
    name: str = "",
    max_body_bytes: int | None = None,
) -> SourceResult:
    """Tell the kind of ``data`` from its content and read it; SourceError when unreadable.

    ``max_body_bytes`` caps a saved article's body (text and Markdown files as they are, web
    pages once the article is extracted): a bigger one is refused with its size.
    """
    kind = sniff(data, name or source)
    if max_body_bytes and kind in {"text", "markdown"} and len(data) > max_body_bytes:
        raise SourceError(_too_large(len(data), max_body_bytes))
    if kind == "feed":
        from newsarchive.sources.feeds import read_feed

        return read_feed(data, source, config, location=location, headers=headers)
    if kind in {"jsonfeed", "json"}:
        from newsarchive.sources.jsonfeed import read_jsonfeed

        return read_jsonfeed(data, source, config, location=location)
    if kind in {"html", "text", "markdown"}:
        from newsarchive.sources import saved

        reader = {"html": saved.read_html, "text": saved.read_text,
                  "markdown": saved.read_markdown}[kind]
        result = reader(data, source, config, location=location, mtime=mtime)
        size = max((len(r.html.encode("utf-8")) for r in result.records), default=0)
        if max_body_bytes and size > max_body_bytes:
            raise SourceError(_too_large(size, max_body_bytes))
        return result
    if kind == "empty":
        raise SourceError("empty file")
    raise SourceError("binary file: not a feed, a web page or text")


def _too_large(size: int, limit: int) -> str:
    return (f"body too large: {size:,} bytes (limit {limit:,}, max_body_bytes in feeds.toml); "
            "split the article or raise the limit")


def read_path(path: Path, config: FeedConfig | None = None, *,
              max_bytes: int = MAX_BYTES, max_body_bytes: int | None = None) -> SourceResult:
    """Read one file (at most ``max_bytes``); its mtime dates items that have no date."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SourceError(f"too large: {size:,} bytes (limit {max_bytes:,})")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
        mtime = datetime.fromtimestamp(os.stat(path).st_mtime, UTC).replace(microsecond=0)
    except OSError as err:
        raise SourceError(f"cannot read: {err.strerror or err}") from err
    if len(data) > max_bytes:
        raise SourceError(f"too large: over {max_bytes:,} bytes")
    return read_bytes(data, str(path), config, mtime=mtime, name=path.name,
                      max_body_bytes=max_body_bytes)
