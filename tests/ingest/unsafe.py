"""What a browser would run: re-parse HTML with html5lib and list every unsafe construct."""

from __future__ import annotations

import html
import re

import html5lib

UNSAFE_TAGS = frozenset(
    {"script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "base",
     "form", "input", "button", "textarea", "select", "meta", "link", "svg", "math", "template",
     "noscript", "portal"}
)
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "background", "poster", "cite",
     "data", "codebase", "srcset", "lowsrc", "dynsrc", "ping", "manifest", "longdesc"}
)
_BAD_SCHEME = re.compile(r"^(?:javascript|vbscript|data|livescript|mocha):", re.IGNORECASE)
_IGNORED = re.compile(r"[\x00-\x20\x7f-\x9f]+")


def _local(name: str) -> str:
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return f"xlink:{local}" if "xlink" in namespace else local
    return name


def unsafe_parts(markup: str) -> list[str]:
    """Every script-capable element, event handler or script URL in ``markup``."""
    problems: list[str] = []
    fragment = html5lib.parseFragment(markup, treebuilder="etree", namespaceHTMLElements=False)
    for element in fragment.iter():
        if not isinstance(element.tag, str):
            continue
        tag = _local(element.tag).lower()
        if tag in UNSAFE_TAGS:
            problems.append(f"<{tag}>")
        for name, value in element.attrib.items():
            attribute = _local(name).lower()
            if attribute.startswith("on"):
                problems.append(f"{tag}[{attribute}]")
            if attribute == "style":
                problems.append(f"{tag}[style]")
            if attribute in URL_ATTRIBUTES:
                for part in value.split(",") if attribute == "srcset" else [value]:
                    url = _IGNORED.sub("", html.unescape(part))
                    if _BAD_SCHEME.match(url):
                        problems.append(f"{tag}[{attribute}={url[:40]}]")
    return problems
