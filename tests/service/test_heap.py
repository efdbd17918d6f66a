"""Service processes freeze their start-up objects so full collections stay short."""

from __future__ import annotations

import gc

from asl.service.heap import freeze_startup_objects


def test_start_up_objects_are_frozen_and_new_cycles_still_collected() -> None:
    try:
        freeze_startup_objects()
        assert gc.get_freeze_count() > 0
        cycle: list[object] = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1
    finally:
        gc.unfreeze()
