"""Parts of warm builds tested on their own: what a template's signature counts of the
stories it shows, per-file memos, tag-cache text keys, and digests of shared declared objects."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest

from newsarchive.file_memo import FileMemo
from tests.sitebuild import REPO

sys.path.insert(0, str(REPO / "plugins"))
from incremental.fingerprint import Fingerprinter
from incremental.fragments import Fragments
from incremental.signature import template_spec


def spec_of(source: str, **globals_: object):
    env = jinja2.Environment(loader=jinja2.DictLoader({"page.html": source}))
    env.globals.update(globals_)
    return template_spec(env, "page.html")


def undeclared(items):  # a plugin's function that says nothing of what it reads
    return len(items)


def declared(items):
    return len(items)


declared.incremental_reads = ("incident",)


def test_attribute_names_are_read_from_the_template() -> None:
    spec = spec_of("{{ article.title }} {{ items|map(attribute='date.year')|list }}")
    assert spec.attributes is not None
    assert {"title", "date", "year"} <= spec.attributes
    assert "related_stories" not in spec.attributes


@pytest.mark.parametrize(
    "source",
    [
        "{{ f(items) }}",  # a function that declares nothing
        "{% set name = 'incident' %}{{ items|map(attribute=name)|list }}",
        "{% set name = 'incident' %}{{ items|selectattr(name)|list }}",
        "{% set name = 'incident' %}{{ (items|first)[name] }}",
    ],
)
def test_what_cannot_be_told_counts_everything(source: str) -> None:
    assert spec_of(source, f=undeclared).attributes is None


def test_declared_reads_slices_and_test_arguments_are_known() -> None:
    source = (
        "{{ f(items[:8]) }} {{ items|selectattr('year', 'equalto', year)|list|length }}"
        "{% set noun = 'headline' %}{{ noun }}"
    )
    spec = spec_of(source, f=declared)
    assert spec.attributes is not None
    assert {"incident", "year"} <= spec.attributes
    assert "headline" not in spec.attributes  # a string shown as text is not a name read


def test_file_memo_reuses_a_value_only_while_the_file_is_unchanged(tmp_path: Path) -> None:
    page, store = tmp_path / "page.html", tmp_path / "memo.pickle"
    page.write_text("one", encoding="utf-8")
    calls = []

    def compute() -> str:
        calls.append(1)
        return page.read_text(encoding="utf-8")

    memo = FileMemo(store, "test")
    assert memo.value("page", page, compute) == "one"
    memo.save()
    assert oct(store.stat().st_mode & 0o777) == "0o644"
    again = FileMemo(store, "test")
    assert again.value("page", page, compute) == "one" and len(calls) == 1
    page.write_text("two", encoding="utf-8")  # same size, new bytes
    assert again.value("page", page, compute) == "two" and len(calls) == 2
    assert FileMemo(store, "other kind").old == {}


def test_tag_text_keys_follow_the_raw_text(tmp_path: Path) -> None:
    from entities.tagging import TagCache, TextKeys, article_text, raw_digest

    article = SimpleNamespace(title="Iran blocks <em>Telegram</em>", metadata={},
                              _content="<p>Iran blocked Telegram on Monday.</p>")
    keys = TextKeys(tmp_path)
    raw = raw_digest(article)
    keys.put(raw, TagCache.key(article_text(article)))
    keys.save()
    loaded = TextKeys(tmp_path)
    loaded.load()
    assert loaded.get(raw) == TagCache.key(article_text(article))
    article._content = "<p>Iran blocked Telegram on Tuesday.</p>"
    assert loaded.get(raw_digest(article)) is None
    assert oct(os.stat(loaded.path).st_mode & 0o777) == "0o644"


class Shared:
    def __init__(self, value: list[str]) -> None:
        self.value = value

    def __incremental_signature__(self) -> tuple:
        return tuple(self.value)


def test_a_shared_declared_object_is_digested_once_and_by_its_signature() -> None:
    first = Fingerprinter()
    one, two = Shared(["a"]), Shared(["a"])
    assert first.nested([one, one]) == Fingerprinter().nested([two, two])
    assert first.nested([one]) != Fingerprinter().nested([Shared(["b"])])
    assert len(first._declared) == 1


def _story(title: str, **attached: object):
    from pelican.contents import Article
    from pelican.settings import DEFAULT_CONFIG
    from pelican.utils import SafeDatetime

    story = Article("<p>Text.</p>", metadata={"title": title, "date": SafeDatetime(2025, 1, 2)},
                    settings=DEFAULT_CONFIG)
    for name, value in attached.items():
        setattr(story, name, value)
    return story


def test_digests_cached_by_the_shown_attachments_equal_fresh_ones() -> None:
    """A digest cached for one template's names is reused by another only where both agree
    on every attachment: each lookup equals a fresh Fingerprinter's digest."""
    stories = [_story("One", incident=["a"], more_on=["x"]), _story("Two", incident=["b"])]
    kinds = [
        frozenset({"title", "incident"}),
        frozenset({"title", "url", "incident"}),  # same attachments shown as the first
        frozenset({"title"}),
        frozenset({"more_on", "title"}),
        None,
    ]
    shared = Fingerprinter()
    for shown in kinds + kinds[::-1]:
        for value in (stories, [Shared(["s"]), stories], stories[1]):
            assert shared.of(value, shown) == Fingerprinter().of(value, shown)
    assert shared.of(stories, kinds[0]) != shared.of(stories, kinds[2])
    assert shared.of(stories, kinds[2]) != shared.of(stories, kinds[3])


class Box:
    """A plain object holding a story (as an incident's fact holds its source article)."""

    def __init__(self, story: object) -> None:
        self.story = story


class Holder:
    """A declared object holding stories, directly and inside a plain object and another
    declared one (as an incident holds its reports and the articles behind its facts)."""

    def __init__(self, label: str, stories: list, inner: object = None) -> None:
        self.label, self.stories, self.inner = label, stories, inner

    def __incremental_signature__(self) -> tuple:
        return (self.label, self.stories, [Box(self.stories[-1])], self.inner)


def test_a_declared_value_counts_its_stories_shown_attachments() -> None:
    """A declared object a page shows directly (a list of incidents) counts the stories in
    it with their attachments the template reads, wherever they sit in its signature, and
    not the others; cached digests equal fresh ones."""
    shown = frozenset({"title", "incident"})

    def digest_of(first: dict, second: dict, label: str = "x") -> bytes:
        stories = [_story("One", **first), _story("Two", **second)]
        inner = Holder("inner", [_story("Three", incident=["c"])])
        return Fingerprinter().of([Holder(label, stories, inner)], shown)

    base = digest_of({"incident": ["a"]}, {"incident": ["b"]})
    assert base == digest_of({"incident": ["a"]}, {"incident": ["b"]})
    assert base != digest_of({"incident": ["A"]}, {"incident": ["b"]})
    assert base != digest_of({"incident": ["a"]}, {"incident": ["B"]})  # also inside a Box
    assert base != digest_of({"incident": ["a"]}, {"incident": ["b"]}, label="y")
    assert base == digest_of({"incident": ["a"], "more_on": ["m"]}, {"incident": ["b"]})
    story = _story("Two", incident=["b"])
    holders = [Holder("h", [_story("One", incident=["a"]), story]),
               Holder("g", [story], Holder("i", [story]))]
    shared = Fingerprinter()
    for names in (shown, frozenset({"title"}), None, shown):
        assert shared.of(holders, names) == Fingerprinter().of(holders, names)
        assert shared.nested(holders) == Fingerprinter().nested(holders)
    inner = Holder("i", [_story("Four", incident=["d"])])
    changed = Holder("i", [_story("Four", incident=["D"])])
    assert (Fingerprinter().of([Holder("o", [story], inner)], shown)
            != Fingerprinter().of([Holder("o", [story], changed)], shown))


def test_a_fragment_is_rendered_once_per_macro_arguments_and_key() -> None:
    """fragment(macro, *args, key=...) renders once for the same macro, arguments (objects
    by identity, plain values by value) and key; any difference renders again."""
    env = jinja2.Environment()
    env.globals["fragment"] = Fragments()
    calls: list[str] = []
    env.globals["seen"] = lambda name: calls.append(name) or ""
    source = (
        "{% macro row(item, tag) %}{{ seen(item.name) }}<{{ tag }}>{{ item.name }}</{{ tag }}>"
        "{{ SITEURL }}{% endmacro %}"
        "{% macro other(item, tag) %}{{ seen('other') }}[{{ item.name }}]{% endmacro %}"
        "{% for item, tag in rows %}{{ fragment(row, item, tag, key=SITEURL) }};{% endfor %}"
        "{{ fragment(other, rows[0][0], 'p', key=SITEURL) }}"
    )
    template = env.from_string(source)

    class Item:
        def __init__(self, name: str) -> None:
            self.name = name

    a, b, same_name = Item("a"), Item("b"), Item("a")
    rows = [(a, "p"), (a, "p"), (b, "p"), (a, "li"), (same_name, "p"), (a, "p")]
    first = template.render(rows=rows, SITEURL="..")
    assert first == "<p>a</p>..;<p>a</p>..;<p>b</p>..;<li>a</li>..;<p>a</p>..;<p>a</p>..;[a]"
    assert calls == ["a", "b", "a", "a", "other"]
    assert template.render(rows=rows, SITEURL="../..").count("../..") == 6
    assert calls[5:] == ["a", "b", "a", "a", "other"]


def test_what_was_read_is_frozen_out_of_the_collector_only_until_the_build_ends(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    import incremental

    gc.unfreeze()
    monkeypatch.setattr(incremental, "CURRENT", None)
    incremental.freeze_what_was_read()
    assert gc.get_freeze_count() == 0  # not this plugin's build: nothing frozen
    build = SimpleNamespace(timings=SimpleNamespace(finish=lambda: None),
                            options=SimpleNamespace(timings=False), outputs=None)
    monkeypatch.setattr(incremental, "CURRENT", build)
    incremental.freeze_what_was_read()
    assert gc.get_freeze_count() > 0
    incremental.finish(None)
    assert gc.get_freeze_count() == 0  # collectable again (autoreload runs build after build)


def test_a_feed_entry_counts_its_tags_not_the_other_attachments() -> None:
    from incremental.writer import FEED_READS

    def entry(tags: list, related: list) -> bytes:
        return Fingerprinter().of([_story("One", tags=tags, related_stories=related)],
                                  FEED_READS)

    assert entry(["a"], ["x"]) == entry(["a"], ["y"])  # related stories are not in a feed
    assert entry(["a"], ["x"]) != entry(["b"], ["x"])  # its tags are (as categories)


def test_an_attachment_is_digested_only_when_a_page_reads_it() -> None:
    fingerprints = Fingerprinter()
    story = _story("One", tags=["a"], related_stories=[Unread()])
    fingerprints.of([story], frozenset({"tags"}))  # would raise if the unread one were read
    with pytest.raises(TypeError):
        fingerprints.of([story], None)


class Unread:
    """An attachment whose digest cannot be made (a generator inside)."""

    def __init__(self) -> None:
        self.values = (n for n in range(2))
