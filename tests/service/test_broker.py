"""The Dramatiq broker on a real Redis: enqueues wake an idle consumer through a list,
the API enqueues from its event loop, and everything else stays Dramatiq's."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import redis
from dramatiq import Message

from asl.service.broker import WAKE_TOKENS, WakingConsumer, make_broker, wake_key
from asl.service.dispatch import RUN_ACTOR, BrokerDispatcher


def message(queue: str, execution_id: str) -> Message[Any]:
    return Message(
        queue_name=queue, actor_name=RUN_ACTOR, args=(execution_id, None), kwargs={}, options={}
    )


def test_an_enqueue_leaves_a_wake_token_and_the_consumer_takes_the_message(
    redis_url: str,
) -> None:
    queue = f"q{uuid.uuid4().hex[:8]}"
    broker = make_broker(redis_url)
    broker.declare_queue(queue)
    admin = redis.Redis.from_url(redis_url)
    consumer = broker.consume(queue, prefetch=4, timeout=20)
    assert isinstance(consumer, WakingConsumer)
    assert next(consumer) is None  # empty: it waited on the wake list, then gave up
    broker.enqueue(message(queue, "e-1"))
    assert admin.lrange(wake_key("dramatiq", queue), 0, -1) == [b"1"]
    received = next(consumer)
    assert received is not None and received.args == ("e-1", None)
    consumer.ack(received)
    assert admin.hlen(f"dramatiq:{queue}.msgs") == 0  # acknowledged: gone, as in Dramatiq
    consumer.close()
    broker.close()


def test_each_token_takes_one_message_so_a_burst_spreads(redis_url: str) -> None:
    queue = f"q{uuid.uuid4().hex[:8]}"
    broker = make_broker(redis_url)
    broker.declare_queue(queue)
    for n in range(3):
        broker.enqueue(message(queue, f"e-{n}"))
    one, other = broker.consume(queue, prefetch=8, timeout=20), broker.consume(queue, 8, 20)
    assert next(one).args == ("e-0", None)
    assert next(other).args == ("e-1", None)  # the first took one message, not the burst
    assert next(one).args == ("e-2", None)
    assert next(other) is None  # no message left for the last token
    one.close()
    other.close()
    broker.close()


def test_tokens_nobody_waits_for_are_capped(redis_url: str) -> None:
    queue = f"q{uuid.uuid4().hex[:8]}"
    broker = make_broker(redis_url)
    broker.declare_queue(queue)
    for n in range(WAKE_TOKENS + 5):
        broker.enqueue(message(queue, f"e-{n}"))
    admin = redis.Redis.from_url(redis_url)
    assert admin.llen(wake_key("dramatiq", queue)) == WAKE_TOKENS
    assert admin.llen(f"dramatiq:{queue}") == WAKE_TOKENS + 5
    broker.close()


def test_a_delayed_message_pushes_no_token_and_its_consumer_sleeps(redis_url: str) -> None:
    queue = f"q{uuid.uuid4().hex[:8]}"
    broker = make_broker(redis_url)
    broker.declare_queue(queue)
    broker.enqueue(message(queue, "later"), delay=60_000)
    admin = redis.Redis.from_url(redis_url)
    assert admin.exists(wake_key("dramatiq", queue), wake_key("dramatiq", f"{queue}.DQ")) == 0
    consumer = broker.consume(f"{queue}.DQ", prefetch=4, timeout=20)
    assert consumer.wake is None
    delayed = next(consumer)
    assert delayed is not None and delayed.args == ("later", None)
    consumer.close()
    broker.close()


def test_the_api_enqueues_even_after_redis_forgot_the_script(redis_url: str) -> None:
    queue = f"q{uuid.uuid4().hex[:8]}"
    admin = redis.Redis.from_url(redis_url)

    async def submit_twice() -> None:
        dispatcher = BrokerDispatcher(redis_url, queue)
        await dispatcher.start()
        await dispatcher.submit("e-1")
        admin.script_flush()
        await dispatcher.submit("e-2", {"approval": "approve"})
        assert dispatcher.queue_depth() == 2
        await dispatcher.close()

    asyncio.run(submit_twice())
    assert admin.llen(wake_key("dramatiq", queue)) == 3  # the refused attempt's token too
    broker = make_broker(redis_url)
    consumer = broker.consume(queue, prefetch=4, timeout=20)
    first, second = next(consumer), next(consumer)  # a token, a message
    assert (first.args, second.args) == (("e-1", None), ("e-2", {"approval": "approve"}))
    assert admin.llen(wake_key("dramatiq", queue)) == 1
    consumer.close()
    broker.close()
