"""ArticleInput from content files, without Pelican: the command line's (and ingest's) reader.

A file is read with ``newsarchive.store.parse_article``; its text is tagged with
``newsarchive.tagger.load_tagger().tag_many`` (``tagging_text``: title, summary as the lead,
body), and the ``Entities``/``Not-Entities``/``Event-Types``/``Not-Event-Types`` metadata are
applied (``apply_hand_set``) as the site does. The tagger's main regions become ``regions``
and its main platforms the first ``platforms``; ``main_countries`` is left to the engine
(its rule: the country the title names first), which measured better on the gold. The key is
the article's URL, ``events/<year>/<slug>/``. A file that cannot be read is reported on
stderr in one line and skipped.
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from newsarchive.incidents.model import ArticleInput, Incident
from newsarchive.normalize import parse_date
from newsarchive.store import parse_article

DEFAULT_LANG = "en"  # pelicanconf.DEFAULT_LANG: other languages' URLs end in "-<lang>/"
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
    lang = meta.get("lang") or DEFAULT_LANG
    suffix = "" if lang == DEFAULT_LANG else f"-{lang}"  # as Pelican's ARTICLE_LANG_URL
    return RawArticle(
        key=f"events/{when:%Y}/{slug}{suffix}/", title=title, date=when, meta=meta,
        summary=plain(meta.get("summary", "")), text=plain(body),
    )


def content_files(content: Path) -> list[Path]:
    """Article files under ``content`` (``content/pages`` left out), in path order."""
    return sorted(p for p in content.rglob("*.md") if "pages" not in p.relative_to(content).parts)


def tag_articles(raws: Sequence[RawArticle], data_dir: Path | None = None) -> list[ArticleInput]:
    """ArticleInput of read files, tagged in one ``tag_many`` call, hand-set metadata applied
    as the site applies it."""
    from newsarchive.tagger import apply_hand_set, load_tagger, tagging_text

    tagger = load_tagger(data_dir)
    entities = tagger.gazetteer.entities
    results = tagger.tag_many(tagging_text(r.title, r.summary, r.text) for r in raws)
    out = []
    for raw, result in zip(raws, results, strict=True):
        result = apply_hand_set(tagger, result, raw.meta, raw.key)
        ids = [row[0] for row in result.rows]

        def of(type_: str, ids: list[str] = ids) -> list[str]:
            return [i for i in ids if entities[i].type == type_]

        main = result.main_countries
        platforms = result.main_platforms + result.mentioned_platforms
        out.append(ArticleInput(
            key=raw.key, title=raw.title, date=raw.date, source=raw.meta.get("source", ""),
            source_url=raw.meta.get("source-url", ""), summary=raw.summary, text=raw.text,
            lang=raw.meta.get("lang") or DEFAULT_LANG,
            countries=tuple(dict.fromkeys([*main, *of("country")])),
            main_countries=None,
            regions=tuple(r for r in result.regions if r in result.main),
            platforms=tuple(dict.fromkeys(platforms)),
            event_types=tuple(t.id for t in result.event_types), meta=dict(raw.meta),
            bodies=tuple(of("body")),
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


@dataclass(slots=True)
class Joined:
    """What ``ingest`` says of its new files: the incident each joins (None: none), and the
    ``Incident:`` id to write into the ones that would otherwise rename an incident."""

    incidents: dict[Path, object]
    keep: dict[Path, str]


def incidents_for_files(new_files: Sequence[Path], content: Path | str,
                        data_dir: Path | None = None, created: Sequence[Path] | None = None
                        ) -> Joined:
    """The incident each newly written content file joins, for ``ingest``.

    Reads and tags the whole archive under ``content`` (the new files included), as the next
    site build will. An incident's id comes from its earliest report, so a new report dated
    before it would give the incident a new id and URL: such files (of ``created``, the
    files that are new rather than updated; all of ``new_files`` by default) get an
    ``Incident:`` id to keep (see :func:`kept_ids`), and are reported under it.
    """
    from newsarchive.incidents.cache import ProfileCache
    from newsarchive.incidents.engine import build_incidents
    from newsarchive.incidents.places import load_names

    new_files = [Path(p) for p in new_files]
    key_of: dict[Path, str | None] = {}
    for path in new_files:
        try:
            key_of[path] = read_file(path).key
        except ValueError:
            key_of[path] = None
    wanted = {p.resolve() for p in new_files}
    existing = read_content(content, data_dir, files=[
        p for p in content_files(Path(content)) if p.resolve() not in wanted])
    new_inputs = read_content(content, data_dir, files=new_files)
    fresh = {p.resolve() for p in (new_files if created is None else created)}
    fresh_keys = {key for path, key in key_of.items() if key and path.resolve() in fresh}
    new_keys = {a.key for a in new_inputs}
    old = [a for a in existing if a.key not in new_keys]
    names = load_names(str(data_dir) if data_dir else None)
    memory = ProfileCache(None, names)  # each article is read once for the builds below
    updated = [a for a in new_inputs if a.key not in fresh_keys]
    before = build_incidents([*old, *updated], names, memory)
    after = build_incidents([*old, *new_inputs], names, memory)
    keep = kept_ids(before, after, fresh_keys)
    if keep:
        kept = [replace(a, meta={**a.meta, "incident": keep[a.key]}) if a.key in keep else a
                for a in new_inputs]
        after = build_incidents([*old, *kept], names, memory)
    by_key = {key: incident for incident in after for key in incident.articles}
    joined = {path: by_key.get(key) if key else None for path, key in key_of.items()}
    ids = {path: keep[key] for path, key in key_of.items() if key in keep}
    return Joined(joined, ids)


def kept_ids(before: Sequence[Incident], after: Sequence[Incident], new_keys: set[str]
             ) -> dict[str, str]:
    """{new article key: id} for the new reports of each incident whose id the new reports
    would change (its earliest report is now a new one): the id most of its old reports had
    (none when that id lives on in another incident, or no old report had one)."""
    was = {key: incident.id for incident in before for key in incident.articles}
    ids_after = {incident.id for incident in after}
    ids_before = {incident.id for incident in before}
    keep: dict[str, str] = {}
    for incident in after:
        if incident.id in ids_before:
            continue
        olds = [was[key] for key in incident.articles if key in was]
        new_here = [key for key in incident.articles if key in new_keys]
        if not olds or not new_here:
            continue
        old_id = max(dict.fromkeys(olds), key=olds.count)  # the most; ties: the earliest
        if old_id in ids_after:
            continue
        keep.update(dict.fromkeys(new_here, old_id))
    return keep
