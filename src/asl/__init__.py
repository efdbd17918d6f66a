"""Agent State Language: Amazon States Language workflows with agents, run exactly as AWS would.

The public API is what this module exports; everything else is internal. The
names load on first use, so ``asl --help`` does not import the engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from asl.agents.base import AgentContext, AgentResult, Usage
    from asl.agents.registry import AgentRegistry
    from asl.language.errors import AgentError, ASLError, Diagnostic, ValidationError
    from asl.runtime.engine import WorkflowEngine
    from asl.runtime.result import WorkflowResult

__version__ = "0.1.0"

_HOMES = {
    "AgentContext": "asl.agents.base",
    "AgentResult": "asl.agents.base",
    "Usage": "asl.agents.base",
    "AgentRegistry": "asl.agents.registry",
    "AgentError": "asl.language.errors",
    "ASLError": "asl.language.errors",
    "Diagnostic": "asl.language.errors",
    "ValidationError": "asl.language.errors",
    "WorkflowEngine": "asl.runtime.engine",
    "WorkflowResult": "asl.runtime.result",
}

__all__ = [
    "ASLError",
    "AgentContext",
    "AgentError",
    "AgentRegistry",
    "AgentResult",
    "Diagnostic",
    "Usage",
    "ValidationError",
    "WorkflowEngine",
    "WorkflowResult",
    "__version__",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'asl' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
