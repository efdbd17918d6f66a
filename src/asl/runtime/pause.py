"""Pausing an execution: a state that must wait for someone outside the run.

A state raises :class:`Paused` with the request it waits on; the engine stores
the execution at that state and returns a PAUSED result. On resume the
decision reaches the state through ``Execution.decisions`` (consumed once, so a
later Approval state asks again).
"""

from __future__ import annotations

import re
from typing import Any

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$")
_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, None: 1}


class Paused(Exception):
    """Raised by a state that waits; ``request`` is what the decider sees."""

    def __init__(
        self,
        state: str,
        state_input: Any,
        request: dict[str, Any],
        group: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"state {state!r} waits for a decision")
        self.state = state
        self.state_input = state_input
        self.request = request
        # A top-level Map or Parallel whose branches wait: see asl.runtime.branches.
        self.group = group


def parse_duration(text: Any) -> float | None:
    """``"30s"``, ``"5m"``, ``"24h"``, ``"7d"``, ``"2w"`` or seconds; None when invalid."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        return float(text) if text >= 0 else None
    if not isinstance(text, str):
        return None
    match = _DURATION.match(text)
    if match is None:
        return None
    return float(match.group(1)) * _SECONDS[match.group(2)]
