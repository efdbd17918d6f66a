"""Agent State Language: Amazon States Language workflows with agents, run exactly as AWS would.

The public API is what this module exports; everything else is internal.
"""

from asl.agents.base import AgentContext, AgentResult, Usage
from asl.agents.registry import AgentRegistry
from asl.language.errors import AgentError, ASLError, Diagnostic, ValidationError
from asl.runtime.engine import WorkflowEngine
from asl.runtime.result import WorkflowResult

__version__ = "0.1.0"

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
