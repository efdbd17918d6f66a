"""``redis://host:port/db``: the store shared by several processes and machines.

Plain Redis (no modules), so it runs on managed Redis. Each write that touches
several keys is one Lua script (``redis_scripts``), which Redis runs without
interleaving anything else: a transition commit checks the sequence, appends
the history and moves the execution in one step. TTLs are Redis expiries, so
Redis drops expired leases, checkpoints and memory entries itself. All keys
start with ``prefix`` (``asl`` by default, ``?prefix=`` in the URL), so one
database can hold several stores. Requests, checkpoints and memory are in
``redis_values``. Redis Cluster is not supported: the index
keys of a store live in different hash slots.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import cast

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from asl.store import codec
from asl.store.base import Store
from asl.store.errors import (
    SchemaVersionError,
    StaleSequenceError,
    StoreError,
    UnknownExecutionError,
)
from asl.store.records import (
    JSON,
    ExecutionPage,
    ExecutionRecord,
    ExecutionStatus,
    FinalStatus,
    Transition,
)
from asl.store.redis_connection import awaited, hash_fields, milliseconds
from asl.store.redis_values import RedisValues


def _execution(fields: dict[str, str]) -> ExecutionRecord:
    return ExecutionRecord(
        execution_id=fields["execution_id"],
        definition_hash=fields["definition_hash"],
        status=cast(ExecutionStatus, fields["status"]),
        input=codec.decode(fields["input"]),
        position=codec.decode(fields["position"]),
        sequence=int(fields["sequence"]),
        tokens=int(fields["tokens"]),
        cost=float(fields["cost"]),
        created_at=float(fields["created_at"]),
        updated_at=float(fields["updated_at"]),
        output=codec.decode(fields["output"]),
        error=codec.decode(fields["error"]),
        cause=codec.decode(fields["cause"]),
    )


class RedisStore(RedisValues, Store):
    """A store in one Redis database; open it with :meth:`connect`."""

    @classmethod
    async def connect(
        cls, url: str, prefix: str = "asl", clock: Callable[[], float] = time.time
    ) -> RedisStore:
        """Connect, then check (write, or raise) the schema version; errors name the URL."""
        client = aioredis.Redis.from_url(url, decode_responses=True)
        store = cls(client, prefix, clock)
        try:
            version_key = store._key("schema")
            await awaited(client.set(version_key, codec.SCHEMA_VERSION, nx=True))
            found = int(await awaited(client.get(version_key)))
            if found < codec.SCHEMA_VERSION:  # an older layout reads unchanged: raise it
                await awaited(client.set(version_key, codec.SCHEMA_VERSION))
        except RedisError as exc:
            await client.aclose()
            raise StoreError(
                f"Cannot use the Redis store {url}: {exc}; start redis-server there, "
                "or fix the --store URL"
            ) from None
        if found > codec.SCHEMA_VERSION:
            await client.aclose()
            raise SchemaVersionError(
                f"Redis store {url} (prefix {prefix!r})", found, codec.SCHEMA_VERSION
            )
        return store

    # -- executions ---------------------------------------------------------------

    async def create_execution(
        self, execution_id: str, definition_hash: str, input: JSON, start_at: str
    ) -> ExecutionRecord:
        input_text = codec.encode(input)
        now = self._clock()
        fields = {
            "execution_id": execution_id,
            "definition_hash": definition_hash,
            "status": "RUNNING",
            "input": input_text,
            "position": codec.encode(start_at),
            "sequence": "0",
            "tokens": "0",
            "cost": repr(0.0),
            "created_at": repr(now),
            "updated_at": repr(now),
            "output": "null",
            "error": "null",
            "cause": "null",
        }
        stored = await self._run(
            "CREATE_EXECUTION",
            [self._key("x", execution_id), self._key("executions"), self._key("status", "RUNNING")],
            [repr(now), execution_id, *[part for pair in fields.items() for part in pair]],
        )
        if stored is not None:
            return codec.same_start(_execution(hash_fields(stored)), definition_hash, input_text)
        return _execution(fields)

    async def load_execution(self, execution_id: str) -> ExecutionRecord:
        found = await self._command("HGETALL", self._key("x", execution_id))
        if not found:
            raise UnknownExecutionError(execution_id)
        return _execution(found if isinstance(found, dict) else hash_fields(found))

    async def list_executions(
        self,
        *,
        status: ExecutionStatus | None = None,
        created_after: float | None = None,
        created_before: float | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> ExecutionPage:
        codec.check_limit(limit)
        after = codec.decode_cursor(cursor) if cursor is not None else None
        index = self._key("status", status) if status else self._key("executions")
        high: str = "+inf" if created_before is None else f"({created_before!r}"
        if after is not None:
            high = repr(after[0])
        low = "-inf" if created_after is None else repr(created_after)
        ids: list[str] = []
        offset = 0
        while len(ids) <= limit:
            batch = await awaited(
                self._client.zrange(
                    index,
                    high,
                    low,
                    desc=True,
                    byscore=True,
                    withscores=True,
                    offset=offset,
                    num=limit + 1,
                )
            )
            for member, score in batch:
                if (after is None or (score, member) < after) and (
                    created_before is None or score < created_before
                ):
                    ids.append(member)
            if len(batch) < limit + 1:
                break
            offset += len(batch)
        pipe = self._client.pipeline(transaction=False)
        for execution_id in ids[:limit]:
            pipe.hgetall(self._key("x", execution_id))
        page = [_execution(fields) for fields in await pipe.execute() if fields]
        more = len(ids) > limit and bool(page)
        return ExecutionPage(
            page,
            codec.encode_cursor(page[-1].created_at, page[-1].execution_id) if more else None,
        )

    async def commit_transition(self, transition: Transition) -> None:
        codec.check_transition(transition)
        execution_id = transition.execution_id
        outcome = await self._run(
            "COMMIT_TRANSITION",
            [
                self._key("x", execution_id),
                self._key("h", execution_id),
                self._key("status", "PAUSED"),
                self._key("status", "RUNNING"),
            ],
            [
                str(transition.sequence - 1),
                str(transition.sequence),
                codec.encode(transition.next_state),
                str(transition.tokens),
                repr(float(transition.cost)),
                repr(self._clock()),
                codec.encode_transition(transition),
                execution_id,
            ],
        )
        if outcome[0] == 1:
            raise UnknownExecutionError(execution_id)
        if outcome[0] == 2:
            raise codec.finished_conflict(execution_id, outcome[1])
        if outcome[0] == 3:
            raise StaleSequenceError(execution_id, transition.sequence, int(outcome[1]))

    async def history(self, execution_id: str, after_sequence: int = 0) -> list[Transition]:
        pipe = self._client.pipeline(transaction=False)
        pipe.lrange(self._key("h", execution_id), 0, -1)
        pipe.hget(self._key("x", execution_id), "input")
        bodies, input_text = await pipe.execute()
        return codec.decode_history(execution_id, bodies, after_sequence, input_text)

    async def _move(self, execution_id: str, status: str, fields: list[str]) -> int:
        outcome = await self._run(
            "MOVE_STATUS",
            [
                self._key("x", execution_id),
                self._key("status", "RUNNING"),
                self._key("status", "PAUSED"),
                self._key("status", status),
            ],
            [status, execution_id, "updated_at", repr(self._clock()), *fields],
        )
        if outcome[0] == 1:
            raise UnknownExecutionError(execution_id)
        return int(outcome[0])

    async def reopen_execution(self, execution_id: str) -> None:
        outcome = await self._run(
            "REOPEN_EXECUTION",
            [
                self._key("x", execution_id),
                self._key("status", "RUNNING"),
                self._key("status", "FAILED"),
                self._key("status", "TIMED_OUT"),
                self._key("status", "ABORTED"),
            ],
            [execution_id, repr(self._clock()), codec.encode(None)],
        )
        if outcome[0] == 1:
            raise UnknownExecutionError(execution_id)
        if outcome[0] == 2:
            raise codec.not_failed_conflict(execution_id, _text(outcome[1]))

    async def pause_execution(self, execution_id: str) -> None:
        if await self._move(execution_id, "PAUSED", []) == 2:
            record = await self.load_execution(execution_id)
            raise codec.finished_conflict(execution_id, record.status)

    async def finish_execution(
        self,
        execution_id: str,
        status: FinalStatus,
        *,
        output: JSON = None,
        error: str | None = None,
        cause: str | None = None,
    ) -> bool:
        output_text = codec.encode(output)
        fields = ["output", output_text, "error", codec.encode(error), "cause", codec.encode(cause)]
        if await self._move(execution_id, status, fields) == 2:
            record = await self.load_execution(execution_id)
            return codec.same_finish(record, status, codec.decode(output_text), error, cause)
        return True

    # -- leases -------------------------------------------------------------------

    async def claim(self, execution_id: str, owner: str, lease_seconds: float) -> bool:
        codec.check_ttl(lease_seconds)
        key = self._key("l", execution_id)
        return bool(await self._run("CLAIM", [key], [owner, milliseconds(lease_seconds)]))

    async def renew(self, execution_id: str, owner: str, lease_seconds: float) -> bool:
        codec.check_ttl(lease_seconds)
        key = self._key("l", execution_id)
        return bool(await self._run("RENEW", [key], [owner, milliseconds(lease_seconds)]))

    async def release(self, execution_id: str, owner: str) -> bool:
        return bool(await self._run("RELEASE", [self._key("l", execution_id)], [owner]))

    # -- Map items and Parallel branches -------------------------------------------

    async def record_child(
        self, execution_id: str, path_key: str, index: int, output: JSON
    ) -> bool:
        key = self._pair_key("c", execution_id, path_key)
        return bool(await awaited(self._client.hsetnx(key, str(index), codec.encode(output))))

    async def load_children(self, execution_id: str, path_key: str) -> dict[int, JSON]:
        key = self._pair_key("c", execution_id, path_key)
        stored: dict[str, str] = await awaited(self._client.hgetall(key))
        return {int(i): codec.decode(text) for i, text in sorted(stored.items(), key=_index)}


def _index(item: tuple[str, str]) -> int:
    return int(item[0])


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
