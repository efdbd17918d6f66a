"""The Workflow state (ASL): run another workflow as one step, as a child execution.

The child is a whole execution of its own, run by the same engine machinery with
the parent's agents, clock, store and approval handler: it has its own id
(``<parent id>:<state>:<entered event>``, plus ``:<retry>`` for a retry), its own
history, whose ``ExecutionStarted`` names the parent execution and state, and its
own record in the store when the parent is durable.  The parent's history records
``ChildExecutionStarted`` and ``ChildExecutionSucceeded`` / ``ChildExecutionFailed``
with the child's id.

Data flow is a Task's: ``InputPath``, then ``Input`` (a payload template, the
Workflow state's name for ``Parameters``) gives the child's input; the child's
output is the result (``ResultSelector``, ``ResultPath``, ``OutputPath``).  A child
that fails makes the state fail with the child's own error name and cause, so
``Retry`` and ``Catch`` match what the child raised; ``Timeout`` ("30s", "5m" ...)
bounds the child and fails the state with ``States.Timeout``.
"""

from __future__ import annotations

import asyncio
import contextvars
from typing import TYPE_CHECKING, Any, Final

from asl.agents.base import Usage
from asl.definition.imports import load_source
from asl.language.errors import RUNTIME, TIMEOUT, ASLError
from asl.runtime.dataflow import located
from asl.runtime.execution import Execution, Scope
from asl.runtime.pause import parse_duration
from asl.runtime.states.base import RecoverableState, failure

if TYPE_CHECKING:
    from asl.runtime.engine import WorkflowEngine
    from asl.runtime.result import WorkflowResult

MAX_DEPTH: Final = 32
"""How deep Workflow states may nest (a workflow that runs itself must stop somewhere)."""

_DEPTH: contextvars.ContextVar[int] = contextvars.ContextVar("asl_workflow_depth", default=0)
_FINISHED: Final = frozenset({"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"})


class WorkflowState(RecoverableState):
    type = "Workflow"
    entered_event = "WorkflowStateEntered"
    exited_event = "WorkflowStateExited"

    def __init__(self, name: str, raw: dict[str, Any], language: str = "JSONPath") -> None:
        flow = dict(raw)
        if "Input" in raw:  # the child's input: a payload template, like Parameters
            jsonata = (raw.get("QueryLanguage") or language) == "JSONata"
            flow["Arguments" if jsonata else "Parameters"] = raw["Input"]
        super().__init__(name, flow, language)
        self.workflow_id: str = raw["WorkflowId"]  # a file location once expanded
        timeout = raw.get("Timeout")
        self.timeout = parse_duration(timeout) if timeout is not None else None
        self._child: WorkflowEngine | None = None

    async def attempt(self, data: Any, scope: Scope, entered: int, retry_count: int) -> Any:
        execution = scope.execution
        context = self.environment(scope, entered, retry_count) if self.context_mode else None
        child_input = self.prepare(data, context, entered)
        child_id = f"{execution.id}:{scope.path}{self.name}:{entered}"
        if retry_count:
            child_id += f":{retry_count}"
        execution.record(
            "ChildExecutionStarted",
            self.name,
            None,
            {"executionId": child_id, "workflowId": self.workflow_id, "input": child_input},
        )
        try:
            result = await self._run_child(execution, child_input, child_id)
        except ASLError as error:
            # The engine's own refusals (depth, a pause) say which state, as AWS words it.
            failed = located(error, self.name, entered) if error.error == RUNTIME else error
            details = failure(failed)
            details["executionId"] = child_id
            execution.record("ChildExecutionFailed", self.name, None, details)
            raise failed from None
        execution.add_usage(
            Usage(result.input_tokens, result.output_tokens, None, result.cost), self.name
        )
        if result.status != "SUCCEEDED":
            failed = ASLError(result.error or "States.Runtime", result.cause or "")
            details = failure(failed)
            details["executionId"] = child_id
            execution.record("ChildExecutionFailed", self.name, None, details)
            raise failed
        execution.record(
            "ChildExecutionSucceeded",
            self.name,
            None,
            {"executionId": child_id, "output": result.output},
        )
        return self.finish(data, result.output, context, entered)

    async def _run_child(self, execution: Execution, child_input: Any, child_id: str) -> _Outcome:
        depth = _DEPTH.get()
        if depth >= MAX_DEPTH:
            raise ASLError(
                RUNTIME,
                f"Workflow states are nested more than {MAX_DEPTH} deep; a workflow that runs "
                f"itself needs a Choice that ends the recursion",
            )
        engine = await self._engine(execution)
        finished = await _finished_before(engine, child_id)
        if finished is not None:  # a resumed parent: the child already ran to its end
            return finished
        parent = {"parentExecutionId": execution.id, "parentState": self.name}
        token = _DEPTH.set(depth + 1)
        try:
            run = engine.arun(child_input, execution_id=child_id, parent=parent)
            if self.timeout is None:
                result = await run
            else:
                result = await _within(run, execution, self.timeout, child_id, self.workflow_id)
        finally:
            _DEPTH.reset(token)
        if result.status == "PAUSED":
            raise ASLError(
                RUNTIME,
                f"The child execution '{child_id}' paused at state "
                f"'{result.paused_at_state}' to wait for input, and a Workflow state cannot "
                f"wait for its child in this version: give the engine an approval_handler",
            )
        return _Outcome.of(result)

    async def _engine(self, execution: Execution) -> WorkflowEngine:
        """The child's engine: built once, with the parent's agents, clock and store."""
        if self._child is None:
            from asl.runtime.engine import WorkflowEngine  # the engine compiles this module

            document = load_source(self.workflow_id)
            store = execution.durable
            self._child = WorkflowEngine(
                document,
                execution.registry,
                clock=execution.clock,
                payload_limit=execution.payload_limit,
                max_events=execution.max_events,
                store=store,
                approval_handler=execution.approval_handler,
                durable=store is not None,
            )
        else:
            self._child.approval_handler = execution.approval_handler
        return self._child


class _Outcome:
    """What the parent needs of a finished child execution."""

    __slots__ = ("cause", "cost", "error", "input_tokens", "output", "output_tokens", "status")

    def __init__(
        self,
        status: str,
        output: Any,
        error: str | None,
        cause: str | None,
        input_tokens: int = 0,
        output_tokens: int = 0,
        cost: float = 0.0,
    ) -> None:
        self.status = status
        self.output = output
        self.error = error
        self.cause = cause
        self.input_tokens = input_tokens
        self.output_tokens = output_tokens
        self.cost = cost

    @classmethod
    def of(cls, result: WorkflowResult) -> _Outcome:
        # The result counts input plus output tokens; the split is the child's business.
        return cls(
            result.status,
            result.output,
            result.error,
            result.cause,
            result.tokens_used,
            0,
            result.cost,
        )


async def _finished_before(engine: WorkflowEngine, child_id: str) -> _Outcome | None:
    """A durable child that finished before a crash of its parent is not run again."""
    if not engine.durable:
        return None
    from asl.store import UnknownExecutionError

    store = await engine.store()
    try:
        record = await store.load_execution(child_id)
    except UnknownExecutionError:
        return None
    if record.status not in _FINISHED:
        return None
    return _Outcome(record.status, record.output, record.error, record.cause)


async def _within(
    run: Any, execution: Execution, seconds: float, child_id: str, workflow_id: str
) -> WorkflowResult:
    """The child's result, or States.Timeout once ``seconds`` pass on the parent's clock."""
    task = asyncio.ensure_future(run)
    sleeper = asyncio.ensure_future(execution.clock.sleep(seconds))
    try:
        done, _ = await asyncio.wait({task, sleeper}, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            result: WorkflowResult = task.result()
            return result
        raise ASLError(
            TIMEOUT,
            f"The child execution '{child_id}' of '{workflow_id}' ran longer than the "
            f"state's Timeout ({seconds:g} s)",
        )
    finally:
        for pending in (task, sleeper):
            if not pending.done():
                pending.cancel()
