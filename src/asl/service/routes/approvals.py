"""``/v1/approvals`` and ``/v1/callbacks``: the answers paused executions wait for.

A decision is checked here, at once, against the request (pending, options), so
the caller learns of a bad decision from this response; then it is claimed with
the store's insert-if-absent under the request id, so of two different decisions
sent to two instances exactly one wins (the other gets 409, the same one again
202), and the execution continues on a worker. Task tokens work the same way:
``success`` and ``failure`` end a ``.waitForTaskToken`` Task as AWS's
SendTaskSuccess/SendTaskFailure do.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from asl.language.errors import ASLError
from asl.runtime.states.approval import check_decision
from asl.service.context import Service, require, service
from asl.service.logs import redact
from asl.service.problems import Problem
from asl.service.routes.models import Decision, TaskFailure, TaskSuccess
from asl.store import PendingRequest, UnknownExecutionError, UnknownRequestError

router = APIRouter(tags=["approvals"])

DECISIONS = "asl.service.decisions"
HEARTBEATS = "asl.service.heartbeats"
CLAIM_SECONDS = 86_400.0
"""How long a decision claim (and a heartbeat time) is kept: once the execution has
consumed the decision, the request is no longer pending and the claim is not needed."""


@router.get("/v1/approvals", dependencies=[Depends(require("read"))])
async def list_approvals(
    request: Request, executionId: str | None = Query(default=None)
) -> dict[str, Any]:
    """Approvals waiting for a decision, oldest first."""
    state = service(request)
    waiting = []
    for pending in await state.store.list_requests(executionId, pending_only=True):
        if pending.kind != "approval" or not await _paused(state, pending.execution_id):
            continue
        waiting.append(
            {
                "requestId": pending.request_id,
                "executionId": pending.execution_id,
                "state": pending.state,
                "request": pending.payload,
                "createdAt": pending.created_at,
            }
        )
    return {"approvals": redact(waiting, state.redact_keys)}


@router.post(
    "/v1/approvals/{request_id}/decision",
    status_code=202,
    dependencies=[Depends(require("approve"))],
)
async def decide_approval(request_id: str, body: Decision, request: Request) -> dict[str, Any]:
    state = service(request)
    pending = await _request(state, request_id, "approval")
    payload = pending.payload if isinstance(pending.payload, dict) else {}
    listed = payload.get("options")
    options = [str(option) for option in listed] if isinstance(listed, list) else []
    decision = body.model_dump(exclude_none=True)
    try:
        check_decision(decision, options)
    except ASLError as refused:
        raise Problem(422, "invalid-decision", refused.cause or str(refused)) from None
    return await _continue(state, pending, decision)


@router.post(
    "/v1/callbacks/{token}/success", status_code=202, dependencies=[Depends(require("approve"))]
)
async def task_success(token: str, body: TaskSuccess, request: Request) -> dict[str, Any]:
    state = service(request)
    pending = await _request(state, token, "callback")
    return await _continue(state, pending, {"output": body.output})


@router.post(
    "/v1/callbacks/{token}/failure", status_code=202, dependencies=[Depends(require("approve"))]
)
async def task_failure(token: str, body: TaskFailure, request: Request) -> dict[str, Any]:
    state = service(request)
    pending = await _request(state, token, "callback")
    return await _continue(state, pending, {"error": body.error, "cause": body.cause})


@router.post("/v1/callbacks/{token}/heartbeat", dependencies=[Depends(require("approve"))])
async def task_heartbeat(token: str, request: Request) -> dict[str, Any]:
    """As SendTaskHeartbeat: says the worker on the task is alive; recorded with its time."""
    state = service(request)
    await _request(state, token, "callback")
    now = time.time()
    await state.store.set_memory(HEARTBEATS, token, now, ttl_seconds=CLAIM_SECONDS)
    return {"token": token, "heartbeatAt": now}


async def _request(state: Service, request_id: str, kind: str) -> PendingRequest:
    noun = "approval request" if kind == "approval" else "task token"
    try:
        pending = await state.store.get_request(request_id)
    except UnknownRequestError:
        pending = None
    if pending is None or pending.kind != kind:
        raise Problem(404, "unknown-request", f"No {noun} '{request_id}' in this service")
    if not pending.pending or not await _paused(state, pending.execution_id):
        raise Problem(
            409,
            "request-closed",
            f"The {noun} '{request_id}' was already answered, or its execution ended",
        )
    return pending


async def _paused(state: Service, execution_id: str) -> bool:
    try:
        return (await state.store.load_execution(execution_id)).status == "PAUSED"
    except UnknownExecutionError:
        return False


async def _continue(
    state: Service, pending: PendingRequest, decision: dict[str, Any]
) -> dict[str, Any]:
    first = await state.store.set_memory(
        DECISIONS, pending.request_id, decision, overwrite=False, ttl_seconds=CLAIM_SECONDS
    )
    if not first:
        taken = await state.store.get_memory(DECISIONS, pending.request_id)
        if taken is None or taken.value != decision:
            raise Problem(
                409,
                "request-closed",
                f"Another answer to '{pending.request_id}' was accepted first",
            )
    await state.dispatcher.submit(pending.execution_id, decision)
    return {
        "requestId": pending.request_id,
        "executionId": pending.execution_id,
        "accepted": redact(decision, state.redact_keys),
    }
