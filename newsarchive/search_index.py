"""Run Pagefind over a built site: one call for the whole folder, with its figures parsed."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from pagefind.service import get_executable

from newsarchive.file_memo import FileMemo


class SearchIndexError(RuntimeError):
    """Pagefind could not be found or did not finish."""


@dataclass(frozen=True)
class IndexStats:
    """What one Pagefind run reported (``reused``: bundles kept from the last build)."""

    pages: int
    words: int
    languages: int
    seconds: float
    reused: int = 0


_FIGURE = re.compile(r"Indexed (\d+) (page|word|language)s?")


def pagefind_executable() -> Path:
    """The Pagefind binary shipped in the ``pagefind-bin`` wheel."""
    binary = get_executable()
    if binary is None or not Path(binary).exists():
        raise SearchIndexError("no Pagefind binary: install the project with pip install -e .")
    return Path(binary)


def parse_figures(log_text: str) -> dict[str, int]:
    """Read 'Indexed N pages/words/languages' lines from Pagefind's output."""
    figures = {"page": 0, "word": 0, "language": 0}
    for count, kind in _FIGURE.findall(log_text):
        figures[kind] = int(count)
    return figures


def index_site(
    site: str | Path,
    *,
    glob: str | None = None,
    output_subdir: str = "pagefind",
    timeout: float = 3600,
) -> IndexStats:
    """Index every HTML file of ``site`` (optionally only ``glob``) into ``site/output_subdir``."""
    site = Path(site)
    if not site.is_dir():
        raise SearchIndexError(f"{site} is not a folder")
    command = [str(pagefind_executable()), "--site", str(site), "--output-subdir", output_subdir]
    if glob:
        command += ["--glob", glob]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise SearchIndexError(str(err)) from err
    seconds = time.perf_counter() - started
    output = done.stdout + done.stderr
    if done.returncode != 0:
        tail = " | ".join(line for line in output.strip().splitlines()[-5:])
        raise SearchIndexError(f"pagefind exited {done.returncode}: {tail}")
    figures = parse_figures(output)
    return IndexStats(figures["page"], figures["word"], figures["language"], seconds)


MANIFEST = "shards.json"


@dataclass(frozen=True)
class Shard:
    """One Pagefind bundle: the pages a glob selects, written to ``output_subdir``."""

    glob: str
    output_subdir: str
    pages: int


def plan_shards(site: Path, max_pages: int, section: str = "events") -> list[Shard]:
    """Group ``site/section/<year>/`` folders, newest first, into shards of at most
    ``max_pages`` pages (a year larger than that is a shard of its own).

    The first shard is written to ``pagefind/`` (the bundle the search page loads); the
    others to ``pagefind-<years>/``, merged into it in the browser with ``mergeIndex``.
    """
    root = Path(site) / section
    years = sorted(
        (d.name for d in root.iterdir() if d.is_dir() and d.name.isdigit()), reverse=True
    )
    counts = {year: sum(1 for _ in _html_files(root / year)) for year in years}
    groups: list[list[str]] = []
    for year in years:
        if groups and sum(counts[y] for y in groups[-1]) + counts[year] <= max_pages:
            groups[-1].append(year)
        else:
            groups.append([year])
    return _shards(groups, counts, section)


def _shards(groups: list[list[str]], counts: dict[str, int], section: str) -> list[Shard]:
    """One Shard per group of years (newest group first, written to ``pagefind/``)."""
    shards = []
    for number, group in enumerate(groups):
        glob = (
            f"{section}/{{{','.join(group)}}}/**/*.html"
            if len(group) > 1
            else f"{section}/{group[0]}/**/*.html"
        )
        label = group[0] if len(group) == 1 else f"{group[-1]}-{group[0]}"
        subdir = "pagefind" if number == 0 else f"pagefind-{label}"
        shards.append(Shard(glob, subdir, sum(counts[y] for y in group)))
    return shards


def _html_files(folder: Path):
    for _, _, names in os.walk(folder):
        yield from (name for name in names if name.endswith(".html"))


def index_site_sharded(site: str | Path, max_pages: int) -> IndexStats:
    """Index ``site`` in one call when it is small, else in bounded shards, one after another
    (Pagefind holds a whole index in memory: about 250 KB a page).

    Writes ``pagefind/shards.json``: the other bundles' folders, relative to the site root,
    for the search page to merge (an empty list when there is one bundle).
    """
    site = Path(site)
    shards = plan_shards(site, max_pages) if (site / "events").is_dir() else []
    if len(shards) <= 1:
        stats = index_site(site)
        _write_manifest(site, [])
        return stats
    total = IndexStats(0, 0, 0, 0.0)
    for shard in shards:
        stats = index_site(site, glob=shard.glob, output_subdir=shard.output_subdir)
        total = IndexStats(
            total.pages + stats.pages,
            total.words + stats.words,
            max(total.languages, stats.languages),
            total.seconds + stats.seconds,
        )
    _write_manifest(site, [shard.output_subdir for shard in shards[1:]])
    return total


def _write_manifest(site: Path, bundles: list[str]) -> None:
    """Write the manifest by replacing the file (a bundle's files may be links to a cache)."""
    manifest = site / "pagefind" / MANIFEST
    manifest.parent.mkdir(parents=True, exist_ok=True)
    temporary = manifest.with_name(f".{MANIFEST}.tmp")
    temporary.write_text(json.dumps({"bundles": bundles}) + "\n", encoding="utf-8")
    os.replace(temporary, manifest)


def plan_bundles(
    site: Path, max_pages: int, bundle_pages: int, section: str = "events"
) -> list[Shard]:
    """Bundles for an archive re-indexed bundle by bundle: the newest year alone (where new
    stories land; written to ``pagefind/``), then older years in bundles of at most
    ``bundle_pages`` (and ``max_pages``) pages, a larger year a bundle of its own.

    Older years are packed from the oldest up, so that when a new year begins, the year before
    joins the newest of those bundles (or starts one) and every other bundle stays as it was:
    packed from the newest down, every boundary would move and every bundle be rebuilt."""
    root = Path(site) / section
    years = sorted(
        (d.name for d in root.iterdir() if d.is_dir() and d.name.isdigit()), reverse=True
    )
    if not years:
        return []
    counts = {year: sum(1 for _ in _html_files(root / year)) for year in years}
    limit = max(1, min(bundle_pages, max_pages))
    older: list[list[str]] = []  # oldest first
    for year in reversed(years[1:]):
        if older and sum(counts[y] for y in older[-1]) + counts[year] <= limit:
            older[-1].append(year)
        else:
            older.append([year])
    groups = [[years[0]], *(group[::-1] for group in reversed(older))]  # newest first
    return _shards(groups, counts, section)


def _section_bundles(site: Path, section: str, max_pages: int, bundle_pages: int,
                     split_min: int) -> list[Shard]:
    """The bundles of a section indexed apart (``incidents``): split by year as ``events`` is
    (its newest year alone in ``pagefind-<section>``, where a new story's incident and its
    neighbours change) from ``split_min`` pages up, else one bundle of the whole section."""
    if not (site / section).is_dir():
        return []
    planned = plan_bundles(site, max_pages, bundle_pages, section=section)
    if len(planned) > 1 and sum(s.pages for s in planned) >= split_min:
        own = f"pagefind-{section}"
        return [Shard(s.glob, s.output_subdir.replace("pagefind", own, 1), s.pages)
                for s in planned]
    pages = sum(1 for _ in _html_files(site / section))
    return [Shard(f"{section}/**/*.html", f"pagefind-{section}", pages)] if pages else []


def _bundle_pages(site: Path, shard: Shard | None) -> list[Path]:
    """The HTML files a bundle indexes: its years' pages, or (one bundle) every page."""
    if shard is None:
        return sorted(
            Path(folder) / name
            for folder, dirs, names in os.walk(site)
            for name in names
            if name.endswith(".html") and not Path(folder).relative_to(site).as_posix()
            .split("/", 1)[0].startswith("pagefind")
        )
    section, rest = shard.glob.split("/", 1)
    if rest.startswith("**/"):  # a whole section ("incidents/**/*.html")
        folders = [site / section]
    else:  # some of its years ("events/{2020,2019}/**/*.html")
        folders = [site / section / year for year in rest.split("/**", 1)[0].strip("{}").split(",")]
    return sorted(
        Path(folder) / name
        for top in folders
        for folder, _, names in os.walk(top)
        for name in names
        if name.endswith(".html")
    )


_MARKER = b"data-pagefind-"
_TAG_NAME = re.compile(rb"[a-zA-Z][\w-]*")
_HEAD = re.compile(rb"<html\b[^>]*>|<title\b[^>]*>[^<]*")


def _is_word_byte(byte: int) -> bool:
    return byte == 95 or 48 <= byte <= 57 or 65 <= byte <= 90 or 97 <= byte <= 122  # \w, _


def _marked_tags(data: bytes) -> list[tuple[int, int, int]]:
    """(start, end, end of the text that follows) of every tag carrying a ``data-pagefind-*``
    attribute, in order. Found from the attribute's literal, not by a regex that tries every
    tag of the page (that took most of a bundle's signature)."""
    found = []
    at = data.find(_MARKER)
    while at != -1:
        start = data.rfind(b"<", 0, at)
        close = data.find(b">", at)
        if (start == -1 or close == -1 or data.find(b">", start, at) != -1
                or not data[start + 1:start + 2].isalpha() or _is_word_byte(data[at - 1])):
            at = data.find(_MARKER, at + 1)  # not an attribute of a tag
            continue
        text_end = data.find(b"<", close + 1)
        text_end = len(data) if text_end == -1 else text_end
        found.append((start, close + 1, text_end))
        at = data.find(_MARKER, text_end)
    return found


def _element_end(data: bytes, start: int, after: int) -> int:
    """Where the element whose tag opens at ``start`` (and ends at ``after``) closes: after
    its matching closing tag, or the end of ``data``."""
    name = _TAG_NAME.match(data, start + 1)
    if name is None:
        return len(data)
    closing = re.compile(rb"<(/?)" + re.escape(name.group()) + rb"\b[^>]*>", re.I)
    depth = 1
    for tag in closing.finditer(data, after):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.end()
    return len(data)


def _views(data: bytes) -> tuple[bytes | None, bytes]:
    """(:func:`index_view`, the marked tags with the text that follows each, joined)."""
    tags = _marked_tags(data)
    marked = [data[start:text_end] for start, _, text_end in tags]
    bodies: list[bytes] = []
    position = 0
    for start, end, _ in tags:
        if start < position or not _is_body(data[start:end]):
            continue
        position = _element_end(data, start, end)
        bodies.append(data[start:position])
    if not bodies:
        return None, b"".join(marked)
    return b"\0".join([*_HEAD.findall(data), *bodies, *marked]), b"".join(marked)


def _is_body(tag: bytes) -> bool:
    """Whether a tag carries the ``data-pagefind-body`` attribute."""
    at = tag.find(b"data-pagefind-body")
    while at != -1:
        after = tag[at + 18:at + 19]
        if not _is_word_byte(tag[at - 1]) and not (after and _is_word_byte(after[0])):
            return True
        at = tag.find(b"data-pagefind-body", at + 1)
    return False


def index_view(data: bytes) -> bytes | None:
    """What Pagefind reads of a page that marks its body (None: it marks none): the
    ``<html>`` tag (language), the title, every ``data-pagefind-body`` element whole, and
    every element carrying a ``data-pagefind-*`` attribute (filters, metadata, sort keys,
    ignores), anywhere, with the text that follows its tag. The rest of the page (navigation,
    related stories outside the body ...) is left out, so a change there re-indexes nothing."""
    return _views(data)[0]


def page_digests(data: bytes) -> tuple[bytes, bytes | None, bytes]:
    """Digests of what a bundle's signature may take of one page: its whole bytes, its
    :func:`index_view` (None: it marks no body) and its markers alone."""
    view, marked = _views(data)

    def of(part: bytes) -> bytes:
        return hashlib.blake2b(part, digest_size=16).digest()

    return of(data), None if view is None else of(view), of(b"no body\0" + marked)


def bundle_signature(site: Path, shard: Shard | None, memo: FileMemo | None = None) -> str:
    """Digest of what a bundle is built from: Pagefind's version, where it goes, and each
    page's path and :func:`index_view` (its whole bytes when no page of the bundle marks a
    body, as Pagefind then indexes whole pages). ``memo``: page digests of unchanged files
    from the last build."""
    pages = _bundle_pages(site, shard)
    memo = memo or FileMemo(None, "")
    digests = []
    for page in pages:
        name = page.relative_to(site).as_posix()
        found = memo.value(name, page, lambda page=page: page_digests(page.read_bytes()))
        digests.append((name, found))
    any_body = any(view is not None for _, (_, view, _) in digests)
    h = hashlib.blake2b(digest_size=16)
    h.update(str(pagefind_executable().resolve()).encode())
    h.update(repr((shard.glob, shard.output_subdir) if shard else None).encode())
    for name, (whole, view, markers) in digests:
        h.update(name.encode() + b"\0")
        if not any_body:
            h.update(whole)
        else:  # pages without a body are left out of the index: only their markers count
            h.update(view if view is not None else markers)
    return h.hexdigest()


def _same_files(cached: Path, target: Path) -> bool:
    """Whether ``target`` holds exactly the cached bundle as hard links (kept in place)."""
    if not target.is_dir():
        return False
    names = sorted(p.relative_to(cached) for p in cached.rglob("*") if p.is_file())
    found = sorted(
        p.relative_to(target) for p in target.rglob("*") if p.is_file() and p.name != MANIFEST
    )
    if names != found:
        return False
    return all(os.path.samefile(cached / name, target / name) for name in names)


def _link_tree(source: Path, target: Path) -> None:
    """Copy a folder as hard links (a copy where links are not possible)."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, copy_function=_link_or_copy)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def index_site_incremental(
    site: str | Path,
    max_pages: int,
    cache: str | Path | None,
    *,
    bundle_pages: int = 5_000,
    split_min: int = 1_000,
    apart: tuple[str, ...] = (),
) -> IndexStats:
    """Index ``site`` in bundles (:func:`plan_bundles`; one bundle below ``split_min``
    pages), rebuilding only the bundles whose pages changed since the last build: the others
    are restored from ``cache`` (hard links), where every bundle built is kept. In a split
    index, each section of ``apart`` (e.g. ``incidents``) is a bundle of its own, last.

    Writes ``pagefind/shards.json`` as :func:`index_site_sharded` does."""
    site = Path(site)
    shards: list[Shard | None] = []
    if (site / "events").is_dir():
        planned = plan_bundles(site, max_pages, bundle_pages)
        if sum(s.pages for s in planned) >= split_min:
            shards = list(planned)
    if len(shards) <= 1:
        shards = [None]
    else:
        shards += [shard for section in apart for shard in _section_bundles(
            site, section, max_pages, bundle_pages, split_min)]
    store = Path(cache) if cache else None
    known = _read_cache_index(store)
    memo = FileMemo(store / _PAGES_MEMO if store else None, "pagefind-pages")
    total = IndexStats(0, 0, 0, 0.0)
    reused = 0
    fresh: dict[str, str] = {}
    for shard in shards:
        subdir = shard.output_subdir if shard else "pagefind"
        signature = bundle_signature(site, shard, memo)
        cached = store / subdir if store else None
        if cached is not None and known.get(subdir) == signature and cached.is_dir():
            if not _same_files(cached, site / subdir):
                _link_tree(cached, site / subdir)
            fresh[subdir] = signature
            reused += 1
            continue
        if store is not None and subdir in known:  # never let the index name a changed copy
            del known[subdir]
            _write_cache_index(store, known)
        shutil.rmtree(site / subdir, ignore_errors=True)
        if shard is None:
            stats = index_site(site)
        else:
            stats = index_site(site, glob=shard.glob, output_subdir=shard.output_subdir)
        total = IndexStats(
            total.pages + stats.pages,
            total.words + stats.words,
            max(total.languages, stats.languages),
            total.seconds + stats.seconds,
        )
        if cached is not None:
            _link_tree(site / subdir, cached)
            fresh[subdir] = signature
    if store is not None:
        for old in set(known) - set(fresh):
            shutil.rmtree(store / old, ignore_errors=True)
        _write_cache_index(store, fresh)
        memo.save()
    wanted = {s.output_subdir if s else "pagefind" for s in shards}
    for folder in site.iterdir():  # bundles of an earlier plan, in a folder kept in place
        if folder.is_dir() and folder.name.startswith("pagefind") and folder.name not in wanted:
            shutil.rmtree(folder, ignore_errors=True)
    _write_manifest(site, [s.output_subdir for s in shards[1:] if s is not None])
    return IndexStats(total.pages, total.words, total.languages, total.seconds, reused)


_CACHE_INDEX = "bundles.json"
_PAGES_MEMO = "pages.pickle"  # page digests (page_digests) by file, across builds


def _read_cache_index(store: Path | None) -> dict[str, str]:
    if store is None:
        return {}
    try:
        data = json.loads((store / _CACHE_INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _write_cache_index(store: Path, signatures: dict[str, str]) -> None:
    store.mkdir(parents=True, exist_ok=True)
    temporary = store / f".{_CACHE_INDEX}.tmp"
    temporary.write_text(json.dumps(signatures, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, store / _CACHE_INDEX)
