"""The execution history, modelled on Step Functions' GetExecutionHistory.

Events are recorded as plain tuples ``(type, time, state, key, value)`` on the
hot path and turned into dicts only when someone reads the trace: recording a
transition costs one tuple and one list append. Event ids are 1-based
positions, numbered as AWS numbers them, because AWS causes quote them
("entered at the event id #2").
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

Event = tuple[str, float, str | None, str | None, Any]


_second: tuple[int, str] = (0, "1970-01-01T00:00:00.")


def iso_timestamp(seconds: float) -> str:
    """AWS's timestamp form: UTC, millisecond precision, ``Z`` suffix.

    Events come many to a second, so the formatted second is kept: only the
    milliseconds change (streaming formats every event as it happens).
    """
    global _second
    whole = math.floor(seconds)
    micros = round((seconds - whole) * 1_000_000)  # datetime rounds to microseconds too
    if micros >= 1_000_000:
        whole, micros = whole + 1, micros - 1_000_000
    cached, text = _second
    if whole != cached:
        text = datetime.fromtimestamp(whole, UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        _second = (whole, text)
    return f"{text}{micros // 1000:03d}Z"


def materialize(events: list[Event], first_id: int = 1) -> list[dict[str, Any]]:
    """The trace as dicts: ``id``, ``type``, ``timestamp``, ``state`` and ``details``.

    ``first_id`` numbers a slice of the history (what a journal commit adds).
    """
    return [event_dict(event, number) for number, event in enumerate(events, start=first_id)]


def event_dict(recorded: Event, number: int) -> dict[str, Any]:
    """One event of the trace; ``number`` is its id."""
    kind, at, state, key, value = recorded
    event: dict[str, Any] = {"id": number, "type": kind, "timestamp": iso_timestamp(at)}
    if state is not None:
        event["state"] = state
    if key is not None:
        event["details"] = {key: value}
    elif value is not None:
        event["details"] = value
    return event
