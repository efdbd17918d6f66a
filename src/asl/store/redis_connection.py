"""The Redis connection of a store: its client, key names and Lua scripts.

Keys are ``PREFIX:kind:name``; a key made of two free-form names (namespace and
key, execution and checkpoint) JSON-encodes the pair, so no name can reach
into another's key by containing a colon.
"""

from __future__ import annotations

import asyncio
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


_SCRIPTS = (
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


class RedisConnection:
    """One client, the key prefix and the registered scripts."""

    def __init__(
        self, client: aioredis.Redis, prefix: str = "asl", clock: Callable[[], float] = time.time
    ) -> None:
        self._prefix = prefix
        self._clock = clock
        self._bind(client)

    def _bind(self, client: aioredis.Redis) -> None:
        self._current = client
        self._loop: asyncio.AbstractEventLoop | None = None
        self._scripts = {
            name: client.register_script(getattr(redis_scripts, name)) for name in _SCRIPTS
        }

    @property
    def _client(self) -> aioredis.Redis:
        """The client of the running event loop.

        An asyncio connection belongs to the loop that opened it. The synchronous
        API runs each call in a loop of its own (``engine.run()`` then
        ``engine.resume()``), so a store used from a new loop opens new connections.
        """
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            if self._loop is not None and self._loop.is_closed():
                pool = self._current.connection_pool
                fresh = aioredis.ConnectionPool(
                    connection_class=pool.connection_class, **pool.connection_kwargs
                )
                self._bind(aioredis.Redis(connection_pool=fresh))
            self._loop = loop
        return self._current

    async def _run(self, name: str, keys: list[str], args: list[Any]) -> Any:
        self._client  # noqa: B018 -- binds the scripts to this loop's client first
        return await self._scripts[name](keys=keys, args=args)

    async def close(self) -> None:
        await self._client.aclose()

    def _key(self, *parts: str) -> str:
        return ":".join((self._prefix, *parts))

    def _pair_key(self, kind: str, first: str, second: str) -> str:
        """A key for two free-form names: JSON-encoded, so ``a:b`` + ``c`` ≠ ``a`` + ``b:c``."""
        return self._key(kind, codec.encode([first, second]))
