"""Content guard: no content file breaks, replaces or silently leaves the site.

- A content file larger than ``CONTENT_MAX_BYTES`` (default 2 MB) is refused before it is
  parsed (a 50 MB hand-written body would cost gigabytes in Markdown and the tagger).
- A content file Pelican cannot read is named on one line with its reason (Pelican itself
  logs "Could not process" without one unless DEBUG is on).
- An article or page whose slug would write outside its folder, onto a site page (the search
  page, the home page...) or onto another article's file is left out, with one line naming both
  files; the first by source path keeps the URL. The build goes on.
- With ``CI=true`` or ``STRICT=1`` in the environment, any of these fails the build (exit 1,
  after the list); locally they are warnings.

Lines go to stderr unwrapped (``newsarchive build: FILE: reason``), so each stays one line.
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
import sys
from collections.abc import Iterable
from typing import Any

from pelican import signals

DEFAULT_MAX_BYTES = 2_000_000
SAFE_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")
ARTICLE_LISTS = ("articles", "translations", "hidden_articles", "hidden_translations",
                 "drafts", "drafts_translations")
PAGE_LISTS = ("pages", "translations", "hidden_pages", "hidden_translations", "draft_pages",
              "draft_translations")


class ContentTooLarge(ValueError):
    """A content file over CONTENT_MAX_BYTES."""


class _Problems(logging.Handler):
    """Collects the build's content errors; names unreadable files with their reason."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == "Could not process %s" and record.args:
            # Pelican logs this inside its except block: the exception is the current one
            self.report(str(record.args[0]), describe(sys.exc_info()[1]))
        elif record.name.startswith("pelican") and record.levelno >= logging.ERROR:
            self.lines.append(record.getMessage())

    def report(self, path: str, reason: str) -> None:
        line = f"{shown(path)}: {reason}"
        self.lines.append(line)
        print(f"newsarchive build: {line}", file=sys.stderr, flush=True)


PROBLEMS = _Problems()


def shown(path: str) -> str:
    """A path relative to the working folder when it is inside it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def describe(error: BaseException | None) -> str:
    """One line saying why a content file could not be read."""
    if error is None:
        return "cannot be read (no reason given)"
    if isinstance(error, UnicodeDecodeError):
        byte = error.object[error.start:error.start + 1].hex()
        return (f"cannot be read: not UTF-8 text (byte 0x{byte} at position {error.start}); "
                "save it as UTF-8")
    if isinstance(error, ContentTooLarge):
        return f"refused: {error}"
    text = " ".join(str(error).split()) or type(error).__name__
    return f"cannot be read: {type(error).__name__}: {text}"


def strict() -> bool:
    """True in CI (CI=true) or when STRICT=1: content errors fail the build."""
    def on(name: str) -> bool:
        return os.environ.get(name, "").strip().lower() in {"1", "true", "yes"}
    return on("CI") or on("STRICT")


def guard_size(readers: Any) -> None:
    """Make every reader refuse an oversized file before it parses it (the readers are
    created from ``reader_classes`` right after this signal)."""
    limit = int(readers.settings.get("CONTENT_MAX_BYTES", DEFAULT_MAX_BYTES))
    for ext, cls in list(readers.reader_classes.items()):
        if cls and not getattr(cls, "size_limit", None):
            readers.reader_classes[ext] = _capped(cls, limit)


def _capped(cls: type, limit: int) -> type:
    class Capped(cls):  # type: ignore[misc, valid-type]
        size_limit = limit

        def read(self, path: str) -> Any:
            size = os.path.getsize(path)
            if size > limit:
                raise ContentTooLarge(
                    f"too large: {size:,} bytes (limit {limit:,}, CONTENT_MAX_BYTES); split it "
                    "or raise the limit")
            return super().read(path)

    Capped.__name__ = Capped.__qualname__ = cls.__name__
    return Capped


def reserved_outputs(settings: dict[str, Any]) -> dict[str, str]:
    """Files the site itself writes (home, search, tags ... pages): output path -> name."""
    reserved = {"index.html": "the home page"}
    for template in settings.get("DIRECT_TEMPLATES", ()):
        save_as = settings.get(f"{template.upper()}_SAVE_AS", f"{template}.html")
        if save_as:
            reserved[posixpath.normpath(save_as)] = f"the site's {template} page"
    return reserved


def check(items: Iterable[Any], settings: dict[str, Any]) -> set[int]:
    """The ids of the contents to leave out (each reported with the file it clashes with)."""
    reserved = reserved_outputs(settings)
    owners: dict[str, str] = {}
    refused: set[int] = set()
    for item in sorted(items, key=lambda c: str(c.source_path)):
        slug = str(getattr(item, "slug", "") or "")
        save_as = str(getattr(item, "save_as", "") or "").replace("\\", "/")
        target = posixpath.normpath(save_as) if save_as else ""
        reason = ""
        if not SAFE_SLUG.match(slug):
            where = f"{target} ({reserved[target]})" if target in reserved else target
            reason = (f"refused: slug {slug!r} is not a plain slug (letters, digits, '-', '.', "
                      f"'_'); it would write {where or 'nowhere'}")
        elif target in reserved:
            reason = f"refused: slug {slug!r} would replace {target} ({reserved[target]})"
        elif target.startswith("..") or target != save_as.lstrip("/"):
            reason = f"refused: slug {slug!r} would write {target}, outside its folder"
        elif target in owners:
            reason = (f"refused: slug {slug!r} is taken by {owners[target]}, which already "
                      f"writes {target}")
        if reason:
            refused.add(id(item))
            PROBLEMS.report(str(item.source_path), reason)
        elif target:
            owners[target] = shown(str(item.source_path))
    return refused


def _drop(generator: Any, names: tuple[str, ...], refused: set[int]) -> None:
    for name in names:
        values = getattr(generator, name, None)
        if isinstance(values, list):
            setattr(generator, name, [c for c in values if id(c) not in refused])


def check_articles(generator: Any) -> None:
    """Before tags and categories are built, leave out articles that would clash."""
    items = [c for name in ARTICLE_LISTS for c in getattr(generator, name, None) or []]
    refused = check(items, generator.settings)
    if refused:
        _drop(generator, ARTICLE_LISTS, refused)
        for article in generator.articles + generator.translations:
            article.translations = [t for t in getattr(article, "translations", [])
                                    if id(t) not in refused]


def check_pages(generator: Any) -> None:
    """Leave out pages that would clash (pages have no lists to rebuild)."""
    items = [c for name in PAGE_LISTS for c in getattr(generator, name, None) or []]
    refused = check(items, generator.settings)
    if refused:
        _drop(generator, PAGE_LISTS, refused)
        generator._update_context(("pages", "hidden_pages", "draft_pages"))


def finish(pelican: Any) -> None:
    """Sum up; fail in CI or with STRICT=1."""
    count = len(PROBLEMS.lines)
    if not count:
        return
    if strict():
        print(f"newsarchive build: {count} content error(s) (listed above); failing because "
              "CI or STRICT is set", file=sys.stderr, flush=True)
        raise SystemExit(1)
    print(f"newsarchive build: warning: {count} content problem(s) (listed above) left out of "
          "the site; CI=true or STRICT=1 makes this fatal", file=sys.stderr, flush=True)


def start(pelican: Any) -> None:
    PROBLEMS.lines.clear()
    logger = logging.getLogger("pelican")
    if PROBLEMS not in logger.handlers:
        logger.addHandler(PROBLEMS)


def register() -> None:
    """Connect to Pelican's signals."""
    signals.initialized.connect(start)
    signals.readers_init.connect(guard_size)
    signals.article_generator_pretaxonomy.connect(check_articles)
    signals.page_generator_finalized.connect(check_pages)
    signals.finalized.connect(finish)
