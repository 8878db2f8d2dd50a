"""Pages nested deeper than an HTML parser keeps, flattened before extraction.

libxml2 (under lxml, BeautifulSoup's "lxml" and trafilatura) stops at 256 levels of nesting
and silently drops everything deeper, and everything after it. ``flatten_deep`` drops the tags
(never the text) of elements opened below ``MAX_DEPTH``, so their words reach the extractor.
"""

from __future__ import annotations

import re

MAX_DEPTH = 180  # well under libxml2's 256, leaving room for the extractor's own wrappers
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
_RAW = re.compile(r"<(script|style|textarea|title)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "param", "source", "track", "wbr", "keygen", "command"})
SELF_CLOSING_SIBLINGS = frozenset({"p", "li", "dt", "dd", "option", "tr", "td", "th"})


def _tags(markup: str) -> list[re.Match[str]]:
    """Every tag outside scripts, styles and comments, in order."""
    spans = [(m.start(), m.end()) for m in _RAW.finditer(markup)]
    tags, index = [], 0
    for match in _TAG.finditer(markup):
        while index < len(spans) and spans[index][1] <= match.start():
            index += 1
        if index < len(spans) and spans[index][0] <= match.start() < spans[index][1]:
            continue
        tags.append(match)
    return tags


def max_depth(markup: str) -> int:
    """How deep the page's elements nest (a cheap estimate from its tags)."""
    depth = deepest = 0
    stack: list[str] = []
    for match in _tags(markup):
        depth = _step(stack, match)
        deepest = max(deepest, depth)
    return deepest


def _step(stack: list[str], match: re.Match[str]) -> int:
    closing, name = match.group(1), match.group(2).lower()
    if name in VOID or match.group(0).endswith("/>"):
        return len(stack)
    if closing:
        if name in stack:
            while stack and stack.pop() != name:
                pass
        return len(stack)
    if name in SELF_CLOSING_SIBLINGS and stack and stack[-1] == name:
        stack.pop()
    stack.append(name)
    return len(stack)


def flatten_deep(markup: str, limit: int = MAX_DEPTH) -> tuple[str, int]:
    """(``markup`` with the tags below ``limit`` levels removed, how deep it went)."""
    deepest = max_depth(markup)
    if deepest <= limit:
        return markup, deepest
    out: list[str] = []
    position = 0
    stack: list[str] = []
    kept: list[bool] = []
    for match in _tags(markup):
        out.append(markup[position:match.start()])
        position = match.end()
        closing, name = match.group(1), match.group(2).lower()
        if name in VOID or match.group(0).endswith("/>"):
            out.append(match.group(0) if len(stack) < limit else " ")
            continue
        if closing:
            if name in stack:
                keep = True
                while stack:
                    popped, keep = stack.pop(), kept.pop()
                    if popped == name:
                        break
                out.append(match.group(0) if keep else "\n")
            continue
        if name in SELF_CLOSING_SIBLINGS and stack and stack[-1] == name:
            stack.pop()
            kept.pop()
        keep = len(stack) < limit
        stack.append(name)
        kept.append(keep)
        out.append(match.group(0) if keep else "\n")
    out.append(markup[position:])
    return "".join(out), deepest
