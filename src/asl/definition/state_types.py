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


