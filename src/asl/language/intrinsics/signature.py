"""Declared signatures and the one argument checker every function goes through.

A function body never validates its own arguments: its :class:`FunctionSpec`
lists what each position accepts, and :func:`checked` converts the values (or
rejects them) the same way for every function. That keeps the bodies a few
lines long and makes every function fail with AWS's one wording,
``Invalid arguments in States.X``.

Two internal signals travel up the closures and are turned into an
:class:`~asl.language.errors.ASLError` once, at the top of the expression
(see ``compiler.py``): :class:`Invalid` (bad arguments) and :class:`Failure`
(a finished message, such as a path that selected nothing).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from asl.language.causes import json_for_cause, path_failure_message
from asl.language.paths import Path

Closure = Callable[[Any, Any], Any]


class Invalid(Exception):
    """Arguments a function cannot use; ``reason`` is shown only for ASL extensions."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason)
        self.reason = reason


class Failure(Exception):
    """A failure whose message may still need the state input to be complete."""

    def message(self, data: Any, context: Any) -> str:
        return str(self)


class PathMiss(Failure):
    """A path argument that selected nothing; AWS prints the whole state input.

    ``field_text`` is the path as AWS names it (a ``$$`` path loses one ``$``).
    """

    def __init__(self, field_text: str, path: Path) -> None:
        super().__init__(field_text)
        self.field_text = field_text
        self.path = path

    def message(self, data: Any, context: Any) -> str:
        failure = self.path.failure(data, context)
        if failure.kind == "not_array":  # AWS lets Jayway's own message through here
            return path_failure_message(failure)
        return (
            f"The JsonPath argument for the field '{self.field_text}' "
            f"could not be found in the input '{json_for_cause(data)}'"
        )


@dataclass(frozen=True, slots=True)
class ArgKind:
    """What one argument position accepts; ``convert`` returns the value to use."""

    name: str
    convert: Callable[[Any], Any]


def _any(value: Any) -> Any:
    return value


# ``type(x) is int`` (not isinstance) keeps booleans out, and is the fastest check.


def _string(value: Any) -> str:
    if type(value) is str:
        return value
    raise Invalid("expected a string")


def _number(value: Any) -> int | float:
    kind = type(value)
    if kind is int or kind is float:
        return value  # type: ignore[no-any-return]
    raise Invalid("expected a number")


def _array(value: Any) -> list[Any]:
    if type(value) is list:
        return value
    raise Invalid("expected an array")


def _object(value: Any) -> dict[str, Any]:
    if type(value) is dict:
        return value
    raise Invalid("expected an object")


def _boolean(value: Any) -> bool:
    if type(value) is bool:
        return value
    raise Invalid("expected a boolean")


def _truncated(value: Any) -> int:
    """A number cut to an integer toward zero, as Java's ``(int)`` cast does."""
    kind = type(value)
    if kind is int:
        return value  # type: ignore[no-any-return]
    if kind is float and math.isfinite(value):
        return int(value)
    raise Invalid("expected a finite number")


def _rounded(value: Any) -> int:
    """A number rounded half up, as Java's ``Math.round`` does (-1.5 -> -1, 2.5 -> 3)."""
    kind = type(value)
    if kind is int:
        return value  # type: ignore[no-any-return]
    if kind is float and math.isfinite(value):
        floor: int = math.floor(value)
        return floor + 1 if value - floor >= 0.5 else floor
    raise Invalid("expected a finite number")


def _whole(value: Any) -> int:
    """A non-negative integer; an integral float such as ``3.0`` counts."""
    number = _number(value)
    if isinstance(number, float):
        if not number.is_integer():
            raise Invalid("expected a whole number")
        number = int(number)
    if number < 0:
        raise Invalid("expected a number of at least 0")
    return number


ANY = ArgKind("any value", _any)
STRING = ArgKind("string", _string)
NUMBER = ArgKind("number", _number)
ARRAY = ArgKind("array", _array)
OBJECT = ArgKind("object", _object)
BOOLEAN = ArgKind("boolean", _boolean)
TRUNCATED_INT = ArgKind("integer (fractions cut off)", _truncated)
ROUNDED_INT = ArgKind("integer (fractions rounded)", _rounded)
WHOLE = ArgKind("whole number", _whole)


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    """One intrinsic: its arity, the kind of each argument, and its body.

    ``params`` covers the first positions (optional ones included, up to
    ``max_args``); ``rest`` covers every further argument of a variadic function.
    ``impl`` receives the converted values, preceded by the context object when
    ``reads_context`` is set.
    """

    name: str
    min_args: int
    max_args: int | None
    params: tuple[ArgKind, ...]
    impl: Callable[..., Any]
    rest: ArgKind | None = None
    extension: bool = False
    reads_context: bool = False
    deterministic: bool = True
    missing_path_is_null: bool = False

    def accepts(self, count: int) -> bool:
        return count >= self.min_args and (self.max_args is None or count <= self.max_args)

    def arity_text(self) -> str:
        if self.max_args is None:
            return f"at least {self.min_args}"
        if self.min_args == self.max_args:
            return str(self.min_args)
        return f"{self.min_args} to {self.max_args}"


def invalid_arguments(spec: FunctionSpec, reason: str = "") -> str:
    """AWS's wording; our own functions add the reason, which AWS never shows."""
    if spec.extension and reason:
        return f"Invalid arguments in {spec.name}: {reason}"
    return f"Invalid arguments in {spec.name}"


def bind(spec: FunctionSpec, args: list[Closure]) -> Closure:
    """A ``(data, context)`` closure: evaluates the arguments, converts them, runs the body.

    Unrolled for up to three arguments, because this is the hot path of every state
    that uses an intrinsic. Only the body and the converters can raise
    :class:`Invalid`: a nested call has already turned its own into a :class:`Failure`.
    """
    count = len(args)
    if not spec.accepts(count):
        message = invalid_arguments(
            spec, f"takes {spec.arity_text()} argument(s) but was given {count}"
        )

        def wrong_count(data: Any, context: Any) -> Any:
            for arg in args:  # arguments run first, so a missing path is reported first
                arg(data, context)
            raise Failure(message)

        return wrong_count

    body = _with_context(spec) if spec.reads_context else _without_context(spec)
    failure = invalid_arguments(spec)
    extension = spec.extension

    def run(values: tuple[Any, ...], context: Any) -> Any:
        try:
            return body(values, context)
        except Invalid as invalid:
            if extension:
                raise Failure(invalid_arguments(spec, invalid.reason)) from None
            raise Failure(failure) from None
        except RecursionError:
            raise Failure(invalid_arguments(spec, "the value is nested too deeply")) from None

    if count == 0:
        return lambda data, context: run((), context)
    if count == 1:
        (a,) = args
        return lambda data, context: run((a(data, context),), context)
    if count == 2:
        a, b = args
        return lambda data, context: run((a(data, context), b(data, context)), context)
    if count == 3:
        a, b, c = args
        return lambda data, context: run(
            (a(data, context), b(data, context), c(data, context)), context
        )
    return lambda data, context: run(tuple([arg(data, context) for arg in args]), context)


Body = Callable[[tuple[Any, ...], Any], Any]


def _without_context(spec: FunctionSpec) -> Body:
    impl = spec.impl
    converters = tuple(kind.convert for kind in spec.params)
    rest = spec.rest.convert if spec.rest is not None else None
    if spec.rest in (None, ANY) and all(kind is ANY for kind in spec.params):
        return lambda values, context: impl(*values)
    if rest is None and len(converters) == 1:
        (c0,) = converters
        return lambda values, context: impl(c0(values[0]))
    if rest is None and len(converters) == 2 and spec.min_args == 2:
        c0, c1 = converters
        return lambda values, context: impl(c0(values[0]), c1(values[1]))

    def general(values: tuple[Any, ...], context: Any) -> Any:
        return impl(*_convert(values, converters, rest))

    return general


def _with_context(spec: FunctionSpec) -> Body:
    impl = spec.impl
    converters = tuple(kind.convert for kind in spec.params)
    rest = spec.rest.convert if spec.rest is not None else None
    return lambda values, context: impl(context, *_convert(values, converters, rest))


def _convert(
    values: tuple[Any, ...],
    converters: tuple[Callable[[Any], Any], ...],
    rest: Callable[[Any], Any] | None,
) -> list[Any]:
    out = []
    for index, value in enumerate(values):
        convert = converters[index] if index < len(converters) else rest
        assert convert is not None
        out.append(convert(value))
    return out
