"""The Map state: run a sub-machine once per item of an array, outputs in item order.

``ItemSelector`` (or the legacy ``Parameters``) builds each iteration's input
with ``$`` = the Map's effective input and ``$$.Map.Item`` = the item;
``ItemBatcher`` groups items; ``MaxConcurrency`` bounds how many run at once
(0: no bound); ``ToleratedFailureCount``/``Percentage`` let some items fail,
their outputs being the error objects.
"""

from __future__ import annotations

from typing import Any

from asl.language.errors import EXCEED_TOLERATED_FAILURE_THRESHOLD, RUNTIME, ASLError
from asl.language.paths import NoResults, Path, compile_reference_path
from asl.language.payload import Payload, compile_payload
from asl.runtime.concurrent import run_all
from asl.runtime.dataflow import compile_selector, no_results
from asl.runtime.execution import Scope
from asl.runtime.machine import StateMachine, run_machine, sync_runner
from asl.runtime.retry import error_output
from asl.runtime.states.base import RecoverableState, failure, located


class _Setting:
    """A number given directly (``Field``) or read from the input (``FieldPath``)."""

    __slots__ = ("default", "field", "path", "value")

    def __init__(self, raw: dict[str, Any], field: str, default: float | None) -> None:
        self.field = field
        self.default = default
        self.value = raw.get(field)
        path = raw.get(field + "Path")
        self.path: Path | None = compile_reference_path(path) if isinstance(path, str) else None

    def resolve(self, data: Any, context: Any) -> float | None:
        if self.path is None:
            return self.default if self.value is None else self.value
        try:
            value = self.path.evaluate(data, context)
        except NoResults:
            raise no_results(self.path, data, context) from None
        if type(value) not in (int, float) or value < 0:
            raise ASLError(
                RUNTIME,
                f'The {self.field}Path field refers to value "{value}" '
                "which is not a valid non-negative number",
            )
        return value  # type: ignore[no-any-return]


class MapState(RecoverableState):
    type = "Map"
    entered_event = "MapStateEntered"
    exited_event = "MapStateExited"
    has_parameters = False  # Map's Parameters is the legacy name of ItemSelector

    def __init__(self, name: str, raw: dict[str, Any], machine: StateMachine) -> None:
        super().__init__(name, raw)
        self.machine = machine
        self.items_path = compile_selector(raw, "ItemsPath")
        template = raw.get("ItemSelector", raw.get("Parameters"))
        self.item_selector: Payload | None = (
            compile_payload(template) if template is not None else None
        )
        self.max_concurrency = _Setting(raw, "MaxConcurrency", 0)
        self.tolerated_count = _Setting(raw, "ToleratedFailureCount", None)
        self.tolerated_percentage = _Setting(raw, "ToleratedFailurePercentage", None)
        batcher = raw.get("ItemBatcher")
        self.batch_size: _Setting | None = None
        self.batch_input: Payload | None = None
        if isinstance(batcher, dict):
            self.batch_size = _Setting(batcher, "MaxItemsPerBatch", 0)
            if "BatchInput" in batcher:
                self.batch_input = compile_payload(batcher["BatchInput"])
        self.needs_context = True  # ItemSelector and settings paths may read $$

    async def attempt(self, data: Any, scope: Scope, entered: int, retry_count: int) -> Any:
        execution = scope.execution
        record = execution.record
        name = self.name
        context = scope.context_object(name, entered, retry_count)
        effective = self.prepare(data, context, entered)
        try:
            items = self._items(effective, context)
            inputs = self._inputs(items, effective, scope, entered, retry_count)
            limit = int(self.max_concurrency.resolve(effective, context) or 0)
            tolerated = self._tolerance(effective, context, len(inputs))
        except ASLError as error:
            raise located(error, name, entered) from None
        record("MapStateStarted", name, "length", len(inputs))
        try:
            results = await self._iterate(inputs, scope, limit, tolerated)
        except ASLError as error:
            caught = ASLError(error.error, error.cause)
            record("MapStateFailed", name, None, failure(caught))
            raise caught from None
        record("MapStateSucceeded", name, None, None)
        return self.finish(data, results, context, entered)

    def _items(self, effective: Any, context: Any) -> list[Any]:
        items = self.items_path(effective, context) if self.items_path else effective
        if not isinstance(items, list):
            raise ASLError(
                RUNTIME,
                "Map state input must be an array, but ItemsPath selected "
                f"{'an object' if isinstance(items, dict) else type(items).__name__}",
            )
        return items

    def _inputs(
        self, items: list[Any], effective: Any, scope: Scope, entered: int, retry_count: int
    ) -> list[Any]:
        selector = self.item_selector
        if selector is not None:
            execution = scope.execution
            name = self.name
            if selector.uses_context:
                items = [
                    selector.evaluate(
                        effective,
                        Scope(execution, index, item).context_object(name, entered, retry_count),
                    )
                    for index, item in enumerate(items)
                ]
            else:
                items = [selector.evaluate(effective, None) for _ in items]
        if self.batch_size is None:
            return items
        size = int(self.batch_size.resolve(effective, None) or 0) or len(items) or 1
        batch_input = self.batch_input.evaluate(effective, None) if self.batch_input else None
        batches: list[Any] = []
        for start in range(0, len(items), size):
            batch: dict[str, Any] = {"Items": items[start : start + size]}
            if batch_input is not None:
                batch["BatchInput"] = batch_input
            batches.append(batch)
        return batches

    def _tolerance(self, effective: Any, context: Any, total: int) -> int | None:
        """How many failed items the Map tolerates; None: none, the first failure fails it."""
        count = self.tolerated_count.resolve(effective, context)
        percentage = self.tolerated_percentage.resolve(effective, context)
        if count is None and percentage is None:
            return None
        limits = []
        if count is not None:
            limits.append(int(count))
        if percentage is not None:
            limits.append(int(total * percentage / 100))
        return max(limits)

    async def _iterate(
        self, inputs: list[Any], scope: Scope, limit: int, tolerated: int | None
    ) -> list[Any]:
        execution = scope.execution
        record = execution.record
        append = execution.events.append
        now = execution.clock.time
        name = self.name
        machine = self.machine
        failed = [0]

        if machine.is_sync:  # no state of it can wait: concurrency would change nothing
            run_item = sync_runner(machine, execution)
            # Items need a scope of their own only when a state reads $$.Map.Item.
            shared = None if machine.reads_context else Scope(execution)
            results = []
            for index, item in enumerate(inputs):
                append(("MapIterationStarted", now(), name, "index", index))
                try:
                    output = run_item(item, shared or Scope(execution, index, item))
                except ASLError as error:
                    output = self._failed(record, index, error, failed, tolerated)
                else:
                    append(("MapIterationSucceeded", now(), name, "index", index))
                results.append(output)
            return results

        async def async_iteration(index: int) -> Any:
            item = inputs[index]
            append(("MapIterationStarted", now(), name, "index", index))
            try:
                output = await run_machine(machine, item, Scope(execution, index, item))
            except ASLError as error:
                return self._failed(record, index, error, failed, tolerated)
            append(("MapIterationSucceeded", now(), name, "index", index))
            return output

        return await run_all(len(inputs), limit, async_iteration)

    def _failed(
        self, record: Any, index: int, error: ASLError, failed: list[int], tolerated: int | None
    ) -> Any:
        record(
            "MapIterationFailed",
            self.name,
            None,
            {"index": index, "error": error.error, "cause": error.cause},
        )
        if tolerated is None:
            raise error
        failed[0] += 1
        if failed[0] > tolerated:
            raise ASLError(
                EXCEED_TOLERATED_FAILURE_THRESHOLD,
                "The specified tolerated failure threshold was exceeded",
            )
        return error_output(error)
