"""OpenAI's Responses API through the official ``openai`` SDK (extra ``[openai]``).

The conversation becomes Responses input items: user and assistant messages, the
model's ``function_call`` items and our ``function_call_output`` items.  Structured
output is ``text.format`` with a JSON schema.  A streamed reply hands each
``response.output_text.delta`` to the listener and is read from the final
``response.completed`` event, which carries the whole response.  The Responses API
has no stop sequences: ``StopSequences`` is not sent.
"""

from __future__ import annotations

import json
from typing import Any

from asl.agents.llm.errors import map_provider_error
from asl.agents.llm.messages import ModelReply, ModelRequest, ToolCall
from asl.agents.llm.openai_provider import OpenAIProvider


class ResponsesProvider(OpenAIProvider):
    """Calls ``POST {base_url}/responses``; ``store`` is off (nothing kept server-side)."""

    name = "openai"

    async def complete(self, request: ModelRequest) -> ModelReply:
        arguments = _arguments(request)
        try:
            if request.on_text is None:
                return _reply(await self._client.responses.create(**arguments))
            stream = await self._client.responses.create(**arguments, stream=True)
            final: Any = None
            async for event in stream:
                if event.type == "response.output_text.delta":
                    request.on_text(event.delta)
                elif event.type == "response.completed":
                    final = event.response
            if final is None:
                raise ValueError("the stream ended without response.completed")
            return _reply(final)
        except Exception as error:  # every SDK or decoding failure gets an ASL name
            raise map_provider_error(self.name, error, self._key) from None


def _arguments(request: ModelRequest) -> dict[str, Any]:
    generation = request.generation
    arguments: dict[str, Any] = {
        "model": request.model,
        "input": _items(request.messages),
        "store": False,
    }
    if request.system:
        arguments["instructions"] = request.system
    if generation.temperature is not None:
        arguments["temperature"] = generation.temperature
    if generation.top_p is not None:
        arguments["top_p"] = generation.top_p
    if generation.max_tokens is not None:
        arguments["max_output_tokens"] = generation.max_tokens
    if request.tools:
        arguments["tools"] = [
            {
                "type": "function",
                "name": spec["name"],
                "description": spec.get("description") or "",
                "parameters": spec.get("input_schema") or {"type": "object"},
                "strict": False,
            }
            for spec in request.tools
        ]
    if request.output_schema is not None:
        arguments["text"] = {
            "format": {
                "type": "json_schema",
                "name": "answer",
                "schema": request.output_schema,
                "strict": False,
            }
        }
    return arguments


def _items(conversation: list[dict[str, Any]]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for message in conversation:
        role = message["role"]
        if role == "user":
            items.append({"role": "user", "content": message["content"]})
        elif role == "assistant":
            if message.get("content"):
                items.append({"role": "assistant", "content": message["content"]})
            for call in message.get("tool_calls", ()):
                items.append(
                    {
                        "type": "function_call",
                        "call_id": call.id,
                        "name": call.name,
                        "arguments": json.dumps(call.arguments),
                    }
                )
        else:
            items.append(
                {
                    "type": "function_call_output",
                    "call_id": message["tool_call_id"],
                    "output": message["content"],
                }
            )
    return items


def _reply(response: Any) -> ModelReply:
    reply = ModelReply(stop_reason=response.status)
    texts: list[str] = []
    for item in response.output:
        if item.type == "message":
            texts.extend(part.text for part in item.content if part.type == "output_text")
        elif item.type == "function_call":
            arguments = json.loads(item.arguments) if item.arguments else {}
            reply.tool_calls.append(ToolCall(item.call_id, item.name, arguments))
    reply.text = "".join(texts)
    usage = response.usage
    if usage is not None:
        reply.input_tokens = usage.input_tokens or 0
        reply.output_tokens = usage.output_tokens or 0
        details = getattr(usage, "input_tokens_details", None)
        reply.cache_read_tokens = (getattr(details, "cached_tokens", None) or 0) if details else 0
    return reply
