"""Checks of the little languages inside a document: paths, payload templates, intrinsics.

The parsers live in :mod:`asl.language`; this module only calls them on every
expression of a document and turns their errors into issues that point at the field
and, through the error's column, at the offending character of the expression.
"""

from __future__ import annotations

from typing import Any, Literal

from asl.language.errors import IntrinsicError, PathError
from asl.language.intrinsics import compile_intrinsic, is_intrinsic
from asl.language.paths import compile_path, compile_reference_path

from .locate import join
from .reads import Reads
from .report import Report, describe

PathKind = Literal["path", "reference path", "path or intrinsic"]

_WANTED: dict[str, str] = {
    "path": 'a path such as "$.field"',
    "reference path": 'a reference path such as "$.field"',
    "path or intrinsic": 'a reference path such as "$.field" or an intrinsic function call '
    'such as "States.Format(...)"',
}


def check_path(
    report: Report,
    value: Any,
    pointer: str,
    label: str,
    kind: PathKind,
    *,
    nullable: bool = False,
    reads: Reads | None = None,
) -> None:
    """A path field: ``kind`` says which grammar applies (AWS: Path vs Reference Path).

    A path may start from a workflow variable (``$name.field``); ``reads`` collects it.
    """
    if value is None and nullable:
        return
    if not isinstance(value, str):
        allowed = _WANTED[kind] + (" or null" if nullable else "")
        report.error("INVALID_TYPE", pointer, f"{label} must be {allowed}, got {describe(value)}")
        return
    if kind == "path or intrinsic" and _looks_intrinsic(value):
        check_intrinsic(report, value, pointer, label, reads)
        return
    try:
        path = compile_path(value) if kind == "path" else compile_reference_path(value)
    except PathError as exc:
        noun = "reference path" if kind != "path" else "path"
        report.error(
            "INVALID_PATH",
            pointer,
            f"{label} is not a valid {noun}: {exc.reason}{_column(exc.column)}",
            char=_char(exc.column),
        )
        return
    if reads is not None and path.variable is not None:
        reads.add((path.variable,), pointer, value)


def check_intrinsic(
    report: Report, value: str, pointer: str, label: str, reads: Reads | None = None
) -> None:
    try:
        call = compile_intrinsic(value)
    except IntrinsicError as exc:
        report.error(
            "INVALID_INTRINSIC",
            pointer,
            f"{label} is not a valid intrinsic function call: {exc.reason}{_column(exc.column)}",
            char=_char(exc.column),
        )
        return
    if reads is not None:
        reads.add(sorted(call.variables), pointer, value)


def check_dynamic(
    report: Report, value: Any, pointer: str, label: str, reads: Reads | None = None
) -> None:
    """The value of a ``key.$`` field: a path, a context path or an intrinsic call."""
    if isinstance(value, str) and value.startswith("$"):
        check_path(report, value, pointer, label, "path", reads=reads)
    elif isinstance(value, str) and _looks_intrinsic(value):
        check_intrinsic(report, value, pointer, label, reads)
    else:
        report.error(
            "INVALID_PAYLOAD_TEMPLATE",
            pointer,
            f'{label} must be a path ("$.field"), a context path ("$$.Execution.Id") or '
            f'an intrinsic function call ("States.Format(...)"), got {describe(value)}; '
            f"to pass the value as it is, drop the '.$' from the key",
        )


def check_template(
    report: Report, template: Any, pointer: str, where: str, reads: Reads | None = None
) -> None:
    """Every ``key.$`` of a payload template, nested objects and arrays included.

    Walks iteratively (a template may be nested as deep as the JSON parser allows) and
    builds a member's pointer only when it has something to report or to descend into.
    """
    pending: list[tuple[Any, str]] = [(template, pointer)]
    while pending:
        node, at = pending.pop()
        if isinstance(node, list):
            pending.extend(
                (item, join(at, i))
                for i, item in reversed(list(enumerate(node)))
                if isinstance(item, (dict, list))
            )
            continue
        children: list[tuple[Any, str]] = []
        for key, value in node.items():
            name = str(key)
            if name.endswith(".$"):
                _check_dynamic_member(report, node, name, value, join(at, name), where, reads)
            elif isinstance(value, (dict, list)):
                children.append((value, join(at, name)))
            elif _looks_dynamic(value):
                report.warning(
                    "NO_DOLLAR",
                    join(at, name),
                    f"'{name}' in {where} is {describe(value)}, which looks like a path "
                    f"or an intrinsic function but stays a literal string because the key "
                    f"does not end in '.$'; rename the key to '{name}.$' to evaluate it",
                )
        pending.extend(reversed(children))


def _check_dynamic_member(
    report: Report,
    node: dict[Any, Any],
    name: str,
    value: Any,
    child: str,
    where: str,
    reads: Reads | None,
) -> None:
    label = f"'{name}' in {where}"
    if name[:-2] in node:
        report.error(
            "INVALID_PAYLOAD_TEMPLATE",
            child,
            f"{label} and '{name[:-2]}' both set the field '{name[:-2]}'; keep one of them",
            key=True,
        )
    check_dynamic(report, value, child, label, reads)


def _looks_intrinsic(value: str) -> bool:
    return is_intrinsic(value) or value.startswith("States.")


def _looks_dynamic(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    if value == "$" or value.startswith(("$.", "$[", "$$.")):
        return True
    return value.startswith("States.") and value.endswith(")") and "(" in value


def _column(column: int | None) -> str:
    return f" (at character {column})" if column else ""


def _char(column: int | None) -> int | None:
    return column - 1 if column else None
