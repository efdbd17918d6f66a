"""The Wait state: pause for Seconds, or until a Timestamp, on the execution's clock."""

from __future__ import annotations

from typing import Any

from asl.language.errors import RUNTIME, ASLError
from asl.language.paths import NoResults, Path, compile_reference_path
from asl.language.timestamps import invalid_timestamp_path_cause, parse_timestamp
from asl.runtime.dataflow import no_results
from asl.runtime.execution import Scope
from asl.runtime.states.base import State, Transition, located


class WaitState(State):
    type = "Wait"
    is_sync = False
    entered_event = "WaitStateEntered"
    exited_event = "WaitStateExited"

    def __init__(self, name: str, raw: dict[str, Any]) -> None:
        super().__init__(name, raw)
        self.seconds: int | None = raw.get("Seconds")
        timestamp = raw.get("Timestamp")
        parsed = parse_timestamp(timestamp) if isinstance(timestamp, str) else None
        self.timestamp = parsed.timestamp() if parsed is not None else None
        self.seconds_path: Path | None = None
        self.timestamp_path: Path | None = None
        if isinstance(raw.get("SecondsPath"), str):
            self.seconds_path = compile_reference_path(raw["SecondsPath"])
        if isinstance(raw.get("TimestampPath"), str):
            self.timestamp_path = compile_reference_path(raw["TimestampPath"])
        self.needs_context = self.needs_context or any(
            p is not None and p.is_context for p in (self.seconds_path, self.timestamp_path)
        )

    async def run(self, data: Any, scope: Scope, entered: int) -> Transition:
        clock = scope.execution.clock
        context = scope.context_object(self.name, entered) if self.needs_context else None
        effective = self.prepare(data, context, entered)
        try:
            delay = self._delay(effective, context, clock.time())
        except ASLError as error:
            raise located(error, self.name, entered) from None
        await clock.sleep(delay)
        return self.finish(effective, effective, context, entered), self.next

    def _delay(self, data: Any, context: Any, now: float) -> float:
        if self.seconds is not None:
            return float(self.seconds)
        if self.timestamp is not None:
            return max(self.timestamp - now, 0.0)
        if self.seconds_path is not None:
            seconds = _select(self.seconds_path, data, context)
            if type(seconds) is not int or seconds < 0:
                raise ASLError(
                    RUNTIME,
                    f"The SecondsPath parameter does not reference a valid integer value: "
                    f"{seconds}",
                )
            return float(seconds)
        assert self.timestamp_path is not None
        value = _select(self.timestamp_path, data, context)
        moment = parse_timestamp(value) if isinstance(value, str) else None
        if moment is None:
            raise ASLError(RUNTIME, invalid_timestamp_path_cause(self.timestamp_path.text, value))
        return max(moment.timestamp() - now, 0.0)


def _select(path: Path, data: Any, context: Any) -> Any:
    try:
        return path.evaluate(data, context)
    except NoResults:
        raise no_results(path, data, context) from None
