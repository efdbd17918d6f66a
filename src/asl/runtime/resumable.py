"""Resuming executions from the store: after a pause, a crash, a callback or a checkpoint.

Mixed into :class:`~asl.runtime.engine.WorkflowEngine`; the engine provides the
compiled machine, the store and the way to run an execution from a given state.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from asl.language.errors import HEARTBEAT_TIMEOUT, TIMEOUT, ASLError
from asl.runtime.callbacks import HEARTBEATS, callback_expiry, parse_iso
from asl.runtime.durable import (
    INVALID_RESUME,
    Resumption,
    definition_hash,
    load_group,
    load_pause,
    stored_events,
    timed_out,
)
from asl.runtime.escalation import (
    ESCALATIONS,
    all_recipients,
    auto_approved_at,
    level_notice,
    levels_due,
)
from asl.runtime.execution import Execution
from asl.runtime.journal import Journal, new_owner
from asl.runtime.result import WorkflowResult
from asl.runtime.states.approval import check_decision
from asl.runtime.states.feedback import check_answer
from asl.store import (
    ExecutionRecord,
    PendingRequest,
    Store,
    UnknownExecutionError,
    UnknownRequestError,
)

if TYPE_CHECKING:
    from asl.runtime.clock import Clock
    from asl.runtime.machine import StateMachine


T = TypeVar("T")


class Resumable:
    """resume, crash recovery, task-token callbacks and checkpoint restarts."""

    clock: Clock
    durable: bool
    lease_seconds: float
    notifier: Any

    if TYPE_CHECKING:

        @property
        def definition(self) -> dict[str, Any]: ...

        def _compiled(self) -> StateMachine: ...

        async def store(self) -> Store: ...

        def _execution(self, execution_id: str, execution_input: Any) -> Execution: ...

        async def _execute(
            self,
            machine: StateMachine,
            execution: Execution,
            data: Any,
            start: str | None,
            committed_events: int,
            variables: dict[str, Any] | None = None,
            resumed: bool = False,
            journal: Journal | None = None,
        ) -> WorkflowResult: ...

    def resume(
        self, execution_id: str, decision: Any = None, *, request_id: str | None = None
    ) -> WorkflowResult:
        """Continue a paused execution, with the decision it waits for; see :meth:`aresume`."""
        return self._sync(self.aresume(execution_id, decision, request_id=request_id), "resume")

    async def aresume(
        self,
        execution_id: str,
        decision: Any = None,
        *,
        request_id: str | None = None,
        record: ExecutionRecord | None = None,
    ) -> WorkflowResult:
        """Continue a paused execution from the engine's store.

        ``decision`` answers the pending Approval (``{"approval": "approve", "approver":
        ..., "comment": ...}``); it is checked against the options and recorded once: a
        second, identical submission is a no-op. An execution paused at a Map or
        Parallel may wait on several requests (one per waiting branch): ``request_id``
        names the one decided (it may be left out when only one waits). Without a
        decision, every Approval whose Timeout has passed takes its timeout route;
        otherwise the execution stays paused. Raises ASLError (``States.InvalidResume``,
        ``States.InvalidDecision``) for an unknown or finished execution or a decision
        that does not fit; nothing changes then. ``record`` is the execution's record
        as the caller has just read it (a service worker does), to save reading it
        again; the lease and the commits' sequence checks still guard the run.
        """
        machine = self._compiled()
        store = await self.store()
        digest = definition_hash(self.definition)
        if record is None or record.execution_id != execution_id:
            record = await _record(store, execution_id)
        if record is not None and record.status == "RUNNING":
            return await self._recover(machine, store, record, digest)
        if record is not None and record.status != "PAUSED" and decision is None:
            return _as_stored(record)  # it has ended: resuming again changes nothing
        try:
            paused = await load_pause(store, execution_id, digest)
        except ASLError:
            repeat = await _repeated_decision(store, execution_id, decision)
            if repeat is None:
                raise
            return repeat
        decided: list[tuple[PendingRequest, Any]]
        if not paused.pending:  # decided by a resume whose process died before a commit
            decided = [(request, request.decision) for request in paused.requests]
        elif decision is None:
            decided = await self._expire(store, paused)
            if not decided:
                return _still_paused(execution_id, paused)
        else:
            request = await _addressed(store, execution_id, paused, request_id)
            if request is None:  # sent again after it counted: no change
                return _as_stored(await store.load_execution(execution_id))
            decision = _checked(request, decision)
            if not await store.decide_request(request.request_id, decision):
                repeat = await _repeated_decision(store, execution_id, decision)
                if repeat is not None:
                    return repeat
                raise ASLError(
                    "States.InvalidDecision",
                    f"The request '{request.request_id}' was already decided differently",
                )
            decided = [(request, decision)]
        execution = self._execution(execution_id, paused.input)
        execution.events.extend(paused.events)
        execution.redrive_count = await _redrive_count(store, execution_id)
        execution.input_tokens = paused.tokens
        execution.cost = paused.cost
        if paused.group is None:
            execution.decisions[paused.state] = decided[0][1]
        else:
            await _hand_over(store, execution, paused.group)
        journal = None
        if self.durable:  # the rest of the run is journaled like any durable run
            owner = new_owner()
            await store.claim(execution_id, owner, self.lease_seconds)
            execution.durable = store
            journal = Journal(  # the pause was the last commit: its sequence is the store's
                store, execution, owner, self.lease_seconds, paused.sequence, len(paused.events)
            )
        return await self._execute(
            machine,
            execution,
            paused.data,
            paused.state,
            len(paused.events),
            paused.variables,
            resumed=True,
            journal=journal,
        )

    async def _expire(
        self, store: Store, paused: Resumption
    ) -> list[tuple[PendingRequest, dict[str, Any]]]:
        """Decide every pending request whose time is up (see :meth:`_expired`)."""
        decided = []
        for request in paused.pending:
            decision = await self._expired(store, request)
            if decision is not None and await store.decide_request(request.request_id, decision):
                decided.append((request, decision))
        return decided

    async def _expired(self, store: Store, request: PendingRequest) -> dict[str, Any] | None:
        """The decision a request whose time is up takes (an Approval's Timeout, a
        callback's TimeoutSeconds or HeartbeatSeconds); None while it may still wait."""
        now = self.clock.time()
        if request.kind == "approval":
            return approval_expiry(request, now)
        beat = await store.get_memory(HEARTBEATS, request.request_id)
        last = beat.value if beat is not None and isinstance(beat.value, int | float) else None
        return callback_expiry(request.payload, last, now)

    def sweep(self) -> dict[str, list[str]]:
        """Escalate and expire pending approvals; see :meth:`asweep`."""
        return self._sync(self.asweep(), "sweep")

    async def asweep(self) -> dict[str, list[str]]:
        """Do what waiting approvals need as time passes; run it every minute or so.

        An Approval whose ``Escalation.After`` has passed is escalated: the notifier
        tells ``Escalation.Notify``, once per level (``Repeat {Every, MaxTimes}`` adds
        levels). One whose ``Timeout`` has passed takes its timeout route. Only
        executions of this engine's workflow are touched; times come from its clock.
        Returns ``{"escalated": [request ids], "timedOut": [execution ids]}``.
        """
        store = await self.store()
        now = self.clock.time()
        escalated: list[str] = []
        expired: list[str] = []
        digest = definition_hash(self.definition)
        for request in await store.list_requests(pending_only=True):
            payload = request.payload if isinstance(request.payload, dict) else {}
            record = await _record(store, request.execution_id)
            if record is None or record.definition_hash != digest:
                continue
            if await self._expired(store, request) is not None:
                if request.execution_id not in expired:
                    await self.aresume(request.execution_id)
                    expired.append(request.execution_id)
                continue
            if payload.get("onTimeout") == "Escalate" and timed_out(request, now):
                if await self._escalate_timeout(store, request, payload):
                    escalated.append(request.request_id)
                continue
            escalation = payload.get("escalation")
            requested = payload.get("requestedAt")
            if not isinstance(escalation, dict) or not isinstance(requested, str):
                continue
            due = levels_due(escalation, now - parse_iso(requested))
            sent = await store.get_memory(ESCALATIONS, request.request_id)
            told = sent.value if sent is not None and isinstance(sent.value, int) else 0
            for level in range(told + 1, due + 1):
                recipients, message = level_notice(escalation, level)
                await self._notify(recipients, message, {**payload, "level": level})
            if due > told:
                await store.set_memory(ESCALATIONS, request.request_id, due)
                escalated.append(request.request_id)
        return {"escalated": escalated, "timedOut": expired}

    async def _escalate_timeout(
        self, store: Store, request: PendingRequest, payload: dict[str, Any]
    ) -> bool:
        """OnTimeout ``Escalate``: tell every escalation recipient once; it keeps waiting."""
        key = f"{request.request_id}#timeout"
        if await store.get_memory(ESCALATIONS, key) is not None:
            return False
        escalation = payload.get("escalation")
        await self._notify(
            all_recipients(escalation) if isinstance(escalation, dict) else [],
            "An approval timed out and waits for an escalated decision",
            {**payload, "level": "timeout"},
        )
        await store.set_memory(ESCALATIONS, key, True)
        return True

    async def _notify(self, recipients: list[str], message: str, details: dict[str, Any]) -> None:
        sent = self.notifier.notify(recipients, message, details)
        if inspect.isawaitable(sent):
            await sent

    def redrive(self, execution_id: str) -> WorkflowResult:
        """Run a FAILED execution again from the state that failed; see :meth:`aredrive`."""
        return self._sync(self.aredrive(execution_id), "redrive")

    async def aredrive(self, execution_id: str) -> WorkflowResult:
        """Restart a FAILED, TIMED_OUT or ABORTED durable execution from its failed state.

        As Step Functions' redrive: the states that succeeded are not run again; the
        execution continues with the input its failed state had (the output of the
        last committed transition) and keeps its id and history. Raises ASLError
        (``States.InvalidRedrive``) for an unknown execution or one that did not fail.
        """
        machine = self._compiled()
        store = await self.store()
        record = await _record(store, execution_id)
        if record is None or record.status not in ("FAILED", "TIMED_OUT", "ABORTED"):
            state = "unknown" if record is None else record.status
            raise ASLError(
                "States.InvalidRedrive",
                f"Execution '{execution_id}' is {state}: only a FAILED, TIMED_OUT or ABORTED "
                "durable execution can be redriven",
            )
        if record.definition_hash != definition_hash(self.definition):
            raise ASLError(
                "States.InvalidRedrive",
                f"Execution '{execution_id}' started with another version of the workflow",
            )
        await store.reopen_execution(execution_id)
        count = await _redrive_count(store, execution_id) + 1
        await store.set_memory(REDRIVES, execution_id, count)
        reopened = await store.load_execution(execution_id)
        return await self._recover(
            machine, store, reopened, definition_hash(self.definition), redriven=True
        )

    async def _recover(
        self,
        machine: StateMachine,
        store: Store,
        record: ExecutionRecord,
        digest: str,
        redriven: bool = False,
    ) -> WorkflowResult:
        """Continue a RUNNING execution whose process died (or was redriven), from its
        last commit."""
        if record.definition_hash != digest:
            raise ASLError(
                INVALID_RESUME,
                f"Execution '{record.execution_id}' started with another version of the workflow",
            )
        owner = new_owner()
        if not await store.claim(record.execution_id, owner, self.lease_seconds):
            raise ASLError(
                INVALID_RESUME,
                f"Execution '{record.execution_id}' is running in another process (its lease "
                "has not expired); resume it once that process is gone",
            )
        # Sequence 0: nothing committed yet (a worker's first run of a started execution).
        transitions = await store.history(record.execution_id) if record.sequence else []
        events = stored_events(transitions)
        execution = self._execution(record.execution_id, record.input)
        execution.events.extend(events)
        execution.redrive_count = await _redrive_count(store, record.execution_id)
        if redriven:  # as AWS records it, before the redriven state runs again
            execution.record(
                "ExecutionRedriven", None, None, {"redriveCount": execution.redrive_count}
            )
        start, data, variables = machine.start_at, record.input, None
        if transitions:
            last = transitions[-1]
            execution.input_tokens, execution.cost = last.tokens, last.cost
            data, variables = last.output, dict(last.variables)
            if last.next_state is None:  # it had ended; only the final status was lost
                await store.finish_execution(record.execution_id, "SUCCEEDED", output=data)
                await store.release(record.execution_id, owner)
                return WorkflowResult(
                    status="SUCCEEDED",
                    execution_id=record.execution_id,
                    output=data,
                    events=execution.events,
                    tokens_used=last.tokens,
                    cost=last.cost,
                )
            start = last.next_state
            group = await load_group(store, record.execution_id, last)
            if group is not None:  # it crashed while resuming a paused Map or Parallel
                await _hand_over(store, execution, group)
        else:
            execution.record("ExecutionStarted", None, "input", record.input)
        execution.durable = store
        journal = Journal(store, execution, owner, self.lease_seconds, record.sequence, len(events))
        return await self._execute(
            machine,
            execution,
            data,
            start,
            len(events),
            variables,
            resumed=True,
            journal=journal,
        )

    def send_task_success(self, token: str, output: Any) -> WorkflowResult:
        """End a ``.waitForTaskToken`` Task with its output (AWS's SendTaskSuccess)."""
        return self._sync(self.asend_task_success(token, output), "send_task_success")

    def send_task_failure(self, token: str, error: str, cause: str = "") -> WorkflowResult:
        """Fail a ``.waitForTaskToken`` Task (AWS's SendTaskFailure); Retry/Catch apply."""
        return self._sync(self.asend_task_failure(token, error, cause), "send_task_failure")

    def send_task_heartbeat(self, token: str) -> None:
        """Tell a waiting ``.waitForTaskToken`` Task the work is alive (SendTaskHeartbeat)."""
        self._sync(self.asend_task_heartbeat(token), "send_task_heartbeat")

    async def asend_task_success(self, token: str, output: Any) -> WorkflowResult:
        execution_id = await self._token_execution(token)
        return await self.aresume(execution_id, {"output": output}, request_id=token)

    async def asend_task_failure(self, token: str, error: str, cause: str = "") -> WorkflowResult:
        outcome = {"error": error, "cause": cause}
        return await self.aresume(await self._token_execution(token), outcome, request_id=token)

    async def asend_task_heartbeat(self, token: str) -> None:
        """Reset the Task's HeartbeatSeconds countdown; see :meth:`send_task_heartbeat`.

        Raises ASLError ``States.InvalidToken`` for an unknown token and
        ``States.TaskTimedOut`` for a Task that is no longer waiting.
        """
        await self._token_execution(token)
        store = await self.store()
        await store.set_memory(HEARTBEATS, token, self.clock.time())

    async def _token_execution(self, token: str) -> str:
        """The execution a token belongs to, once its deadlines are checked.

        As on AWS, a token whose Task timed out is refused with
        ``States.TaskTimedOut``; the execution goes on with the timeout failure.
        """
        store = await self.store()
        try:
            request = await store.get_request(token)
        except UnknownRequestError:
            raise ASLError(
                "States.InvalidToken", f"No task waits for the token '{token}' in this store"
            ) from None
        if request.pending and await self._expired(store, request) is not None:
            await self.aresume(request.execution_id)  # the Task fails; the execution goes on
            raise ASLError("States.TaskTimedOut", f"The task token '{token}' has timed out")
        if _timed_out_outcome(request.decision):
            raise ASLError("States.TaskTimedOut", f"The task token '{token}' has timed out")
        return request.execution_id

    def _sync(self, work: Coroutine[Any, Any, T], name: str) -> T:
        if loop_running():
            work.close()
            raise RuntimeError(
                f"WorkflowEngine.{name}() was called from a running event loop; "
                f"use 'await engine.a{name}(...)' there instead"
            )
        return asyncio.run(work)

    def restart(
        self, execution_id: str, checkpoint: str, *, new_execution_id: str | None = None
    ) -> WorkflowResult:
        """Start a new execution from a named checkpoint; see :meth:`arestart`."""
        work = self.arestart(execution_id, checkpoint, new_execution_id=new_execution_id)
        return self._sync(work, "restart")

    async def arestart(
        self, execution_id: str, checkpoint: str, *, new_execution_id: str | None = None
    ) -> WorkflowResult:
        """A new execution (``<id>-from-<name>`` unless named) that continues after a checkpoint.

        It starts at the state after the Checkpoint with the data and variables saved
        there. Raises ASLError (``States.InvalidRestart``) for a checkpoint that is
        unknown or expired, saved by another version of the workflow, or inside a Map
        or Parallel.
        """
        machine = self._compiled()
        saved = await (await self.store()).load_checkpoint(execution_id, checkpoint)
        if saved is None or not isinstance(saved.data, dict):
            raise ASLError(
                "States.InvalidRestart",
                f"Execution '{execution_id}' has no checkpoint '{checkpoint}' "
                "(never saved, or expired)",
            )
        data = saved.data
        if data.get("definition") != definition_hash(self.definition):
            raise ASLError(
                "States.InvalidRestart",
                f"Checkpoint '{checkpoint}' was saved by another version of the workflow",
            )
        state = data.get("state")
        if not data.get("restartable") or not isinstance(state, str):
            raise ASLError(
                "States.InvalidRestart",
                f"Checkpoint '{checkpoint}' is inside a Map or Parallel, or ends the workflow: "
                "there is nothing to restart from",
            )
        execution = self._execution(
            new_execution_id or f"{execution_id}-from-{checkpoint}", data.get("input")
        )
        execution.record("ExecutionStarted", None, "input", execution.input)
        variables = data.get("variables")
        return await self._execute(
            machine,
            execution,
            data.get("data"),
            state,
            0,
            dict(variables) if isinstance(variables, dict) else None,
        )


async def _addressed(
    store: Store, execution_id: str, paused: Resumption, request_id: str | None
) -> PendingRequest | None:
    """The pending request a decision is for; None when it was decided already."""
    pending = paused.pending
    if request_id is None:
        if len(pending) == 1:
            return pending[0]
        listed = ", ".join(request.request_id for request in pending)
        raise ASLError(
            "States.InvalidDecision",
            f"Execution '{execution_id}' waits on {len(pending)} requests ({listed}); "
            "name the one you decide (request_id=..., or --request in the CLI)",
        )
    for request in pending:
        if request.request_id == request_id:
            return request
    try:
        known = await store.get_request(request_id)
    except UnknownRequestError:
        known = None
    if known is None or known.execution_id != execution_id:
        raise ASLError(
            "States.InvalidDecision",
            f"Execution '{execution_id}' has no request '{request_id}'; "
            "'asl executions show' lists its requests",
        )
    return None


def approval_expiry(request: PendingRequest, now: float) -> dict[str, Any] | None:
    """An Approval's Timeout passed (``approval: "timeout"``, which its OnTimeout reads), or
    an escalation level that approves on its own was reached; None while it waits."""
    payload = request.payload if isinstance(request.payload, dict) else {}
    if timed_out(request, now) and payload.get("onTimeout") != "Escalate":
        return {"approval": "timeout", "approver": "system"}
    requested = payload.get("requestedAt")
    if not isinstance(requested, str):
        return None
    level = auto_approved_at(payload.get("escalation"), now - parse_iso(requested))
    if level is None:
        return None
    return {"approval": "approve", "approver": "system", "comment": f"escalation level {level}"}


def _timed_out_outcome(decision: Any) -> bool:
    return isinstance(decision, dict) and decision.get("error") in (TIMEOUT, HEARTBEAT_TIMEOUT)


def _checked(request: PendingRequest, decision: Any) -> dict[str, Any]:
    if request.kind == "callback":
        return check_outcome(decision)
    payload = request.payload if isinstance(request.payload, dict) else {}
    if request.kind == "feedback":
        return check_answer(decision, payload)
    listed = payload.get("options")
    return check_decision(decision, [str(o) for o in listed] if isinstance(listed, list) else [])


async def _hand_over(store: Store, execution: Execution, group: dict[str, Any]) -> None:
    """Give the re-entered container its parked branches and every decision taken for them.

    Decisions come from the store, not only from this call: one taken by a resume
    that then crashed must still reach its branch.
    """
    execution.resuming[str(group["state"])] = group
    for parked in group["parked"].values():
        request_id = parked["request"]["requestId"]
        try:
            request = await store.get_request(request_id)
        except UnknownRequestError:
            continue
        if request.decision is not None:
            execution.decisions[request_id] = request.decision


REDRIVES = "asl.redrives"  # memory namespace: how many times each execution was redriven


async def _redrive_count(store: Store, execution_id: str) -> int:
    entry = await store.get_memory(REDRIVES, execution_id)
    return entry.value if entry is not None and isinstance(entry.value, int) else 0


async def _record(store: Store, execution_id: str) -> ExecutionRecord | None:
    try:
        return await store.load_execution(execution_id)
    except UnknownExecutionError:
        return None


def check_outcome(outcome: Any) -> dict[str, Any]:
    """What ends a callback: ``{"output": ...}`` or ``{"error": ..., "cause": ...}``."""
    if isinstance(outcome, dict) and ("output" in outcome or isinstance(outcome.get("error"), str)):
        return outcome
    raise ASLError(
        "States.InvalidDecision",
        'A task outcome is {"output": VALUE} or {"error": NAME, "cause": TEXT}',
    )


def _still_paused(execution_id: str, paused: Resumption) -> WorkflowResult:
    """A resume with nothing to decide yet: the execution stays as it is."""
    return WorkflowResult(
        status="PAUSED",
        execution_id=execution_id,
        events=paused.events,
        tokens_used=paused.tokens,
        cost=paused.cost,
        paused_at_state=paused.state,
        pending_input=paused.pending_input,
        checkpoint_data=paused.data,
    )


async def _repeated_decision(
    store: Store, execution_id: str, decision: Any
) -> WorkflowResult | None:
    """A decision sent again after it was taken: the execution as it now stands, no change."""
    if decision is None:
        return None
    for request in await store.list_requests(execution_id, pending_only=False):
        if request.decision == decision or (
            isinstance(request.decision, dict)
            and isinstance(decision, dict)
            and decision.get("approval") is not None  # feedback answers must be equal
            and request.decision.get("approval") == decision.get("approval")
        ):
            return _as_stored(await store.load_execution(execution_id))
    return None


def _as_stored(record: ExecutionRecord) -> WorkflowResult:
    """The result of an execution as its store has it (no history: it is not replayed)."""
    return WorkflowResult(
        status=record.status,
        execution_id=record.execution_id,
        output=record.output,
        error=record.error,
        cause=record.cause,
        tokens_used=record.tokens,
        cost=record.cost,
    )


def loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
