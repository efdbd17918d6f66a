"""What every state type shares: transitions and the JSONPath data-flow pipeline.

The order is AWS's: InputPath → Parameters → (the state's work) →
ResultSelector → ResultPath → OutputPath. A state type declares which of
these fields it has; the pipeline functions here apply them, so no state
re-implements data flow. Errors raised by data flow are located the way AWS
locates them ("An error occurred while executing the state 'X' (entered at
the event id #N). ...").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from asl.language.errors import ASLError
from asl.language.payload import Payload, compile_payload
from asl.runtime.dataflow import (
    ResultApplier,
    Selector,
    compile_result_path,
    compile_selector,
)
from asl.runtime.execution import Scope
from asl.runtime.retry import ErrorHandling

Transition = tuple[Any, str | None]
"""A state's output and the name of the next state (None: the machine ends)."""


def located(error: ASLError, state: str, entered_event: int) -> ASLError:
    """The same error with AWS's prefix naming the state and its entered event."""
    prefix = (
        f"An error occurred while executing the state '{state}' "
        f"(entered at the event id #{entered_event}). "
    )
    return ASLError(error.error, prefix + error.cause)


def _reads_context(raw: dict[str, Any], fields: tuple[str, ...]) -> bool:
    return any(isinstance(raw.get(f), str) and raw[f].startswith("$$") for f in fields)


Prepare = Callable[[Any, Any], Any]
Finish = Callable[[Any, Any, Any], Any]
Step = Callable[[Any, Scope, int], "Transition"]


def compose_prepare(input_path: Selector | None, parameters: Payload | None) -> Prepare | None:
    """InputPath then Parameters as one function; None when both are absent."""
    if parameters is None:
        return input_path
    build = parameters.evaluate
    if input_path is None:
        return build
    select = input_path
    return lambda data, context: build(select(data, context), context)


def compose_finish(
    selector: Payload | None, result_path: ResultApplier | None, output_path: Selector | None
) -> Finish | None:
    """ResultSelector, ResultPath then OutputPath as one function; None when all are absent."""
    if selector is None and result_path is None and output_path is None:
        return None
    shape = selector.evaluate if selector is not None else None

    def finish(state_input: Any, result: Any, context: Any) -> Any:
        if shape is not None:
            result = shape(result, context)
        if result_path is not None:
            result = result_path(state_input, result)
        if output_path is not None:
            result = output_path(result, context)
        return result

    return finish


class State:
    """A compiled state.

    Synchronous states provide ``step`` (often a closure specialised for the
    fields the state actually has, built once: the per-transition cost is
    what the engine's speed is made of); the others override ``run``.
    """

    type: ClassVar[str]
    is_sync: ClassVar[bool] = True
    entered_event: ClassVar[str]
    exited_event: ClassVar[str | None]
    has_parameters: ClassVar[bool] = False
    has_result: ClassVar[bool] = False  # ResultSelector / ResultPath
    step: Step

    def __init__(self, name: str, raw: dict[str, Any]) -> None:
        self.name = name
        self.next: str | None = raw.get("Next")
        input_path = compile_selector(raw, "InputPath")
        output_path = compile_selector(raw, "OutputPath")
        parameters: Payload | None = None
        result_selector: Payload | None = None
        result_path: ResultApplier | None = None
        needs_context = _reads_context(raw, ("InputPath", "OutputPath"))
        if self.has_parameters and "Parameters" in raw:
            parameters = compile_payload(raw["Parameters"])
            needs_context = needs_context or parameters.uses_context
        if self.has_result:
            if "ResultSelector" in raw:
                result_selector = compile_payload(raw["ResultSelector"])
                needs_context = needs_context or result_selector.uses_context
            result_path = compile_result_path(raw)
        self.needs_context = needs_context
        self.prepare_fn = compose_prepare(input_path, parameters)
        self.finish_fn = compose_finish(result_selector, result_path, output_path)

    def prepare(self, data: Any, context: Any, entered: int) -> Any:
        """InputPath, then Parameters: the effective input of the state's work."""
        if self.prepare_fn is None:
            return data
        try:
            return self.prepare_fn(data, context)
        except ASLError as error:
            raise located(error, self.name, entered) from None

    def finish(self, state_input: Any, result: Any, context: Any, entered: int) -> Any:
        """ResultSelector, ResultPath (into the raw input), then OutputPath."""
        if self.finish_fn is None:
            return result
        try:
            return self.finish_fn(state_input, result, context)
        except ASLError as error:
            raise located(error, self.name, entered) from None

    async def run(self, data: Any, scope: Scope, entered: int) -> Transition:
        """Run a state that may wait (agents, Wait, Map, Parallel)."""
        return self.step(data, scope, entered)


class RecoverableState(State):
    """A state with Retry and Catch (Task, Map, Parallel).

    ``attempt`` does the work once; ``run`` wraps it in AWS's retry and catch
    rules. A failure event recorded by ``attempt`` is handed over as
    ``error.details`` so the retry or catch decision is written into it.
    """

    is_sync = False
    has_parameters = True
    has_result = True

    def __init__(self, name: str, raw: dict[str, Any]) -> None:
        super().__init__(name, raw)
        self.handling = ErrorHandling(raw)

    async def attempt(self, data: Any, scope: Scope, entered: int, retry_count: int) -> Any:
        raise NotImplementedError

    async def run(self, data: Any, scope: Scope, entered: int) -> Transition:
        try:
            return await self.attempt(data, scope, entered, 0), self.next
        except ASLError as error:
            return await self._recover(error, data, scope, entered)

    async def _recover(self, error: ASLError, data: Any, scope: Scope, entered: int) -> Transition:
        """Retry while a retrier allows it, then Catch, or fail with the last error."""
        handling = self.handling
        attempts = [0] * len(handling.retriers)
        retry_count = 0
        while True:
            delay = handling.retry_delay(error, attempts)
            if delay is None:
                break
            retry_count += 1
            if error.details is not None:
                error.details["retry"] = {"attempt": retry_count, "delaySeconds": delay}
            await scope.execution.clock.sleep(delay)
            try:
                return await self.attempt(data, scope, entered, retry_count), self.next
            except ASLError as again:
                error = again
        caught = handling.catch(error, data)
        if caught is None:
            raise error
        if error.details is not None:
            error.details["caught"] = {"next": caught[1]}
        return caught


def failure(error: ASLError) -> dict[str, Any]:
    """Details of a failure event; attached to the error for the retry/catch decision."""
    details: dict[str, object] = {"error": error.error, "cause": error.cause}
    error.details = details
    return details
