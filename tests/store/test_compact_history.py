"""Compact transition bodies: events that repeat an output are stored as references
and come back from ``history`` exactly as they were committed, on every backend."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from asl.store import Store, StoreError, Transition
from asl.store.codec import decode_history, encode_transition
from asl.store.sqlite import SQLiteStore

INPUT = {"title": "A title", "body": "x" * 200}


def entered_exited(first_id: int, state: str, data_in: object, data_out: object) -> list:
    return [
        {
            "id": first_id,
            "type": "PassStateEntered",
            "timestamp": "t",
            "state": state,
            "details": {"input": data_in},
        },
        {
            "id": first_id + 1,
            "type": "PassStateExited",
            "timestamp": "t",
            "state": state,
            "details": {"output": data_out},
        },
    ]


def committed(store_input: dict) -> list[Transition]:
    """Three transitions as a journal commits them: each knows the output before it."""
    changed = {**store_input, "n": 1}
    paused = [
        {
            "id": 5,
            "type": "PassStateEntered",
            "timestamp": "t",
            "state": "Review",
            "details": {"input": changed},
        },
        {
            "id": 6,
            "type": "ExecutionPaused",
            "timestamp": "t",
            "state": "Review",
            "details": {"request": {"type": "approval", "input": changed, "prompt": "ok?"}},
        },
    ]
    return [
        Transition(
            "e",
            1,
            "A",
            store_input,
            "B",
            entered_exited(1, "A", store_input, store_input),
            prior=(store_input,),
        ),
        Transition(
            "e",
            2,
            "B",
            changed,
            "Review",
            entered_exited(3, "B", store_input, changed),
            prior=(store_input,),
        ),
        # An equal copy of the previous output (not the same object) is still a reference.
        Transition("e", 3, "Review", dict(changed), "Review", paused, prior=(changed,)),
    ]


async def test_history_rebuilds_every_referenced_value(store: Store) -> None:
    await store.create_execution("e", "h", INPUT, "A")
    transitions = committed(INPUT)
    for transition in transitions:
        await store.commit_transition(transition)
    assert await store.history("e") == transitions
    assert await store.history("e", 2) == transitions[2:]
    assert await store.history("e", 1) == transitions[1:]


async def test_rebuilt_values_are_independent_copies(store: Store) -> None:
    await store.create_execution("e", "h", INPUT, "A")
    for transition in committed(INPUT):
        await store.commit_transition(transition)
    last = (await store.history("e"))[-1]
    last.output["n"] = 99
    assert last.events[0]["details"] == {"input": {**INPUT, "n": 1}}
    assert last.events[1]["details"]["request"]["input"] == {**INPUT, "n": 1}


async def test_history_of_an_unknown_execution_is_empty(store: Store) -> None:
    assert await store.history("nobody") == []


def test_a_reference_needs_the_same_json_not_just_python_equality() -> None:
    # 1 == True in Python; the event must keep its own JSON.
    prior = {"flag": 1}
    event = {
        "id": 1,
        "type": "PassStateEntered",
        "timestamp": "t",
        "details": {"input": {"flag": True}},
    }
    transition = Transition("e", 1, "A", {"flag": 1.0}, None, [event], prior=(prior,))
    body = json.loads(encode_transition(transition))
    assert body["output"] == {"flag": 1.0}
    assert body["events"] == [event]
    assert decode_history("e", [encode_transition(transition)], 0, '{"flag":1}') == [transition]


def test_bodies_written_before_compaction_still_read() -> None:
    old = json.dumps(
        {
            "state": "A",
            "output": {"a": 1},
            "next": None,
            "events": [
                {
                    "id": 1,
                    "type": "PassStateExited",
                    "timestamp": "t",
                    "details": {"output": {"a": 1}},
                }
            ],
            "tokens": 3,
            "cost": 0.5,
            "variables": {"v": 1},
        }
    )
    assert decode_history("e", [old], 0, None) == [
        Transition(
            "e",
            1,
            "A",
            {"a": 1},
            None,
            [
                {
                    "id": 1,
                    "type": "PassStateExited",
                    "timestamp": "t",
                    "details": {"output": {"a": 1}},
                }
            ],
            3,
            0.5,
            {"v": 1},
        )
    ]


def test_a_reference_to_a_missing_input_is_a_clear_store_error() -> None:
    body = encode_transition(Transition("e", 1, "A", INPUT, None, [], prior=(INPUT,)))
    with pytest.raises(StoreError, match="Transition 1 of execution 'e' refers to the previous"):
        decode_history("e", [body], 0, None)


async def test_sqlite_keeps_each_repeated_value_once(tmp_path: Path) -> None:
    store = SQLiteStore(str(tmp_path / "store.db"))
    await store.create_execution("e", "h", INPUT, "A")
    for transition in committed(INPUT):
        await store.commit_transition(transition)
    await store.close()
    with sqlite3.connect(tmp_path / "store.db") as db:
        bodies = [row[0] for row in db.execute("SELECT body FROM transitions ORDER BY sequence")]
    # 1: the output is the input; 2: a new output, once; 3: the previous output again.
    assert [body.count("x" * 200) for body in bodies] == [0, 1, 0]
