"""Requests, checkpoints and memory in Redis: the values beside the journal.

A request is a hash with its indexes (all, pending, per execution) written by
one script; checkpoints and memory entries are JSON strings with a Redis
expiry, so Redis drops them when their TTL ends.
"""

from __future__ import annotations

import uuid
from typing import cast

from redis.exceptions import WatchError

from asl.store import codec
from asl.store.errors import StoreConflictError, UnknownRequestError
from asl.store.records import JSON, Checkpoint, MemoryEntry, PendingRequest, RequestKind
from asl.store.redis_connection import RedisConnection, awaited, hash_fields, milliseconds


def _request(fields: dict[str, str]) -> PendingRequest:
    return PendingRequest(
        request_id=fields["request_id"],
        execution_id=fields["execution_id"],
        state=fields["state"],
        kind=cast(RequestKind, fields["kind"]),
        payload=codec.decode(fields["payload"]),
        created_at=float(fields["created_at"]),
        decision=codec.decode(fields["decision"]),
        decided_at=codec.decode(fields["decided_at"]),
    )


class RedisValues(RedisConnection):
    """The Redis half of the Store contract that is not the journal."""

    # -- pending requests -------------------------------------------------------------

    async def create_request(
        self,
        execution_id: str,
        state: str,
        kind: RequestKind,
        payload: JSON,
        *,
        request_id: str | None = None,
    ) -> PendingRequest:
        request_id = request_id or uuid.uuid4().hex
        now = self._clock()
        fields = {
            "request_id": request_id,
            "execution_id": execution_id,
            "state": state,
            "kind": kind,
            "payload": codec.encode(payload),
            "created_at": repr(now),
            "decision": "null",
            "decided_at": "null",
        }
        stored = await self._run(
            "CREATE_REQUEST",
            [
                self._key("r", request_id),
                self._key("requests"),
                self._key("requests", "pending"),
                self._key("xr", execution_id),
            ],
            [repr(now), request_id, *[part for pair in fields.items() for part in pair]],
        )
        if stored is None:
            return _request(fields)
        existing = hash_fields(stored)
        mine = (execution_id, state, kind, fields["payload"])
        if (
            existing["execution_id"],
            existing["state"],
            existing["kind"],
            existing["payload"],
        ) != mine:
            raise StoreConflictError(
                f"Request '{request_id}' already exists for another execution, state, "
                "kind or payload: choose a new request id"
            )
        return _request(existing)

    async def get_request(self, request_id: str) -> PendingRequest:
        fields = await awaited(self._client.hgetall(self._key("r", request_id)))
        if not fields:
            raise UnknownRequestError(request_id)
        return _request(fields)

    async def list_requests(
        self, execution_id: str | None = None, *, pending_only: bool = True
    ) -> list[PendingRequest]:
        if execution_id is not None:
            index = self._key("xr", execution_id)
        else:
            index = self._key("requests", "pending") if pending_only else self._key("requests")
        ids = await awaited(self._client.zrange(index, 0, -1))
        pipe = self._client.pipeline(transaction=False)
        for request_id in ids:
            pipe.hgetall(self._key("r", request_id))
        found = [_request(fields) for fields in await pipe.execute() if fields]
        return [r for r in found if r.pending or not pending_only]

    async def decide_request(self, request_id: str, decision: JSON) -> bool:
        outcome = await self._run(
            "DECIDE_REQUEST",
            [self._key("r", request_id), self._key("requests", "pending")],
            [codec.encode(decision), repr(self._clock()), request_id],
        )
        if outcome == -1:
            raise UnknownRequestError(request_id)
        return bool(outcome)

    # -- checkpoints ----------------------------------------------------------------

    async def save_checkpoint(
        self, execution_id: str, name: str, data: JSON, *, ttl_seconds: float | None = None
    ) -> Checkpoint:
        now = self._clock()
        expires_at = codec.expiry(now, ttl_seconds)
        text = codec.encode({"data": data, "created_at": now, "expires_at": expires_at})
        pipe = self._client.pipeline(transaction=True)
        pipe.set(
            self._pair_key("k", execution_id, name),
            text,
            px=None if ttl_seconds is None else milliseconds(ttl_seconds),
        )
        pipe.sadd(self._key("ks", execution_id), name)
        await pipe.execute()
        return Checkpoint(execution_id, name, codec.decode(text)["data"], now, expires_at)

    async def load_checkpoint(self, execution_id: str, name: str) -> Checkpoint | None:
        text = await awaited(self._client.get(self._pair_key("k", execution_id, name)))
        if text is None:
            return None
        body = codec.decode(text)
        return Checkpoint(execution_id, name, body["data"], body["created_at"], body["expires_at"])

    async def list_checkpoints(self, execution_id: str) -> list[Checkpoint]:
        names = sorted(await awaited(self._client.smembers(self._key("ks", execution_id))))
        found = [await self.load_checkpoint(execution_id, name) for name in names]
        return [checkpoint for checkpoint in found if checkpoint is not None]

    async def delete_checkpoint(self, execution_id: str, name: str) -> bool:
        pipe = self._client.pipeline(transaction=True)
        pipe.delete(self._pair_key("k", execution_id, name))
        pipe.srem(self._key("ks", execution_id), name)
        deleted, _ = await pipe.execute()
        return bool(deleted)

    # -- memory -----------------------------------------------------------------------

    def _entry(self, namespace: str, key: str, text: str | None) -> MemoryEntry | None:
        if text is None:
            return None
        body = codec.decode(text)
        return MemoryEntry(namespace, key, body["value"], body["updated_at"], body["expires_at"])

    def _entry_text(self, value: JSON, ttl_seconds: float | None) -> str:
        now = self._clock()
        expires_at = codec.expiry(now, ttl_seconds)
        return codec.encode({"value": value, "updated_at": now, "expires_at": expires_at})

    async def get_memory(self, namespace: str, key: str) -> MemoryEntry | None:
        text = await self._command("GET", self._pair_key("m", namespace, key))
        return self._entry(namespace, key, text)

    async def set_memory(
        self,
        namespace: str,
        key: str,
        value: JSON,
        *,
        ttl_seconds: float | None = None,
        overwrite: bool = True,
    ) -> bool:
        text = self._entry_text(value, ttl_seconds)
        command: list[str | int] = ["SET", self._pair_key("m", namespace, key), text]
        if ttl_seconds is not None:
            command += ["PX", milliseconds(ttl_seconds)]
        if not overwrite:
            command.append("NX")
        return await self._command(*command) is not None

    async def merge_memory(
        self,
        namespace: str,
        key: str,
        patch: dict[str, JSON],
        *,
        ttl_seconds: float | None = None,
    ) -> dict[str, JSON]:
        codec.encode(patch)
        codec.check_ttl(ttl_seconds)
        redis_key = self._pair_key("m", namespace, key)
        px = None if ttl_seconds is None else milliseconds(ttl_seconds)
        async with self._client.pipeline(transaction=True) as pipe:
            while True:  # optimistic: retry when another merge wrote the key meanwhile
                try:
                    await pipe.watch(redis_key)
                    entry = self._entry(namespace, key, cast(str | None, await pipe.get(redis_key)))
                    value = codec.merged(entry.value if entry else None, patch, namespace, key)
                    pipe.multi()  # type: ignore[no-untyped-call]
                    pipe.set(redis_key, self._entry_text(value, ttl_seconds), px=px)
                    await pipe.execute()
                    return value
                except WatchError:
                    continue

    async def delete_memory(self, namespace: str, key: str) -> bool:
        return bool(await awaited(self._client.delete(self._pair_key("m", namespace, key))))

    async def purge_expired(self) -> int:
        """Redis expires keys itself; only the names of expired checkpoints linger in sets."""
        return 0
