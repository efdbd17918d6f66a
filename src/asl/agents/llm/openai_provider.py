"""OpenAI's Chat Completions API through the official ``openai`` SDK (extra ``[openai]``).

With ``base_url`` the same client talks to any OpenAI-compatible server (Ollama,
vLLM, LM Studio).  Structured output uses ``response_format`` with a JSON schema
(``strict`` off, so any schema is accepted; the agent validates the answer itself).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from asl.agents.llm.errors import map_provider_error
from asl.agents.llm.messages import ModelReply, ModelRequest, ToolCall


class OpenAIProvider:
    """Calls ``POST {base_url}/chat/completions``, streamed when the request wants deltas."""

    name = "openai"

    def __init__(
        self,
        api_key: str,
        base_url: str | None = None,
        timeout: float | None = None,
        max_retries: int = 0,
        name: str = "openai",
    ) -> None:
        try:
            import openai
        except ImportError:  # the optional extra is missing
            raise ImportError(
                "the openai provider needs the SDK: pip install 'agent-state-language[openai]'"
            ) from None
        self.name = name
        self._key = api_key
        self._client = openai.AsyncOpenAI(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout if timeout is not None else 600.0,
            max_retries=max_retries,
        )

    def __repr__(self) -> str:  # never show the key
        return f"OpenAIProvider(base_url={str(self._client.base_url)!r})"

    async def complete(self, request: ModelRequest) -> ModelReply:
        arguments = _arguments(request)
        try:
            if request.on_text is None:
                completion = await self._client.chat.completions.create(**arguments)
                return _reply(completion)
            stream = await self._client.chat.completions.create(
                **arguments, stream=True, stream_options={"include_usage": True}
            )
            return await _read_stream(stream, request.on_text)
        except Exception as error:  # every SDK or decoding failure gets an ASL name
            raise map_provider_error(self.name, error, self._key) from None


def _arguments(request: ModelRequest) -> dict[str, Any]:
    generation = request.generation
    messages: list[dict[str, Any]] = []
    if request.system:
        messages.append({"role": "system", "content": request.system})
    messages.extend(_message(message) for message in request.messages)
    arguments: dict[str, Any] = {"model": request.model, "messages": messages}
    if generation.temperature is not None:
        arguments["temperature"] = generation.temperature
    if generation.top_p is not None:
        arguments["top_p"] = generation.top_p
    if generation.max_tokens is not None:
        arguments["max_tokens"] = generation.max_tokens
    if generation.stop_sequences:
        arguments["stop"] = list(generation.stop_sequences)
    if request.tools:
        arguments["tools"] = [
            {
                "type": "function",
                "function": {
                    "name": spec["name"],
                    "description": spec.get("description") or "",
                    "parameters": spec.get("input_schema") or {"type": "object"},
                },
            }
            for spec in request.tools
        ]
    if request.output_schema is not None:
        arguments["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": "answer", "schema": request.output_schema, "strict": False},
        }
    return arguments


def _message(message: dict[str, Any]) -> dict[str, Any]:
    role = message["role"]
    if role == "user":
        return {"role": "user", "content": message["content"]}
    if role == "assistant":
        out: dict[str, Any] = {"role": "assistant", "content": message.get("content") or None}
        calls = message.get("tool_calls")
        if calls:
            out["tool_calls"] = [
                {
                    "id": call.id,
                    "type": "function",
                    "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
                }
                for call in calls
            ]
        return out
    return {"role": "tool", "tool_call_id": message["tool_call_id"], "content": message["content"]}


def _reply(completion: Any) -> ModelReply:
    choice = completion.choices[0]
    message = choice.message
    reply = ModelReply(text=message.content or "", stop_reason=choice.finish_reason)
    for call in message.tool_calls or ():
        reply.tool_calls.append(
            ToolCall(call.id, call.function.name, _arguments_of(call.function.arguments))
        )
    _usage(reply, completion.usage)
    return reply


def _arguments_of(raw: str | None) -> dict[str, Any]:
    value = json.loads(raw) if raw else {}
    if not isinstance(value, dict):
        raise ValueError(f"tool arguments must be a JSON object, got {raw!r}")
    return value


def _usage(reply: ModelReply, usage: Any) -> None:
    if usage is None:
        return
    reply.input_tokens = usage.prompt_tokens or 0
    reply.output_tokens = usage.completion_tokens or 0
    details = getattr(usage, "prompt_tokens_details", None)
    reply.cache_read_tokens = (getattr(details, "cached_tokens", None) or 0) if details else 0


async def _read_stream(stream: Any, on_text: Callable[[str], None]) -> ModelReply:
    """Fold the streamed chunks into a reply, handing each text delta to ``on_text``."""
    reply = ModelReply()
    texts: list[str] = []
    # Per tool call index: [id, name, argument pieces].
    calls: dict[int, list[Any]] = {}
    async for chunk in stream:
        if chunk.usage is not None:
            _usage(reply, chunk.usage)
        for choice in chunk.choices:
            delta = choice.delta
            if delta.content:
                texts.append(delta.content)
                on_text(delta.content)
            for piece in delta.tool_calls or ():
                call = calls.setdefault(piece.index, ["", "", []])
                if piece.id:
                    call[0] = piece.id
                function = piece.function
                if function is not None:
                    if function.name:
                        call[1] += function.name
                    if function.arguments:
                        call[2].append(function.arguments)
            if choice.finish_reason:
                reply.stop_reason = choice.finish_reason
    for call_id, name, pieces in calls.values():
        reply.tool_calls.append(ToolCall(call_id, name, _arguments_of("".join(pieces))))
    reply.text = "".join(texts)
    return reply
