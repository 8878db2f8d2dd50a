"""Where a build's time goes: reading, tagging, incidents, related, rendering, indexing.

Every receiver of Pelican's once-a-build signals is timed (wrapped in place, so the order of
receivers is kept) and its time is put in a stage by the plugin it belongs to and the part of
the build it runs in; the rest of the time is Pelican's own reading (before the writer exists)
and rendering (after). ``STAGES_BY_PLUGIN`` names the plugins with a stage of their own.
"""

from __future__ import annotations

import time
import weakref
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from pelican.plugins import signals

#: signals sent once per build whose receivers are timed
TIMED_SIGNALS = (
    "article_generator_pretaxonomy",
    "article_generator_finalized",
    "page_generator_finalized",
    "static_generator_finalized",
    "all_generators_finalized",
    "article_writer_finalized",
    "page_writer_finalized",
    "finalized",
)
#: a plugin's stage while content is read (after that, its work is part of rendering, except
#: where it is named for the writing part as well)
STAGES_BY_PLUGIN = {
    "entities": "tagging",
    "related_stories": "related",
    "incidents": "incidents",
}
WRITING_STAGES_BY_PLUGIN = {"pagefind_search": "indexing", "incidents": "incidents"}
ORDER = ("reading", "tagging", "incidents", "related", "rendering", "indexing", "other")


class Timings:
    """Seconds per stage for one build."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.writing_at: float | None = None
        self.finished_at: float | None = None
        self.in_receivers = {"reading": 0.0, "writing": 0.0}
        self.seconds: dict[str, float] = defaultdict(float)
        self.notes: dict[str, str] = {}

    def phase(self) -> str:
        return "reading" if self.writing_at is None else "writing"

    def add(self, plugin: str, signal: str, seconds: float) -> None:
        phase = self.phase()
        if phase == "reading":
            stage = STAGES_BY_PLUGIN.get(plugin, "reading")
        elif plugin == "incremental":
            stage = "rendering"  # the queued pages are rendered at ``finalized``
        else:
            default = "other" if signal == "finalized" else "rendering"
            stage = WRITING_STAGES_BY_PLUGIN.get(plugin, default)
        self.seconds[stage] += seconds
        self.in_receivers[phase] += seconds

    def finish(self) -> None:
        self.finished_at = time.perf_counter()

    def table(self) -> str:
        """The stages as a plain-text table."""
        end = self.finished_at or time.perf_counter()
        writing_at = self.writing_at or end
        seconds = dict(self.seconds)
        seconds["reading"] = seconds.get("reading", 0.0) + max(
            0.0, writing_at - self.started - self.in_receivers["reading"]
        )
        seconds["rendering"] = seconds.get("rendering", 0.0) + max(
            0.0, end - writing_at - self.in_receivers["writing"]
        )
        total = end - self.started
        lines = ["stage        seconds  share  note"]
        for stage in ORDER:
            if stage not in seconds:
                continue
            value = seconds[stage]
            lines.append(
                f"{stage:<12} {value:7.2f}  {value / total:5.0%}  {self.notes.get(stage, '')}"
                .rstrip()
            )
        lines.append(f"{'total':<12} {total:7.2f}")
        return "\n".join(lines)


def _plugin_of(receiver: Callable[..., Any]) -> str:
    module = getattr(receiver, "__module__", "") or ""
    return module.split(".", 1)[0]


def time_receivers(
    timings_of: Callable[[], Timings | None],
    skip: set[int],
    before: dict[str, Callable[..., Any]] | None = None,
) -> None:
    """Wrap every receiver of the timed signals (except ``skip`` ids) so it reports its time;
    ``before[signal]`` is called before each receiver of that signal (it must be idempotent)."""
    before = before or {}
    for name in TIMED_SIGNALS:
        signal = getattr(signals, name, None)
        if signal is None:
            continue
        for receiver_id, ref in list(signal.receivers.items()):
            receiver = ref() if isinstance(ref, weakref.ref) else ref
            if receiver is None or getattr(receiver, "_timed", False):
                continue
            if id(getattr(receiver, "__func__", receiver)) in skip:
                continue
            signal.receivers[receiver_id] = _timed(
                receiver, _plugin_of(receiver), name, timings_of, before.get(name)
            )


def _timed(receiver: Callable[..., Any], plugin: str, signal: str,
           timings_of: Callable[[], Timings | None],
           first: Callable[..., Any] | None) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        if first is not None:
            first(*args, **kwargs)
        started = time.perf_counter()
        try:
            return receiver(*args, **kwargs)
        finally:
            timings = timings_of()
            if timings is not None:
                timings.add(plugin, signal, time.perf_counter() - started)

    timed._timed = True  # type: ignore[attr-defined]
    timed.__wrapped__ = receiver  # type: ignore[attr-defined]
    return timed
