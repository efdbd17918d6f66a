"""The LLM agent over Anthropic's Messages API, against a loopback server in the real format."""

from __future__ import annotations

from typing import Any

from asl.agents.llm import LLMAgent, LLMSettings, OutputSchema, PromptTemplate
from asl.agents.llm.anthropic_provider import AnthropicProvider
from asl.agents.settings import Generation
from tests.agents.conftest import one_task
from tests.agents.servers import ModelServer, Reply, anthropic_message, anthropic_stream

KEY = "sk-ant-test-secret"


def agent(server: ModelServer, **settings: Any) -> LLMAgent:
    provider = AnthropicProvider(KEY, base_url=server.url)
    return LLMAgent(provider, LLMSettings(**{"model": "claude-test", **settings}))


def lookup_price(item: str) -> dict[str, Any]:
    """Price of an item in euros."""
    return {"item": item, "price": 2}


async def test_messages_request_and_usage(server: ModelServer) -> None:
    server.queue(Reply(body=anthropic_message("Hello Ada.", input_tokens=21, output_tokens=4)))
    writer = agent(
        server,
        system=PromptTemplate("Greet people."),
        prompt=PromptTemplate("Greet {{ topic }}"),
        generation=Generation(temperature=0.3, stop_sequences=("###",)),
    )
    result = await one_task(writer).arun({"topic": "Ada"})
    assert result.output == "Hello Ada."
    assert result.tokens_used == 25
    seen = server.requests[0]
    assert seen.path == "/v1/messages"
    assert seen.headers["authorization"] == f"Bearer {KEY}"
    assert seen.body == {
        "model": "claude-test",
        "max_tokens": 4096,
        "messages": [{"role": "user", "content": "Greet Ada"}],
        "system": "Greet people.",
        "temperature": 0.3,
        "stop_sequences": ["###"],
    }


async def test_sse_stream_emits_text_deltas(server: ModelServer) -> None:
    server.queue(Reply(events=anthropic_stream(["Hel", "lo"], input_tokens=8, output_tokens=2)))
    chunks = []
    final: Any = None
    async for event in one_task(agent(server)).stream({"topic": "x"}):
        if event["type"] == "AgentOutputChunk":
            chunks.append(event["details"]["chunk"])
        if event["type"] == "ExecutionSucceeded":
            final = event["details"]["output"]
    assert (chunks, final) == (["Hel", "lo"], "Hello")
    assert server.requests[0].body["stream"] is True


async def test_tool_use_loop_sends_tool_results_in_a_user_turn(server: ModelServer) -> None:
    server.queue(
        Reply(
            body=anthropic_message(
                "Let me check.",
                [
                    ("tu_1", "lookup_price", {"item": "tea"}),
                    ("tu_2", "lookup_price", {"item": "jam"}),
                ],
            )
        ),
        Reply(body=anthropic_message("Tea 2, jam 2.")),
    )
    state = {"Tools": {"Allowed": ["lookup_price"]}}
    result = await one_task(agent(server), state, [lookup_price]).arun({"topic": "t"})
    assert result.output == "Tea 2, jam 2."
    first, second = (seen.body for seen in server.requests)
    assert [tool["name"] for tool in first["tools"]] == ["lookup_price"]
    assert second["messages"][1:] == [
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "Let me check."},
                {
                    "type": "tool_use",
                    "id": "tu_1",
                    "name": "lookup_price",
                    "input": {"item": "tea"},
                },
                {
                    "type": "tool_use",
                    "id": "tu_2",
                    "name": "lookup_price",
                    "input": {"item": "jam"},
                },
            ],
        },
        {
            "role": "user",
            "content": [
                {
                    "type": "tool_result",
                    "tool_use_id": "tu_1",
                    "content": '{"item": "tea", "price": 2}',
                    "is_error": False,
                },
                {
                    "type": "tool_result",
                    "tool_use_id": "tu_2",
                    "content": '{"item": "jam", "price": 2}',
                    "is_error": False,
                },
            ],
        },
    ]


async def test_streamed_tool_use_input_is_assembled(server: ModelServer) -> None:
    server.queue(
        Reply(events=anthropic_stream([], ("tu_5", "lookup_price", ['{"item"', ': "milk"}']))),
        Reply(events=anthropic_stream(["Milk is 2."])),
    )
    writer = agent(server, stream="always")
    state = {"Tools": {"Allowed": ["lookup_price"]}}
    result = await one_task(writer, state, [lookup_price]).arun({"topic": "milk"})
    assert result.output == "Milk is 2."
    assert server.requests[1].body["messages"][-1]["content"][0]["content"] == (
        '{"item": "milk", "price": 2}'
    )


SCHEMA = {"type": "object", "properties": {"mood": {"enum": ["good", "bad"]}}, "required": ["mood"]}


async def test_structured_output_through_a_forced_tool(server: ModelServer) -> None:
    server.queue(
        Reply(body=anthropic_message(tool_uses=[("tu", "final_answer", {"mood": "good"})]))
    )
    result = await one_task(agent(server, output_schema=OutputSchema(SCHEMA))).arun({"topic": "x"})
    assert result.output == {"mood": "good"}
    body = server.requests[0].body
    assert body["tool_choice"] == {"type": "tool", "name": "final_answer"}
    assert body["tools"] == [
        {
            "name": "final_answer",
            "description": "Give the final answer; its input is the answer.",
            "input_schema": SCHEMA,
        }
    ]


async def test_structured_answer_that_breaks_the_schema_is_re_asked(server: ModelServer) -> None:
    server.queue(
        Reply(body=anthropic_message(tool_uses=[("tu", "final_answer", {"mood": "meh"})])),
        Reply(body=anthropic_message(tool_uses=[("tu", "final_answer", {"mood": "bad"})])),
    )
    result = await one_task(agent(server, output_schema=OutputSchema(SCHEMA))).arun({"topic": "x"})
    assert result.output == {"mood": "bad"}
    assert server.requests[1].body["messages"][1:] == [
        {"role": "assistant", "content": [{"type": "text", "text": '{"mood": "meh"}'}]},
        {
            "role": "user",
            "content": "Your answer was rejected: at '/mood': 'meh' is not one of ['good', "
            "'bad']. Reply again with only a JSON value that matches the schema.",
        },
    ]
