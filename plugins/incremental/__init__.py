"""Pelican plugin: render only the pages whose inputs changed, on every core; time the stages.

Every page written through Pelican's writer (``write_file``: articles, lists, entity pages,
any plugin's pages) and every feed (``write_feed``) gets a signature of all it is rendered
from (``signature.py``); a page whose signature is the one it was last rendered with is
kept, not rendered (``state.py``). Pages to render are rendered at ``finalized`` by forked
workers when there are many (``writer.py``); templates' ``fragment(macro, ..., key=...)``
renders a macro once a build for the same arguments (``fragments.py``). With
``INCREMENTAL_TIMINGS`` (or the environment variable ``NEWSARCHIVE_TIMINGS=1``; ``make html
TIMINGS=1``) the build ends with a table of the time spent reading, tagging, on incidents,
related stories, rendering and indexing (``timings.py``).

Plugins need nothing to be covered: a page's signature includes every variable its template
reads. An object of a plugin's own can declare what it is rendered from with a method
``__incremental_signature__()`` (see ``fingerprint.py``); a template function or filter of a
plugin, the attribute names it reads with ``incremental_reads`` (see ``signature.py``).

The queued pages are rendered before the first ``finalized`` receiver of any plugin runs (the
sitemap and Pagefind read the output then), whatever the order of PLUGINS.

Settings: INCREMENTAL (True), INCREMENTAL_PROCESSES (0: as many as there are cores),
INCREMENTAL_PARALLEL_MIN (200: fewer pages to render are rendered in one process),
INCREMENTAL_TIMINGS (False).
"""

from __future__ import annotations

import gc
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pelican.log import console
from pelican.plugins import signals
from pelican.utils import clean_output_dir

import newsarchive

from . import writer as writer_module
from .fragments import add_fragments
from .signature import Signer, code_signature
from .state import Outputs, state_path
from .timings import Timings, time_receivers
from .writer import IncrementalWriter

log = logging.getLogger(__name__)

_KNOWN = {"INCREMENTAL", "INCREMENTAL_PROCESSES", "INCREMENTAL_PARALLEL_MIN",
          "INCREMENTAL_TIMINGS"}


@dataclass(frozen=True)
class Options:
    """The plugin's validated settings."""

    enabled: bool
    processes: int
    parallel_min: int
    timings: bool


def plugin_settings(settings: dict[str, Any]) -> Options:
    """Read and validate every INCREMENTAL_* setting; raise ValueError naming the bad one."""
    unknown = sorted(k for k in settings if k.startswith("INCREMENTAL_") and k not in _KNOWN)
    if unknown:
        raise ValueError(f"incremental: unknown setting(s) {', '.join(unknown)}")
    enabled = settings.get("INCREMENTAL", True)
    timings = settings.get("INCREMENTAL_TIMINGS", False)
    for key, value in (("INCREMENTAL", enabled), ("INCREMENTAL_TIMINGS", timings)):
        if not isinstance(value, bool):
            raise ValueError(f"{key} must be True or False")
    numbers = {}
    for key, default in (("INCREMENTAL_PROCESSES", 0), ("INCREMENTAL_PARALLEL_MIN", 200)):
        value = settings.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{key} must be a whole number >= 0")
        numbers[key] = value
    processes = numbers["INCREMENTAL_PROCESSES"] or _cores()
    env = os.environ.get("NEWSARCHIVE_TIMINGS", "").strip().lower()
    return Options(
        enabled=enabled,
        processes=processes,
        parallel_min=numbers["INCREMENTAL_PARALLEL_MIN"],
        timings=timings or env not in {"", "0", "false", "no"},
    )


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


@dataclass
class Build:
    """One Pelican run."""

    context_id: int
    options: Options
    timings: Timings
    outputs: Outputs | None = None
    signer: Signer | None = None
    writer: IncrementalWriter | None = None
    notes: dict[str, Any] = field(default_factory=dict)


CURRENT: Build | None = None


def _current_timings() -> Timings | None:
    return CURRENT.timings if CURRENT is not None else None


def _pelican_deletes_output(settings: dict[str, Any]) -> bool:
    """Pelican's own test before it empties the output folder."""
    if not settings.get("DELETE_OUTPUT_DIRECTORY"):
        return False
    output = os.path.realpath(settings["OUTPUT_PATH"])
    source = os.path.realpath(settings["PATH"])
    return os.path.commonpath([output]) != os.path.commonpath([output, source])


#: output folders whose emptying this plugin took over from Pelican (real paths)
TAKEN_OVER: set[str] = set()


def begin(generator: Any) -> None:
    """At the first ``generator_init`` of a run (before Pelican would empty the output)."""
    global CURRENT
    context = generator.context
    if CURRENT is not None and CURRENT.context_id == id(context):
        return
    gc.unfreeze()  # an earlier run in this process (autoreload) that ended early froze its heap
    settings = generator.settings
    options = plugin_settings(settings)
    build = Build(id(context), options, Timings())
    output = Path(settings["OUTPUT_PATH"])
    cache = Path(settings.get("CACHE_PATH") or ".cache")
    real = os.path.realpath(output)
    if not options.enabled:
        Outputs.forget(output, cache)
    elif real in TAKEN_OVER:
        build.outputs = Outputs.open(output, cache, emptied=False, cleanup=True)
        if not build.outputs.old:  # no usable state: empty the folder, as Pelican would
            clean_output_dir(str(output), settings.get("OUTPUT_RETENTION") or [])
        build.outputs.theme_static_dir = str(settings.get("THEME_STATIC_DIR") or "theme")
        build.outputs.theme_static = _theme_files(settings)
    else:
        emptied = _pelican_deletes_output(settings)
        build.outputs = Outputs.open(output, cache, emptied=emptied, cleanup=False)
    CURRENT = build


def _theme_files(settings: dict[str, Any]) -> set[str]:
    """Where Pelican copies the theme's static files (``THEME_STATIC_PATHS`` into
    ``THEME_STATIC_DIR``), relative to the output folder."""
    theme = Path(settings.get("THEME") or "")
    target = str(settings.get("THEME_STATIC_DIR") or "theme")
    found = set()
    for source in settings.get("THEME_STATIC_PATHS") or []:
        root = theme / source
        if root.is_file():
            found.add(f"{target}/{root.name}")
            continue
        for folder, _, names in os.walk(root):
            for name in names:
                found.add(f"{target}/{(Path(folder) / name).relative_to(root).as_posix()}")
    return found


def record_static(generator: Any) -> None:
    """The static files Pelican copies this build (stale copies are deleted at the end)."""
    build = CURRENT
    if build is not None and build.outputs is not None:
        build.outputs.static = {
            str(item.save_as) for item in getattr(generator, "staticfiles", []) or []
        }


def freeze_what_was_read(*_: Any) -> None:
    """Move every object made so far out of the cycle collector's reach (``gc.freeze``) when
    this plugin is on: the articles read, their tags, incidents and related lists live until
    the build ends, and each full pass of the collector would walk them all again (at 10,000
    articles, 14 full passes cost 3 s while content was read). ``finish`` unfreezes them."""
    if CURRENT is not None:
        gc.freeze()


def get_writer(pelican: Any) -> type[IncrementalWriter]:
    """Give Pelican this plugin's writer (made now: every generator has read its content).

    What has been read lives until the build ends, so it is frozen out of the cycle
    collector's reach (``gc.freeze``): its full passes no longer walk the whole archive while
    pages are rendered, nor make forked rendering workers copy it page by page. ``finish``
    unfreezes it."""
    build = CURRENT
    if build is not None:
        freeze_what_was_read()
        build.timings.writing_at = time.perf_counter()
        if build.outputs is not None:
            settings = pelican.settings
            folders = [Path(p) for p in settings.get("PLUGIN_PATHS") or []]
            folders.append(Path(newsarchive.__file__).parent)
            build.signer = Signer(settings, code_signature(folders))
    writer_module.CURRENT = build if build is not None and build.signer is not None else None
    return _Writer


class _Writer(IncrementalWriter):
    def __init__(self, output_path: str, settings: dict[str, Any] | None = None) -> None:
        super().__init__(output_path, settings=settings)
        if CURRENT is not None:
            CURRENT.writer = self


def render_queued(pelican: Any) -> None:
    """First receiver of ``finalized``: render every queued page."""
    build = CURRENT
    if build is None or build.writer is None or build.notes.get("rendered"):
        return
    build.notes["rendered"] = True
    started = time.perf_counter()
    count = build.writer.flush(build.options.processes, build.options.parallel_min)
    if build.outputs is not None:
        build.outputs.delete_stale()
        rendered, kept = build.outputs.rendered, build.outputs.kept
        summary = f"{rendered:,} pages and feeds rendered, {kept:,} unchanged kept"
        build.timings.notes["rendering"] = summary
        console.print(f"incremental: {summary} ({count:,} pages rendered at the end)")
    if build.notes.get("early"):  # called ahead of another plugin's receiver: time it here
        build.timings.seconds["rendering"] += time.perf_counter() - started
        build.timings.in_receivers["writing"] += time.perf_counter() - started


def finish(pelican: Any) -> None:
    """Last receiver of ``finalized``: save the signatures, print the stage table."""
    global CURRENT
    build = CURRENT
    if build is None:
        return
    CURRENT = None
    writer_module.CURRENT = None
    gc.unfreeze()  # frozen by get_writer: collectable again once the build is done
    build.timings.finish()
    if build.options.timings:
        console.print("Build stages:\n" + build.timings.table())
    if build.outputs is not None:
        build.outputs.close()


def initialise(pelican: Any) -> None:
    """Check the settings; keep the output folder for pages to be kept (see ``state.py``);
    time every plugin's receivers; be the last ``finalized`` one."""
    settings = pelican.settings
    options = plugin_settings(settings)
    cache = Path(settings.get("CACHE_PATH") or ".cache")
    real, state = state_path(Path(settings["OUTPUT_PATH"]), cache)
    if options.enabled and getattr(pelican, "delete_outputdir", False) and (
        _pelican_deletes_output(settings) and state.is_file()
    ):
        pelican.delete_outputdir = False  # emptied by begin() only if the state is unusable
        TAKEN_OVER.add(str(real))
    signals.finalized.connect(finish)
    time_receivers(_current_timings, skip={id(finish)}, before={"finalized": _render_first})


def _render_first(pelican: Any) -> None:
    """Before any ``finalized`` receiver (whatever the order of PLUGINS): render the queue."""
    if CURRENT is not None and not CURRENT.notes.get("rendered"):
        CURRENT.notes["early"] = True
        render_queued(pelican)


def register() -> None:
    """Connect to Pelican's signals (this plugin first in PLUGINS)."""
    signals.initialized.connect(initialise)
    signals.generator_init.connect(begin)
    signals.get_writer.connect(get_writer)
    signals.article_generator_pretaxonomy.connect(freeze_what_was_read)  # before tagging
    signals.article_generator_finalized.connect(freeze_what_was_read)  # before related, incidents
    signals.finalized.connect(render_queued)
    signals.static_generator_finalized.connect(record_static)
    signals.generator_init.connect(add_fragments)
