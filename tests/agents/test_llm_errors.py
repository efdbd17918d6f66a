"""Provider failures become ASL error names a state's Retry and Catch can match."""

from __future__ import annotations

import json
from typing import Any

import pytest

from asl import AgentRegistry, WorkflowEngine
from asl.agents.llm import LLMAgent, LLMSettings
from asl.agents.llm.anthropic_provider import AnthropicProvider
from asl.agents.llm.openai_provider import OpenAIProvider
from tests.agents.conftest import one_task
from tests.agents.servers import ModelServer, Reply, anthropic_message, openai_completion

KEY = "sk-secret-that-must-not-leak"


def openai_agent(server: ModelServer, timeout: float | None = None) -> LLMAgent:
    provider = OpenAIProvider(KEY, base_url=f"{server.url}/v1", timeout=timeout)
    return LLMAgent(provider, LLMSettings(model="gpt-test"))


def anthropic_agent(server: ModelServer) -> LLMAgent:
    return LLMAgent(AnthropicProvider(KEY, base_url=server.url), LLMSettings(model="claude-test"))


def openai_error(message: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error", "code": code}}


def anthropic_error(kind: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": message}}


@pytest.mark.parametrize(
    ("reply", "error", "cause"),
    [
        (
            Reply(
                429, openai_error("Slow down", "rate_limit_exceeded"), headers={"retry-after": "7"}
            ),
            "States.RateLimitExceeded",
            "openai rate limited the call (HTTP 429); retry after 7 s: "
            "Slow down (rate_limit_exceeded)",
        ),
        (
            Reply(
                400,
                openai_error(
                    "This model's maximum context length is 8192 tokens.", "context_length_exceeded"
                ),
            ),
            "Agent.ContextOverflow",
            "openai: the prompt does not fit the model: This model's maximum context length "
            "is 8192 tokens. (context_length_exceeded)",
        ),
        (
            Reply(503, openai_error("The engine is currently overloaded")),
            "Agent.ModelOverloaded",
            "openai is overloaded (HTTP 503): The engine is currently overloaded "
            "(invalid_request_error)",
        ),
        (
            Reply(500, openai_error("Internal failure")),
            "Agent.ModelError",
            "openai failed the call (HTTP 500): Internal failure (invalid_request_error)",
        ),
        (
            Reply(401, openai_error(f"Incorrect API key provided: {KEY}", "invalid_api_key")),
            "Agent.ModelError",
            "openai failed the call (HTTP 401): Incorrect API key provided: *** (invalid_api_key)",
        ),
    ],
)
async def test_openai_statuses(server: ModelServer, reply: Reply, error: str, cause: str) -> None:
    server.queue(reply)
    result = await one_task(openai_agent(server)).arun({"topic": "x"})
    assert (result.error, result.cause) == (error, cause)
    assert len(server.requests) == 1  # the SDK's own retries are off: Retry decides
    assert KEY not in json.dumps(result.trace, default=str)


@pytest.mark.parametrize(
    ("reply", "error", "cause"),
    [
        (
            Reply(
                429, anthropic_error("rate_limit_error", "Too many"), headers={"retry-after": "3"}
            ),
            "States.RateLimitExceeded",
            "anthropic rate limited the call (HTTP 429); retry after 3 s: Too many "
            "(rate_limit_error)",
        ),
        (
            Reply(529, anthropic_error("overloaded_error", "Overloaded")),
            "Agent.ModelOverloaded",
            "anthropic is overloaded (HTTP 529): Overloaded (overloaded_error)",
        ),
        (
            Reply(
                400, anthropic_error("invalid_request_error", "prompt is too long: 210000 tokens")
            ),
            "Agent.ContextOverflow",
            "anthropic: the prompt does not fit the model: prompt is too long: 210000 tokens "
            "(invalid_request_error)",
        ),
        (
            Reply(500, anthropic_error("api_error", "Internal server error")),
            "Agent.ModelError",
            "anthropic failed the call (HTTP 500): Internal server error (api_error)",
        ),
    ],
)
async def test_anthropic_statuses(
    server: ModelServer, reply: Reply, error: str, cause: str
) -> None:
    server.queue(reply)
    result = await one_task(anthropic_agent(server)).arun({"topic": "x"})
    assert (result.error, result.cause) == (error, cause)


async def test_malformed_body_is_a_model_error(server: ModelServer) -> None:
    server.queue(Reply(raw=b'{"id": "chatcmpl-1", "choices": [{"index": 0, "mess'))
    result = await one_task(openai_agent(server)).arun({"topic": "x"})
    assert result.error == "Agent.ModelError"
    assert result.cause.startswith("openai: malformed reply (")


async def test_malformed_anthropic_shape_is_a_model_error(server: ModelServer) -> None:
    server.queue(Reply(body={"unexpected": True}))
    result = await one_task(anthropic_agent(server)).arun({"topic": "x"})
    assert result.error == "Agent.ModelError"
    assert result.cause.startswith("anthropic: malformed reply (")


async def test_rate_limit_is_retried_by_the_states_retry(server: ModelServer) -> None:
    server.queue(
        Reply(429, anthropic_error("rate_limit_error", "Too many"), headers={"retry-after": "1"}),
        Reply(body=anthropic_message("second time lucky")),
    )
    retry = {
        "Retry": [
            {"ErrorEquals": ["States.RateLimitExceeded"], "IntervalSeconds": 1, "MaxAttempts": 2}
        ]
    }
    result = await one_task(anthropic_agent(server), retry).arun({"topic": "x"})
    assert result.output == "second time lucky"
    assert len(server.requests) == 2


async def test_model_error_is_caught_by_catch(server: ModelServer) -> None:
    server.queue(Reply(500, openai_error("boom")))
    document = {
        "StartAt": "Ask",
        "States": {
            "Ask": {
                "Type": "Task",
                "Agent": "Writer",
                "Catch": [{"ErrorEquals": ["Agent.ModelError"], "Next": "Fallback"}],
                "End": True,
            },
            "Fallback": {"Type": "Pass", "Result": "canned answer", "End": True},
        },
    }
    result = await WorkflowEngine(document, AgentRegistry({"Writer": openai_agent(server)})).arun()
    assert (result.status, result.output) == ("SUCCEEDED", "canned answer")


async def test_timeout_is_states_timeout(server: ModelServer) -> None:
    server.queue(Reply(body=openai_completion("late"), delay=1.0))
    result = await one_task(openai_agent(server, timeout=0.2)).arun({"topic": "x"})
    assert (result.error, result.cause) == ("States.Timeout", "openai: the model call timed out")


async def test_overloaded_preferred_model_falls_back(server: ModelServer) -> None:
    from tests.agents.servers import anthropic_message

    server.queue(
        Reply(529, anthropic_error("overloaded_error", "Overloaded")),
        Reply(body=anthropic_message("from the fallback")),
    )
    state = {
        "Model": {
            "Preferred": "claude-big",
            "Fallback": "claude-small",
            "FallbackOn": ["ModelOverloaded"],
        }
    }
    result = await one_task(anthropic_agent(server), state).arun({"topic": "x"})
    assert result.output == "from the fallback"
    assert [seen.body["model"] for seen in server.requests] == ["claude-big", "claude-small"]


async def test_error_not_in_fallback_on_does_not_fall_back(server: ModelServer) -> None:
    server.queue(Reply(500, openai_error("boom")))
    state = {
        "Model": {"Preferred": "a", "Fallback": "b", "FallbackOn": ["ModelOverloaded"]},
    }
    result = await one_task(openai_agent(server), state).arun({"topic": "x"})
    assert result.error == "Agent.ModelError"
    assert [seen.body["model"] for seen in server.requests] == ["a"]
