"""Small builders for incident tests."""

from __future__ import annotations

from datetime import UTC, datetime

from newsarchive.incidents import ArticleInput


def article(key: str, title: str, when: str, text: str = "", *, summary: str = "",
            countries: tuple[str, ...] = (), platforms: tuple[str, ...] = (),
            types: tuple[str, ...] = ("shutdown",), regions: tuple[str, ...] = (),
            meta: dict[str, str] | None = None, lang: str = "en",
            source_url: str = "", hour: int = 12) -> ArticleInput:
    """An ArticleInput dated ``when`` (YYYY-MM-DD, at ``hour`` UTC)."""
    date = datetime.fromisoformat(when).replace(hour=hour, tzinfo=UTC)
    return ArticleInput(
        key=f"events/{date:%Y}/{key}/", title=title, date=date, source="Test Wire",
        source_url=source_url or f"https://example.org/{key}", summary=summary, text=text,
        lang=lang, countries=countries, regions=regions, platforms=platforms,
        event_types=types, meta=meta or {},
    )
