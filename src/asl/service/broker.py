"""The Dramatiq broker on Redis, built explicitly (never Dramatiq's implicit global one).

Middleware is only ``AsyncIO`` (our actor is a coroutine). Dramatiq's defaults are
left out on purpose: ``TimeLimit`` would kill an execution that waits on a slow
LLM for ten minutes, and ``Retries`` would re-run a failed message, while an
execution's own Retry/Catch and the store's leases already decide what runs again.

Dramatiq gives a dead worker's unacknowledged messages back only during its
"maintenance", which runs with probability ``maintenance_chance`` per million
broker calls and only for workers silent for ``heartbeat_timeout`` ms; with its
defaults that can take minutes. The worker's recovery loop (see
:mod:`asl.service.worker`) does not depend on it: it resumes any RUNNING execution
whose lease expired, so the bound on recovery is ``lease_seconds +
recovery_interval_seconds``. Maintenance is still made frequent enough that a
lost message is not left in a dead worker's acknowledgement set for long.

Waking instead of polling. Dramatiq's Redis consumer, finding its queue empty,
sleeps with exponential backoff up to ``worker_poll_ms`` before it looks again, so
a message that arrives meanwhile waits for the end of the sleep (about 10 ms on
average with the default 20 ms). Here every enqueue also pushes a token on a
small "wake" list per queue, in the same round trip, and an idle consumer waits
for a token with a blocking pop (``BLPOP``), then fetches: a new message is
fetched at once, and an idle consumer looks at the queue only when a token says
something came (or every :data:`WAKE_WAIT_SECONDS`), instead of every 20 ms.
A token fetches one message, so a burst spreads over the idle workers instead of
going whole to the first one awake.
Everything else is Dramatiq's own (its message format, its queues, fetch,
acknowledgement and maintenance). A token nobody waits for stays on the list (at
most :data:`WAKE_TOKENS` of them) and costs the next idle consumer one empty
fetch; a message that came without a token (Dramatiq requeued it) waits at most
:data:`WAKE_WAIT_SECONDS`. Delay queues keep Dramatiq's polling (see
:class:`WakingConsumer`).
"""

from __future__ import annotations

import time
from typing import Any

from dramatiq import Message
from dramatiq.broker import MessageProxy
from dramatiq.brokers.redis import RedisBroker, _RedisConsumer
from dramatiq.common import compute_backoff, current_millis
from dramatiq.errors import ConnectionClosed
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError

HEARTBEAT_TIMEOUT_MS = 15_000
MAINTENANCE_CHANCE = 10_000  # one broker call in a hundred
WAKE_TOKENS = 16
"""The most tokens a wake list keeps: after a burst nobody waited for, idle consumers
make at most this many empty fetches."""
WAKE_WAIT_SECONDS = 0.5
"""How long an idle consumer waits for a token before it looks at the queue anyway:
only a message that came without one (Dramatiq requeued it) waits that long."""


def make_broker(url: str) -> Any:
    from dramatiq.middleware import AsyncIO

    return WakingRedisBroker(  # type: ignore[no-untyped-call]
        url=url,
        middleware=[AsyncIO()],
        heartbeat_timeout=HEARTBEAT_TIMEOUT_MS,
        maintenance_chance=MAINTENANCE_CHANCE,
    )


def wake_key(namespace: str, queue_name: str) -> str:
    """The list an enqueue on ``queue_name`` pushes a token to (beside Dramatiq's own keys)."""
    return f"{namespace}:__wake__.{queue_name}"


def dispatch_args(broker: Any, command: str, queue_name: str, *args: Any) -> list[Any]:
    """The arguments of Dramatiq's ``dispatch`` script for ``command``, as its broker makes them."""
    return [
        command,
        current_millis(),
        queue_name,
        broker.broker_id,
        broker.heartbeat_timeout,
        broker.dead_message_ttl,
        broker._should_do_maintenance(command),
        broker._max_unpack_size(),
        *args,
    ]


def prepare(broker: Any) -> None:
    """Ask Redis, once and before an event loop relies on it, what :func:`dispatch_args`
    needs (the Lua stack size Dramatiq sizes its batches by; a blocking call)."""
    broker._max_unpack_size()


def enqueue_commands(broker: Any, queue_name: str, redis_id: str, data: bytes) -> list[list[Any]]:
    """Dramatiq's enqueue of ``data`` and the wake token, to send in one write."""
    args = dispatch_args(broker, "enqueue", queue_name, redis_id, data)
    commands = [["EVALSHA", broker.scripts["dispatch"].sha, 1, broker.namespace, *args]]
    if not queue_name.endswith(".DQ"):  # a delay queue's consumer sleeps (see WakingConsumer)
        wake = wake_key(broker.namespace, queue_name)
        commands += [["LPUSH", wake, 1], ["LTRIM", wake, 0, WAKE_TOKENS - 1]]
    return commands


def enqueued(results: list[Any]) -> bool:
    """Whether the pipeline's enqueue ran; False when Redis did not know the script yet."""
    if isinstance(results[0], NoScriptError):
        return False
    if isinstance(results[0], Exception):
        raise results[0]
    return True


class WakingRedisBroker(RedisBroker):
    """Dramatiq's Redis broker whose enqueue wakes an idle consumer of the queue."""

    @property
    def consumer_class(self) -> type[_RedisConsumer]:
        return WakingConsumer

    def do_enqueue(self, queue_name: str, redis_id: str, data: bytes) -> None:
        """What ``RedisBroker.enqueue`` calls: Dramatiq's enqueue, plus the wake token."""
        pipe = self.client.pipeline(transaction=False)
        for command in enqueue_commands(self, queue_name, redis_id, data):
            pipe.execute_command(*command)
        if not enqueued(pipe.execute(raise_on_error=False)):
            args = dispatch_args(self, "enqueue", queue_name, redis_id, data)
            self.scripts["dispatch"](args=args, keys=[self.namespace])  # loads it, runs it


class WakingConsumer(_RedisConsumer):
    """Dramatiq's Redis consumer that waits on the queue's wake list instead of sleeping.

    A delay queue's consumer keeps Dramatiq's sleep: it also releases the delayed
    messages it holds when their time comes, between two looks at the queue, and a
    blocking pop's timeout is only as precise as Redis's clock tick (100 ms).
    """

    def __init__(self, broker: Any, queue_name: str, prefetch: int, timeout: int) -> None:
        super().__init__(broker, queue_name, prefetch, timeout)  # type: ignore[no-untyped-call]
        self.wake = None if queue_name.endswith(".DQ") else wake_key(broker.namespace, queue_name)

    def __next__(self) -> Any:
        if self.wake is None:
            return super().__next__()  # type: ignore[no-untyped-call]
        try:
            while True:
                if self.message_cache:
                    data = self.message_cache.pop(0)
                    if data is None:  # as Dramatiq's consumer: skip a hole in a fetch
                        continue
                    self.misses = 0
                    message = Message.decode(data)
                    self.queued_message_ids.add(message.message_id)
                    return MessageProxy(message)
                room = self.prefetch - self.outstanding_message_count
                if room <= 0:  # full: leave the tokens to a consumer with room
                    self.misses, backoff_ms = compute_backoff(self.misses, max_backoff=self.timeout)
                    time.sleep(backoff_ms / 1000)
                    return None
                # Look at the queue when a token says something came (or the wait ran
                # out), not after every message: that look would mostly find it empty.
                # One message per token, so the tokens of a burst spread it over the idle
                # consumers; a wait that ran out takes what came without a token.
                woken = self.broker.client.blpop([self.wake], timeout=WAKE_WAIT_SECONDS)
                self.message_cache = self.broker.do_fetch(self.queue_name, 1 if woken else room)
                if not self.message_cache:
                    return None
        except RedisConnectionError as error:
            raise ConnectionClosed(error) from None  # type: ignore[no-untyped-call]
