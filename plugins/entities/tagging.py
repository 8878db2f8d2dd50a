"""The text of a Pelican article as the tagger reads it; the rest lives in the engine.

The tag cache (:class:`newsarchive.tagger.TagCache`) and the hand-set metadata merge
(:func:`newsarchive.tagger.merge_hand_set`: ``Entities:``/``Not-Entities:``,
``Event-Types:``/``Not-Event-Types:``) belong to the engine, so ``newsarchive tag`` honours
them as the build does.
"""

from __future__ import annotations

from typing import Any

from newsarchive.tagger import TagCache, merge_hand_set, tagging_text

__all__ = ["CHUNK", "TagCache", "article_text", "merge_hand_set"]

CHUNK = 4096  # articles tagged at once: their texts and full results are held until compacted


def article_text(article: Any) -> tuple[str, str, str]:
    """(title, lead, body) of a Pelican article: its title, its own ``Summary`` (when it has
    one) and its body, through :func:`newsarchive.tagger.tagging_text`."""
    summary = article.metadata.get("summary") if "summary" in article.metadata else ""
    return tagging_text(
        getattr(article, "title", "") or "",
        summary or "",
        getattr(article, "_content", "") or "",
        html=True,
    )
