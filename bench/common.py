"""Measuring a stage: wall time and peak memory of a child process, one table row per stage."""

from __future__ import annotations

import multiprocessing as mp
import resource
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Measurement:
    """Wall seconds, the child's peak resident memory in MB, and the function's value."""

    seconds: float
    peak_mb: float
    value: Any


@dataclass(frozen=True)
class Row:
    """One line of the benchmark table."""

    stage: str
    items: int
    seconds: float
    peak_mb: float
    note: str = ""

    @property
    def rate(self) -> float:
        """Items per second."""
        return self.items / self.seconds if self.seconds > 0 else float("inf")


def _child(conn: Any, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    started = time.perf_counter()
    try:
        value = fn(*args, **kwargs)
        error = None
    except BaseException:  # the parent re-raises it with the child's traceback
        value, error = None, traceback.format_exc()
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_kb = max(peak_kb, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    conn.send((seconds, peak_kb / 1024, value, error))
    conn.close()


def measure(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Measurement:
    """Run ``fn`` in a forked child: its peak memory is its own, not the parent's."""
    ctx = mp.get_context("fork")
    parent_end, child_end = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(child_end, fn, args, kwargs))
    process.start()
    child_end.close()
    seconds, peak_mb, value, error = parent_end.recv()
    process.join()
    if error:
        raise RuntimeError(f"benchmarked function failed:\n{error}")
    return Measurement(seconds, peak_mb, value)
