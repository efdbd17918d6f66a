"""Checks of the Choices of a Choice (or Approval) state and of its Default.

JSONPath rules go to the rule compiler of :mod:`asl.language.choice`, whose problems
are merged as they are; JSONata rules are checked here.  The transitions (each
top-level rule's Next, and Default) are recorded for the machine walk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from asl.language.choice import OPERATORS, compile_rule
from asl.language.errors import ValidationError

from .fields import NESTED_JSONATA_ONLY
from .languages import report_language_field
from .locate import join
from .queries import check_expression, check_jsonata_value
from .reads import reads_variable
from .report import describe, is_jsonata, unknown_hint
from .variables import check_assign

if TYPE_CHECKING:
    from .states import StateCheck


def check_choices(check: StateCheck, *, required: bool) -> None:
    if not check.has("Choices"):
        if required:
            check.report.error(
                "MISSING_FIELD",
                check.pointer,
                f"{check.title} has no "
                f"'Choices': add a non-empty \"Choices\" array of rules, each "
                f'with a "Next"',
                key=True,
            )
        return
    rules = check.state["Choices"]
    if not isinstance(rules, list) or not rules:
        check.report.error(
            "INVALID_TYPE" if not isinstance(rules, list) else "INVALID_VALUE",
            check.at("Choices"),
            f"{check.label('Choices')} must be a non-empty array of rules, got {describe(rules)}",
        )
        return
    for index, rule in enumerate(rules):
        where = check.at("Choices", index)
        label = f"choice rule {index} of state '{check.name}'"
        if check.jsonata:
            _check_jsonata_rule(check, rule, where, label)
        else:
            _check_jsonpath_rule(check, rule, where, label)
        if not isinstance(rule, dict):
            continue
        assigns = _rule_assign(check, rule, where, label)
        if "Next" not in rule:
            check.report.error(
                "MISSING_FIELD",
                where,
                f"The {label} has no 'Next': add "
                f'"Next" with the state to go to when the rule matches',
            )
        elif not isinstance(rule["Next"], str) or not rule["Next"]:
            check.report.error(
                "INVALID_TYPE",
                join(where, "Next"),
                f"'Next' of {label} must be a state name, got {describe(rule['Next'])}",
            )
        else:
            check.target(rule["Next"], join(where, "Next"), f"'Next' of {label}", assigns=assigns)


def _rule_assign(check: StateCheck, rule: dict[str, Any], where: str, label: str) -> dict[str, str]:
    """A top-level rule's Assign: applied (instead of the state's) when the rule matches."""
    if "Assign" not in rule:
        return {}
    return check_assign(check, rule["Assign"], join(where, "Assign"), label)


def _check_jsonpath_rule(check: StateCheck, rule: Any, where: str, label: str) -> None:
    """A JSONPath rule goes to the rule compiler; JSONata's Condition and Output do not."""
    if isinstance(rule, dict):
        misplaced = NESTED_JSONATA_ONLY["choice rule"] & rule.keys()
        for key in sorted(misplaced):
            report_language_field(check, key, join(where, key), label.split(" of state ")[0])
        if "Condition" in misplaced:
            return  # a JSONata rule in a JSONPath state: its operators are not missing
        rule = {k: v for k, v in rule.items() if k not in misplaced}
    try:
        compiled = compile_rule(rule, where)
    except ValidationError as exc:
        check.report.extend(exc.errors)
        return
    for name in sorted(compiled.variables):
        at, text = _first_read(rule, where, name)
        check.reads.add((name,), at, text)


def _first_read(node: Any, where: str, name: str) -> tuple[str, str | None]:
    """The field of a rule (nested rules included) whose string reads ``$name``."""
    pending: list[tuple[Any, str]] = [(node, where)]
    while pending:
        current, at = pending.pop(0)
        if isinstance(current, str) and reads_variable(current, name):
            return at, current
        if isinstance(current, dict):
            pending.extend((value, join(at, str(key))) for key, value in current.items())
        elif isinstance(current, list):
            pending.extend((value, join(at, index)) for index, value in enumerate(current))
    return where, None


def _check_jsonata_rule(check: StateCheck, rule: Any, where: str, label: str) -> None:
    if not isinstance(rule, dict):
        check.report.error(
            "INVALID_TYPE",
            where,
            f'The {label} must be an object with "Condition" and "Next", got {describe(rule)}',
        )
        return
    known = ("Condition", "Next", "Comment", "Assign", "Output")
    for key in rule:
        if key in OPERATORS or key in ("Variable", "Variable.$"):
            report_language_field(
                check,
                str(key),
                join(where, str(key)),
                label.split(" of state ")[0],
                'write the test as "Condition": "{% <JSONata expression> %}"',
            )
        elif key not in known:
            check.report.error(
                "UNSUPPORTED_FIELD",
                join(where, str(key)),
                f"'{key}' is not a field of a JSONata choice rule{unknown_hint(str(key), known)}",
                key=True,
            )
    if "Condition" not in rule:
        check.report.error(
            "MISSING_FIELD",
            where,
            f'The {label} has no \'Condition\': add "Condition": "{{% <JSONata expression> %}}"',
        )
    elif is_jsonata(rule["Condition"]):
        check_expression(
            check.report,
            rule["Condition"],
            join(where, "Condition"),
            f"'Condition' of {label}",
            check.reads,
        )
    elif not isinstance(rule["Condition"], bool):
        check.report.error(
            "INVALID_TYPE",
            join(where, "Condition"),
            f"'Condition' of {label} "
            f'must be a JSONata expression "{{% ... %}}" or a boolean, got '
            f"{describe(rule['Condition'])}",
        )
    if "Output" in rule:
        check_jsonata_value(
            check.report, rule["Output"], join(where, "Output"), f"'Output' of {label}", check.reads
        )


def check_default(check: StateCheck) -> None:
    if check.has("Default") and check.expect_str("Default"):
        check.target(check.state["Default"], check.at("Default"), check.label("Default"))
