"""A scripted model server on loopback that answers in the vendors' real wire formats.

Each test queues the replies it wants (JSON bodies, SSE event streams, error statuses,
malformed bytes); the official SDKs then talk to it over real HTTP, so what is tested
is the request the SDK really sends and the parsing of what a vendor really returns.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One scripted answer: a JSON body, raw bytes, or a list of SSE (event, data) pairs."""

    status: int = 200
    body: Any = None
    raw: bytes | None = None
    events: list[tuple[str | None, Any]] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (a slow model)


@dataclass
class Seen:
    """A request the server received."""

    path: str
    headers: dict[str, str]
    body: Any


class ModelServer:
    """``with ModelServer() as server:`` serves queued replies on 127.0.0.1:random port."""

    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.requests: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"null")
                headers = {k.lower(): v for k, v in self.headers.items()}
                server.requests.append(Seen(self.path, headers, body))
                reply = server.replies.popleft() if server.replies else Reply(500, {"error": "x"})
                time.sleep(reply.delay)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.events is not None:
                    self.send_header("content-type", "text/event-stream")
                    self.end_headers()
                    for event, data in reply.events:
                        head = f"event: {event}\n" if event else ""
                        payload = data if isinstance(data, str) else json.dumps(data)
                        self.wfile.write(f"{head}data: {payload}\n\n".encode())
                        self.wfile.flush()
                    return
                data = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}"

    def __enter__(self) -> ModelServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._http.shutdown()
        self._http.server_close()
        self._thread.join()

    def queue(self, *replies: Reply) -> None:
        self.replies.extend(replies)


# --- Anthropic Messages API -------------------------------------------------------------


def anthropic_message(
    text: str = "",
    tool_uses: list[tuple[str, str, dict[str, Any]]] = (),  # type: ignore[assignment]
    input_tokens: int = 10,
    output_tokens: int = 5,
    stop_reason: str = "end_turn",
) -> dict[str, Any]:
    content: list[dict[str, Any]] = [{"type": "text", "text": text}] if text else []
    for call_id, name, arguments in tool_uses:
        content.append({"type": "tool_use", "id": call_id, "name": name, "input": arguments})
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-test",
        "content": content,
        "stop_reason": "tool_use" if tool_uses else stop_reason,
        "stop_sequence": None,
        "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
    }


def anthropic_stream(
    pieces: list[str],
    tool_use: tuple[str, str, list[str]] | None = None,
    input_tokens: int = 10,
    output_tokens: int = 5,
) -> list[tuple[str | None, Any]]:
    """Text deltas, then optionally one tool_use block whose input arrives in JSON pieces."""
    start = anthropic_message(input_tokens=input_tokens, output_tokens=1)
    start["stop_reason"] = None
    events: list[tuple[str | None, Any]] = [
        ("message_start", {"type": "message_start", "message": start})
    ]
    events.append(
        (
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
        )
    )
    for piece in pieces:
        delta = {"type": "text_delta", "text": piece}
        events.append(
            ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta})
        )
    events.append(("content_block_stop", {"type": "content_block_stop", "index": 0}))
    if tool_use is not None:
        call_id, name, json_pieces = tool_use
        block = {"type": "tool_use", "id": call_id, "name": name, "input": {}}
        events.append(
            (
                "content_block_start",
                {"type": "content_block_start", "index": 1, "content_block": block},
            )
        )
        for piece in json_pieces:
            delta = {"type": "input_json_delta", "partial_json": piece}
            events.append(
                ("content_block_delta", {"type": "content_block_delta", "index": 1, "delta": delta})
            )
        events.append(("content_block_stop", {"type": "content_block_stop", "index": 1}))
    events.append(
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {
                    "stop_reason": "tool_use" if tool_use else "end_turn",
                    "stop_sequence": None,
                },
                "usage": {"output_tokens": output_tokens},
            },
        )
    )
    events.append(("message_stop", {"type": "message_stop"}))
    return events


def anthropic_error(status: int, kind: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": message}}


# --- OpenAI Chat Completions -------------------------------------------------------------


def openai_completion(
    text: str | None = None,
    tool_calls: list[tuple[str, str, dict[str, Any]]] = (),  # type: ignore[assignment]
    prompt_tokens: int = 12,
    completion_tokens: int = 7,
    cached_tokens: int = 0,
) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if tool_calls:
        message["tool_calls"] = [
            {
                "id": call_id,
                "type": "function",
                "function": {"name": name, "arguments": json.dumps(arguments)},
            }
            for call_id, name, arguments in tool_calls
        ]
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": "gpt-test",
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if tool_calls else "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": cached_tokens},
        },
    }


def _chunk(delta: dict[str, Any], finish: str | None = None, usage: Any = None) -> dict[str, Any]:
    choices = [] if usage is not None else [{"index": 0, "delta": delta, "finish_reason": finish}]
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1_700_000_000,
        "model": "gpt-test",
        "choices": choices,
        "usage": usage,
    }


def openai_stream(
    pieces: list[str],
    tool_call: tuple[str, str, list[str]] | None = None,
    prompt_tokens: int = 12,
    completion_tokens: int = 7,
) -> list[tuple[str | None, Any]]:
    """Content deltas (or one tool call with its arguments in pieces), usage, then [DONE]."""
    events: list[tuple[str | None, Any]] = [(None, _chunk({"role": "assistant", "content": ""}))]
    for piece in pieces:
        events.append((None, _chunk({"content": piece})))
    if tool_call is not None:
        call_id, name, argument_pieces = tool_call
        first = {
            "index": 0,
            "id": call_id,
            "type": "function",
            "function": {"name": name, "arguments": ""},
        }
        events.append((None, _chunk({"tool_calls": [first]})))
        for piece in argument_pieces:
            events.append(
                (None, _chunk({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}))
            )
    events.append((None, _chunk({}, "tool_calls" if tool_call else "stop")))
    usage = {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }
    events.append((None, _chunk({}, usage=usage)))
    events.append((None, "[DONE]"))
    return events


# --- OpenAI Responses API ----------------------------------------------------------------


def openai_response(
    text: str | None = None,
    function_calls: list[tuple[str, str, dict[str, Any]]] = (),  # type: ignore[assignment]
    input_tokens: int = 15,
    output_tokens: int = 6,
) -> dict[str, Any]:
    output: list[dict[str, Any]] = []
    if text is not None:
        output.append(
            {
                "type": "message",
                "id": "msg_1",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": text, "annotations": []}],
            }
        )
    for call_id, name, arguments in function_calls:
        output.append(
            {
                "type": "function_call",
                "id": f"fc_{call_id}",
                "call_id": call_id,
                "name": name,
                "arguments": json.dumps(arguments),
                "status": "completed",
            }
        )
    return {
        "id": "resp_1",
        "object": "response",
        "created_at": 1_700_000_000,
        "status": "completed",
        "model": "gpt-test",
        "output": output,
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": {
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "total_tokens": input_tokens + output_tokens,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens_details": {"reasoning_tokens": 0},
        },
    }


def openai_response_stream(pieces: list[str]) -> list[tuple[str | None, Any]]:
    """Text deltas, then response.completed carrying the whole response."""
    events: list[tuple[str | None, Any]] = []
    for number, piece in enumerate(pieces):
        delta = {
            "type": "response.output_text.delta",
            "item_id": "msg_1",
            "output_index": 0,
            "content_index": 0,
            "delta": piece,
            "sequence_number": number,
            "logprobs": [],
        }
        events.append(("response.output_text.delta", delta))
    done = {
        "type": "response.completed",
        "sequence_number": len(pieces),
        "response": openai_response("".join(pieces)),
    }
    events.append(("response.completed", done))
    return events
