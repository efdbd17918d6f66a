"""Payload templates: ``Parameters``, ``ResultSelector`` and ``ItemSelector``.

A template is compiled once into a tree of small closures. Keys ending in
``.$`` take their value from a path (``$.x``), the context object (``$$.x``)
or an intrinsic call (``States.Format(...)``) and lose the suffix; every other
value is copied as written, nested objects and arrays included. Each
evaluation builds fresh containers, so no two outputs share mutable state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asl.language.causes import parameter_path_cause
from asl.language.errors import RUNTIME, ASLError
from asl.language.intrinsics import compile_intrinsic, is_intrinsic
from asl.language.paths import NoResults, Path, compile_path

Evaluator = Callable[[Any, Any], Any]


class Payload:
    """A compiled template: ``evaluate(data, context)`` builds the value."""

    __slots__ = ("evaluate", "template", "uses_context")

    def __init__(self, template: Any, evaluate: Evaluator, uses_context: bool) -> None:
        self.template = template
        self.evaluate = evaluate
        self.uses_context = uses_context


def compile_payload(template: Any) -> Payload:
    """Compile a template; raises PathError / IntrinsicError for a bad ``.$`` value."""
    uses_context = [False]
    evaluate = _compile(template, uses_context)
    return Payload(template, evaluate, uses_context[0])


def _compile(node: Any, uses_context: list[bool]) -> Evaluator:
    if isinstance(node, dict):
        return _compile_object(node, uses_context)
    if isinstance(node, list):
        items = [_compile(item, uses_context) for item in node]
        return lambda data, context: [item(data, context) for item in items]
    return lambda data, context: node


def _compile_object(node: dict[str, Any], uses_context: list[bool]) -> Evaluator:
    fields: list[tuple[str, Evaluator]] = []
    for key, value in node.items():
        if key.endswith(".$") and isinstance(value, str):
            fields.append((key[:-2], _compile_dynamic(key, value, uses_context)))
        else:
            fields.append((key, _compile(value, uses_context)))
    if len(fields) <= 4:
        return _unrolled(fields)

    def build(data: Any, context: Any) -> dict[str, Any]:
        return {key: value(data, context) for key, value in fields}

    return build


def _unrolled(fields: list[tuple[str, Evaluator]]) -> Evaluator:
    """Small objects (the common case) skip the comprehension's frame."""
    if len(fields) == 1:
        ((k1, f1),) = fields
        return lambda d, c: {k1: f1(d, c)}
    if len(fields) == 2:
        (k1, f1), (k2, f2) = fields
        return lambda d, c: {k1: f1(d, c), k2: f2(d, c)}
    if len(fields) == 3:
        (k1, f1), (k2, f2), (k3, f3) = fields
        return lambda d, c: {k1: f1(d, c), k2: f2(d, c), k3: f3(d, c)}
    if len(fields) == 4:
        (k1, f1), (k2, f2), (k3, f3), (k4, f4) = fields
        return lambda d, c: {k1: f1(d, c), k2: f2(d, c), k3: f3(d, c), k4: f4(d, c)}
    return lambda d, c: {}  # an empty template builds an empty object


def _compile_dynamic(key: str, text: str, uses_context: list[bool]) -> Evaluator:
    if is_intrinsic(text):
        intrinsic = compile_intrinsic(text)
        uses_context[0] = uses_context[0] or intrinsic.uses_context
        return intrinsic.evaluate
    path = compile_path(text)
    if path.is_context:
        uses_context[0] = True
    return _path_field(key, path)


def _path_field(key: str, path: Path) -> Evaluator:
    evaluate = path.evaluate

    def value(data: Any, context: Any) -> Any:
        try:
            return evaluate(data, context)
        except NoResults:
            source = context if path.is_context else data
            raise ASLError(RUNTIME, parameter_path_cause(path.text, key, source)) from None

    return value
