"""``/healthz`` (the process answers), ``/readyz`` (store and broker reachable), ``/metrics``.

These three are open (no key), as load balancers and Prometheus call them; they
show nothing about workflows or executions beyond the metric counters.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from asl.service.context import service
from asl.service.metrics import metrics
from asl.service.problems import problem_response

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, Any]:
    return {"status": "ok"}


@router.get("/readyz", response_model=None)
async def readyz(request: Request) -> JSONResponse | dict[str, Any]:
    state = service(request)
    problems = []
    try:
        await state.store.get_memory("asl.service.health", "ping")
    except Exception as error:
        problems.append(f"store unreachable: {type(error).__name__}")
    broker = await state.dispatcher.ready()
    if broker is not None:
        problems.append(broker)
    if problems:
        return problem_response(503, "not-ready", "; ".join(problems))
    return {"status": "ready"}


@router.get("/metrics")
async def prometheus_metrics() -> Response:
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    return Response(generate_latest(metrics().registry), media_type=CONTENT_TYPE_LATEST)
