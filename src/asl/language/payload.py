"""Payload templates: ``Parameters``, ``ResultSelector`` and ``ItemSelector``.

Keys ending in ``.$`` take their value from a path (``$.x``), the context
object (``$$.x``), a workflow variable (``$name``, ``$name.x``) or an intrinsic
call (``States.Format(...)``) and lose the suffix; every other value is copied
as written, nested objects and arrays included. Each evaluation builds fresh
containers, so no two outputs share mutable state. The JSONPath form of
``Assign`` is the same template syntax.

A template is compiled twice. The fast form is one generated function whose
body is a single dict/list display (``{K0: P0(d, c), K1: V1}``): no call per
static value, no wrapper per path. Its source holds only generated names; the
keys, values, paths and intrinsics live in its namespace. When a path selects
nothing, the slow form (a tree of closures, evaluated in the same order) runs
to raise AWS's error naming the field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asl.language.causes import parameter_path_cause, path_input
from asl.language.errors import RUNTIME, ASLError
from asl.language.intrinsics import compile_intrinsic, is_intrinsic
from asl.language.paths import NoResults, Path, compile_path

Evaluator = Callable[[Any, Any], Any]
_GENERATED_NODES_LIMIT = 2000  # beyond this (or very deep nesting) the closures are used alone
_GENERATED_DEPTH_LIMIT = 40


class Payload:
    """A compiled template: ``evaluate(data, context)`` builds the value.

    ``uses_context`` says whether a path or intrinsic reads the context object
    (``$$``); ``variables`` names the workflow variables it reads (``$name``), and
    ``uses_variables`` whether there is any: the caller then puts them in
    ``context[VARIABLES]``.
    """

    __slots__ = ("evaluate", "template", "uses_context", "uses_variables", "variables")

    def __init__(
        self,
        template: Any,
        evaluate: Evaluator,
        uses_context: bool,
        variables: frozenset[str] = frozenset(),
    ) -> None:
        self.template = template
        self.evaluate = evaluate
        self.uses_context = uses_context
        self.variables = variables
        self.uses_variables = bool(variables)


class _Reads:
    """What the ``.$`` values of a template read, gathered while compiling it."""

    __slots__ = ("context", "variables")

    def __init__(self) -> None:
        self.context = False
        self.variables: set[str] = set()


def compile_payload(template: Any) -> Payload:
    """Compile a template; raises PathError / IntrinsicError for a bad ``.$`` value."""
    reads = _Reads()
    slow = _compile(template, reads)
    variables = frozenset(reads.variables)
    generator = _Generator()
    try:
        expression = generator.expression(template, 0)
    except _TooLarge:
        return Payload(template, slow, reads.context, variables)
    namespace = generator.namespace
    namespace["NoResults"] = NoResults
    namespace["slow"] = slow  # raises the error that names the field
    body = f"return {expression}"
    if generator.has_paths:
        body = f"try:\n        {body}\n    except NoResults:\n        return slow(d, c)"
    exec(  # the source holds generated names only, never document text
        compile(f"def build(d, c):\n    {body}\n", "<payload>", "exec"), namespace
    )
    return Payload(template, namespace["build"], reads.context, variables)


class _TooLarge(Exception):
    pass


class _Generator:
    """Writes a template as one Python expression over names bound in ``namespace``."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {}
        self.has_paths = False

    def name(self, value: Any) -> str:
        name = f"_{len(self.namespace)}"
        self.namespace[name] = value
        if len(self.namespace) > _GENERATED_NODES_LIMIT:
            raise _TooLarge
        return name

    def expression(self, node: Any, depth: int) -> str:
        if depth > _GENERATED_DEPTH_LIMIT:
            raise _TooLarge
        if isinstance(node, dict):
            members = []
            for key, value in node.items():
                if key.endswith(".$") and isinstance(value, str):
                    members.append(f"{self.name(key[:-2])}: {self.dynamic(value)}")
                else:
                    members.append(f"{self.name(key)}: {self.expression(value, depth + 1)}")
            return "{" + ", ".join(members) + "}"
        if isinstance(node, list):
            return "[" + ", ".join(self.expression(item, depth + 1) for item in node) + "]"
        return self.name(node)

    def dynamic(self, text: str) -> str:
        if is_intrinsic(text):
            return f"{self.name(compile_intrinsic(text).evaluate)}(d, c)"
        self.has_paths = True
        return f"{self.name(compile_path(text).evaluate)}(d, c)"


def _compile(node: Any, reads: _Reads) -> Evaluator:
    if isinstance(node, dict):
        return _compile_object(node, reads)
    if isinstance(node, list):
        items = [_compile(item, reads) for item in node]
        return lambda data, context: [item(data, context) for item in items]
    return lambda data, context: node


def _compile_object(node: dict[str, Any], reads: _Reads) -> Evaluator:
    fields: list[tuple[str, Evaluator]] = []
    for key, value in node.items():
        if key.endswith(".$") and isinstance(value, str):
            fields.append((key[:-2], _compile_dynamic(key, value, reads)))
        else:
            fields.append((key, _compile(value, reads)))

    def build(data: Any, context: Any) -> dict[str, Any]:
        return {key: value(data, context) for key, value in fields}

    return build


def _compile_dynamic(key: str, text: str, reads: _Reads) -> Evaluator:
    if is_intrinsic(text):
        intrinsic = compile_intrinsic(text)
        reads.context = reads.context or intrinsic.uses_context
        reads.variables.update(intrinsic.variables)
        return intrinsic.evaluate
    path = compile_path(text)
    if path.is_context:
        reads.context = True
    if path.variable is not None:
        reads.variables.add(path.variable)
    return _path_field(key, path)


def _path_field(key: str, path: Path) -> Evaluator:
    evaluate = path.evaluate

    def value(data: Any, context: Any) -> Any:
        try:
            return evaluate(data, context)
        except NoResults:
            source = path_input(path, data, context)
            raise ASLError(RUNTIME, parameter_path_cause(path.text, key, source)) from None

    return value
