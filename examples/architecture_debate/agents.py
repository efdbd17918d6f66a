"""Deterministic stand-ins for the analyst, the three debaters and the judge.

They follow the contracts a model-backed agent would: the analyst reads the model
and sampling settings from its context and answers with a reasoning trace; the
debaters state a ``position`` each round and react to what they have heard; the
judge answers with a ``decision``. Each reports usage, as an LLM call would.
"""

from __future__ import annotations

from typing import Any

from asl import AgentContext, AgentError, AgentRegistry, AgentResult, Usage


def analyst(parameters: dict[str, Any], context: AgentContext) -> AgentResult:
    if context.model == "large-model":  # in this demo the large model is over its quota
        raise AgentError("States.RateLimitExceeded", "large-model: 429 Too Many Requests")
    context.logger.info("briefing with credentials %s", parameters["credentials"]["token"])
    risky = "legacy" in parameters["system"] or parameters["proposal"] == "a rewrite"
    risk = "high" if risky else "low"
    trace = {
        "steps": [
            {"step": 1, "thought": f"{parameters['proposal']} changes how state is stored"},
            {"step": 2, "thought": f"{parameters['system']} is {'fragile' if risky else 'stable'}"},
            {"step": 3, "thought": f"so the risk is {risk}"},
        ],
        "conclusion": f"risk {risk}",
    }
    result = {"risk": risk, "model": context.model, "tenant": (context.metadata or {})["Tenant"]}
    return AgentResult({"result": result, "reasoning": trace}, Usage(120, 40, context.model))


def _heard(history: list[dict[str, Any]], agent: str) -> Any:
    """The last position ``agent`` stated in the turns this debater may see."""
    positions = [e["response"].get("position") for e in history if e["agent"] == agent]
    return positions[-1] if positions else None


def proponent(parameters: dict[str, Any]) -> AgentResult:
    answer = {"argument": f"{parameters['proposal']} gives a full audit trail", "position": "adopt"}
    return AgentResult(answer, Usage(50, 20))


def opponent(parameters: dict[str, Any]) -> AgentResult:
    convinced = (
        parameters["risk"] == "low" and _heard(parameters["history"], "Pragmatist") == "adopt"
    )
    if parameters["round"] > 1 and convinced:
        answer = {"argument": "with low risk and a pilot, I agree", "position": "adopt"}
    else:
        answer = {"argument": "migrations will be painful", "position": "reject"}
    return AgentResult(answer, Usage(50, 20))


def pragmatist(parameters: dict[str, Any]) -> AgentResult:
    position = "adopt" if parameters["risk"] == "low" else "pilot"
    return AgentResult(
        {"argument": "start with one aggregate", "position": position}, Usage(50, 20)
    )


def judge(parameters: dict[str, Any]) -> AgentResult:
    positions = {e["agent"]: e["response"]["position"] for e in parameters["history"]}
    decision = "pilot" if "pilot" in positions.values() else positions["Opponent"]
    return AgentResult({"decision": decision, "positions": positions}, Usage(200, 30))


def register(registry: AgentRegistry) -> None:
    registry.register("Analyst", analyst)
    registry.register("Proponent", proponent)
    registry.register("Opponent", opponent)
    registry.register("Pragmatist", pragmatist)
    registry.register("Judge", judge)
