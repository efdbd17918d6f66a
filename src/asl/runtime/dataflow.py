"""The JSONPath data flow every state shares: InputPath, ResultPath, OutputPath.

Each field is compiled once into a function; an absent field is the identity
(no call on the hot path at all), a JSON ``null`` means what AWS says it
means: an empty object for InputPath/OutputPath, "keep the input" for
ResultPath.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from asl.language.causes import no_results_cause, state_error_prefix
from asl.language.errors import RUNTIME, ASLError
from asl.language.paths import NoResults, Path, compile_path, compile_reference_path

Selector = Callable[[Any, Any], Any]
ResultApplier = Callable[[Any, Any], Any]

_MISSING = object()


def located(error: ASLError, state: str, entered_event: int) -> ASLError:
    """The same error with AWS's prefix naming the state and its entered event."""
    return ASLError(error.error, state_error_prefix(state, entered_event) + error.cause)


def no_results(path: Path, data: Any, context: Any = None) -> ASLError:
    """AWS's error for a Path field (InputPath, OutputPath, ItemsPath...) that selects nothing."""
    return ASLError(RUNTIME, no_results_cause(path, data, context))


def compile_selector(raw: Mapping[str, Any], field: str) -> Selector | None:
    """InputPath / OutputPath: None when absent (identity), else ``f(data, context)``."""
    text = raw.get(field, _MISSING)
    if text is _MISSING or text == "$":
        return None
    if text is None:
        return lambda data, context: {}
    return path_selector(compile_path(text))


def path_selector(path: Path) -> Selector:
    evaluate = path.evaluate

    def select(data: Any, context: Any) -> Any:
        try:
            return evaluate(data, context)
        except NoResults:
            raise no_results(path, data, context) from None

    return select


def compile_result_path(raw: Mapping[str, Any], field: str = "ResultPath") -> ResultApplier | None:
    """ResultPath: None when the result replaces the input, else ``f(raw_input, result)``."""
    text = raw.get(field, _MISSING)
    if text is _MISSING or text == "$":
        return None
    if text is None:
        return lambda state_input, result: state_input
    return compile_reference_path(text, allow_variable=False).assign
