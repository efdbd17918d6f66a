"""The LLM agent: a Task's parameters in, a model's (checked) answer out.

One :meth:`LLMAgent.execute` is a small loop around the provider:

1. the system and user prompts are rendered from the parameters;
2. the model is called with the state's tools (``context.tools``); each tool it asks
   for runs through the governed ``context.call_tool`` and the results go back to it,
   for at most ``max_tool_iterations`` rounds (then ``Agent.ToolError``);
3. with an output schema the answer is parsed and validated; a non-conforming answer
   is sent back with the reason, at most ``max_output_retries`` times (then
   ``Agent.InvalidOutput``);
4. the tokens of every call are summed into one :class:`~asl.agents.base.Usage`.

A tool call that fails (denied, invalid arguments, the tool raised) is reported to
the model as an error result, so it can correct itself; the failure is still in the
history, recorded by the toolbox.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from asl.agents.base import AgentContext, AgentResult, Usage
from asl.agents.llm.errors import INVALID_OUTPUT, TOOL_ERROR
from asl.agents.llm.messages import ModelReply, ModelRequest, Provider, ToolCall
from asl.agents.llm.prompts import PromptTemplate, default_prompt
from asl.agents.llm.structured import OutputSchema, parse_answer
from asl.agents.settings import Generation
from asl.language.errors import AgentError, ASLError


@dataclass(frozen=True, slots=True)
class LLMSettings:
    """How one configured LLM agent behaves (the ``agents.yaml`` fields, typed)."""

    model: str
    system: PromptTemplate | None = None
    prompt: PromptTemplate | None = None
    generation: Generation = field(default_factory=Generation)
    output_schema: OutputSchema | None = None
    # None: every tool the state allows; otherwise only these names.
    tools: tuple[str, ...] | None = None
    max_tool_iterations: int = 10
    max_output_retries: int = 2
    # "auto": stream when someone listens to the state's chunks; "always" / "never".
    stream: str = "auto"


class LLMAgent:
    """An agent answered by a language model through a :class:`Provider`."""

    def __init__(self, provider: Provider, settings: LLMSettings) -> None:
        self.provider = provider
        self.settings = settings

    async def execute(self, parameters: Any, context: AgentContext | None = None) -> AgentResult:
        settings = self.settings
        parameters = with_fitted_context(parameters, context)
        request = ModelRequest(
            model=(context.model if context is not None else None) or settings.model,
            system=settings.system.render(parameters) if settings.system else None,
            messages=[{"role": "user", "content": self._prompt(parameters)}],
            generation=_merge(settings.generation, context.generation if context else None),
            tools=self._tools(context),
            output_schema=settings.output_schema.schema if settings.output_schema else None,
            on_text=self._stream_to(context),
        )
        usage = [0, 0, 0, 0]
        reply = await self._call(request, usage)
        rounds = 0
        while reply.tool_calls and reply.structured is None:
            rounds += 1
            if rounds > settings.max_tool_iterations:
                raise AgentError(
                    TOOL_ERROR,
                    f"The model still asked for tools after {settings.max_tool_iterations} "
                    "rounds (max_tool_iterations); raise it or simplify the task",
                )
            if context is None:  # nothing was offered, yet the model asks for a tool
                raise AgentError(
                    TOOL_ERROR,
                    f"The model asked for tool '{reply.tool_calls[0].name}' but no "
                    "tools were offered (the agent was called without a context)",
                )
            request.messages.append(
                {"role": "assistant", "content": reply.text, "tool_calls": reply.tool_calls}
            )
            for call in reply.tool_calls:
                request.messages.append(await _run_tool(context, call))
            reply = await self._call(request, usage)
        output = self._output(reply)
        retries = 0
        while isinstance(output, _Rejected):
            if retries >= settings.max_output_retries:
                raise AgentError(
                    INVALID_OUTPUT,
                    f"The model's answer does not match the output schema after "
                    f"{retries + 1} attempt(s): {output.reason}",
                )
            retries += 1
            request.messages.append({"role": "assistant", "content": output.text})
            request.messages.append(
                {
                    "role": "user",
                    "content": f"Your answer was rejected: {output.reason}. Reply again with "
                    "only a JSON value that matches the schema.",
                }
            )
            output = self._output(await self._call(request, usage))
        return AgentResult(
            output,
            Usage(
                input_tokens=usage[0],
                output_tokens=usage[1],
                model=request.model,
                cache_read_tokens=usage[2],
                cache_write_tokens=usage[3],
                provider=self.provider.name,
            ),
        )

    async def _call(self, request: ModelRequest, usage: list[int]) -> ModelReply:
        reply = await self.provider.complete(request)
        usage[0] += reply.input_tokens
        usage[1] += reply.output_tokens
        usage[2] += reply.cache_read_tokens
        usage[3] += reply.cache_write_tokens
        return reply

    def _prompt(self, parameters: Any) -> str:
        prompt = self.settings.prompt
        return prompt.render(parameters) if prompt is not None else default_prompt(parameters)

    def _tools(self, context: AgentContext | None) -> list[dict[str, Any]]:
        if context is None:
            return []
        allowed = self.settings.tools
        specs = context.tools
        return specs if allowed is None else [s for s in specs if s["name"] in allowed]

    def _stream_to(self, context: AgentContext | None) -> Any:
        mode = self.settings.stream
        if context is None or mode == "never" or (mode == "auto" and not context.streaming):
            return None
        return context.emit

    def _output(self, reply: ModelReply) -> Any:
        schema = self.settings.output_schema
        if schema is None:
            return reply.text
        if reply.structured is not None:
            value, text = reply.structured, json.dumps(reply.structured)
        else:
            value, reason = parse_answer(reply.text)
            if reason is not None:
                return _Rejected(reply.text, reason)
            text = reply.text
        reason = schema.problem(value)
        return value if reason is None else _Rejected(text, reason)


@dataclass(frozen=True, slots=True)
class _Rejected:
    """An answer that failed the output schema, and why."""

    text: str
    reason: str


async def _run_tool(context: AgentContext, call: ToolCall) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "tool", "tool_call_id": call.id, "name": call.name}
    try:
        result = await context.call_tool(call.name, call.arguments)
    except ASLError as error:
        message["content"] = json.dumps({"Error": error.error, "Cause": error.cause})
        message["is_error"] = True
        return message
    message["content"] = result if isinstance(result, str) else json.dumps(result, default=str)
    message["is_error"] = False
    return message


def _merge(configured: Generation, state: Generation | None) -> Generation:
    """The state's Generation block wins field by field over the agent's configuration."""
    if state is None:
        return configured
    return replace(
        configured,
        temperature=state.temperature if state.temperature is not None else configured.temperature,
        top_p=state.top_p if state.top_p is not None else configured.top_p,
        max_tokens=state.max_tokens if state.max_tokens is not None else configured.max_tokens,
        stop_sequences=state.stop_sequences or configured.stop_sequences,
    )


def with_fitted_context(parameters: Any, context: AgentContext | None) -> Any:
    """The parameters plus ``context``: what the state's Context block kept of its input.

    Templates read it as ``{{ context.history }}``; without a template the model sees
    it with the parameters. A parameter named ``context`` wins; a state without a
    Context block changes nothing.
    """
    fitted = context.context if context is not None else None
    if fitted is None or not isinstance(parameters, dict) or "context" in parameters:
        return parameters
    return {**parameters, "context": fitted.data}
