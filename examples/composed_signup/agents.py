"""Deterministic agents for the composed signup: rules instead of an LLM or a mail server.

``Mailer`` is busy the first time it sends to an address, so the Workflow state's
Retry runs a second child execution, which succeeds.
"""

from __future__ import annotations

from typing import Any

from asl import AgentError, AgentRegistry


def check_fields(parameters: dict[str, Any]) -> dict[str, Any]:
    data = parameters["data"]
    missing = [name for name in parameters["required"] if not data.get(name)]
    if parameters.get("report"):
        return {"valid": False, "missing": missing}
    if missing:
        raise AgentError("Validation.Missing", f"{parameters['schema']} needs {missing}")
    return {"checked": parameters["schema"]}


def notify(parameters: dict[str, Any]) -> dict[str, Any]:
    who = parameters["name"] or "someone"
    return {"delivered": f"{parameters['channel']}:{parameters['to']} ({who})"}


def write_welcome(parameters: dict[str, Any]) -> dict[str, Any]:
    return {
        "subject": f"Welcome to the {parameters['plan']} plan, {parameters['name']}",
        "body": f"Hi {parameters['name']}, your account is ready.",
    }


class Mailer:
    """Busy once per address, like a mail relay that greylists a new sender."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def execute(self, parameters: dict[str, Any]) -> dict[str, Any]:
        if parameters["to"] not in self.seen:
            self.seen.add(parameters["to"])
            raise AgentError("Mail.Busy", "try again in a moment")
        return {"sent": parameters["to"], "subject": parameters["subject"]}


def register(registry: AgentRegistry) -> None:
    registry.register("FieldChecker", check_fields)
    registry.register("Notifier", notify)
    registry.register("WelcomeWriter", write_welcome)
    registry.register("Mailer", Mailer())
