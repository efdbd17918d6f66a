"""The Redis connection of a store: its client, key names and Lua scripts.

Keys are ``PREFIX:kind:name``; a key made of two free-form names (namespace and
key, execution and checkpoint) JSON-encodes the pair, so no name can reach
into another's key by containing a colon.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, cast

import redis.asyncio as aioredis
from redis.asyncio.connection import AbstractConnection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from asl.store import codec, redis_scripts


async def awaited(result: Awaitable[Any] | Any) -> Any:
    """redis-py types each command as 'value or awaitable'; on the asyncio client it awaits."""
    return await result


def milliseconds(seconds: float) -> int:
    return max(1, round(seconds * 1000))


def packed(parts: list[Any]) -> bytes:
    """One command in Redis's wire format (RESP): an array of bulk strings."""
    encoded = [
        part if isinstance(part, bytes) else str(part).encode()  # str(text) is text
        for part in parts
    ]
    head = b"*%d\r\n" % len(encoded)
    return head + b"".join(b"$%d\r\n%s\r\n" % (len(part), part) for part in encoded)


def _new_connection(client: aioredis.Redis) -> AbstractConnection:
    """A connection made with the client's settings (host, password, db, TLS), not pooled."""
    make = cast(Callable[[], AbstractConnection], client.connection_pool.make_connection)
    return make()


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
        # Connections of this store's own for its scripts (see ``_run``).
        self._idle: list[AbstractConnection] = []

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
        """Run a script: EVALSHA written straight to a connection of the store's own.

        Every journal write is a script, one per transition. redis-py's command path
        (pool lock, retry wrapper, per-command metrics, argument encoding) costs about
        as much as the loopback round trip itself, so scripts skip it: a free
        connection is taken from ``_idle``, the command is packed once, the answer
        read. A script Redis does not know yet (a new or flushed server) goes through
        redis-py's script call, which loads it. A connection the server closed
        (restart, idle timeout) is replaced, and the command sent once more on a
        new connection. The hot reads and single writes (an execution's record, a
        memory entry) take the same path through :meth:`_command`.
        """
        script = self._scripts[name]
        try:
            return await self._exchange(packed(["EVALSHA", script.sha, len(keys), *keys, *args]))
        except NoScriptError:
            return await script(keys=keys, args=args)

    async def _command(self, *parts: Any) -> Any:
        """A plain command (a read or a single write) on the same lean path as scripts:
        the answer as Redis gives it (an ``HGETALL`` is a flat list, or a map on RESP3)."""
        return await self._exchange(packed(list(parts)))

    async def commands(self, *commands: list[Any]) -> list[Any]:
        """Several commands in one write (a pipeline without MULTI), their answers in
        order; an error answer is returned in its place, not raised. The service sends
        its broker messages and announcements this way."""
        found: list[Any] = await self._exchange(
            b"".join(packed(command) for command in commands), len(commands)
        )
        return found

    async def _exchange(self, command: bytes, answers: int = 0) -> Any:
        """``command``'s answer; with ``answers``, that many answers as a list."""
        client = self._client
        idle = self._idle
        try:
            return await self._send(
                command, idle.pop() if idle else _new_connection(client), answers
            )
        except (RedisConnectionError, RedisTimeoutError, OSError):
            idle.clear()  # closed together with the one that failed, most likely
            return await self._send(command, _new_connection(client), answers)

    async def _send(self, command: bytes, connection: AbstractConnection, answers: int) -> Any:
        try:
            await connection.send_packed_command(command, check_health=False)
            result = await connection.read_response() if not answers else []
            for _ in range(answers):
                try:
                    result.append(await connection.read_response())
                except ResponseError as error:
                    result.append(error)
        except ResponseError:
            self._idle.append(connection)  # Redis answered: the connection is fine
            raise
        except BaseException:  # dropped, or cancelled before its answer was read
            await connection.disconnect()
            raise
        self._idle.append(connection)
        return result

    async def close(self) -> None:
        client = self._client
        idle, self._idle = self._idle, []
        for connection in idle:
            await connection.disconnect()
        await client.aclose()

    def _key(self, *parts: str) -> str:
        return ":".join((self._prefix, *parts))

    def _pair_key(self, kind: str, first: str, second: str) -> str:
        """A key for two free-form names: JSON-encoded, so ``a:b`` + ``c`` ≠ ``a`` + ``b:c``."""
        return self._key(kind, codec.encode([first, second]))
