"""The ASGI application of ``asl serve``: routes, limits, errors, metrics, lifecycle.

Instances are stateless: everything that must outlive a request (definitions,
executions, keys, decisions) is in the store, and executions run on workers when
a broker is configured, so any number of instances can sit behind a load
balancer. The OpenAPI document is published at ``/openapi.json`` (``/docs`` shows
it) with the bearer-key scheme declared on every ``/v1`` operation.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from asl import __version__
from asl.agents.registry import AgentRegistry
from asl.service import problems
from asl.service.config import Settings
from asl.service.context import Service
from asl.service.dispatch import BrokerDispatcher, Dispatcher, LocalDispatcher
from asl.service.heap import freeze_startup_objects
from asl.service.limits import BodyLimit, JsonBodies, RateLimiter
from asl.service.metrics import metrics, watch_queue
from asl.service.recovery import recover_forever
from asl.service.routes import approvals, executions, health, keys, stream, workflows
from asl.service.runner import Runner
from asl.service.ui import router as console


def create_app(settings: Settings, registry: AgentRegistry | None = None) -> FastAPI:
    agents = registry if registry is not None else AgentRegistry()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        import asyncio

        from asl.store import open_store

        store = await open_store(settings.store)
        dispatcher: Dispatcher
        recovery: asyncio.Task[None] | None = None
        if settings.broker:
            broker = BrokerDispatcher(settings.broker, settings.queue)
            await broker.start()
            dispatcher = broker
        else:
            local = LocalDispatcher()
            local.runner = Runner(
                store, agents, local.announce, lease_seconds=settings.lease_seconds
            )
            dispatcher = local
            recovery = asyncio.create_task(
                recover_forever(
                    store,
                    settings.lease_seconds,
                    settings.recovery_interval_seconds,
                    local.submit,
                )
            )
        watch_queue(dispatcher.queue_depth)
        app.state.service = Service(
            settings=settings,
            store=store,
            registry=agents,
            dispatcher=dispatcher,
            limiter=RateLimiter(settings.rate_limit_per_second, settings.rate_limit_burst),
            redact_keys=frozenset(key.lower() for key in settings.redact_keys),
        )
        freeze_startup_objects()
        try:
            yield
        finally:
            if recovery is not None:
                recovery.cancel()
                await asyncio.gather(recovery, return_exceptions=True)
            await dispatcher.close()
            await store.close()

    app = FastAPI(
        title="Agent State Language service",
        version=__version__,
        lifespan=lifespan,
        description="Register workflows, run executions, answer approvals and callbacks. "
        "Every /v1 operation needs 'Authorization: Bearer <key>' with the scope it names.",
    )
    problems.install(app)
    for router in (
        workflows.router,
        executions.router,
        stream.router,
        approvals.router,
        keys.router,
        health.router,
    ):
        app.include_router(router)
    app.include_router(console.router)  # the web console at /ui
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    if settings.cors_origins:
        from starlette.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Last-Event-ID"],
        )
    app.add_middleware(JsonBodies)
    app.add_middleware(RequestMetrics)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    return app


class RequestMetrics:
    """Count and time every request by its route template (never by raw path: ids vary)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        code = 500

        async def capture(message: Message) -> None:
            nonlocal code
            if message["type"] == "http.response.start":
                code = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            m = metrics()
            m.requests.labels(scope["method"], template, str(code)).inc()
            m.request_seconds.labels(template).observe(time.perf_counter() - started)


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        from fastapi.openapi.utils import get_openapi

        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        schema.setdefault("components", {})["securitySchemes"] = {
            "bearerKey": {"type": "http", "scheme": "bearer", "description": "An asl_ API key"}
        }
        for path, operations in schema.get("paths", {}).items():
            if path.startswith("/v1/"):
                for operation in operations.values():
                    operation["security"] = [{"bearerKey": []}]
        app.openapi_schema = schema
    return app.openapi_schema
