"""The public entry point: load a document, validate it, run it.

``arun`` is the engine; ``run`` is a thin synchronous wrapper. A failing
execution never raises: it comes back as a FAILED (or TIMED_OUT) result.
Only a document that cannot run at all (invalid, or using a state type this
version cannot execute) raises, before any execution starts.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import sys
import time
import uuid
from collections.abc import Mapping
from typing import Any

from asl.agents.registry import AgentRegistry
from asl.budget import BudgetPlan, Meter, PriceTable
from asl.definition.expand import expand
from asl.definition.load import Document, load_dict, load_file, load_text
from asl.definition.validate import validate
from asl.language.errors import TIMEOUT, ASLError, Diagnostic, ValidationError
from asl.runtime.clock import Clock, SystemClock
from asl.runtime.compile import compile_machine
from asl.runtime.distribution import Suspended, suspend
from asl.runtime.durable import (
    DEFINITIONS,
    INVALID_RESUME,
    definition_hash,
    load_definition,
    save_pause,
)
from asl.runtime.execution import (
    Concurrency,
    Execution,
    Scope,
    StateEnterHook,
    StateExitHook,
)
from asl.runtime.journal import DEFAULT_LEASE_SECONDS, Journal, new_owner
from asl.runtime.machine import Commit, StateMachine, run_machine
from asl.runtime.memory import memory_store_url
from asl.runtime.notify import LogNotifier
from asl.runtime.observable import Observable
from asl.runtime.pause import Paused
from asl.runtime.payload_size import DEFAULT_LIMIT, check_input
from asl.runtime.result import Status, WorkflowResult
from asl.runtime.resumable import Resumable, loop_running
from asl.store import (
    Store,
    open_store,
    process_store,
)

logger = logging.getLogger("asl.engine")

DEFAULT_MAX_EVENTS = 25_000  # AWS Step Functions' history quota per execution


class _TimedOut(Exception):
    pass


class WorkflowEngine(Resumable, Observable):
    """Runs one workflow document with the agents of a registry."""

    def __init__(
        self,
        definition: Document | Mapping[str, Any],
        registry: AgentRegistry | None = None,
        *,
        clock: Clock | None = None,
        payload_limit: int = DEFAULT_LIMIT,
        max_events: int | None = DEFAULT_MAX_EVENTS,
        name: str | None = None,
        store: str | Store | None = None,
        approval_handler: Any = None,
        durable: bool | None = None,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        notifier: Any = None,
        renew_lease: bool = False,
        prices: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.document = definition if isinstance(definition, Document) else load_dict(definition)
        self.registry = registry if registry is not None else AgentRegistry()
        self.clock: Clock = clock or SystemClock()
        self.payload_limit = payload_limit
        self.max_events = max_events
        source = self.document.source
        self.name = name or (_stem(source) if source else "StateMachine")
        self._on_enter: list[StateEnterHook] = []
        self._on_exit: list[StateExitHook] = []
        self._machine: StateMachine | None = None
        self._expanded: dict[str, Any] | None = None
        self._store_option = store
        self._store: Store | None = store if isinstance(store, Store) else None
        self.approval_handler = approval_handler
        self._memory: Store | None = None
        # Journal every transition when a store was given (crash recovery), unless told.
        self.durable = durable if durable is not None else store is not None
        self.lease_seconds = lease_seconds
        # Renew the lease in the background too, not only at commits: for a service
        # whose states may outlast the lease (a slow agent, a long Wait).
        self.renew_lease = renew_lease
        self.notifier = notifier if notifier is not None else LogNotifier()
        self._listeners = []  # on_event listeners (asl.runtime.observable)
        self._event_plan = None
        # Per-million-token prices that win over the bundled price data (asl.budget).
        self.prices = PriceTable(prices)
        self._budget: BudgetPlan | None = None

    @classmethod
    def from_file(
        cls, path: str | os.PathLike[str], registry: AgentRegistry | None = None, **options: Any
    ) -> WorkflowEngine:
        return cls(load_file(path), registry, **options)

    @classmethod
    def from_json(
        cls, text: str, registry: AgentRegistry | None = None, **options: Any
    ) -> WorkflowEngine:
        return cls(load_text(text), registry, **options)

    @classmethod
    def from_dict(
        cls, definition: Mapping[str, Any], registry: AgentRegistry | None = None, **options: Any
    ) -> WorkflowEngine:
        return cls(load_dict(definition), registry, **options)

    @property
    def definition(self) -> dict[str, Any]:
        """The document as it runs: Includes expanded, WorkflowIds resolved (composition)."""
        if self._expanded is None:
            self._expanded = expand(self.document).document.data
        return self._expanded

    def register_agent(self, name: str, agent: Any) -> WorkflowEngine:
        self.registry.register(name, agent)
        return self

    def on_state_enter(self, hook: StateEnterHook) -> WorkflowEngine:
        """Call ``hook(state_name, state_input)`` whenever a state is entered."""
        self._on_enter.append(hook)
        return self

    def on_state_exit(self, hook: StateExitHook) -> WorkflowEngine:
        """Call ``hook(state_name, output, seconds)`` whenever a state exits normally."""
        self._on_exit.append(hook)
        return self

    # -- validation ---------------------------------------------------------------------

    def diagnostics(self) -> list[Diagnostic]:
        """Every problem and warning, agent names checked against the registry."""
        return validate(self.document, self.registry.names())

    def validate(self) -> None:
        """Raise ValidationError listing every error (warnings do not count)."""
        errors = [d for d in self.diagnostics() if d.severity == "error"]
        if errors:
            raise ValidationError(errors, self.document.source)

    def _compiled(self) -> StateMachine:
        if self._machine is None:
            # Agents are looked up when a Task runs, so the registry may still change.
            errors = [d for d in validate(self.document, None) if d.severity == "error"]
            if errors:
                raise ValidationError(errors, self.document.source)
            try:
                self._machine = compile_machine(self.definition)
            except (KeyError, TypeError, ValueError, AttributeError) as bug:
                # Validation should have rejected what cannot compile; say so, not a traceback.
                logger.exception("a document that validated failed to compile")
                problem = Diagnostic(
                    "INVALID_DOCUMENT",
                    f"the engine could not compile this document ({type(bug).__name__}: {bug}); "
                    "please report it with the document",
                    "",
                )
                raise ValidationError([problem], self.document.source) from bug
        return self._machine

    # -- running ------------------------------------------------------------------------

    def run(self, input: Any = None, *, execution_id: str | None = None) -> WorkflowResult:
        """Run to the end and return the result; use :meth:`arun` inside an event loop."""
        if loop_running():
            raise RuntimeError(
                "WorkflowEngine.run() was called from a running event loop; "
                "use 'await engine.arun(...)' there instead"
            )
        return asyncio.run(self.arun(input, execution_id=execution_id))

    async def arun(
        self,
        input: Any = None,
        *,
        execution_id: str | None = None,
        parent: dict[str, Any] | None = None,
    ) -> WorkflowResult:
        """Run to the end; ``parent`` (a Workflow state's child) goes into ExecutionStarted."""
        machine = self._compiled()
        execution_input = {} if input is None else input
        execution = self._execution(execution_id or str(uuid.uuid4()), execution_input)
        if parent is None:
            execution.record("ExecutionStarted", None, "input", execution_input)
        else:
            execution.record("ExecutionStarted", None, None, {"input": execution_input, **parent})
        journal = await self._start_journal(machine, execution) if self.durable else None
        return await self._execute(machine, execution, execution_input, None, 0, journal=journal)

    async def _start_journal(self, machine: StateMachine, execution: Execution) -> Journal:
        """Record a new durable execution and take its lease."""
        store = await self.store()
        digest = definition_hash(self.definition)
        await store.set_memory(DEFINITIONS, digest, self.definition)
        record = await store.create_execution(
            execution.id, digest, execution.input, machine.start_at
        )
        owner = new_owner()
        if not await store.claim(execution.id, owner, self.lease_seconds):
            raise ASLError(
                INVALID_RESUME, f"Execution '{execution.id}' is already running elsewhere"
            )
        execution.durable = store
        return Journal(store, execution, owner, self.lease_seconds, record.sequence, 0)

    @classmethod
    async def afrom_store(
        cls,
        execution_id: str,
        registry: AgentRegistry | None = None,
        *,
        store: str | Store,
        **options: Any,
    ) -> WorkflowEngine:
        """The engine for an execution, built from the document it started with."""
        engine = cls({"StartAt": "_", "States": {}}, registry, store=store, **options)
        document = await load_definition(await engine.store(), execution_id)
        return cls(document, registry, store=engine._store or store, **options)

    def set_approval_handler(self, handler: Any) -> WorkflowEngine:
        """``handler(request)`` returns a decision dict, or None to pause the execution."""
        self.approval_handler = handler
        return self

    def use_store(self, store: Store) -> WorkflowEngine:
        """Keep paused and durable executions in ``store`` from now on."""
        self._store = store
        return self

    async def store(self) -> Store:
        """The store paused executions go to: the one given, else this process's memory."""
        if self._store is None:
            option = self._store_option
            self._store = await open_store(option) if isinstance(option, str) else process_store()
        return self._store

    def _execution(self, execution_id: str, execution_input: Any) -> Execution:
        execution = Execution(
            execution_id,
            self.name,
            execution_input,
            self.registry,
            self.clock,
            self.payload_limit,
            self._on_enter,
            self._on_exit,
            self.max_events if self.max_events is not None else sys.maxsize,
            self._open_bus(execution_id),
        )
        execution.open_store = self.store
        execution.approval_handler = self.approval_handler
        if self._budget is None:
            self._budget = BudgetPlan(self.definition, self.prices)
        execution.budget = Meter(self._budget, execution, self.store, self.notifier)
        execution.checkpoints = functools.partial(self._save_checkpoint, execution)
        workflow_memory = self.definition.get("Memory")
        execution.memory = (
            workflow_memory if isinstance(workflow_memory, dict) else {},
            self._memory_store,
        )
        return execution

    async def _memory_store(self) -> Store:
        """Where Memory blocks read and write: the workflow's Memory backend, else the store."""
        if self._memory is None:
            settings = self.definition.get("Memory")
            url = memory_store_url(settings) if isinstance(settings, dict) else None
            self._memory = await open_store(url) if url else await self.store()
        return self._memory

    async def _save_checkpoint(
        self, execution: Execution, name: str, saved: dict[str, Any], ttl: float | None
    ) -> None:
        saved = {**saved, "input": execution.input, "definition": definition_hash(self.definition)}
        await (await self.store()).save_checkpoint(execution.id, name, saved, ttl_seconds=ttl)

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
    ) -> WorkflowResult:
        started = time.perf_counter()
        status: Status = "SUCCEEDED"
        output: Any = None
        error: str | None = None
        cause: str | None = None
        paused: Paused | None = None
        suspended: Suspended | None = None  # a service's timer: the worker lets go
        scope = Scope(execution, variables=variables)
        execution.top_variables = scope.variables
        Concurrency.active += 1
        renewing = (
            asyncio.ensure_future(journal.keep_leased())
            if journal is not None and self.renew_lease
            else None
        )
        try:
            check_input(execution.input, self.payload_limit)
            await execution.budget.begin(resumed)
            commit = None
            if journal is not None:
                first = start or machine.start_at
                journal.position = (first, data, first)
                commit = journal.commit
            output = await self._run_with_timeout(machine, scope, data, start, commit)
            execution.record("ExecutionSucceeded", None, "output", output)
        except Paused as pause:
            paused, status = pause, "PAUSED"
            execution.record("ExecutionPaused", pause.state, None, {"request": pause.request})
        except Suspended as timer:
            suspended, status = timer, "RUNNING"
        except _TimedOut:
            status, error = "TIMED_OUT", TIMEOUT
            limit = self.definition["TimeoutSeconds"]
            cause = f"The execution ran longer than its TimeoutSeconds ({limit} s)"
            execution.record("ExecutionTimedOut", None, None, {"error": error, "cause": cause})
        except ASLError as failure:
            status, error, cause = "FAILED", failure.error or None, failure.cause or None
            execution.record("ExecutionFailed", None, None, {"error": error, "cause": cause})
        except Exception as bug:  # never let an engine bug escape as a traceback
            logger.exception("execution %s failed inside the engine", execution.id)
            status, error = "FAILED", "States.Runtime"
            cause = f"Internal error in the engine: {type(bug).__name__}: {bug}"
            execution.record("ExecutionFailed", None, None, {"error": error, "cause": cause})
        finally:
            Concurrency.active -= 1
            if renewing is not None:
                renewing.cancel()
        await execution.budget.end("PAUSED" if suspended is not None else status)
        if suspended is not None and journal is not None:
            await suspend(journal, suspended)  # keeps the lease until the wake-up time
        elif paused is not None:
            await save_pause(
                await self.store(),
                execution,
                self.definition,
                definition_hash(self.definition),
                machine.start_at,
                paused,
                journal.committed_events if journal is not None else committed_events,
                journal.prior if journal is not None else None,
            )
        elif (resumed or journal is not None) and status != "PAUSED" and status != "RUNNING":
            if journal is not None:
                await journal.commit_tail()
            await (await self.store()).finish_execution(
                execution.id, status, output=output, error=error, cause=cause
            )
        if journal is not None and suspended is None:
            await journal.store.release(execution.id, journal.owner)
        await self._close_bus(execution)
        return WorkflowResult(
            status=status,
            execution_id=execution.id,
            output=output if status == "SUCCEEDED" else None,
            error=error,
            cause=cause,
            events=execution.events,
            duration=time.perf_counter() - started,
            tokens_used=execution.tokens_used,
            cost=execution.cost,
            cost_report=execution.budget.report(),
            paused_at_state=paused.state if paused else None,
            pending_input=paused.request if paused else None,
            checkpoint_data=paused.state_input if paused else None,
        )

    async def _run_with_timeout(
        self,
        machine: StateMachine,
        scope: Scope,
        data: Any,
        start: str | None,
        commit: Commit | None,
    ) -> Any:
        execution = scope.execution
        timeout = self.definition.get("TimeoutSeconds")
        if not isinstance(timeout, int) or isinstance(timeout, bool):
            return await run_machine(machine, data, scope, start, commit)
        run = asyncio.ensure_future(run_machine(machine, data, scope, start, commit))
        sleeper = asyncio.ensure_future(execution.clock.sleep(timeout))
        try:
            done, _ = await asyncio.wait({run, sleeper}, return_when=asyncio.FIRST_COMPLETED)
            if run in done:
                return run.result()
            raise _TimedOut
        finally:
            for task in (run, sleeper):
                if not task.done():
                    task.cancel()


def _stem(source: str) -> str:
    base = os.path.basename(source)
    for suffix in (".asl.json", ".asl.yaml", ".asl.yml", ".json", ".yaml", ".yml"):
        if base.endswith(suffix):
            return base[: -len(suffix)]
    return base
