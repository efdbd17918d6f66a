"""Rate-limit counters in Redis, shared by every process and instance that uses it.

One Lua script decides and records a call atomically, with Redis's own clock
(so the instances' clocks do not need to agree): each window is a sorted set
of call times; concurrency slots are a sorted set of slot ids scored by their
lease's end. A holder renews its lease while its tool runs; a process that
dies stops renewing, and its slot is reclaimed by the next caller once the
lease has run out — within ``lease_seconds``.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
import weakref
from typing import Any

from asl.language.errors import TASK_FAILED, ASLError

from .limits import Decision, RateLimit

_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local windows = tonumber(ARGV[1])
local max_concurrent = tonumber(ARGV[2])
local lease = tonumber(ARGV[3])
local id = ARGV[4]
local wait, reason = 0, ''
for i = 1, windows do
  local key, seconds, max = KEYS[i], tonumber(ARGV[3 + 2 * i]), tonumber(ARGV[4 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - seconds)
  local n = redis.call('ZCARD', key)
  if n >= max then
    local oldest = redis.call('ZRANGE', key, n - max, n - max, 'WITHSCORES')
    local later = tonumber(oldest[2]) + seconds - now
    if later > wait then wait, reason = later, tostring(i) end
  end
end
local slots = KEYS[windows + 1]
if max_concurrent > 0 then
  redis.call('ZREMRANGEBYSCORE', slots, '-inf', now)
  if redis.call('ZCARD', slots) >= max_concurrent then
    if wait < 0.02 then wait = 0.02 end
    if reason == '' then reason = 'concurrent' end
  end
end
if wait > 0 then return {0, tostring(wait), reason} end
for i = 1, windows do
  local seconds = tonumber(ARGV[3 + 2 * i])
  redis.call('ZADD', KEYS[i], now, id)
  redis.call('EXPIRE', KEYS[i], math.ceil(seconds) + 1)
end
if max_concurrent > 0 then
  redis.call('ZADD', slots, now + lease, id)
  redis.call('EXPIRE', slots, math.ceil(lease) + 1)
end
return {1, '0', ''}
"""

_RENEW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])) + 1)
return 1
"""


class RedisRateLimits:
    """The :class:`~asl.tools.limits.RateLimits` backend on a Redis server."""

    uses_engine_clock = False  # windows are measured with Redis's clock

    def __init__(self, url: str, *, lease_seconds: float = 10.0, prefix: str = "asl") -> None:
        self.url = url
        self.lease_seconds = lease_seconds
        self.prefix = f"{prefix}:tools:"
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = (
            weakref.WeakKeyDictionary()
        )
        self._renewals: dict[str, asyncio.Task[None]] = {}

    def _client(self) -> Any:
        import redis.asyncio as aioredis

        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = self._clients[loop] = aioredis.Redis.from_url(self.url)
        return client

    async def try_acquire(self, key: str, limit: RateLimit, now: float) -> Decision:
        keys = [f"{self.prefix}{key}:{w.seconds:g}s" for w in limit.windows]
        keys.append(f"{self.prefix}{key}:slots")
        args: list[Any] = [len(limit.windows), limit.max_concurrent or 0, self.lease_seconds]
        slot = uuid.uuid4().hex
        args.append(slot)
        for window in limit.windows:
            args += [window.seconds, window.max_calls]
        try:
            admitted, wait, reason = await self._client().eval(_ACQUIRE, len(keys), *keys, *args)
        except Exception as error:  # the limit cannot be checked: refuse, do not run unchecked
            raise ASLError(
                TASK_FAILED, f"Cannot check tool rate limits in Redis {self.url}: {error}"
            ) from None
        if int(admitted):
            if limit.max_concurrent is None:
                return Decision(True)
            self._renewals[slot] = asyncio.get_running_loop().create_task(
                self._renew(keys[-1], slot)
            )
            return Decision(True, slot)
        reason = reason.decode() if isinstance(reason, bytes) else str(reason)
        if reason == "concurrent":
            text = f"MaxConcurrent {limit.max_concurrent}"
        else:
            window = limit.windows[int(reason) - 1]
            text = f"{window.field} {window.max_calls}"
        return Decision(False, None, float(wait), text)

    async def _renew(self, slots: str, slot: str) -> None:
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            with contextlib.suppress(Exception):
                await self._client().eval(_RENEW, 1, slots, slot, self.lease_seconds)

    async def release(self, key: str, slot: str) -> None:
        renewal = self._renewals.pop(slot, None)
        if renewal is not None:
            renewal.cancel()
        with contextlib.suppress(Exception):
            await self._client().zrem(f"{self.prefix}{key}:slots", slot)
