"""How much of each benchmark to run: ``ASL_BENCH_SCALE`` (default 1, the full runs).

The doc tests run every script the benchmarks page shows with a small scale (0.01),
so the commands there are known to work without taking minutes; the figures of such
a run mean nothing. Scripts pass their repetition counts and sizes through
:func:`scaled`.
"""

from __future__ import annotations

import os

SCALE = float(os.environ.get("ASL_BENCH_SCALE", "1"))


def scaled(count: int, least: int = 1) -> int:
    """``count`` times the scale, and at least ``least``."""
    return max(least, round(count * SCALE))
