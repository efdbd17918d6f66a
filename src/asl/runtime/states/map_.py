"""The Map state: run a sub-machine once per item of an array, outputs in item order.

``ItemSelector`` (or the legacy ``Parameters``) builds each iteration's input
with ``$`` = the Map's effective input and ``$$.Map.Item`` = the item;
``ItemBatcher`` groups items; ``MaxConcurrency`` bounds how many run at once
(0: no bound); ``ToleratedFailureCount``/``Percentage`` let some items fail,
their outputs being the error objects.
"""

from __future__ import annotations

from typing import Any

from asl.language.errors import (
    EXCEED_TOLERATED_FAILURE_THRESHOLD,
    RUNTIME,
    ASLError,
)
from asl.language.jsonata import compile_template
from asl.language.payload import Payload, compile_payload
from asl.runtime.branches import PARK, Group
from asl.runtime.concurrent import Children, run_all
from asl.runtime.dataflow import compile_selector, located
from asl.runtime.execution import Scope
from asl.runtime.fanout import fan_out, run_units
from asl.runtime.flow import (
    FULL_CONTEXT,
    NO_CONTEXT,
    VARIABLES_ONLY,
    Named,
    jsonata_template,
    path_text_mode,
    plain,
    variables_of,
)
from asl.runtime.machine import StateMachine, sync_runner
from asl.runtime.retry import error_output
from asl.runtime.settings import Setting
from asl.runtime.states.base import RecoverableState, failure


class MapState(RecoverableState):
    type = "Map"
    entered_event = "MapStateEntered"
    exited_event = "MapStateExited"
    has_parameters = False  # Map's Parameters is the legacy name of ItemSelector

    def __init__(
        self, name: str, raw: dict[str, Any], machine: StateMachine, language: str = "JSONPath"
    ) -> None:
        super().__init__(name, raw, language)
        self.machine = machine
        self.items_path = None if self.jsonata else compile_selector(raw, "ItemsPath")
        self.needs(path_text_mode(raw.get("ItemsPath")))
        self.items: Named | None = None
        if self.jsonata and "Items" in raw:
            self.items, mode = jsonata_template(raw, "Items")
            self.needs(mode)
        template = raw.get("ItemSelector", raw.get("Parameters"))
        self.item_selector: Payload | None = None
        self.item_template: Named | None = None
        if template is not None and self.jsonata:
            self.item_template = Named(compile_template(template), "ItemSelector")
            self.needs(FULL_CONTEXT)  # $states.context.Map.Item is the point of it
        elif template is not None:
            self.item_selector = compile_payload(template)
            self.needs(VARIABLES_ONLY if self.item_selector.uses_variables else NO_CONTEXT)
        self.max_concurrency = Setting(raw, "MaxConcurrency", 0)
        self.tolerated_count = Setting(raw, "ToleratedFailureCount", None)
        self.tolerated_percentage = Setting(raw, "ToleratedFailurePercentage", None)
        batcher = raw.get("ItemBatcher")
        self.batch_size: Setting | None = None
        self.batch_input: Payload | None = None
        if isinstance(batcher, dict):
            self.batch_size = Setting(batcher, "MaxItemsPerBatch", 0)
            if "BatchInput" in batcher:
                self.batch_input = compile_payload(batcher["BatchInput"])
        for setting in (self.max_concurrency, self.tolerated_count, self.tolerated_percentage):
            self.needs(setting.context_mode)

    async def attempt(self, data: Any, scope: Scope, entered: int, retry_count: int) -> Any:
        execution = scope.execution
        record = execution.record
        name = self.name
        context = self.environment(scope, entered, retry_count)
        effective = self.prepare(data, context, entered)
        try:
            items = self._items(effective, context)
            inputs = self._inputs(items, effective, context, scope, entered, retry_count)
            limit = int(self.max_concurrency.resolve(effective, context) or 0)
            tolerated = self._tolerance(effective, context, len(inputs))
        except ASLError as error:
            raise located(error, name, entered) from None
        record("MapStateStarted", name, "length", len(inputs))
        try:
            units = fan_out(scope, name, [self.machine], retry_count)  # a service's workers
            if units is not None:
                results = await run_units(units, scope, name, entered, inputs, limit, tolerated)
            else:
                results = await self._iterate(inputs, scope, limit, tolerated, entered, data)
        except ASLError as error:
            caught = ASLError(error.error, error.cause)
            record("MapStateFailed", name, None, failure(caught))
            raise caught from None
        record("MapStateSucceeded", name, None, None)
        return self.finish(data, results, context, entered)

    def _items(self, effective: Any, context: Any) -> list[Any]:
        if self.items is not None:
            states = {"input": effective, "context": plain(context)}
            items = self.items.typed(states, variables_of(context), "array", _is_list)
            return items  # type: ignore[no-any-return]
        items = self.items_path(effective, context) if self.items_path else effective
        if not isinstance(items, list):
            raise ASLError(
                RUNTIME,
                f"Map state input must be an array, but ItemsPath selected {_kind(items)}",
            )
        return items

    def _inputs(
        self,
        items: list[Any],
        effective: Any,
        context: Any,
        scope: Scope,
        entered: int,
        retry_count: int,
    ) -> list[Any]:
        name = self.name
        if self.item_template is not None:
            build = self.item_template.evaluate
            variables = variables_of(context)
            items = [
                build(
                    {
                        "input": effective,
                        "context": plain(
                            scope.child(index, item, False).context_object(
                                name, entered, retry_count
                            )
                        ),
                    },
                    variables,
                )
                for index, item in enumerate(items)
            ]
        elif self.item_selector is not None:
            selector = self.item_selector
            if selector.uses_context:
                items = [
                    selector.evaluate(
                        effective,
                        scope.child(index, item, False).context_object(name, entered, retry_count),
                    )
                    for index, item in enumerate(items)
                ]
            else:
                items = [selector.evaluate(effective, context) for _ in items]
        if self.batch_size is None:
            return items
        size = int(self.batch_size.resolve(effective, context) or 0) or len(items) or 1
        batch_input = self.batch_input.evaluate(effective, context) if self.batch_input else None
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
        self,
        inputs: list[Any],
        scope: Scope,
        limit: int,
        tolerated: int | None,
        entered: int,
        state_input: Any,
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
            assigns = machine.assigns
            # Items need a scope of their own only when a state reads $$ or assigns.
            shared = None if machine.reads_context or assigns else scope
            results = []
            for index, item in enumerate(inputs):
                append(("MapIterationStarted", now(), name, "index", index))
                try:
                    output = run_item(item, shared or scope.child(index, item, assigns))
                except ASLError as error:
                    output = self._failed(record, index, error, failed, tolerated)
                else:
                    append(("MapIterationSucceeded", now(), name, "index", index))
                results.append(output)
            return results

        group = Group(name, scope, entered)
        children = Children.of(scope, group.key)
        finished = {**group.finished, **(await children.load() if children else {})}

        async def async_iteration(index: int) -> Any:
            if index in finished:  # recorded before a crash or a pause: not run again
                group.done(index, finished[index])
                return finished[index]
            item = inputs[index]
            if index not in group.parked:
                append(("MapIterationStarted", now(), name, "index", index))
            try:
                output = await group.run(
                    index,
                    machine,
                    item,
                    lambda: scope.child(index, item, machine.assigns, f"{name}[{index}]"),
                )
            except ASLError as error:
                output = self._failed(record, index, error, failed, tolerated)
                group.done(index, output)
                return output
            if output is PARK:
                return output
            append(("MapIterationSucceeded", now(), name, "index", index))
            group.done(index, output)
            if children:
                await children.record(index, output)
            return output

        results = await run_all(len(inputs), limit, async_iteration)
        group.pause_if_waiting(state_input)
        return results

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


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    return "null" if value is None else type(value).__name__


def _is_list(value: Any) -> bool:
    return isinstance(value, list)
