"""Choice rules as short edge labels: ``$.category == "billing"``.

A reader of the graph should see why an edge is taken without opening the
document, so each comparison becomes one infix expression. JSONata conditions
are shown as written, without their ``{% %}`` delimiters. Labels longer than
:data:`MAX_LABEL` characters are cut with an ellipsis to keep the drawing legible.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

MAX_LABEL = 80

_SYMBOLS = (
    ("GreaterThanEquals", ">="),
    ("LessThanEquals", "<="),
    ("GreaterThan", ">"),
    ("LessThan", "<"),
    ("Equals", "=="),
    ("Matches", "matches"),
)
_TESTS = {
    "IsNull": "null",
    "IsPresent": "present",
    "IsString": "a string",
    "IsNumeric": "a number",
    "IsBoolean": "a boolean",
    "IsTimestamp": "a timestamp",
}


def rule_label(rule: Mapping[str, Any], language: Any = None) -> str:
    """The label of a top-level Choice rule (JSONPath rule or JSONata ``Condition``)."""
    return _cut(_expression(rule, top=True))


def _expression(rule: Any, top: bool = False) -> str:
    if not isinstance(rule, Mapping):
        return "?"
    if "Condition" in rule:
        return _condition(rule["Condition"])
    for combinator, joiner in (("And", " and "), ("Or", " or ")):
        if isinstance(rule.get(combinator), list):
            text = joiner.join(_expression(inner) for inner in rule[combinator])
            return text if top else f"({text})"
    if "Not" in rule:
        return f"not {_expression(rule['Not'])}"
    return _comparison(rule)


def _condition(condition: Any) -> str:
    if isinstance(condition, str):
        text = condition.strip()
        if text.startswith("{%") and text.endswith("%}"):
            return text[2:-2].strip()
        return text
    return json.dumps(condition)


def _comparison(rule: Mapping[str, Any]) -> str:
    variable = str(rule.get("Variable", "?"))
    for operator, value in rule.items():
        if operator in ("Variable", "Next", "Comment", "Assign", "Output"):
            continue
        if operator in _TESTS:
            negation = "" if value is True else "not "
            return f"{variable} is {negation}{_TESTS[operator]}"
        is_path = operator.endswith("Path")
        name = operator.removesuffix("Path")
        for suffix, symbol in _SYMBOLS:
            if name.endswith(suffix):
                shown = str(value) if is_path else json.dumps(value, ensure_ascii=False)
                return f"{variable} {symbol} {shown}"
    return variable


def _cut(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"
