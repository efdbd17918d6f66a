"""The Task state: call an agent (``Agent``, or an AWS ``Resource`` looked up the same way).

A synchronous agent runs inline while nothing else in the process could
make progress, and in a worker thread otherwise, so a blocking agent never
stalls other branches and a cheap one pays no thread hop.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from asl.agents.base import AgentContext, AgentResult
from asl.agents.registry import BoundAgent
from asl.language.errors import AGENT_NOT_FOUND, RUNTIME, TASK_FAILED, ASLError
from asl.runtime.agent_settings import agent_settings
from asl.runtime.audit import audited
from asl.runtime.callbacks import callback_limits
from asl.runtime.concurrent import call_agent
from asl.runtime.context import context_block
from asl.runtime.dataflow import located
from asl.runtime.events import agent_streams
from asl.runtime.execution import Concurrency, Scope
from asl.runtime.flow import FULL_CONTEXT
from asl.runtime.guarded import task_guard
from asl.runtime.memory_collections import memory_block
from asl.runtime.pause import Paused
from asl.runtime.payload_size import check_payload
from asl.runtime.settings import Setting
from asl.runtime.states.approval import NESTED_WAIT
from asl.runtime.states.base import RecoverableState, failure
from asl.runtime.timeouts import Heartbeat, with_deadlines
from asl.tools.policy import compile_tools
from asl.tools.toolbox import ToolBox

agent_logger = logging.getLogger("asl.agent")


class TaskState(RecoverableState):
    type = "Task"
    entered_event = "TaskStateEntered"
    exited_event = "TaskStateExited"

    def __init__(self, name: str, raw: dict[str, Any], language: str = "JSONPath") -> None:
        super().__init__(name, raw, language)
        self.agent_name: str = raw.get("Agent") or raw["Resource"]
        timeout = Setting(raw, "TimeoutSeconds", None, positive=True)
        heartbeat = Setting(raw, "HeartbeatSeconds", None, positive=True)
        guarded = timeout.given or heartbeat.given
        self.timeout = timeout if guarded else None
        self.heartbeat = heartbeat if guarded else None
        self.needs(max(timeout.context_mode, heartbeat.context_mode))
        self.memory = memory_block(raw["Memory"]) if isinstance(raw.get("Memory"), dict) else None
        self.guard = task_guard(raw, name)  # Guardrails, Cache, Idempotent (asl.runtime.guarded)
        if self.guard is not None:
            self.needs(self.guard.context_mode)
        self.tools = compile_tools(name, raw.get("Tools"))  # with the workflow's DefaultTools
        # The state's Budget block and preferred model, read by the execution's budget meter.
        self.budget_block = raw.get("Budget") if isinstance(raw.get("Budget"), dict) else None
        model = raw.get("Model")
        self.model_hint = model.get("Preferred") if isinstance(model, dict) else model
        self.context_block = context_block(raw, name, self.model_hint)  # asl.runtime.context
        # AWS's .waitForTaskToken: the agent starts the work, someone else reports its end.
        self.callback = self.agent_name.endswith(".waitForTaskToken")
        if self.callback:
            self.wants_token = True
            self.needs(FULL_CONTEXT)  # $$.Task.Token
            self.attempt = self._with_callback  # type: ignore[method-assign]
        if self.memory is not None:  # only Tasks with Memory pay for it
            self.attempt = self._with_memory  # type: ignore[method-assign]
        # Model, Generation, Metadata, Reasoning, Audit: only Tasks with one pay for them.
        self.settings = agent_settings(raw, self.jsonata)
        self.reasoning = self.settings.reasoning if self.settings is not None else None
        if self.settings is not None:
            self.needs(self.settings.context_mode)
            if self.settings.audit is not None:
                audited(self, self.settings.audit)
        # Deadlines, Model fallbacks and Metadata need the slower call path even without a
        # context; a lone Model reaches only an agent that takes a context.
        self.needs_context_call = self.timeout is not None or (
            self.settings is not None
            and (len(self.settings.models) > 1 or self.settings.metadata is not None)
        )

    async def attempt(self, data: Any, scope: Scope, entered: int, retry_count: int) -> Any:
        execution = scope.execution
        append = execution.events.append
        now = execution.clock.time
        name = self.name
        context = self.environment(scope, entered, retry_count) if self.context_mode else None
        parameters = data if self.prepare_fn is None else self.prepare(data, context, entered)
        append(("TaskScheduled", now(), name, "parameters", parameters))
        append(("TaskStarted", now(), name, None, None))
        budget = execution.budget
        admission = None
        # Checked and reserved before spending, when the workflow or the state has a Budget.
        if budget is not None and (budget.workflow is not None or self.budget_block is not None):
            try:
                admission = await budget.admit(self, data, parameters, scope, entered)
            except ASLError as refused:
                execution.record("TaskFailed", name, None, failure(refused))
                raise
        target = admission.agent if admission is not None and admission.agent else self.agent_name
        agent = execution.registry.find(target)
        if agent is None:
            raise self._not_found(execution.record)
        if self.guard is not None:
            agent = self.guard.bind(agent, data, context, scope, entered)
        usage = None
        try:
            if agent.wants_context or self.needs_context_call:
                result = await self._call_with_context(
                    agent, parameters, data, context, scope, entered, retry_count, admission
                )
            elif agent.is_async:
                result = await agent.call(parameters)
            elif Concurrency.active > 1:
                result = await asyncio.to_thread(agent.call, parameters)
            else:
                result = agent.call(parameters)
            if type(result) is AgentResult:
                usage = result.usage
                execution.add_usage(usage, name, admission)
                result = result.output
            check_payload(result, execution.payload_limit, self.agent_name)
            trace = None
            if self.reasoning is not None:
                result, trace = self.reasoning.take(result, name)
        except ASLError as error:
            kind = "TaskTimedOut" if error.error.endswith("Timeout") else "TaskFailed"
            execution.record(kind, name, None, failure(error))
            raise
        except Exception as error:  # an agent's own failure becomes States.TaskFailed
            failed = ASLError(TASK_FAILED, str(error) or type(error).__name__)
            execution.record("TaskFailed", name, None, failure(failed))
            raise failed from error
        finally:
            if admission is not None:
                await budget.after_call(admission, usage)
        if self.callback:  # the work was handed over: its result comes with the token
            append(("TaskSubmitted", now(), name, "output", result))
            return result
        append(("TaskSucceeded", now(), name, "output", result))
        if self.finish_fn is not None:
            result = self.finish(data, result, context, entered)
        if trace is not None:
            result = self._store_trace(result, trace, entered)
        return result

    async def _with_callback(self, data: Any, scope: Scope, entered: int, retry_count: int) -> Any:
        """Start the work, then pause until a send_task_success/failure names the token."""
        execution = scope.execution
        place = scope.branch
        token = scope.task_token(self.name, entered)
        outcome = execution.decisions.pop(self.name if place is None else token, None)
        if outcome is None:
            if scope.nested and place is None:
                raise located(ASLError(RUNTIME, NESTED_WAIT), self.name, entered)
            await TaskState.attempt(self, data, scope, entered, retry_count)
            request = {"type": "callback", "requestId": token, "state": self.name}
            request |= self._callback_limits(data, scope, entered, retry_count)
            if place is not None:
                request["branch"] = place.label
            raise Paused(self.name, data, request)
        if place is not None:
            place.pauses += 1
        if "error" in outcome:
            failed = ASLError(str(outcome["error"]), str(outcome.get("cause") or ""))
            execution.record("TaskFailed", self.name, None, failure(failed))
            raise failed
        result = outcome.get("output")
        execution.record("TaskSucceeded", self.name, "output", result)
        context = self.environment(scope, entered, retry_count)
        return self.finish(data, result, context, entered)

    def _callback_limits(
        self, data: Any, scope: Scope, entered: int, retry_count: int
    ) -> dict[str, Any]:
        """TimeoutSeconds and HeartbeatSeconds of the wait, kept in the request."""
        if self.timeout is None or self.heartbeat is None:
            return {}
        context = self.environment(scope, entered, retry_count) if self.context_mode else None
        try:
            timeout = self.timeout.resolve(data, context)
            heartbeat = self.heartbeat.resolve(data, context)
        except ASLError as error:
            raise located(error, self.name, entered) from None
        return callback_limits(scope.execution.clock.time(), timeout, heartbeat)

    async def _with_memory(self, data: Any, scope: Scope, entered: int, retry_count: int) -> Any:
        """Read memory into the input, run, then write memory from the output."""
        assert self.memory is not None
        workflow, open_memory = scope.execution.memory
        context = self.environment(scope, entered, retry_count) if self.context_mode else None
        try:
            store = await open_memory()
            data = await self.memory.read(data, context, store, workflow)
        except ASLError as error:
            raise located(error, self.name, entered) from None
        output = await TaskState.attempt(self, data, scope, entered, retry_count)
        try:
            await self.memory.write(output, context, store, workflow)
        except ASLError as error:
            raise located(error, self.name, entered) from None
        return output

    def _store_trace(self, output: Any, trace: Any, entered: int) -> Any:
        """Reasoning.Store: the trace goes into the state's output."""
        assert self.settings is not None and self.settings.reasoning is not None
        try:
            return self.settings.reasoning.place(output, trace)
        except ASLError as error:
            raise located(error, self.name, entered) from None

    def _not_found(self, record: Any) -> ASLError:
        error = ASLError(
            AGENT_NOT_FOUND,
            f"State '{self.name}' calls agent '{self.agent_name}', which is not registered; "
            f"register it with registry.register('{self.agent_name}', agent)",
        )
        record("TaskFailed", self.name, None, failure(error))
        return error

    async def _call_with_context(
        self,
        agent: BoundAgent,
        parameters: Any,
        data: Any,
        context: Any,
        scope: Scope,
        entered: int,
        retry_count: int,
        admission: Any = None,
    ) -> Any:
        """The slower path: an AgentContext, deadlines, agent settings, or all of them."""
        execution = scope.execution
        heartbeat = Heartbeat(execution.clock) if self.timeout is not None else None
        args: tuple[Any, ...] = (parameters,)
        if agent.wants_context:
            fitted = None
            if self.context_block is not None:
                try:
                    fitted = await self.context_block.fit(data, context, execution)
                except ASLError as error:
                    raise located(error, self.name, entered) from None
            beat = heartbeat.beat if heartbeat is not None else None
            emit, report_progress = agent_streams(execution, self.name, beat)
            agent_context = AgentContext(
                execution.id,
                self.name,
                retry_count + 1,
                idempotency_key(execution.id, scope.path, self.name, entered),
                agent_logger,
                beat,
                _emit=emit,
                _report_progress=report_progress,
                toolbox=ToolBox(
                    self.tools,
                    execution.registry.tools,
                    execution.registry,
                    execution.clock,
                    execution.record,
                ),
                model=admission.model if admission is not None else None,
                reduce_quality=admission.reduce_quality if admission is not None else False,
                context=fitted,
            )
            args = (parameters, agent_context)
        settings = self.settings

        async def invoke(model: str | None) -> Any:
            call_args = args
            if settings is not None and agent.wants_context:
                call_args = (
                    parameters,
                    # A model the Budget chose wins over the state's Model.
                    settings.context(
                        agent_context, agent_context.model or model, metadata, data, parameters
                    ),
                )
            if heartbeat is not None:
                return await self._guarded(
                    agent, call_args, data, context, scope, entered, heartbeat
                )
            return await call_agent(agent, *call_args)

        if settings is None:
            return await invoke(None)
        try:
            metadata = settings.resolve_metadata(data, context)
        except ASLError as error:
            raise located(error, self.name, entered) from None
        return await settings.call(
            invoke, lambda details: execution.record("ModelFallback", self.name, None, details)
        )

    async def _guarded(
        self,
        agent: BoundAgent,
        args: tuple[Any, ...],
        data: Any,
        context: Any,
        scope: Scope,
        entered: int,
        heartbeat: Heartbeat,
    ) -> Any:
        assert self.timeout is not None and self.heartbeat is not None
        try:
            timeout = self.timeout.resolve(data, context)
            heartbeat_seconds = self.heartbeat.resolve(data, context)
        except ASLError as error:
            raise located(error, self.name, entered) from None
        call = agent.call(*args) if agent.is_async else asyncio.to_thread(agent.call, *args)
        return await with_deadlines(
            call, scope.execution.clock, timeout, heartbeat_seconds, heartbeat
        )


def idempotency_key(execution_id: str, path: str, state: str, entered: int) -> str:
    """The same for every retry of one visit of a state, and after a crash-resume.

    At the top level the entered event id is stable across a resume (the history
    is restored as committed); inside a Map item or Parallel branch, which runs
    again from its start, the place in the run names the visit instead.
    """
    if not path:
        return f"{execution_id}:{state}:{entered}"
    return f"{execution_id}:{path}{state}"
