"""Conformance of the ingest against the public corpora in ../shared/corpora.

Everything runs in-process through the same code path as ``newsarchive inspect``
(``newsarchive.pipeline.inspect``). Figures are printed so every run shows them.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
import warnings
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from newsarchive.pipeline import Source, expand_sources, inspect
from newsarchive.record import Record
from newsarchive.settings import IngestSettings
from newsarchive.sources import SourceError, read_bytes, read_path
from newsarchive.store import Store
from tests.ingest.unsafe import unsafe_parts
from tests.sitebuild import REPO

CORPORA = REPO.parent / "shared" / "corpora"
FEEDS = CORPORA / "feeds"
PAGES = CORPORA / "articles" / "readability" / "test-pages"
VECTORS = CORPORA / "xss" / "vectors.jsonl"

pytestmark = pytest.mark.skipif(not CORPORA.is_dir(),
                                reason=f"public corpora not found at {CORPORA}")


def report(capsys: pytest.CaptureFixture[str], text: str) -> None:
    """Print past pytest's capture, so the figures show in every run."""
    with capsys.disabled():
        print(f"\n[ingest conformance] {text}")


@cache
def corpus_run(folder: str) -> dict[str, list[dict[str, Any]]]:
    """Every file under ``folder`` through inspect: the outputs grouped by source."""
    sources = expand_sources([str(FEEDS / folder)])
    grouped: dict[str, list[dict[str, Any]]] = {s.location: [] for s in sources}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for item in inspect(sources, IngestSettings(), None):
            slim = {k: item[k] for k in ("error", "title", "url", "html") if k in item}
            grouped[item["source"]].append(slim)
    return grouped


def _items(outputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [o for o in outputs if "error" not in o]


@pytest.mark.parametrize("folder", ["feedparser", "gofeed"])
def test_every_corpus_file_is_read_without_crash_and_without_losing_items(
    folder: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import feedparser

    if not (FEEDS / folder).is_dir():
        pytest.skip(f"{FEEDS / folder} missing")
    results = corpus_run(folder)
    crashes = [(s, o["error"]) for s, outs in results.items() for o in outs
               if "error" in o and o["error"].startswith("internal error")]
    lost, compared, expected_items = [], 0, 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for source, outputs in results.items():
            if source.endswith(("COMMIT", "LICENSE")):
                continue
            parsed = feedparser.parse(source)
            compared += 1
            expected_items += len(parsed.entries)
            if len(_items(outputs)) < len(parsed.entries):
                lost.append((source, len(_items(outputs)), len(parsed.entries)))
    items = sum(len(_items(o)) for o in results.values())
    errors = Counter(o["error"].split(":")[0] for outs in results.values() for o in outs
                     if "error" in o)
    report(capsys, f"{folder}: {len(results)} files, {items} items read "
                   f"(feedparser finds {expected_items} in {compared} files), "
                   f"{len(crashes)} crashes, {len(lost)} files losing items; "
                   f"refused: {dict(errors)}")
    assert not crashes, crashes[:5]
    assert not lost, lost[:5]


def _gofeed_pairs() -> list[tuple[Path, Path]]:
    pairs = []
    for expected in sorted((FEEDS / "gofeed" / "testdata").rglob("*.json")):
        if expected.name.endswith("_expected.json"):
            source = expected.with_name(expected.name.removesuffix("_expected.json") + ".json")
        else:
            source = expected.with_suffix(".xml")
        if source.exists() and source != expected:
            pairs.append((source, expected))
    return pairs


def _feedparser_has_http_link(name: str) -> bool:
    """Links are read through feedparser; where it keeps none (an at:// URI wins over the
    element text), the difference is feedparser's, not a lost item."""
    import feedparser

    path = next((FEEDS / "gofeed" / "testdata").rglob(name))
    return any(str(e.get("link", "")).startswith("http") for e in feedparser.parse(path).entries)


def test_gofeed_expected_parse_items_and_fields(capsys: pytest.CaptureFixture[str]) -> None:
    pairs = _gofeed_pairs()
    if not pairs:
        pytest.skip("no gofeed expected parses")
    results = corpus_run("gofeed")
    short, title_checked, title_bad, link_checked, link_bad = [], 0, [], 0, []
    for source, expected in pairs:
        data = json.loads(expected.read_text(encoding="utf-8"))
        wanted = data.get("items", data.get("entries")) or []
        got = _items(results.get(str(source), []))
        if len(got) < len(wanted):
            short.append((source.name, len(got), len(wanted)))
            continue
        for ours, theirs in zip(got, wanted, strict=False):
            title = theirs.get("title")
            if isinstance(title, str) and title.strip():
                title_checked += 1
                plain = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", title)).split())
                mine = " ".join(html.unescape(ours["title"]).split())
                if plain not in mine and " ".join(html.unescape(title).split()) != mine:
                    title_bad.append((source.name, title, ours["title"]))
            link = theirs.get("link")
            if isinstance(link, str) and link.startswith(("http://", "https://")):
                link_checked += 1
                if ours["url"] != link:
                    link_bad.append((source.name, link, ours["url"]))
    link_bad = [bad for bad in link_bad if _feedparser_has_http_link(bad[0])]
    report(capsys, f"gofeed expected parses: {len(pairs)} files, {len(short)} with fewer items; "
                   f"titles {title_checked - len(title_bad)}/{title_checked} agree, "
                   f"links {link_checked - len(link_bad)}/{link_checked} agree")
    assert not short, short[:5]
    assert len(title_bad) <= title_checked * 0.02, title_bad[:5]
    assert len(link_bad) <= link_checked * 0.02, link_bad[:5]


def test_no_unsafe_html_in_any_corpus_output(capsys: pytest.CaptureFixture[str]) -> None:
    checked, unsafe = 0, []
    for folder in ("feedparser", "gofeed"):
        for source, outputs in corpus_run(folder).items():
            for item in _items(outputs):
                checked += 1
                problems = unsafe_parts(item["html"] or "") + unsafe_parts(
                    html.escape(item["title"] or "", quote=False))
                if problems:
                    unsafe.append((source, problems))
    sanitize_cases = len(list((FEEDS / "feedparser" / "wellformed" / "sanitize").glob("*")))
    report(capsys, f"re-parsed {checked} corpus outputs with html5lib "
                   f"(incl. {sanitize_cases} feedparser sanitiser cases): {len(unsafe)} unsafe")
    assert not unsafe, unsafe[:5]


# --- XSS vectors ---------------------------------------------------------------------------

FILLER = (
    "Authorities restricted access to messaging apps on Tuesday, according to monitors who "
    "track connectivity. The regulator said the measure was temporary. Rights groups said "
    "the order violated the right to information and asked the courts to intervene quickly."
)


def _containers(payload: str, number: int) -> dict[str, tuple[str, bytes]]:
    """The payload inside each kind of source: (file name, bytes)."""
    cdata = payload.replace("]]>", "]]&gt;")
    escaped = html.escape(payload)
    rss = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>x</title>'
        f"<item><title>{escaped}</title><link>https://example.org/{number}</link>"
        f"<description><![CDATA[{cdata}]]></description>"
        f"<content:encoded>{escaped}</content:encoded></item></channel></rss>"
    )
    atom = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>x</title><id>urn:x</id><entry><id>urn:x:{number}</id>"
        f'<title type="html">{escaped}</title><summary type="html">{escaped}</summary>'
        f'<content type="html">&lt;p&gt;{html.escape(FILLER)}&lt;/p&gt;{escaped}</content>'
        "</entry></feed>"
    )
    jsonfeed = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "x",
                           "items": [{"id": str(number), "title": payload,
                                      "url": f"https://example.org/j{number}",
                                      "summary": payload,
                                      "content_html": f"<p>{FILLER}</p>{payload}"}]})
    page = (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{escaped}</title>"
        f"<meta property='og:description' content='{escaped}'></head><body><nav>Home</nav>"
        f"<article><h1>Vector {number}</h1><p>{FILLER}</p><p>{payload}</p><p>{FILLER}</p>"
        f"<p>{FILLER}</p></article></body></html>"
    )
    markdown = f"Title: Vector {number}\nSummary: {payload}\n\n{FILLER}\n\n{payload}\n\n{FILLER}\n"
    return {
        "rss.xml": ("rss", rss.encode()),
        "atom.xml": ("atom", atom.encode()),
        "feed.json": ("jsonfeed", jsonfeed.encode()),
        "page.html": ("html", page.encode()),
        "article.md": ("markdown", markdown.encode()),
    }


def _rendered_parts(store: Store, record: Record) -> list[str]:
    """Store the record and read it back as Pelican does: what would reach the page."""
    from pelican.readers import MarkdownReader
    from pelican.settings import read_settings

    outcome = store.put(record)
    reader = MarkdownReader(read_settings(str(REPO / "pelicanconf.py")))
    content, metadata = reader.read(str(store.content / outcome.key))
    parts = [content, str(metadata.get("summary", "")), str(metadata.get("title", ""))]
    parts += [str(metadata.get(k, "")) for k in ("source", "seen-at", "guid")]
    parts += [str(a) for a in metadata.get("authors", [])]
    return parts


def test_every_xss_vector_in_feeds_and_saved_pages_is_neutralised(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    if not VECTORS.exists():
        pytest.skip(f"{VECTORS} missing")
    vectors = [json.loads(line) for line in VECTORS.read_text(encoding="utf-8").split("\n")
               if line.strip()]
    unsafe, read, refused = [], Counter(), Counter()
    with Store(tmp_path / "content", tmp_path / "state") as store:
        for number, vector in enumerate(vectors):
            for name, (kind, data) in _containers(vector["payload"], number).items():
                try:
                    result = read_bytes(data, f"{vector['id']}/{name}", name=name)
                except SourceError:
                    refused[kind] += 1  # unreadable source: nothing reaches a page
                    continue
                for record in result.records:
                    read[kind] += 1
                    if not record.title:
                        record.title = f"vector {number}"
                    rendered = _rendered_parts(store, record)
                    problems = [p for part in (record.html, *rendered)
                                for p in unsafe_parts(part)]
                    if problems:
                        unsafe.append((vector["id"], name, problems))
    report(capsys, f"{len(vectors)} XSS vectors x 5 containers (RSS, Atom, JSON Feed, saved "
                   f"HTML page, Markdown) stored and rendered by Pelican's reader: "
                   f"{sum(read.values())} items read {dict(read)}, refused {dict(refused)}, "
                   f"{len(unsafe)} unsafe")
    assert len(vectors) >= 200
    assert not unsafe, unsafe[:5]


# --- JSON Feed --------------------------------------------------------------------------------


def test_jsonfeed_corpus_valid_files_parse_and_invalid_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = FEEDS / "jsonfeed"
    if not folder.is_dir():
        pytest.skip(f"{folder} missing")
    feeds = [p for p in sorted(folder.rglob("*.json"))
             if not p.name.endswith(("_expected.json", ".serde.json"))]
    parsed, refused = {}, {}
    for path in feeds:
        try:
            parsed[path] = read_path(path)
        except SourceError as err:
            refused[path] = str(err)
    report(capsys, f"JSON Feed: {len(parsed)} of {len(feeds)} files parsed "
                   f"({sum(len(r.records) for r in parsed.values())} items); refused: "
                   + "; ".join(f"{p.name}: {e}" for p, e in refused.items()))
    assert [p.name for p in refused] == ["invalid.json"]
    assert "invalid JSON" in next(iter(refused.values()))
    for path, result in parsed.items():
        raw = json.loads(path.read_text(encoding="utf-8"))
        assert len(result.records) == len(raw["items"]), path
        assert all(r.kind == "jsonfeed" for r in result.records)
    for expected in folder.rglob("*_expected.json"):
        source = expected.with_name(expected.name.removesuffix("_expected.json") + ".json")
        if source in parsed:
            wanted = json.loads(expected.read_text(encoding="utf-8")).get("items") or []
            records = parsed[source].records
            assert len(records) == len(wanted), source
            for record, item in zip(records, wanted, strict=True):
                if item.get("title"):
                    assert record.title == item["title"], source
                if item.get("url"):
                    assert record.url == item["url"], source


# --- saved pages --------------------------------------------------------------------------------


def _shingles(text: str, size: int = 4) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    if len(words) < size:
        return {tuple(words)} if words else set()
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}


def _norm(title: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", html.unescape(title or "")).split()).casefold()


_SEPARATOR = re.compile(r"\s+(?:[|\-–—·•»:/\\_]|\[)\s*")


def title_matches(ours: str, expected: str) -> bool:
    """Equal after normalisation, or equal once a site-name segment (one leading or trailing
    part after a separator such as ' | ', ' - ', ' · ', of at most five words) is cut from
    either side. Readability keeps 'Mozilla - Wikipedia' where we keep 'Mozilla'."""
    a, b = _norm(ours), _norm(expected)
    if a == b:
        return True
    for longer, shorter in ((a, b), (b, a)):
        spans = list(_SEPARATOR.finditer(longer))
        if not spans:
            continue
        head, tail = longer[: spans[-1].start()], longer[spans[-1].end():]
        first, rest = longer[: spans[0].start()], longer[spans[0].end():]
        if (head.strip() == shorter and len(re.findall(r"\w+", tail)) <= 5) or (
            rest.strip() == shorter and len(re.findall(r"\w+", first)) <= 5
        ):
            return True
    return False


def test_saved_page_extraction_f1_and_titles(capsys: pytest.CaptureFixture[str]) -> None:
    from bs4 import BeautifulSoup

    if not PAGES.is_dir():
        pytest.skip(f"{PAGES} missing")
    pages = sorted(p for p in PAGES.iterdir() if (p / "source.html").exists())
    precision = recall = 0.0
    f1_each, strict, tolerant, misses = [], 0, 0, []
    for page in pages:
        expected_text = BeautifulSoup((page / "expected.html").read_text(encoding="utf-8"),
                                      "lxml").get_text(" ")
        expected = _shingles(expected_text)
        try:
            record = read_path(page / "source.html").records[0]
            got = _shingles(record.text)
            title = record.title
        except SourceError:
            got, title = set(), ""
        common = len(expected & got)
        p = common / len(got) if got else 0.0
        r = common / len(expected) if expected else 0.0
        precision += p
        recall += r
        f1_each.append(2 * p * r / (p + r) if p + r else 0.0)
        wanted = json.loads((page / "expected-metadata.json").read_text(encoding="utf-8"))
        wanted_title = wanted.get("title") or ""
        strict += _norm(title) == _norm(wanted_title)
        if title_matches(title, wanted_title):
            tolerant += 1
        else:
            misses.append(f"{page.name}: {title!r} vs {wanted_title!r}")
    n = len(pages)
    precision, recall = precision / n, recall / n
    f1 = 2 * precision * recall / (precision + recall)
    report(capsys, f"readability test pages: {n} pages, 4-word-shingle precision "
                   f"{precision:.3f}, recall {recall:.3f}, F1 {f1:.3f} (mean per-page F1 "
                   f"{sum(f1_each) / n:.3f}); title right {tolerant}/{n} = {tolerant / n:.1%} "
                   f"(exact {strict}/{n} = {strict / n:.1%}); misses: {'; '.join(misses)}")
    assert f1 >= 0.93
    assert tolerant / n >= 0.95


def test_inspect_handles_thousands_of_sources_in_one_call() -> None:
    sources = expand_sources([str(FEEDS / "feedparser"), str(FEEDS / "gofeed")])
    assert len(sources) > 3000
    assert sum(len(v) for v in corpus_run("feedparser").values()) > 0
    # the call itself is a generator: it holds one source at a time
    first = next(inspect(iter([Source(str(p.location)) for p in sources]),
                         IngestSettings(), None))
    assert "source" in first


def test_unsafe_checker_catches_what_it_must() -> None:
    assert unsafe_parts("<p>fine <a href='https://x.org/'>x</a></p>") == []
    assert unsafe_parts("<img src=x onerror=alert(1)>")
    assert unsafe_parts("<a href=' jav&#x09;ascript:alert(1)'>x</a>")
    assert unsafe_parts("<svg><a xlink:href='javascript:alert(1)'>x</a></svg>")
    assert unsafe_parts("<form action='https://x'><button formaction='javascript:x'>")
