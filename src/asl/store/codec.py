"""JSON in and out of a store, and the checks every backend applies the same way.

Values cross a store as JSON text only: a store never pickles, so data written
by one version or process cannot run code in another, and a stored value comes
back as an independent copy (changing it changes nothing stored).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from typing import Any

from asl.store import compact
from asl.store.errors import StoreConflictError, StoreError
from asl.store.records import JSON, ExecutionRecord, Transition

#: The schema version this engine writes; a store with a newer one is refused.
#: Version 2 stores history bodies with references (:mod:`asl.store.compact`), which
#: an engine of version 1 cannot read; version-1 stores read unchanged, so opening
#: one only raises its version (the data needs no rewrite).
SCHEMA_VERSION = 2


def encode(value: Any) -> str:
    """Compact JSON text; a value JSON cannot hold (NaN, a set, an object) is a StoreError."""
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except ValueError:
        raise StoreError("Only JSON values can be stored: NaN and Infinity are not JSON") from None
    except TypeError as exc:
        raise StoreError(f"Only JSON values can be stored: {exc}") from None


def decode(text: str | bytes) -> Any:
    return json.loads(text)


def encode_transition(transition: Transition) -> str:
    """The stored body: events that repeat an output refer to it (``compact``)."""
    return encode(compact.body(transition))


def decode_history(
    execution_id: str, texts: list[Any], after_sequence: int, input_text: str | None
) -> list[Transition]:
    """The transitions after ``after_sequence`` from all of an execution's bodies.

    ``input_text`` is the execution input's JSON (what the first transition's
    references point at). Only the bodies asked for are decoded, plus the ones
    before them back to the first that holds its output in full.
    """
    first = max(after_sequence, 0)
    prior_text = input_text
    for earlier in reversed(texts[:first]):
        body = decode(earlier)
        if "$output" not in body:
            prior_text = encode(body["output"])
            break
    transitions = []
    for offset, text in enumerate(texts[first:]):
        transition, prior_text = _decoded(execution_id, first + 1 + offset, text, prior_text)
        transitions.append(transition)
    return transitions


def _decoded(
    execution_id: str, sequence: int, text: str | bytes, prior_text: str | None
) -> tuple[Transition, str]:
    body = decode(text)
    if "$output" in body:
        if prior_text is None:
            raise StoreError(
                f"Transition {sequence} of execution '{execution_id}' refers to the previous "
                "output, which the store no longer holds: the history is damaged"
            )
        output_text = prior_text
        output = decode(prior_text)
    else:
        output = body["output"]
        output_text = encode(output)
    return (
        Transition(
            execution_id=execution_id,
            sequence=sequence,
            state=body["state"],
            output=output,
            next_state=body["next"],
            events=compact.expand_events(body["events"], output_text, prior_text),
            tokens=body["tokens"],
            cost=body["cost"],
            variables=body["variables"],
        ),
        output_text,
    )


def check_transition(transition: Transition) -> None:
    if transition.sequence < 1:
        raise StoreError(
            f"Transition sequence must start at 1, got {transition.sequence}: "
            "use the execution's sequence + 1"
        )


def check_ttl(ttl_seconds: float | None) -> None:
    """A TTL is positive and finite, or None for 'forever'."""
    if ttl_seconds is not None and not (ttl_seconds > 0 and math.isfinite(ttl_seconds)):
        raise StoreError(
            f"A TTL must be a positive number of seconds (or None to keep forever), "
            f"got {ttl_seconds!r}"
        )


def check_limit(limit: int) -> None:
    if limit < 1:
        raise StoreError(f"A page limit must be at least 1, got {limit}")


def expiry(now: float, ttl_seconds: float | None) -> float | None:
    check_ttl(ttl_seconds)
    return None if ttl_seconds is None else now + ttl_seconds


def same_start(record: ExecutionRecord, definition_hash: str, input_text: str) -> ExecutionRecord:
    """The existing record when a create repeats it exactly; otherwise a conflict."""
    if record.definition_hash == definition_hash and encode(record.input) == input_text:
        return record
    what = "definition" if record.definition_hash != definition_hash else "input"
    raise StoreConflictError(
        f"Execution '{record.execution_id}' already exists with a different {what}: "
        "choose a new execution id"
    )


def same_finish(
    record: ExecutionRecord, status: str, output: JSON, error: str | None, cause: str | None
) -> bool:
    """False when the execution is already finished this way; a conflict when otherwise."""
    if (record.status, encode(record.output), record.error, record.cause) == (
        status,
        encode(output),
        error,
        cause,
    ):
        return False
    raise StoreConflictError(
        f"Execution '{record.execution_id}' already finished as {record.status}: "
        "a finished execution keeps its result"
    )


def finished_conflict(execution_id: str, status: str) -> StoreConflictError:
    return StoreConflictError(
        f"Execution '{execution_id}' is {status}: nothing can be committed to a finished "
        "execution; start a new one"
    )


def encode_cursor(created_at: float, execution_id: str) -> str:
    raw = encode([created_at, execution_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[float, str]:
    """The (created_at, execution_id) a page ended at; a cursor not ours is a StoreError."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created_at, execution_id = decode(raw)
        if isinstance(created_at, int | float) and isinstance(execution_id, str):
            return float(created_at), execution_id
    except (ValueError, binascii.Error, TypeError):
        pass
    raise StoreError(
        f"Invalid cursor {cursor!r}: pass the next_cursor of the previous page unchanged"
    )


def merged(current: JSON, patch: dict[str, JSON], namespace: str, key: str) -> dict[str, JSON]:
    """``current`` (None counts as {}) with ``patch``'s top-level keys laid over it."""
    if current is None:
        current = {}
    if not isinstance(current, dict):
        kind = "an array" if isinstance(current, list) else f"the value {encode(current)}"
        raise StoreConflictError(
            f"Memory '{namespace}/{key}' holds {kind}, not an object, so it cannot be "
            "merged: set it instead"
        )
    return {**current, **patch}


def not_failed_conflict(execution_id: str, status: str) -> StoreConflictError:
    return StoreConflictError(
        f"Execution {execution_id!r} is {status}: only a FAILED, TIMED_OUT or ABORTED "
        "execution can be redriven"
    )
