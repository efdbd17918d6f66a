"""Recursive-descent parser: tokens in, one :class:`Call` out.

Grammar (as AWS accepts it)::

    call     := NAME "(" [argument ("," argument)*] ")"
    argument := STRING | NUMBER | true | false | null | PATH | call

Unknown function names are rejected here, because AWS rejects them when the
state machine is created. Argument counts and types are checked later, at run
time, where AWS checks them.
"""

from __future__ import annotations

from collections.abc import Callable

from asl.language.errors import IntrinsicError, PathError
from asl.language.intrinsics.ast import (
    Argument,
    BooleanLiteral,
    Call,
    NullLiteral,
    NumberLiteral,
    PathArgument,
    StringLiteral,
)
from asl.language.intrinsics.lexer import Kind, Token, tokenize
from asl.language.paths import Path, compile_path

# Far above any real workflow (AWS allows 10 nested calls); it only keeps the
# recursive descent away from Python's recursion limit.
MAX_DEPTH = 64


def parse(text: str, known: Callable[[str], bool]) -> Call:
    """Parse ``text``; ``known(name)`` says whether a function name exists."""
    return _Parser(text, tokenize(text), known).top()


class _Parser:
    __slots__ = ("depth", "known", "position", "text", "tokens")

    def __init__(self, text: str, tokens: list[Token], known: Callable[[str], bool]) -> None:
        self.text = text
        self.tokens = tokens
        self.known = known
        self.position = 0
        self.depth = 0

    def top(self) -> Call:
        token = self._peek()
        if token.kind is not Kind.NAME:
            raise self._error("expected a function call such as States.Format(...)", token)
        call = self._call()
        end = self._peek()
        if end.kind is not Kind.END:
            raise self._error(f"unexpected {_describe(end)} after the call", end)
        return call

    def _call(self) -> Call:
        name = self._next()
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self._error(f"calls are nested more than {MAX_DEPTH} deep", name)
        if not name.text.startswith("States.") or not self.known(name.text):
            raise self._error(f"unknown intrinsic function '{name.text}'", name)
        opening = self._next()
        if opening.kind is not Kind.LPAREN:
            raise self._error(f"expected '(' after {name.text}", opening)
        args: list[Argument] = []
        if self._peek().kind is Kind.RPAREN:
            self._next()
            self.depth -= 1
            return Call(name.text, (), name.column)
        while True:
            args.append(self._argument())
            separator = self._next()
            if separator.kind is Kind.RPAREN:
                self.depth -= 1
                return Call(name.text, tuple(args), name.column)
            if separator.kind is not Kind.COMMA:
                found = _describe(separator)
                raise self._error(f"expected ',' or ')' but found {found}", separator)

    def _argument(self) -> Argument:
        token = self._peek()
        kind = token.kind
        if kind is Kind.NAME:
            return self._call()
        self._next()
        if kind is Kind.STRING:
            return StringLiteral(str(token.value), token.text, token.column)
        if kind is Kind.NUMBER:
            value = token.value
            assert isinstance(value, int | float)
            return NumberLiteral(value, token.column)
        if kind is Kind.TRUE or kind is Kind.FALSE:
            return BooleanLiteral(kind is Kind.TRUE, token.column)
        if kind is Kind.NULL:
            return NullLiteral(token.column)
        if kind is Kind.PATH:
            return PathArgument(self._path(token), token.column)
        raise self._error(f"expected an argument but found {_describe(token)}", token)

    def _path(self, token: Token) -> Path:
        try:
            return compile_path(token.text)
        except PathError as error:
            column = token.column + (error.column or 1) - 1
            raise IntrinsicError(
                self.text, f"invalid path '{token.text}': {error.reason}", column
            ) from None

    def _peek(self) -> Token:
        return self.tokens[self.position]

    def _next(self) -> Token:
        token = self.tokens[self.position]
        if token.kind is not Kind.END:
            self.position += 1
        return token

    def _error(self, reason: str, token: Token) -> IntrinsicError:
        return IntrinsicError(self.text, reason, token.column)


def _describe(token: Token) -> str:
    if token.kind is Kind.END:
        return "the end of the expression"
    return f"'{token.text}'"
