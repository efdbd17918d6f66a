"""AWS's exact wording for the causes the data flow reports, in one place.

Each function reproduces a message recorded from AWS Step Functions executions:

* ``state_error_prefix``: ``An error occurred while executing the state 'Check Address'
  (entered at the event id #7). `` -- AWS puts it before every ``States.Runtime`` cause
  raised while a state runs (path, payload and intrinsic failures).
* ``no_results_cause``: ``Invalid path '$.Payload' : No results for path: $['Payload']``
  (InputPath, OutputPath, ItemsPath, SecondsPath... selecting nothing). The text after
  `` : `` is Jayway JsonPath's exception message, since AWS evaluates paths with Jayway.
* ``parameter_path_cause``: ``The JSONPath '$.application.address' specified for the
  field 'address.$' could not be found in the input '{"flagged":false}'`` (a ``.$``
  payload field; ``ErrorPath``/``CausePath`` use their field name). For a ``$$`` path
  the "input" AWS prints is the context object.
  For a ``$name`` path (a workflow variable) the "input" is the variable's value: the
  document the rest of the path ran on, as the context object is for ``$$`` (see
  :func:`path_input`; not yet confirmed against a recorded AWS execution).
* ``choice_path_cause``: ``Invalid path '$.jobs[0].done': The choice state's condition
  path references an invalid value.`` (no space before the colon, unlike the above).
* ``result_path_cause``: ``Unable to apply ReferencePath $.partitioned to input
  "{\\"min_size\\":10000}"`` (``States.ResultPathMatchFailure``).

JSON inside causes is compact (``{"a":1,"b":[1,2]}``), keeps member order and does not
escape non-ASCII text, like Jackson's ``JsonNode.toString()``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from asl.language.paths import Path, PathFailure

__all__ = [
    "choice_path_cause",
    "java_double",
    "json_for_cause",
    "no_results_cause",
    "parameter_path_cause",
    "path_failure_message",
    "path_input",
    "result_path_cause",
    "state_error_prefix",
]

_UNSET: Final = object()
# The JsonProvider class name Jayway prints in "not a json object" messages (AWS works
# on Jackson trees). Not yet confirmed against a recorded AWS execution.
_JSON_PROVIDER: Final = "com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider"
_JACKSON_NODE: Final = "com.fasterxml.jackson.databind.node."


def state_error_prefix(state_name: str, event_id: int) -> str:
    """``An error occurred while executing the state 'X' (entered at the event id #N). ``"""
    return (
        f"An error occurred while executing the state '{state_name}' "
        f"(entered at the event id #{event_id}). "
    )


def json_for_cause(value: Any) -> str:
    """JSON the way AWS prints it inside causes: compact, ordered, non-ASCII kept."""
    parts: list[str] = []
    _write_json(value, parts)
    return "".join(parts)


def no_results_cause(path: Path, data: Any = _UNSET, context: Any = _UNSET) -> str:
    """``Invalid path '<text>' : <Jayway message>`` for a Path field that selected nothing.

    Pass what the path ran on -- ``data``, or ``context`` for a ``$$`` or ``$name`` path -- to get
    Jayway's exact reason (e.g. ``Missing property in path $['a']`` when an intermediate
    member is absent); without it the wording for a missing last step is used.
    """
    needs_context = path.is_context or path.variable is not None
    if (context if needs_context else data) is _UNSET:
        return f"Invalid path '{path.text}' : No results for path: {path.normalized}"
    failure = path.failure(None if data is _UNSET else data, None if context is _UNSET else context)
    return f"Invalid path '{path.text}' : {path_failure_message(failure)}"


def path_failure_message(failure: PathFailure) -> str:
    """Jayway's exception message for why a definite path selected nothing."""
    match failure.kind:
        case "no_results":
            return f"No results for path: {failure.where}"
        case "missing_property":
            return f"Missing property in path {failure.where}"
        case "not_object":
            found = _java_class(failure.model, failure.at_root)
            return (
                f"Expected to find an object with property {failure.fragment} in path "
                f"{failure.where} but found '{found}'. This is not a json object according "
                f"to the JsonProvider: '{_JSON_PROVIDER}'."
            )
        case "null_array":
            return f"The path {failure.where} is null"
        case "not_array":
            context = _java_string(failure.model, failure.at_root)
            return (
                f"Filter: {failure.fragment} can only be applied to arrays. "
                f"Current context is: {context}"
            )
        case "primitive_filter":
            context = _java_string(failure.model, failure.at_root)
            return (
                f"Filter: {failure.fragment} can not be applied to primitives. "
                f"Current context is: {context}"
            )


def parameter_path_cause(path_text: str, field: str, input_value: Any) -> str:
    """A ``.$`` field (or ErrorPath/CausePath) whose path selects nothing.

    ``field`` is the key as written (``'address.$'``, ``'ErrorPath'``); ``input_value``
    is what the path ran on -- the context object for a ``$$`` path.
    """
    return (
        f"The JSONPath '{path_text}' specified for the field '{field}' "
        f"could not be found in the input '{json_for_cause(input_value)}'"
    )


def path_input(path: Path, data: Any, context: Any) -> Any:
    """What AWS prints as "the input" of a path that selected nothing.

    The state's data for ``$`` paths, the context object for ``$$`` paths, and the
    variable's value for ``$name`` paths -- the state's data when the variable itself
    is not set.
    """
    from asl.language.paths import NoResults

    try:
        return path.source(data, context)
    except NoResults:
        return data


def choice_path_cause(path_text: str) -> str:
    """A Choice rule's ``Variable`` (or ``...Path`` operand) that selects nothing."""
    return (
        f"Invalid path '{path_text}': The choice state's condition path references an "
        "invalid value."
    )


def result_path_cause(path_text: str, input_value: Any) -> str:
    """``States.ResultPathMatchFailure``: the ResultPath cannot be applied to the input."""
    return f"Unable to apply ReferencePath {path_text} to input {json_for_cause(input_value)}"


# ----------------------------------------------------------- Java-side spelling


def java_double(value: float) -> str:
    """``Double.toString``: plain between 1e-3 and 1e7, else ``1.0E10`` / ``1.5E-5``."""
    if value != value or value in (float("inf"), float("-inf")):
        return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
    if value == 0:
        return "-0.0" if str(value).startswith("-") else "0.0"
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e7:
        return repr(value)
    _, digits, exponent = Decimal(repr(magnitude)).normalize().as_tuple()
    assert isinstance(exponent, int)
    text = "".join(map(str, digits))
    power = exponent + len(text) - 1
    mantissa = text[0] + "." + (text[1:] or "0")
    return f"{'-' if value < 0 else ''}{mantissa}E{power}"


def _write_json(value: Any, parts: list[str]) -> None:
    if isinstance(value, str):
        parts.append(json.dumps(value, ensure_ascii=False))
    elif value is None or isinstance(value, bool):
        parts.append("null" if value is None else "true" if value else "false")
    elif isinstance(value, int):
        parts.append(str(value))
    elif isinstance(value, float):
        parts.append(java_double(value))
    elif isinstance(value, dict):
        parts.append("{")
        for i, (key, item) in enumerate(value.items()):
            if i:
                parts.append(",")
            parts.append(json.dumps(str(key), ensure_ascii=False))
            parts.append(":")
            _write_json(item, parts)
        parts.append("}")
    elif isinstance(value, list | tuple):
        parts.append("[")
        for i, item in enumerate(value):
            if i:
                parts.append(",")
            _write_json(item, parts)
        parts.append("]")
    else:
        parts.append(json.dumps(str(value), ensure_ascii=False))


def _java_class(value: Any, at_root: bool) -> str:
    """The class Jayway names for a value: Jackson nodes at the root, unwrapped below."""
    if value is None:
        return f"{_JACKSON_NODE}NullNode" if at_root else "null"
    if isinstance(value, bool):
        return f"{_JACKSON_NODE}BooleanNode" if at_root else "java.lang.Boolean"
    if isinstance(value, int):
        if -(2**31) <= value < 2**31:
            return f"{_JACKSON_NODE}IntNode" if at_root else "java.lang.Integer"
        if -(2**63) <= value < 2**63:
            return f"{_JACKSON_NODE}LongNode" if at_root else "java.lang.Long"
        return f"{_JACKSON_NODE}BigIntegerNode"
    if isinstance(value, float):
        return f"{_JACKSON_NODE}DoubleNode" if at_root else "java.lang.Double"
    if isinstance(value, str):
        return f"{_JACKSON_NODE}TextNode" if at_root else "java.lang.String"
    if isinstance(value, list):
        return f"{_JACKSON_NODE}ArrayNode"
    return f"{_JACKSON_NODE}ObjectNode"


def _java_string(value: Any, at_root: bool) -> str:
    """``toString()`` of that value: JSON for Jackson nodes, plain text for Java scalars."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, str) and not at_root:
        return value
    return json_for_cause(value)
