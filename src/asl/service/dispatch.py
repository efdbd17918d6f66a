"""Where executions run, and how the API learns that one moved on.

Two dispatchers, chosen by ``ASL_BROKER``:

- :class:`LocalDispatcher` (no broker): the server runs executions itself, as
  tasks of its event loop; one process, nothing else to deploy.
- :class:`BrokerDispatcher` (``redis://``): the server sends a Dramatiq message per
  execution (or decision) to the queue the ``asl worker`` processes consume, and
  listens on a Redis channel where workers announce each run that ended or
  paused. Every instance hears every announcement, so a request waiting on any
  instance (start-and-wait, an event stream) wakes as soon as the worker is done.

A waiter wakes on an announcement or at its timeout, whichever is first, and then
reads the store: the store is the truth, an announcement only says "look now".
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any, Protocol

from asl.service.runner import Runner

logger = logging.getLogger("asl.service")

RUN_ACTOR = "asl_run_execution"


def channel(queue: str) -> str:
    return f"asl:{queue}:runs"


class Waiters:
    """Futures per execution id, resolved by :meth:`wake`."""

    def __init__(self) -> None:
        self._waiting: dict[str, set[asyncio.Future[None]]] = {}

    async def wait(self, execution_id: str, timeout: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(execution_id, set()).add(future)
        try:
            await asyncio.wait_for(future, timeout)
        except TimeoutError:
            pass
        finally:
            waiting = self._waiting.get(execution_id)
            if waiting is not None:
                waiting.discard(future)
                if not waiting:
                    del self._waiting[execution_id]

    def wake(self, execution_id: str) -> None:
        for future in self._waiting.pop(execution_id, ()):
            if not future.done():
                future.set_result(None)


class Dispatcher(Protocol):
    waiters: Waiters

    async def submit(self, execution_id: str, decision: Any = None) -> None:
        """Have the execution run (continue with ``decision``) somewhere, soon."""

    async def announce(self, execution_id: str) -> None:
        """Tell every instance that the execution changed (stopped, ran, paused)."""

    async def ready(self) -> str | None:
        """None when the broker is reachable, else why not."""

    def queue_depth(self) -> int:
        """Messages waiting for a worker."""

    async def close(self) -> None: ...


class LocalDispatcher:
    """Runs executions as tasks in this process (no broker configured)."""

    def __init__(self) -> None:
        self.waiters = Waiters()
        self.runner: Runner | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    async def submit(self, execution_id: str, decision: Any = None) -> None:
        assert self.runner is not None
        task = asyncio.create_task(self.runner.run(execution_id, decision))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def announce(self, execution_id: str) -> None:
        self.waiters.wake(execution_id)

    async def ready(self) -> str | None:
        return None

    def queue_depth(self) -> int:
        return len(self._tasks)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)


class BrokerDispatcher:
    """Sends runs to ``asl worker`` through Dramatiq on Redis; hears their announcements."""

    def __init__(self, broker_url: str, queue: str) -> None:
        import redis.asyncio as aioredis

        from asl.service.broker import make_broker
        from asl.store.redis_connection import RedisConnection

        self.waiters = Waiters()
        self.queue = queue
        self.broker = make_broker(broker_url)
        self.broker.declare_queue(queue)
        self.redis = aioredis.Redis.from_url(broker_url)
        self.wire = RedisConnection(self.redis)  # enqueues and announcements, lean path
        self._listener: asyncio.Task[None] | None = None

    async def start(self) -> None:
        from asl.service.broker import prepare

        await asyncio.to_thread(prepare, self.broker)
        pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(channel(self.queue))
        self._listener = asyncio.create_task(self._listen(pubsub))

    async def _listen(self, pubsub: Any) -> None:
        while True:
            try:
                async for message in pubsub.listen():
                    data = message.get("data")
                    if isinstance(data, bytes):
                        self.waiters.wake(data.decode())
            except asyncio.CancelledError:
                await pubsub.aclose()
                raise
            except Exception as error:  # Redis restarted: resubscribe, waiters time out meanwhile
                logger.warning("announcement channel lost (%s); reconnecting", error)
                await asyncio.sleep(1)
                try:
                    await pubsub.subscribe(channel(self.queue))
                except Exception as again:  # the next round reports it again
                    logger.debug("resubscribe failed: %s", again)

    async def submit(self, execution_id: str, decision: Any = None) -> None:
        """Dramatiq's enqueue of the run, written by this loop's client (never blocking it),
        with the token that wakes an idle worker in the same round trip."""
        from dramatiq import Message

        from asl.service.broker import enqueue_commands, enqueued

        redis_id = str(uuid.uuid4())  # what Dramatiq's Redis broker gives each enqueue
        message: Message[Any] = Message(
            queue_name=self.queue,
            actor_name=RUN_ACTOR,
            args=(execution_id, decision),
            kwargs={},
            options={"redis_message_id": redis_id},
        )
        commands = enqueue_commands(self.broker, self.queue, redis_id, message.encode())
        for _ in range(2):
            if enqueued(await self.wire.commands(*commands)):
                return
            await self.redis.script_load(self.broker.scripts["dispatch"].script)
        raise RuntimeError("Redis does not keep Dramatiq's dispatch script")

    async def announce(self, execution_id: str) -> None:
        await self.wire.commands(["PUBLISH", channel(self.queue), execution_id])

    async def ready(self) -> str | None:
        try:
            await self.redis.ping()
        except Exception as error:
            return f"broker unreachable: {type(error).__name__}"
        return None

    def queue_depth(self) -> int:
        return int(self.broker.client.llen(f"{self.broker.namespace}:{self.queue}"))

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.gather(self._listener, return_exceptions=True)
        await self.wire.close()  # closes self.redis too
        self.broker.close()
