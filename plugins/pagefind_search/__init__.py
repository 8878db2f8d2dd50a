"""Index the built site with Pagefind once Pelican has written every page.

Signal order: ``finalized`` fires after all generators and writers are done, so the index
sees the final HTML. The whole output folder is indexed in one call (Pagefind's Python
wrapper sleeps 0.1 s per call, so a call per page would cost minutes at archive scale), in
bundles (``newsarchive.search_index.index_site_incremental``): from 1,000 pages up
(``PAGEFIND_SPLIT_MIN_PAGES``), the newest
year (where new stories land) is a bundle of its own and older years are grouped in bundles
of at most ``PAGEFIND_BUNDLE_PAGES`` (5,000; never above ``PAGEFIND_MAX_SHARD_PAGES``, as
Pagefind holds a whole index in memory, about 250 KB a page), and ``incidents/`` is a bundle of
its own. A bundle whose pages are
byte-identical to last build's is restored from ``<CACHE_PATH>/pagefind`` instead of being
rebuilt (``PAGEFIND_REUSE``, default True). The search page merges the bundles
(``pagefind/shards.json`` lists them).
Only elements marked ``data-pagefind-body`` are indexed (the theme marks article bodies).

At ``generator_init`` it gives templates the ``search_facets`` filter
(``articles|search_facets``): the search page's filter values with their counts, rendered at
build time so the browser never fetches Pagefind's filter files to show them.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.log import console

from newsarchive.search_facets import search_facets
from newsarchive.search_index import (
    SearchIndexError,
    index_site,
    index_site_incremental,
)

log = logging.getLogger(__name__)


def _settings(pelican: Any) -> dict[str, Any]:
    """Read and validate this plugin's settings in one place."""
    settings = pelican.settings
    enabled = settings.get("PAGEFIND_ENABLED", True)
    if not isinstance(enabled, bool):
        raise ValueError("PAGEFIND_ENABLED must be True or False")
    glob = settings.get("PAGEFIND_GLOB")
    if glob is not None and not isinstance(glob, str):
        raise ValueError("PAGEFIND_GLOB must be a string glob such as 'events/**/*.html'")
    numbers = {}
    for key, default in (
        ("PAGEFIND_MAX_SHARD_PAGES", 20_000),
        ("PAGEFIND_BUNDLE_PAGES", 5_000),
        ("PAGEFIND_SPLIT_MIN_PAGES", 1_000),
    ):
        value = settings.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{key} must be a positive whole number")
        numbers[key] = value
    reuse = settings.get("PAGEFIND_REUSE", True)
    if not isinstance(reuse, bool):
        raise ValueError("PAGEFIND_REUSE must be True or False")
    cache = Path(settings.get("CACHE_PATH") or ".cache") / "pagefind" if reuse else None
    return {
        "enabled": enabled,
        "glob": glob,
        "max_pages": numbers["PAGEFIND_MAX_SHARD_PAGES"],
        "bundle_pages": numbers["PAGEFIND_BUNDLE_PAGES"],
        "split_min": numbers["PAGEFIND_SPLIT_MIN_PAGES"],
        "cache": cache,
        "output": settings["OUTPUT_PATH"],
    }


def index_output(pelican: Any) -> None:
    """Build the Pagefind index of ``OUTPUT_PATH``; fail the build if Pagefind fails."""
    opts = _settings(pelican)
    if not opts["enabled"]:
        log.info("pagefind_search: PAGEFIND_ENABLED is False, no search index built")
        remove_bundles(opts["output"])  # an output folder kept between builds has old ones
        return
    try:
        if opts["glob"]:
            stats = index_site(opts["output"], glob=opts["glob"])
        else:
            # the year bundles hold events/ only: incidents get a bundle of their own
            stats = index_site_incremental(
                opts["output"], opts["max_pages"], opts["cache"],
                bundle_pages=opts["bundle_pages"], split_min=opts["split_min"],
                apart=("incidents",),
            )
    except SearchIndexError as err:
        raise RuntimeError(f"pagefind_search: indexing {opts['output']} failed: {err}") from err
    console.print(
        f"pagefind_search: indexed {stats.pages} pages ({stats.words} words, "
        f"{stats.languages} languages) in {stats.seconds:.2f} s; "
        f"{stats.reused} unchanged bundles kept"
    )
    if stats.pages == 0 and not stats.reused:  # (a rebuild that kept every bundle indexes none)
        log.warning("pagefind_search: no page has data-pagefind-body; the search finds nothing")


def remove_bundles(output: str | Path) -> None:
    """Delete the Pagefind bundles (``pagefind*/``) of an output folder."""
    root = Path(output)
    if root.is_dir():
        for folder in root.iterdir():
            if folder.is_dir() and folder.name.startswith("pagefind"):
                shutil.rmtree(folder, ignore_errors=True)


def add_template_filter(generator: Any) -> None:
    """Make ``search_facets`` available to every template this generator renders."""
    generator.env.filters["search_facets"] = search_facets


def register() -> None:
    """Connect to Pelican's ``generator_init`` and ``finalized`` signals."""
    signals.generator_init.connect(add_template_filter)
    signals.finalized.connect(index_output)
