"""The execution history, modelled on Step Functions' GetExecutionHistory.

Events are recorded as plain tuples ``(type, time, state, key, value)`` on the
hot path and turned into dicts only when someone reads the trace: recording a
transition costs one tuple and one list append. Event ids are 1-based
positions, numbered as AWS numbers them, because AWS causes quote them
("entered at the event id #2").
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

Event = tuple[str, float, str | None, str | None, Any]


def iso_timestamp(seconds: float) -> str:
    """AWS's timestamp form: UTC, millisecond precision, ``Z`` suffix."""
    moment = datetime.fromtimestamp(seconds, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


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
