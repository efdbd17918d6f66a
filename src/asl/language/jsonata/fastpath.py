"""Direct evaluation of the expressions every loop runs, with JSONata's exact semantics.

Most expressions in a workflow are a path into ``$states`` or a variable
(``$states.input.order.id``, ``$total``), or one comparison or arithmetic step on such a
path and a literal (``$states.input.i < 1000``, ``$count + 1``). Evaluating those
directly skips the evaluator's per-call setup (bindings, context, wrappers) and halves
the cost of a JSONata Pass/Choice loop.

Only the cases whose JSONata result is certain are answered here; anything else returns
:data:`FALLBACK` and the full evaluator runs, so results and errors are the library's:

* a path step into a non-object (an array maps over its items; a string, number...
  selects nothing) or ending on an array -> fallback;
* arithmetic on two numbers (as IEEE doubles, a whole result as an integer, like the
  evaluator); an undefined operand gives undefined; anything else -> fallback (``T2001``);
* ``<`` ``<=`` ``>`` ``>=`` on two numbers; undefined if either side is undefined;
  strings and other types -> fallback (UTF-16 order, ``T2009``/``T2010``);
* ``=`` ``!=`` on scalars; ``false`` if either side is undefined.

``tests/language/test_jsonata_fastpath.py`` checks every shape against the evaluator.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from typing import Any, Final

import jsonata2py
from jsonata2py.parser import ast_nodes as ast

from asl.language.jsonata.scope import KNOWN_FUNCTIONS

FALLBACK: Final = object()
_MISSING: Final = jsonata2py.MISSING
_SAFE_INTEGER: Final = 2**53

Evaluator = Callable[[Mapping[str, Any], Mapping[str, Any]], Any]

_ARITHMETIC: Final[dict[str, Callable[[float, float], float]]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
}
_ORDERING: Final[dict[str, Callable[[Any, Any], bool]]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_EQUALITY: Final[dict[str, bool]] = {"=": True, "!=": False}


def compile_fast(tree: Any) -> Evaluator | None:
    """A direct evaluator for a recognised shape, or None."""
    if isinstance(tree, ast.BinaryOp):
        left, right = _operand(tree.left), _operand(tree.right)
        if left is None or right is None:
            return None
        if tree.op in _ARITHMETIC:
            return _arithmetic(_ARITHMETIC[tree.op], left, right)
        if tree.op in _ORDERING:
            return _ordering(_ORDERING[tree.op], left, right)
        if tree.op in _EQUALITY:
            return _equality(_EQUALITY[tree.op], left, right)
        return None
    path = _path(tree)
    if path is None:
        return None

    def evaluate(states: Mapping[str, Any], variables: Mapping[str, Any]) -> Any:
        value = path(states, variables)
        return FALLBACK if value.__class__ is list else value

    return evaluate


def _operand(node: Any) -> Evaluator | None:
    if isinstance(node, ast.NumberLiteral):
        number = node.value
        constant: Any = int(number) if number.is_integer() and abs(number) < _SAFE_INTEGER \
            else number
        return lambda states, variables: constant
    if isinstance(node, ast.StringLiteral | ast.BooleanLiteral):
        literal = node.value
        return lambda states, variables: literal
    if isinstance(node, ast.NullLiteral):
        return lambda states, variables: None
    return _path(node)


def _path(node: Any) -> Evaluator | None:
    """``$name`` or ``$name.a.b`` with plain field names; None for anything else."""
    steps: list[Any] = node.steps if isinstance(node, ast.PathExpr) else [node]
    first, rest = (steps[0], steps[1:]) if steps else (None, [])
    if not isinstance(first, ast.VariableRef) or not all(
        isinstance(step, ast.FieldRef) for step in rest
    ):
        return None
    head: str = first.name
    fields: tuple[str, ...] = tuple(step.name for step in rest)
    if not head:
        return None
    if head in KNOWN_FUNCTIONS and head != "states":
        return None
    is_states = head == "states"

    def evaluate(states: Mapping[str, Any], variables: Mapping[str, Any]) -> Any:
        value: Any = states if is_states else variables.get(head, _MISSING)
        for name in fields:
            if value.__class__ is not dict:
                return _MISSING if value is _MISSING else FALLBACK
            value = value.get(name, _MISSING)
        return value

    return evaluate


def _number(value: Any) -> bool:
    kind = value.__class__
    return (kind is int and -_SAFE_INTEGER <= value <= _SAFE_INTEGER) or (
        kind is float and math.isfinite(value)
    )


def _arithmetic(apply: Callable[[float, float], float], left: Evaluator,
                right: Evaluator) -> Evaluator:
    def evaluate(states: Mapping[str, Any], variables: Mapping[str, Any]) -> Any:
        a = left(states, variables)
        b = right(states, variables)
        if a is FALLBACK or b is FALLBACK:
            return FALLBACK
        if _number(a) and _number(b):
            if b == 0 and apply is operator.truediv:
                return FALLBACK
            result = apply(float(a), float(b))
            if not math.isfinite(result):
                return FALLBACK
            return int(result) if result.is_integer() else result
        if (a is _MISSING or _number(a)) and (b is _MISSING or _number(b)):
            return _MISSING
        return FALLBACK

    return evaluate


def _ordering(compare: Callable[[Any, Any], bool], left: Evaluator,
              right: Evaluator) -> Evaluator:
    def evaluate(states: Mapping[str, Any], variables: Mapping[str, Any]) -> Any:
        a = left(states, variables)
        b = right(states, variables)
        if a is FALLBACK or b is FALLBACK:
            return FALLBACK
        if _number(a) and _number(b):
            return compare(a, b)
        if (a is _MISSING or _number(a)) and (b is _MISSING or _number(b)):
            return _MISSING
        return FALLBACK

    return evaluate


def _scalar(value: Any) -> bool:
    return value is None or value.__class__ in (bool, str) or _number(value)


def _equality(equal: bool, left: Evaluator, right: Evaluator) -> Evaluator:
    def evaluate(states: Mapping[str, Any], variables: Mapping[str, Any]) -> Any:
        a = left(states, variables)
        b = right(states, variables)
        if a is FALLBACK or b is FALLBACK:
            return FALLBACK
        if a is _MISSING or b is _MISSING:
            return False
        if not (_scalar(a) and _scalar(b)):
            return FALLBACK
        same = (a.__class__ is bool) == (b.__class__ is bool) and a == b
        return same if equal else not same

    return evaluate
