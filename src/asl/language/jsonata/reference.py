"""The details of a failed evaluation, from the reference-faithful interpreter.

AWS's cause carries JSONata's message with the offending token and values filled in
(``Argument 1 of function "uppercase" does not match function signature``). The fast
evaluator keeps the error code but words messages its own way, without those values.
jsonata-python is a port of the reference implementation that keeps them, in template
order; on the (rare) failure path the expression is run again there to read them. If
it fails differently, or not at all, the caller falls back to what the fast evaluator's
message tells.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

import jsonata as _jsonata_python  # type: ignore[import-untyped]

from asl.language.jsonata.functions import AWS_FUNCTIONS, UNDEFINED, FunctionError

_NULL: Final = _jsonata_python.utils.Utils.NULL_VALUE


def details(program: str, code: str, states: Mapping[str, Any],
            variables: Mapping[str, Any]) -> list[Any] | None:
    """The error's details in template order if the reference fails with ``code``."""
    try:
        expression = _jsonata_python.Jsonata(program)
        for name, function in AWS_FUNCTIONS.items():
            bound = "__asl_random" if name == "random" else name
            expression.register_lambda(bound, _adapt(function))
        expression.evaluate(None, {**variables, "states": states})
    except _jsonata_python.JException as error:
        if error.error != code:
            return None
        found = [error.current, error.expected, error.extra]
        while found and found[-1] is None:
            found.pop()
        return [None if value is _NULL else value for value in found]
    except (Exception, RecursionError):
        return None
    return None


def _adapt(function: Callable[..., Any]) -> Callable[..., Any]:
    def call(*arguments: Any) -> Any:
        values = [UNDEFINED if value is None else (None if value is _NULL else value)
                  for value in arguments]
        while values and values[-1] is UNDEFINED:
            values.pop()
        try:
            result = function(*values)
        except FunctionError:
            return None
        return None if result is UNDEFINED else result

    return call
