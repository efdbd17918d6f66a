"""Anthropic's Messages API through the official ``anthropic`` SDK (extra ``[anthropic]``).

Structured output uses the tool mechanism: the schema becomes the input schema of a
tool named ``final_answer``, which the model is made to call when it has no other
tools (and may call when it has); its input is the answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Final

from asl.agents.llm.errors import map_provider_error
from asl.agents.llm.messages import ModelReply, ModelRequest, ToolCall

STRUCTURED_TOOL: Final = "final_answer"
# Anthropic requires max_tokens; this applies when neither Generation nor the config sets it.
DEFAULT_MAX_TOKENS: Final = 4096


class AnthropicProvider:
    """Calls ``POST {base_url}/v1/messages``, streamed (SSE) when the request wants text deltas."""

    name = "anthropic"

    def __init__(
        self,
        api_key: str,
        base_url: str | None = None,
        timeout: float | None = None,
        max_retries: int = 0,
    ) -> None:
        try:
            import anthropic
        except ImportError:  # the optional extra is missing
            raise ImportError(
                "the anthropic provider needs the SDK: "
                "pip install 'agent-state-language[anthropic]'"
            ) from None
        self._key = api_key
        self._client = anthropic.AsyncAnthropic(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout if timeout is not None else 600.0,
            max_retries=max_retries,
        )

    def __repr__(self) -> str:  # never show the key
        return f"AnthropicProvider(base_url={str(self._client.base_url)!r})"

    async def complete(self, request: ModelRequest) -> ModelReply:
        arguments = _arguments(request)
        try:
            if request.on_text is None:
                message = await self._client.messages.create(**arguments)
                return _reply(message)
            stream = await self._client.messages.create(**arguments, stream=True)
            return await _read_stream(stream, request.on_text)
        except Exception as error:  # every SDK or decoding failure gets an ASL name
            raise map_provider_error(self.name, error, self._key) from None


def _arguments(request: ModelRequest) -> dict[str, Any]:
    generation = request.generation
    arguments: dict[str, Any] = {
        "model": request.model,
        "max_tokens": generation.max_tokens or DEFAULT_MAX_TOKENS,
        "messages": _messages(request.messages),
    }
    if request.system:
        arguments["system"] = request.system
    # SDK 2.x has no keyword for the sampling fields; the Messages API still takes them.
    sampling = {"temperature": generation.temperature, "top_p": generation.top_p}
    extra = {name: value for name, value in sampling.items() if value is not None}
    if extra:
        arguments["extra_body"] = extra
    if generation.stop_sequences:
        arguments["stop_sequences"] = list(generation.stop_sequences)
    tools = [_tool(spec) for spec in request.tools]
    if request.output_schema is not None:
        tools.append(
            {
                "name": STRUCTURED_TOOL,
                "description": "Give the final answer; its input is the answer.",
                "input_schema": request.output_schema,
            }
        )
        if len(tools) == 1:
            arguments["tool_choice"] = {"type": "tool", "name": STRUCTURED_TOOL}
    if tools:
        arguments["tools"] = tools
    return arguments


def _tool(spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": spec["name"],
        "description": spec.get("description") or "",
        "input_schema": spec.get("input_schema") or {"type": "object"},
    }


def _messages(conversation: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The neutral conversation as Anthropic messages: tool results go in a user turn."""
    messages: list[dict[str, Any]] = []
    for message in conversation:
        role = message["role"]
        if role == "user":
            messages.append({"role": "user", "content": message["content"]})
        elif role == "assistant":
            blocks: list[dict[str, Any]] = []
            if message.get("content"):
                blocks.append({"type": "text", "text": message["content"]})
            for call in message.get("tool_calls", ()):
                blocks.append(
                    {"type": "tool_use", "id": call.id, "name": call.name, "input": call.arguments}
                )
            messages.append({"role": "assistant", "content": blocks})
        else:
            result = {
                "type": "tool_result",
                "tool_use_id": message["tool_call_id"],
                "content": message["content"],
                "is_error": message.get("is_error", False),
            }
            previous = messages[-1] if messages else None
            if previous and previous["role"] == "user" and isinstance(previous["content"], list):
                previous["content"].append(result)
            else:
                messages.append({"role": "user", "content": [result]})
    return messages


def _reply(message: Any) -> ModelReply:
    reply = ModelReply(stop_reason=message.stop_reason)
    texts: list[str] = []
    for block in message.content:
        if block.type == "text":
            texts.append(block.text)
        elif block.type == "tool_use":
            _add_call(reply, block.id, block.name, dict(block.input or {}))
    reply.text = "".join(texts)
    _usage(reply, message.usage)
    return reply


def _add_call(reply: ModelReply, call_id: str, name: str, arguments: dict[str, Any]) -> None:
    if name == STRUCTURED_TOOL:
        reply.structured = arguments
    else:
        reply.tool_calls.append(ToolCall(call_id, name, arguments))


def _usage(reply: ModelReply, usage: Any) -> None:
    if usage is None:
        return
    reply.input_tokens = getattr(usage, "input_tokens", None) or reply.input_tokens
    reply.output_tokens = getattr(usage, "output_tokens", None) or reply.output_tokens
    reply.cache_read_tokens = getattr(usage, "cache_read_input_tokens", None) or 0
    reply.cache_write_tokens = getattr(usage, "cache_creation_input_tokens", None) or 0


async def _read_stream(stream: Any, on_text: Callable[[str], None]) -> ModelReply:
    """Fold the SSE events into a reply, handing each text delta to ``on_text``."""
    reply = ModelReply()
    texts: list[str] = []
    # Per content block index: [kind, id, name, text or partial JSON pieces].
    blocks: dict[int, list[Any]] = {}
    async for event in stream:
        kind = event.type
        if kind == "content_block_delta":
            delta = event.delta
            if delta.type == "text_delta":
                texts.append(delta.text)
                on_text(delta.text)
            elif delta.type == "input_json_delta":
                blocks[event.index][3].append(delta.partial_json)
        elif kind == "content_block_start":
            block = event.content_block
            blocks[event.index] = [block.type, getattr(block, "id", ""), getattr(block, "name", "")]
            blocks[event.index].append([])
        elif kind == "message_start":
            _usage(reply, event.message.usage)
        elif kind == "message_delta":
            reply.stop_reason = event.delta.stop_reason
            reply.output_tokens = event.usage.output_tokens or reply.output_tokens
    for block_kind, call_id, name, pieces in blocks.values():
        if block_kind == "tool_use":
            raw = "".join(pieces)
            _add_call(reply, call_id, name, json.loads(raw) if raw else {})
    reply.text = "".join(texts)
    return reply
