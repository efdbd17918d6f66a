"""Turn a parsed call into nested closures, once, so evaluation does no parsing.

Every argument becomes a ``(data, context) -> value`` closure; every call becomes
a closure that evaluates its arguments and hands them to the checked function
body. Calls whose arguments are all literals and whose result is a plain scalar
are evaluated here, once (``States.Format('v{}', 2)`` costs nothing at run time).
Failures raised deep inside are worded once, at the top, with the whole
expression, as AWS words them::

    The function 'States.Format('{}', $.nope)' had the following error:
    The JsonPath argument for the field '$.nope' could not be found in the input '{}'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol, assert_never

from asl.language.errors import RUNTIME, ASLError, IntrinsicError
from asl.language.intrinsics.ast import (
    Argument,
    BooleanLiteral,
    Call,
    NullLiteral,
    NumberLiteral,
    PathArgument,
    StringLiteral,
)
from asl.language.intrinsics.parser import parse
from asl.language.intrinsics.signature import Closure, Failure, FunctionSpec, PathMiss, bind
from asl.language.intrinsics.table import FUNCTIONS
from asl.language.intrinsics.template import FORMAT, Template, parse_template
from asl.language.paths import NoResults, Path

_SCALARS = (str, int, float, bool, type(None))
_NOT_CONSTANT = object()


class Evaluator(Protocol):
    def __call__(self, data: Any, context: Any = None) -> Any: ...


@dataclass(frozen=True, slots=True)
class Intrinsic:
    """A compiled intrinsic call; ``evaluate(data, context)`` runs it.

    ``evaluate`` raises :class:`ASLError` ``States.Runtime`` with AWS's cause
    when an argument is missing or unusable. ``variables`` names the workflow
    variables its arguments read (``States.Format('{}', $name)``); the caller
    puts them in ``context[VARIABLES]`` when ``uses_variables``.
    """

    text: str
    uses_context: bool
    evaluate: Evaluator = field(repr=False, compare=False)
    tree: Call = field(repr=False, compare=False)
    variables: frozenset[str] = frozenset()

    @property
    def uses_variables(self) -> bool:
        return bool(self.variables)


def is_intrinsic(text: str) -> bool:
    """Whether a ``.$`` value is an intrinsic call rather than a path (AWS: the prefix)."""
    return text.startswith("States.")


def compile_intrinsic(text: str) -> Intrinsic:
    """Parse and compile ``text``; raises IntrinsicError if it is not a valid call."""
    return _compile_cached(text)


@lru_cache(maxsize=4096)
def _compile_cached(text: str) -> Intrinsic:
    tree = parse(text, FUNCTIONS.__contains__)
    compiler = _Compiler(text)
    root, _ = compiler.call(tree)
    return Intrinsic(
        text, compiler.uses_context, _top_level(text, root), tree, frozenset(compiler.variables)
    )


def _top_level(text: str, root: Closure) -> Evaluator:
    prefix = f"The function '{text}' had the following error: "

    def evaluate(data: Any, context: Any = None) -> Any:
        try:
            return root(data, context)
        except Failure as failure:
            raise ASLError(RUNTIME, prefix + failure.message(data, context)) from None

    return evaluate


class _Compiler:
    def __init__(self, text: str) -> None:
        self.text = text
        self.uses_context = False
        self.variables: set[str] = set()

    def argument(self, node: Argument) -> tuple[Closure, object]:
        match node:
            case StringLiteral(value=value) | NumberLiteral(value=value):
                return _constant(value), value
            case BooleanLiteral(value=value):
                return _constant(value), value
            case NullLiteral():
                return _constant(None), None
            case PathArgument(path=path):
                return self.path(path, missing_is_null=False), _NOT_CONSTANT
            case Call():
                return self.call(node)
            case _:  # pragma: no cover - exhaustive
                assert_never(node)

    def path(self, path: Path, missing_is_null: bool) -> Closure:
        if path.is_context:
            self.uses_context = True
        if path.variable is not None:
            self.variables.add(path.variable)
        evaluate = path.evaluate
        # A missing $$ path is reported against the state input, written with one $;
        # so is a missing $name path (or a member missing below it), written as is.
        field_text = path.text[1:] if path.is_context else path.text

        def value(data: Any, context: Any) -> Any:
            try:
                return evaluate(data, context)
            except NoResults:
                if missing_is_null:
                    return None
                raise PathMiss(field_text, path) from None

        return value

    def call(self, node: Call) -> tuple[Closure, object]:
        spec = FUNCTIONS[node.name]
        count = len(node.args)
        if spec.extension and not spec.accepts(count):
            raise IntrinsicError(
                self.text,
                f"{spec.name} takes {spec.arity_text()} argument(s) but was given {count}",
                node.column,
            )
        if spec.reads_context:
            self.uses_context = True
        compiled = [
            (self.path(arg.path, True), _NOT_CONSTANT)
            if spec.missing_path_is_null and isinstance(arg, PathArgument)
            else self.argument(arg)
            for arg in node.args
        ]
        closures = [closure for closure, _ in compiled]
        first = node.args[0] if node.args else None
        if spec.name == FORMAT and isinstance(first, StringLiteral):
            closure = _literal_format(parse_template(first.raw), closures[1:])
        else:
            closure = bind(spec, closures)
        constants = [value for _, value in compiled]
        return _fold(spec, closure, constants)


def _constant(value: Any) -> Closure:
    return lambda data, context: value


def _fold(spec: FunctionSpec, closure: Closure, constants: list[object]) -> tuple[Closure, object]:
    """Evaluate now when nothing can change the result and the result is immutable."""
    if not spec.deterministic or any(value is _NOT_CONSTANT for value in constants):
        return closure, _NOT_CONSTANT
    try:
        value = closure(None, None)
    except Failure:
        return closure, _NOT_CONSTANT  # AWS fails when the state runs; so do we
    if not isinstance(value, _SCALARS):
        return closure, _NOT_CONSTANT
    return _constant(value), value


def _literal_format(template: Template, values: list[Closure]) -> Closure:
    """``States.Format`` with a literal template: split once, here, not per run."""
    render = template.render
    if len(values) == 1:
        (a,) = values
        return lambda data, context: render([a(data, context)])
    if len(values) == 2:
        a, b = values
        return lambda data, context: render([a(data, context), b(data, context)])
    return lambda data, context: render([value(data, context) for value in values])
