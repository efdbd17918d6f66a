"""ASL JSONPath: parsed once into frozen segments, compiled into closures, evaluated fast.

AWS Step Functions evaluates JSONPath with Jayway JsonPath (its causes quote Jayway's
messages, e.g. ``No results for path: $['Payload']``), so this module follows Jayway's
semantics wherever they differ from RFC 9535:

* **Single value or list.** A *definite* path (only names, single indices, or a
  name union as the last step) yields one value; any other path yields a list, even
  for one match. A definite path that selects nothing raises :class:`NoResults`.
* **Indefinite paths that match nothing give ``[]``** -- except when the part of the
  path *before* the first indefinite step fails: ``$.a[*]`` on ``{}`` raises
  :class:`NoResults` ("Missing property in path $['a']"), as Jayway does.
* **Name unions at the end merge:** ``$['a','b']`` gives ``{"a": .., "b": ..}`` (the
  present members), not a list.
* **Filters on an object test the object itself**: ``$.o[?(@.x)]`` gives ``[o]`` when
  ``o`` has ``x``; on an array they test each element. ``==`` follows Jayway's value
  nodes (``1 == '1'`` is true; ``true == 1`` is false); ``<``/``<=``/``>``/``>=``
  compare only number with number and string with string (UTF-16 order, as Java).
  Existence of an indefinite sub-path means "selects at least one node".
* **Slices** are Jayway's ``[from:to]``: ``[1:3]``, ``[1:]``, ``[:2]``, ``[-2:]``. A
  third part (step) is accepted and ignored and ``[::2]`` is rejected, as in Jayway.
  ``[from:to]`` with a negative ``from`` walks from ``len+from`` (``[-2:5]`` on five
  items gives items 3, 4, 0, 1, 2, 3, 4) and a negative ``to`` gives nothing -- Jayway.
* **Recursive descent** visits a node before its descendants, members in document
  order. ``$..[0].x`` applies ``.x`` to every element of every array (a Jayway quirk).
* **Names** in dot notation are any characters up to ``.`` or ``[`` (Jayway), so
  ``$.a-b``, ``$.a_b1``, ``$.a:b`` and ``$.é`` are names; whitespace or ``(`` inside a
  dot name is an error (use ``$['a b']``). ``$.['a b']`` (the form AWS documents),
  ``$["x"]`` and ``$..['x']`` are accepted. Leading/trailing whitespace is ignored;
  whitespace is allowed inside brackets and filters only.
* ``$$`` addresses the context object (``$$`` alone is the whole object, as AWS allows).
* ``$name`` reads the workflow variable ``name`` (``$name.a[0]``: the rest of the path
  walks its value) from ``context[VARIABLES]``; ``Path.variable`` names it. Names are
  Unicode identifiers (ID_Start, then ID_Continue) of at most 80 characters, and
  ``states`` is reserved (AWS). Any path field may read a variable except ResultPath:
  compile that with ``compile_reference_path(text, allow_variable=False)``.

Causes: :class:`NoResults` carries nothing (raising it must stay cheap); the caller
words the AWS cause with :mod:`asl.language.causes`, which asks :meth:`Path.failure`
why the path failed on that data.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Final, Literal, TypeAlias, assert_never

from asl.language.errors import RESULT_PATH_MATCH_FAILURE, ASLError, PathError
from asl.language.variables import VARIABLES

__all__ = [
    "MAX_VARIABLE_NAME",
    "RESERVED_VARIABLES",
    "NoResults",
    "Path",
    "PathFailure",
    "compile_path",
    "compile_reference_path",
    "is_variable_name",
]


class NoResults(Exception):
    """Raised by Path.evaluate when the path selects nothing. Cheap (no message formatting);
    callers word the AWS cause themselves, using Path.text / Path.normalized."""

    __slots__ = ()


# ---------------------------------------------------------------- variable names

MAX_VARIABLE_NAME: Final = 80
RESERVED_VARIABLES: Final = frozenset(("states",))


def is_variable_start(char: str) -> bool:
    """Unicode ID_Start or ``_``: what the validator accepts in Assign (``$_count``)."""
    return char.isidentifier()


def is_variable_part(char: str) -> bool:
    """Unicode ID_Continue (letters, digits, marks, connector punctuation such as ``_``)."""
    return ("a" + char).isidentifier()


def is_variable_name(name: str) -> bool:
    """A name ``Assign`` may set: an identifier of 1 to 80 characters, not ``states``."""
    return (
        0 < len(name) <= MAX_VARIABLE_NAME
        and is_variable_start(name[0])
        and name.isidentifier()
        and name not in RESERVED_VARIABLES
    )


# --------------------------------------------------------------------------- AST


@dataclass(frozen=True, slots=True)
class Name:
    name: str
    column: int


@dataclass(frozen=True, slots=True)
class Names:
    names: tuple[str, ...]
    column: int


@dataclass(frozen=True, slots=True)
class Index:
    index: int
    column: int


@dataclass(frozen=True, slots=True)
class Indices:
    indices: tuple[int, ...]
    column: int


@dataclass(frozen=True, slots=True)
class Slice:
    start: int | None
    stop: int | None
    column: int


@dataclass(frozen=True, slots=True)
class Wildcard:
    column: int


@dataclass(frozen=True, slots=True)
class Descendant:
    target: Name | Names | Index | Indices | Slice | Wildcard | Filter
    column: int


@dataclass(frozen=True, slots=True)
class Filter:
    expression: Expression
    column: int


@dataclass(frozen=True, slots=True)
class Constant:
    value: Any
    text: str  # how Java prints the literal (used when a string meets a number)


@dataclass(frozen=True, slots=True)
class SubPath:
    relative: bool  # "@" (current item) or "$" (document root)
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class Compare:
    op: str
    left: SubPath | Constant
    right: SubPath | Constant


@dataclass(frozen=True, slots=True)
class Exists:
    path: SubPath


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expression


@dataclass(frozen=True, slots=True)
class And:
    left: Expression
    right: Expression


@dataclass(frozen=True, slots=True)
class Or:
    left: Expression
    right: Expression


Segment: TypeAlias = Name | Names | Index | Indices | Slice | Wildcard | Descendant | Filter
Expression: TypeAlias = Compare | Exists | Not | And | Or


# ------------------------------------------------------------------------ parser

_INT_MIN: Final = -(2**31)
_INT_MAX: Final = 2**31 - 1
_MAX_NESTING: Final = 64
_ESCAPES: Final = {
    "b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r",
    '"': '"', "'": "'", "\\": "\\", "/": "/",
}  # fmt: skip
_COMPARISONS: Final = ("==", "!=", "<=", ">=", "<", ">")
_FILTER_STOP: Final = frozenset(" \t\n\r.[]()=!<>&|~,")
_FILTER_END: Final = _FILTER_STOP - {"["}
_WORD_OPERATORS: Final = frozenset(
    ("in", "nin", "subsetof", "anyof", "noneof", "size", "empty", "contains")
)


class _Parser:
    """Recursive descent over the expression text; every error names its 1-based column."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = len(text) - len(text.lstrip())
        self.end = len(text.rstrip())
        self.depth = 0

    # -- helpers
    def fail(self, reason: str, pos: int | None = None) -> PathError:
        at = self.pos if pos is None else pos
        return PathError(self.text, reason, min(at, len(self.text) - 1) + 1 if self.text else 1)

    def peek(self, offset: int = 0) -> str:
        at = self.pos + offset
        return self.text[at] if at < self.end else ""

    def skip_ws(self) -> None:
        while self.pos < self.end and self.text[self.pos] in " \t\n\r":
            self.pos += 1

    def expect(self, char: str) -> None:
        self.skip_ws()
        if self.peek() != char:
            found = f"'{self.peek()}'" if self.peek() else "the end"
            raise self.fail(f"expected '{char}' but found {found}")
        self.pos += 1

    # -- paths
    def path(self) -> tuple[bool, str | None, tuple[Segment, ...]]:
        if self.peek() != "$":
            raise self.fail("a path must start with '$'")
        self.pos += 1
        is_context = self.peek() == "$"
        variable = None
        if is_context:
            self.pos += 1
        elif self.pos < self.end and self.peek() not in ".[":
            variable = self.variable_name()
        if self.pos < self.end and self.peek() not in ".[":
            root = "$$" if is_context else f"${variable}"
            raise self.fail(f"expected '.' or '[' after '{root}'")
        segments = self.segments(in_filter=False)
        if self.pos < self.end:
            raise self.fail(f"unexpected character '{self.peek()}'")
        return is_context, variable, segments

    def variable_name(self) -> str:
        """``$name``: a Unicode identifier (ID_Start, then ID_Continue), as AWS names variables."""
        start = self.pos
        char = self.peek()
        if not is_variable_start(char):
            if is_variable_part(char):
                raise self.fail(f"a variable name must start with a letter, not '{char}'")
            raise self.fail("expected '.', '[' or a variable name after '$'")
        self.pos += 1
        while self.pos < self.end and is_variable_part(self.text[self.pos]):
            self.pos += 1
        name = self.text[start : self.pos]
        if len(name) > MAX_VARIABLE_NAME:
            raise self.fail(f"a variable name has at most {MAX_VARIABLE_NAME} characters", start)
        if name in RESERVED_VARIABLES:
            raise self.fail(
                f"'${name}' is reserved: JSONata states read it; JSONPath uses '$' and '$$'",
                start,
            )
        return name

    def segments(self, in_filter: bool) -> tuple[Segment, ...]:
        found: list[Segment] = []
        while self.pos < self.end:
            char = self.peek()
            if char == ".":
                found.append(self.dot(in_filter))
            elif char == "[":
                found.append(self.bracket())
            else:
                break
        return tuple(found)

    def dot(self, in_filter: bool) -> Segment:
        start = self.pos
        if self.peek(1) == ".":
            self.pos += 2
            if self.peek() == ".":
                raise self.fail("character '.' is not valid here")
            if self.pos >= self.end or (in_filter and self.peek() in _FILTER_END):
                raise self.fail("a path must not end with '..'", start)
            target = self.bracket() if self.peek() == "[" else self.dot_member(in_filter)
            if isinstance(target, Descendant):  # pragma: no cover - brackets never nest '..'
                raise self.fail("unexpected '..'", start)
            return Descendant(target, start + 1)
        self.pos += 1
        if self.pos >= self.end or (in_filter and self.peek() in _FILTER_END):
            raise self.fail("a path must not end with '.'", start)
        if self.peek() == "[":  # the "$.['a b']" form AWS documents
            return self.bracket()
        return self.dot_member(in_filter)

    def dot_member(self, in_filter: bool) -> Name | Wildcard:
        start = self.pos
        if self.peek() == "*":
            self.pos += 1
            if (
                self.pos < self.end
                and self.peek() not in ".["
                and not (in_filter and self.peek() in _FILTER_STOP)
            ):
                raise self.fail("expected '.' or '[' after '*'")
            return Wildcard(start + 1)
        while self.pos < self.end:
            char = self.text[self.pos]
            if char in ".[" or (in_filter and char in _FILTER_STOP):
                break
            if char in " \t\n\r":
                raise self.fail("use bracket notation ['my name'] for a name with whitespace")
            if char == "(":
                raise self.fail("functions are not supported in paths")
            self.pos += 1
        if self.pos == start:
            raise self.fail("expected a name")
        return Name(self.text[start : self.pos], start + 1)

    def bracket(self) -> Segment:
        start = self.pos
        self.pos += 1
        self.skip_ws()
        char = self.peek()
        if char in ("'", '"'):
            names = [self.string()]
            self.skip_ws()
            while self.peek() == ",":
                self.pos += 1
                self.skip_ws()
                if self.peek() not in ("'", '"'):
                    raise self.fail("expected a quoted name after ','")
                names.append(self.string())
                self.skip_ws()
            self.expect("]")
            if len(names) == 1:
                return Name(names[0], start + 1)
            return Names(tuple(names), start + 1)
        if char == "*":
            self.pos += 1
            self.expect("]")
            return Wildcard(start + 1)
        if char == "?":
            self.pos += 1
            self.expect("(")
            expression = self.or_expression()
            self.expect(")")
            self.expect("]")
            return Filter(expression, start + 1)
        if char.isdigit() or char in ("-", ":"):
            return self.indices(start)
        if not char:
            raise self.fail("unterminated '['", start)
        raise self.fail(f"unexpected character '{char}' in brackets")

    def integer(self) -> int | None:
        self.skip_ws()
        start = self.pos
        if self.peek() == "-":
            self.pos += 1
        while self.peek().isdigit() and self.peek().isascii():
            self.pos += 1
        digits = self.text[start : self.pos]
        if digits in ("", "-"):
            if digits:
                raise self.fail("expected digits after '-'")
            return None
        if len(digits) > 11 or not _INT_MIN <= int(digits) <= _INT_MAX:
            raise self.fail("index out of the 32-bit integer range", start)
        self.skip_ws()
        return int(digits)

    def indices(self, start: int) -> Index | Indices | Slice:
        first = self.integer()
        if self.peek() == ":":
            parts = [first]
            while self.peek() == ":":
                if len(parts) == 3:
                    raise self.fail("a slice has at most three parts")
                self.pos += 1
                parts.append(self.integer())
            self.expect("]")
            if parts[0] is None and parts[1] is None:
                raise self.fail("a slice needs a start or an end", start)
            return Slice(parts[0], parts[1], start + 1)
        values = [first]
        while self.peek() == ",":
            self.pos += 1
            values.append(self.integer())
        if any(value is None for value in values):
            raise self.fail("expected an index")
        self.expect("]")
        ints = tuple(value for value in values if value is not None)
        return Index(ints[0], start + 1) if len(ints) == 1 else Indices(ints, start + 1)

    def string(self) -> str:
        quote = self.text[self.pos]
        start = self.pos
        self.pos += 1
        chars: list[str] = []
        while self.pos < self.end:
            char = self.text[self.pos]
            if char == quote:
                self.pos += 1
                return "".join(chars)
            if char == "\\":
                self.pos += 1
                if self.pos >= self.end:
                    break
                escaped = self.text[self.pos]
                if escaped == "u":
                    code = self.text[self.pos + 1 : self.pos + 5]
                    if len(code) != 4 or any(c not in "0123456789abcdefABCDEF" for c in code):
                        raise self.fail("expected four hex digits after '\\u'")
                    chars.append(chr(int(code, 16)))
                    self.pos += 5
                    continue
                chars.append(_ESCAPES.get(escaped, escaped))
            else:
                chars.append(char)
            self.pos += 1
        raise self.fail("unterminated string", start)

    # -- filter expressions
    def or_expression(self) -> Expression:
        self.depth += 1
        if self.depth > _MAX_NESTING:
            raise self.fail("filter expression nested too deeply")
        left = self.and_expression()
        self.skip_ws()
        while self.text.startswith("||", self.pos):
            self.pos += 2
            left = Or(left, self.and_expression())
            self.skip_ws()
        self.depth -= 1
        return left

    def and_expression(self) -> Expression:
        left = self.unary()
        self.skip_ws()
        while self.text.startswith("&&", self.pos):
            self.pos += 2
            left = And(left, self.unary())
            self.skip_ws()
        return left

    def unary(self) -> Expression:
        self.skip_ws()
        if self.peek() == "!" and self.peek(1) != "=":
            self.pos += 1
            self.depth += 1
            if self.depth > _MAX_NESTING:
                raise self.fail("filter expression nested too deeply")
            operand = self.unary()
            self.depth -= 1
            return Not(operand)
        if self.peek() == "(":
            self.pos += 1
            inner = self.or_expression()
            self.expect(")")
            return inner
        return self.comparison()

    def comparison(self) -> Expression:
        left_at = self.pos
        left = self.operand()
        self.skip_ws()
        if self.text.startswith("=~", self.pos):
            raise self.fail("the filter operator '=~' is not supported")
        word_end = self.pos
        while word_end < self.end and self.text[word_end].isalpha():
            word_end += 1
        if self.text[self.pos : word_end] in _WORD_OPERATORS:
            raise self.fail(
                f"the filter operator '{self.text[self.pos : word_end]}' is not supported"
            )
        op = next((op for op in _COMPARISONS if self.text.startswith(op, self.pos)), None)
        if op is None:
            if isinstance(left, SubPath):
                return Exists(left)
            raise self.fail("expected a comparison operator after a literal", left_at)
        self.pos += len(op)
        self.skip_ws()
        return Compare(op, left, self.operand())

    def operand(self) -> SubPath | Constant:
        self.skip_ws()
        char = self.peek()
        if char in ("@", "$"):
            self.pos += 1
            self.depth += 1
            if self.depth > _MAX_NESTING:
                raise self.fail("filter expression nested too deeply")
            segments = self.segments(in_filter=True)
            self.depth -= 1
            return SubPath(char == "@", segments)
        if char in ("'", '"'):
            value = self.string()
            return Constant(value, value)
        if char == "-" or char.isdigit():
            return self.number()
        for word, constant in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, self.pos):
                after = self.text[self.pos + len(word) : self.pos + len(word) + 1]
                if not after or after in _FILTER_STOP:
                    self.pos += len(word)
                    return Constant(constant, word)
        if not char:
            raise self.fail("unexpected end of filter expression")
        raise self.fail(f"unexpected character '{char}' in filter expression")

    def number(self) -> Constant:
        start = self.pos
        if self.peek() == "-":
            self.pos += 1
        self._digits()
        if self.peek() == ".":
            self.pos += 1
            self._digits()
        if self.peek() in ("e", "E"):
            self.pos += 1
            if self.peek() in ("+", "-"):
                self.pos += 1
            self._digits()
        text = self.text[start : self.pos]
        if len(text) > 400:
            raise self.fail("number literal too long", start)
        value: int | float = int(text) if text.lstrip("-").isdigit() else float(text)
        if value in (float("inf"), float("-inf")):
            raise self.fail(f"number '{text}' is out of range", start)
        return Constant(value, _java_decimal_text(text))

    def _digits(self) -> None:
        start = self.pos
        while self.peek().isdigit() and self.peek().isascii():
            self.pos += 1
        if self.pos == start:
            raise self.fail("expected a digit")


def _java_decimal_text(text: str) -> str:
    """``new BigDecimal(text).toString()``: what Jayway compares a string against."""
    value = Decimal(text)
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    coefficient = "".join(map(str, digits))
    adjusted = exponent + len(digits) - 1
    if exponent <= 0 and adjusted >= -6:
        if exponent == 0:
            body = coefficient
        else:
            body = coefficient.rjust(-exponent + 1, "0")
            body = f"{body[:exponent]}.{body[exponent:]}"
    else:
        body = coefficient[0] + ("." + coefficient[1:] if len(coefficient) > 1 else "")
        body += f"E{'+' if adjusted > 0 else ''}{adjusted}"
    return ("-" if sign else "") + body


# --------------------------------------------------------------------- normalize


def _fragment(segment: Segment) -> str:
    """Jayway's ``getPathFragment``: how one step prints in ``$['a'][0]``."""
    match segment:
        case Name(name=name):
            return f"['{name}']"
        case Names(names=names):
            return "[" + ",".join(f"'{n}'" for n in names) + "]"
        case Index(index=index):
            return f"[{index}]"
        case Indices(indices=indices):
            return "[" + ",".join(map(str, indices)) + "]"
        case Slice(start=start, stop=stop):
            return f"[{'' if start is None else start}:{'' if stop is None else stop}]"
        case Wildcard():
            return "[*]"
        case Descendant(target=target):
            return ".." + _fragment(target)
        case Filter():
            return "[?]"
        case _:
            assert_never(segment)


def _is_definite(segment: Segment, leaf: bool) -> bool:
    if isinstance(segment, Name | Index):
        return True
    return isinstance(segment, Names) and leaf


# ---------------------------------------------------------------------- evaluate

Runner: TypeAlias = Callable[..., Any]  # (value, root=None) -> value | list
Stage: TypeAlias = Callable[[list[Any], Any], list[Any]]  # (nodes, root) -> nodes
_UNDEFINED: Final = object()
_SKIPPED: Final = object()


def _definite_runner(segments: tuple[Segment, ...]) -> Runner:
    merge = segments[-1] if segments and isinstance(segments[-1], Names) else None
    walk = _walker(segments[:-1] if merge else segments)
    if merge is None:
        return walk
    names = merge.names

    def run(data: Any, root: Any = None) -> Any:
        node = walk(data)
        if not isinstance(node, dict):
            raise NoResults
        return {name: node[name] for name in names if name in node}

    return run


def _walker(segments: tuple[Segment, ...], out_of_range: Any = NoResults) -> Runner:
    """One function of plain subscripts: ``$.a.b[0].c`` costs four C-level lookups.

    A name step subscripts directly (a list or a string refuses a ``str`` key with
    TypeError); an index step checks for a list first, since ``"abc"[0]`` would succeed.
    ``out_of_range`` is what an index past the end gives: NoResults for a definite path,
    a marker before the indefinite part of a path (Jayway skips an index out of range
    silently, so such a path selects nothing).
    """
    if not segments:
        return lambda data, root=None: data
    shape = "".join("i" if isinstance(s, Index) else "n" for s in segments)
    keys = [s.index if isinstance(s, Index) else s.name for s in segments]  # type: ignore[union-attr]
    run: Runner = _walker_factory(shape)(out_of_range, *keys)
    return run


@functools.lru_cache(maxsize=256)
def _walker_factory(shape: str) -> Callable[..., Runner]:
    """Generate (once per shape: "nn", "nin"...) a factory of walkers for that shape.

    The generated source holds no user text -- names and indices arrive as arguments
    ``k0``, ``k1``... -- so any name is safe, and documents that repeat a shape pay for
    ``exec`` once.
    """
    params = ", ".join(f"k{i}" for i in range(len(shape)))
    lines = [f"def make(out_of_range, {params}):", "  def run(data, root=None):"]
    lines += ["    x = data", "    try:"]
    for i, kind in enumerate(shape):
        if kind == "i":
            lines.append("      if x.__class__ is not list: raise NoResults")
        lines.append(f"      x = x[k{i}]")
    lines += [
        "    except (KeyError, TypeError):",
        "      raise NoResults from None",
        "    except IndexError:",
        "      if out_of_range is NoResults: raise NoResults from None",
        "      return out_of_range",
        "    return x",
        "  return run",
    ]
    namespace: dict[str, Any] = {"NoResults": NoResults}
    exec("\n".join(lines), namespace)  # the source is built from the shape only
    make: Callable[..., Runner] = namespace["make"]
    return make


def _indefinite_runner(segments: tuple[Segment, ...]) -> Runner:
    last = len(segments) - 1
    first = next(i for i, s in enumerate(segments) if not _is_definite(s, i == last))
    prefix = _walker(segments[:first], out_of_range=_SKIPPED)
    stages = tuple(
        _stage(segment, leaf=first + i == last, strict=i == 0)
        for i, segment in enumerate(segments[first:])
    )
    missing = _UNDEFINED

    def run(data: Any, root: Any = missing) -> list[Any]:
        if root is missing:
            root = data
        node = prefix(data)
        if node is _SKIPPED:
            return []
        nodes = [node]
        for stage in stages:
            nodes = stage(nodes, root)
        return nodes

    return run


def _stage(segment: Segment, leaf: bool, strict: bool) -> Stage:
    """One step applied to every node; ``strict`` = Jayway's "upstream is definite" checks."""
    missing = _UNDEFINED
    match segment:
        case Name(name=name):
            return lambda nodes, root: [
                x
                for v in nodes
                if v.__class__ is dict and (x := v.get(name, missing)) is not missing
            ]
        case Names(names=names) if leaf:

            def merge(nodes: list[Any], root: Any) -> list[Any]:  # never first: it is definite
                return [{n: v[n] for n in names if n in v} for v in nodes if v.__class__ is dict]

            return merge
        case Names(names=names):

            def members(nodes: list[Any], root: Any) -> list[Any]:
                if strict and nodes[0].__class__ is not dict:
                    raise NoResults
                return [v[n] for v in nodes if v.__class__ is dict for n in names if n in v]

            return members
        case Index() | Indices() | Slice():
            pick = _index_picker(segment)

            def indices(nodes: list[Any], root: Any) -> list[Any]:
                if strict and nodes[0].__class__ is not list:
                    raise NoResults
                return [x for v in nodes if v.__class__ is list for x in pick(v)]

            return indices
        case Wildcard():

            def children(nodes: list[Any], root: Any) -> list[Any]:
                out: list[Any] = []
                for v in nodes:
                    if v.__class__ is dict:
                        out.extend(v.values())
                    elif v.__class__ is list:
                        out.extend(v)
                return out

            return children
        case Filter(expression=expression):
            test = _compile_expression(expression)

            def select(nodes: list[Any], root: Any) -> list[Any]:
                out: list[Any] = []
                for v in nodes:
                    if v.__class__ is list:
                        out.extend([x for x in v if test(x, root)])
                    elif v.__class__ is dict:
                        if test(v, root):
                            out.append(v)
                    elif strict:
                        raise NoResults
                return out

            return select
        case Descendant(target=target):
            return _descendant_stage(target, leaf)
        case _:
            assert_never(segment)


def _index_picker(segment: Index | Indices | Slice) -> Callable[[list[Any]], list[Any]]:
    """Jayway's ``handleArrayIndex`` loop: an index outside ``-len..len-1`` is skipped."""

    def at(items: list[Any], indices: Iterable[int]) -> list[Any]:
        size = len(items)
        return [items[i] for i in indices if -size <= i < size]

    if isinstance(segment, Index):
        single = (segment.index,)
        return lambda items: at(items, single)
    if isinstance(segment, Indices):
        several = segment.indices
        return lambda items: at(items, several)
    start, stop = segment.start, segment.stop
    if start is None:
        assert stop is not None
        end = stop
        return lambda items: items[: max(0, min(len(items), end + len(items) if end < 0 else end))]
    begin = start
    if stop is None:
        return lambda items: items[max(0, begin + len(items) if begin < 0 else begin) :]
    finish = stop
    return lambda items: at(items, range(begin, min(len(items), finish)))


def _descendant_stage(target: Segment, leaf: bool) -> Stage:
    """Jayway's ScanPathToken: test every node (pre-order), apply the target where it fits.

    When more steps follow an array-shaped target (``$..[0].x``), Jayway hands every
    element of a matching array to those steps, skipping the target itself.
    """
    apply = _stage(target, leaf, strict=False)
    matches: Callable[[Any, Any], bool]
    arrays_skip_target = not leaf
    match target:
        case Name(name=name):

            def matches(node: Any, root: Any) -> bool:
                return node.__class__ is dict and name in node

        case Names(names=names):

            def matches(node: Any, root: Any) -> bool:
                return node.__class__ is dict and all(n in node for n in names)

        case Index() | Indices() | Slice():

            def matches(node: Any, root: Any) -> bool:
                return node.__class__ is list

        case Wildcard():

            def matches(node: Any, root: Any) -> bool:
                return True

        case Filter(expression=expression):
            matches = _compile_expression(expression)
        case Descendant():  # pragma: no cover - the parser never nests '..'
            raise AssertionError("nested descendant")
        case _:
            assert_never(target)

    def walk(node: Any, root: Any, out: list[Any]) -> None:
        if node.__class__ is dict:
            if matches(node, root):
                out.extend(apply([node], root))
            for child in node.values():
                walk(child, root, out)
        elif node.__class__ is list:
            if matches(node, root):
                out.extend(node if arrays_skip_target else apply([node], root))
            for child in node:
                walk(child, root, out)

    def descend(nodes: list[Any], root: Any) -> list[Any]:
        out: list[Any] = []
        for node in nodes:
            walk(node, root, out)
        return out

    return descend


# ----------------------------------------------------------------- filter logic

Test: TypeAlias = Callable[[Any, Any], bool]
Operand: TypeAlias = Callable[[Any, Any], Any]


def _compile_expression(expression: Expression) -> Test:
    match expression:
        case Or(left=left, right=right):
            a, b = _compile_expression(left), _compile_expression(right)
            return lambda item, root: a(item, root) or b(item, root)
        case And(left=left, right=right):
            a, b = _compile_expression(left), _compile_expression(right)
            return lambda item, root: a(item, root) and b(item, root)
        case Not(operand=operand):
            a = _compile_expression(operand)
            return lambda item, root: not a(item, root)
        case Exists(path=path):
            return _compile_exists(path)
        case Compare(op=op, left=left, right=right):
            return _compile_compare(op, left, right)
        case _:
            assert_never(expression)


def _compile_subpath(path: SubPath) -> tuple[bool, Runner]:
    segments = path.segments
    last = len(segments) - 1
    definite = all(_is_definite(s, i == last) for i, s in enumerate(segments))
    run = _definite_runner(segments) if definite else _indefinite_runner(segments)
    return definite, run


def _compile_exists(path: SubPath) -> Test:
    definite, run = _compile_subpath(path)
    relative = path.relative

    def exists(item: Any, root: Any) -> bool:
        try:
            found = run(item if relative else root, root)
        except NoResults:
            return False
        return definite or bool(found)

    return exists


def _compile_operand(operand: SubPath | Constant) -> Operand:
    if isinstance(operand, Constant):
        value = operand.value
        return lambda item, root: value
    missing = _UNDEFINED
    segments = operand.segments
    if operand.relative and len(segments) == 1 and isinstance(segments[0], Name):
        name = segments[0].name  # "@.price": the common case, one dict lookup
        return lambda item, root: item.get(name, missing) if item.__class__ is dict else missing
    _, run = _compile_subpath(operand)
    relative = operand.relative

    def read(item: Any, root: Any) -> Any:
        try:
            return run(item if relative else root, root)
        except NoResults:
            return missing

    return read


_ORDER: Final[dict[str, Callable[[Any, Any], bool]]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _compile_compare(op: str, left: SubPath | Constant, right: SubPath | Constant) -> Test:
    read_left, read_right = _compile_operand(left), _compile_operand(right)
    if op in ("==", "!="):
        negate = op == "!="
        right_text = right.text if isinstance(right, Constant) else None

        def equals(item: Any, root: Any) -> bool:
            a, b = read_left(item, root), read_right(item, root)
            if a.__class__ is b.__class__ and (a.__class__ is str or a.__class__ is int):
                return bool(a == b) != negate
            return _jayway_equals(a, b, right_text) != negate

        return equals
    order = _ORDER[op]
    if isinstance(right, Constant) and _is_number(right.value):
        bound = right.value

        def against_number(item: Any, root: Any) -> bool:
            a = read_left(item, root)
            kind = a.__class__
            return (kind is int or kind is float) and order(a, bound)

        return against_number

    def compare(item: Any, root: Any) -> bool:
        a, b = read_left(item, root), read_right(item, root)
        if _is_number(a) and _is_number(b):
            return order(a, b)
        if isinstance(a, str) and isinstance(b, str):
            if a.isascii() and b.isascii():
                return order(a, b)
            return order(a.encode("utf-16-be"), b.encode("utf-16-be"))  # Java char order
        return False

    return compare


def _is_number(value: Any) -> bool:
    return (isinstance(value, int | float)) and not isinstance(value, bool)


def _jayway_equals(a: Any, b: Any, b_text: str | None = None) -> bool:
    """Jayway's ``EqualsEvaluator``: the left value node decides how the right one converts."""
    if a is _UNDEFINED or b is _UNDEFINED:
        return a is b
    if isinstance(a, dict | list):
        return isinstance(b, dict | list) and _json_equals(a, b)
    if isinstance(a, bool) or a is None or isinstance(b, bool) or b is None:
        return type(a) is type(b) and a == b
    if _is_number(a):
        if _is_number(b):
            return bool(a == b)
        if isinstance(b, str):
            number = _parse_big_decimal(b)
            return number is not None and number == Decimal(repr(a) if isinstance(a, float) else a)
        return False
    if isinstance(a, str):
        if isinstance(b, str):
            return a == b
        if _is_number(b):
            return a == (b_text if b_text is not None else _number_text(b))
    return False


def _json_equals(a: Any, b: Any) -> bool:
    """Deep equality where ``true`` is not ``1`` (Java's ``Boolean.equals``)."""
    if isinstance(a, dict):
        return (
            isinstance(b, dict)
            and a.keys() == b.keys()
            and all(_json_equals(v, b[k]) for k, v in a.items())
        )
    if isinstance(a, list):
        return (
            isinstance(b, list)
            and len(a) == len(b)
            and all(_json_equals(x, y) for x, y in zip(a, b, strict=True))
        )
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return type(a) is type(b) and bool(a == b)


_NOT_DECIMALS: Final = frozenset(("nan", "inf", "infinity", "snan"))


def _parse_big_decimal(text: str) -> Decimal | None:
    if not text or text != text.strip() or text.lower().lstrip("+-") in _NOT_DECIMALS:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _number_text(value: int | float) -> str:
    return str(value) if isinstance(value, int) else _java_decimal_text(repr(value))


# --------------------------------------------------------------------- the Path


@dataclass(frozen=True, slots=True)
class PathFailure:
    """Why a path selected nothing, in Jayway's terms; :mod:`causes` words it.

    ``kind``: ``no_results`` (``where`` is the whole normalized path),
    ``missing_property`` (``where`` ends with the missing member), ``not_object``,
    ``not_array``, ``null_array``, ``primitive_filter`` (``where`` is the path before
    ``fragment``, ``model`` the value met there, ``at_root`` whether it is the root).
    """

    kind: Literal[
        "no_results", "missing_property", "not_object", "not_array", "null_array",
        "primitive_filter",
    ]  # fmt: skip
    where: str
    fragment: str = ""
    model: Any = None
    at_root: bool = False


@dataclass(frozen=True, slots=True, eq=False)
class Path:
    """A compiled path. Build it with :func:`compile_path` or :func:`compile_reference_path`."""

    text: str
    normalized: str
    is_context: bool
    is_definite: bool
    segments: tuple[Segment, ...] = field(repr=False)
    _run: Runner = field(repr=False)
    _keys: tuple[str | int, ...] | None = field(repr=False, default=None)  # Reference Path
    variable: str | None = None
    """The variable a ``$name...`` path reads (``"name"``); None for ``$`` and ``$$`` paths."""

    def evaluate(self, data: Any, context: Any = None) -> Any:
        """Definite path: the value (or :class:`NoResults`); indefinite path: a list."""
        return self._run(context if self.is_context else data)

    def source(self, data: Any, context: Any = None) -> Any:
        """The document the path runs on: ``data``, the context object, or the variable."""
        return context if self.is_context else data

    def assign(self, data: Any, value: Any) -> Any:
        """ResultPath: a copy of ``data`` with ``value`` at this path (only the spine is copied).

        Missing members on the way are created as objects; stepping through anything
        else fails with ``States.ResultPathMatchFailure``.
        """
        keys = self._keys
        if keys is None or self.is_context:
            what = "the context object" if self.is_context else "more than one node"
            raise PathError(self.text, f"a ResultPath cannot address {what}")
        if not keys:
            return value
        if len(keys) == 1 and data.__class__ is dict and keys[0].__class__ is str:  # "$.result"
            copy = data.copy()
            copy[keys[0]] = value
            return copy
        try:
            return _assign(data, keys, value)
        except _CannotAssign:
            from asl.language.causes import result_path_cause

            raise ASLError(RESULT_PATH_MATCH_FAILURE, result_path_cause(self.text, data)) from None

    def failure(self, data: Any, context: Any = None) -> PathFailure:
        """Replay the definite part of the path on ``data`` to say why it selected nothing."""
        return self._replay(context if self.is_context else data, "$")

    def _replay(self, node: Any, where: str) -> PathFailure:
        last = len(self.segments) - 1
        for i, segment in enumerate(self.segments):
            fragment = _fragment(segment)
            failed = _failure_at(segment, node, where, fragment, i == last, i == 0)
            if failed is not None:
                return (
                    failed
                    if failed.kind != "no_results"
                    else PathFailure("no_results", self.normalized)
                )
            if isinstance(segment, Name):
                node = node[segment.name]
            elif isinstance(segment, Index):
                node = node[segment.index]
            else:  # past the definite part: Jayway stops checking here
                break
            where += fragment
        return PathFailure("no_results", self.normalized)


@dataclass(frozen=True, slots=True, eq=False)
class _VariablePath(Path):
    """``$name``, ``$name.a[0]``...: the rest of the path walks the variable's value.

    The runtime puts the visible variables in ``context[VARIABLES]``. A variable that
    is not set selects nothing (:class:`NoResults`), like a missing member; inside
    the value, ``$`` of a filter is the variable's value, as if it were the document.
    """

    def evaluate(self, data: Any, context: Any = None) -> Any:
        try:
            value = context[VARIABLES][self.variable]
        except (KeyError, TypeError):
            raise NoResults from None
        return self._run(value)

    def source(self, data: Any, context: Any = None) -> Any:
        try:
            return context[VARIABLES][self.variable]
        except (KeyError, TypeError):
            raise NoResults from None

    def assign(self, data: Any, value: Any) -> Any:
        raise PathError(self.text, _NO_VARIABLE_RESULT_PATH)

    def failure(self, data: Any, context: Any = None) -> PathFailure:
        try:
            value = self.source(data, context)
        except NoResults:
            return PathFailure("no_results", self.normalized)
        return self._replay(value, f"${self.variable}")


_NO_VARIABLE_RESULT_PATH: Final = (
    "a ResultPath cannot address a variable; set variables with Assign"
)


def _failure_at(
    segment: Segment, node: Any, where: str, fragment: str, leaf: bool, at_root: bool
) -> PathFailure | None:
    match segment:
        case Name() | Names():
            if not isinstance(node, dict):
                return PathFailure("not_object", where, fragment, node, at_root)
            if isinstance(segment, Name) and segment.name not in node:
                kind: Any = "no_results" if leaf else "missing_property"
                return PathFailure(kind, where + fragment)
            return None
        case Index() | Indices() | Slice():
            if node is None:
                return PathFailure("null_array", where, fragment, node, at_root)
            if not isinstance(node, list):
                return PathFailure("not_array", where, fragment, node, at_root)
            if isinstance(segment, Index) and not -len(node) <= segment.index < len(node):
                return PathFailure("no_results", where + fragment)
            return None
        case Filter():
            if not isinstance(node, dict | list):
                return PathFailure("primitive_filter", where, fragment, node, at_root)
            return None
        case Wildcard() | Descendant():
            return None
        case _:
            assert_never(segment)


class _CannotAssign(Exception):
    pass


def _assign(data: Any, keys: tuple[str | int, ...], value: Any) -> Any:
    top = node = _copied(data, keys[0])
    for i in range(len(keys) - 1):
        key, following = keys[i], keys[i + 1]
        child = node.get(key, _UNDEFINED) if node.__class__ is dict else node[key]
        if child is _UNDEFINED and following.__class__ is str:
            child = {}
        else:
            child = _copied(child, following)
        node[key] = child
        node = child
    node[keys[-1]] = value
    return top


def _copied(node: Any, key: Any) -> Any:
    """A shallow copy of ``node`` if ``key`` can be written into it, else fail."""
    if key.__class__ is str:
        if node.__class__ is dict:
            return node.copy()
    elif node.__class__ is list and -len(node) <= key < len(node):
        return node.copy()
    raise _CannotAssign


# ------------------------------------------------------------------- compiling


def _build(text: str) -> Path:
    is_context, variable, segments = _Parser(text).path()
    last = len(segments) - 1
    definite = all(_is_definite(s, i == last) for i, s in enumerate(segments))
    root = "$" if variable is None else f"${variable}"
    normalized = root + "".join(_fragment(s) for s in segments)
    run = _definite_runner(segments) if definite else _indefinite_runner(segments)
    keys = None
    if all(isinstance(s, Name | Index) for s in segments):
        keys = tuple(s.name if isinstance(s, Name) else s.index for s in segments)  # type: ignore[union-attr]
    kind = Path if variable is None else _VariablePath
    return kind(text, normalized, is_context, definite, segments, run, keys, variable)


@functools.lru_cache(maxsize=4096)
def _compile_any(text: str) -> Path:
    return _build(text)


@functools.lru_cache(maxsize=4096)
def _compile_reference(text: str) -> Path:
    path = _compile_any(text)
    for segment in path.segments:
        if not isinstance(segment, Name | Index):
            raise PathError(
                text,
                f"a Reference Path selects a single node; '{_fragment(segment)}' is not allowed",
                segment.column,
            )
    return path


def compile_path(text: str) -> Path:
    """A Path (AWS "Path": may use ``*``, ``..``, slices, filters, unions)."""
    if not isinstance(text, str):
        raise PathError(repr(text), "a path must be a string")
    return _compile_any(text)


def compile_reference_path(text: str, *, allow_variable: bool = True) -> Path:
    """A Reference Path: names and single indices only, so it selects at most one node.

    ``$name...`` reads a variable, which AWS allows in every Reference Path field but
    ``ResultPath`` (a place in the state's data, not a value): compile a ResultPath
    with ``allow_variable=False``.
    """
    if not isinstance(text, str):
        raise PathError(repr(text), "a path must be a string")
    path = _compile_reference(text)
    if path.variable is not None and not allow_variable:
        raise PathError(text, _NO_VARIABLE_RESULT_PATH, 1)
    return path
