"""make check finds broken links, HTML errors and invalid Atom, and passes good sites."""

from __future__ import annotations

from pathlib import Path

from newsarchive.sitecheck import atom_problems, check_site

GOOD_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title>
<link rel="stylesheet" href="../theme/site.css"></head><body><main>
<a href="../other/">other</a> <a href="https://example.com/x">out</a> <a href="#top">top</a>
</main></body></html>"""
GOOD_FEED = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>https://e.org/</id>
<updated>2025-08-13T12:00:00+03:00</updated><author><name>ed</name></author>
<entry><title>E</title><id>tag:e.org,2025:1</id><updated>2025-08-13T12:00:00Z</updated>
<link href="https://e.org/1/" rel="alternate"/></entry></feed>"""


def make_site(root: Path) -> Path:
    (root / "page").mkdir(parents=True)
    (root / "other").mkdir()
    (root / "theme").mkdir()
    (root / "page/index.html").write_text(GOOD_PAGE)
    (root / "other/index.html").write_text(GOOD_PAGE.replace("../other/", "../page/"))
    (root / "theme/site.css").write_text("body{}")
    (root / "feed.atom.xml").write_text(GOOD_FEED)
    return root


def test_good_site_passes(tmp_path: Path) -> None:
    report = check_site(make_site(tmp_path))
    assert report.ok, report.problems
    assert (report.pages, report.links, report.feeds) == (2, 4, 1)


def test_broken_link_and_missing_asset_are_reported(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "theme/site.css").unlink()
    (site / "other/index.html").write_text(GOOD_PAGE.replace("../other/", "../nowhere/"))
    problems = check_site(site).problems
    assert any("nowhere" in p for p in problems)
    assert sum("site.css" in p for p in problems) == 2


def test_html_parse_errors_are_reported(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "page/index.html").write_text("<html><body><p>unclosed <b>bold</p></div>")
    problems = check_site(site).problems
    assert any(p.startswith("page/index.html: line") for p in problems), problems


def test_atom_problems(tmp_path: Path) -> None:
    feed = tmp_path / "f.xml"
    feed.write_text(GOOD_FEED.replace("<id>tag:e.org,2025:1</id>", "").replace("+03:00", " MSK"))
    problems = atom_problems(feed)
    assert "entry 1 has no id" in problems
    assert any("not an RFC 3339 date" in p for p in problems)
    feed.write_text("<rss><channel/></rss>")
    assert atom_problems(feed) == ["root element is rss, not atom:feed"]
    feed.write_text("<feed")
    assert atom_problems(feed)[0].startswith("not well-formed XML")


def test_subpath_links(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "page/index.html").write_text(
        GOOD_PAGE.replace("../other/", "https://e.org/archive/other/").replace(
            "../theme/site.css", "https://e.org/archive/theme/missing.css"
        )
    )
    problems = check_site(site, siteurl="https://e.org/archive").problems
    assert problems == ["page/index.html: broken link https://e.org/archive/theme/missing.css"]
