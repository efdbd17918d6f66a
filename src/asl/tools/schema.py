"""JSON Schema for a Python tool, derived from its type hints.

An LLM can only call a function it can describe, so the schema a provider's
function calling needs is built once, at registration, from the signature:
annotated types become JSON types, defaults make a parameter optional, and
``Annotated[T, "text"]`` gives a parameter its description.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, Union, get_args, get_origin

_SCALARS: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    type(None): {"type": "null"},
}


def function_schema(fn: Callable[..., Any]) -> dict[str, Any]:
    """The ``{"type": "object", ...}`` schema of ``fn``'s keyword arguments."""
    try:
        hints = typing.get_type_hints(fn, include_extras=True)
    except (NameError, TypeError) as problem:
        raise TypeError(f"cannot read the type hints of tool {fn!r}: {problem}") from None
    properties: dict[str, Any] = {}
    required: list[str] = []
    for name, parameter in inspect.signature(fn).parameters.items():
        if parameter.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            continue
        schema = type_schema(hints.get(name, Any))
        if parameter.default is inspect.Parameter.empty:
            required.append(name)
        elif _is_json(parameter.default):
            schema = {**schema, "default": parameter.default}
        properties[name] = schema
    result: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        result["required"] = required
    result["additionalProperties"] = False
    return result


def type_schema(hint: Any) -> dict[str, Any]:
    """The JSON Schema of one annotation; ``Any`` (or no hint) accepts every value."""
    if hint is Any or hint is inspect.Parameter.empty:
        return {}
    if hint in _SCALARS:
        return dict(_SCALARS[hint])
    origin = get_origin(hint)
    args = get_args(hint)
    if origin is typing.Annotated:
        schema = type_schema(args[0])
        notes = [a for a in args[1:] if isinstance(a, str)]
        return {**schema, "description": notes[0]} if notes else schema
    if origin is Literal:
        return {"enum": list(args)}
    if origin in (Union, types.UnionType):
        return {"anyOf": [type_schema(a) for a in args]}
    if origin in (list, tuple, set, frozenset, Sequence) or hint in (list, tuple, set):
        items = args[0] if args and args[0] is not Ellipsis else Any
        return {"type": "array", "items": type_schema(items)} if args else {"type": "array"}
    if origin in (dict, Mapping) or hint is dict:
        if len(args) == 2:
            return {"type": "object", "additionalProperties": type_schema(args[1])}
        return {"type": "object"}
    model_schema = getattr(hint, "model_json_schema", None)  # a pydantic model
    if callable(model_schema):
        return dict(model_schema())
    raise TypeError(
        f"a tool parameter has the type {hint!r}, which has no JSON form; "
        "use str, int, float, bool, list, dict, Literal, a union of those, or Any"
    )


def _is_json(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool | list | dict)


def describe_function(fn: Callable[..., Any]) -> str:
    """The first paragraph of the docstring: what an LLM reads to pick the tool."""
    doc = inspect.getdoc(fn) or ""
    return doc.split("\n\n", 1)[0].replace("\n", " ").strip()
