"""Guardrails: rules that check what a Task sends to its agent and what the agent returns.

Pure checks (no I/O of their own): the runtime hands them a ``judge`` that
calls validator agents, and records what they trigger (:mod:`asl.runtime.guarded`).
"""

from .rules import Trigger
from .side import GUARDRAIL_VIOLATION, GuardrailSide

__all__ = ["GUARDRAIL_VIOLATION", "GuardrailSide", "Trigger"]
