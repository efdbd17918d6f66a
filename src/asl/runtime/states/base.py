"""What every state type shares: transitions and the data-flow pipeline.

A state type declares which data-flow fields it has; :mod:`asl.runtime.flow`
compiles them for the state's query language, so no state re-implements
data flow. Errors raised by data flow are located the way AWS locates them
("An error occurred while executing the state 'X' (entered at the event id
#N). ...").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from asl.language.errors import ASLError
from asl.runtime import distribution
from asl.runtime.dataflow import located
from asl.runtime.execution import Scope
from asl.runtime.flow import (
    FULL_CONTEXT,
    VARIABLES_ONLY,
    jsonata_flow,
    jsonpath_flow,
    language_of,
)
from asl.runtime.retry import ErrorHandling

Transition = tuple[Any, str | None]
"""A state's output and the name of the next state (None: the machine ends)."""

Step = Callable[[Any, Scope, int], Transition]


class State:
    """A compiled state.

    Synchronous states provide ``step`` (often a closure specialised for the
    fields the state actually has, built once: the per-transition cost is
    what the engine's speed is made of); the others override ``run``.
    ``language`` is the state's query language: its own ``QueryLanguage`` or
    the workflow's.
    """

    type: ClassVar[str]
    is_sync: ClassVar[bool] = True
    entered_event: ClassVar[str]
    exited_event: ClassVar[str | None]
    has_parameters: ClassVar[bool] = False  # Parameters (JSONPath) / Arguments (JSONata)
    has_result: ClassVar[bool] = False  # ResultSelector / ResultPath
    wants_token: bool = False  # $$.Task.Token (a .waitForTaskToken Task)
    step: Step

    def __init__(self, name: str, raw: dict[str, Any], language: str = "JSONPath") -> None:
        self.name = name
        self.next: str | None = raw.get("Next")
        self.jsonata = language_of(raw, language) == "JSONata"
        flow = (
            jsonata_flow(raw, self.has_parameters)
            if self.jsonata
            else jsonpath_flow(raw, self.has_parameters, self.has_result)
        )
        self.prepare_fn = flow.prepare
        self.finish_fn = flow.finish
        self.context_mode = flow.context_mode
        self.assigns = "Assign" in raw

    def needs(self, mode: int) -> None:
        """Widen what the state's context must hold (a state type's own fields)."""
        self.context_mode = max(self.context_mode, mode)

    def environment(self, scope: Scope, entered: int, retry_count: int | None = None) -> Any:
        """The context object the state's expressions read, or None when they read none."""
        mode = self.context_mode
        if mode == FULL_CONTEXT:
            return scope.context_object(self.name, entered, retry_count, self.wants_token)
        if mode == VARIABLES_ONLY:
            return scope.variables_only()
        return None

    def prepare(self, data: Any, context: Any, entered: int) -> Any:
        """The effective input of the state's work (InputPath+Parameters, or Arguments)."""
        if self.prepare_fn is None:
            return data
        try:
            return self.prepare_fn(data, context)
        except ASLError as error:
            raise located(error, self.name, entered) from None

    def finish(self, state_input: Any, result: Any, context: Any, entered: int) -> Any:
        """The output (ResultSelector, ResultPath, OutputPath, or Output) and the Assign."""
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

    def __init__(self, name: str, raw: dict[str, Any], language: str = "JSONPath") -> None:
        super().__init__(name, raw, language)
        self.handling = ErrorHandling(raw, self.jsonata)
        self.needs(self.handling.context_mode)

    async def attempt(self, data: Any, scope: Scope, entered: int, retry_count: int) -> Any:
        raise NotImplementedError

    async def run(self, data: Any, scope: Scope, entered: int) -> Transition:
        if distribution.ARMED.get() is not None:  # a service run may resume a back-off here
            resumed = distribution.resumed_backoff(scope, self.name, entered)
            if resumed is not None:
                return await self._recover(resumed.error, data, scope, entered, resumed)
        try:
            return await self.attempt(data, scope, entered, 0), self.next
        except ASLError as error:
            return await self._recover(error, data, scope, entered)

    async def _recover(
        self,
        error: ASLError,
        data: Any,
        scope: Scope,
        entered: int,
        resumed: distribution.Backoff | None = None,
    ) -> Transition:
        """Retry while a retrier allows it, then Catch, or fail with the last error.

        ``resumed``: the back-off a service suspended (see asl.runtime.distribution).
        """
        handling = self.handling
        attempts = [0] * len(handling.retriers) if resumed is None else resumed.attempts
        retry_count = 0 if resumed is None else resumed.retry_count
        while True:
            if resumed is not None:
                await distribution.sleep_until(scope, self.name, entered, resumed)
                resumed = None
            else:
                delay = handling.retry_delay(error, attempts)
                if delay is None:
                    break
                retry_count += 1
                if error.details is not None:
                    error.details["retry"] = {"attempt": retry_count, "delaySeconds": delay}
                retry = distribution.Backoff(attempts, retry_count, error)
                await distribution.back_off(scope, self.name, entered, delay, retry)
            try:
                return await self.attempt(data, scope, entered, retry_count), self.next
            except ASLError as again:
                error = again
        caught = handling.catch(
            error, data, self.environment(scope, entered, retry_count), self.name, entered
        )
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
