"""Checks of the Choices of a Choice (or Approval) state and of its Default.

JSONPath rules go to the rule compiler of :mod:`asl.language.choice`, whose problems
are merged as they are; JSONata rules are checked here.  The transitions (each
top-level rule's Next, and Default) are recorded for the machine walk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from asl.language.choice import compile_rule
from asl.language.errors import ValidationError

from .expressions import check_template
from .locate import join
from .report import describe, is_jsonata, unknown_hint

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
            try:
                compile_rule(rule, where)
            except ValidationError as exc:
                check.report.extend(exc.errors)
        if not isinstance(rule, dict):
            continue
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
            check.target(rule["Next"], join(where, "Next"), f"'Next' of {label}")
        if not check.jsonata and isinstance(rule.get("Assign"), dict):
            check_template(
                check.report, rule["Assign"], join(where, "Assign"), f"the Assign of {label}"
            )


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
        if key not in known:
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
    elif not (isinstance(rule["Condition"], bool) or is_jsonata(rule["Condition"])):
        check.report.error(
            "INVALID_TYPE",
            join(where, "Condition"),
            f"'Condition' of {label} "
            f'must be a JSONata expression "{{% ... %}}" or a boolean, got '
            f"{describe(rule['Condition'])}",
        )


def check_default(check: StateCheck) -> None:
    if check.has("Default") and check.expect_str("Default"):
        check.target(check.state["Default"], check.at("Default"), check.label("Default"))
