"""Checks of a state's ``Guardrails`` block: its sides, their rules and the agents they name.

Every rule is checked for its own fields (a ``regex`` that does not compile, a
``schema`` that is not a JSON Schema, a ``pii`` kind that does not exist),
and the Action against the rule: ``redact`` and ``mask`` need text to rewrite
(pattern, regex, pii), and ``retry`` regenerates an agent's output, so it
belongs to the Output side only.
"""

from __future__ import annotations

import re
from typing import Any, Final

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from asl.guardrails.pii import KINDS
from asl.guardrails.rules import (
    ACTIONS,
    AGENT_RULES,
    RETRY,
    RULE_TYPES,
    TEXT_ACTIONS,
    TEXT_RULES,
)

from .report import describe, did_you_mean, expect_int, unknown_hint
from .states import StateCheck

SIDES: Final = ("Input", "Output")
ON_FAIL: Final = ("reject", "fail_state")
_SIDE_FIELDS: Final = {
    "Input": ("Validator", "Rules", "OnFail"),
    "Output": ("Validator", "Rules", "OnFail", "MaxRetries"),
}
_RULE_FIELDS: Final = {
    "length": ("Max", "Min"),
    "pattern": ("Block",),
    "regex": ("Pattern",),
    "pii": ("Detect",),
    "schema": ("Schema",),
    "semantic": ("Check", "Agent"),
    "custom": ("Agent",),
}
_COMMON_RULE_FIELDS: Final = ("Type", "Action", "Comment")


def check_guardrails(check: StateCheck) -> None:
    block = check.state["Guardrails"]
    if not check.expect_object("Guardrails"):
        return
    for name in block:
        if name not in SIDES:
            check.report.warning(
                "UNKNOWN_FIELD",
                check.at("Guardrails", name),
                f"The Guardrails of state '{check.name}' have the unknown field "
                f"'{name}'{unknown_hint(name, SIDES)}",
                key=True,
            )
    for side in SIDES:
        if side in block:
            _check_side(check, side, block[side])


def _check_side(check: StateCheck, side: str, raw: Any) -> None:
    pointer = check.at("Guardrails", side)
    where = f"Guardrails.{side} of state '{check.name}'"
    if not isinstance(raw, dict):
        check.report.error(
            "INVALID_TYPE", pointer, f"{where} must be an object, got {describe(raw)}"
        )
        return
    fields = _SIDE_FIELDS[side]
    for name in raw:
        if name in fields:
            continue
        if name == "MaxRetries":
            message = (
                f"{where} cannot have 'MaxRetries': only an agent's output can be regenerated; "
                'move it to "Output"'
            )
            check.report.error("UNSUPPORTED_FIELD", f"{pointer}/{name}", message, key=True)
        else:
            check.report.warning(
                "UNKNOWN_FIELD",
                f"{pointer}/{name}",
                f"{where} has the unknown field '{name}'{unknown_hint(name, fields)}",
                key=True,
            )
    validator = raw.get("Validator")
    if "Validator" in raw:
        if isinstance(validator, str) and validator:
            check.check_agent(validator, f"{pointer}/Validator")
        else:
            check.report.error(
                "INVALID_TYPE",
                f"{pointer}/Validator",
                f"'Validator' of {where} must be an agent name, got {describe(validator)}",
            )
    on_fail = raw.get("OnFail")
    if "OnFail" in raw and on_fail not in ON_FAIL:
        check.report.error(
            "INVALID_VALUE",
            f"{pointer}/OnFail",
            f"'OnFail' of {where} must be one of {', '.join(ON_FAIL)} (both fail the state "
            f"with Agent.GuardrailViolation), got {describe(on_fail)}"
            f"{did_you_mean(str(on_fail), ON_FAIL)}",
        )
    if "MaxRetries" in raw and side == "Output":
        expect_int(
            check.report, raw["MaxRetries"], f"{pointer}/MaxRetries", f"'MaxRetries' of {where}", 0
        )
    rules = raw.get("Rules")
    if "Rules" not in raw:
        if "Validator" not in raw:
            check.report.error(
                "MISSING_FIELD",
                pointer,
                f'{where} checks nothing: add "Rules" or a "Validator"',
                key=True,
            )
        return
    if not isinstance(rules, list):
        check.report.error(
            "INVALID_TYPE",
            f"{pointer}/Rules",
            f"'Rules' of {where} must be an array of rules, got {describe(rules)}",
        )
        return
    has_validator = isinstance(validator, str) and bool(validator)
    for index, rule in enumerate(rules):
        _check_rule(check, side, rule, f"{pointer}/Rules/{index}", index, has_validator)


def _check_rule(
    check: StateCheck, side: str, rule: Any, pointer: str, index: int, has_validator: bool
) -> None:
    where = f"Guardrails.{side} rule {index} of state '{check.name}'"
    report = check.report
    if not isinstance(rule, dict):
        report.error("INVALID_TYPE", pointer, f"{where} must be an object, got {describe(rule)}")
        return
    kind = rule.get("Type")
    if kind not in RULE_TYPES:
        if "Type" not in rule:
            message = f"{where} has no 'Type': add \"Type\" with one of {', '.join(RULE_TYPES)}"
            report.error("MISSING_FIELD", pointer, message, key=True)
        else:
            report.error(
                "INVALID_VALUE",
                f"{pointer}/Type",
                f"'Type' of {where} must be one of {', '.join(RULE_TYPES)}, got "
                f"{describe(kind)}{did_you_mean(str(kind), RULE_TYPES)}",
            )
        return
    fields = _RULE_FIELDS[kind] + _COMMON_RULE_FIELDS
    for name in rule:
        if name not in fields:
            report.warning(
                "UNKNOWN_FIELD",
                f"{pointer}/{name}",
                f"{where} ({kind}) has the unknown field '{name}'{unknown_hint(name, fields)}",
                key=True,
            )
    _check_action(check, side, rule, pointer, where, kind)
    _RULE_CHECKS[kind](check, rule, pointer, where)
    if kind in AGENT_RULES:
        agent = rule.get("Agent")
        if isinstance(agent, str) and agent:
            check.check_agent(agent, f"{pointer}/Agent")
        elif "Agent" in rule:
            report.error(
                "INVALID_TYPE",
                f"{pointer}/Agent",
                f"'Agent' of {where} must be an agent name, got {describe(agent)}",
            )
        elif not has_validator:
            report.error(
                "MISSING_FIELD",
                pointer,
                f'{where} ({kind}) needs an agent to judge it: add "Agent" to the rule or '
                f'a "Validator" to Guardrails.{side}',
                key=True,
            )


def _check_action(
    check: StateCheck, side: str, rule: dict[str, Any], pointer: str, where: str, kind: str
) -> None:
    if "Action" not in rule:
        return
    action = rule["Action"]
    if action not in ACTIONS:
        check.report.error(
            "INVALID_VALUE",
            f"{pointer}/Action",
            f"'Action' of {where} must be one of {', '.join(ACTIONS)}, got "
            f"{describe(action)}{did_you_mean(str(action), ACTIONS)}",
        )
    elif action in TEXT_ACTIONS and kind not in TEXT_RULES:
        check.report.error(
            "INVALID_VALUE",
            f"{pointer}/Action",
            f"'Action' of {where} is '{action}', which rewrites matched text, and a {kind} rule "
            "matches none: use block, warn, flag or retry",
        )
    elif action == RETRY and side == "Input":
        check.report.error(
            "INVALID_VALUE",
            f"{pointer}/Action",
            f"'Action' of {where} is 'retry', which regenerates an agent's output: use it in "
            "Guardrails.Output, or use block here",
        )


def _check_length(check: StateCheck, rule: dict[str, Any], pointer: str, where: str) -> None:
    bounds = [name for name in ("Min", "Max") if name in rule]
    if not bounds:
        message = f"{where} (length) has neither 'Max' nor 'Min': add \"Max\" with a length"
        check.report.error("MISSING_FIELD", pointer, message, key=True)
        return
    usable = all(
        expect_int(check.report, rule[name], f"{pointer}/{name}", f"'{name}' of {where}", 0)
        for name in bounds
    )
    if usable and len(bounds) == 2 and rule["Min"] > rule["Max"]:
        check.report.error(
            "INVALID_VALUE",
            f"{pointer}/Min",
            f"'Min' of {where} is {rule['Min']}, more than its 'Max' {rule['Max']}",
        )


def _check_pattern(check: StateCheck, rule: dict[str, Any], pointer: str, where: str) -> None:
    blocked = rule.get("Block")
    if "Block" not in rule:
        message = f"{where} (pattern) has no 'Block': add \"Block\" with the texts to refuse"
        check.report.error("MISSING_FIELD", pointer, message, key=True)
    elif (
        not isinstance(blocked, list)
        or not blocked
        or not all(isinstance(text, str) and text for text in blocked)
    ):
        check.report.error(
            "INVALID_TYPE",
            f"{pointer}/Block",
            f"'Block' of {where} must be a non-empty array of non-empty strings, got "
            f"{describe(blocked)}",
        )


def _check_regex(check: StateCheck, rule: dict[str, Any], pointer: str, where: str) -> None:
    pattern = rule.get("Pattern")
    if "Pattern" not in rule:
        message = f"{where} (regex) has no 'Pattern': add \"Pattern\" with a regular expression"
        check.report.error("MISSING_FIELD", pointer, message, key=True)
    elif not isinstance(pattern, str) or not pattern:
        check.report.error(
            "INVALID_TYPE",
            f"{pointer}/Pattern",
            f"'Pattern' of {where} must be a regular expression, got {describe(pattern)}",
        )
    else:
        try:
            re.compile(pattern)
        except re.error as error:
            at = f" at position {error.pos}" if error.pos is not None else ""
            check.report.error(
                "INVALID_VALUE",
                f"{pointer}/Pattern",
                f"'Pattern' of {where} is not a valid regular expression: {error.msg}{at}",
            )


def _check_pii(check: StateCheck, rule: dict[str, Any], pointer: str, where: str) -> None:
    detect = rule.get("Detect", True)
    if detect is True:
        return
    kinds = ", ".join(KINDS)
    if not isinstance(detect, list) or not detect:
        check.report.error(
            "INVALID_VALUE" if detect is False else "INVALID_TYPE",
            f"{pointer}/Detect",
            f"'Detect' of {where} must be true (every kind) or a non-empty array of kinds "
            f"({kinds}), got {describe(detect)}",
        )
        return
    for position, kind in enumerate(detect):
        if kind not in KINDS:
            check.report.error(
                "INVALID_VALUE",
                f"{pointer}/Detect/{position}",
                f"'Detect' of {where} names {describe(kind)}, which is not a kind of personal "
                f"data this engine detects ({kinds}){did_you_mean(str(kind), KINDS)}",
            )


def _check_schema(check: StateCheck, rule: dict[str, Any], pointer: str, where: str) -> None:
    schema = rule.get("Schema")
    if "Schema" not in rule:
        message = f"{where} (schema) has no 'Schema': add \"Schema\" with a JSON Schema object"
        check.report.error("MISSING_FIELD", pointer, message, key=True)
        return
    if not isinstance(schema, (dict, bool)):
        check.report.error(
            "INVALID_TYPE",
            f"{pointer}/Schema",
            f"'Schema' of {where} must be a JSON Schema object, got {describe(schema)}",
        )
        return
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        inner = "/".join(str(part) for part in error.path)
        check.report.error(
            "INVALID_VALUE",
            f"{pointer}/Schema" + (f"/{inner}" if inner else ""),
            f"'Schema' of {where} is not a valid JSON Schema (draft 2020-12): {error.message}",
        )


def _check_semantic(check: StateCheck, rule: dict[str, Any], pointer: str, where: str) -> None:
    value = rule.get("Check")
    if "Check" not in rule:
        message = f"{where} (semantic) has no 'Check': add \"Check\" naming what to judge"
        check.report.error("MISSING_FIELD", pointer, message, key=True)
    elif not isinstance(value, str) or not value:
        check.report.error(
            "INVALID_TYPE",
            f"{pointer}/Check",
            f"'Check' of {where} must be a non-empty string, got {describe(value)}",
        )


def _check_custom(check: StateCheck, rule: dict[str, Any], pointer: str, where: str) -> None:
    """A custom rule has only its agent, which the caller checks."""


_RULE_CHECKS: Final = {
    "length": _check_length,
    "pattern": _check_pattern,
    "regex": _check_regex,
    "pii": _check_pii,
    "schema": _check_schema,
    "semantic": _check_semantic,
    "custom": _check_custom,
}
