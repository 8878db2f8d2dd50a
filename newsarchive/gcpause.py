"""Python's cycle collector kept out of bulk work that makes many objects and no cycles
(tagging a batch, reading articles for incidents).

While such work runs, every collection would walk the objects made so far again; once it is
done, the first young collection would walk them all once more. So the collector is paused
during the work, and what it made is then moved, unwalked, out of the young generations.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector paused for the block (refcounting still frees what is dropped)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def settle_young_objects() -> None:
    """Move the objects of the collector's young generations out of its way without walking
    them: to the oldest generation (``gc.freeze()`` then ``gc.unfreeze()``), or, in a process
    that keeps objects frozen (a site build does: ``plugins/incremental``), to the frozen
    ones, which that process unfreezes when it is done. For many long-lived objects only (a
    caller's own young objects move too)."""
    keeps_frozen = gc.get_freeze_count() > 0
    gc.freeze()
    if not keeps_frozen:
        gc.unfreeze()
