"""The LLM agent over OpenAI's Responses API, against a loopback server in the real format."""

from __future__ import annotations

from typing import Any

from asl.agents.llm import LLMAgent, LLMSettings, OutputSchema, PromptTemplate
from asl.agents.llm.responses_provider import ResponsesProvider
from asl.agents.settings import Generation
from tests.agents.conftest import one_task
from tests.agents.servers import ModelServer, Reply, openai_response, openai_response_stream


def agent(server: ModelServer, **settings: Any) -> LLMAgent:
    provider = ResponsesProvider("sk-resp", base_url=f"{server.url}/v1")
    return LLMAgent(provider, LLMSettings(**{"model": "gpt-test", **settings}))


def lookup_price(item: str) -> dict[str, Any]:
    """Price of an item in euros."""
    return {"item": item, "price": 4}


async def test_request_items_and_usage(server: ModelServer) -> None:
    server.queue(Reply(body=openai_response("Four euros.", input_tokens=9, output_tokens=3)))
    writer = agent(
        server,
        system=PromptTemplate("Be terse."),
        prompt=PromptTemplate("Price of {{ topic }}?"),
        generation=Generation(max_tokens=30),
    )
    result = await one_task(writer).arun({"topic": "tea"})
    assert (result.output, result.tokens_used) == ("Four euros.", 12)
    seen = server.requests[0]
    assert seen.path == "/v1/responses"
    assert seen.body == {
        "model": "gpt-test",
        "input": [{"role": "user", "content": "Price of tea?"}],
        "store": False,
        "instructions": "Be terse.",
        "max_output_tokens": 30,
    }


async def test_function_calls_and_outputs(server: ModelServer) -> None:
    server.queue(
        Reply(body=openai_response(None, [("call_a", "lookup_price", {"item": "tea"})])),
        Reply(body=openai_response("Tea is 4.")),
    )
    state = {"Tools": {"Allowed": ["lookup_price"]}}
    result = await one_task(agent(server), state, [lookup_price]).arun({"topic": "tea"})
    assert result.output == "Tea is 4."
    first, second = (seen.body for seen in server.requests)
    assert first["tools"][0]["type"] == "function"
    assert first["tools"][0]["name"] == "lookup_price"
    assert second["input"][1:] == [
        {
            "type": "function_call",
            "call_id": "call_a",
            "name": "lookup_price",
            "arguments": '{"item": "tea"}',
        },
        {
            "type": "function_call_output",
            "call_id": "call_a",
            "output": '{"item": "tea", "price": 4}',
        },
    ]


async def test_structured_output_and_streaming(server: ModelServer) -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    server.queue(Reply(events=openai_response_stream(['{"n"', ": 4}"])))
    chunks = []
    output: Any = None
    engine = one_task(agent(server, output_schema=OutputSchema(schema)))
    async for event in engine.stream({"topic": "x"}):
        if event["type"] == "AgentOutputChunk":
            chunks.append(event["details"]["chunk"])
        if event["type"] == "ExecutionSucceeded":
            output = event["details"]["output"]
    assert (chunks, output) == (['{"n"', ": 4}"], {"n": 4})
    body = server.requests[0].body
    assert body["stream"] is True
    assert body["text"] == {
        "format": {"type": "json_schema", "name": "answer", "schema": schema, "strict": False}
    }


async def test_rate_limit_maps_like_chat_completions(server: ModelServer) -> None:
    error = {"error": {"message": "Slow down", "type": "requests", "code": "rate_limit_exceeded"}}
    server.queue(Reply(429, error, headers={"retry-after-ms": "1500"}))
    result = await one_task(agent(server)).arun({"topic": "x"})
    assert (result.error, result.cause) == (
        "States.RateLimitExceeded",
        "openai rate limited the call (HTTP 429); retry after 1.5 s: Slow down "
        "(rate_limit_exceeded)",
    )
