"""Fixtures of the browser tests: the bundled site served on 127.0.0.1, and Debian's Chromium.

The site is the session's ``built_site`` (tests/conftest.py: built once with pelicanconf.py),
or the folder named by $NEWSARCHIVE_TEST_SITE (an output/ already built), served by
http.server in a thread on a free port, at the root and under a sub-path.
Chromium is driven by Playwright; without /usr/bin/chromium the tests skip with the reason.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SUBPATH = "/mirror/archive"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder; with ``prefix`` set, only below that path (a sub-path mirror)."""

    prefix = ""

    def translate_path(self, path: str) -> str:
        if self.prefix:
            if not path.startswith(self.prefix + "/"):
                return str(Path(self.directory) / "__outside_the_mirror__")
            path = path[len(self.prefix) :]
        return super().translate_path(path)

    def log_message(self, *args: object) -> None:
        pass


@dataclass
class Server:
    """A running local server of the built site."""

    root: Path
    base: str  # "http://127.0.0.1:PORT" plus the sub-path, no trailing slash

    def url(self, path: str = "/") -> str:
        return self.base + path


def _serve(root: Path, prefix: str = "") -> tuple[Server, http.server.ThreadingHTTPServer]:
    handler = type("Handler", (_QuietHandler,), {"prefix": prefix})
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(root))
    )
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return Server(root, f"http://127.0.0.1:{httpd.server_address[1]}{prefix}"), httpd


@pytest.fixture(scope="session")
def site_root(request: pytest.FixtureRequest) -> Path:
    """The built site under test: $NEWSARCHIVE_TEST_SITE, else the session's build."""
    given = os.environ.get("NEWSARCHIVE_TEST_SITE")
    if given:
        return Path(given)
    return request.getfixturevalue("built_site")


@pytest.fixture(scope="session")
def site(site_root: Path) -> Iterator[Server]:
    """The built site served at the root of http://127.0.0.1:<free port>/."""
    server, httpd = _serve(site_root)
    yield server
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def subpath_site(site_root: Path) -> Iterator[Server]:
    """The same files served only under a sub-path, as a mirror in a folder would be."""
    server, httpd = _serve(site_root, SUBPATH)
    yield server
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless, with no background traffic of its own."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed: apt-get install chromium (/usr/bin/chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Watched:
    """A page with what it asked the network for and what it logged."""

    page: object
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        """Requests to anywhere but 127.0.0.1 (data: and blob: URLs stay in the page)."""
        return [
            url
            for url in self.requests
            if urlparse(url).scheme not in {"data", "blob"}
            and urlparse(url).hostname != "127.0.0.1"
        ]


def open_page(browser, *, width: int = 1280, scheme: str = "light", **context_args) -> Watched:
    """A fresh context and page that records requests, console errors and page errors."""
    context = browser.new_context(
        viewport={"width": width, "height": 900}, color_scheme=scheme, **context_args
    )
    page = context.new_page()
    watched = Watched(page)
    page.on("request", lambda request: watched.requests.append(request.url))
    page.on(
        "console",
        lambda msg: watched.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    page.on("pageerror", lambda error: watched.console_errors.append(f"uncaught: {error}"))
    return watched


@pytest.fixture()
def new_page(browser) -> Iterator:
    """Factory of watched pages; their contexts are closed after the test."""
    opened: list[Watched] = []

    def make(**kwargs) -> Watched:
        watched = open_page(browser, **kwargs)
        opened.append(watched)
        return watched

    yield make
    for watched in opened:
        watched.page.context.close()
