"""gcpause: bulk work kept from the cycle collector, and its results moved out unwalked."""

from __future__ import annotations

import gc

from newsarchive.gcpause import collector_paused, settle_young_objects


def _young_ids() -> set[int]:
    return {id(o) for generation in (0, 1) for o in gc.get_objects(generation=generation)}


def test_the_collector_is_paused_for_the_block_and_back_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def test_young_objects_go_to_the_oldest_generation_unless_the_process_keeps_some_frozen(
) -> None:
    gc.unfreeze()
    made = [[n] for n in range(100)]
    settle_young_objects()
    assert not {id(m) for m in made} & _young_ids()
    assert gc.get_freeze_count() == 0  # nothing left frozen
    gc.freeze()  # a site build keeps what it has read frozen
    try:
        more = [[n] for n in range(100)]
        settle_young_objects()
        in_generations = {id(o) for generation in (0, 1, 2)
                          for o in gc.get_objects(generation=generation)}
        assert not {id(m) for m in more} & in_generations  # they joined the frozen ones
        assert gc.get_freeze_count() > 0  # and nothing was unfrozen
    finally:
        gc.unfreeze()
