"""JSONata failures and AWS's wording for them.

Causes recorded from AWS Step Functions (``States.QueryEvaluationError``), after the
state prefix the runtime adds (``An error occurred while executing the state 'X'
(entered at the event id #N). ``):

* ``The JSONata expression '$states.input.pushLocation' specified for the field
  'Arguments/Input/pushLocation' returned nothing (undefined).``
* ``The JSONata expression '$randomSeeded($states.input.FunctionInput.fst)' specified for
  the field 'Output/FunctionResult' threw an error during evaluation. T1006: Attempted to
  invoke a non-function``

The expression is quoted without its ``{%``/``%}`` and surrounding blanks; the field is
named relative to the state, ``/`` before each object key. A syntax error never reaches
run time on AWS: the definition is refused (``INVALID_JSONATA_EXPRESSION`` with JSONata's
message), so here it is a :class:`JsonataSyntaxError` raised at load time.
"""

from __future__ import annotations

from typing import Any

from asl.language.errors import QUERY_EVALUATION_ERROR, RUNTIME, ASLError
from asl.language.jsonata.messages import js_stringify

__all__ = [
    "JsonataSyntaxError",
    "evaluation_error_cause",
    "query_evaluation_error",
    "undefined_cause",
    "unexpected_type_cause",
    "unsupported_type_cause",
]


class JsonataSyntaxError(ASLError):
    """A ``{% %}`` string whose expression does not parse.

    ``position`` is a 0-based offset into the *full* string (``{%`` included), just past
    the offending token, as JSONata reports it; ``reason`` is JSONata's message exactly
    as AWS shows it (``Expected "]", got ","``); ``code`` is JSONata's (``S0202``).
    """

    def __init__(self, text: str, reason: str, position: int, code: str | None = None) -> None:
        super().__init__(
            RUNTIME,
            f"Invalid JSONata expression '{text}': {reason} (at character {position + 1}). "
            "Fix the expression, or remove the {% %} around it to make the string a literal.",
        )
        self.text = text
        self.reason = reason
        self.position = position
        self.code = code


def _subject(expression: str, field: str | None) -> str:
    where = f" specified for the field '{field}'" if field is not None else ""
    return f"The JSONata expression '{expression}'{where}"


def undefined_cause(expression: str, field: str | None) -> str:
    """The expression evaluated to nothing, which no JSON field can hold."""
    return f"{_subject(expression, field)} returned nothing (undefined)."


def evaluation_error_cause(expression: str, field: str | None, code: str | None,
                           message: str) -> str:
    """JSONata raised ``code: message`` while evaluating the expression.

    A refusal without a JSONata code (AWS's own limits) is joined with a colon, as an
    emulator that measured AWS reports; unconfirmed by a recorded execution here.
    """
    if code is None:
        return f"{_subject(expression, field)} threw an error during evaluation: {message}"
    return f"{_subject(expression, field)} threw an error during evaluation. {code}: {message}"


def unexpected_type_cause(expression: str, field: str, expected: str, value: Any) -> str:
    """A field needing one JSON type (``Items``: array, ``TimeoutSeconds``: number) got another.

    ``expected`` and the found type use JSONata's ``$type`` names (``array``, ``object``,
    ``number``, ``string``, ``boolean``, ``null``). Wording as recorded by emulators for
    ``Items``; the ``for value:`` tail is not confirmed against AWS.
    """
    return (
        f"{_subject(expression, field)} returned an unexpected result type. "
        f"Expected '{expected}', but was '{json_type(value)}' for value: {js_stringify(value)}"
    )


def unsupported_type_cause(expression: str, field: str | None) -> str:
    """The expression returned a function, which has no JSON form."""
    return f"{_subject(expression, field)} returned an unsupported result type."


def json_type(value: Any) -> str:
    """JSONata's ``$type`` name of a JSON value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "function"


def query_evaluation_error(cause: str) -> ASLError:
    return ASLError(QUERY_EVALUATION_ERROR, cause)
