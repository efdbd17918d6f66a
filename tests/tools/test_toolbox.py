"""Tool Parameters, Validation, Timeout, Hooks and Audit around a call."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from asl import AgentError, AgentRegistry

from .support import call, registry, run, task, tool_events


def api_call(endpoint: str, retries: int = 0, mode: str = "plain") -> dict[str, Any]:
    """Pretend to call an API."""
    return {"endpoint": endpoint, "retries": retries, "mode": mode}


def dirty() -> dict[str, Any]:
    """Return control characters."""
    return {"text": "a\x00b\x1bc\nd\te", "list": ["\x07x"]}


async def slow() -> str:
    """Take too long."""
    await asyncio.sleep(5)
    return "late"


def broken() -> None:
    """Fail like a bug."""
    raise KeyError("missing")


def refusing() -> None:
    """Fail with an ASL error name."""
    raise AgentError("Api.Unavailable", "the API is down")


def agents() -> AgentRegistry:
    return registry(api_call, dirty, slow, broken, refusing)


def test_parameters_give_defaults_that_the_agent_s_arguments_override() -> None:
    tools = {"Parameters": {"api_call": {"retries": 3, "mode": "safe"}}}
    result = run(task(tools), agents(), [call("api_call", endpoint="https://a", mode="fast")])

    assert result.output == [{"endpoint": "https://a", "retries": 3, "mode": "fast"}]


def test_input_schema_violations_fail_with_states_validation_error_and_the_place() -> None:
    schema = {
        "type": "object",
        "required": ["endpoint"],
        "properties": {"endpoint": {"type": "string", "pattern": "^https://"}},
    }
    tools = {"Validation": {"api_call": {"Input": {"Schema": schema}}}}
    result = run(task(tools), agents(), [call("api_call", endpoint="http://a")], catch=True)

    assert result.output == [
        {
            "error": "States.ValidationError",
            "cause": "Tool 'api_call' arguments do not match its Validation Input Schema at "
            "/endpoint: 'http://a' does not match '^https://'",
        }
    ]


def test_output_max_size_and_sanitize() -> None:
    tools = {
        "Validation": {
            "dirty": {"Output": {"Sanitize": True}},
            "api_call": {"Output": {"MaxSize": "40"}},
        }
    }
    result = run(
        task(tools), agents(), [call("dirty"), call("api_call", endpoint="https://a")], catch=True
    )

    assert result.output == [
        {"text": "abc\nd\te", "list": ["x"]},
        {
            "error": "States.TaskFailed",
            "cause": "Tool 'api_call' returned 56 bytes, more than its Validation Output MaxSize "
            "40 bytes",
        },
    ]


def test_timeout_stops_a_slow_tool_with_states_timeout() -> None:
    result = run(task({"Timeout": "100ms"}), agents(), [call("slow")], catch=True)

    assert result.output == [
        {"error": "States.Timeout", "cause": "Tool 'slow' did not finish within 0.1s"}
    ]


def test_a_tool_s_own_failure_is_states_task_failed_and_an_asl_name_is_kept() -> None:
    result = run(task(None), agents(), [call("broken"), call("refusing")], catch=True)

    assert result.output == [
        {"error": "States.TaskFailed", "cause": "Tool 'broken' failed: 'missing'"},
        {"error": "Api.Unavailable", "cause": "the API is down"},
    ]


def test_wrong_arguments_are_a_task_failure_that_names_the_tool() -> None:
    result = run(task(None), agents(), [call("api_call", url="x")], catch=True)

    assert result.output[0]["cause"] == (
        "Tool 'api_call' failed: api_call() got an unexpected keyword argument 'url'"
    )


def hooks() -> AgentRegistry:
    made = agents()
    made.register("Guard", lambda p: {"allow": not p["endpoint"].startswith("http://")})
    made.register(
        "Rewrite", lambda p: {"arguments": {**p["toolRequest"]["arguments"], "retries": 9}}
    )
    made.register("Trim", lambda p: {"result": p["response"]["endpoint"]})
    return made


def test_a_before_hook_can_refuse_a_call_with_states_permissions() -> None:
    tools = {
        "Hooks": {
            "Before": {
                "Agent": "Guard",
                "Parameters": {"endpoint.$": "$.toolRequest.arguments.endpoint"},
            }
        }
    }
    result = run(
        task(tools),
        hooks(),
        [call("api_call", endpoint="http://plain"), call("api_call", endpoint="https://ok")],
        catch=True,
    )

    assert result.output == [
        {
            "error": "States.Permissions",
            "cause": "The Before hook agent 'Guard' refused tool 'api_call': no reason given",
        },
        {"endpoint": "https://ok", "retries": 0, "mode": "plain"},
    ]


def test_hooks_can_rewrite_arguments_and_results() -> None:
    tools = {
        "Hooks": {
            "Before": {"Agent": "Rewrite"},
            "After": {"Agent": "Trim", "Parameters": {"response.$": "$.toolResponse"}},
        }
    }
    result = run(task(tools), hooks(), [call("api_call", endpoint="https://a")])

    assert result.output == ["https://a"]


def test_history_records_arguments_and_results_only_with_include_parameters(
    caplog: pytest.LogCaptureFixture,
) -> None:
    audit = {"Audit": {"Enabled": True, "IncludeParameters": True}}
    with caplog.at_level(logging.INFO, logger="asl.tools.audit"):
        audited = run(task(audit), agents(), [call("api_call", endpoint="https://a")])
    plain = run(task(None), agents(), [call("api_call", endpoint="https://a")])

    assert tool_events(audited) == [
        ("ToolCallStarted", {"tool": "api_call", "arguments": {"endpoint": "https://a"}}),
        (
            "ToolCallSucceeded",
            {
                "tool": "api_call",
                "result": {"endpoint": "https://a", "retries": 0, "mode": "plain"},
            },
        ),
    ]
    assert tool_events(plain) == [
        ("ToolCallStarted", {"tool": "api_call"}),
        ("ToolCallSucceeded", {"tool": "api_call"}),
    ]
    assert [r.getMessage() for r in caplog.records] == ["tool api_call succeeded in state Work"]


@pytest.mark.parametrize(
    ("level", "logged"),
    [
        ("minimal", []),
        (
            "detailed",
            ['tool api_call succeeded in state Work with arguments {"endpoint": "https://a"}'],
        ),
    ],
)
def test_audit_log_level_chooses_what_the_audit_log_says(
    caplog: pytest.LogCaptureFixture, level: str, logged: list[str]
) -> None:
    with caplog.at_level(logging.INFO, logger="asl.tools.audit"):
        run(
            task({"Audit": {"LogLevel": level}}), agents(), [call("api_call", endpoint="https://a")]
        )

    assert [r.getMessage() for r in caplog.records] == logged


def test_a_call_with_arguments_that_are_not_an_object_is_refused() -> None:
    result = run(
        task(None), agents(), [{"tool": "api_call", "arguments": ["https://a"]}], catch=True
    )

    assert result.output == [
        {
            "error": "States.ValidationError",
            "cause": "call_tool needs a tool name (a string) and arguments (an object), got str "
            "and list",
        }
    ]
