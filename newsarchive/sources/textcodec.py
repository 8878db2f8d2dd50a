"""Bytes to text for saved articles: BOM, declared charset, UTF-8, then a careful guess.

A file that is none of these (too many undecodable bytes) is refused with the reason rather
than archived as mojibake.
"""

from __future__ import annotations

import codecs
import re

from newsarchive.sources.base import SourceError

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32"),
         (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
MAX_BAD_RATIO = 0.01


def _try(data: bytes, encoding: str) -> str | None:
    try:
        codecs.lookup(encoding)
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        return None


def _decode(data: bytes, declared: str) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _try(data, encoding)
            if text is not None:
                return text.lstrip("\ufeff")
    text = _try(data, "utf-8")
    if text is not None:
        return text
    if declared and declared.lower().replace("_", "-") not in {"utf-8", "utf8"}:
        text = _try(data, "cp1252" if declared.lower() in {"iso-8859-1", "latin-1",
                                                           "us-ascii"} else declared)
        if text is not None:
            return text
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - charset_normalizer comes with trafilatura
        best = None
    else:
        best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        text = _try(data, best.encoding)
        if text is not None:
            return text
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") > max(3, len(text) * MAX_BAD_RATIO):
        raise SourceError("wrongly encoded: not UTF-8, no usable charset declared or detected")
    return text


def decode_html(data: bytes) -> str:
    """An HTML page as text, honouring its BOM and its ``<meta charset>``."""
    head = data[:4096]
    declared = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return _decode(data, declared.group(1).decode("ascii") if declared else "")


def decode_text(data: bytes) -> str:
    """A text or Markdown file as text (UTF-8 expected)."""
    return _decode(data, "")
