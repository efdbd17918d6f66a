"""Template parameters: their declared schema, the values an Include gives, ``{{param}}``.

A template declares its parameters at its top level::

    "Parameters": {"schema": {"Type": "string", "Required": true},
                   "retries": {"Type": "integer", "Default": 3, "Min": 0, "Max": 10}}

An Include passes values in its own ``Parameters``; a value is checked against the
declaration (Type, Enum, Min, Max) and the declared ``Default`` fills what is not
given.  Then every string of the template's states is searched for placeholders:

* ``"{{retries}}"`` alone in a string becomes the value itself, with its JSON type
  (so ``"MaxAttempts": "{{retries}}"`` is the number 3);
* a placeholder inside a longer string is replaced by the value's text (strings as
  they are, anything else as JSON);
* filters apply left to right: ``default: 'v'`` (when the parameter has no value),
  ``upper``, ``lower``, ``json`` (JSON-encode: the result is always a string).

A parameter given as ``"name.$": "$.path"`` is dynamic: its value is read at run time.
It can fill only a whole value of a payload template (``"to": "{{recipient}}"`` inside
``Parameters`` becomes ``"to.$": "$.path"``), evaluated against the input of the
template state that uses it.

``{{$.path}}`` (a JSONPath, as Approval prompts and Memory namespaces use) is not a
parameter and is left alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from .locate import join
from .report import describe, did_you_mean, is_int, is_number

PARAMETER_TYPES: Final = ("string", "boolean", "integer", "number", "array", "object")
DECLARATION_FIELDS: Final = ("Type", "Description", "Required", "Default", "Enum", "Min", "Max")
FILTERS: Final = ("default", "upper", "lower", "json")

# {{ name | filter | filter: 'argument' }}; a name starts with a letter or "_".
PLACEHOLDER: Final = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_-]*)\s*((?:\|[^{}]*)?)\}\}")
# Fields whose object value is a payload template (keys ending in ".$" are paths).
PAYLOAD_FIELDS: Final = frozenset({"Parameters", "ResultSelector", "ItemSelector", "Input"})

Problem = Callable[[str, str, str], None]
"""Report a problem: (code, pointer inside the template or the Include, message)."""


@dataclass(frozen=True, slots=True)
class Dynamic:
    """A parameter whose value is a path, read at run time."""

    path: str


def check_declarations(declarations: Any, problem: Problem) -> dict[str, dict[str, Any]]:
    """The well-formed declarations of a template's ``Parameters``; problems reported."""
    if not isinstance(declarations, dict):
        return {}
    good: dict[str, dict[str, Any]] = {}
    for name, spec in declarations.items():
        at = join("/Parameters", str(name))
        if not PLACEHOLDER.fullmatch("{{" + str(name) + "}}"):
            problem(
                "INVALID_PARAMETER",
                at,
                f"Template parameter name '{name}' cannot be used in a placeholder: use "
                f"letters, digits, '_' and '-', starting with a letter or '_'",
            )
            continue
        if not isinstance(spec, dict):
            problem(
                "INVALID_TYPE",
                at,
                f"Template parameter '{name}' must be an object such as "
                f'{{"Type": "string", "Required": true}}, got {describe(spec)}',
            )
            continue
        ok = True
        for key in spec:
            if key not in DECLARATION_FIELDS:
                problem(
                    "UNKNOWN_FIELD",
                    join(at, str(key)),
                    f"Template parameter '{name}' has the unknown field '{key}'"
                    f"{did_you_mean(str(key), DECLARATION_FIELDS) or ': remove it'}",
                )
        kind = spec.get("Type")
        if "Type" in spec and kind not in PARAMETER_TYPES:
            problem(
                "INVALID_VALUE",
                join(at, "Type"),
                f"'Type' of template parameter '{name}' must be one of "
                f"{', '.join(PARAMETER_TYPES)}, got {describe(kind)}"
                f"{did_you_mean(kind, PARAMETER_TYPES) if isinstance(kind, str) else ''}",
            )
            ok = False
        if "Required" in spec and not isinstance(spec["Required"], bool):
            problem(
                "INVALID_TYPE",
                join(at, "Required"),
                f"'Required' of template parameter '{name}' must be true or false, "
                f"got {describe(spec['Required'])}",
            )
            ok = False
        if "Description" in spec and not isinstance(spec["Description"], str):
            problem(
                "INVALID_TYPE",
                join(at, "Description"),
                f"'Description' of template parameter '{name}' must be a string, "
                f"got {describe(spec['Description'])}",
            )
        if "Enum" in spec and (not isinstance(spec["Enum"], list) or not spec["Enum"]):
            problem(
                "INVALID_TYPE",
                join(at, "Enum"),
                f"'Enum' of template parameter '{name}' must be a non-empty array of the "
                f"allowed values, got {describe(spec['Enum'])}",
            )
            ok = False
        for bound in ("Min", "Max"):
            if bound in spec and not is_number(spec[bound]):
                problem(
                    "INVALID_TYPE",
                    join(at, bound),
                    f"'{bound}' of template parameter '{name}' must be a number, "
                    f"got {describe(spec[bound])}",
                )
                ok = False
        if not ok:
            continue
        good[str(name)] = spec
        if "Default" in spec and spec["Default"] is not None:
            wrong = value_problem(spec, spec["Default"])
            if wrong:
                problem(
                    "INVALID_VALUE",
                    join(at, "Default"),
                    f"'Default' of template parameter '{name}' {wrong}",
                )
    return good


def value_problem(spec: dict[str, Any], value: Any) -> str:
    """Why ``value`` does not fit a declaration ("must be ..."), or the empty string."""
    kind = spec.get("Type")
    fits = {
        "string": isinstance(value, str),
        "boolean": isinstance(value, bool),
        "integer": is_int(value),
        "number": is_number(value),
        "array": isinstance(value, list),
        "object": isinstance(value, dict),
    }
    if isinstance(kind, str) and not fits.get(kind, True):
        article = "an" if kind[0] in "aeiou" else "a"
        return f"must be {article} {kind}, got {describe(value)}"
    enum = spec.get("Enum")
    if isinstance(enum, list) and value not in enum:
        allowed = ", ".join(json.dumps(item) for item in enum)
        return f"must be one of {allowed}, got {describe(value)}"
    measure: float | None = None
    what = "be"
    if is_number(value):
        measure = value
    elif isinstance(value, (str, list)):
        measure, what = len(value), "have a length"
    if measure is not None:
        low, high = spec.get("Min"), spec.get("Max")
        if is_number(low) and measure < low:
            return f"must {what} of at least {low}, got {describe(value)}"
        if is_number(high) and measure > high:
            return f"must {what} of at most {high}, got {describe(value)}"
    return ""


def substitute(states: Any, values: dict[str, Any], problem: Problem) -> Any:
    """A copy of ``states`` with every placeholder replaced.

    ``values`` maps a parameter to its value (or :class:`Dynamic`); a problem is
    reported with the pointer (relative to ``states``) of the string it is in.
    """

    def walk(node: Any, pointer: str, payload: bool) -> Any:
        if isinstance(node, dict):
            result: dict[str, Any] = {}
            for key, child in node.items():
                at = join(pointer, str(key))
                if (
                    payload
                    and isinstance(child, str)
                    and not str(key).endswith(".$")
                    and _whole_dynamic(child, values)
                ):
                    match = PLACEHOLDER.fullmatch(child.strip())
                    assert match is not None
                    result[f"{key}.$"] = values[match.group(1)].path
                    continue
                result[str(key)] = walk(child, at, payload or key in PAYLOAD_FIELDS)
            return result
        if isinstance(node, list):
            return [walk(item, join(pointer, index), payload) for index, item in enumerate(node)]
        if isinstance(node, str) and "{{" in node:
            return _render(node, values, lambda code, message: problem(code, pointer, message))
        return node

    return walk(states, "", False)


def _whole_dynamic(text: str, values: dict[str, Any]) -> bool:
    match = PLACEHOLDER.fullmatch(text.strip())
    return match is not None and isinstance(values.get(match.group(1)), Dynamic)


_NO_VALUE = object()


def _render(text: str, values: dict[str, Any], problem: Callable[[str, str], None]) -> Any:
    """One string with its placeholders replaced; a lone placeholder keeps the value's type."""
    whole = PLACEHOLDER.fullmatch(text.strip())
    if whole is not None:
        return _value(whole, values, problem)

    def replace(match: re.Match[str]) -> str:
        value = _value(match, values, problem)
        return value if isinstance(value, str) else json.dumps(value)

    return PLACEHOLDER.sub(replace, text)


def _value(
    match: re.Match[str], values: dict[str, Any], problem: Callable[[str, str], None]
) -> Any:
    name, filters = match.group(1), match.group(2)
    value = values.get(name, _NO_VALUE)
    if isinstance(value, Dynamic):
        problem(
            "INVALID_PARAMETER",
            f"Parameter '{name}' is given as a path ('{name}.$'), so it can only fill a "
            f"whole value of a payload template (Parameters, ResultSelector, ItemSelector); "
            f"here it is used in '{match.group(0)}': pass a fixed value instead",
        )
        return match.group(0)
    for part in (piece.strip() for piece in filters.split("|")[1:]):
        filter_name, _, argument = part.partition(":")
        filter_name, argument = filter_name.strip(), argument.strip()
        if filter_name == "default":
            if value is _NO_VALUE or value is None:
                value = _literal(argument)
        elif filter_name in ("upper", "lower") and value is not _NO_VALUE:
            if isinstance(value, str):
                value = value.upper() if filter_name == "upper" else value.lower()
        elif filter_name == "json" and value is not _NO_VALUE:
            value = json.dumps(value)
        elif filter_name not in FILTERS:
            problem(
                "INVALID_PARAMETER",
                f"'{match.group(0)}' uses the unknown filter '{filter_name}'"
                f"{did_you_mean(filter_name, FILTERS) or ''}; the filters are "
                f"{', '.join(FILTERS)}",
            )
    if value is _NO_VALUE:
        problem(
            "MISSING_PARAMETER",
            f"'{match.group(0)}' has no value: pass '{name}' in the Include's Parameters, "
            f"declare a Default for it, or write {{{{{name} | default: 'value'}}}}",
        )
        return None
    return value


def _literal(argument: str) -> Any:
    """A filter argument: 'text' or "text", else a JSON literal (3, true, null), else text."""
    if len(argument) >= 2 and argument[0] == argument[-1] and argument[0] in "'\"":
        return argument[1:-1]
    try:
        return json.loads(argument)
    except ValueError:
        return argument
