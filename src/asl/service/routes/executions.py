"""``/v1/executions``: start (asynchronously or waiting), describe, list, history, stop, redrive.

Starting records the execution in the store (RUNNING at its first state, with the
workflow version it runs) before anything runs, so the id answered is at once
visible from every instance, and hands it to the dispatcher. ``waitSeconds``
holds the response until the execution ends or pauses, or the wait runs out
(then 202 with the execution as it stands). Inputs, outputs and history are
shown with the values of secret keys (``ASL_REDACT_KEYS``) replaced by ``***``.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from asl.service import workflows
from asl.service.context import Service, require, service
from asl.service.history import closing_event, event_id
from asl.service.logs import redact
from asl.service.metrics import metrics
from asl.service.problems import Problem
from asl.service.routes.models import StartExecution, StopExecution
from asl.service.runner import EXECUTIONS
from asl.store import (
    ExecutionRecord,
    ExecutionStatus,
    Store,
    StoreConflictError,
    StoreError,
    UnknownExecutionError,
)

router = APIRouter(prefix="/v1/executions", tags=["executions"])

SETTLED = ("PAUSED", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")
REDRIVABLE = ("FAILED", "TIMED_OUT", "ABORTED")


@router.post("", status_code=202, dependencies=[Depends(require("execute"))])
async def start_execution(body: StartExecution, request: Request) -> JSONResponse:
    state = service(request)
    store = state.store
    if body.version is None:
        version = await workflows.latest_version(store, body.workflow)
    else:
        version = await workflows.get_version(store, body.workflow, body.version)
    if version is None:
        which = f"version {body.version} of " if body.version else ""
        raise Problem(
            404,
            "unknown-workflow",
            f"No {which}workflow '{body.workflow}' is registered; POST it to /v1/workflows",
        )
    document = await workflows.load_document(store, version.definition_hash)
    if document is None:
        raise Problem(409, "missing-definition", "The workflow's document is not in the store")
    execution_id = body.executionId or str(uuid.uuid4())
    try:
        await store.create_execution(
            execution_id, version.definition_hash, body.input, str(document.get("StartAt"))
        )
    except StoreConflictError:
        raise Problem(
            409,
            "execution-exists",
            f"Execution '{execution_id}' already exists with another workflow or input; "
            "choose another executionId",
        ) from None
    await store.set_memory(
        EXECUTIONS,
        execution_id,
        {"workflow": version.name, "version": version.version},
        overwrite=False,
    )
    metrics().started.labels(version.name).inc()
    wait = min(body.waitSeconds, state.settings.max_wait_seconds)
    if wait <= 0:
        await state.dispatcher.submit(execution_id)
        return await _answer(state, execution_id)
    deadline = time.monotonic() + wait
    waiting = asyncio.ensure_future(state.dispatcher.waiters.wait(execution_id, wait))
    await asyncio.sleep(0)  # registered before the run can announce its end
    await state.dispatcher.submit(execution_id)
    await waiting
    return await _answer_when_settled(state, execution_id, deadline)


async def _answer_when_settled(state: Service, execution_id: str, deadline: float) -> JSONResponse:
    while True:
        record, about = await asyncio.gather(  # two reads, one wait
            _load(state.store, execution_id), _about(state.store, execution_id)
        )
        left = deadline - time.monotonic()
        if record.status in SETTLED or left <= 0:
            return JSONResponse(
                await describe(state, record, about),
                status_code=200 if record.status in SETTLED else 202,
            )
        await state.dispatcher.waiters.wait(execution_id, min(left, 0.25))


async def _answer(state: Service, execution_id: str) -> JSONResponse:
    record = await _load(state.store, execution_id)
    return JSONResponse(await describe(state, record), status_code=202)


@router.get("", dependencies=[Depends(require("read"))])
async def list_executions(
    request: Request,
    status: ExecutionStatus | None = None,
    workflow: str | None = None,
    createdAfter: float | None = Query(default=None, description="Epoch seconds, inclusive"),
    createdBefore: float | None = Query(default=None, description="Epoch seconds, exclusive"),
    limit: int = Query(default=50, ge=1, le=100),
    cursor: str | None = None,
) -> dict[str, Any]:
    """Newest first. With ``workflow`` a page may hold fewer than ``limit``: follow nextCursor."""
    state = service(request)
    try:
        page = await state.store.list_executions(
            status=status,
            created_after=createdAfter,
            created_before=createdBefore,
            limit=limit,
            cursor=cursor,
        )
    except StoreError:
        raise Problem(400, "invalid-cursor", "The cursor is not one this API returned") from None
    found = []
    for record in page.executions:
        about = await _about(state.store, record.execution_id)
        if workflow is not None and about.get("workflow") != workflow:
            continue
        found.append(_summary(record, about))
    return {"executions": found, "nextCursor": page.next_cursor}


@router.get("/{execution_id}", dependencies=[Depends(require("read"))])
async def describe_execution(execution_id: str, request: Request) -> dict[str, Any]:
    state = service(request)
    return await describe(state, await _load(state.store, execution_id))


@router.get("/{execution_id}/history", dependencies=[Depends(require("read"))])
async def execution_history(
    execution_id: str,
    request: Request,
    after: int = Query(default=0, ge=0, description="Only events with a higher id"),
) -> dict[str, Any]:
    state = service(request)
    record = await _load(state.store, execution_id)
    events: list[dict[str, Any]] = [
        event
        for transition in await state.store.history(execution_id)
        for event in transition.events
    ]
    closing = closing_event(record, events[-1] if events else None)
    if closing is not None:
        events.append(closing)
    shown = [event for event in events if event_id(event) > after]
    return {"executionId": execution_id, "events": redact(shown, state.redact_keys)}


@router.post("/{execution_id}/stop", dependencies=[Depends(require("execute"))])
async def stop_execution(
    execution_id: str, request: Request, body: StopExecution | None = None
) -> dict[str, Any]:
    """As StopExecution: the execution ends ABORTED; a run in progress stops at its next commit."""
    state = service(request)
    record = await _load(state.store, execution_id)
    if record.status not in ("RUNNING", "PAUSED"):
        raise Problem(
            409,
            "execution-not-running",
            f"Execution '{execution_id}' is {record.status}; only a RUNNING or PAUSED one stops",
        )
    stop = body or StopExecution()
    try:
        await state.store.finish_execution(
            execution_id, "ABORTED", error=stop.error, cause=stop.cause
        )
    except StoreConflictError:
        raise Problem(
            409, "execution-not-running", f"Execution '{execution_id}' ended meanwhile"
        ) from None
    await state.dispatcher.announce(execution_id)
    return await describe(state, await _load(state.store, execution_id))


@router.post("/{execution_id}/redrive", status_code=202, dependencies=[Depends(require("execute"))])
async def redrive_execution(execution_id: str, request: Request) -> dict[str, Any]:
    """As RedriveExecution: continue a FAILED, TIMED_OUT or ABORTED one from where it stopped."""
    state = service(request)
    record = await _load(state.store, execution_id)
    if record.status not in REDRIVABLE:
        raise Problem(
            409,
            "execution-not-redrivable",
            f"Execution '{execution_id}' is {record.status}; only a FAILED, TIMED_OUT or "
            "ABORTED execution can be redriven",
        )
    try:
        await state.store.reopen_execution(execution_id)
    except StoreConflictError:
        raise Problem(409, "execution-not-redrivable", "It was redriven meanwhile") from None
    await state.dispatcher.submit(execution_id)
    return await describe(state, await _load(state.store, execution_id))


async def _load(store: Store, execution_id: str) -> ExecutionRecord:
    try:
        return await store.load_execution(execution_id)
    except UnknownExecutionError:
        raise Problem(
            404, "unknown-execution", f"No execution '{execution_id}' in this service"
        ) from None


async def _about(store: Store, execution_id: str) -> dict[str, Any]:
    entry = await store.get_memory(EXECUTIONS, execution_id)
    return entry.value if entry is not None and isinstance(entry.value, dict) else {}


def _summary(record: ExecutionRecord, about: dict[str, Any]) -> dict[str, Any]:
    return {
        "executionId": record.execution_id,
        "workflow": about.get("workflow"),
        "version": about.get("version"),
        "status": record.status,
        "createdAt": record.created_at,
        "updatedAt": record.updated_at,
    }


async def describe(
    state: Service, record: ExecutionRecord, about: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The execution as DescribeExecution shows it, plus usage, trace id and what it waits on
    (``about``: its workflow entry, when the caller read it alongside the record)."""
    if about is None:
        about = await _about(state.store, record.execution_id)
    trace = about.get("trace")
    described: dict[str, Any] = {
        **_summary(record, about),
        "input": record.input,
        "output": record.output,
        "error": record.error,
        "cause": record.cause,
        "position": record.position,
        "tokens": record.tokens,
        "cost": record.cost,
        "traceId": trace.get("traceId") if isinstance(trace, dict) else None,
    }
    if record.status == "PAUSED":
        pending = await state.store.list_requests(record.execution_id)
        described["pending"] = [
            {"requestId": r.request_id, "state": r.state, "kind": r.kind, "request": r.payload}
            for r in pending
        ]
    redacted: dict[str, Any] = redact(described, state.redact_keys)
    return redacted
