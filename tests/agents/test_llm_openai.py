"""The LLM agent over OpenAI Chat Completions, against a loopback server in the real format."""

from __future__ import annotations

import json
from typing import Any

from asl.agents.llm import LLMAgent, LLMSettings, OutputSchema, PromptTemplate
from asl.agents.llm.openai_provider import OpenAIProvider
from asl.agents.settings import Generation
from tests.agents.conftest import one_task
from tests.agents.servers import ModelServer, Reply, openai_completion, openai_stream

KEY = "sk-test-secret-0123456789"


def agent(server: ModelServer, **settings: Any) -> LLMAgent:
    provider = OpenAIProvider(KEY, base_url=f"{server.url}/v1")
    return LLMAgent(provider, LLMSettings(**{"model": "gpt-test", **settings}))


async def test_prompts_filled_from_parameters_and_usage_reported(server: ModelServer) -> None:
    server.queue(Reply(body=openai_completion("Solar is cheap.", prompt_tokens=30)))
    writer = agent(
        server,
        system=PromptTemplate("You write about {{ topic }}."),
        prompt=PromptTemplate("One sentence on {{ topic }}, please."),
        generation=Generation(temperature=0.2, max_tokens=50),
    )
    result = await one_task(writer).arun({"topic": "solar"})
    assert result.status == "SUCCEEDED"
    assert result.output == "Solar is cheap."
    assert result.tokens_used == 37
    seen = server.requests[0]
    assert seen.path == "/v1/chat/completions"
    assert seen.headers["authorization"] == f"Bearer {KEY}"
    assert seen.body == {
        "model": "gpt-test",
        "messages": [
            {"role": "system", "content": "You write about solar."},
            {"role": "user", "content": "One sentence on solar, please."},
        ],
        "temperature": 0.2,
        "max_tokens": 50,
    }
    assert KEY not in json.dumps(result.trace, default=str)


async def test_state_model_and_generation_override_the_config(server: ModelServer) -> None:
    server.queue(Reply(body=openai_completion("ok")))
    writer = agent(server, generation=Generation(temperature=0.9, top_p=0.5))
    state = {
        "Model": {"Preferred": "gpt-big"},
        "Generation": {"Temperature": 0.1, "StopSequences": ["END"]},
    }
    result = await one_task(writer, state).arun({"topic": "x"})
    assert result.output == "ok"
    body = server.requests[0].body
    assert body["model"] == "gpt-big"
    assert (body["temperature"], body["top_p"], body["stop"]) == (0.1, 0.5, ["END"])
    assert body["messages"] == [{"role": "user", "content": '{"topic":"x"}'}]


async def test_streamed_chunks_reach_the_event_bus(server: ModelServer) -> None:
    server.queue(Reply(events=openai_stream(["Sun", "light", "."], prompt_tokens=4)))
    engine = one_task(agent(server))
    chunks = []
    async for event in engine.stream({"topic": "sun"}):
        if event["type"] == "AgentOutputChunk":
            chunks.append(event["details"]["chunk"])
        if event["type"] == "ExecutionSucceeded":
            assert event["details"]["output"] == "Sunlight."
    assert chunks == ["Sun", "light", "."]
    assert server.requests[0].body["stream"] is True
    assert server.requests[0].body["stream_options"] == {"include_usage": True}


async def test_no_listener_means_no_streaming(server: ModelServer) -> None:
    server.queue(Reply(body=openai_completion("plain")))
    result = await one_task(agent(server)).arun({"topic": "t"})
    assert result.output == "plain"
    assert "stream" not in server.requests[0].body


def lookup_price(item: str) -> dict[str, Any]:
    """Price of an item in euros."""
    return {"item": item, "price": 3.5}


async def test_tool_loop_calls_governed_tools_and_feeds_results_back(server: ModelServer) -> None:
    server.queue(
        Reply(body=openai_completion(None, [("call_1", "lookup_price", {"item": "tea"})])),
        Reply(body=openai_completion("Tea costs 3.5 EUR.", prompt_tokens=40, completion_tokens=9)),
    )
    state = {"Tools": {"Allowed": ["lookup_price"]}}
    result = await one_task(agent(server), state, [lookup_price]).arun({"topic": "tea"})
    assert result.status == "SUCCEEDED", result.cause
    assert result.output == "Tea costs 3.5 EUR."
    assert result.tokens_used == 12 + 7 + 40 + 9
    first, second = (seen.body for seen in server.requests)
    assert first["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "lookup_price",
                "description": "Price of an item in euros.",
                "parameters": first["tools"][0]["function"]["parameters"],
            },
        }
    ]
    assert first["tools"][0]["function"]["parameters"]["properties"] == {"item": {"type": "string"}}
    assert second["messages"][1:] == [
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "lookup_price", "arguments": '{"item": "tea"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": '{"item": "tea", "price": 3.5}'},
    ]


async def test_denied_tool_is_reported_to_the_model_as_an_error(server: ModelServer) -> None:
    server.queue(
        Reply(body=openai_completion(None, [("c1", "lookup_price", {"item": "tea"})])),
        Reply(body=openai_completion("I may not look prices up.")),
    )
    state = {"Tools": {"Denied": ["lookup_price"]}}
    result = await one_task(agent(server), state, [lookup_price]).arun({"topic": "tea"})
    assert result.output == "I may not look prices up."
    tool_message = server.requests[1].body["messages"][-1]
    assert tool_message["role"] == "tool"
    assert json.loads(tool_message["content"])["Error"] == "States.Permissions"


async def test_streamed_tool_call_arguments_are_joined(server: ModelServer) -> None:
    server.queue(
        Reply(events=openai_stream([], ("call_9", "lookup_price", ['{"it', 'em": "c', 'offee"}']))),
        Reply(events=openai_stream(["done"])),
    )
    engine = one_task(agent(server, stream="always"), {"Tools": {"Allowed": ["lookup_price"]}})
    engine.registry.register_tool(lookup_price)
    result = await engine.arun({"topic": "coffee"})
    assert result.output == "done"
    assert server.requests[1].body["messages"][-1]["content"] == (
        '{"item": "coffee", "price": 3.5}'
    )


async def test_max_tool_iterations_bounds_the_loop(server: ModelServer) -> None:
    call = Reply(body=openai_completion(None, [("c", "lookup_price", {"item": "a"})]))
    server.queue(call, call, call)
    engine = one_task(
        agent(server, max_tool_iterations=2), {"Tools": {"Allowed": ["lookup_price"]}}
    )
    engine.registry.register_tool(lookup_price)
    result = await engine.arun({"topic": "a"})
    assert (result.error, result.cause) == (
        "Agent.ToolError",
        "The model still asked for tools after 2 rounds (max_tool_iterations); "
        "raise it or simplify the task",
    )
    assert len(server.requests) == 3


SCHEMA = {
    "type": "object",
    "properties": {"title": {"type": "string"}, "score": {"type": "integer"}},
    "required": ["title", "score"],
}


async def test_structured_output_uses_response_format_and_is_parsed(server: ModelServer) -> None:
    server.queue(Reply(body=openai_completion('```json\n{"title": "Sun", "score": 4}\n```')))
    result = await one_task(agent(server, output_schema=OutputSchema(SCHEMA))).arun({"topic": "s"})
    assert result.output == {"title": "Sun", "score": 4}
    assert server.requests[0].body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "answer", "schema": SCHEMA, "strict": False},
    }


async def test_invalid_output_is_re_asked_then_accepted(server: ModelServer) -> None:
    server.queue(
        Reply(body=openai_completion('{"title": "Sun"}')),
        Reply(body=openai_completion('{"title": "Sun", "score": 5}')),
    )
    result = await one_task(agent(server, output_schema=OutputSchema(SCHEMA))).arun({"topic": "s"})
    assert result.output == {"title": "Sun", "score": 5}
    assert server.requests[1].body["messages"][-2:] == [
        {"role": "assistant", "content": '{"title": "Sun"}'},
        {
            "role": "user",
            "content": "Your answer was rejected: 'score' is a required property. Reply again "
            "with only a JSON value that matches the schema.",
        },
    ]


async def test_invalid_output_after_the_re_asks_fails_the_task(server: ModelServer) -> None:
    server.queue(
        Reply(body=openai_completion("not json")),
        Reply(body=openai_completion('{"title": 1, "score": 2}')),
    )
    writer = agent(server, output_schema=OutputSchema(SCHEMA), max_output_retries=1)
    result = await one_task(writer).arun({"topic": "s"})
    assert (result.error, result.cause) == (
        "Agent.InvalidOutput",
        "The model's answer does not match the output schema after 2 attempt(s): "
        "at '/title': 1 is not of type 'string'",
    )
    assert len(server.requests) == 2


async def test_missing_placeholder_fails_with_invalid_input(server: ModelServer) -> None:
    writer = agent(server, prompt=PromptTemplate("About {{ subject.name }}"))
    result = await one_task(writer).arun({"topic": "s"})
    assert (result.error, result.cause) == (
        "Agent.InvalidInput",
        "The prompt placeholder '{{ subject.name }}' names no value in the parameters; "
        "pass it in the state's Parameters or Arguments",
    )
    assert server.requests == []


async def test_called_without_context_a_tool_request_fails_clearly(server: ModelServer) -> None:
    import pytest

    from asl import AgentError

    server.queue(Reply(body=openai_completion(None, [("c", "lookup_price", {"item": "a"})])))
    with pytest.raises(AgentError) as raised:
        await agent(server).execute({"topic": "a"})
    assert (raised.value.error, raised.value.cause) == (
        "Agent.ToolError",
        "The model asked for tool 'lookup_price' but no tools were offered (the agent was "
        "called without a context)",
    )
    assert "tools" not in server.requests[0].body


async def test_a_context_block_shapes_what_the_prompt_reads(server: ModelServer) -> None:
    server.queue(Reply(body=openai_completion("ok")))
    writer = agent(server, prompt=PromptTemplate("{{ topic }}: {{ context.notes }}"))
    state = {"Context": {"Strategy": "sliding_window", "MaxTokens": 4, "Exclude": ["$.topic"]}}
    notes = ["old note one", "old note two", "new"]
    result = await one_task(writer, state).arun({"topic": "solar", "notes": notes})
    assert result.status == "SUCCEEDED", result.cause
    # MaxTokens 4 keeps the newest notes that fit: "new" (1 token), "old note two" (3)
    content = 'solar: ["old note two","new"]'
    assert server.requests[0].body["messages"] == [{"role": "user", "content": content}]
