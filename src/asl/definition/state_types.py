"""Which check runs for which state Type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from .agent_states import (
    check_approval,
    check_checkpoint,
    check_debate,
    check_include,
    check_workflow,
)
from .aws_states import (
    check_choice,
    check_fail,
    check_map,
    check_parallel,
    check_pass,
    check_succeed,
    check_task,
    check_wait,
)
from .states import StateCheck

TYPE_CHECKS: Final[dict[str, Callable[[StateCheck], None]]] = {
    "Task": check_task,
    "Pass": check_pass,
    "Choice": check_choice,
    "Wait": check_wait,
    "Succeed": check_succeed,
    "Fail": check_fail,
    "Parallel": check_parallel,
    "Map": check_map,
    "Approval": check_approval,
    "Debate": check_debate,
    "Checkpoint": check_checkpoint,
    "Include": check_include,
    "Workflow": check_workflow,
}
