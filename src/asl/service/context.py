"""What every route reaches through ``request.app.state.service``, and the auth dependency.

Authentication is one FastAPI dependency per scope, declared on every route under
``/v1`` (a test walks the routes to check that none is left open). It reads
``Authorization: Bearer <key>``, verifies the key against the store, checks the
scope, then charges the key's token bucket. Missing or wrong keys get 401 with
``WWW-Authenticate: Bearer``, a key without the scope 403, an exhausted bucket
429 with ``Retry-After``; the problem documents never echo the key.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request

from asl.agents.registry import AgentRegistry
from asl.service.auth import ApiKey, verify_key
from asl.service.config import Settings
from asl.service.dispatch import Dispatcher
from asl.service.limits import RateLimiter
from asl.service.problems import Problem
from asl.store import Store


@dataclass(slots=True)
class Service:
    settings: Settings
    store: Store
    registry: AgentRegistry
    dispatcher: Dispatcher
    limiter: RateLimiter
    redact_keys: frozenset[str]


def service(request: Request) -> Service:
    found: Service = request.app.state.service
    return found


def require(scope: str) -> Callable[[Request], Awaitable[ApiKey]]:
    """The dependency that admits a request whose key has ``scope`` (or ``admin``)."""

    async def check(request: Request) -> ApiKey:
        header = request.headers.get("authorization", "")
        kind, _, key = header.partition(" ")
        challenge = {"WWW-Authenticate": 'Bearer realm="asl"'}
        if kind.lower() != "bearer" or not key.strip():
            raise Problem(
                401,
                "unauthenticated",
                "This endpoint needs an API key: send 'Authorization: Bearer <key>' "
                "(create one with 'asl keys create')",
                headers=challenge,
            )
        state = service(request)
        record = await verify_key(state.store, key.strip())
        if record is None:
            raise Problem(
                401,
                "unauthenticated",
                "The API key is not valid (unknown, revoked or mistyped)",
                headers=challenge,
            )
        if not record.allows(scope):
            raise Problem(
                403,
                "forbidden",
                f"The key '{record.name}' lacks the '{scope}' scope this endpoint needs "
                f"(it has: {', '.join(record.scopes)})",
            )
        wait = state.limiter.take(record.key_id)
        if wait > 0:
            raise Problem(
                429,
                "rate-limited",
                f"The key '{record.name}' sent more than "
                f"{state.settings.rate_limit_per_second:g} requests per second; retry later",
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )
        request.state.key = record
        return record

    check.__name__ = f"require_{scope}"
    return check
