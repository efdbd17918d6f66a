"""Per-state agent settings: ``Model``, ``Generation``, ``Metadata``, ``Reasoning``, ``Audit``.

They are compiled once per state and delivered to each agent call through its
:class:`~asl.agents.base.AgentContext`. ``Model`` is also acted on: the call is
made with the preferred model (``context.model``); when it fails with an error
that ``FallbackOn`` lists (all errors when it is absent), the same call is made
again with the next ``Fallback`` model, and a ``ModelFallback`` event records
the switch. The last model's failure is the call's failure (Retry and Catch
then apply, and a retry starts again from the preferred model).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any, Final

from asl.agents.base import AgentContext
from asl.agents.settings import Generation
from asl.language.errors import ALL, TASK_FAILED, ASLError
from asl.language.payload import compile_payload
from asl.runtime.audit import Audit
from asl.runtime.flow import NO_CONTEXT, jsonata_template, payload_mode, plain, variables_of
from asl.runtime.reasoning import ReasoningBlock

SETTING_FIELDS: Final = ("Model", "Generation", "Metadata", "Reasoning", "Audit")

Invoke = Callable[[str | None], Awaitable[Any]]
Record = Callable[[dict[str, Any]], object]
Resolve = Callable[[Any, Any], Any]


class AgentSettings:
    __slots__ = (
        "audit",
        "context_mode",
        "fallback_on",
        "generation",
        "metadata",
        "models",
        "reasoning",
    )

    def __init__(self, raw: dict[str, Any], jsonata: bool) -> None:
        self.models, self.fallback_on = _models(raw.get("Model"))
        self.generation = _generation(raw.get("Generation"))
        self.metadata, self.context_mode = _metadata(raw, jsonata)
        reasoning = raw.get("Reasoning")
        self.reasoning = ReasoningBlock(reasoning) if isinstance(reasoning, dict) else None
        audit = raw.get("Audit")
        self.audit = Audit(audit) if isinstance(audit, dict) else None

    def resolve_metadata(self, data: Any, context: Any) -> dict[str, Any] | None:
        """``Metadata`` with its ``.$`` members (JSONata: its expressions) resolved."""
        if self.metadata is None:
            return None
        return self.metadata(data, context)  # type: ignore[no-any-return]

    def context(
        self,
        base: AgentContext,
        model: str | None,
        metadata: dict[str, Any] | None,
        *documents: Any,
    ) -> AgentContext:
        """``base`` with the settings filled in (``documents``: what the logger must mask)."""
        logger = base.logger
        if self.audit is not None:
            logger = self.audit.logger(logger, *documents)
        return dataclasses.replace(
            base,
            logger=logger,
            model=model,
            generation=self.generation,
            metadata=metadata,
            reasoning=self.reasoning.request if self.reasoning is not None else None,
            audit_level=self.audit.level if self.audit is not None else None,
        )

    async def call(self, invoke: Invoke, record: Record) -> Any:
        """``invoke(model)`` with the preferred model, then each fallback while allowed."""
        models = self.models
        for index, model in enumerate(models[:-1]):
            try:
                return await invoke(model)
            except Exception as error:
                name = error.error if isinstance(error, ASLError) else TASK_FAILED
                if not self.falls_back(name):
                    raise
                cause = error.cause if isinstance(error, ASLError) else str(error)
                record(
                    {
                        "from": model,
                        "to": models[index + 1],
                        "error": name,
                        "cause": cause or type(error).__name__,
                    }
                )
        return await invoke(models[-1])

    def falls_back(self, error: str) -> bool:
        """Whether ``FallbackOn`` names the error: exactly, or by the part after its prefix."""
        if self.fallback_on is None or ALL in self.fallback_on:
            return True
        short = error.rsplit(".", 1)[-1]
        return error in self.fallback_on or short in self.fallback_on


def agent_settings(raw: dict[str, Any], jsonata: bool) -> AgentSettings | None:
    """The settings of a state that has any of the blocks; None (nothing to pay) otherwise."""
    if any(isinstance(raw.get(name), dict | str) for name in SETTING_FIELDS):
        return AgentSettings(raw, jsonata)
    return None


def _metadata(raw: dict[str, Any], jsonata: bool) -> tuple[Resolve | None, int]:
    """``Metadata`` read from the state's input: a payload template, or a JSONata template."""
    if not isinstance(raw.get("Metadata"), dict):
        return None, NO_CONTEXT
    if jsonata:
        template, mode = jsonata_template(raw, "Metadata")
        assert template is not None
        evaluate = template.evaluate
        return (
            lambda data, context: evaluate(
                {"input": data, "context": plain(context)}, variables_of(context)
            )
        ), mode
    payload = compile_payload(raw["Metadata"])
    return payload.evaluate, payload_mode(payload)


def _models(raw: Any) -> tuple[tuple[str | None, ...], frozenset[str] | None]:
    """(preferred, *fallbacks) and the errors that fall back (None: every error)."""
    if isinstance(raw, str):
        return (raw,), None
    if not isinstance(raw, dict):
        return (None,), None
    fallback = raw.get("Fallback")
    fallbacks = [fallback] if isinstance(fallback, str) else list(fallback or [])
    on = raw.get("FallbackOn")
    return (raw.get("Preferred"), *fallbacks), frozenset(on) if isinstance(on, list) else None


def _generation(raw: Any) -> Generation | None:
    if not isinstance(raw, dict):
        return None
    return Generation(
        temperature=raw.get("Temperature"),
        top_p=raw.get("TopP"),
        max_tokens=raw.get("MaxTokens"),
        stop_sequences=tuple(raw.get("StopSequences") or ()),
    )
