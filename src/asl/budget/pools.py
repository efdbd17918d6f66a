"""Budget counters shared across executions: pools and per-period limits, in the store.

A counter holds ``limit``, ``spent`` and ``reserved`` amounts. ``reserve``
checks ``spent + reserved + amount <= limit`` and adds to ``reserved`` in one
atomic step (a Python lock for ``memory://``, an immediate transaction for
SQLite, a Lua script for Redis), so executions in several processes or
machines sharing one store never overdraw it; ``settle`` turns a reservation
into what was really spent. A per-period counter's key names its period and
expires after two periods.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from asl.store import Store

if TYPE_CHECKING:
    from asl.store.memory import MemoryStore
    from asl.store.redis import RedisStore
    from asl.store.sqlite import SQLiteStore


@dataclass(frozen=True, slots=True)
class Counter:
    limit: float | None
    spent: float
    reserved: float


class Counters(Protocol):
    async def reserve(
        self, key: str, amount: float, limit: float | None, ttl: float | None
    ) -> bool:
        """Reserve ``amount`` under ``limit`` (None: the counter's stored limit)."""

    async def settle(self, key: str, reserved: float, spent: float) -> None:
        """Release ``reserved`` and add ``spent``."""

    async def set_limit(self, key: str, limit: float) -> None: ...

    async def read(self, key: str) -> Counter | None: ...


def counters_for(store: Store) -> Counters:
    from asl.store.memory import MemoryStore
    from asl.store.redis import RedisStore
    from asl.store.sqlite import SQLiteStore

    if isinstance(store, SQLiteStore):
        return SQLiteCounters(store)
    if isinstance(store, RedisStore):
        return RedisCounters(store)
    if isinstance(store, MemoryStore):
        return _memory_counters(store)
    raise TypeError(f"budget pools need a memory, SQLite or Redis store, not {type(store)}")


class MemoryCounters:
    """Counters of a ``memory://`` store: shared by every engine of the process using it."""

    def __init__(self, store: MemoryStore) -> None:
        self._clock = store._clock
        self._lock = threading.Lock()
        self._rows: dict[str, list[Any]] = {}  # key -> [limit, spent, reserved, expires]

    def _row(self, key: str) -> list[Any] | None:
        row = self._rows.get(key)
        if row is not None and row[3] is not None and row[3] <= self._clock():
            del self._rows[key]
            return None
        return row

    async def reserve(
        self, key: str, amount: float, limit: float | None, ttl: float | None
    ) -> bool:
        with self._lock:
            row = self._row(key)
            if row is None:
                expires = self._clock() + ttl if ttl is not None else None
                row = self._rows[key] = [limit, 0.0, 0.0, expires]
            bound = row[0] if limit is None else limit
            if bound is None or row[1] + row[2] + amount > bound + 1e-12:
                return False
            row[2] += amount
            return True

    async def settle(self, key: str, reserved: float, spent: float) -> None:
        with self._lock:
            row = self._row(key)
            if row is not None:
                row[2] = max(row[2] - reserved, 0.0)
                row[1] += spent

    async def set_limit(self, key: str, limit: float) -> None:
        with self._lock:
            row = self._row(key)
            if row is None:
                self._rows[key] = [limit, 0.0, 0.0, None]
            else:
                row[0] = limit

    async def read(self, key: str) -> Counter | None:
        with self._lock:
            row = self._row(key)
            return None if row is None else Counter(row[0], row[1], row[2])


_memory: weakref.WeakKeyDictionary[MemoryStore, MemoryCounters] = weakref.WeakKeyDictionary()
_memory_lock = threading.Lock()


def _memory_counters(store: MemoryStore) -> MemoryCounters:
    with _memory_lock:
        found = _memory.get(store)
        if found is None:
            found = _memory[store] = MemoryCounters(store)
        return found


_TABLE = (
    "CREATE TABLE IF NOT EXISTS asl_budget_counters (key TEXT PRIMARY KEY, lim REAL, "
    "spent REAL NOT NULL DEFAULT 0, reserved REAL NOT NULL DEFAULT 0, expires REAL)"
)


class SQLiteCounters:
    """Counters in the store's SQLite file (table ``asl_budget_counters``)."""

    def __init__(self, store: SQLiteStore) -> None:
        self._store = store
        with store._write() as db:
            db.execute(_TABLE)

    def _live(self, db: Any, key: str) -> Any:
        now = self._store._clock()
        db.execute("DELETE FROM asl_budget_counters WHERE key = ? AND expires <= ?", (key, now))
        return db.execute(
            "SELECT lim, spent, reserved FROM asl_budget_counters WHERE key = ?", (key,)
        ).fetchone()

    async def reserve(
        self, key: str, amount: float, limit: float | None, ttl: float | None
    ) -> bool:
        with self._store._write() as db:
            row = self._live(db, key)
            if row is None:
                expires = self._store._clock() + ttl if ttl is not None else None
                db.execute(
                    "INSERT INTO asl_budget_counters (key, lim, expires) VALUES (?, ?, ?)",
                    (key, limit, expires),
                )
                row = (limit, 0.0, 0.0)
            bound = row[0] if limit is None else limit
            if bound is None or row[1] + row[2] + amount > bound + 1e-12:
                return False
            db.execute(
                "UPDATE asl_budget_counters SET reserved = reserved + ? WHERE key = ?",
                (amount, key),
            )
            return True

    async def settle(self, key: str, reserved: float, spent: float) -> None:
        with self._store._write() as db:
            db.execute(
                "UPDATE asl_budget_counters SET reserved = MAX(reserved - ?, 0), "
                "spent = spent + ? WHERE key = ?",
                (reserved, spent, key),
            )

    async def set_limit(self, key: str, limit: float) -> None:
        with self._store._write() as db:
            db.execute(
                "INSERT INTO asl_budget_counters (key, lim) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET lim = excluded.lim",
                (key, limit),
            )

    async def read(self, key: str) -> Counter | None:
        with self._store._write() as db:
            row = self._live(db, key)
        return None if row is None else Counter(row[0], row[1], row[2])


# KEYS[1] counter; ARGV amount, limit ("" = the stored one), ttl ms ("" = none).
_RESERVE = """
local limit = ARGV[2]
if limit == '' then limit = redis.call('HGET', KEYS[1], 'limit') end
if not limit then return 0 end
local spent = tonumber(redis.call('HGET', KEYS[1], 'spent') or '0')
local reserved = tonumber(redis.call('HGET', KEYS[1], 'reserved') or '0')
local amount = tonumber(ARGV[1])
if spent + reserved + amount > tonumber(limit) + 1e-12 then return 0 end
local fresh = redis.call('EXISTS', KEYS[1]) == 0
redis.call('HSET', KEYS[1], 'reserved', tostring(reserved + amount), 'limit', limit)
if fresh and ARGV[3] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 1
"""
_SETTLE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local reserved = tonumber(redis.call('HGET', KEYS[1], 'reserved') or '0') - tonumber(ARGV[1])
if reserved < 0 then reserved = 0 end
local spent = tonumber(redis.call('HGET', KEYS[1], 'spent') or '0') + tonumber(ARGV[2])
redis.call('HSET', KEYS[1], 'reserved', tostring(reserved), 'spent', tostring(spent))
return 1
"""


class RedisCounters:
    """Counters as Redis hashes ``PREFIX:budget:KEY``, changed by Lua scripts."""

    def __init__(self, store: RedisStore) -> None:
        self._store = store
        client = store._client
        self._reserve = client.register_script(_RESERVE)
        self._settle = client.register_script(_SETTLE)

    def _key(self, key: str) -> str:
        return self._store._key("budget", key)

    async def reserve(
        self, key: str, amount: float, limit: float | None, ttl: float | None
    ) -> bool:
        ttl_ms = "" if ttl is None else str(max(1, round(ttl * 1000)))
        bound = "" if limit is None else repr(float(limit))
        done = await self._reserve(keys=[self._key(key)], args=[repr(amount), bound, ttl_ms])
        return bool(done)

    async def settle(self, key: str, reserved: float, spent: float) -> None:
        await self._settle(keys=[self._key(key)], args=[repr(reserved), repr(spent)])

    async def set_limit(self, key: str, limit: float) -> None:
        await self._store._client.hset(self._key(key), "limit", repr(float(limit)))

    async def read(self, key: str) -> Counter | None:
        fields = await self._store._client.hgetall(self._key(key))
        if not fields:
            return None
        values = {(k.decode() if isinstance(k, bytes) else k): float(v) for k, v in fields.items()}
        return Counter(values.get("limit"), values.get("spent", 0.0), values.get("reserved", 0.0))


def pool_key(name: str) -> str:
    return f"pool:{name}"


async def set_pool_limit(store: Store, pool: str, limit: float) -> None:
    """Create or resize a shared pool (``Budget.Pool``) in a store."""
    await counters_for(store).set_limit(pool_key(pool), limit)


async def read_pool(store: Store, pool: str) -> Counter | None:
    return await counters_for(store).read(pool_key(pool))
