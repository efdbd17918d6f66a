"""The execution history as the API shows it: the journal's events, closed as AWS closes it.

The journal commits each state's events with its transition; the event that ends
the execution (``ExecutionSucceeded``, ``ExecutionFailed``, ...) comes after the
last commit, and a stop (``ExecutionAborted``) is only a status change. Both are
derived here from the final record, with the next event id and the record's
time, so every instance shows the same closing event with the same id, as AWS's
GetExecutionHistory does.
"""

from __future__ import annotations

from typing import Any

from asl.runtime.history import iso_timestamp
from asl.store import ExecutionRecord

CLOSING = {
    "SUCCEEDED": "ExecutionSucceeded",
    "FAILED": "ExecutionFailed",
    "TIMED_OUT": "ExecutionTimedOut",
    "ABORTED": "ExecutionAborted",
}


def event_id(event: dict[str, Any]) -> int:
    number = event.get("id")
    return number if isinstance(number, int) else 0


def closing_event(record: ExecutionRecord, last: dict[str, Any] | None) -> dict[str, Any] | None:
    """The event that ends ``record``'s history, if it has ended and the journal lacks it."""
    kind = CLOSING.get(record.status)
    if kind is None or (last is not None and last.get("type") == kind):
        return None
    details: dict[str, Any] = (
        {"output": record.output}
        if record.status == "SUCCEEDED"
        else {"error": record.error, "cause": record.cause}
    )
    return {
        "id": (event_id(last) if last is not None else 0) + 1,
        "type": kind,
        "timestamp": iso_timestamp(record.updated_at),
        "details": details,
    }
