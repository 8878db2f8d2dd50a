"""The Pagefind step: figures parsed, failures fail the build with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsarchive.search_index import SearchIndexError, index_site, parse_figures
from tests.sitebuild import build_site

ARTICLE = """Title: A test story
Date: 2024-01-02T10:00:00+00:00
Source: Test Outlet
Source-URL: https://example.org/story
Summary: A shutdown in a test country.
Slug: a-test-story

Authorities shut down mobile internet in the test region for three days.
"""


def test_parse_figures() -> None:
    log = "Indexed 2 languages\nIndexed 1204 pages\nIndexed 88123 words\nIndexed 5 filters\n"
    assert parse_figures(log) == {"page": 1204, "word": 88123, "language": 2}


def test_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SearchIndexError, match="not a folder"):
        index_site(tmp_path / "nowhere")


def test_index_site_counts_only_marked_bodies(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(
        '<html lang="en"><body><nav>menu</nav><main data-pagefind-body>'
        "<h1>Shutdown</h1><p>Mobile internet cut.</p></main></body></html>"
    )
    (tmp_path / "list.html").write_text('<html lang="en"><body><p>a list</p></body></html>')
    stats = index_site(tmp_path)
    assert stats.pages == 1
    assert (tmp_path / "pagefind" / "pagefind-entry.json").is_file()


def test_failing_pagefind_fails_the_build(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    (content / "articles" / "story.md").write_text(ARTICLE)
    with pytest.raises(AssertionError) as failure:
        build_site(tmp_path / "out", content=content, env={"PAGEFIND_BINARY_PATH": "/bin/false"})
    assert "pagefind_search: indexing" in str(failure.value)
    assert "pagefind exited 1" in str(failure.value)
