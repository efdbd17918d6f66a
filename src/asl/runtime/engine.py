"""The public entry point: load a document, validate it, run it.

``arun`` is the engine; ``run`` is a thin synchronous wrapper. A failing
execution never raises: it comes back as a FAILED (or TIMED_OUT) result.
Only a document that cannot run at all (invalid, or using a state type this
version cannot execute) raises, before any execution starts.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
import uuid
from collections.abc import Mapping
from typing import Any

from asl.agents.registry import AgentRegistry
from asl.definition.load import Document, load_dict, load_file, load_text
from asl.definition.validate import validate
from asl.language.errors import TIMEOUT, ASLError, Diagnostic, ValidationError
from asl.runtime.clock import Clock, SystemClock
from asl.runtime.compile import compile_machine
from asl.runtime.execution import (
    Concurrency,
    Execution,
    Scope,
    StateEnterHook,
    StateExitHook,
)
from asl.runtime.machine import StateMachine, run_machine
from asl.runtime.payload_size import DEFAULT_LIMIT, check_input
from asl.runtime.result import Status, WorkflowResult

logger = logging.getLogger("asl.engine")

DEFAULT_MAX_EVENTS = 25_000  # AWS Step Functions' history quota per execution


class _TimedOut(Exception):
    pass


class WorkflowEngine:
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
        return self.document.data

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
                self._machine = compile_machine(self.document.data)
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
        if _loop_running():
            raise RuntimeError(
                "WorkflowEngine.run() was called from a running event loop; "
                "use 'await engine.arun(...)' there instead"
            )
        return asyncio.run(self.arun(input, execution_id=execution_id))

    async def arun(self, input: Any = None, *, execution_id: str | None = None) -> WorkflowResult:
        machine = self._compiled()
        execution_input = {} if input is None else input
        execution = Execution(
            execution_id or str(uuid.uuid4()),
            self.name,
            execution_input,
            self.registry,
            self.clock,
            self.payload_limit,
            self._on_enter,
            self._on_exit,
            self.max_events if self.max_events is not None else sys.maxsize,
        )
        started = time.perf_counter()
        execution.record("ExecutionStarted", None, "input", execution_input)
        status: Status = "SUCCEEDED"
        output: Any = None
        error: str | None = None
        cause: str | None = None
        Concurrency.active += 1
        try:
            check_input(execution_input, self.payload_limit)
            output = await self._run_with_timeout(machine, execution)
            execution.record("ExecutionSucceeded", None, "output", output)
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
        )

    async def _run_with_timeout(self, machine: StateMachine, execution: Execution) -> Any:
        scope = Scope(execution)
        timeout = self.definition.get("TimeoutSeconds")
        if not isinstance(timeout, int) or isinstance(timeout, bool):
            return await run_machine(machine, execution.input, scope)
        run = asyncio.ensure_future(run_machine(machine, execution.input, scope))
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


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _stem(source: str) -> str:
    base = os.path.basename(source)
    for suffix in (".asl.json", ".asl.yaml", ".asl.yml", ".json", ".yaml", ".yml"):
        if base.endswith(suffix):
            return base[: -len(suffix)]
    return base
