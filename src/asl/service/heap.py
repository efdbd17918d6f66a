"""Keeping the garbage collector's full passes short in long-running service processes.

A server or worker imports FastAPI, pydantic, OpenTelemetry, Dramatiq and redis-py:
some hundreds of thousands of objects that live as long as the process. CPython's
oldest-generation collection walks all of them each time it runs, which measured
80 to 180 ms per pass on the project's 2-core machine, a pause for every request or
execution in that process. Freezing what exists once start-up is done moves those
objects out of the collector's sight (``gc.freeze``); a full pass then walks only
what was made since, and reference cycles among new objects are still collected.
"""

from __future__ import annotations

import gc


def freeze_startup_objects() -> None:
    """Collect start-up garbage, then exempt every surviving object from later passes."""
    gc.collect()
    gc.freeze()
