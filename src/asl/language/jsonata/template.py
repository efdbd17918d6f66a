"""JSON values holding ``{% %}`` expressions: ``Arguments``, ``Output``, ``Assign``, ``Items``.

Any string of the template that is a whole ``{% ... %}`` is an expression, at any depth
in objects and arrays; every other value is literal (``" {% x %} "``, ``"$.a"`` and
``"States.Format(...)"`` are plain strings in a JSONata state -- recorded). Keys are
never evaluated. Each evaluation builds fresh containers.

Causes name the field the way AWS does, relative to the state: the caller gives the
top-level name (``Arguments``) and the template appends ``/key`` for each object member
(recorded: ``Arguments/Input/pushLocation``) and ``[i]`` for each array item (reported
by an emulator, unconfirmed). An expression whose value is undefined fails the state
wherever it sits, object member or array item (recorded for object members).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from asl.language.jsonata.expression import Expression, compile_expression
from asl.language.jsonata.syntax import is_expression

__all__ = ["Template", "compile_template"]

Builder = Callable[[Mapping[str, Any], Mapping[str, Any], "str | None"], Any]


class Template:
    """A compiled template; ``variables`` are the workflow variables its expressions read."""

    __slots__ = ("_build", "expressions", "template", "variables")

    def __init__(self, template: Any, build: Builder, expressions: tuple[Expression, ...]) -> None:
        self.template = template
        self._build = build
        self.expressions = expressions
        self.variables = frozenset().union(*(e.variables for e in expressions))

    def evaluate(self, states: Mapping[str, Any], variables: Mapping[str, Any],
                 field: str | None = None) -> Any:
        """The value; ``field`` is the template's own name in causes (``Output``)."""
        return self._build(states, variables, field)


def compile_template(value: Any) -> Template:
    """Compile every expression in ``value``; raises JsonataSyntaxError for a bad one."""
    expressions: list[Expression] = []
    return Template(value, _compile(value, expressions), tuple(expressions))


def _compile(node: Any, expressions: list[Expression]) -> Builder:
    if isinstance(node, str):
        if not is_expression(node):
            return lambda states, variables, field: node
        expression = compile_expression(node)
        expressions.append(expression)
        evaluate = expression.evaluate
        return lambda states, variables, field: evaluate(states, variables, field)
    if isinstance(node, dict):
        members = [(key, _compile(value, expressions)) for key, value in node.items()]

        def build_object(states: Mapping[str, Any], variables: Mapping[str, Any],
                         field: str | None) -> dict[str, Any]:
            return {
                key: member(states, variables, _join(field, "/" + key, key))
                for key, member in members
            }

        return build_object
    if isinstance(node, list):
        items = [_compile(item, expressions) for item in node]

        def build_array(states: Mapping[str, Any], variables: Mapping[str, Any],
                        field: str | None) -> list[Any]:
            return [
                item(states, variables, _join(field, f"[{index}]", f"[{index}]"))
                for index, item in enumerate(items)
            ]

        return build_array
    return lambda states, variables, field: node


def _join(field: str | None, suffix: str, alone: str) -> str:
    return alone if field is None else field + suffix
