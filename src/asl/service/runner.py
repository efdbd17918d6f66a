"""Running one execution by its id: what a worker (or a broker-less server) does per message.

The API only records an execution (RUNNING, at its first state) and hands its id
on; the runner loads the record and the document it was started with, and asks
the engine to continue it from the journal: the first run and the recovery of a
crashed one are the same call (:meth:`WorkflowEngine.aresume` of a RUNNING
execution continues from its last committed transition). The store's lease makes
a second delivery of the same message harmless: whoever holds the lease runs, the
other returns at once, and a finished execution is answered from the store.

Every run ends with a notification (the API's waiters and event streams wake up),
metrics, and a span; logs carry the execution and state ids.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from opentelemetry.trace import use_span

from asl.agents.registry import AgentRegistry
from asl.language.errors import ASLError
from asl.runtime.distribution import armed
from asl.runtime.engine import WorkflowEngine
from asl.runtime.history import iso_timestamp
from asl.runtime.result import WorkflowResult
from asl.service import logs, tracing
from asl.service.metrics import observe_run
from asl.service.workflows import load_document
from asl.store import (
    Store,
    StoreConflictError,
    StoreError,
    UnknownExecutionError,
)

if TYPE_CHECKING:
    from asl.service.timers import TimerService

logger = logging.getLogger("asl.service")

EXECUTIONS = "asl.service.executions"
"""Memory namespace: per execution, ``{"workflow", "version", "trace"}``."""

Notify = Callable[[str], Awaitable[None]]


class Runner:
    """Runs executions from a store with one registry; engines are built once per document."""

    def __init__(
        self,
        store: Store,
        registry: AgentRegistry,
        notify: Notify,
        *,
        lease_seconds: float,
    ) -> None:
        self.store = store
        self.registry = tracing.traced_registry(registry)
        self.notify = notify
        self.lease_seconds = lease_seconds
        self._engines: dict[tuple[str, str], WorkflowEngine] = {}
        # A worker's long Waits and back-offs become timers, Map items and Parallel
        # branches units (asl.service.timers, asl.service.fanout).
        self.timers: TimerService | None = None

    async def run(self, execution_id: str, decision: Any = None) -> WorkflowResult | None:
        """Continue the execution (with an approval or callback ``decision``); never raises."""
        token = logs.execution_id.set(execution_id)
        try:
            return await self._run(execution_id, decision)
        except (ASLError, StoreError) as refusal:
            # Another process holds the lease, the execution was stopped, or the
            # decision no longer fits: the store is consistent, nothing to undo.
            logger.info("run not continued: %s", getattr(refusal, "cause", refusal))
            return None
        except Exception:
            logger.exception("run failed inside the service")
            return None
        finally:
            logs.execution_id.reset(token)
            await self.notify(execution_id)

    async def _run(self, execution_id: str, decision: Any) -> WorkflowResult | None:
        try:
            record, meta = await asyncio.gather(  # two reads, one wait
                self.store.load_execution(execution_id),
                self.store.get_memory(EXECUTIONS, execution_id),
            )
        except UnknownExecutionError:
            logger.warning("no such execution in the store")
            return None
        about = meta.value if meta is not None and isinstance(meta.value, dict) else {}
        workflow = str(about.get("workflow") or "StateMachine")
        engine = await self._engine(record.definition_hash, workflow)
        if engine is None:
            await self.store.finish_execution(
                execution_id,
                "FAILED",
                error="States.Runtime",
                cause="The workflow document of this execution is not in the store",
            )
            return None
        span = tracing.tracer().start_span(
            f"invoke_workflow {workflow}",
            context=tracing.parent_context(about.get("trace")),
            attributes={
                "gen_ai.operation.name": "invoke_workflow",
                "gen_ai.workflow.name": workflow,
                "asl.execution.id": execution_id,
            },
        )
        ids = tracing.span_ids(span)
        if ids is not None and "trace" not in about:
            await self.store.merge_memory(EXECUTIONS, execution_id, {"trace": dict(ids)})
        with use_span(span, end_on_exit=True):
            logger.debug("execution run started", extra={"workflow": workflow})
            try:
                with armed(self.timers.arm(about) if self.timers is not None else None):
                    result = await engine.aresume(execution_id, decision, record=record)
            except StoreConflictError:
                logger.info("the execution was stopped while it ran")
                return None
            since = iso_timestamp(record.updated_at - 0.001)  # ISO strings sort by time
            history = [event for event in result.trace if str(event["timestamp"]) >= since]
            tracing.finish_run_span(span, result, history)
        if result.trace:  # an answer from the store (it had ended) is not a run
            observe_run(workflow, result, history, record.tokens, record.cost)
            logger.debug(
                "execution run ended",
                extra={"status": result.status, "workflow": workflow},
            )
        return result

    async def _engine(self, digest: str, workflow: str) -> WorkflowEngine | None:
        engine = self._engines.get((digest, workflow))
        if engine is None:
            document = await load_document(self.store, digest)
            if document is None:
                return None
            engine = WorkflowEngine(
                document,
                self.registry,
                name=workflow,
                store=self.store,
                durable=True,
                lease_seconds=self.lease_seconds,
                renew_lease=True,
            )
            engine.on_state_enter(_enter_state)
            self._engines[(digest, workflow)] = engine
        return engine


def _enter_state(state: str, _input: Any) -> None:
    logs.state_name.set(state)
