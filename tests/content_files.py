"""Read the bundled archive's content files the way Pelican's Markdown reader sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tests.sitebuild import REPO

CONTENT = REPO / "content"


@dataclass(frozen=True)
class ContentFile:
    """A content file's path and its metadata header (keys lowercased)."""

    path: Path
    meta: dict[str, str]

    @property
    def date(self) -> datetime:
        """The Date header, an aware datetime."""
        return datetime.fromisoformat(self.meta["date"])

    @property
    def is_draft(self) -> bool:
        """Whether Pelican publishes it only as a draft (or not at all)."""
        return self.meta.get("status", "published").lower() in {"draft", "hidden", "skip"}


def read_meta(path: Path) -> dict[str, str]:
    """The 'Key: value' lines before the first blank line."""
    meta: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            break
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip().lower()] = value.strip()
    return meta


def articles() -> list[ContentFile]:
    """Every article file of the bundled archive."""
    return [ContentFile(p, read_meta(p)) for p in sorted((CONTENT / "articles").rglob("*.md"))]


def pages() -> list[ContentFile]:
    """Every page file of the bundled archive."""
    return [ContentFile(p, read_meta(p)) for p in sorted((CONTENT / "pages").rglob("*.md"))]
