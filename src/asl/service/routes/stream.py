"""``GET /v1/executions/{id}/events``: the execution's history as a server-sent event stream.

The events come from the store's history, not from the process running the
execution, so any instance can serve any stream, and a client that reconnects to
another instance with ``Last-Event-ID`` (or ``?after=``) gets exactly the events
it has not seen: each SSE id is the history event id, which is stable. A stream
ends after the event that ends the execution; while the execution runs or waits
it stays open, woken by the runs' announcements and polling the store every
``ASL_STREAM_POLL_SECONDS`` in case an announcement was missed, with a comment
line every ``KEEPALIVE_SECONDS`` so proxies keep the connection.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import StreamingResponse

from asl.service.context import Service, require, service
from asl.service.history import closing_event, event_id
from asl.service.logs import redact
from asl.service.problems import Problem
from asl.store import UnknownExecutionError

router = APIRouter(tags=["executions"])

KEEPALIVE_SECONDS = 15.0
FINAL = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


@router.get(
    "/v1/executions/{execution_id}/events",
    dependencies=[Depends(require("read"))],
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def execution_events(
    execution_id: str,
    request: Request,
    after: int | None = Query(default=None, ge=0, description="Resume after this event id"),
    last_event_id: str | None = Header(default=None),
) -> StreamingResponse:
    state = service(request)
    try:
        await state.store.load_execution(execution_id)
    except UnknownExecutionError:
        raise Problem(
            404, "unknown-execution", f"No execution '{execution_id}' in this service"
        ) from None
    seen = after or 0
    if last_event_id is not None:
        if not last_event_id.strip().isdigit():
            raise Problem(400, "invalid-last-event-id", "Last-Event-ID must be an event id")
        seen = max(seen, int(last_event_id))
    return StreamingResponse(
        _events(state, request, execution_id, seen),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _events(
    state: Service, request: Request, execution_id: str, seen: int
) -> AsyncIterator[str]:
    sequence = 0  # transitions already read
    last: dict[str, Any] | None = None
    quiet_since = time.monotonic()
    while True:
        record = await state.store.load_execution(execution_id)
        for transition in await state.store.history(execution_id, sequence):
            sequence = transition.sequence
            for event in transition.events:
                last = event
                number = event_id(event)
                if number > seen:
                    seen = number
                    quiet_since = time.monotonic()
                    yield _frame(number, event, state)
        if record.status in FINAL:
            closing = closing_event(record, last)
            if closing is not None and event_id(closing) > seen:
                yield _frame(event_id(closing), closing, state)
            yield _end(record.status, record.error, record.cause, record.output, state)
            return
        if await request.is_disconnected():
            return
        if time.monotonic() - quiet_since > KEEPALIVE_SECONDS:
            quiet_since = time.monotonic()
            yield ": keepalive\n\n"
        await state.dispatcher.waiters.wait(execution_id, state.settings.stream_poll_seconds)


def _frame(number: int, event: dict[str, Any], state: Service) -> str:
    data = json.dumps(redact(event, state.redact_keys), ensure_ascii=False)
    return f"id: {number}\nevent: {event.get('type', 'event')}\ndata: {data}\n\n"


def _end(status: str, error: Any, cause: Any, output: Any, state: Service) -> str:
    body = {"status": status, "error": error, "cause": cause, "output": output}
    data = json.dumps(redact(body, state.redact_keys), ensure_ascii=False)
    return f"event: end\ndata: {data}\n\n"
