"""The Redis connection of a store: its client, key names and Lua scripts.

Keys are ``PREFIX:kind:name``; a key made of two free-form names (namespace and
key, execution and checkpoint) JSON-encodes the pair, so no name can reach
into another's key by containing a colon.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import redis.asyncio as aioredis

from asl.store import codec, redis_scripts


async def awaited(result: Awaitable[Any] | Any) -> Any:
    """redis-py types each command as 'value or awaitable'; on the asyncio client it awaits."""
    return await result


def milliseconds(seconds: float) -> int:
    return max(1, round(seconds * 1000))


def hash_fields(flat: list[str]) -> dict[str, str]:
    return dict(zip(flat[::2], flat[1::2], strict=True))


class RedisConnection:
    """One client, the key prefix and the registered scripts."""

    def __init__(
        self, client: aioredis.Redis, prefix: str = "asl", clock: Callable[[], float] = time.time
    ) -> None:
        self._client = client
        self._prefix = prefix
        self._clock = clock
        self._scripts = {
            name: client.register_script(getattr(redis_scripts, name))
            for name in (
                "CREATE_EXECUTION",
                "COMMIT_TRANSITION",
                "MOVE_STATUS",
                "REOPEN_EXECUTION",
                "CLAIM",
                "RENEW",
                "RELEASE",
                "CREATE_REQUEST",
                "DECIDE_REQUEST",
            )
        }

    async def close(self) -> None:
        await self._client.aclose()

    def _key(self, *parts: str) -> str:
        return ":".join((self._prefix, *parts))

    def _pair_key(self, kind: str, first: str, second: str) -> str:
        """A key for two free-form names: JSON-encoded, so ``a:b`` + ``c`` ≠ ``a`` + ``b:c``."""
        return self._key(kind, codec.encode([first, second]))

    async def _run(self, name: str, keys: list[str], args: list[Any]) -> Any:
        return await self._scripts[name](keys=keys, args=args)
