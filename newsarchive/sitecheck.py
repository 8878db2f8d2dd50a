"""Check a built site from its files: internal links resolve, HTML parses, feeds are Atom."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import html5lib
from lxml import html as lxml_html

ATOM = "{http://www.w3.org/2005/Atom}"
LINK_ATTRIBUTES = ("href", "src", "poster", "data")
SKIPPED_FOLDERS = {"pagefind"}
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


@dataclass
class CheckReport:
    """Problems found, one line each, and what was checked."""

    problems: list[str] = field(default_factory=list)
    pages: int = 0
    links: int = 0
    feeds: int = 0

    @property
    def ok(self) -> bool:
        """Whether nothing is wrong."""
        return not self.problems


def html_files(site: Path) -> Iterator[Path]:
    """Every HTML page of the site outside Pagefind's own folder, in a stable order."""
    for folder, subfolders, names in os.walk(site):
        subfolders[:] = sorted(d for d in subfolders if d not in SKIPPED_FOLDERS)
        for name in sorted(names):
            if name.endswith(".html"):
                yield Path(folder) / name


def internal_links(page: Path, site: Path, siteurl: str = "") -> Iterator[tuple[str, str]]:
    """(link as written, path relative to the site it must resolve to) for same-site links."""
    tree = lxml_html.fromstring(page.read_bytes())
    base = urljoin("http://site.invalid/", page.relative_to(site).as_posix())
    own_prefixes = (
        ("http://site.invalid/", siteurl.rstrip("/") + "/")
        if siteurl
        else ("http://site.invalid/",)
    )
    for element in tree.iter():
        for attribute in LINK_ATTRIBUTES:
            link = element.get(attribute)
            if not link or link.startswith(("#", "mailto:", "data:", "javascript:")):
                continue
            if attribute == "data" and element.tag != "object":
                continue
            absolute = urljoin(base, link.strip())
            for prefix in own_prefixes:
                if absolute.startswith(prefix):
                    yield link, unquote(urlsplit(absolute[len(prefix) - 1 :]).path).lstrip("/")
                    break


def resolves(site: Path, relative: str) -> bool:
    """Whether a site path names a file, or a folder with an index.html."""
    target = site / relative
    if relative == "" or relative.endswith("/"):
        return (target / "index.html").is_file()
    return target.is_file() or (target / "index.html").is_file()


def html_errors(page: Path) -> list[str]:
    """Parse errors as a browser's HTML5 parser reports them."""
    parser = html5lib.HTMLParser(strict=False)
    parser.parse(page.read_bytes())
    return [f"line {pos[0]}: {code}" for pos, code, _ in parser.errors]


def atom_problems(feed: Path) -> list[str]:
    """Structural Atom (RFC 4287) problems of one feed."""
    try:
        root = ET.parse(feed).getroot()
    except ET.ParseError as err:
        return [f"not well-formed XML: {err}"]
    if root.tag != f"{ATOM}feed":
        return [f"root element is {root.tag}, not atom:feed"]
    problems = _missing(root, "feed", ("id", "title", "updated"))
    if root.find(f"{ATOM}author") is None:
        problems += [
            f"entry {i} has no author and the feed has none"
            for i, entry in enumerate(root.findall(f"{ATOM}entry"), 1)
            if entry.find(f"{ATOM}author") is None
        ]
    for number, entry in enumerate(root.findall(f"{ATOM}entry"), 1):
        problems += _missing(entry, f"entry {number}", ("id", "title", "updated"))
        has_link = any(
            link.get("rel", "alternate") == "alternate" for link in entry.findall(f"{ATOM}link")
        )
        if not has_link and entry.find(f"{ATOM}content") is None:
            problems.append(f"entry {number} has neither an alternate link nor content")
    for element in root.iter(f"{ATOM}updated"):
        if not RFC3339.match((element.text or "").strip()):
            problems.append(f"updated {element.text!r} is not an RFC 3339 date")
    for element in root.iter(f"{ATOM}id"):
        if not urlsplit((element.text or "").strip()).scheme:
            problems.append(f"id {element.text!r} is not an absolute IRI")
    return problems


def _missing(element: ET.Element, label: str, children: tuple[str, ...]) -> list[str]:
    return [
        f"{label} has no {child}"
        for child in children
        if element.find(f"{ATOM}{child}") is None
        or not (element.findtext(f"{ATOM}{child}") or "").strip()
    ]


def check_site(site: Path, *, siteurl: str = "", parse_html: bool = True) -> CheckReport:
    """Every internal link and asset resolves, HTML parses, every Atom feed is valid."""
    site = Path(site)
    report = CheckReport()
    for page in html_files(site):
        report.pages += 1
        name = page.relative_to(site).as_posix()
        for link, relative in internal_links(page, site, siteurl):
            report.links += 1
            if not resolves(site, relative):
                report.problems.append(f"{name}: broken link {link}")
        if parse_html:
            report.problems += [f"{name}: {error}" for error in html_errors(page)]
    for feed in sorted(site.rglob("*.xml")):
        if feed.name == "sitemap.xml":
            continue
        report.feeds += 1
        report.problems += [f"{feed.relative_to(site)}: {p}" for p in atom_problems(feed)]
    return report
