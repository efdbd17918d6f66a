"""Tokens of an intrinsic call, each with its 1-based column.

The lexer is the only place that reads characters, so every later error can point
at the exact spot in the expression. Paths are scanned as one opaque token (the
path compiler parses them); they end at a top-level ``,``, ``)`` or space, while
brackets, quotes and filter parentheses inside them are skipped over.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from asl.language.errors import IntrinsicError


class Kind(Enum):
    NAME = "name"
    LPAREN = "("
    RPAREN = ")"
    COMMA = ","
    STRING = "string"
    NUMBER = "number"
    TRUE = "true"
    FALSE = "false"
    NULL = "null"
    PATH = "path"
    END = "end of expression"


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    text: str  # the characters as written (a string's body keeps its escapes)
    column: int
    value: object = None  # decoded value of STRING and NUMBER tokens


# The characters AWS lets a backslash escape inside a string literal.
ESCAPABLE = frozenset("'{}\\")
_PUNCTUATION = {"(": Kind.LPAREN, ")": Kind.RPAREN, ",": Kind.COMMA}
_KEYWORDS = {"true": Kind.TRUE, "false": Kind.FALSE, "null": Kind.NULL}
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.")
_NUMBER_CHARS = frozenset("0123456789+-.eE")
_NUMBER_START = frozenset("-0123456789")
_WORD_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")


def unescape(raw: str) -> str:
    """Decode a literal's body: ``\\'``, ``\\{``, ``\\}``, ``\\\\`` lose their backslash.

    A backslash before any other character is kept as written, so Windows-style
    text survives unchanged.
    """
    if "\\" not in raw:
        return raw
    out: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c == "\\" and i + 1 < n and raw[i + 1] in ESCAPABLE:
            out.append(raw[i + 1])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens; raises IntrinsicError at the first bad character."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\r\n":
            i += 1
        elif c in _PUNCTUATION:
            tokens.append(Token(_PUNCTUATION[c], c, i + 1))
            i += 1
        elif c == "'":
            i = _string(text, i, tokens)
        elif c == "$":
            i = _path(text, i, tokens)
        elif c in _NUMBER_START:
            i = _number(text, i, tokens)
        elif c in _WORD_START:
            i = _word(text, i, tokens)
        else:
            raise IntrinsicError(text, f"unexpected character {c!r}", i + 1)
    tokens.append(Token(Kind.END, "", n + 1))
    return tokens


def _string(text: str, start: int, tokens: list[Token]) -> int:
    i, n = start + 1, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "'":
            raw = text[start + 1 : i]
            tokens.append(Token(Kind.STRING, raw, start + 1, unescape(raw)))
            return i + 1
        i += 1
    raise IntrinsicError(text, "unterminated string literal", start + 1)


def _path(text: str, start: int, tokens: list[Token]) -> int:
    i, n = start, len(text)
    depth = 0
    quote = ""
    while i < n:
        c = text[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = ""
        elif depth and c in "'\"":
            quote = c
        elif c in "[(" and (depth or c == "["):
            depth += 1
        elif c in "])" and depth:
            depth -= 1
        elif not depth and (c in ",)" or c in " \t\r\n"):
            break
        i += 1
    tokens.append(Token(Kind.PATH, text[start:i], start + 1))
    return i


def _number(text: str, start: int, tokens: list[Token]) -> int:
    i, n = start, len(text)
    while i < n and text[i] in _NUMBER_CHARS:
        i += 1
    word = text[start:i]
    value = _parse_number(word)
    if value is None:
        raise IntrinsicError(text, f"invalid number {word!r}", start + 1)
    tokens.append(Token(Kind.NUMBER, word, start + 1, value))
    return i


def _parse_number(word: str) -> int | float | None:
    """JSON number grammar: integers stay ``int``; a fraction or exponent makes a float."""
    i, n = 0, len(word)
    if i < n and word[i] == "-":
        i += 1
    digits = _digits(word, i)
    if digits == i or (word[i] == "0" and digits > i + 1):
        return None
    i, integral = digits, True
    if i < n and word[i] == ".":
        digits = _digits(word, i + 1)
        if digits == i + 1:
            return None
        i, integral = digits, False
    if i < n and word[i] in "eE":
        i += 1
        if i < n and word[i] in "+-":
            i += 1
        digits = _digits(word, i)
        if digits == i:
            return None
        i, integral = digits, False
    if i != n:
        return None
    return int(word) if integral else float(word)


def _digits(word: str, i: int) -> int:
    while i < len(word) and "0" <= word[i] <= "9":
        i += 1
    return i


def _word(text: str, start: int, tokens: list[Token]) -> int:
    i, n = start, len(text)
    while i < n and text[i] in _WORD_CHARS:
        i += 1
    word = text[start:i]
    tokens.append(Token(_KEYWORDS.get(word, Kind.NAME), word, start + 1))
    return i
