"""Choice rules of JSONPath Choice states, compiled once into closures.

``compile_rule`` checks one rule (nested ``And``/``Or``/``Not`` included), reports
every problem at once as a :class:`ValidationError`, and returns a :class:`Rule`
whose ``evaluate`` runs a chain of closures: no parsing, no lookup of operator
names, no regex at evaluation time except to read a timestamp *value*.

The semantics are AWS Step Functions' as recorded on AWS:

* a value of the wrong type never matches and never fails (``NumericEquals`` on a
  string, ``StringEquals`` on a number, ``BooleanEquals`` on ``0``); booleans are
  not numbers; ``1`` and ``1.0`` are the same number;
* a ``Variable`` or ``*Path`` operand may read a workflow variable (``"$guess"``,
  ``"$order.total"``); the runtime passes the visible ones in ``context[VARIABLES]``;
* a ``Variable`` (or ``*Path`` operand) that selects nothing fails the state with
  ``States.Runtime``, except under ``IsPresent``, which exists to test exactly that;
  ``IsPresent`` is true for a field that is present with the value null;
* ``And``/``Or`` stop at the first rule that decides them, so an ``IsPresent``
  guard placed first protects the rules after it;
* strings order as Java's ``String.compareTo`` (UTF-16 code units), timestamps by
  the instant they name (see :mod:`asl.language.timestamps`).

ASL extensions: ``"Variable.$"`` takes the tested value from an intrinsic function,
and a ``Timestamp*`` operand may be relative to now (``"-5m"``). See ``docs/choice.md``.
"""

from __future__ import annotations

import difflib
import json
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from asl.language.causes import choice_path_cause
from asl.language.errors import RUNTIME, ASLError, Diagnostic, PathError, ValidationError
from asl.language.intrinsics import compile_intrinsic
from asl.language.paths import NoResults, Path, compile_reference_path
from asl.language.timestamps import datetime_nanos, timestamp_nanos

Now = Callable[[], datetime]
Test = Callable[[Any, Any, Now | None], bool]
Fetch = Callable[[Any, Any], Any]
Probe = Callable[[Any, Any], bool]
Predicate = Callable[[Any], bool]
PathPredicate = Callable[[Any, Any], bool]
Compare = Callable[[Any, Any], bool]

_ORDER: Final[dict[str, Compare]] = {
    "Equals": operator.eq,
    "LessThan": operator.lt,
    "GreaterThan": operator.gt,
    "LessThanEquals": operator.le,
    "GreaterThanEquals": operator.ge,
}
STRING_OPERATORS: Final = tuple(f"String{suffix}" for suffix in _ORDER)
NUMERIC_OPERATORS: Final = tuple(f"Numeric{suffix}" for suffix in _ORDER)
TIMESTAMP_OPERATORS: Final = tuple(f"Timestamp{suffix}" for suffix in _ORDER)
TYPE_OPERATORS: Final = ("IsNull", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp")
COMBINATORS: Final = ("And", "Or", "Not")
_WITH_PATH_FORM: Final = (
    *STRING_OPERATORS,
    *NUMERIC_OPERATORS,
    *TIMESTAMP_OPERATORS,
    "BooleanEquals",
)
OPERATORS: Final[frozenset[str]] = frozenset(
    (
        *_WITH_PATH_FORM,
        *(f"{name}Path" for name in _WITH_PATH_FORM),
        "StringMatches",
        *TYPE_OPERATORS,
        "IsPresent",
        *COMBINATORS,
    )
)
_TOP_LEVEL_ONLY: Final = ("Next", "Assign", "Output")
_KNOWN_FIELDS: Final = ("Variable", "Variable.$", "Comment", *_TOP_LEVEL_ONLY)

_NUMBER_TYPES: Final = frozenset((int, float))
_RELATIVE: Final = re.compile(r"([+-])(\d{1,9})([smhd])", re.ASCII)
_UNIT_NANOS: Final = {"s": 10**9, "m": 60 * 10**9, "h": 3600 * 10**9, "d": 86_400 * 10**9}
# AWS fails a Choice state whose rules all miss and that has no Default with
# States.Runtime (not States.NoChoiceMatched) and this cause, after the usual
# "An error occurred while executing the state ..." prefix.
NO_MATCH_CAUSE: Final = (
    "Failed to transition out of the state. The state does not point to a next state."
)


class Rule:
    """A compiled Choice rule: ``evaluate`` tells whether the state's data matches it.

    ``uses_context`` says whether any path of the rule reads the context object
    (``$$``), so the caller builds that object only when it is needed;
    ``variables`` names the workflow variables its paths and intrinsics read
    (``"Variable": "$guess"``), which the caller puts in ``context[VARIABLES]`` when
    ``uses_variables``.
    """

    __slots__ = ("_test", "source", "uses_context", "uses_variables", "variables")

    def __init__(
        self,
        test: Test,
        uses_context: bool,
        source: Mapping[str, Any],
        variables: frozenset[str] = frozenset(),
    ) -> None:
        self._test = test
        self.uses_context = uses_context
        self.source = source
        self.variables = variables
        self.uses_variables = bool(variables)

    def evaluate(self, data: Any, context: Any = None, *, now: Now | None = None) -> bool:
        """True when ``data`` matches; ``now`` is the clock of relative timestamps (UTC now)."""
        return self._test(data, context, now)

    def __repr__(self) -> str:
        return f"Rule({json.dumps(self.source, default=str, sort_keys=True)})"


def compile_rule(raw: Mapping[str, Any], pointer: str) -> Rule:
    """Compile one Choice rule found at JSON pointer ``pointer``.

    A top-level rule may carry ``Next``, ``Comment``, ``Assign`` and ``Output``: they
    belong to the Choice state and are ignored here. Raises :class:`ValidationError`
    listing every problem of the rule, nested rules included.
    """
    compiler = _Compiler()
    test = compiler.rule(raw, pointer, nested=False)
    if compiler.problems or test is None:
        raise ValidationError(compiler.problems)
    return Rule(test, compiler.uses_context, raw, frozenset(compiler.variables))


class _Compiler:
    """Walks one rule tree, collecting problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Diagnostic] = []
        self.uses_context = False
        self.variables: set[str] = set()

    def report(self, code: str, message: str, pointer: str) -> None:
        self.problems.append(Diagnostic(code, message, pointer, None, None))

    def rule(self, raw: Any, pointer: str, *, nested: bool) -> Test | None:
        if not isinstance(raw, Mapping):
            self.report(
                "CHOICE_RULE_NOT_OBJECT",
                f"A Choice rule must be an object such as "
                f'{{"Variable": "$.status", "StringEquals": "done"}}; got {_describe(raw)}',
                pointer,
            )
            return None
        found = [key for key in raw if key in OPERATORS]
        self._check_fields(raw, pointer, nested=nested)
        if not found:
            self.report(
                "CHOICE_NO_OPERATOR",
                "The Choice rule has no comparison operator; add one such as StringEquals, "
                "NumericGreaterThan or IsPresent, or combine rules with And, Or or Not",
                pointer,
            )
        elif len(found) > 1:
            self.report(
                "CHOICE_MANY_OPERATORS",
                f"The Choice rule has {len(found)} comparison operators ({', '.join(found)}); "
                "keep exactly one, and combine several tests with And or Or",
                pointer,
            )
        comparisons = [name for name in found if name not in COMBINATORS]
        source = self.source(raw, pointer) if comparisons else None
        tests = [
            self.combinator(name, raw, pointer)
            if name in COMBINATORS
            else self.comparison(name, raw[name], _child(pointer, name), source)
            for name in found
        ]
        return tests[0] if len(tests) == 1 else None

    def _check_fields(self, raw: Mapping[str, Any], pointer: str, *, nested: bool) -> None:
        for key in raw:
            if key in OPERATORS or key in ("Variable", "Variable.$", "Comment"):
                continue
            name = str(key)
            if key not in _TOP_LEVEL_ONLY:
                self.report(
                    "CHOICE_UNKNOWN_FIELD", _unknown_field_message(name), _child(pointer, name)
                )
            elif nested:
                self.report(
                    "CHOICE_NESTED_NEXT" if key == "Next" else "CHOICE_NESTED_FIELD",
                    f"{name} is only allowed on a top-level Choice rule, not inside And, Or "
                    "or Not; move it to the enclosing rule in Choices",
                    _child(pointer, name),
                )

    def comparison(
        self, name: str, operand: Any, where: str, source: _Source | None
    ) -> Test | None:
        if name == "IsPresent":
            if not isinstance(operand, bool):
                self.report("CHOICE_OPERAND_TYPE", _needs(name, "true or false", operand), where)
                return None
            return _is_present(source.probe, operand) if source else None
        if name.endswith("Path"):
            return self.path_operator(name, operand, where, source)
        predicate = self.literal_predicate(name, operand, where)
        if predicate is None or source is None:
            return None
        if isinstance(predicate, _Relative):
            return predicate.test(source.fetch)
        return _literal_test(source, predicate)

    def combinator(self, name: str, raw: Mapping[str, Any], pointer: str) -> Test | None:
        where = _child(pointer, name)
        for field in ("Variable", "Variable.$"):
            if field in raw:
                self.report(
                    "CHOICE_UNEXPECTED_VARIABLE",
                    f"{field} has no effect on a rule that uses {name}; move it into the "
                    f"rules that {name} combines",
                    _child(pointer, field),
                )
        operand = raw[name]
        if name == "Not":
            if not isinstance(operand, Mapping):
                self.report(
                    "CHOICE_BAD_COMBINATOR",
                    f"Not needs one Choice rule (an object); got {_describe(operand)}",
                    where,
                )
                return None
            inner = self.rule(operand, where, nested=True)
            return None if inner is None else _negate(inner)
        if not isinstance(operand, Sequence) or isinstance(operand, str) or not operand:
            self.report(
                "CHOICE_BAD_COMBINATOR",
                f"{name} needs a non-empty array of Choice rules; got {_describe(operand)}",
                where,
            )
            return None
        tests = [self.rule(item, f"{where}/{i}", nested=True) for i, item in enumerate(operand)]
        if any(test is None for test in tests):
            return None
        compiled = tuple(test for test in tests if test is not None)
        return _all_of(compiled) if name == "And" else _any_of(compiled)

    def source(self, raw: Mapping[str, Any], pointer: str) -> _Source | None:
        """Where the tested value comes from: the Variable path or the Variable.$ intrinsic."""
        has_path, has_intrinsic = "Variable" in raw, "Variable.$" in raw
        if has_path and has_intrinsic:
            self.report(
                "CHOICE_BAD_VARIABLE",
                "The Choice rule has both Variable and Variable.$; keep one of them",
                _child(pointer, "Variable.$"),
            )
            return None
        if has_intrinsic:
            return self.intrinsic_source(raw["Variable.$"], _child(pointer, "Variable.$"))
        if not has_path:
            self.report(
                "CHOICE_MISSING_VARIABLE",
                "The Choice rule has no Variable; add the path of the value to test, e.g. "
                '"Variable": "$.status"',
                pointer,
            )
            return None
        text = raw["Variable"]
        where = _child(pointer, "Variable")
        path = self.reference_path("Variable", text, where, "CHOICE_BAD_VARIABLE")
        if path is None:
            return None
        cause = choice_path_cause(text)
        return _Source(_path_fetch(path, cause), _path_probe(path), path, cause)

    def intrinsic_source(self, text: Any, where: str) -> _Source | None:
        if not isinstance(text, str):
            self.report(
                "CHOICE_BAD_INTRINSIC",
                f"Variable.$ needs an intrinsic function call such as "
                f"'States.ArrayLength($.items)'; got {_describe(text)}",
                where,
            )
            return None
        try:
            intrinsic = compile_intrinsic(text)
        except ASLError as error:
            self.report("CHOICE_BAD_INTRINSIC", f"Variable.$ is not valid: {error.cause}", where)
            return None
        self.uses_context = self.uses_context or intrinsic.uses_context
        self.variables.update(intrinsic.variables)
        evaluate: Fetch = intrinsic.evaluate

        def probe(data: Any, context: Any) -> bool:
            evaluate(data, context)
            return True

        return _Source(evaluate, probe, None, "")

    def reference_path(self, field: str, text: Any, where: str, code: str) -> Path | None:
        if not isinstance(text, str):
            self.report(
                code,
                f"{field} needs a Reference Path such as '$.status'; got {_describe(text)}",
                where,
            )
            return None
        try:
            path = compile_reference_path(text)
        except PathError as error:
            self.report(
                code,
                f"{field} needs a Reference Path such as '$.status'; '{text}' is not one: "
                f"{error.reason}",
                where,
            )
            return None
        self.uses_context = self.uses_context or path.is_context
        if path.variable is not None:
            self.variables.add(path.variable)
        return path

    def literal_predicate(
        self, name: str, operand: Any, where: str
    ) -> Predicate | _Relative | None:
        kind, suffix = _split(name)
        if kind == "String" or name == "StringMatches":
            if not isinstance(operand, str):
                self.report("CHOICE_OPERAND_TYPE", _needs(name, "a string", operand), where)
                return None
            if name == "StringMatches":
                return _string_matches(operand)
            return _string_predicate(_ORDER[suffix], operand)
        if kind == "Numeric":
            if type(operand) not in _NUMBER_TYPES:
                self.report("CHOICE_OPERAND_TYPE", _needs(name, "a number", operand), where)
                return None
            return _numeric_predicate(_ORDER[suffix], operand)
        if kind == "Timestamp":
            return self.timestamp_predicate(name, _ORDER[suffix], operand, where)
        if not isinstance(operand, bool):
            self.report("CHOICE_OPERAND_TYPE", _needs(name, "true or false", operand), where)
            return None
        if name == "BooleanEquals":
            return _boolean_predicate(operand)
        return _type_predicate(_TYPE_TESTS[name], operand)

    def timestamp_predicate(
        self, name: str, compare: Compare, operand: Any, where: str
    ) -> Predicate | _Relative | None:
        if isinstance(operand, str):
            instant = timestamp_nanos(operand)
            if instant is not None:
                return _timestamp_predicate(compare, instant)
            relative = _RELATIVE.fullmatch(operand)
            if relative is not None:
                sign = -1 if relative[1] == "-" else 1
                return _Relative(compare, sign * int(relative[2]) * _UNIT_NANOS[relative[3]])
        self.report(
            "CHOICE_OPERAND_TYPE",
            f"{name} needs a timestamp with a zone such as '2016-08-18T17:33:00Z', or a time "
            f"relative to now such as '-5m' (units s, m, h, d); got {_describe(operand)}",
            where,
        )
        return None

    def path_operator(
        self, name: str, operand: Any, where: str, source: _Source | None
    ) -> Test | None:
        path = self.reference_path(name, operand, where, "CHOICE_BAD_PATH")
        if path is None or source is None:
            return None
        kind, suffix = _split(name[: -len("Path")])
        predicate: PathPredicate
        if kind == "String":
            predicate = _string_pair(_ORDER[suffix])
        elif kind == "Numeric":
            predicate = _numeric_pair(_ORDER[suffix])
        elif kind == "Timestamp":
            predicate = _timestamp_pair(_ORDER[suffix])
        else:
            predicate = _boolean_pair
        fetch = source.fetch
        fetch_operand = _path_fetch(path, choice_path_cause(operand))

        def test(data: Any, context: Any, now: Now | None) -> bool:
            return predicate(fetch(data, context), fetch_operand(data, context))

        return test


@dataclass(frozen=True, slots=True)
class _Source:
    """The tested value: ``fetch`` gets it (or fails as AWS does), ``probe`` tells IsPresent.

    ``path`` is the Variable's path when there is one, so the commonest tests can call
    it without the ``fetch`` wrapper; ``cause`` is then AWS's cause when it selects nothing.
    """

    fetch: Fetch
    probe: Probe
    path: Path | None
    cause: str


class _Relative:
    """A ``Timestamp*`` operand relative to the evaluation's clock (ASL extension)."""

    __slots__ = ("compare", "offset")

    def __init__(self, compare: Compare, offset: int) -> None:
        self.compare = compare
        self.offset = offset

    def test(self, fetch: Fetch) -> Test:
        compare, offset = self.compare, self.offset

        def test(data: Any, context: Any, now: Now | None) -> bool:
            value = fetch(data, context)
            if not isinstance(value, str):
                return False
            instant = timestamp_nanos(value)
            if instant is None:
                return False
            moment = now() if now is not None else datetime.now(UTC)
            return compare(instant, datetime_nanos(moment) + offset)

        return test


def _split(name: str) -> tuple[str, str]:
    """``"NumericLessThan"`` -> ``("Numeric", "LessThan")``; other names -> (name, "")."""
    for kind in ("String", "Numeric", "Timestamp"):
        if name.startswith(kind) and name[len(kind) :] in _ORDER:
            return kind, name[len(kind) :]
    return name, ""


def _path_fetch(path: Path, cause: str) -> Fetch:
    evaluate: Fetch = path.evaluate

    def fetch(data: Any, context: Any) -> Any:
        try:
            return evaluate(data, context)
        except NoResults:
            raise ASLError(RUNTIME, cause) from None

    return fetch


def _path_probe(path: Path) -> Probe:
    evaluate: Fetch = path.evaluate

    def probe(data: Any, context: Any) -> bool:
        try:
            evaluate(data, context)
        except NoResults:
            return False
        return True

    return probe


def _literal_test(source: _Source, predicate: Predicate) -> Test:
    if source.path is None:
        fetch = source.fetch

        def test(data: Any, context: Any, now: Now | None) -> bool:
            return predicate(fetch(data, context))

        return test
    evaluate, cause = source.path.evaluate, source.cause

    def test_path(data: Any, context: Any, now: Now | None) -> bool:
        try:
            value = evaluate(data, context)
        except NoResults:
            raise ASLError(RUNTIME, cause) from None
        return predicate(value)

    return test_path


def _is_present(probe: Probe, expected: bool) -> Test:
    def test(data: Any, context: Any, now: Now | None) -> bool:
        return probe(data, context) is expected

    return test


def _negate(inner: Test) -> Test:
    def test(data: Any, context: Any, now: Now | None) -> bool:
        return not inner(data, context, now)

    return test


def _all_of(tests: tuple[Test, ...]) -> Test:
    def test(data: Any, context: Any, now: Now | None) -> bool:
        for each in tests:  # noqa: SIM110 - a loop is faster than all() over a generator
            if not each(data, context, now):
                return False
        return True

    return test


def _any_of(tests: tuple[Test, ...]) -> Test:
    def test(data: Any, context: Any, now: Now | None) -> bool:
        for each in tests:  # noqa: SIM110 - a loop is faster than any() over a generator
            if each(data, context, now):
                return True
        return False

    return test


# Predicates on the tested value (literal operand) and on (value, operand) pairs.


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-be", "surrogatepass")


def _java_order(compare: Compare, left: str, right: str) -> bool:
    """Java's ``compareTo`` order; it differs from Python's only when neither is ASCII."""
    if left.isascii() or right.isascii():
        return compare(left, right)
    return compare(_utf16(left), _utf16(right))


def _string_predicate(compare: Compare, operand: str) -> Predicate:
    if compare is operator.eq:
        return lambda value: isinstance(value, str) and value == operand
    return lambda value: isinstance(value, str) and _java_order(compare, value, operand)


def _string_pair(compare: Compare) -> PathPredicate:
    return lambda value, operand: (
        isinstance(value, str) and isinstance(operand, str) and _java_order(compare, value, operand)
    )


def _numeric_predicate(compare: Compare, operand: float) -> Predicate:
    return lambda value: type(value) in _NUMBER_TYPES and compare(value, operand)


def _numeric_pair(compare: Compare) -> PathPredicate:
    return lambda value, operand: (
        type(value) in _NUMBER_TYPES and type(operand) in _NUMBER_TYPES and compare(value, operand)
    )


def _instant(value: Any) -> int | None:
    return timestamp_nanos(value) if isinstance(value, str) else None


def _timestamp_predicate(compare: Compare, operand: int) -> Predicate:
    def predicate(value: Any) -> bool:
        instant = _instant(value)
        return instant is not None and compare(instant, operand)

    return predicate


def _timestamp_pair(compare: Compare) -> PathPredicate:
    def predicate(value: Any, operand: Any) -> bool:
        left, right = _instant(value), _instant(operand)
        return left is not None and right is not None and compare(left, right)

    return predicate


def _boolean_predicate(operand: bool) -> Predicate:
    return lambda value: value is operand


def _boolean_pair(value: Any, operand: Any) -> bool:
    return type(value) is bool and value is operand


_TYPE_TESTS: Final[dict[str, Predicate]] = {
    "IsNull": lambda value: value is None,
    "IsNumeric": lambda value: type(value) in _NUMBER_TYPES,
    "IsString": lambda value: isinstance(value, str),
    "IsBoolean": lambda value: type(value) is bool,
    "IsTimestamp": lambda value: _instant(value) is not None,
}


def _type_predicate(check: Predicate, expected: bool) -> Predicate:
    return lambda value: check(value) is expected


def _string_matches(pattern: str) -> Predicate:
    """``*`` matches any run of characters; ``\\*`` is a star and ``\\\\`` a backslash.

    Any other backslash stands for itself. The pattern is cut at its wildcards once;
    matching is then a prefix test, a suffix test and a left-to-right search of the
    pieces in between, which is exact for a language whose only wildcard is ``*``.
    """
    pieces: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern) and pattern[index + 1] in "*\\":
            current.append(pattern[index + 1])
            index += 2
            continue
        if char == "*":
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    pieces.append("".join(current))
    if len(pieces) == 1:
        literal = pieces[0]
        return lambda value: isinstance(value, str) and value == literal
    head, middle, tail = pieces[0], tuple(piece for piece in pieces[1:-1] if piece), pieces[-1]
    shortest = sum(len(piece) for piece in pieces)

    def predicate(value: Any) -> bool:
        if not isinstance(value, str) or len(value) < shortest:
            return False
        if not value.startswith(head) or not value.endswith(tail):
            return False
        position, end = len(head), len(value) - len(tail)
        for piece in middle:
            found = value.find(piece, position, end)
            if found < 0:
                return False
            position = found + len(piece)
        return True

    return predicate


# Messages.


def _child(pointer: str, key: str) -> str:
    return f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}"


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {'true' if value else 'false'}"
    if type(value) in _NUMBER_TYPES:
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {json.dumps(value, ensure_ascii=False)}"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, Sequence):
        return "an array" if value else "an empty array"
    return f"a {type(value).__name__}"


def _needs(name: str, what: str, operand: Any) -> str:
    return f"{name} needs {what}; got {_describe(operand)}"


def _unknown_field_message(key: str) -> str:
    candidates = sorted(OPERATORS) + list(_KNOWN_FIELDS)
    folded = {candidate.lower(): candidate for candidate in candidates}
    guess = folded.get(key.lower())
    if guess is None:
        close = difflib.get_close_matches(key, candidates, n=1, cutoff=0.6)
        guess = close[0] if close else None
    hint = (
        f"; did you mean '{guess}'?"
        if guess
        else (
            "; a Choice rule has Variable, one comparison operator such as StringEquals, and Next"
        )
    )
    return f"Unknown field '{key}' in a Choice rule{hint}"
