"""Compute each article's and page's URL once, when every generator has read its content.

Pelican recomputes ``url`` and ``save_as`` from the URL settings on every access (a
metadata dict, two ``strftime`` calls and a relative-path computation: about 0.1 ms). A page
of the archive reads the URLs of many others (lists, entity pages, related stories, feeds),
so at 10,000 articles the same few thousand URLs are rebuilt hundreds of thousands of times.
Once a generator has read its content, every slug, date and language of it is final, so
each URL is stored in Pelican's own ``override_url``/``override_save_as`` attributes, which
``Content.get_url_setting`` returns as they are: the articles' at
``article_generator_finalized`` (before related stories and incidents read them: this plugin
is listed before those in ``PLUGINS``), everything else at ``all_generators_finalized``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pelican import signals

_LISTS = (
    "articles",
    "translations",
    "drafts",
    "drafts_translations",
    "hidden_articles",
    "hidden_translations",
    "pages",
    "hidden_pages",
    "draft_pages",
    "draft_translations",
)


def _contents(generators: Iterable[Any]) -> Iterator[Any]:
    seen: set[int] = set()
    for generator in generators:
        for name in _LISTS:
            for content in getattr(generator, name, None) or ():
                if id(content) not in seen:
                    seen.add(id(content))
                    yield content
                    yield from (t for t in getattr(content, "translations", ()) or ())


def freeze_urls(generators: list[Any]) -> None:
    """Store every article's and page's current ``url`` and ``save_as`` as overrides."""
    for content in _contents(generators):
        if not hasattr(content, "override_url"):
            content.override_url = content.url
        if not hasattr(content, "override_save_as"):
            content.override_save_as = content.save_as


def freeze_article_urls(generator: Any) -> None:
    """Freeze the URLs of the articles ``generator`` has read (``article_generator_finalized``)."""
    freeze_urls([generator])


def register() -> None:
    """Connect to ``article_generator_finalized`` and ``all_generators_finalized`` (after
    reading, before any page is written)."""
    signals.article_generator_finalized.connect(freeze_article_urls)
    signals.all_generators_finalized.connect(freeze_urls)
