"""frozen_urls: every article's URL is computed once, before the plugins that read them all."""

from __future__ import annotations

import ast
from types import SimpleNamespace

from plugins.frozen_urls import freeze_article_urls
from tests.sitebuild import REPO


class _Article:
    """A content whose ``url`` and ``save_as`` count how often Pelican would compute them."""

    computed = 0

    def __init__(self, slug: str) -> None:
        self.slug = slug
        self.translations: list[_Article] = []

    @property
    def url(self) -> str:
        _Article.computed += 1
        return getattr(self, "override_url", f"events/{self.slug}/")

    @property
    def save_as(self) -> str:
        return getattr(self, "override_save_as", f"events/{self.slug}/index.html")


def test_article_urls_are_frozen_when_the_article_generator_is_done() -> None:
    first, second = _Article("a"), _Article("b")
    first.translations = [_Article("a-ru")]
    generator = SimpleNamespace(articles=[first, second], drafts=[second])
    freeze_article_urls(generator)
    for article in (first, second, first.translations[0]):
        assert article.override_url == f"events/{article.slug}/"
        assert article.override_save_as == f"events/{article.slug}/index.html"
    _Article.computed = 0
    freeze_article_urls(generator)  # frozen once: not computed again
    assert _Article.computed == 0


def test_urls_are_frozen_before_related_stories_and_incidents_read_them() -> None:
    tree = ast.parse((REPO / "pelicanconf.py").read_text(encoding="utf-8"))
    plugins = next(ast.literal_eval(node.value) for node in tree.body
                   if isinstance(node, ast.Assign) and node.targets[0].id == "PLUGINS")
    assert plugins.index("frozen_urls") < plugins.index("related_stories")
    assert plugins.index("frozen_urls") < plugins.index("incidents")
