"""The related_stories Pelican adapter on stand-in articles (no site build)."""

from __future__ import annotations

import importlib
import logging
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "plugins"))
plugin = importlib.import_module("related_stories")

START = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass
class Entity:
    type: str
    id: str
    name: str
    salience: float
    url: str = ""


@dataclass
class Kind:
    id: str
    name: str
    score: float = 0.9


@dataclass
class Article:
    """A Pelican article as the adapter reads it; the entities plugin adds ``entities``."""

    slug: str
    day: int
    lang: str = "en"
    source_url: str = ""
    translations: list = field(default_factory=list)

    def __post_init__(self) -> None:
        self.title = self.slug.replace("-", " ")
        self.date = START + timedelta(days=self.day)
        self._content = f"<p>{self.title} blocked telegram roskomnadzor</p>"
        self.metadata = {"summary": f"<p>{self.title}</p>", "source-url": self.source_url}


RU = Entity("country", "ru", "Russia", 1.0, "country/ru/")
TG = Entity("platform", "telegram", "Telegram", 0.7, "platform/telegram/")
RKN = Entity("body", "roskomnadzor", "Roskomnadzor", 0.4, "body/roskomnadzor/")
BLOCK = Kind("platform-block", "platform block")


def tagged(slug: str, day: int, **kw: Any) -> Article:
    article = Article(slug, day, **kw)
    article.entities = [("Countries", [RU]), ("Platforms", [TG]), ("Bodies", [RKN])]
    article.event_types = [BLOCK]
    return article


class Generator:
    def __init__(self, articles, translations=(), drafts=(), settings=None) -> None:
        self.articles = list(articles)
        self.translations = list(translations)
        self.drafts = list(drafts)
        self.drafts_translations: list = []
        self.hidden_articles: list = []
        self.hidden_translations: list = []
        self.settings = {"ARTICLE_TRANSLATION_ID": "slug", **(settings or {})}


def test_every_article_draft_and_translation_gets_lists() -> None:
    a, b, c = tagged("a", 0), tagged("b", 2), tagged("c", 4)
    a_ru = tagged("a", 0, lang="ru")
    a.translations, a_ru.translations = [a_ru], [a]
    draft = tagged("draft", 1)
    generator = Generator([a, b, c], translations=[a_ru], drafts=[draft])
    plugin.attach_related(generator)
    for article in (a, b, c, a_ru, draft):
        assert article.related_stories, article.slug
        for rel in article.related_stories:
            assert rel.article is not article
            assert rel.article is not draft  # drafts are never offered
            assert rel.article.slug != article.slug  # nor a translation of itself
            assert rel.reasons[:3] == ("Russia", "Telegram", "Roskomnadzor")
            assert 0 < rel.score <= 1
    assert [r.article.slug for r in b.related_stories].count("a") == 1  # one per translation
    assert b.related_stories[0].article is a or b.related_stories[0].article is c


def test_duplicates_by_source_url_are_left_out() -> None:
    a = tagged("a", 0, source_url="https://www.example.org/story/")
    dup = tagged("a-copy", 1, source_url="http://example.org/story")
    other = tagged("b", 2, source_url="https://example.org/other")
    plugin.attach_related(Generator([a, dup, other]))
    assert [r.article.slug for r in a.related_stories] == ["b"]


def test_more_on_is_the_two_most_salient_entities() -> None:
    a, b = tagged("a", 0), tagged("b", 1)
    plugin.attach_related(Generator([a, b]))
    assert [e.name for e in a.more_on] == ["Russia", "Telegram"]


def test_without_the_entities_plugin_lists_are_empty(caplog: pytest.LogCaptureFixture) -> None:
    a, b = Article("a", 0), Article("b", 1)
    with caplog.at_level(logging.WARNING):
        plugin.attach_related(Generator([a, b]))
    assert a.related_stories == [] and b.related_stories == [] and a.more_on == []
    assert "entities plugin" in caplog.text


def test_max_setting_is_honoured() -> None:
    articles = [tagged(f"s{i}", i) for i in range(8)]
    plugin.attach_related(Generator(articles, settings={"RELATED_STORIES_MAX": 2}))
    assert all(len(a.related_stories) == 2 for a in articles)


def test_bad_settings_stop_the_build_early() -> None:
    pelican = SimpleNamespace(settings={"RELATED_STORIES_WEIGHTS": {"colour": 1}})
    with pytest.raises(ValueError, match="colour"):
        plugin.check_settings(pelican)
