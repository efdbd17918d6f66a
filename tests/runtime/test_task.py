"""Task states calling agents: sync, async, objects, context, usage, errors."""

from __future__ import annotations

import asyncio
from typing import Any

from asl import AgentContext, AgentError, AgentResult, Usage
from tests.runtime.conftest import machine


def task(agent: str = "A", **fields: Any) -> dict[str, Any]:
    return {"Type": "Task", "Agent": agent, "End": True, **fields}


def test_sync_function_agent_receives_parameters(run: Any) -> None:
    result = run(
        machine(("T", task(Parameters={"x.$": "$.v"}))), {"v": 2}, {"A": lambda p: {"got": p}}
    )
    assert result.output == {"got": {"x": 2}}


def test_async_function_agent(run: Any) -> None:
    async def agent(parameters: Any) -> Any:
        await asyncio.sleep(0)
        return parameters["n"] * 2

    assert run(machine(("T", task())), {"n": 21}, {"A": agent}).output == 42


def test_object_agent_with_execute_method(run: Any) -> None:
    class Doubler:
        async def execute(self, parameters: Any) -> Any:
            return {"n": parameters["n"] * 2}

    assert run(machine(("T", task())), {"n": 2}, {"A": Doubler()}).output == {"n": 4}


def test_agent_taking_context_gets_execution_and_state(run: Any) -> None:
    seen: list[AgentContext] = []

    def agent(parameters: Any, context: AgentContext) -> Any:
        seen.append(context)
        return "ok"

    run(machine(("Call", task())), {}, {"A": agent})
    assert (seen[0].execution_id, seen[0].state_name, seen[0].attempt) == ("exec-1", "Call", 1)
    assert seen[0].idempotency_key == "exec-1:Call:2"


def test_resource_is_looked_up_in_the_registry(run: Any) -> None:
    state = {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "End": True}
    result = run(
        machine(("T", state)), {"a": 1}, {"arn:aws:lambda:us-east-1:1:function:f": lambda p: [p]}
    )
    assert result.output == [{"a": 1}]


def test_agent_result_usage_is_summed(run: Any) -> None:
    definition = machine(("A", {"Type": "Task", "Agent": "A", "Next": "B"}), ("B", task()))
    usage = Usage(input_tokens=10, output_tokens=5, model="m", cost=0.25)
    result = run(definition, {}, {"A": lambda p: AgentResult({"x": 1}, usage)})
    assert (result.output, result.tokens_used, result.cost) == ({"x": 1}, 30, 0.5)


def test_agent_error_keeps_its_name_and_cause(run: Any) -> None:
    def agent(parameters: Any) -> Any:
        raise AgentError("Custom.Error", "it broke")

    result = run(machine(("T", task())), {}, {"A": agent})
    assert (result.status, result.error, result.cause) == ("FAILED", "Custom.Error", "it broke")


def test_other_exception_becomes_task_failed_with_message(run: Any) -> None:
    def agent(parameters: Any) -> Any:
        raise ValueError("bad value")

    result = run(machine(("T", task())), {}, {"A": agent})
    assert (result.error, result.cause) == ("States.TaskFailed", "bad value")


def test_unknown_agent_fails_naming_state_and_agent(run: Any) -> None:
    result = run(machine(("Call", task("Ghost"))), {}, {})
    assert result.error == "States.AgentNotFound"
    assert result.cause == (
        "State 'Call' calls agent 'Ghost', which is not registered; "
        "register it with registry.register('Ghost', agent)"
    )


def test_non_json_agent_result_fails_the_task(run: Any) -> None:
    result = run(machine(("T", task())), {}, {"A": lambda p: {"s": {1, 2}}})
    assert result.error == "States.TaskFailed"
    assert result.cause == (
        "The state/task 'A' returned a value that is not JSON: set is not a JSON type"
    )


def test_result_over_payload_limit_fails_with_data_limit_exceeded(run: Any) -> None:
    result = run(machine(("T", task())), {}, {"A": lambda p: "x" * 300}, payload_limit=100)
    assert result.error == "States.DataLimitExceeded"


def test_timeout_seconds_fails_with_states_timeout(run: Any) -> None:
    async def slow(parameters: Any) -> Any:
        await asyncio.sleep(3600)

    result = run(machine(("T", task(TimeoutSeconds=5))), {}, {"A": slow})
    assert (result.error, result.cause) == (
        "States.Timeout",
        "The agent did not finish within 5 seconds.",
    )


def test_fast_agent_under_timeout_succeeds(run: Any) -> None:
    async def fast(parameters: Any) -> Any:
        return "done"

    assert run(machine(("T", task(TimeoutSeconds=5))), {}, {"A": fast}).output == "done"


def test_heartbeat_timeout_when_agent_stays_silent(run: Any) -> None:
    async def silent(parameters: Any) -> Any:
        await asyncio.sleep(3600)

    result = run(machine(("T", task(HeartbeatSeconds=2, TimeoutSeconds=100))), {}, {"A": silent})
    assert result.error == "States.HeartbeatTimeout"


def test_timeout_seconds_path_reads_input(run: Any) -> None:
    async def slow(parameters: Any) -> Any:
        await asyncio.sleep(3600)

    result = run(machine(("T", task(TimeoutSecondsPath="$.t"))), {"t": 3}, {"A": slow})
    assert result.cause == "The agent did not finish within 3 seconds."


def test_task_events_follow_step_functions_history(run: Any) -> None:
    result = run(machine(("T", task())), {"a": 1}, {"A": lambda p: "r"})
    assert [(e["id"], e["type"], e.get("state")) for e in result.trace] == [
        (1, "ExecutionStarted", None),
        (2, "TaskStateEntered", "T"),
        (3, "TaskScheduled", "T"),
        (4, "TaskStarted", "T"),
        (5, "TaskSucceeded", "T"),
        (6, "TaskStateExited", "T"),
        (7, "ExecutionSucceeded", None),
    ]
    assert result.trace[1]["details"] == {"input": {"a": 1}}
    assert result.trace[5]["details"] == {"output": "r"}
    assert result.trace[0]["timestamp"] == "2026-01-01T00:00:00.000Z"


def test_sync_agents_in_parallel_branches_run_in_threads(run: Any) -> None:
    import threading
    import time

    main = threading.get_ident()
    threads: list[int] = []

    def blocking(parameters: Any) -> Any:
        threads.append(threading.get_ident())
        time.sleep(0.05)
        return parameters

    branches = [{"StartAt": name, "States": {name: task()}} for name in ("B1", "B2")]
    definition = machine(("P", {"Type": "Parallel", "Branches": branches, "End": True}))
    result = run(definition, {"v": 1}, {"A": blocking})
    assert result.output == [{"v": 1}, {"v": 1}]
    assert main not in threads


def test_sync_agent_alone_runs_inline(run: Any) -> None:
    import threading

    main = threading.get_ident()
    assert run(machine(("T", task())), {}, {"A": lambda p: threading.get_ident()}).output == main
