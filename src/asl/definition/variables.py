"""Workflow variables in a document: the names ``Assign`` blocks set, and the reads.

AWS's rules for the ``Assign`` field itself: its keys are variable names (in a JSONPath
state a key may end in ``.$``, which is not part of the name), a name follows the
Unicode identifier rules (a letter or ``_``, then letters, digits, marks, ``_``) and has
at most 80 characters, and ``states`` is reserved (``$states`` is the state's own data
in JSONata).  One variable holds at most 256 KiB, and so does one Assign block.

What a state reads is collected in :class:`Reads` as its fields are checked; the scope
analysis (``scopes``) later compares reads and assignments across the machine.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .expressions import check_template
from .fields import MAX_VARIABLE_BYTES, MAX_VARIABLE_NAME_LENGTH, RESERVED_VARIABLES
from .locate import join
from .queries import check_jsonata_value, is_dynamic_jsonata
from .report import describe

if TYPE_CHECKING:
    from .states import StateCheck


def variable_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a variable name, or None when it can."""
    if not name:
        return "a variable name cannot be empty"
    if len(name) > MAX_VARIABLE_NAME_LENGTH:
        return (
            f"it is {len(name)} characters long, and AWS allows at most {MAX_VARIABLE_NAME_LENGTH}"
        )
    if name in RESERVED_VARIABLES:
        return f"'${name}' is reserved for the state's own data"
    if not name.isidentifier():
        return (
            "a variable name starts with a letter or '_' and goes on with letters, digits "
            "or '_' (Unicode identifier rules)"
        )
    return None


def check_assign(check: StateCheck, value: Any, pointer: str, owner: str) -> dict[str, str]:
    """An Assign block; returns the names it sets, each with the pointer of its key.

    ``owner`` names where the block is ("state 'S'", "catcher 0 of state 'S'" ...).
    """
    where = f"the Assign of {owner}"
    if not isinstance(value, dict):
        check.report.error(
            "INVALID_TYPE",
            pointer,
            f"'Assign' of {owner} must be an object that maps variable names to values, "
            f"got {describe(value)}",
        )
        return {}
    names: dict[str, str] = {}
    for raw in value:
        key = str(raw)
        name = key[:-2] if not check.jsonata and key.endswith(".$") else key
        at = join(pointer, key)
        problem = variable_name_problem(name)
        if problem is not None:
            check.report.error(
                "INVALID_VARIABLE_NAME",
                at,
                f"'{key}' in {where} is not a valid variable name: {problem}",
                key=True,
            )
            continue
        names.setdefault(name, at)
    if check.jsonata:
        for raw, item in value.items():
            label = f"'{raw}' in {where}"
            check_jsonata_value(check.report, item, join(pointer, str(raw)), label, check.reads)
    else:
        check_template(check.report, value, pointer, where, check.reads)
    _check_sizes(check, value, pointer, where)
    return names


def _check_sizes(check: StateCheck, value: dict[Any, Any], pointer: str, where: str) -> None:
    """AWS's 256 KiB limits, for the values written out in full (no expression in them)."""
    total = 0
    for raw, item in value.items():
        key = str(raw)
        if (key.endswith(".$") and not check.jsonata) or _is_dynamic(item, check.jsonata):
            continue
        size = len(json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode())
        total += size
        if size > MAX_VARIABLE_BYTES:
            check.report.warning(
                "VARIABLE_TOO_LARGE",
                join(pointer, key),
                f"'{key}' in {where} is {size} bytes; a variable holds at most "
                f"{MAX_VARIABLE_BYTES} bytes (256 KiB), so the state will fail when it runs: "
                f"keep large data in the state's output or in external storage",
                key=True,
            )
            return
    if total > MAX_VARIABLE_BYTES:
        check.report.warning(
            "VARIABLE_TOO_LARGE",
            pointer,
            f"The values of {where} add up to {total} bytes; one Assign block holds at most "
            f"{MAX_VARIABLE_BYTES} bytes (256 KiB), so the state will fail when it runs: "
            f"split the variables across states or keep large data elsewhere",
        )


def _is_dynamic(value: Any, jsonata: bool) -> bool:
    if jsonata:
        return is_dynamic_jsonata(value)
    return _has_dollar_key(value)


def _has_dollar_key(value: Any) -> bool:
    pending = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if any(str(k).endswith(".$") for k in node):
                return True
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return False
