"""The checks particular to each state type, one function per type.

Every function receives a :class:`StateCheck` whose generic part (fields, common
fields, transitions, Retry/Catch) already ran; it checks the type's own fields and
records the targets and sub-machines the machine walk follows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, Final

from asl.language.choice import compile_rule
from asl.language.errors import ValidationError

from .expressions import check_path, check_template
from .fields import ITEM_BATCHER_FIELDS, PROCESSOR_FIELDS, SUB_MACHINE_FIELDS
from .locate import join
from .report import describe, did_you_mean, is_int, unknown_hint
from .states import StateCheck, SubMachine, expect_int, is_jsonata

# RFC 3339 with AWS's restrictions: an uppercase T, and Z or a numeric offset.
_TIMESTAMP: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})\Z"
)
_ON_TIMEOUT: Final = ("AutoReject", "AutoApprove", "Escalate", "Fail")


def check_task(check: StateCheck) -> None:
    has_agent, has_resource = check.has("Agent"), check.has("Resource")
    if not has_agent and not has_resource:
        check.report.error(
            "MISSING_FIELD",
            check.pointer,
            f"{check.title} has neither 'Agent' nor "
            f"'Resource': add \"Agent\" with the name of a registered agent",
            key=True,
        )
    check.exclusive("Agent", "Resource")
    for name in ("Agent", "Resource"):
        if check.has(name) and check.expect_str(name):
            _check_agent_name(check, check.state[name], check.at(name))
            break
    for name in ("TimeoutSeconds", "HeartbeatSeconds"):
        if check.has(name):
            check.expect_int(name, 1, expression_ok=True)
        check.path(f"{name}Path", "reference path")
        check.exclusive(name, f"{name}Path")
    timeout, heartbeat = check.state.get("TimeoutSeconds"), check.state.get("HeartbeatSeconds")
    if is_int(timeout) and is_int(heartbeat) and 0 < timeout <= heartbeat:
        check.report.error(
            "INVALID_VALUE",
            check.at("HeartbeatSeconds"),
            f"{check.label('HeartbeatSeconds')} "
            f"({heartbeat}) must be smaller than its 'TimeoutSeconds' ({timeout}): a heartbeat "
            f"interval longer than the whole task can never fire",
        )
    if check.has("Credentials"):
        check.expect_object("Credentials")


def check_pass(check: StateCheck) -> None:
    result = check.state.get("Result")
    if isinstance(result, dict):
        dynamic = [str(k) for k in result if str(k).endswith(".$")]
        if dynamic:
            check.report.warning(
                "PASS_RESULT_IS_STATIC",
                check.at("Result", dynamic[0]),
                f"'Result' of Pass "
                f"state '{check.name}' is used as written, so '{dynamic[0]}' is not evaluated: "
                f"move it to 'Parameters' to evaluate it",
                key=True,
            )


def check_choice(check: StateCheck) -> None:
    _check_choices(check, required=True)
    _check_default(check)


def check_wait(check: StateCheck) -> None:
    names = ("Seconds", "SecondsPath", "Timestamp", "TimestampPath")
    present = [n for n in names if check.has(n)]
    if not present:
        check.report.error(
            "MISSING_FIELD",
            check.pointer,
            f"{check.title} says neither how long nor until "
            f"when to wait: add one of Seconds, SecondsPath, Timestamp or TimestampPath",
            key=True,
        )
    elif len(present) > 1:
        check.report.error(
            "CONFLICTING_FIELDS",
            check.at(present[1]),
            f"{check.title} has both "
            f"'{present[0]}' and '{present[1]}': a Wait state takes exactly one of Seconds, "
            f"SecondsPath, Timestamp and TimestampPath",
            key=True,
        )
    if check.has("Seconds"):
        check.expect_int("Seconds", 0, expression_ok=True)
    if check.has("Timestamp"):
        value = check.state["Timestamp"]
        if not (check.jsonata and is_jsonata(value)) and not _is_timestamp(value):
            check.report.error(
                "INVALID_VALUE" if isinstance(value, str) else "INVALID_TYPE",
                check.at("Timestamp"),
                f"{check.label('Timestamp')} must be an RFC 3339 "
                f"timestamp with an uppercase T and a Z or numeric offset, such as "
                f'"2026-03-14T01:59:00Z", got {describe(value)}',
            )
    check.path("SecondsPath", "reference path")
    check.path("TimestampPath", "reference path")


def check_succeed(check: StateCheck) -> None:
    """A Succeed state has nothing beyond the common fields."""


def check_fail(check: StateCheck) -> None:
    for name in ("Error", "Cause"):
        if check.has(name):
            check.expect_str(name, non_empty=False)
        check.path(f"{name}Path", "path or intrinsic")
        check.exclusive(name, f"{name}Path")
        check.exclusive(f"{name}Path", f"{name}.$")


def check_parallel(check: StateCheck) -> None:
    branches = check.state.get("Branches")
    if not check.has("Branches"):
        check.report.error(
            "MISSING_FIELD",
            check.pointer,
            f"{check.title} has no 'Branches': add a non-empty "
            f'"Branches" array of {{"StartAt": ..., "States": {{...}}}} objects',
            key=True,
        )
    elif not isinstance(branches, list) or not branches:
        check.report.error(
            "INVALID_TYPE" if not isinstance(branches, list) else "INVALID_VALUE",
            check.at("Branches"),
            f"{check.label('Branches')} must be a non-empty array of "
            f'{{"StartAt", "States"}} objects, got {describe(branches)}',
        )
    else:
        for index, branch in enumerate(branches):
            check.facts.sub_machines.append(
                SubMachine(
                    branch,
                    check.at("Branches", index),
                    f"Branch {index} of Parallel state '{check.name}'",
                    SUB_MACHINE_FIELDS,
                )
            )


def check_map(check: StateCheck) -> None:
    if not check.has("ItemProcessor") and not check.has("Iterator"):
        check.report.error(
            "MISSING_FIELD",
            check.pointer,
            f"{check.title} has neither 'ItemProcessor' nor "
            f'\'Iterator\': add "ItemProcessor": {{"StartAt": ..., "States": {{...}}}} to '
            f"say what runs for each item",
            key=True,
        )
    check.exclusive("ItemProcessor", "Iterator")
    for name in ("ItemProcessor", "Iterator"):
        if check.has(name):
            check.facts.sub_machines.append(
                SubMachine(
                    check.state[name],
                    check.at(name),
                    f"The {name} of Map state '{check.name}'",
                    PROCESSOR_FIELDS,
                )
            )
            _check_processor_config(check, check.state[name], check.at(name))
    check.exclusive("ItemSelector", "Parameters")
    if not check.jsonata:
        check.template("ItemSelector")
        check.path("ItemsPath", "reference path")
    elif check.has("ItemSelector") and not is_jsonata(check.state["ItemSelector"]):
        check.expect_object("ItemSelector")
    items = check.state.get("Items")
    if check.has("Items") and not (isinstance(items, list) or is_jsonata(items)):
        check.report.error(
            "INVALID_TYPE",
            check.at("Items"),
            f"{check.label('Items')} must be "
            f'an array or a JSONata expression "{{% ... %}}", got '
            f"{describe(items)}",
        )
    limits = (("MaxConcurrency", 0), ("ToleratedFailureCount", 0))
    for name, minimum in limits:
        if check.has(name):
            check.expect_int(name, minimum, expression_ok=True)
    if check.has("ToleratedFailurePercentage") and not (
        check.jsonata and is_jsonata(check.state["ToleratedFailurePercentage"])
    ):
        check.expect_number("ToleratedFailurePercentage", 0, 100)
    for name in ("MaxConcurrency", "ToleratedFailurePercentage", "ToleratedFailureCount"):
        check.path(f"{name}Path", "reference path")
        check.exclusive(name, f"{name}Path")
    if check.has("Label"):
        check.expect_str("Label")
    _check_item_reader(check)
    _check_item_batcher(check)
    if check.has("ResultWriter"):
        check.expect_object("ResultWriter")


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
    _check_choices(check, required=False)
    _check_default(check)


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
                _check_agent_name(check, agent, check.at("Agents", index))
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
    consensus = check.state.get("Consensus")
    if isinstance(consensus, dict) and "Arbiter" in consensus:
        arbiter = consensus["Arbiter"]
        if isinstance(arbiter, str) and arbiter:
            _check_agent_name(check, arbiter, check.at("Consensus", "Arbiter"))
        else:
            check.report.error(
                "INVALID_TYPE",
                check.at("Consensus", "Arbiter"),
                f"'Arbiter' of state '{check.name}' must be an agent name, got {describe(arbiter)}",
            )


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
    if check.has("Timeout"):
        check.expect_str("Timeout")


TYPE_CHECKS: Final[dict[str, Callable[[StateCheck], None]]] = {
    "Task": check_task,
    "Pass": check_pass,
    "Choice": check_choice,
    "Wait": check_wait,
    "Succeed": check_succeed,
    "Fail": check_fail,
    "Parallel": check_parallel,
    "Map": check_map,
    "Approval": check_approval,
    "Debate": check_debate,
    "Checkpoint": check_checkpoint,
    "Include": check_include,
    "Workflow": check_workflow,
}


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


def _check_agent_name(check: StateCheck, agent: str, pointer: str) -> None:
    agents = check.ctx.agents
    if agents is None or agent in agents:
        return
    hint = did_you_mean(agent, agents) or ": register it or fix the name"
    check.report.error(
        "UNKNOWN_AGENT",
        pointer,
        f"State '{check.name}' names the agent '{agent}', which is not registered{hint}",
    )


def _check_choices(check: StateCheck, *, required: bool) -> None:
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


def _check_default(check: StateCheck) -> None:
    if check.has("Default") and check.expect_str("Default"):
        check.target(check.state["Default"], check.at("Default"), check.label("Default"))


def _check_processor_config(check: StateCheck, processor: Any, pointer: str) -> None:
    if not isinstance(processor, dict) or "ProcessorConfig" not in processor:
        return
    config = processor["ProcessorConfig"]
    at = join(pointer, "ProcessorConfig")
    label = f"'ProcessorConfig' of Map state '{check.name}'"
    if not isinstance(config, dict):
        check.report.error("INVALID_TYPE", at, f"{label} must be an object, got {describe(config)}")
        return
    choices = {"Mode": ("INLINE", "DISTRIBUTED"), "ExecutionType": ("STANDARD", "EXPRESS")}
    for key in config:
        if key not in choices:
            check.report.warning(
                "UNKNOWN_FIELD",
                join(at, str(key)),
                f"{label} has the unknown field '{key}'{unknown_hint(str(key), choices)}",
                key=True,
            )
    for key, allowed in choices.items():
        value = config.get(key, allowed[0])
        if value not in allowed:
            hint = did_you_mean(value, allowed) if isinstance(value, str) else ""
            check.report.error(
                "INVALID_VALUE",
                join(at, key),
                f"'{key}' of {label} must be "
                f'"{allowed[0]}" or "{allowed[1]}", got {describe(value)}'
                f"{hint}",
            )
    if config.get("Mode") == "DISTRIBUTED" and "ExecutionType" not in config:
        check.report.error(
            "MISSING_FIELD",
            at,
            f"{label} sets Mode DISTRIBUTED but has no "
            f'\'ExecutionType\': add "ExecutionType": "STANDARD" or '
            f'"EXPRESS"',
            key=True,
        )


def _check_item_reader(check: StateCheck) -> None:
    if not check.has("ItemReader") or not check.expect_object("ItemReader"):
        return
    reader = check.state["ItemReader"]
    if "Resource" not in reader:
        check.report.error(
            "MISSING_FIELD",
            check.at("ItemReader"),
            f"The ItemReader of Map state '{check.name}' has no 'Resource': add \"Resource\" "
            f'naming what reads the items, e.g. "arn:aws:states:::s3:getObject"',
            key=True,
        )
    elif not isinstance(reader["Resource"], str) or not reader["Resource"]:
        check.report.error(
            "INVALID_TYPE",
            check.at("ItemReader", "Resource"),
            f"'Resource' of the ItemReader of Map state '{check.name}' must be a non-empty "
            f"string, got {describe(reader['Resource'])}",
        )


def _check_item_batcher(check: StateCheck) -> None:
    if not check.has("ItemBatcher") or not check.expect_object("ItemBatcher"):
        return
    batcher = check.state["ItemBatcher"]
    label = f"the ItemBatcher of Map state '{check.name}'"
    for key in batcher:
        if key not in ITEM_BATCHER_FIELDS:
            check.report.warning(
                "UNKNOWN_FIELD",
                check.at("ItemBatcher", str(key)),
                f"The ItemBatcher of Map state '{check.name}' has the unknown "
                f"field '{key}'{unknown_hint(str(key), ITEM_BATCHER_FIELDS)}",
                key=True,
            )
    for name in ("MaxItemsPerBatch", "MaxInputBytesPerBatch"):
        if name in batcher:
            expect_int(
                check.report,
                batcher[name],
                check.at("ItemBatcher", name),
                f"'{name}' of {label}",
                1,
            )
        if f"{name}Path" in batcher:
            check_path(
                check.report,
                batcher[f"{name}Path"],
                check.at("ItemBatcher", f"{name}Path"),
                f"'{name}Path' of {label}",
                "reference path",
            )
    if "BatchInput" in batcher and not isinstance(batcher["BatchInput"], dict):
        check.report.error(
            "INVALID_TYPE",
            check.at("ItemBatcher", "BatchInput"),
            f"'BatchInput' of {label} must be an object, got {describe(batcher['BatchInput'])}",
        )


def _is_timestamp(value: Any) -> bool:
    if not isinstance(value, str) or not _TIMESTAMP.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True
