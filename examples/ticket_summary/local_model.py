"""A stand-in model server that speaks the OpenAI Chat Completions wire format.

It lets the example run without an API key or network: it answers every request with
a JSON ticket summary computed by simple rules (the first sentence, keywords for the
sentiment), in the shape the agent's ``output_schema`` asks for, streamed when the
client asks for a stream.  Point the agent at a real model by unsetting
``OPENAI_BASE_URL`` and setting your own ``OPENAI_API_KEY``.

    python -m examples.ticket_summary.local_model --port 8765
"""

from __future__ import annotations

import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

NEGATIVE_WORDS = ("broken", "refund", "angry", "again", "crash", "late")


def answer(prompt: str) -> dict[str, Any]:
    """The summary a careful model would give, by rules: first sentence and keywords."""
    text = prompt.split("\n", 1)[-1].strip()
    first = text.split(". ")[0].rstrip(".")
    negative = any(word in text.lower() for word in NEGATIVE_WORDS)
    return {"summary": first + ".", "sentiment": "negative" if negative else "positive"}


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers["content-length"])))
        content = json.dumps(answer(request["messages"][-1]["content"]))
        usage = {"prompt_tokens": 40, "completion_tokens": 12, "total_tokens": 52}
        if request.get("stream"):
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.end_headers()
            pieces = [content[i : i + 16] for i in range(0, len(content), 16)]
            chunks = [{"content": piece} for piece in pieces]
            for delta in chunks:
                self._event(_chunk([{"index": 0, "delta": delta, "finish_reason": None}]))
            self._event(_chunk([{"index": 0, "delta": {}, "finish_reason": "stop"}]))
            self._event(_chunk([], usage))
            self.wfile.write(b"data: [DONE]\n\n")
            return
        body = json.dumps(
            {
                "id": "chatcmpl-local",
                "object": "chat.completion",
                "created": 0,
                "model": request["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": usage,
            }
        ).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _event(self, data: dict[str, Any]) -> None:
        self.wfile.write(f"data: {json.dumps(data)}\n\n".encode())

    def log_message(self, *args: Any) -> None:
        pass


def _chunk(choices: list[dict[str, Any]], usage: Any = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-local",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "local",
        "choices": choices,
        "usage": usage,
    }


def start(port: int = 0) -> ThreadingHTTPServer:
    """Serve on 127.0.0.1 in a background thread; ``server_address[1]`` is the port."""
    server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8765)
    port = parser.parse_args().port
    print(f"OpenAI-compatible stand-in on http://127.0.0.1:{port}/v1 (Ctrl-C stops it)")
    ThreadingHTTPServer(("127.0.0.1", port), _Handler).serve_forever()
