"""``asl worker``: runs executions sent by ``asl serve`` through Dramatiq on Redis.

A worker process consumes the queue with ``worker_concurrency`` threads; the
actor is a coroutine that Dramatiq's ``AsyncIO`` middleware runs on one event
loop per process, where the store connection and the engines live. Each message
is ``(execution_id, decision)``: the worker continues that execution from the
journal (see :mod:`asl.service.runner`), then announces on Redis that it ran.
Next to the queue, the recovery loop (:mod:`asl.service.recovery`) picks up
executions whose worker died. Workers are stateless: add or remove them at will.

SIGTERM or SIGINT stops taking messages and gives running ones
``STOP_TIMEOUT_MS`` to finish; what is still running then is resumed by another
worker once its lease expires.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
from typing import Any

from asl.agents.registry import AgentRegistry
from asl.service.broker import make_broker
from asl.service.config import Settings
from asl.service.dispatch import RUN_ACTOR, channel
from asl.service.heap import freeze_startup_objects
from asl.service.recovery import recover_forever
from asl.service.runner import Runner
from asl.service.timers import TimerService, register_actors

logger = logging.getLogger("asl.service")

STOP_TIMEOUT_MS = 10_000


class WorkerState:
    """What the actor needs, created in the worker's event loop on first use."""

    def __init__(self, settings: Settings, registry: AgentRegistry) -> None:
        self.settings = settings
        self.registry = registry
        self._runner: Runner | None = None
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[Any]] = set()
        self.broker: Any = None  # where timers send their wake-up messages

    async def runner(self) -> Runner:
        async with self._lock:
            if self._runner is None:
                import redis.asyncio as aioredis

                from asl.store import open_store
                from asl.store.redis_connection import RedisConnection

                store = await open_store(self.settings.store)
                announcer = RedisConnection(aioredis.Redis.from_url(self.settings.broker))
                topic = channel(self.settings.queue)

                async def announce(execution_id: str) -> None:
                    try:
                        await announcer.commands(["PUBLISH", topic, execution_id])
                    except Exception as error:  # waiters fall back to their poll
                        logger.warning("could not announce a run: %s", error)

                self._runner = Runner(
                    store, self.registry, announce, lease_seconds=self.settings.lease_seconds
                )
                self._runner.timers = TimerService(store, self.broker, self.settings)
            return self._runner

    async def run(self, execution_id: str, decision: Any = None) -> None:
        await (await self.runner()).run(execution_id, decision)

    async def recover(self) -> None:
        runner = await self.runner()

        async def spawn(execution_id: str) -> None:
            task = asyncio.create_task(runner.run(execution_id))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

        await recover_forever(
            runner.store,
            self.settings.lease_seconds,
            self.settings.recovery_interval_seconds,
            spawn,
        )


def run_worker(settings: Settings, registry: AgentRegistry) -> None:
    """Consume the queue until SIGTERM or SIGINT."""
    import dramatiq
    from dramatiq.asyncio import get_event_loop_thread

    _use_uvloop()
    broker = make_broker(settings.broker)
    state = WorkerState(settings, registry)

    async def run_execution(execution_id: str, decision: Any = None) -> None:
        await state.run(execution_id, decision)

    dramatiq.actor(broker=broker, actor_name=RUN_ACTOR, queue_name=settings.queue)(run_execution)
    state.broker = broker
    register_actors(broker, settings.queue, state.runner)  # wake-ups and Map item units
    worker = dramatiq.Worker(
        broker,
        queues={settings.queue},
        worker_threads=settings.worker_concurrency,
        worker_timeout=settings.worker_poll_ms,
    )
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    if settings.metrics_port:
        from prometheus_client import start_http_server

        from asl.service.metrics import metrics

        start_http_server(settings.metrics_port, addr=settings.host, registry=metrics().registry)
    worker.start()
    loop_thread = get_event_loop_thread()
    assert loop_thread is not None
    recovery = asyncio.run_coroutine_threadsafe(state.recover(), loop_thread.loop)
    freeze_startup_objects()
    logger.info(
        "worker ready",
        extra={"queue": settings.queue, "pid": os.getpid(), "threads": settings.worker_concurrency},
    )
    stopping.wait()
    logger.info("worker stopping")
    recovery.cancel()
    worker.stop(timeout=STOP_TIMEOUT_MS)
    broker.close()


def _use_uvloop() -> None:
    """Run the worker's event loop on uvloop when it is installed (as uvicorn does)."""
    try:
        import uvloop
    except ImportError:
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
