"""The per-call budget path: byte bounds before tokenizing, exact counts when they matter."""

from __future__ import annotations

import asyncio
import json
from typing import Any, ClassVar

import pytest

from asl import Usage
from asl.budget.meter import Admission, Meter
from asl.language.tokens import count_text, token_bound, token_text
from asl.runtime.execution import Scope
from tests.budget.scripted import OUTPUT_TOKENS, Recorder, Yielding, engine
from tests.budget.test_concurrency import map_document

TEXTS = {
    "": 0,
    "hello": 5,
    "héllo wörld": 13,
    "日本語のテキスト": 24,
    "🙂🙂🙂": 12,
    "a\ud800b": 5,  # a lone surrogate: tiktoken counts it as U+FFFD, 3 bytes
    "<|endoftext|>": 13,
    "x" * 5000: 5000,
}


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("model", [None, "gpt-4o"])
def test_the_bound_is_the_utf8_size_and_never_below_the_token_count(
    text: str, model: str | None
) -> None:
    assert token_bound(text) == TEXTS[text]
    assert token_bound(text) >= count_text(text, model)


VALUES: list[Any] = [
    {"prompt": "héllo", "n": [1, 2.5, None, True, False], "nested": {"": "\u2028\"'"}},
    [float("nan"), float("inf"), -0.0, 10**30],
    0,
    None,
]


@pytest.mark.parametrize("value", VALUES, ids=["object", "numbers", "zero", "null"])
def test_values_are_counted_as_the_compact_json_of_the_standard_encoder(value: Any) -> None:
    assert token_text(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_a_value_that_is_not_json_is_refused_as_by_the_standard_encoder() -> None:
    with pytest.raises(TypeError) as refused:
        token_text({"tags": {1, 2}})
    assert str(refused.value) == "Object of type set is not JSON serializable"


class _Work:
    """What the meter reads of a Task state."""

    name = "Work"
    agent_name = "LLM"
    model_hint = "big"
    budget_block: ClassVar[dict[str, Any]] = {"MaxOutputTokens": OUTPUT_TOKENS}


def _meter(budget: dict[str, Any], execution_id: str = "run-1", **options: Any) -> Meter:
    document = map_document(budget)
    execution = engine(document, Yielding(), **options)._execution(execution_id, {})
    meter: Meter = execution.budget
    return meter


async def _admit(meter: Meter, parameters: Any) -> Admission:
    return await meter.admit(_Work, parameters, parameters, Scope(meter.execution), 1)


def test_calls_in_flight_hold_their_bound_until_a_call_does_not_fit() -> None:
    # {"prompt":"hello"} is 18 bytes and 5 tokens: 118 reserved per call, 105 exactly.
    async def scenario() -> list[Any]:
        meter = _meter({"MaxTokens": 320})
        await meter.begin(False)
        prompt = {"prompt": "hello"}
        first, second = await _admit(meter, prompt), await _admit(meter, prompt)
        seen: list[Any] = [meter.reserved_tokens, first.tokens, first.pending is not None]
        third = await _admit(meter, prompt)  # 354 > 320 with bounds; 315 counted exactly
        seen += [meter.reserved_tokens, [a.tokens for a in (first, second, third)]]
        seen += [[a.pending for a in (first, second, third)], list(meter.state_reserved["Work"])]
        for admission in (first, second, third):
            await meter.after_call(admission, None)
        fourth = await _admit(meter, prompt)
        seen += [meter.reserved_tokens, fourth.tokens]
        await meter.after_call(fourth, None)
        seen += [meter.reserved_tokens, meter.reserved_cost, meter._loose]
        return seen

    assert asyncio.run(scenario()) == [
        236,
        118,
        True,
        315,
        [105, 105, 105],
        [None, None, None],
        [3.0, 315],
        118,
        118,
        0,
        0.0,
        set(),
    ]


def test_a_refusal_names_the_exact_counts_of_the_calls_in_flight() -> None:
    async def scenario() -> str:
        meter = _meter({"MaxTokens": 300})
        await meter.begin(False)
        prompt = {"prompt": "hello"}
        await _admit(meter, prompt)
        await _admit(meter, prompt)
        try:
            await _admit(meter, prompt)
        except Exception as refused:
            return str(refused)
        return "admitted"

    assert asyncio.run(scenario()) == (
        "States.BudgetExceeded: An error occurred while executing the state 'Work' (entered "
        "at the event id #1). The call would exceed MaxTokens 300: 0 used, "
        "210 reserved by calls in flight, this call needs up to 105"
    )


def test_concurrent_items_pass_a_limit_their_bounds_would_cross() -> None:
    # Three calls in flight need 354 tokens by their bounds, 315 by their counts.
    agent = Yielding()
    result = engine(map_document({"MaxTokens": 320}), agent).run({"items": [0, 1, 2, 3]})
    assert result.status == "SUCCEEDED", result.cause
    assert result.output == [{"done": 1}, {"done": 2}, {"done": 3}, "refused"]
    assert result.tokens_used == 315


def test_a_state_limit_counts_exactly_too() -> None:
    document = map_document({})
    del document["Budget"]
    work = document["States"]["Each"]["ItemProcessor"]["States"]["Work"]
    work["Budget"]["MaxTokens"] = 320
    agent = Yielding()
    result = engine(document, agent).run({"items": [0, 1, 2, 3]})
    assert result.output == [{"done": 1}, {"done": 2}, {"done": 3}, "refused"]
    refusal = next(e for e in result.trace if e["type"] == "TaskFailed")
    assert refusal["details"]["cause"] == (
        "An error occurred while executing the state 'Work' (entered at the event id #17). "
        "The call would exceed the state's MaxTokens 320: 0 used, this call needs up to 105"
    )


def test_a_resumed_meter_sends_only_the_alerts_not_sent_yet() -> None:
    budget = {
        "MaxCost": "$10.00",
        "Alerts": [{"At": "50%", "Notify": ["a"]}, {"At": "80%", "Notify": ["b"]}],
    }
    notifier = Recorder()
    workflow = engine(map_document(budget), Yielding(), notifier=notifier)
    call = Usage(5, 100, "big")  # $1.00

    async def calls(meter: Meter, count: int) -> list[list[str]]:
        sent = []
        for _ in range(count):
            admission = await _admit(meter, {"prompt": "hello"})
            meter.account("Work", call, admission)
            await meter.after_call(admission, call)
            sent.append([recipients[0] for recipients, _, _ in notifier.sent])
        return sent

    async def scenario() -> list[list[str]]:
        before: Meter = workflow._execution("run-1", {}).budget
        await before.begin(False)
        sent = await calls(before, 6)
        await before.save()
        after: Meter = workflow._execution("run-1", {}).budget
        await after.begin(True)
        return sent + await calls(after, 2)

    assert asyncio.run(scenario()) == [[], [], [], [], ["a"], ["a"], ["a"], ["a", "b"]]
