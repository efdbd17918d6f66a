"""Deterministic stand-ins for the guarded reply's agents: text rules instead of an LLM.

``Drafter`` answers its first call of every execution with bare text, as a model
sometimes does; the Draft state's schema rule makes it regenerate, and its
second draft, which quotes the customer's email and an internal ticket code,
is masked and redacted by the Output guardrail. ``ToneJudge`` rejects rude
drafts. ``Mailer`` counts what it sends, so a test can see that the idempotent
Send state sends each ticket once.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from asl import AgentContext, AgentRegistry

SENT: Counter[str] = Counter()
_DRAFTS: Counter[str] = Counter()


def classify(parameters: dict[str, Any]) -> str:
    body = parameters["body"].lower()
    return "billing" if "refund" in body or "charge" in body else "general"


def draft(parameters: dict[str, Any], context: AgentContext) -> Any:
    _DRAFTS[context.execution_id] += 1
    if _DRAFTS[context.execution_id] == 1:
        return f"Hi {parameters['customer']}, we are on it."
    quoted = parameters["body"].split("; ")[0]
    return {
        "reply": f'Hi {parameters["customer"]}, about "{quoted}": your {parameters["category"]} '
        "request is approved. We will write to ada@example.com when it is done."
    }


def judge_tone(payload: dict[str, Any]) -> dict[str, Any]:
    rude = any(word in str(payload["content"]).lower() for word in ("stupid", "whatever"))
    return {"valid": not rude, "reason": "the reply is rude" if rude else "polite"}


def send(parameters: dict[str, Any]) -> dict[str, Any]:
    SENT[parameters["ticketId"]] += 1
    return {"messageId": f"MSG-{parameters['ticketId']}"}


def register(registry: AgentRegistry) -> None:
    registry.register("Classifier", classify)
    registry.register("Drafter", draft)
    registry.register("ToneJudge", judge_tone)
    registry.register("Mailer", send)
