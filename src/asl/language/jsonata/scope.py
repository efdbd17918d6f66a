"""Which workflow variables an expression reads, found on its syntax tree.

Validation reports a ``$name`` that no ``Assign`` defines, so the set must hold exactly
the free names: not ``$states`` (the reserved variable), not a function JSONata or AWS
provides, and not a name the expression binds itself -- ``$x := ...`` in a block (visible
in that whole block, as JSONata scopes it), a lambda's parameters, ``#$i`` / ``@$v``
bindings. A function *call* to an unknown name is not a variable read (AWS accepts the
definition and fails at run time with ``T1006``), so only value references count.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any, Final

from jsonata2py.parser import ast_nodes as ast

from asl.language.jsonata.functions import AWS_FUNCTIONS

RESERVED: Final = "states"
# JSONata 2.0's function library: names that are functions, not variables.
JSONATA_FUNCTIONS: Final = frozenset(
    {
        "abs", "append", "assert", "average", "base64decode", "base64encode", "boolean",
        "ceil", "clone", "contains", "count", "decodeUrl", "decodeUrlComponent", "distinct",
        "each", "encodeUrl", "encodeUrlComponent", "error", "eval", "exists", "filter",
        "floor", "formatBase", "formatInteger", "formatNumber", "fromMillis", "join", "keys",
        "length", "lookup", "lowercase", "map", "match", "max", "merge", "millis", "min",
        "not", "now", "number", "pad", "parseInteger", "power", "random", "reduce", "replace",
        "reverse", "round", "shuffle", "sift", "single", "sort", "split", "spread", "sqrt",
        "string", "substring", "substringAfter", "substringBefore", "sum", "toMillis", "trim",
        "type", "uppercase", "zip",
    }
)
KNOWN_FUNCTIONS: Final = JSONATA_FUNCTIONS | frozenset(AWS_FUNCTIONS)


def free_variables(tree: ast.AstNode) -> frozenset[str]:
    found: set[str] = set()
    _walk(tree, frozenset(_bound_in_block([tree])) | _position_bindings(tree), found)
    return frozenset(found - {RESERVED} - KNOWN_FUNCTIONS)


def referenced_names(tree: ast.AstNode) -> frozenset[str]:
    """Every name read as a value (``$name`` not followed by a call), bound or not."""
    return frozenset(node.name for node in _nodes(tree) if isinstance(node, ast.VariableRef))


def called_functions(tree: ast.AstNode) -> frozenset[str]:
    """Names called as ``$name(...)`` (or partially applied) anywhere in the tree."""
    return frozenset(
        node.name
        for node in _nodes(tree)
        if isinstance(node, ast.FunctionCall | ast.PartialApplication)
    )


def _walk(node: Any, bound: frozenset[str], found: set[str]) -> None:
    if isinstance(node, ast.VariableRef):
        if node.name and node.name not in bound:
            found.add(node.name)
        return
    if isinstance(node, ast.Block):
        inner = bound | _bound_in_block(node.expressions)
        for expression in node.expressions:
            _walk(expression, inner, found)
        return
    if isinstance(node, ast.Lambda):
        _walk(node.body, bound | frozenset(node.params), found)
        return
    if isinstance(node, ast.FunctionCall | ast.PartialApplication):
        for argument in node.args:
            _walk(argument, bound, found)
        return
    for child in _children(node):
        _walk(child, bound, found)


def _bound_in_block(expressions: list[Any]) -> frozenset[str]:
    return frozenset(
        expression.name for expression in expressions
        if isinstance(expression, ast.VariableBinding)
    )


def _position_bindings(tree: Any) -> frozenset[str]:
    return frozenset(
        node.var_name for node in _nodes(tree)
        if isinstance(node, ast.PositionBinding | ast.ContextBinding)
    )


def _nodes(node: Any) -> Iterator[Any]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(_children(current))


def _children(node: Any) -> Iterator[Any]:
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        return
    for field in dataclasses.fields(node):
        value = getattr(node, field.name)
        if isinstance(value, list):
            yield from (item for item in value if dataclasses.is_dataclass(item))
        elif dataclasses.is_dataclass(value):
            yield value
