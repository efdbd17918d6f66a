"""What the engine adds to an LLM call, beside the model server's own time.

Target (LLM issue): engine overhead per LLM call, excluding the server's time, ≤ 1 ms.
Printed, per call (median of 5 rounds):

1. the workflow run around an LLM Task whose provider answers at once (prompt
   templates, output-schema validation, usage, the Task state, history): the
   engine's own overhead;
2. the same workflow against a loopback OpenAI-compatible server through the
   official SDK, minus the time the server spent in its handler: engine plus SDK
   plus HTTP on loopback (the SDK's share is not the engine's, but the user pays it);
3. the same with the reply streamed (SSE), chunks going to an event listener.

Run: ``python benchmarks/bench_llm.py``.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from _scale import scaled

from asl import AgentRegistry, WorkflowEngine
from asl.agents.llm import (
    LLMAgent,
    LLMSettings,
    ModelReply,
    ModelRequest,
    OutputSchema,
    PromptTemplate,
)
from asl.agents.llm.openai_provider import OpenAIProvider

CALLS = scaled(300)
SCHEMA = OutputSchema(
    {
        "type": "object",
        "properties": {"summary": {"type": "string"}, "score": {"type": "integer"}},
        "required": ["summary", "score"],
    }
)
ANSWER = '{"summary": "Short.", "score": 3}'
DOCUMENT = {
    "StartAt": "Ask",
    "States": {
        "Ask": {
            "Type": "Task",
            "Agent": "Writer",
            "Parameters": {"topic.$": "$.topic"},
            "ResultPath": "$.answer",
            "End": True,
        }
    },
}
SERVER_SECONDS: list[float] = []


class InstantProvider:
    """A provider whose model answers in zero time: what is left is the engine's cost."""

    name = "instant"

    async def complete(self, request: ModelRequest) -> ModelReply:
        return ModelReply(text=ANSWER, input_tokens=20, output_tokens=8)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real API endpoint
    disable_nagle_algorithm = True  # headers and body go in two writes

    def do_POST(self) -> None:
        started = time.perf_counter()
        request = json.loads(self.rfile.read(int(self.headers["content-length"])))
        if request.get("stream"):
            self._stream()
        else:
            body = json.dumps(
                {
                    "id": "c",
                    "object": "chat.completion",
                    "created": 0,
                    "model": "m",
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": ANSWER},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {"prompt_tokens": 20, "completion_tokens": 8, "total_tokens": 28},
                }
            ).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        SERVER_SECONDS.append(time.perf_counter() - started)

    def _stream(self) -> None:
        events = [
            {"index": 0, "delta": {"content": piece}, "finish_reason": None}
            for piece in (ANSWER[:12], ANSWER[12:24], ANSWER[24:])
        ]
        lines = [
            {
                "id": "c",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": "m",
                "choices": [event],
                "usage": None,
            }
            for event in events
        ]
        usage = {"prompt_tokens": 20, "completion_tokens": 8, "total_tokens": 28}
        lines.append(
            {
                "id": "c",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": "m",
                "choices": [],
                "usage": usage,
            }
        )
        body = "".join(f"data: {json.dumps(line)}\n\n" for line in lines) + "data: [DONE]\n\n"
        data = body.encode()
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


def engine_for(provider: Any) -> WorkflowEngine:
    settings = LLMSettings(
        model="m",
        system=PromptTemplate("You summarise {{ topic }}."),
        prompt=PromptTemplate("Summarise {{ topic }} as JSON."),
        output_schema=SCHEMA,
    )
    return WorkflowEngine(DOCUMENT, AgentRegistry({"Writer": LLMAgent(provider, settings)}))


async def per_call(engine: WorkflowEngine, streamed: bool) -> float:
    """Median over 5 rounds of the seconds per run, minus the server's handler time."""
    rounds = []
    for _ in range(scaled(5)):
        SERVER_SECONDS.clear()
        started = time.perf_counter()
        for _ in range(CALLS):
            if streamed:
                async for _event in engine.stream({"topic": "tea"}):
                    pass
            else:
                result = await engine.arun({"topic": "tea"})
                assert result.output["answer"] == {"summary": "Short.", "score": 3}
        rounds.append((time.perf_counter() - started - sum(SERVER_SECONDS)) / CALLS)
    return statistics.median(rounds)


async def main() -> None:
    instant = await per_call(engine_for(InstantProvider()), streamed=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    provider = OpenAIProvider("bench-key", base_url=url)
    http = await per_call(engine_for(provider), streamed=False)
    streamed = await per_call(engine_for(provider), streamed=True)
    server.shutdown()
    server.server_close()
    print(f"LLM Task, instant provider (engine overhead):      {instant * 1e3:6.3f} ms/call")
    print(f"LLM Task, OpenAI SDK over loopback, minus server:  {http * 1e3:6.3f} ms/call")
    print(f"LLM Task, streamed (SSE) to a listener, minus server: {streamed * 1e3:6.3f} ms/call")
    verdict = "met" if instant <= 1e-3 else "NOT met"
    print(f"target: engine overhead <= 1 ms per LLM call: {verdict}")


if __name__ == "__main__":
    asyncio.run(main())
