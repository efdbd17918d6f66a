"""The Wait state: pause for Seconds, or until a Timestamp, on the execution's clock."""

from __future__ import annotations

from typing import Any

from asl.language.errors import RUNTIME, ASLError
from asl.language.jsonata import is_expression
from asl.language.paths import NoResults, Path, compile_reference_path
from asl.language.timestamps import invalid_timestamp_path_cause, parse_timestamp
from asl.runtime import distribution
from asl.runtime.dataflow import located, no_results
from asl.runtime.execution import Scope
from asl.runtime.flow import Named, jsonata_template, path_text_mode, plain, variables_of
from asl.runtime.states.base import State, Transition


class WaitState(State):
    type = "Wait"
    is_sync = False
    entered_event = "WaitStateEntered"
    exited_event = "WaitStateExited"

    def __init__(self, name: str, raw: dict[str, Any], language: str = "JSONPath") -> None:
        super().__init__(name, raw, language)
        self.seconds_expression: Named | None = None
        self.timestamp_expression: Named | None = None
        seconds, timestamp = raw.get("Seconds"), raw.get("Timestamp")
        if self.jsonata and is_expression(seconds):
            self.seconds_expression, mode = jsonata_template(raw, "Seconds")
            self.needs(mode)
            seconds = None
        if self.jsonata and is_expression(timestamp):
            self.timestamp_expression, mode = jsonata_template(raw, "Timestamp")
            self.needs(mode)
            timestamp = None
        self.seconds: int | None = seconds
        parsed = parse_timestamp(timestamp) if isinstance(timestamp, str) else None
        self.timestamp = parsed.timestamp() if parsed is not None else None
        self.seconds_path: Path | None = None
        self.timestamp_path: Path | None = None
        for field in ("SecondsPath", "TimestampPath"):
            text = raw.get(field)
            if isinstance(text, str):
                path = compile_reference_path(text)
                setattr(self, "seconds_path" if field == "SecondsPath" else "timestamp_path", path)
                self.needs(path_text_mode(text))

    async def run(self, data: Any, scope: Scope, entered: int) -> Transition:
        clock = scope.execution.clock
        context = self.environment(scope, entered)
        effective = self.prepare(data, context, entered)
        try:
            delay = self._delay(effective, context, clock.time())
        except ASLError as error:
            raise located(error, self.name, entered) from None
        await distribution.wait(scope, self.name, entered, delay)
        return self.finish(data, effective, context, entered), self.next

    def _delay(self, data: Any, context: Any, now: float) -> float:
        if self.seconds is not None:
            return float(self.seconds)
        if self.timestamp is not None:
            return max(self.timestamp - now, 0.0)
        if self.seconds_expression is not None:
            states = {"input": data, "context": plain(context)}
            seconds = self.seconds_expression.typed(
                states, variables_of(context), "integer", _non_negative_integer
            )
            return float(seconds)
        if self.timestamp_expression is not None:
            states = {"input": data, "context": plain(context)}
            value = self.timestamp_expression.typed(
                states, variables_of(context), "string", _timestamp
            )
            moment = parse_timestamp(value)
            assert moment is not None
            return max(moment.timestamp() - now, 0.0)
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


def _non_negative_integer(value: Any) -> bool:
    return type(value) is int and value >= 0


def _timestamp(value: Any) -> bool:
    return isinstance(value, str) and parse_timestamp(value) is not None
