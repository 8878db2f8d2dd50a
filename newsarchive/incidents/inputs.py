"""ArticleInput from content files, without Pelican: the command line's (and ingest's) reader.

A file is read with ``newsarchive.store.parse_article``; its text is tagged with
``newsarchive.entities.load_tagger().tag_many`` (title, summary as the lead, body), and the
``Entities``/``Not-Entities``/``Event-Types``/``Not-Event-Types`` metadata are applied as the
site does. The key is the article's URL, ``events/<year>/<slug>/``. A file that cannot be read
is reported on stderr in one line and skipped.
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from newsarchive.incidents.model import ArticleInput
from newsarchive.normalize import parse_date
from newsarchive.store import parse_article

_TAG = re.compile(r"<[^>]+>")
_MD = re.compile(r"(?m)^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+)|\*\*|__|`|!?\[([^\]]*)\]\([^)]*\)")


@dataclass(frozen=True, slots=True)
class RawArticle:
    """A content file's metadata and plain texts, before tagging."""

    key: str
    title: str
    date: datetime
    meta: dict[str, str]
    summary: str
    text: str


def plain(value: str) -> str:
    """Plain text of a Markdown/HTML body."""
    value = _MD.sub(lambda m: m.group(1) or "", value)
    return html.unescape(_TAG.sub(" ", value)).strip()


def _slugify(title: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", title.lower())) or "article"


def read_file(path: Path) -> RawArticle:
    """One content file; ValueError naming the reason when it is not an article."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"unreadable ({err.__class__.__name__})") from err
    meta, body = parse_article(text)
    title = html.unescape(meta.get("title", "")).strip()
    when = parse_date(meta.get("date"))
    if not title:
        raise ValueError("no Title")
    if when is None:
        raise ValueError("no readable Date")
    slug = meta.get("slug") or _slugify(title)
    return RawArticle(
        key=f"events/{when:%Y}/{slug}/", title=title, date=when, meta=meta,
        summary=plain(meta.get("summary", "")), text=plain(body),
    )


def content_files(content: Path) -> list[Path]:
    """Article files under ``content`` (``content/pages`` left out), in path order."""
    return sorted(p for p in content.rglob("*.md") if "pages" not in p.relative_to(content).parts)


def _ids(value: str | None) -> list[str]:
    return [i.strip().split(":", 1)[-1] for i in (value or "").split(",") if i.strip()]


def tag_articles(raws: Sequence[RawArticle], data_dir: Path | None = None) -> list[ArticleInput]:
    """ArticleInput of read files, tagged in one ``tag_many`` call."""
    from newsarchive.entities import load_tagger

    tagger = load_tagger(data_dir)
    entities = tagger.gazetteer.entities
    results = tagger.tag_many((r.title, r.summary, r.text) for r in raws)
    out = []
    for raw, result in zip(raws, results, strict=True):
        removed = set(_ids(raw.meta.get("not-entities")))
        ids = [row[0] for row in result.rows if row[0] not in removed]
        ids += [i for i in _ids(raw.meta.get("entities")) if i in entities and i not in ids]
        removed_types = set(_ids(raw.meta.get("not-event-types")))
        types = [t.id for t in result.event_types if t.id not in removed_types]
        types += [t for t in _ids(raw.meta.get("event-types")) if t not in types]
        countries = tuple(i for i in ids if entities[i].type == "country")
        out.append(ArticleInput(
            key=raw.key, title=raw.title, date=raw.date, source=raw.meta.get("source", ""),
            source_url=raw.meta.get("source-url", ""), summary=raw.summary, text=raw.text,
            lang=raw.meta.get("lang", "en"),
            countries=tuple(c for c in countries if not entities[c].parent),
            main_countries=None,
            regions=tuple(c for c in countries if entities[c].parent),
            platforms=tuple(i for i in ids if entities[i].type == "platform"),
            event_types=tuple(types), meta=dict(raw.meta),
            bodies=tuple(i for i in ids if entities[i].type == "body"),
        ))
    return out


def read_content(content: Path | str, data_dir: Path | None = None,
                 files: Iterable[Path] | None = None) -> list[ArticleInput]:
    """ArticleInput of every article under ``content`` (or of ``files``); bad files reported."""
    raws = []
    for path in files if files is not None else content_files(Path(content)):
        try:
            raws.append(read_file(path))
        except ValueError as err:
            print(f"newsarchive incidents: {path}: skipped: {err}", file=sys.stderr)
    return tag_articles(raws, data_dir)


def incidents_for_files(new_files: Sequence[Path], content: Path | str,
                        data_dir: Path | None = None) -> dict[Path, object]:
    """The incident each newly written content file joins (None: none), for ``ingest``.

    Reads and tags the whole archive under ``content`` (the new files included), as the next
    site build will, and returns {file: Incident or None}.
    """
    from newsarchive.incidents.engine import incident_for

    new_files = [Path(p) for p in new_files]
    wanted = {p.resolve() for p in new_files}
    existing = [p for p in content_files(Path(content)) if p.resolve() not in wanted]
    new_inputs = read_content(content, data_dir, files=new_files)
    joined = incident_for(new_inputs, read_content(content, data_dir, files=existing))
    keys = {}
    for path in new_files:
        try:
            keys[path] = read_file(path).key
        except ValueError:
            keys[path] = None
    return {path: joined.get(key) if key else None for path, key in keys.items()}
