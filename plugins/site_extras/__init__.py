"""Open-data exports and sitemap.xml for the archive.

Signals:
- ``article_writer_finalized`` (the articles generator, after it wrote its pages): every
  article is read, tagged and final, so ``data/articles.json`` and ``data/articles.csv`` are
  written from it (one row per article; translations are versions of the same event), and,
  when the incidents plugin has grouped them (``generator.incidents``, set at
  ``article_generator_finalized``), ``data/incidents.json`` and ``data/incidents.csv`` (one row
  per incident).
- ``finalized`` (everything written): ``sitemap.xml`` lists every HTML page found in the
  output, entity pages included whichever plugin wrote them, and ``robots.txt`` gets its
  ``Sitemap:`` line when SITEURL is absolute.
- ``feed_generated``: the site-wide Atom feed gets absolute ids in a local build.

The rows and the XML come from the pure functions of ``newsarchive.open_data``.
Settings: SITE_EXTRAS_DATA (bool, default True), SITE_EXTRAS_SITEMAP (bool, default True).
"""

from __future__ import annotations

import logging
import os
import re
from functools import partial
from pathlib import Path
from typing import Any

from markupsafe import Markup
from pelican import signals

from newsarchive.atom_ids import make_ids_absolute
from newsarchive.file_memo import FileMemo
from newsarchive.open_data import (
    Entry,
    Place,
    Platform,
    incident_rows,
    incidents_to_csv,
    incidents_to_json,
    sitemap_xml,
    to_csv,
    to_json,
)

log = logging.getLogger(__name__)

DATA_DIR = "data"
# Output folders that are not pages a reader or a crawler should be sent to.
_SKIP_TOP = {"drafts", "theme", DATA_DIR, "search"}
_PAGINATED = re.compile(r"(^|/)page/\d+$")
_DATE_META = re.compile(
    rb'<meta property="article:(?:modified|published)_time" content="(\d{4}-\d{2}-\d{2})'
)


def _settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Read and validate this plugin's settings in one place."""
    opts = {}
    for key in ("SITE_EXTRAS_DATA", "SITE_EXTRAS_SITEMAP"):
        value = settings.get(key, True)
        if not isinstance(value, bool):
            raise ValueError(f"{key} must be True or False")
        opts[key] = value
    siteurl = str(settings.get("SITEURL") or "").rstrip("/")
    opts["absolute"] = siteurl if siteurl.startswith(("http://", "https://")) else ""
    opts["output"] = settings["OUTPUT_PATH"]
    return opts


def _text(value: Any) -> str:
    """Plain text of a title or summary that may hold markup or entities."""
    return Markup(str(value or "")).striptags()


def _place(entity: Any) -> Place:
    """A country entity (ISO alpha-2 id) or a region (its parent's code when known)."""
    entity_id = str(entity.id)
    if len(entity_id) == 2 and entity_id.isalpha():
        return Place(entity.name, entity_id, is_region=False)
    parent = str(getattr(entity, "parent", "") or "")
    return Place(entity.name, parent if len(parent) == 2 else "", is_region=True)


def article_entry(article: Any, absolute_siteurl: str = "") -> Entry:
    """Plain values of one Pelican article (works without the entities plugin too)."""
    url = f"{absolute_siteurl}/{article.url}" if absolute_siteurl else article.url
    modified = getattr(article, "modified", None)
    entities = [
        f"{entity.type}:{entity.id}"
        for _label, group in getattr(article, "entities", None) or []
        for entity in group
    ]
    return Entry(
        date=article.date.strftime("%Y-%m-%d"),
        title=_text(article.title),
        url=url,
        source=str(getattr(article, "source", "") or ""),
        source_url=str(article.metadata.get("source-url", "") or ""),
        places=tuple(_place(c) for c in getattr(article, "countries", None) or []),
        platforms=tuple(
            Platform(str(p.id), str(p.name)) for p in getattr(article, "platforms", None) or []
        ),
        event_types=tuple(str(t.id) for t in getattr(article, "event_types", None) or []),
        entities=tuple(entities),
        lang=str(getattr(article, "lang", "") or ""),
        updated=modified.strftime("%Y-%m-%d") if modified else "",
        summary=_text(getattr(article, "summary", "")),
    )


def _write(path: Path, text: str) -> None:
    """Write ``text`` atomically unless the file already holds exactly it (keeps mtimes for
    syncs). The file gets the umask's usual mode (0644 under umask 022), not a temp file's."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def write_open_data(generator: Any, writer: Any = None) -> None:
    """Write data/articles.json and data/articles.csv from the articles generator."""
    opts = _settings(generator.settings)
    if not opts["SITE_EXTRAS_DATA"]:
        return
    entries = [article_entry(a, opts["absolute"]) for a in generator.articles]
    folder = Path(opts["output"]) / DATA_DIR
    _write(folder / "articles.json", to_json(entries))
    _write(folder / "articles.csv", to_csv(entries))
    log.info("site_extras: wrote %s/articles.json and .csv (%d rows)", DATA_DIR, len(entries))
    write_incident_data(generator, folder, opts["absolute"])


def write_incident_data(generator: Any, folder: Path, absolute_siteurl: str) -> None:
    """Write data/incidents.json and .csv from the incidents plugin's state, if it ran."""
    state = getattr(generator, "incidents", None)
    if state is None or not hasattr(state, "views"):
        return
    records = [view.incident.record(state.inputs) for view in state.views]
    rows = incident_rows(records, absolute_siteurl)
    _write(folder / "incidents.json", incidents_to_json(rows))
    _write(folder / "incidents.csv", incidents_to_csv(rows))
    log.info("site_extras: wrote %s/incidents.json and .csv (%d rows)", DATA_DIR, len(rows))


def _page_date(path: Path) -> str | None:
    """A page's article:modified_time or article:published_time (the latest), if any."""
    with open(path, "rb") as handle:
        head = handle.read(8192)
    dates = _DATE_META.findall(head)
    return max(dates).decode() if dates else None


def site_pages(output: Path, memo: FileMemo | None = None) -> list[tuple[str, str | None]]:
    """Every page of the built site as (path from the root, date or None), for the sitemap:
    folders holding an index.html, minus drafts, assets, search bundles and pagination pages.
    The date is read from the page's article:modified_time or article:published_time (or
    taken from ``memo`` while the file is unchanged)."""
    memo = memo or FileMemo(None, "")
    pages = []
    for folder, dirs, files in os.walk(output):
        rel = Path(folder).relative_to(output).as_posix()
        rel = "" if rel == "." else rel
        if not rel:
            dirs[:] = [d for d in dirs if d not in _SKIP_TOP and not d.startswith("pagefind")]
        dirs.sort()
        if "index.html" not in files or _PAGINATED.search(rel):
            continue
        path = Path(folder) / "index.html"
        pages.append((f"{rel}/" if rel else "", memo.value(rel, path, partial(_page_date, path))))
    return pages


def write_sitemap(pelican: Any) -> None:
    """Write sitemap.xml over the built output; point robots.txt at it when SITEURL is set."""
    opts = _settings(pelican.settings)
    if not opts["SITE_EXTRAS_SITEMAP"]:
        return
    output = Path(opts["output"])
    base = f"{opts['absolute']}/" if opts["absolute"] else "/"
    cache = Path(pelican.settings.get("CACHE_PATH") or ".cache")
    memo = FileMemo(cache / "site_extras" / "sitemap-dates.pickle", str(output.resolve()))
    pages = [(base + path, lastmod) for path, lastmod in site_pages(output, memo)]
    memo.save()
    _write(output / "sitemap.xml", sitemap_xml(pages))
    robots = output / "robots.txt"
    if opts["absolute"] and robots.is_file():
        text = robots.read_text(encoding="utf-8")
        if not re.search(r"(?im)^\s*sitemap:", text):
            _write(robots, text.rstrip("\n") + f"\n\nSitemap: {base}sitemap.xml\n")
    if not opts["absolute"]:
        log.info("site_extras: SITEURL is relative, so sitemap.xml lists root-relative paths")
    log.info("site_extras: sitemap.xml lists %d pages", len(pages))


def site_feed_ids(context: dict[str, Any], feed: Any) -> None:
    """Valid Atom ids for the site-wide feed in a local build (see newsarchive.atom_ids)."""
    wanted = str(context.get("FEED_ALL_ATOM") or "")
    if wanted and str(feed.feed.get("feed_url") or "").lstrip("/").endswith(wanted):
        make_ids_absolute(feed)


def register() -> None:
    """Connect the exports to Pelican's signals (see the module docstring for the order)."""
    signals.article_writer_finalized.connect(write_open_data)
    signals.finalized.connect(write_sitemap)
    signals.feed_generated.connect(site_feed_ids)
