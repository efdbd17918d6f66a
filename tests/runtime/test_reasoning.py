"""The Reasoning block: the request reaches the agent, the trace is checked and stored."""

from __future__ import annotations

from typing import Any

import pytest

from asl import AgentContext
from asl.agents.settings import ReasoningRequest
from tests.runtime.conftest import machine

STEPS = [
    {"step": 1, "thought": "The input is small"},
    {"step": 2, "thought": "Small inputs are cheap"},
    {"step": 3, "thought": "So approve"},
]


def task(reasoning: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return machine(
        ("Decide", {"Type": "Task", "Agent": "A", "Reasoning": reasoning, "End": True, **fields})
    )


def answering(answer: Any) -> Any:
    return lambda parameters: answer


def test_the_request_reaches_the_agent_through_its_context(run: Any) -> None:
    seen: list[Any] = []

    def agent(parameters: Any, context: AgentContext) -> Any:
        seen.append(context.reasoning)
        return {"result": 1, "reasoning": {"steps": STEPS}}

    reasoning = {"Required": True, "Format": "chain_of_thought", "MinSteps": 2, "MaxSteps": 5}
    run(task(reasoning), {}, {"A": agent})

    assert seen == [ReasoningRequest(True, "chain_of_thought", min_steps=2, max_steps=5)]


def test_the_result_member_is_the_result_and_the_trace_goes_to_store(run: Any) -> None:
    trace = {"steps": STEPS, "conclusion": "approve"}
    answer = {"result": {"approved": True}, "reasoning": trace}

    result = run(
        task({"Required": True, "Store": "$.why"}, ResultPath="$.decision"),
        {"order": 7},
        {"A": answering(answer)},
    )

    assert result.output == {"order": 7, "decision": {"approved": True}, "why": trace}


def test_without_result_member_the_answer_minus_its_reasoning_is_the_result(run: Any) -> None:
    answer = {"approved": True, "score": 3, "reasoning": {"steps": STEPS}}

    result = run(task({"Store": "$.trace"}), {}, {"A": answering(answer)})

    assert result.output == {"approved": True, "score": 3, "trace": {"steps": STEPS}}


def test_the_trace_is_stored_after_output_path(run: Any) -> None:
    answer = {"result": {"v": 1}, "reasoning": {"steps": STEPS}}

    result = run(
        task({"Store": "$.trace"}, ResultPath="$.r", OutputPath="$.r"),
        {"x": 1},
        {"A": answering(answer)},
    )

    assert result.output == {"v": 1, "trace": {"steps": STEPS}}


def test_an_answer_without_trace_passes_when_reasoning_is_not_required(run: Any) -> None:
    result = run(task({"Store": "$.trace"}), {}, {"A": answering({"v": 1})})

    assert result.output == {"v": 1}


def test_a_required_trace_that_is_missing_fails_with_invalid_output(run: Any) -> None:
    result = run(task({"Required": True}), {}, {"A": answering({"v": 1})})

    assert (result.error, result.cause) == (
        "Agent.InvalidOutput",
        "State 'Decide' requires a reasoning trace (Reasoning.Required), but the agent's "
        'answer has no "reasoning" member; answer {"result": ..., "reasoning": '
        '{"steps": [...], "conclusion": ...}}',
    )
    assert [e["type"] for e in result.trace][-2:] == ["TaskFailed", "ExecutionFailed"]


@pytest.mark.parametrize(
    ("reasoning", "trace", "cause"),
    [
        (
            {"MinSteps": 4},
            {"steps": STEPS},
            "The reasoning trace of state 'Decide' (chain_of_thought) has 3 steps; "
            "Reasoning.MinSteps asks for at least 4",
        ),
        (
            {"MaxSteps": 2},
            {"steps": STEPS},
            "The reasoning trace of state 'Decide' (chain_of_thought) has 3 steps; "
            "Reasoning.MaxSteps allows at most 2",
        ),
        (
            {},
            "I thought hard",
            "The reasoning trace of state 'Decide' (chain_of_thought) must be an object with "
            '"steps", got str',
        ),
        (
            {},
            {"conclusion": "yes"},
            "The reasoning trace of state 'Decide' (chain_of_thought) must have \"steps\", an "
            "array of steps",
        ),
        (
            {},
            {"steps": [{"step": 1, "thought": "a"}, {"step": 3, "thought": "b"}]},
            "The reasoning trace of state 'Decide' (chain_of_thought): step 2 is numbered 3; "
            "number steps 1, 2, 3 ...",
        ),
        (
            {},
            {"steps": [{"step": 1}]},
            "The reasoning trace of state 'Decide' (chain_of_thought): step 1 must be an object "
            'with a "thought" string',
        ),
        (
            {},
            {"steps": STEPS, "conclusion": 3},
            "The reasoning trace of state 'Decide' (chain_of_thought) has a \"conclusion\" that "
            "is not a string",
        ),
        (
            {"Format": "tree_of_thoughts"},
            {"steps": [{"thought": "root"}, {"thought": "leaf", "parent": 2}]},
            "The reasoning trace of state 'Decide' (tree_of_thoughts): step 2 has \"parent\" 2; "
            "a parent is the number of an earlier step",
        ),
        (
            {"Format": "reflection"},
            {"steps": STEPS},
            "The reasoning trace of state 'Decide' (reflection) has no \"critique\": a reflection "
            "trace criticises its own steps",
        ),
    ],
)
def test_a_trace_that_does_not_fit_fails_with_invalid_output(
    run: Any, reasoning: dict[str, Any], trace: Any, cause: str
) -> None:
    answer = {"result": 1, "reasoning": trace}

    result = run(task(reasoning), {}, {"A": answering(answer)})

    assert (result.error, result.cause) == ("Agent.InvalidOutput", cause)


@pytest.mark.parametrize(
    ("reasoning", "trace"),
    [
        ({"Format": "free_form", "MinSteps": 1}, "Because the input is small."),
        ({"Format": "free_form"}, {"conclusion": "approve"}),
        (
            {"Format": "tree_of_thoughts", "MaxSteps": 3},
            {
                "steps": [
                    {"thought": "root"},
                    {"thought": "a", "parent": 1},
                    {"thought": "b", "parent": 1},
                ]
            },
        ),
        ({"Format": "reflection"}, {"steps": STEPS, "critique": "step 2 assumes too much"}),
    ],
)
def test_traces_that_fit_their_format(run: Any, reasoning: dict[str, Any], trace: Any) -> None:
    result = run(task(reasoning), {}, {"A": answering({"result": "ok", "reasoning": trace})})

    assert (result.status, result.output) == ("SUCCEEDED", "ok")


def test_retry_asks_again_after_an_invalid_trace(run: Any) -> None:
    answers = iter([{"result": 1}, {"result": {"n": 2}, "reasoning": {"steps": STEPS}}])
    retry = [{"ErrorEquals": ["Agent.InvalidOutput"], "IntervalSeconds": 1}]

    result = run(
        task({"Required": True, "Store": "$.trace"}, Retry=retry),
        {},
        {"A": lambda parameters: next(answers)},
    )

    assert result.output == {"n": 2, "trace": {"steps": STEPS}}


def test_a_store_path_into_a_non_object_output_fails(run: Any) -> None:
    answer = {"result": "text", "reasoning": {"steps": STEPS}}

    result = run(task({"Store": "$.trace"}), {}, {"A": answering(answer)})

    assert (result.error, result.cause) == (
        "States.ResultPathMatchFailure",
        "An error occurred while executing the state 'Decide' (entered at the event id #2). "
        'Unable to apply ReferencePath $.trace to input "text"',
    )
