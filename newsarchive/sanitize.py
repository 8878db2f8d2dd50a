"""HTML that may reach a page: an nh3 (Ammonia) allowlist fit for news, and its plain text.

``sanitize_html`` is the only door from untrusted markup to the archive. It keeps paragraphs,
headings h2-h4, links, lists, quotes, figures with https images, tables, emphasis and code;
drops script, style, iframe, form, embedded objects, every event handler and every URL that is
not http(s) (mailto for links); gives every link ``rel="nofollow noopener"``; makes relative
links absolute against the item's base; and returns a sequence of block elements separated by
blank lines, which Python-Markdown (and so Pelican) passes through byte for byte.
"""

from __future__ import annotations

import html as htmllib
import re
import threading
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import nh3

from newsarchive.normalize import clean_text

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn",
        "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "hr", "i", "img", "ins",
        "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "strong", "sub",
        "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var",
    }
)
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
    "ol": {"start", "reversed"},
    "*": {"lang", "dir"},
}
# Removed together with everything inside them.
DROP_WITH_CONTENT = frozenset(
    {
        "script", "style", "template", "noscript", "iframe", "frame", "frameset", "object",
        "embed", "applet", "svg", "math", "title", "textarea", "select", "option", "button",
        "form", "head", "noembed", "noframes", "xmp", "plaintext", "video", "audio", "canvas",
    }
)
LINK_REL = "nofollow noopener"
BLOCK_TAGS = frozenset(
    {"p", "h2", "h3", "h4", "ul", "ol", "dl", "blockquote", "figure", "table", "pre", "hr"}
)
# Everything a browser treats as a block start, for the plain text.
_TEXT_BREAKS = BLOCK_TAGS | {"li", "dt", "dd", "tr", "figcaption", "caption", "br"}
_URL_SAFE = re.compile(r"[\x00-\x20\x7f-\x9f]+")
_HEADINGS = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)
_TOKEN = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s=>/]+(?:=\"[^\"]*\")?)*)\s*/?>|([^<]+)|(<)"
)
_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=\")[^>]*>")
_VOID = frozenset({"br", "hr", "img"})
_BLANK = re.compile(r"<br>|&nbsp;|\s")
_WHITESPACE = re.compile(r"\s+")
_EMPTY_P = re.compile(r"<p>\s*</p>")


def _safe_url(value: str, base: str, *, images: bool) -> str | None:
    """``value`` made absolute against ``base``, or None unless it is a URL we may publish."""
    url = _URL_SAFE.sub("", htmllib.unescape(value))
    if not url:
        return None
    try:
        resolved = urljoin(base, url) if base else url
        scheme = urlsplit(resolved).scheme.lower()
    except ValueError:
        return None
    allowed = {"https"} if images else {"http", "https", "mailto"}
    if scheme not in allowed:
        return None
    if scheme != "mailto" and not urlsplit(resolved).netloc:
        return None
    return resolved


def _deny_relative(url: str) -> None:
    """A URL still relative after the attribute filter has no base: drop it."""
    return None


_current = threading.local()  # the base URL of the markup being cleaned, for the filter


def _attribute_filter(tag: str, name: str, value: str) -> str | None:
    if name == "href":
        return _safe_url(value, getattr(_current, "base", ""), images=False)
    if name == "src":
        return _safe_url(value, getattr(_current, "base", ""), images=True)
    if name in {"width", "height", "colspan", "rowspan", "start"}:
        return value if value.isdigit() and len(value) < 6 else None
    return value


@lru_cache(maxsize=1)
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        strip_comments=True,
        link_rel=LINK_REL,
        url_schemes={"http", "https", "mailto"},
        url_relative=_deny_relative,
    )


def _base_of(base_url: str) -> str:
    """Only an absolute http(s) URL can be a base."""
    try:
        parts = urlsplit(base_url or "")
    except ValueError:
        return ""
    return base_url if parts.scheme in {"http", "https"} and parts.netloc else ""


def _retag_headings(markup: str) -> str:
    """h1 becomes h2 (the page's own title is the h1), h5/h6 become h4."""

    def swap(match: re.Match[str]) -> str:
        level = int(match.group(2))
        return f"<{match.group(1)}h{min(max(level + (level == 1), 2), 4)}"

    return _HEADINGS.sub(swap, markup)


def sanitize_html(markup: str, base_url: str = "", *, blocks: bool = True) -> str:
    """Untrusted HTML made safe and (unless ``blocks`` is False) block-structured."""
    if not markup or not markup.strip():
        return ""
    _current.base = _base_of(base_url)
    try:
        cleaned = _cleaner().clean(_retag_headings(markup))
    finally:
        _current.base = ""
    cleaned = _IMG_WITHOUT_SRC.sub("", cleaned)
    return blockify(cleaned) if blocks else cleaned


def blockify(cleaned: str) -> str:
    """Sanitised HTML as top-level blocks, one per paragraph, separated by blank lines.

    Loose inline content between blocks is wrapped in ``<p>``; whitespace outside ``<pre>``
    is collapsed so no block holds a blank line (Markdown would end the block there).
    Expects nh3 output (well-formed, quoted attributes, ``<`` escaped in text).
    """
    blocks: list[str] = []
    loose: list[str] = []
    current: list[str] = []
    depth = 0
    pre = 0

    def flush_loose() -> None:
        text = "".join(loose).strip()
        loose.clear()
        if text and _BLANK.sub("", text):
            blocks.append(f"<p>{text}</p>")

    for match in _TOKEN.finditer(cleaned):
        closing, tag, _attrs, text, stray = match.groups()
        token = match.group(0)
        if text is not None or stray is not None:
            if not pre and ("\n" in token or "  " in token or "\t" in token or "\r" in token):
                token = _WHITESPACE.sub(" ", token)
            (current if depth else loose).append(token)
            continue
        tag = tag.lower()
        if depth == 0 and tag in BLOCK_TAGS and not closing:
            flush_loose()
            if tag == "hr":
                blocks.append("<hr>")
                continue
            depth = 1
            current = [token]
            pre = int(tag == "pre")
            continue
        if depth == 0:
            loose.append(token)
            continue
        current.append(token)
        if tag in _VOID:
            continue
        if closing:
            depth -= 1
            if tag == "pre":
                pre = max(pre - 1, 0)
            if depth == 0:
                block = "".join(current)
                if not _EMPTY_P.fullmatch(block):
                    blocks.append(block)
                current = []
        else:
            depth += 1
            if tag == "pre":
                pre += 1
    if current:  # unbalanced input: keep what we have (nh3 output is always balanced)
        blocks.append("".join(current))
    flush_loose()
    return "\n\n".join(blocks)


def html_to_text(cleaned: str) -> str:
    """Plain text of sanitised HTML: paragraphs separated by blank lines, entities decoded."""
    if not cleaned:
        return ""
    parts: list[str] = []
    for match in _TOKEN.finditer(cleaned):
        closing, tag, _attrs, text, stray = match.groups()
        if text is not None:
            parts.append(text)
        elif stray is not None:
            parts.append("<")
        elif tag.lower() in _TEXT_BREAKS or (tag.lower() == "img" and not closing):
            parts.append("\n\n")
    return clean_text(htmllib.unescape("".join(parts)))


def escape_text(text: str) -> str:
    """Plain text as HTML paragraphs (for text and Markdown-less sources)."""
    paragraphs = [p for p in clean_text(text).split("\n\n") if p]
    return "\n\n".join(f"<p>{htmllib.escape(p, quote=False)}</p>" for p in paragraphs)
