"""The checks particular to ASL's own state types: Approval, Debate, Checkpoint,
Include and Workflow (their required fields as the ASL specification and schema give them).
"""

from __future__ import annotations

import re
from typing import Final

from .choices import check_choices, check_default
from .debate import check_debate_blocks
from .report import describe, did_you_mean, is_number
from .states import StateCheck

_ON_TIMEOUT: Final = ("AutoReject", "AutoApprove", "Escalate", "Fail")
# A Workflow state's Timeout: what the runtime's parse_duration reads.
_DURATION: Final = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:ms|s|m|h|d|w)?\s*$")


def check_approval(check: StateCheck) -> None:
    if not check.has("Prompt") and not check.has("Prompt.$"):
        check.report.error(
            "MISSING_FIELD",
            check.pointer,
            f"{check.title} has no 'Prompt': add \"Prompt\" with the message for the approver",
            key=True,
        )
    prompt = check.state.get("Prompt")
    if check.has("Prompt") and not isinstance(prompt, (str, dict)):
        check.report.error(
            "INVALID_TYPE",
            check.at("Prompt"),
            f"{check.label('Prompt')} must be a string or an object, got {describe(prompt)}",
        )
    options = check.state.get("Options")
    if check.has("Options") and _string_list(check, "Options", "options") and not options:
        check.report.error(
            "INVALID_VALUE",
            check.at("Options"),
            f"{check.label('Options')} must list at least one option, got an empty array",
        )
    for name in ("Timeout", "OnTimeout"):
        if check.has(name):
            check.expect_str(name)
    on_timeout = check.state.get("OnTimeout")
    if isinstance(on_timeout, str) and on_timeout and on_timeout not in _ON_TIMEOUT:
        check.report.error(
            "INVALID_VALUE",
            check.at("OnTimeout"),
            f"{check.label('OnTimeout')} "
            f"must be one of {', '.join(_ON_TIMEOUT)}, got {describe(on_timeout)}"
            f"{did_you_mean(on_timeout, _ON_TIMEOUT)}",
        )
    for name in ("Escalation", "Editable", "Policy", "Notifications", "BatchMode"):
        if check.has(name):
            check.expect_object(name)
    if check.has("RequiredApprovers"):
        check.expect_int("RequiredApprovers", 1)
    check.path("ItemsPath", "reference path")
    check_choices(check, required=False)
    check_default(check)


def check_debate(check: StateCheck) -> None:
    agents = check.state.get("Agents")
    if not check.has("Agents"):
        check.report.error(
            "MISSING_FIELD",
            check.pointer,
            f"{check.title} has no 'Agents': add \"Agents\" with the names of at least two agents",
            key=True,
        )
    elif _string_list(check, "Agents", "agent names") and len(check.state["Agents"]) < 2:
        check.report.error(
            "INVALID_VALUE",
            check.at("Agents"),
            f"{check.label('Agents')} must name at least two agents, got {describe(agents)}",
        )
    if isinstance(agents, list):
        for index, agent in enumerate(agents):
            if isinstance(agent, str) and agent:
                check.check_agent(agent, check.at("Agents", index))
    if check.has("Topic"):
        check.expect_str("Topic", non_empty=False)
    check.path("TopicPath", "path")
    check.exclusive("Topic", "TopicPath")
    check.exclusive("TopicPath", "Topic.$")
    if check.has("Rounds"):
        check.expect_int("Rounds", 1)
    for name in ("Communication", "Consensus"):
        if check.has(name):
            check.expect_object(name)
    check_debate_blocks(check)


def check_checkpoint(check: StateCheck) -> None:
    if not check.has("Name"):
        check.report.error(
            "MISSING_FIELD",
            check.pointer,
            f"{check.title} has no 'Name': add \"Name\" to identify the saved point",
            key=True,
        )
    for name in ("Name", "Storage", "TTL"):
        if check.has(name):
            check.expect_str(name)


def check_include(check: StateCheck) -> None:
    if not check.has("Template"):
        check.report.error(
            "MISSING_FIELD",
            check.pointer,
            f"{check.title} has no 'Template': "
            f'add "Template" with an alias from the workflow\'s "Imports"',
            key=True,
        )
    elif check.expect_str("Template"):
        template = check.state["Template"]
        imports = check.ctx.imports
        if imports is None:
            check.report.error(
                "UNKNOWN_TEMPLATE",
                check.at("Template"),
                f"{check.title} uses "
                f"the template '{template}', but the workflow has no 'Imports': "
                f'add "Imports": {{"{template}": "<path or URL>"}}',
            )
        elif template not in imports:
            hint = did_you_mean(template, imports) or ': add it to "Imports"'
            check.report.error(
                "UNKNOWN_TEMPLATE",
                check.at("Template"),
                f"{check.title} uses the template '{template}', which is not in 'Imports'{hint}",
            )
    if check.has("Parameters"):
        check.expect_object("Parameters")
    for name in ("EntryPoint", "ExitPoint"):
        if check.has(name):
            check.expect_str(name)
    if check.has("Override"):
        check.expect_object("Override")


def check_workflow(check: StateCheck) -> None:
    if not check.has("WorkflowId"):
        check.report.error(
            "MISSING_FIELD",
            check.pointer,
            f"{check.title} has no 'WorkflowId': add \"WorkflowId\" naming the workflow to run",
            key=True,
        )
    else:
        check.expect_str("WorkflowId")
    if not check.jsonata:
        check.template("Input")
    check.exclusive("Input", "Arguments" if check.jsonata else "Parameters")
    timeout = check.state.get("Timeout")
    if check.has("Timeout") and not (
        _positive_duration(timeout) or (is_number(timeout) and timeout > 0)
    ):
        check.report.error(
            "INVALID_VALUE",
            check.at("Timeout"),
            f"{check.label('Timeout')} must be a duration such as \"30s\", \"5m\", \"2h\" "
            f"or \"1d\", or a number of seconds, got {describe(timeout)}",
        )


def _positive_duration(value: object) -> bool:
    match = _DURATION.match(value) if isinstance(value, str) else None
    return match is not None and float(match.group(1)) > 0


def _string_list(check: StateCheck, name: str, what: str) -> bool:
    """An array of non-empty strings; each bad item is reported where it is."""
    value = check.state[name]
    if not isinstance(value, list):
        check.report.error(
            "INVALID_TYPE",
            check.at(name),
            f"{check.label(name)} must be an array of {what}, got {describe(value)}",
        )
        return False
    good = True
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item:
            check.report.error(
                "INVALID_TYPE" if not isinstance(item, str) else "INVALID_VALUE",
                check.at(name, index),
                f"{check.label(name)} must hold non-empty strings, got {describe(item)}",
            )
            good = False
    return good
