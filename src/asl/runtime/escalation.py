"""Escalation of a pending Approval, and what its OnTimeout does.

``Escalation`` comes in two shapes. The simple one, ``{After, Notify, Message,
EscalateTo, Repeat}``, notifies once ``After`` has passed and again every
``Repeat.Every`` (``Repeat`` may also be a duration string: no limit) up to
``Repeat.MaxTimes`` more times. The multi-level one, ``{Levels: [{After, Notify,
Message, AutoApprove}]}``, notifies each level's recipients when its ``After``
(counted from the request) has passed; a level with ``AutoApprove: true``
approves the request (approver ``system``) when it is reached.
``EscalateTo`` is told at every level, with the other recipients.

The request keeps the compiled form (plain numbers, JSON) so that any process
can escalate it: :meth:`WorkflowEngine.sweep` does, as time passes.
"""

from __future__ import annotations

from typing import Any

from asl.runtime.pause import parse_duration

ESCALATIONS = "asl.escalations"  # memory namespace: how many levels each request had
DEFAULT_MESSAGE = "An approval is still waiting for a decision"


def compile_escalation(raw: Any) -> dict[str, Any] | None:
    """The escalation as the request stores it; None when there is none."""
    if not isinstance(raw, dict):
        return None
    escalate_to = [str(raw["EscalateTo"])] if raw.get("EscalateTo") else []
    message = str(raw.get("Message") or DEFAULT_MESSAGE)
    levels = raw.get("Levels")
    if isinstance(levels, list):
        compiled = [_level(level, message, escalate_to) for level in levels]
        usable = sorted((level for level in compiled if level is not None), key=_after)
        return {"levels": usable} if usable else None
    after = parse_duration(raw.get("After"))
    if after is None:
        return None
    repeat = raw.get("Repeat")
    every = parse_duration(repeat.get("Every") if isinstance(repeat, dict) else repeat)
    times = repeat.get("MaxTimes", 1) if isinstance(repeat, dict) else None
    return {
        "after": after,
        "notify": _recipients(raw.get("Notify")) + escalate_to,
        "message": message,
        "every": every,
        "repeats": (int(times) if isinstance(times, int) else None) if every else 0,
    }


def levels_due(escalation: dict[str, Any], waited: float) -> int:
    """How many escalation levels a request that waited ``waited`` seconds has earned."""
    levels = escalation.get("levels")
    if isinstance(levels, list):
        return sum(1 for level in levels if waited >= level["after"])
    after = escalation.get("after")
    if not isinstance(after, int | float) or waited < after:
        return 0
    every = escalation.get("every")
    if not isinstance(every, int | float) or every <= 0:
        return 1
    earned = 1 + int((waited - after) // every)
    repeats = escalation.get("repeats")
    return earned if repeats is None else min(earned, 1 + int(repeats))


def level_notice(escalation: dict[str, Any], level: int) -> tuple[list[str], str]:
    """Who is told at ``level`` (1-based), and what."""
    levels = escalation.get("levels")
    chosen = levels[level - 1] if isinstance(levels, list) else escalation
    return list(chosen["notify"]), str(chosen["message"])


def all_recipients(escalation: dict[str, Any]) -> list[str]:
    """Everyone any level tells, once each, in order."""
    levels = escalation.get("levels")
    told: list[str] = []
    for level in levels if isinstance(levels, list) else [escalation]:
        told.extend(r for r in level["notify"] if r not in told)
    return told


def auto_approved_at(escalation: Any, waited: float) -> int | None:
    """The first reached level that approves on its own, if any."""
    levels = escalation.get("levels") if isinstance(escalation, dict) else None
    if not isinstance(levels, list):
        return None
    for number, level in enumerate(levels, 1):
        if level.get("autoApprove") and waited >= level["after"]:
            return number
    return None


def _level(raw: Any, message: str, escalate_to: list[str]) -> dict[str, Any] | None:
    after = parse_duration(raw.get("After")) if isinstance(raw, dict) else None
    if after is None:
        return None
    level: dict[str, Any] = {
        "after": after,
        "notify": _recipients(raw.get("Notify")) + escalate_to,
        "message": str(raw.get("Message") or message),
    }
    if raw.get("AutoApprove") is True:
        level["autoApprove"] = True
    return level


def _after(level: dict[str, Any]) -> float:
    return float(level["after"])


def _recipients(notify: Any) -> list[str]:
    if notify is None:
        return []
    return [str(n) for n in (notify if isinstance(notify, list) else [notify])]
