"""Deterministic stand-ins for the triage agents: keyword rules instead of an LLM.

Swap any of them for a model call; the workflow does not change. ``TechnicalAgent``
raises :class:`AgentError` for outages, which the workflow's Catch turns into an
escalation; ``Classifier`` raises for an empty ticket, which nothing catches, so the
execution fails with that error.
"""

from __future__ import annotations

from typing import Any

from asl import AgentError, AgentRegistry

BILLING_WORDS = ("charge", "invoice", "refund", "payment")
TECHNICAL_WORDS = ("error", "crash", "outage", "login", "down")
URGENT_WORDS = ("outage", "down", "urgent")


def classify(parameters: dict[str, Any]) -> dict[str, str]:
    if not parameters["body"].strip():
        raise AgentError("Triage.EmptyTicket", "The ticket has no body to classify.")
    text = f"{parameters['subject']} {parameters['body']}".lower()
    if any(word in text for word in BILLING_WORDS):
        category = "billing"
    elif any(word in text for word in TECHNICAL_WORDS):
        category = "technical"
    else:
        category = "general"
    priority = "high" if any(word in text for word in URGENT_WORDS) else "normal"
    return {"category": category, "priority": priority}


async def answer_billing(parameters: dict[str, Any]) -> dict[str, str]:
    return {
        "text": f"Hi {parameters['customer']}, we refunded the duplicate charge "
        f"(ticket {parameters['ticketId']})."
    }


def answer_technical(parameters: dict[str, Any]) -> dict[str, str]:
    if "outage" in parameters["body"].lower():
        raise AgentError(
            "Triage.NeedsEngineer",
            f"Ticket {parameters['ticketId']} reports an outage; an engineer must take it.",
        )
    return {"text": f"Hi {parameters['customer']}, please sign out and in again."}


def register(registry: AgentRegistry) -> None:
    registry.register("Classifier", classify)
    registry.register("BillingAgent", answer_billing)
    registry.register("TechnicalAgent", answer_technical)
