"""One side of a Guardrails block: ``Input`` (the agent's parameters) or ``Output`` (its result).

The rules run in document order, each on the value the previous one let
through (so a ``mask`` rule hides an email before a later rule looks). A
rule whose Action is ``block`` or ``retry`` stops the check. Then the side's
``Validator`` agent, if it has one, judges the value, unless an agent rule
already asked it (it is asked once per check). A rejection by the Validator
counts as ``retry`` on the Output side and ``block`` on the Input side.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from asl.language.errors import ASLError

from .rules import BLOCK, RETRY, AgentRule, Check, Judge, Trigger, compile_rule, judgement

GUARDRAIL_VIOLATION: Final = "Agent.GuardrailViolation"
DEFAULT_MAX_RETRIES: Final = 1


class GuardrailSide:
    """``Guardrails.Input`` or ``Guardrails.Output``, compiled once."""

    def __init__(self, raw: dict[str, Any], direction: str) -> None:
        self.direction = direction  # "Input" or "Output"
        rules = raw.get("Rules") or []
        self.rules = [compile_rule(rule, index) for index, rule in enumerate(rules)]
        self.validator: str | None = raw.get("Validator")
        self.max_retries: int = (
            raw.get("MaxRetries", DEFAULT_MAX_RETRIES) if direction == "Output" else 0
        )
        self._validator_in_rules = self.validator is not None and any(
            isinstance(rule, AgentRule) and rule.agent is None for rule in self.rules
        )

    async def check(
        self, value: Any, state: str, judge: Judge, triggered: Callable[[Trigger], None]
    ) -> tuple[Any, Trigger | None]:
        """The value let through, and the trigger that stopped it (None: it passed)."""
        context = Check(state, self.direction.lower(), judge, self.validator)
        for rule in self.rules:
            value, trigger = await rule.check(value, context)
            if trigger is None:
                continue
            triggered(trigger)
            if trigger.stops:
                return value, trigger
        if self.validator is None or self._validator_in_rules:
            return value, None
        payload = {"content": value, "direction": context.direction, "state": state}
        valid, reason = judgement(self.validator, await judge(self.validator, payload))
        if valid:
            return value, None
        action = RETRY if self.direction == "Output" else BLOCK
        trigger = Trigger(None, "validator", action, f"'{self.validator}' rejected it{reason}")
        triggered(trigger)
        return value, trigger

    def violation(self, state: str, trigger: Trigger, regenerations: int) -> ASLError:
        """``Agent.GuardrailViolation``, naming the state, the side and the rule."""
        what = "input" if self.direction == "Input" else "agent's output"
        after = ""
        if regenerations:
            plural = "s" if regenerations > 1 else ""
            after = f" (after {regenerations} regeneration{plural})"
        return ASLError(
            GUARDRAIL_VIOLATION,
            f"The {self.direction} guardrail of state '{state}' stopped the {what}: "
            f"{trigger.describe()}{after}",
        )
