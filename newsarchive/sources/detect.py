"""Content sniffing: what kind of source a byte string is, from its content, not its name.

Kinds: ``feed`` (an RSS, RDF or Atom root, or any XML feedparser may read), ``jsonfeed``
(a JSON object naming a jsonfeed.org version), ``json`` (other JSON, refused later), ``html``,
``markdown``, ``text`` and ``binary``. The file name only breaks the tie between Markdown and
plain text, which no content test can tell apart reliably.
"""

from __future__ import annotations

import re

FEED_ROOTS = frozenset({"rss", "rdf", "rdf:rdf", "feed", "channel", "atom:feed", "rss:rss"})
_PROLOG = re.compile(
    r"\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)*", re.DOTALL | re.IGNORECASE
)
_ROOT = re.compile(r"<([A-Za-z_][\w.:-]*)")
_HTML_HINT = re.compile(
    r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<title[\s>]|<div[\s>]|<p[\s>]"
    r"|<article[\s>]",
    re.IGNORECASE,
)
_MD_HINT = re.compile(
    r"\A(?:---\s*$|Title:\s*\S)|^#{1,6}\s+\S|\[[^\]\n]+\]\([^)\s]+\)|^```",
    re.MULTILINE,
)
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")


def _head_text(data: bytes, size: int = 8192) -> str:
    head = data[:size]
    for prefix, encoding in (
        (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
        (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"),
        (b"\x00<", "utf-16-be"), (b"<\x00", "utf-16-le"),
    ):
        if head.startswith(prefix):
            cut = len(head) - len(head) % (4 if "32" in encoding else 2)
            return head[:cut].decode(encoding, errors="replace").lstrip("\ufeff")
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    # ASCII-compatible encodings share the markup characters: latin-1 never fails.
    return head.decode("latin-1")


def is_binary(data: bytes) -> bool:
    """NUL bytes outside UTF-16/32 text, or mostly non-text bytes."""
    head = data[:4096]
    if not head:
        return False
    if b"\x00" in head:
        return not _head_text(data, 64).lstrip("\ufeff \t\r\n").startswith(("<", "{"))
    controls = sum(b < 9 or 13 < b < 32 for b in head)
    return controls > len(head) * 0.05


def root_name(data: bytes) -> str:
    """The lower-cased name of the first element of an XML or HTML document ('' if none)."""
    stripped = _head_text(data).lstrip("\ufeff \t\r\n")
    root = _ROOT.match(_PROLOG.sub("", stripped, count=1))
    return root.group(1).lower() if root else ""


def sniff(data: bytes, name: str = "") -> str:
    """The kind of ``data`` (see the module docstring)."""
    if not data.strip():
        return "empty"
    if is_binary(data):
        return "binary"
    head = _head_text(data)
    stripped = head.lstrip("\ufeff \t\r\n")
    if stripped.startswith("{"):
        return "jsonfeed" if re.search(r'"version"\s*:\s*"https?://jsonfeed\.org/', head) else (
            "json"
        )
    if stripped.startswith("<"):
        after = _PROLOG.sub("", stripped, count=1)
        root = _ROOT.match(after)
        root_name = root.group(1).lower() if root else ""
        if root_name in FEED_ROOTS or root_name.endswith((":rss", ":rdf", ":feed")):
            return "feed"
        if root_name in {"html", "head", "body"} or _HTML_HINT.search(head):
            return "html"
        if stripped.startswith("<?xml") or root_name:
            return "feed"  # unknown XML: feedparser decides, and refuses clearly
    if name.lower().endswith(MARKDOWN_SUFFIXES) or _MD_HINT.search(head):
        return "markdown"
    if name.lower().endswith((".html", ".htm", ".xhtml")) and _HTML_HINT.search(head):
        return "html"
    return "text"
