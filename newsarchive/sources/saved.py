"""Saved articles: HTML pages saved from a browser, plain text, and Markdown.

HTML: the article body comes from trafilatura (the best-scoring open extractor; its output
goes through our sanitiser like everything else), the metadata from BeautifulSoup over the
page's head: JSON-LD ``NewsArticle``, OpenGraph, ``<meta>``, ``<time>``, the canonical link.
Plain text: first line the title, one paragraph per line (or per blank-line block), short
unpunctuated lines as subheadings. Markdown: optional YAML-style or Pelican-style front
matter, rendered with Python-Markdown, then sanitised.
"""

from __future__ import annotations

import html as htmllib
import json
import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import bs4
import markdown
import trafilatura

from newsarchive.normalize import absolute_url, clean_line, parse_date
from newsarchive.record import Record
from newsarchive.settings import FeedConfig
from newsarchive.sources.base import SourceError, SourceResult, finish, markup_to_line
from newsarchive.sources.nesting import MAX_DEPTH, flatten_deep
from newsarchive.sources.textcodec import decode_html, decode_text

ARTICLE_TYPES = frozenset(
    {"article", "newsarticle", "reportage", "analysisnewsarticle", "reportagenewsarticle",
     "opinionnewsarticle", "backgroundnewsarticle", "blogposting", "socialmediaposting",
     "scholarlyarticle", "techarticle", "liveblogposting", "webpage", "report"}
)
TITLE_SEPARATORS = re.compile(r"\s+(?:[|\-–—·•»:/\\]|::|\[)\s*")
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.IGNORECASE)
_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z-]+)", re.IGNORECASE)
_HEAD_TAGS = bs4.SoupStrainer(["meta", "link", "script", "time", "title", "h1", "base"])
_MD = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")
_SENTENCE_END = tuple(".!?:;,…\"'”’»)]")


# --- HTML -----------------------------------------------------------------------------------


def _jsonld_objects(soup: bs4.BeautifulSoup) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, @graph and lists flattened."""
    found: list[dict[str, Any]] = []
    for script in soup.find_all("script", type=re.compile(r"ld\+json", re.I)):
        raw = (script.string or script.get_text() or "").strip()
        raw = re.sub(r"^(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>$", "", raw).strip().rstrip(";")
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, ValueError):
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(reversed(node))
            elif isinstance(node, dict):
                found.append(node)
                if isinstance(node.get("@graph"), list):
                    stack.extend(reversed(node["@graph"]))
    return found


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type", "")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds}


def _names(value: Any) -> list[str]:
    """Names from a JSON-LD person/organisation, a list of them, or a string."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name")
        return [name] if isinstance(name, str) else []
    if isinstance(value, list):
        return [n for item in value for n in _names(item)]
    return []


def _url_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return str(value.get("@id") or value.get("url") or "")
    return ""


class _Meta:
    """The page's metadata, read once from a parse of its head-ish tags."""

    def __init__(self, markup: str) -> None:
        soup = bs4.BeautifulSoup(markup, "lxml", parse_only=_HEAD_TAGS)
        self.props: dict[str, str] = {}
        for tag in soup.find_all("meta"):
            key = (tag.get("property") or tag.get("name") or tag.get("itemprop")
                   or tag.get("http-equiv") or "")
            value = tag.get("content")
            if isinstance(key, str) and isinstance(value, str) and value.strip():
                for name in key.lower().split():  # property="og:title twitter:title"
                    self.props.setdefault(name, value.strip())
        self.article: dict[str, Any] = next(
            (n for n in _jsonld_objects(soup) if _types(n) & ARTICLE_TYPES - {"webpage"}),
            {},
        )
        self.title_tag = clean_line(soup.title.get_text()) if soup.title else ""
        self.h1s = [clean_line(h.get_text(" ")) for h in soup.find_all("h1")][:5]
        canonical = soup.find("link", rel=lambda r: r and "canonical" in r)
        self.canonical = canonical.get("href", "") if canonical else ""
        base = soup.find("base", href=True)
        self.base = base["href"] if base else ""
        self.times = [
            t.get("datetime") for t in soup.find_all("time")
            if t.get("datetime") and (t.get("pubdate") is not None
                                      or "publish" in " ".join(t.get("class") or []).lower()
                                      or t.get("itemprop") == "datePublished")
        ] or [t.get("datetime") for t in soup.find_all("time", datetime=True)][:1]

    def first(self, *keys: str) -> str:
        for key in keys:
            if self.props.get(key):
                return self.props[key]
        return ""


def site_name(meta: _Meta, url: str) -> str:
    """The outlet: og:site_name, the JSON-LD publisher, or the host without www."""
    publisher = _names(meta.article.get("publisher"))
    name = meta.first("og:site_name", "application-name") or (publisher[0] if publisher else "")
    if name:
        return clean_line(name)
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def _similarity(text: str, reference: str) -> float:
    """How much of ``reference`` ``text`` covers: 1 - the share of reference characters in
    words that ``text`` lacks (the measure Readability uses for the same decision)."""
    words = set(re.findall(r"\w+", text.lower()))
    ref_words = re.findall(r"\w+", reference.lower())
    if not ref_words:
        return 0.0
    missing = " ".join(w for w in ref_words if w not in words)
    return 1 - len(missing) / len(" ".join(ref_words))


def _jsonld_headline(meta: _Meta, outlet: str) -> str:
    """JSON-LD ``headline``, or its ``name`` when the two differ and only the name is close
    to the ``<title>`` without its site segment (some sites put a description in the headline
    or a site label in the name)."""
    headline, name = meta.article.get("headline"), meta.article.get("name")
    headline = headline if isinstance(headline, str) else ""
    name = name if isinstance(name, str) else ""
    if headline and name and headline != name and meta.title_tag:
        title = clean_title_tag(meta, outlet)
        if _similarity(name, title) > 0.75 >= _similarity(headline, title):
            return name
    return headline or name


def choose_title(meta: _Meta, outlet: str) -> str:
    """The headline, by named preference, with the site name cut off.

    Order: JSON-LD ``headline`` (see ``_jsonld_headline``), Dublin Core title, ``og:title``,
    ``twitter:title``, ``parsely-title``, ``<meta name=title>``, then the ``<title>``: when it
    is an ``<h1>`` followed by a separator and a site segment (or a short site segment, then
    the ``<h1>``), the ``<h1>``; otherwise the ``<title>`` with its site segment cut off; last,
    the first ``<h1>``.
    """
    candidates = [
        _jsonld_headline(meta, outlet),
        meta.first("dc:title", "dcterm:title", "dc.title", "dcterms.title", "og:title",
                   "twitter:title", "parsely-title", "title"),
    ]
    for candidate in candidates:
        line = markup_to_line(candidate)
        if line:
            return strip_site_name(line, outlet)
    return clean_title_tag(meta, outlet) or (meta.h1s[0] if meta.h1s else "")


def clean_title_tag(meta: _Meta, outlet: str) -> str:
    """The ``<title>`` without its site segment: the ``<h1>`` it starts with (or ends with,
    after a short segment), else the title with a trailing site segment cut off."""
    title = markup_to_line(meta.title_tag)
    if not title:
        return ""
    for h1 in meta.h1s:
        if len(h1) <= 3 or h1.lower() not in title.lower():
            continue
        before, _, after = title.lower().partition(h1.lower())
        if not before and (not after or TITLE_SEPARATORS.match(after)):
            return h1
        if not after and TITLE_SEPARATORS.search(before) and len(before.split()) <= 4:
            return h1
    return strip_site_name(title, outlet, aggressive=True)


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text.lower())


def strip_site_name(title: str, outlet: str, *, aggressive: bool = False) -> str:
    """Remove a leading or trailing 'Site Name' segment from a title.

    A segment is removed when it names the outlet (or its host); with ``aggressive`` (a bare
    ``<title>``), a short last segment is removed too when at least four words remain.
    """
    parts = TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    outlet_key = _key(outlet)
    spans = [m.span() for m in TITLE_SEPARATORS.finditer(title)]
    last_key, first_key = _key(parts[-1]), _key(parts[0])
    if outlet_key and last_key and (
        last_key == outlet_key
        or (len(last_key) > 3 and outlet_key.startswith(last_key))
        or (len(outlet_key) > 3 and last_key.startswith(outlet_key))
    ):
        return title[: spans[-1][0]].strip()
    if outlet_key and first_key == outlet_key:
        return title[spans[0][1]:].strip()
    if aggressive:
        head = title[: spans[-1][0]].strip()
        if len(head.split()) >= 4 and len(parts[-1].split()) <= 4:
            return head
    return title


def _published(meta: _Meta) -> datetime | None:
    article = meta.article
    for value in (
        article.get("datePublished"), article.get("dateCreated"),
        meta.first("article:published_time", "og:published_time", "datepublished",
                   "date", "pubdate", "publishdate", "dc.date", "dc.date.issued",
                   "dcterms.created", "dcterms.date", "sailthru.date", "parsely-pub-date",
                   "publication_date", "citation_publication_date"),
        *meta.times,
    ):
        parsed = parse_date(value) if isinstance(value, str) else None
        if parsed:
            return parsed
    return None


def _modified(meta: _Meta) -> datetime | None:
    for value in (meta.article.get("dateModified"),
                  meta.first("article:modified_time", "og:updated_time", "dcterms.modified",
                             "last-modified")):
        parsed = parse_date(value) if isinstance(value, str) else None
        if parsed:
            return parsed
    return None


def _authors(meta: _Meta) -> list[str]:
    names = [n for n in _names(meta.article.get("author")) if not n.startswith("http")]
    if not names:
        names = [meta.first("author", "article:author", "dc.creator", "parsely-author",
                            "sailthru.author", "byl")]
        names = [re.sub(r"^by\s+", "", n, flags=re.I) for n in names
                 if n and not n.startswith("http")]
    return names[:8]


def extract_body(markup: str, url: str = "") -> str:
    """The article's main content as (unsanitised) HTML, through trafilatura."""
    body = trafilatura.extract(
        markup,
        url=url or None,
        output_format="html",
        include_comments=False,
        include_tables=True,
        include_images=True,
        include_links=True,
        deduplicate=False,
        with_metadata=False,
    )
    return body or ""


def read_html(data: bytes, source: str, config: FeedConfig | None = None, *,
              location: str = "", mtime: datetime | None = None) -> SourceResult:
    """A saved HTML page as one record."""
    config = config or FeedConfig()
    markup, depth = flatten_deep(decode_html(data))
    warnings = [f"elements nested {depth} deep: the tags below {MAX_DEPTH} levels were "
                "flattened so their text is kept"] if depth > MAX_DEPTH else []
    meta = _Meta(markup)
    saved_from = _SAVED_FROM.search(markup[:4096])
    page_url = location if location.startswith(("http://", "https://")) else ""
    url = (absolute_url(meta.canonical, page_url) or absolute_url(meta.first("og:url"), page_url)
           or absolute_url(_url_of(meta.article.get("url")), page_url)
           or absolute_url(_url_of(meta.article.get("mainEntityOfPage")), page_url)
           or page_url or (absolute_url(saved_from.group(1)) if saved_from else ""))
    outlet = config.name or site_name(meta, url)
    title = choose_title(meta, outlet)
    lang_match = _HTML_LANG.search(markup[:20000])
    language = (config.language or (lang_match.group(1) if lang_match else "")
                or str(meta.article.get("inLanguage") or "") or meta.first("og:locale",
                                                                           "content-language"))
    body = extract_body(markup, url)
    if not body.strip() and not title:
        raise SourceError("no article text found in the page")
    description = meta.first("og:description", "description", "twitter:description") or str(
        meta.article.get("description") or ""
    )
    image = next((u for u in (meta.first("og:image", "twitter:image"),
                              _url_of(meta.article.get("image")))
                  if u.startswith("https://")), "")
    record = Record(
        title=title,
        url=url,
        source=source,
        guid="",
        published=_published(meta),
        updated=_modified(meta),
        authors=_authors(meta),
        source_name=outlet,
        feed=config.name,
        language=language,
        image=image,
        tags=list(config.tags),
        kind="html",
        always_relevant=config.always_relevant,
    )
    base = absolute_url(meta.base, url) or url
    finish(record, raw_html=_drop_title_heading(body, title), base_url=base,
           raw_summary=htmllib.escape(description, quote=False), fallback_date=mtime,
           fallback_source="file")
    return SourceResult(source=source, kind="html", records=[record], title=outlet,
                        warnings=warnings)


def _drop_title_heading(body: str, title: str) -> str:
    """The extracted body without a leading heading that repeats the title."""
    match = re.search(r"<h([1-6])[^>]*>(.*?)</h\1>", body[:4000], re.S | re.I)
    if match and title:
        heading = clean_line(re.sub(r"<[^>]+>", " ", match.group(2)))
        before = re.sub(r"<[^>]+>|\s", "", body[: match.start()])
        if not before and heading.lower() == title.lower():
            return body[: match.start()] + body[match.end():]
    return body


# --- plain text -----------------------------------------------------------------------------


def _is_subheading(line: str) -> bool:
    """A short line (2-14 words, under 100 characters) that does not end like a sentence."""
    words = line.split()
    return 1 <= len(words) <= 14 and len(line) < 100 and not line.endswith(_SENTENCE_END)


def text_to_html(body: str) -> str:
    """Plain-text paragraphs as HTML; short unpunctuated lines become ``<h2>``."""
    blocks = re.split(r"\n\s*\n", body) if re.search(r"\n\s*\n", body) else body.split("\n")
    parts = []
    for block in blocks:
        line = " ".join(block.split())
        if not line:
            continue
        escaped = htmllib.escape(line, quote=False)
        parts.append(f"<h2>{escaped}</h2>" if _is_subheading(line) else f"<p>{escaped}</p>")
    return "\n".join(parts)


# "Key: value" lines a saved text may carry around its title (what copying an article with its
# byline gives, or what an editor adds): the field each key fills
_TEXT_KEYS = {
    key: field
    for field, keys in {
        "title": "title|headline|título|titre|titolo|заголовок|başlık|العنوان|عنوان",
        "url": "url|link|source url|source-url|original url|canonical|enlace|lien|ссылка|"
               "bağlantı|الرابط|پیوند",
        "source": "source|outlet|publisher|publication|fuente|fonte|quelle|источник|kaynak|"
                  "المصدر|منبع",
        "published": "date|published|published on|pubdate|fecha|data|datum|дата|tarih|"
                     "التاريخ|تاریخ",
        "updated": "updated|modified|actualizado|mis à jour|обновлено",
        "authors": "by|author|authors|byline|autor|autores|auteur|auteurs|par|por|von|автор|"
                   "yazar|الكاتب|نویسنده",
        "language": "lang|language|idioma|langue|язык|dil|اللغة|زبان",
    }.items()
    for key in keys.split("|")
}
_TEXT_HEADER = re.compile(r"\s*([^\W\d_][^\W\d_ -]*(?:[ -][^\W\d_]+){0,2})\s*:\s*(\S.{0,300})\s*")


def _text_header(line: str) -> tuple[str, str] | None:
    """(field, value) of a "Key: value" line of a known key whose value fits the field."""
    match = _TEXT_HEADER.fullmatch(line)
    if not match:
        return None
    field = _TEXT_KEYS.get(match.group(1).lower())
    value = match.group(2).strip()
    if field == "source" and "://" in value:  # "Source: https://..." names the page
        field = "url"
    if field == "url" and not re.fullmatch(r"https?://\S+", value):
        return None
    if field in ("published", "updated") and parse_date(value) is None:
        return None
    if field in ("source", "authors", "title") and (
            "://" in value or (field != "title" and (len(value) > 80 or value.endswith(".")))):
        return None  # a sentence, not a name
    return (field, value) if field else None


def text_headers(text: str) -> tuple[dict[str, str], str]:
    """(fields, the rest) of a plain text: "Key: value" lines at its start, or right after a
    first (title) line, blank lines between them allowed. Only known keys whose values fit
    (a URL, a date...) count, so a body that opens with "Update: ..." stays body."""
    lines = text.split("\n")
    fields: dict[str, str] = {}
    at = 0
    for start in (0, 1):
        at = start
        while at < len(lines) and not lines[at].strip():
            at += 1
        while at < len(lines):
            found = _text_header(lines[at]) if lines[at].strip() else None
            if found is None:
                if not lines[at].strip() and fields:
                    at += 1
                    continue
                break
            fields.setdefault(*found)
            at += 1
        if fields:
            if start == 1 and "title" not in fields:
                fields["title"] = lines[0].strip()
            return fields, "\n".join(lines[at:])
    return {}, text


def read_text(data: bytes, source: str, config: FeedConfig | None = None, *,
              location: str = "", mtime: datetime | None = None) -> SourceResult:
    """A saved plain-text article: first non-empty line the title, the rest the body;
    "Source:", "URL:", "Date:", "By:" lines next to the title are its metadata."""
    config = config or FeedConfig()
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n").strip()
    fields, rest = text_headers(text)
    if fields.get("title"):
        title, body = fields["title"], rest
    else:
        title, _, body = (rest if fields else text).strip().partition("\n")
    if not body.strip():
        raise SourceError("text file has a title line but no body")
    split = re.compile(r"\s*(?:[;,]|\band\b)\s*")
    record = Record(title=clean_line(title),
                    url=fields.get("url") or (location if "://" in location else ""),
                    source=source, source_name=config.name or fields.get("source", ""),
                    feed=config.name,
                    published=parse_date(fields.get("published")),
                    updated=parse_date(fields.get("updated")),
                    authors=[a for a in split.split(fields.get("authors", "")) if a],
                    language=config.language or fields.get("language", ""),
                    tags=list(config.tags), kind="text",
                    always_relevant=config.always_relevant)
    finish(record, raw_html=text_to_html(body), fallback_date=mtime, fallback_source="file")
    return SourceResult(source=source, kind="text", records=[record])


# --- Markdown -------------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n(?:---|\.\.\.)\s*(?:\n|\Z)", re.S)
_PELICAN_HEADER = re.compile(r"\A((?:[A-Za-z][\w-]*:[^\n]*\n)+)\s*\n", re.S)


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """(metadata with lower-case keys, body) from YAML-style or Pelican-style headers."""
    match = _FRONT_MATTER.match(text) or _PELICAN_HEADER.match(text + "\n")
    if not match:
        return {}, text
    meta: dict[str, str] = {}
    key = ""
    for line in match.group(1).splitlines():
        item = re.match(r"\s+-\s+(.*)", line)
        if item and key:  # a YAML list item
            meta[key] = (meta[key] + ", " if meta[key] else "") + item.group(1).strip(" '\"")
            continue
        pair = re.match(r"([A-Za-z][\w-]*)\s*:\s*(.*)", line)
        if pair:
            key = pair.group(1).lower()
            value = pair.group(2).strip()
            if value.startswith("[") and value.endswith("]"):
                value = ", ".join(v.strip(" '\"") for v in value[1:-1].split(","))
            meta[key] = value.strip("'\"") if len(value) > 1 else value
    return meta, text[match.end():]


def read_markdown(data: bytes, source: str, config: FeedConfig | None = None, *,
                  location: str = "", mtime: datetime | None = None) -> SourceResult:
    """A Markdown article, with or without front matter; a leading '# Title' is the title."""
    config = config or FeedConfig()
    text = decode_text(data).replace("\r\n", "\n").lstrip("\ufeff")
    meta, body = _front_matter(text)
    title = meta.get("title", "")
    if not title:
        heading = re.match(r"\s*#\s+(.+?)\s*#*\s*(?:\n|$)", body)
        if heading:
            title, body = heading.group(1), body[heading.end():]
        else:
            first, _, rest = body.strip().partition("\n")
            title, body = first.lstrip("# "), rest
    _MD.reset()
    html = _MD.convert(body)
    split = re.compile(r"\s*[;,]\s*")
    record = Record(
        title=clean_line(title),
        url=meta.get("source-url") or meta.get("url") or meta.get("link")
        or meta.get("canonical") or (location if "://" in location else ""),
        source=source,
        guid=meta.get("guid", ""),
        published=parse_date(meta.get("date") or meta.get("published")),
        updated=parse_date(meta.get("modified") or meta.get("updated")),
        authors=[a for a in split.split(meta.get("authors") or meta.get("author") or "") if a],
        source_name=config.name or meta.get("source", ""),
        feed=config.name,
        language=config.language or meta.get("lang") or meta.get("language", ""),
        tags=list(config.tags) + [t for t in split.split(meta.get("tags", "")) if t],
        kind="markdown",
        always_relevant=config.always_relevant,
    )
    summary = meta.get("summary", "")
    if summary:
        _MD.reset()
        summary = _MD.convert(summary)
    finish(record, raw_html=html, raw_summary=summary,
           fallback_date=mtime, fallback_source="file")
    if not record.text and not record.title:
        raise SourceError("empty Markdown article")
    return SourceResult(source=source, kind="markdown", records=[record])
