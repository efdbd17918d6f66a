"""Guardrail rules: what each rule Type finds in a value, and what its Action does to it.

A rule checks one JSON value (a Task's effective input, or its agent's result).
Text rules (``pattern``, ``regex``, ``pii``) look inside every string of the
value, at any depth; ``length`` measures the value as text; ``schema`` checks
its structure; ``semantic`` and ``custom`` ask a validator agent. A rule that
finds something gives a :class:`Trigger`; its ``Action`` says what happens:

* ``redact`` replaces each match with ``[REDACTED]``; ``mask`` replaces it with a
  placeholder (``[EMAIL]``, ``[CARD]`` ... for personal data, ``*`` per character
  otherwise); both let the (changed) value through;
* ``warn`` and ``flag`` let it through unchanged (``flag`` also sets
  ``"flagged": true`` on an object value, so a Choice can route on it);
* ``block`` stops it; ``retry`` asks the agent for a new output.

Triggers never quote the content they found (it may be the secret itself),
only the rule and what kind of thing matched.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Final

from jsonschema import Draft202012Validator

from asl.language.errors import TASK_FAILED, ASLError

from .pii import DESCRIPTIONS, KINDS, detect

BLOCK: Final = "block"
REDACT: Final = "redact"
MASK: Final = "mask"
WARN: Final = "warn"
FLAG: Final = "flag"
RETRY: Final = "retry"

ACTIONS: Final = (BLOCK, REDACT, MASK, WARN, FLAG, RETRY)
TEXT_ACTIONS: Final = (REDACT, MASK)
"""Actions that change the matched text: only text rules (pattern, regex, pii) have them."""
STOPPING: Final = (BLOCK, RETRY)

RULE_TYPES: Final = ("length", "pattern", "regex", "pii", "schema", "semantic", "custom")
TEXT_RULES: Final = ("pattern", "regex", "pii")
AGENT_RULES: Final = ("semantic", "custom")

REDACTED: Final = "[REDACTED]"
PLACEHOLDERS: Final = {
    "email": "[EMAIL]",
    "phone": "[PHONE]",
    "credit_card": "[CARD]",
    "iban": "[IBAN]",
    "api_key": "[API_KEY]",
}

Judge = Callable[[str, dict[str, Any]], Awaitable[Any]]
"""Calls a validator agent by name with its payload; returns what the agent returned."""


@dataclass(frozen=True, slots=True)
class Trigger:
    """A rule (or the Validator) that found something, and what was done about it."""

    rule: int | None  # the rule's index in Rules; None for the side's Validator
    type: str
    action: str
    reason: str

    @property
    def stops(self) -> bool:
        return self.action in STOPPING

    def describe(self) -> str:
        if self.rule is None:
            return f"the Validator {self.reason}"
        return f"rule {self.rule} ({self.type}) {self.reason}"

    def details(self, direction: str) -> dict[str, Any]:
        """The history event's details."""
        details: dict[str, Any] = {"direction": direction}
        if self.rule is not None:
            details["rule"] = self.rule
        details |= {"type": self.type, "action": self.action, "reason": self.reason}
        return details


@dataclass(frozen=True, slots=True)
class Check:
    """What a rule needs from the Task besides the value: who is asking, and the judge."""

    state: str
    direction: str  # "input" or "output"
    judge: Judge
    validator: str | None  # the side's Validator, for agent rules that name none


Outcome = tuple[Any, Trigger | None]


class Rule:
    """One entry of ``Rules``, compiled once."""

    type: str

    def __init__(self, raw: dict[str, Any], index: int) -> None:
        self.index = index
        self.action: str = raw.get("Action", BLOCK)

    def trigger(self, reason: str) -> Trigger:
        return Trigger(self.index, self.type, self.action, reason)

    async def check(self, value: Any, check: Check) -> Outcome:
        raise NotImplementedError


def as_text(value: Any) -> str:
    """A string as it is; anything else as compact JSON (what ``length`` measures)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class LengthRule(Rule):
    type = "length"

    def __init__(self, raw: dict[str, Any], index: int) -> None:
        super().__init__(raw, index)
        self.max: int | None = raw.get("Max")
        self.min: int | None = raw.get("Min")

    async def check(self, value: Any, check: Check) -> Outcome:
        length = len(as_text(value))
        if self.max is not None and length > self.max:
            return value, self.trigger(f"found {length} characters, more than Max {self.max}")
        if self.min is not None and length < self.min:
            return value, self.trigger(f"found {length} characters, fewer than Min {self.min}")
        return value, None


Span = tuple[int, int, str]  # start, end, what matched (a pii kind, or "" for text rules)


class TextRule(Rule):
    """A rule that finds spans in strings; redact and mask rewrite those spans."""

    def spans(self, text: str) -> list[Span]:
        raise NotImplementedError

    def reason(self, kinds: list[str]) -> str:
        raise NotImplementedError

    async def check(self, value: Any, check: Check) -> Outcome:
        kinds: list[str] = []
        rewrite = self.action in TEXT_ACTIONS
        result = self._walk(value, kinds, rewrite)
        if not kinds:
            return value, None
        if self.action == FLAG and isinstance(result, dict):
            result = {**result, "flagged": True}
        return result, self.trigger(self.reason(kinds))

    def _walk(self, value: Any, kinds: list[str], rewrite: bool) -> Any:
        if isinstance(value, str):
            spans = self.spans(value)
            kinds.extend(kind for _, _, kind in spans)
            return self._rewrite(value, spans) if rewrite and spans else value
        if isinstance(value, dict):
            return {key: self._walk(item, kinds, rewrite) for key, item in value.items()}
        if isinstance(value, list):
            return [self._walk(item, kinds, rewrite) for item in value]
        return value

    def _rewrite(self, text: str, spans: list[Span]) -> str:
        pieces: list[str] = []
        last = 0
        for start, end, kind in spans:
            pieces.append(text[last:start])
            pieces.append(REDACTED if self.action == REDACT else self.mask(kind, end - start))
            last = end
        pieces.append(text[last:])
        return "".join(pieces)

    def mask(self, kind: str, length: int) -> str:
        """What ``mask`` puts in place of a match: one ``*`` per character."""
        return "*" * length


def _count(kinds: list[str]) -> str:
    return "1 match" if len(kinds) == 1 else f"{len(kinds)} matches"


class PatternRule(TextRule):
    """``Block``: texts that must not appear (compared without regard to case)."""

    type = "pattern"

    def __init__(self, raw: dict[str, Any], index: int) -> None:
        super().__init__(raw, index)
        self.blocked: list[str] = [str(text) for text in raw.get("Block", [])]
        alternatives = "|".join(re.escape(text) for text in self.blocked if text)
        self.pattern = re.compile(alternatives or "(?!)", re.IGNORECASE)

    def spans(self, text: str) -> list[Span]:
        return [(m.start(), m.end(), m.group(0).lower()) for m in self.pattern.finditer(text)]

    def reason(self, kinds: list[str]) -> str:
        found = sorted(set(kinds))
        quoted = ", ".join(f"'{text}'" for text in found)
        return f"found the blocked text {quoted} ({_count(kinds)})"


class RegexRule(TextRule):
    type = "regex"

    def __init__(self, raw: dict[str, Any], index: int) -> None:
        super().__init__(raw, index)
        self.source: str = raw["Pattern"]
        self.pattern = re.compile(self.source)

    def spans(self, text: str) -> list[Span]:
        matches = self.pattern.finditer(text)
        return [(m.start(), m.end(), "") for m in matches if m.end() > m.start()]

    def reason(self, kinds: list[str]) -> str:
        return f"found the pattern '{self.source}' ({_count(kinds)})"


def pii_kinds(detect_field: Any) -> tuple[str, ...]:
    """``Detect: true`` means every kind; a list names some (``["email", "iban"]``)."""
    if detect_field is True:
        return KINDS
    if isinstance(detect_field, list):
        return tuple(kind for kind in KINDS if kind in detect_field)
    return ()


class PiiRule(TextRule):
    type = "pii"

    def __init__(self, raw: dict[str, Any], index: int) -> None:
        super().__init__(raw, index)
        self.kinds = pii_kinds(raw.get("Detect", True))

    def spans(self, text: str) -> list[Span]:
        return [(f.start, f.end, f.kind) for f in detect(text, self.kinds)]

    def mask(self, kind: str, length: int) -> str:
        return PLACEHOLDERS[kind]

    def reason(self, kinds: list[str]) -> str:
        counted = [(DESCRIPTIONS[kind], kinds.count(kind)) for kind in KINDS if kind in kinds]
        listed = ", ".join(f"{what} (x{count})" for what, count in counted)
        return f"found personal data: {listed}"


class SchemaRule(Rule):
    """``Schema``: a JSON Schema (draft 2020-12) the value must satisfy.

    The cause names the place and the schema keyword that failed, not the value
    (jsonschema's own messages quote it).
    """

    type = "schema"

    def __init__(self, raw: dict[str, Any], index: int) -> None:
        super().__init__(raw, index)
        self.validator = Draft202012Validator(raw["Schema"])

    async def check(self, value: Any, check: Check) -> Outcome:
        errors = sorted(self.validator.iter_errors(value), key=lambda error: list(error.path))
        if not errors:
            return value, None
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        wanted = json.dumps(first.validator_value, separators=(",", ":"), ensure_ascii=False)
        keyword = f"{first.validator}: {wanted}"
        return value, self.trigger(
            f"found a value that does not fit the Schema at {first.json_path} ({keyword}){more}"
        )


class AgentRule(Rule):
    """``semantic`` (``Check``: what to judge) and ``custom``: a validator agent decides."""

    def __init__(self, raw: dict[str, Any], index: int, kind: str) -> None:
        super().__init__(raw, index)
        self.type = kind
        self.agent: str | None = raw.get("Agent")
        self.check_name: str | None = raw.get("Check")

    async def check(self, value: Any, check: Check) -> Outcome:
        agent = self.agent or check.validator
        if agent is None:  # validation reports it; a document run unvalidated still says why
            raise ASLError(
                TASK_FAILED,
                f"The {self.type} guardrail rule {self.index} of state '{check.state}' names no "
                'agent: add "Agent" to the rule or a "Validator" to the guardrail',
            )
        payload: dict[str, Any] = {
            "content": value,
            "direction": check.direction,
            "state": check.state,
        }
        if self.check_name is not None:
            payload["check"] = self.check_name
        valid, reason = judgement(agent, await check.judge(agent, payload))
        if valid:
            return value, None
        if self.action == FLAG and isinstance(value, dict):
            value = {**value, "flagged": True}
        return value, self.trigger(f"was rejected by the agent '{agent}'{reason}")


def judgement(agent: str, answer: Any) -> tuple[bool, str]:
    """A validator agent's answer: ``true``/``false``, or ``{"valid": bool, "reason": text}``."""
    if isinstance(answer, bool):
        return answer, ""
    if isinstance(answer, dict) and isinstance(answer.get("valid"), bool):
        reason = answer.get("reason")
        return answer["valid"], f": {reason}" if reason else ""
    raise ASLError(
        TASK_FAILED,
        f"The guardrail validator '{agent}' returned {as_text(answer)[:80]}; a validator "
        'returns true, false, or {"valid": true|false, "reason": "..."}',
    )


def compile_rule(raw: dict[str, Any], index: int) -> Rule:
    kind = raw.get("Type")
    if kind == "length":
        return LengthRule(raw, index)
    if kind == "pattern":
        return PatternRule(raw, index)
    if kind == "regex":
        return RegexRule(raw, index)
    if kind == "pii":
        return PiiRule(raw, index)
    if kind == "schema":
        return SchemaRule(raw, index)
    if kind in AGENT_RULES:
        return AgentRule(raw, index, str(kind))
    raise ASLError("States.Runtime", f"Guardrail rule {index} has unknown Type '{kind}'")
