"""The syntax tree of an intrinsic call: immutable, with the column of every node.

Nodes keep what the compiler needs and nothing else: a string literal keeps its
raw body too, because ``States.Format`` must tell an escaped ``\\{`` from a
placeholder ``{}`` and that difference is lost once the literal is decoded.
"""

from __future__ import annotations

from dataclasses import dataclass

from asl.language.paths import Path


@dataclass(frozen=True, slots=True)
class StringLiteral:
    value: str
    raw: str
    column: int


@dataclass(frozen=True, slots=True)
class NumberLiteral:
    value: int | float
    column: int


@dataclass(frozen=True, slots=True)
class BooleanLiteral:
    value: bool
    column: int


@dataclass(frozen=True, slots=True)
class NullLiteral:
    column: int


@dataclass(frozen=True, slots=True)
class PathArgument:
    path: Path
    column: int


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Argument, ...]
    column: int


Literal = StringLiteral | NumberLiteral | BooleanLiteral | NullLiteral
Argument = Literal | PathArgument | Call
