"""Request limits: a body-size cap in front of everything, and a per-key token bucket.

The body cap is plain ASGI middleware, so an oversized body is refused before any
of it is parsed: by its ``Content-Length`` at once, or, for a chunked body, as soon
as the bytes read pass the cap (nothing above the cap is ever held in memory).
The rate limit is a token bucket per API key in each instance
(``rate_limit_per_second`` refill, ``rate_limit_burst`` capacity): with N
instances behind a load balancer a key gets at most N times the rate, which the
production guide says how to size.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from asl.service.problems import MEDIA_TYPE, TITLES


class BodyLimit:
    """Refuse request bodies above ``limit`` bytes with a 413 problem document."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > self.limit:
                    await self._refuse(send)
                    return
        # Read the whole body first (it is at most ``limit`` bytes), then replay it: a
        # refusal must happen before the app starts reading, or the app answers first.
        messages: list[Message] = []
        received = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            received += len(message.get("body", b""))
            if received > self.limit:
                await self._refuse(send)
                return
            if not message.get("more_body", False):
                break
        replay = iter(messages)

        async def replaying_receive() -> Message:
            message = next(replay, None)
            return message if message is not None else await receive()

        await self.app(scope, replaying_receive, send)

    async def _refuse(self, send: Send) -> None:
        await refuse(
            send,
            413,
            "body-too-large",
            f"The request body is larger than {self.limit} bytes (ASL_MAX_BODY_BYTES); "
            "send a smaller document",
        )


async def refuse(send: Send, status: int, kind: str, detail: str) -> None:
    """A problem document straight from ASGI, before any route (or FastAPI) is involved."""
    body = json.dumps(
        {
            "type": f"urn:asl:problem:{kind}",
            "title": TITLES[status],
            "status": status,
            "detail": detail,
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class JsonBodies:
    """Refuse a request body that is not declared ``application/json`` (415).

    Without this, a form-encoded or text body would reach validation as a string and
    get a confusing "not an object" error instead of the real reason.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("POST", "PUT", "PATCH"):
            headers = dict(scope.get("headers", ()))
            length = headers.get(b"content-length", b"0")
            has_body = length != b"0" or b"transfer-encoding" in headers
            kind = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
            if has_body and kind != b"application/json":
                await refuse(
                    send,
                    415,
                    "unsupported-media-type",
                    "Send the body as JSON with 'Content-Type: application/json'",
                )
                return
        await self.app(scope, receive, send)


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """A token bucket per key: ``take(key)`` is 0 when allowed, else seconds to wait."""

    def __init__(self, per_second: float, burst: int) -> None:
        self.per_second = per_second
        self.burst = burst
        self._buckets: dict[str, _Bucket] = {}

    def take(self, key: str, now: float | None = None) -> float:
        moment = time.monotonic() if now is None else now
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(self.burst), moment)
        bucket.tokens = min(
            float(self.burst), bucket.tokens + (moment - bucket.updated) * self.per_second
        )
        bucket.updated = moment
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.per_second
