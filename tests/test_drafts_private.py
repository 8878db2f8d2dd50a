"""A draft (such as a story the ingest could date only by its file's time) is a preview for
editors: Pagefind does not index it, search engines are told not to, and no page lists it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.sitebuild import build_site

DRAFT = """Title: Zqxdraftword story held back for its date
Date: 2026-12-07T10:00:00+00:00
Date-Source: file
Status: draft
Source: Test desk
Slug: held-back-draft

Authorities cut mobile internet in Kazakhstan; zqxdraftword marks this draft's text.
"""
PUBLISHED = """Title: Kazakhstan cuts mobile internet during protests
Date: 2022-01-05T10:00:00+06:00
Source: Test desk
Slug: kazakhstan-cut

Authorities in Kazakhstan cut mobile internet on 5 January 2022 as protests spread.
"""


def test_drafts_are_neither_indexed_nor_listed(tmp_path: Path) -> None:
    content = tmp_path / "content" / "articles"
    content.mkdir(parents=True)
    (content / "draft.md").write_text(DRAFT, encoding="utf-8")
    (content / "published.md").write_text(PUBLISHED, encoding="utf-8")
    output = tmp_path / "output"
    done = build_site(output, content=tmp_path / "content")
    assert done.returncode == 0, done.stderr
    drafts = list(output.glob("drafts/**/index.html"))
    assert drafts, "Pelican wrote no draft preview"
    preview = drafts[0].read_text(encoding="utf-8")
    assert "data-pagefind-body" not in preview
    assert 'name="robots" content="noindex' in preview
    published = next(output.glob("events/2022/kazakhstan-cut/index.html"))
    assert "data-pagefind-body" in published.read_text(encoding="utf-8")
    for page in output.rglob("*.html"):
        if page not in drafts:
            assert "held-back-draft" not in page.read_text(encoding="utf-8"), page
    rows = json.loads((output / "data" / "articles.json").read_text(encoding="utf-8"))
    assert all("held-back-draft" not in json.dumps(row) for row in rows)
