"""Valid Atom ids for feeds of a local build (relative SITEURL).

Pelican's writer derives a feed's id and its entries' ids from SITEURL: with the relative
SITEURL of a local build they come out as "/" and "tag:None,2025-01-01:<path>", which are not
absolute IRIs as Atom requires. They become ``tag:newsarchive.invalid,2016:<path>`` URIs; the
links stay relative, which Atom allows. Published builds (absolute SITEURL) are left alone.
"""

from __future__ import annotations

from typing import Any

AUTHORITY = "tag:newsarchive.invalid,2016:"


def make_ids_absolute(feed: Any) -> None:
    """Rewrite a feedgenerator feed's relative ids in place (no-op when they are absolute)."""
    if "://" in str(feed.feed.get("id") or feed.feed.get("link") or ""):
        return
    feed_url = str(feed.feed.get("feed_url") or "")
    feed.feed["id"] = AUTHORITY + feed_url.lstrip("/")
    for item in feed.items:
        unique = str(item.get("unique_id") or "")
        if unique.startswith("tag:None,"):
            item["unique_id"] = AUTHORITY + unique.split(":", 2)[-1].lstrip("/")
