"""Task result caching: the ``Cache`` block, and ``Idempotent`` with ``CacheResult``.

A cached Task stores its agent's successful result in the execution store
(memory KV, namespace ``asl.cache``) under a key; a later call with the same
key is served from there, without calling the agent, and the history records
a ``TaskCacheHit``. Failures are never cached. Entries expire after ``TTL``
(``CacheTTL``) through the store's own expiry; without one they are kept.

The key is ``Key`` (a fixed text), ``Key.$`` (a path or intrinsic evaluated
on the state's input, such as ``States.Hash($.document, 'SHA-256')``), or for
an idempotent Task its ``IdempotencyKey`` (text) or ``IdempotencyKey.$``; without
any, the SHA-256 of the agent's parameters. ``Scope`` says who shares entries:
``workflow`` (the default: every execution of the same state machine, state
and agent), ``execution`` (one execution only, e.g. a loop) or ``global``
(every workflow calling the same agent).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Final

from asl.language.payload import Payload, compile_payload
from asl.runtime.flow import NO_CONTEXT, payload_mode
from asl.runtime.memory import parse_ttl
from asl.store import Store

CACHE_NAMESPACE: Final = "asl.cache"
DEFAULT_SCOPE: Final = "workflow"


def digest(value: Any) -> str:
    """A stable name for any JSON value: SHA-256 of its canonical (sorted, compact) JSON."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Where:
    """Which execution, state machine, state and agent a cache key belongs to."""

    execution_id: str
    machine: str
    state: str
    agent: str


@dataclass(frozen=True, slots=True)
class Hit:
    output: Any
    stored_by: str | None


class CacheSettings:
    """How one Task caches: its key, how long entries live, and who shares them."""

    def __init__(self, field: str, key: Any, ttl: Any, scope: str, *, dynamic: bool) -> None:
        self.fixed: str | None = key if isinstance(key, str) and not dynamic else None
        self.field = field  # what causes call the key: "Key", "IdempotencyKey"
        self.key_payload: Payload | None = (
            compile_payload({field + ".$": key}) if dynamic and isinstance(key, str) else None
        )
        self.ttl = parse_ttl(ttl)
        self.scope = scope
        self.context_mode = payload_mode(self.key_payload) if self.key_payload else NO_CONTEXT

    def key(self, data: Any, context: Any, parameters: Any) -> str:
        """The user's key: fixed, evaluated on the state's input, or the parameters' digest."""
        if self.fixed is not None:
            return self.fixed
        if self.key_payload is None:
            return digest(parameters)
        value = self.key_payload.evaluate(data, context)[self.field]
        return value if isinstance(value, str) else digest(value)

    def entry(self, key: str, where: Where) -> str:
        """The store key: the user's key inside its scope."""
        if self.scope == "execution":
            return f"execution/{where.execution_id}/{where.state}/{key}"
        if self.scope == "global":
            return f"global/{where.agent}/{key}"
        return f"workflow/{where.machine}/{where.state}/{where.agent}/{key}"

    async def lookup(self, store: Store, entry: str) -> Hit | None:
        found = await store.get_memory(CACHE_NAMESPACE, entry)
        if found is None or not isinstance(found.value, dict) or "output" not in found.value:
            return None
        stored_by = found.value.get("execution")
        return Hit(found.value["output"], stored_by if isinstance(stored_by, str) else None)

    async def save(self, store: Store, entry: str, output: Any, execution_id: str) -> None:
        value = {"output": output, "execution": execution_id}
        await store.set_memory(CACHE_NAMESPACE, entry, value, ttl_seconds=self.ttl)


def cache_settings(raw: dict[str, Any]) -> CacheSettings | None:
    """The Task's caching, or None when it caches nothing (then it pays nothing)."""
    cache = raw.get("Cache")
    if isinstance(cache, dict):
        if cache.get("Enabled", True) is False:
            return None
        dynamic = "Key.$" in cache
        return CacheSettings(
            "Key",
            cache.get("Key.$") if dynamic else cache.get("Key"),
            cache.get("TTL"),
            cache.get("Scope", DEFAULT_SCOPE),
            dynamic=dynamic,
        )
    if raw.get("Idempotent") is True and raw.get("CacheResult") is True:
        dynamic = "IdempotencyKey.$" in raw
        return CacheSettings(
            "IdempotencyKey",
            raw.get("IdempotencyKey.$") if dynamic else raw.get("IdempotencyKey"),
            raw.get("CacheTTL"),
            DEFAULT_SCOPE,
            dynamic=dynamic,
        )
    return None


def idempotency_key(raw: dict[str, Any]) -> Payload | str | None:
    """An idempotent Task's key for its agent's ``AgentContext``: a text, or a compiled path."""
    if raw.get("Idempotent") is not True:
        return None
    if isinstance(raw.get("IdempotencyKey.$"), str):
        return compile_payload({"IdempotencyKey.$": raw["IdempotencyKey.$"]})
    key = raw.get("IdempotencyKey")
    return key if isinstance(key, str) else None
