"""Per-state agent settings: Model (with fallback), Generation, Metadata, Audit."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest

from asl import AgentContext, AgentError, AgentRegistry, WorkflowEngine
from asl.agents.settings import Generation
from asl.runtime.clock import ManualClock
from tests.runtime.conftest import machine


def task(**fields: Any) -> dict[str, Any]:
    return machine(("Call", {"Type": "Task", "Agent": "A", "End": True, **fields}))


class Recorder:
    """An agent that keeps the contexts it was called with, failing for some models."""

    def __init__(self, failures: dict[str | None, Exception] | None = None) -> None:
        self.contexts: list[AgentContext] = []
        self.failures = failures or {}

    def __call__(self, parameters: Any, context: AgentContext) -> Any:
        self.contexts.append(context)
        failure = self.failures.get(context.model)
        if failure is not None:
            raise failure
        return {"model": context.model}


def test_without_settings_the_context_carries_none(run: Any) -> None:
    agent = Recorder()

    run(task(), {}, {"A": agent})

    context = agent.contexts[0]
    assert (context.model, context.generation, context.metadata, context.reasoning) == (
        None,
        None,
        None,
        None,
    )
    assert context.audit_level is None


def test_model_generation_and_metadata_reach_the_agent(run: Any) -> None:
    agent = Recorder()
    fields = {
        "Model": {"Preferred": "large", "Fallback": "small"},
        "Generation": {
            "Temperature": 0.2,
            "TopP": 0.9,
            "MaxTokens": 400,
            "StopSequences": ["\n\n"],
        },
        "Metadata": {"Priority": "high", "Tags": ["a"], "Tenant.$": "$.tenant"},
    }

    result = run(task(**fields), {"tenant": "acme"}, {"A": agent})

    context = agent.contexts[0]
    assert result.output == {"model": "large"}
    assert context.generation == Generation(0.2, 0.9, 400, ("\n\n",))
    assert context.metadata == {"Priority": "high", "Tags": ["a"], "Tenant": "acme"}


def test_a_model_name_alone_is_the_preferred_model(run: Any) -> None:
    assert run(task(Model="mini"), {}, {"A": Recorder()}).output == {"model": "mini"}


def test_metadata_may_read_the_context_object(run: Any) -> None:
    agent = Recorder()

    run(task(Metadata={"run.$": "$$.Execution.Id"}), {}, {"A": agent})

    assert agent.contexts[0].metadata == {"run": "exec-1"}


def test_a_metadata_path_that_selects_nothing_fails_the_state(run: Any) -> None:
    result = run(task(Metadata={"Tenant.$": "$.tenant"}), {}, {"A": Recorder()})

    assert (result.error, result.cause) == (
        "States.Runtime",
        "An error occurred while executing the state 'Call' (entered at the event id #2). "
        "The JSONPath '$.tenant' specified for the field 'Tenant.$' could not be found in the "
        "input '{}'",
    )


def test_an_error_listed_in_fallback_on_moves_to_the_next_model(run: Any) -> None:
    agent = Recorder({"large": AgentError("States.RateLimitExceeded", "slow down")})
    model = {"Preferred": "large", "Fallback": "small", "FallbackOn": ["RateLimitExceeded"]}

    result = run(task(Model=model), {}, {"A": agent})

    assert result.output == {"model": "small"}
    assert [c.model for c in agent.contexts] == ["large", "small"]
    assert [e["details"] for e in result.trace if e["type"] == "ModelFallback"] == [
        {"from": "large", "to": "small", "error": "States.RateLimitExceeded", "cause": "slow down"}
    ]


def test_fallbacks_are_tried_in_order_and_the_last_failure_is_the_states(run: Any) -> None:
    failures: dict[str | None, Exception] = {
        name: AgentError("Agent.ModelError", f"{name} down") for name in ("a", "b", "c")
    }
    agent = Recorder(failures)

    result = run(task(Model={"Preferred": "a", "Fallback": ["b", "c"]}), {}, {"A": agent})

    assert [c.model for c in agent.contexts] == ["a", "b", "c"]
    assert (result.error, result.cause) == ("Agent.ModelError", "c down")


def test_an_error_not_listed_does_not_fall_back(run: Any) -> None:
    agent = Recorder({"large": AgentError("Agent.InvalidInput", "bad")})
    model = {"Preferred": "large", "Fallback": "small", "FallbackOn": ["States.BudgetExceeded"]}

    result = run(task(Model=model), {}, {"A": agent})

    assert ([c.model for c in agent.contexts], result.error) == (["large"], "Agent.InvalidInput")


def test_an_exception_falls_back_as_task_failed(run: Any) -> None:
    agent = Recorder({"large": ValueError("boom")})
    model = {"Preferred": "large", "Fallback": "small", "FallbackOn": ["States.TaskFailed"]}

    result = run(task(Model=model), {}, {"A": agent})

    assert result.output == {"model": "small"}
    assert [e["details"] for e in result.trace if e["type"] == "ModelFallback"] == [
        {"from": "large", "to": "small", "error": "States.TaskFailed", "cause": "boom"}
    ]


def test_a_retry_starts_again_from_the_preferred_model(run: Any) -> None:
    down = AgentError("Agent.ModelError", "down")
    agent = Recorder({"large": down, "small": down})
    retry = [{"ErrorEquals": ["Agent.ModelError"], "IntervalSeconds": 1, "MaxAttempts": 1}]

    run(task(Model={"Preferred": "large", "Fallback": "small"}, Retry=retry), {}, {"A": agent})

    assert [c.model for c in agent.contexts] == ["large", "small", "large", "small"]


def test_debate_turns_get_the_settings_and_fall_back(run: Any) -> None:
    pro = Recorder({"large": AgentError("States.RateLimitExceeded", "busy")})
    con = Recorder()
    document = machine(
        (
            "Debate",
            {
                "Type": "Debate",
                "Agents": ["Pro", "Con"],
                "Rounds": 1,
                "Model": {"Preferred": "large", "Fallback": "small"},
                "Generation": {"Temperature": 0.7},
                "Metadata": {"Topic.$": "$.t"},
                "End": True,
            },
        )
    )

    result = run(document, {"t": "x"}, {"Pro": pro, "Con": con})

    assert [c.model for c in pro.contexts + con.contexts] == ["large", "small", "large"]
    assert (con.contexts[0].generation, con.contexts[0].metadata) == (
        Generation(temperature=0.7),
        {"Topic": "x"},
    )
    assert [e["details"] for e in result.trace if e["type"] == "ModelFallback"] == [
        {
            "phase": "round",
            "round": 1,
            "agent": "Pro",
            "from": "large",
            "to": "small",
            "error": "States.RateLimitExceeded",
            "cause": "busy",
        }
    ]


# --- Audit ------------------------------------------------------------------------------

SECRET_INPUT = {"user": "ada", "credentials": {"password": "hunter22", "token": "tok-123456"}}


def events_of(result: Any, state: str) -> list[tuple[str, Any]]:
    return [(e["type"], e.get("details")) for e in result.trace if e.get("state") == state]


def echo(parameters: Any) -> Any:
    return {"echo": parameters}


def test_redact_paths_hide_values_in_every_event_of_the_state(run: Any) -> None:
    audit = {"Redact": ["$.credentials.password", "$..token", "$.echo.credentials"]}

    result = run(task(Audit=audit), SECRET_INPUT, {"A": echo})

    hidden_input = {
        "user": "ada",
        "credentials": {"password": "[REDACTED]", "token": "[REDACTED]"},
    }
    assert events_of(result, "Call") == [
        ("TaskStateEntered", {"input": hidden_input}),
        ("TaskScheduled", {"parameters": hidden_input}),
        ("TaskStarted", None),
        ("TaskSucceeded", {"output": {"echo": {"user": "ada", "credentials": "[REDACTED]"}}}),
        ("TaskStateExited", {"output": {"echo": {"user": "ada", "credentials": "[REDACTED]"}}}),
    ]
    assert result.output == {"echo": SECRET_INPUT}  # the data itself is never changed


@pytest.mark.parametrize(
    ("level", "kept"),
    [
        ("minimal", []),
        ("standard", ["TaskStateEntered", "TaskStateExited"]),
        ("full", ["TaskStateEntered", "TaskScheduled", "TaskSucceeded", "TaskStateExited"]),
        ("debug", ["TaskStateEntered", "TaskScheduled", "TaskSucceeded", "TaskStateExited"]),
    ],
)
def test_log_level_decides_which_events_keep_their_data(
    run: Any, level: str, kept: list[str]
) -> None:
    result = run(task(Audit={"LogLevel": level}), {"a": 1}, {"A": echo})

    with_data = [
        kind
        for kind, details in events_of(result, "Call")
        if details and None not in details.values()
    ]
    assert with_data == kept


def test_failure_events_are_kept_whole_at_every_level(run: Any) -> None:
    def failing(parameters: Any) -> Any:
        raise AgentError("Custom.Error", "it broke")

    result = run(task(Audit={"LogLevel": "minimal"}), {"a": 1}, {"A": failing})

    assert ("TaskFailed", {"error": "Custom.Error", "cause": "it broke"}) in events_of(
        result, "Call"
    )


def test_debate_turns_are_redacted_too(run: Any) -> None:
    def pro(payload: Any) -> Any:
        return {"argument": "x", "apiKey": "sk-abcdef"}

    document = machine(
        (
            "Debate",
            {
                "Type": "Debate",
                "Agents": ["Pro", "Con"],
                "Rounds": 1,
                "Audit": {"Redact": ["$.apiKey", "$.history[*].response.apiKey"]},
                "End": True,
            },
        )
    )

    result = run(document, {"apiKey": "sk-input"}, {"Pro": pro, "Con": lambda p: "ok"})

    events = events_of(result, "Debate")
    assert events[0] == ("DebateStateEntered", {"input": {"apiKey": "[REDACTED]"}})
    assert events[1] == (
        "DebateTurnSucceeded",
        {
            "phase": "round",
            "round": 1,
            "agent": "Pro",
            "output": {"argument": "x", "apiKey": "[REDACTED]"},
        },
    )
    exited = events[-1]
    assert exited[0] == "DebateStateExited"
    assert exited[1]["output"]["history"][0]["response"]["apiKey"] == "[REDACTED]"
    assert result.output["history"][0]["response"]["apiKey"] == "sk-abcdef"


def test_the_agent_logger_masks_redacted_values(run: Any, caplog: pytest.LogCaptureFixture) -> None:
    def agent(parameters: Any, context: AgentContext) -> Any:
        context.logger.info("logging in with %s", parameters["credentials"]["password"])
        context.logger.debug("debug line")
        return "ok"

    audit = {"Redact": ["$.credentials.password"]}
    with caplog.at_level(logging.INFO, logger="asl.agent"):
        run(task(Audit=audit), SECRET_INPUT, {"A": agent})

    assert [r.getMessage() for r in caplog.records if r.name == "asl.agent"] == [
        "logging in with [REDACTED]"
    ]


@pytest.mark.parametrize(
    ("level", "messages"),
    [
        ("minimal", ["warning line"]),
        ("full", ["info line", "warning line"]),
        ("debug", ["debug line", "info line", "warning line"]),
    ],
)
def test_log_level_sets_the_agent_logger_threshold(
    run: Any, caplog: pytest.LogCaptureFixture, level: str, messages: list[str]
) -> None:
    def agent(parameters: Any, context: AgentContext) -> Any:
        context.logger.debug("debug line")
        context.logger.info("info line")
        context.logger.warning("warning line")
        return context.audit_level

    with caplog.at_level(logging.INFO, logger="asl.agent"):
        caplog.handler.setLevel(logging.DEBUG)  # "asl.agent" is at INFO, the handler takes all
        result = run(task(Audit={"LogLevel": level}), {}, {"A": agent})

    assert result.output == level
    assert [r.getMessage() for r in caplog.records if r.name == "asl.agent"] == messages


def test_redacted_history_is_what_the_store_keeps(tmp_path: Path) -> None:
    engine = WorkflowEngine(
        task(Audit={"Redact": ["$..credentials"]}),
        AgentRegistry({"A": echo}),
        clock=ManualClock(),
        store=f"sqlite:///{tmp_path / 'runs.db'}",
    )
    result = engine.run(SECRET_INPUT, execution_id="audited")

    async def stored_history() -> Any:
        return await (await engine.store()).history("audited")

    history = asyncio.run(stored_history())
    stored = [event for step in history for event in step.events if event.get("state")]

    assert result.success
    assert "hunter22" not in repr(stored) and "tok-123456" not in repr(stored)
    assert stored[0]["details"] == {"input": {"user": "ada", "credentials": "[REDACTED]"}}


def test_jsonata_metadata_is_evaluated_as_jsonata(run: Any) -> None:
    agent = Recorder()
    fields = {
        "QueryLanguage": "JSONata",
        "Metadata": {"Tenant": "{% $uppercase($states.input.t) %}"},
    }

    run(task(**fields), {"t": "acme"}, {"A": agent})

    assert agent.contexts[0].metadata == {"Tenant": "ACME"}
