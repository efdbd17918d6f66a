"""Executions and their journal: create, commit, history, pause, finish, list."""

from __future__ import annotations

import asyncio
import math

import pytest

from asl.store import (
    ExecutionRecord,
    StaleSequenceError,
    Store,
    StoreConflictError,
    StoreError,
    Transition,
    UnknownExecutionError,
)
from tests.store.conftest import Clock

EVENTS = [
    {"type": "TaskStateEntered", "timestamp": "2026-01-01T00:00:00Z", "state": "Fetch"},
    {"type": "TaskStateExited", "timestamp": "2026-01-01T00:00:01Z", "state": "Fetch"},
]


def step(sequence: int, state: str = "Fetch", next_state: str | None = "Route") -> Transition:
    return Transition(
        execution_id="exec-1",
        sequence=sequence,
        state=state,
        output={"n": sequence},
        next_state=next_state,
        events=EVENTS,
        tokens=10 * sequence,
        cost=0.5 * sequence,
        variables={"seen": sequence},
    )


async def start(store: Store, execution_id: str = "exec-1") -> ExecutionRecord:
    return await store.create_execution(execution_id, "sha256:abc", {"name": "Ada"}, "Fetch")


async def test_a_new_execution_runs_from_its_start_state(store: Store, clock: Clock) -> None:
    clock.freeze()
    record = await start(store)
    assert record == ExecutionRecord(
        execution_id="exec-1",
        definition_hash="sha256:abc",
        status="RUNNING",
        input={"name": "Ada"},
        position="Fetch",
        sequence=0,
        tokens=0,
        cost=0.0,
        created_at=clock(),
        updated_at=clock(),
    )
    assert await store.load_execution("exec-1") == record


async def test_creating_the_same_execution_again_returns_it_unchanged(store: Store) -> None:
    first = await start(store)
    await store.commit_transition(step(1))
    again = await start(store)
    assert again == await store.load_execution("exec-1")
    assert again.created_at == first.created_at
    assert again.sequence == 1


async def test_reusing_an_id_for_another_definition_is_a_conflict(store: Store) -> None:
    await start(store)
    with pytest.raises(StoreConflictError) as caught:
        await store.create_execution("exec-1", "sha256:other", {"name": "Ada"}, "Fetch")
    assert caught.value.cause == (
        "Execution 'exec-1' already exists with a different definition: choose a new execution id"
    )


async def test_reusing_an_id_for_another_input_is_a_conflict(store: Store) -> None:
    await start(store)
    with pytest.raises(StoreConflictError) as caught:
        await store.create_execution("exec-1", "sha256:abc", {"name": "Bob"}, "Fetch")
    assert caught.value.cause == (
        "Execution 'exec-1' already exists with a different input: choose a new execution id"
    )


async def test_loading_an_unknown_execution_names_it(store: Store) -> None:
    with pytest.raises(UnknownExecutionError) as caught:
        await store.load_execution("nope")
    assert caught.value.error == "States.StoreError"
    assert caught.value.cause == (
        "No execution 'nope' in this store: check the id, or the --store URL"
    )


async def test_a_commit_moves_the_execution_and_appends_the_history(store: Store) -> None:
    await start(store)
    await store.commit_transition(step(1))
    record = await store.load_execution("exec-1")
    assert (record.status, record.position, record.sequence, record.tokens, record.cost) == (
        "RUNNING",
        "Route",
        1,
        10,
        0.5,
    )
    assert await store.history("exec-1") == [step(1)]


async def test_history_after_a_sequence_returns_only_later_transitions(store: Store) -> None:
    await start(store)
    for sequence in (1, 2, 3):
        await store.commit_transition(step(sequence))
    assert await store.history("exec-1", after_sequence=2) == [step(3)]
    assert await store.history("exec-1", after_sequence=3) == []
    assert await store.history("unknown") == []


async def test_a_stale_sequence_is_rejected_and_changes_nothing(store: Store) -> None:
    await start(store)
    await store.commit_transition(step(1))
    with pytest.raises(StaleSequenceError) as caught:
        await store.commit_transition(step(1, state="Other"))
    assert (caught.value.attempted, caught.value.committed) == (1, 1)
    assert caught.value.cause == (
        "Execution 'exec-1': transition 1 does not follow the last committed transition 1; "
        "another process has moved it on, so reload the execution before continuing"
    )
    assert await store.history("exec-1") == [step(1)]
    assert (await store.load_execution("exec-1")).sequence == 1


async def test_a_sequence_that_skips_ahead_is_rejected(store: Store) -> None:
    await start(store)
    with pytest.raises(StaleSequenceError):
        await store.commit_transition(step(2))
    assert await store.history("exec-1") == []


async def test_of_two_racing_commits_of_one_sequence_exactly_one_lands(store: Store) -> None:
    await start(store)
    outcomes = await asyncio.gather(
        store.commit_transition(step(1, state="A")),
        store.commit_transition(step(1, state="B")),
        return_exceptions=True,
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["NoneType", "StaleSequenceError"]
    [landed] = await store.history("exec-1")
    assert landed.state == ("A" if outcomes[0] is None else "B")


async def test_committing_to_an_unknown_execution_fails(store: Store) -> None:
    with pytest.raises(UnknownExecutionError):
        await store.commit_transition(step(1))


async def test_a_sequence_below_one_is_refused(store: Store) -> None:
    await start(store)
    with pytest.raises(StoreError) as caught:
        await store.commit_transition(step(0))
    assert caught.value.cause == (
        "Transition sequence must start at 1, got 0: use the execution's sequence + 1"
    )


async def test_nothing_can_be_committed_to_a_finished_execution(store: Store) -> None:
    await start(store)
    await store.finish_execution("exec-1", "SUCCEEDED", output={"done": True})
    with pytest.raises(StoreConflictError) as caught:
        await store.commit_transition(step(1))
    assert caught.value.cause == (
        "Execution 'exec-1' is SUCCEEDED: nothing can be committed to a finished execution; "
        "start a new one"
    )


async def test_a_paused_execution_runs_again_at_its_next_commit(store: Store) -> None:
    await start(store)
    await store.pause_execution("exec-1")
    await store.pause_execution("exec-1")
    assert (await store.load_execution("exec-1")).status == "PAUSED"
    await store.commit_transition(step(1))
    assert (await store.load_execution("exec-1")).status == "RUNNING"


async def test_a_finished_execution_cannot_pause(store: Store) -> None:
    await start(store)
    await store.finish_execution("exec-1", "ABORTED")
    with pytest.raises(StoreConflictError):
        await store.pause_execution("exec-1")
    with pytest.raises(UnknownExecutionError):
        await store.pause_execution("nope")


async def test_finishing_records_the_result_once(store: Store) -> None:
    await start(store)
    assert await store.finish_execution("exec-1", "FAILED", error="Boom", cause="it broke")
    record = await store.load_execution("exec-1")
    assert (record.status, record.output, record.error, record.cause) == (
        "FAILED",
        None,
        "Boom",
        "it broke",
    )
    assert not await store.finish_execution("exec-1", "FAILED", error="Boom", cause="it broke")
    with pytest.raises(StoreConflictError) as caught:
        await store.finish_execution("exec-1", "SUCCEEDED", output=1)
    assert caught.value.cause == (
        "Execution 'exec-1' already finished as FAILED: a finished execution keeps its result"
    )
    with pytest.raises(UnknownExecutionError):
        await store.finish_execution("nope", "SUCCEEDED")


async def test_only_json_values_can_be_stored(store: Store) -> None:
    with pytest.raises(StoreError) as caught:
        await store.create_execution("exec-1", "h", {"x": math.nan}, "Fetch")
    assert caught.value.cause == ("Only JSON values can be stored: NaN and Infinity are not JSON")
    with pytest.raises(StoreError) as caught:
        await store.create_execution("exec-1", "h", {"x": {1, 2}}, "Fetch")  # type: ignore[dict-item]
    assert caught.value.cause == (
        "Only JSON values can be stored: Object of type set is not JSON serializable"
    )
    with pytest.raises(UnknownExecutionError):
        await store.load_execution("exec-1")


async def test_a_loaded_record_is_a_copy(store: Store) -> None:
    record = await start(store)
    assert isinstance(record.input, dict)
    record.input["name"] = "changed"
    assert (await store.load_execution("exec-1")).input == {"name": "Ada"}


async def make(store: Store, clock: Clock, ids: list[str]) -> list[ExecutionRecord]:
    made = []
    for execution_id in ids:
        made.append(await start(store, execution_id))
        clock.advance(1)
    return made


async def test_executions_list_newest_first_in_pages(store: Store, clock: Clock) -> None:
    clock.freeze()
    await make(store, clock, ["e1", "e2", "e3", "e4", "e5"])
    seen, cursor, pages = [], None, 0
    while True:
        page = await store.list_executions(limit=2, cursor=cursor)
        seen += [record.execution_id for record in page.executions]
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert (seen, pages) == (["e5", "e4", "e3", "e2", "e1"], 3)


async def test_pages_split_executions_created_at_the_same_time(store: Store, clock: Clock) -> None:
    clock.freeze()
    for execution_id in ("a", "b", "c"):
        await start(store, execution_id)
    first = await store.list_executions(limit=2)
    assert [r.execution_id for r in first.executions] == ["c", "b"]
    second = await store.list_executions(limit=2, cursor=first.next_cursor)
    assert ([r.execution_id for r in second.executions], second.next_cursor) == (["a"], None)


async def test_executions_filter_by_status_and_creation_time(store: Store, clock: Clock) -> None:
    clock.freeze()
    made = await make(store, clock, ["e1", "e2", "e3", "e4"])
    await store.finish_execution("e2", "SUCCEEDED")
    await store.pause_execution("e3")

    async def ids(**filters: object) -> list[str]:
        page = await store.list_executions(**filters)  # type: ignore[arg-type]
        return [record.execution_id for record in page.executions]

    assert await ids(status="RUNNING") == ["e4", "e1"]
    assert await ids(status="SUCCEEDED") == ["e2"]
    assert await ids(status="PAUSED") == ["e3"]
    assert await ids(created_after=made[1].created_at, created_before=made[3].created_at) == [
        "e3",
        "e2",
    ]
    assert await ids(status="RUNNING", created_after=made[1].created_at) == ["e4"]


async def test_a_foreign_cursor_is_refused(store: Store) -> None:
    with pytest.raises(StoreError) as caught:
        await store.list_executions(cursor="not-a-cursor")
    assert caught.value.cause == (
        "Invalid cursor 'not-a-cursor': pass the next_cursor of the previous page unchanged"
    )
    with pytest.raises(StoreError):
        await store.list_executions(limit=0)


async def test_reopening_a_failed_execution_makes_it_running_again(store: Store) -> None:
    await start(store)
    await store.finish_execution("exec-1", "FAILED", error="Boom", cause="it broke")
    await store.reopen_execution("exec-1")
    record = await store.load_execution("exec-1")
    assert (record.status, record.output, record.error, record.cause) == (
        "RUNNING",
        None,
        None,
        None,
    )
    page = await store.list_executions(status="RUNNING")
    assert [r.execution_id for r in page.executions] == ["exec-1"]
    assert (await store.list_executions(status="FAILED")).executions == []


async def test_only_a_failed_execution_reopens(store: Store) -> None:
    await start(store)
    await store.finish_execution("exec-1", "SUCCEEDED", output=1)
    with pytest.raises(StoreConflictError) as caught:
        await store.reopen_execution("exec-1")
    assert caught.value.cause == (
        "Execution 'exec-1' is SUCCEEDED: only a FAILED, TIMED_OUT or ABORTED execution "
        "can be redriven"
    )
    with pytest.raises(UnknownExecutionError):
        await store.reopen_execution("nope")
