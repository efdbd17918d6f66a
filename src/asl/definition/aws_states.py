"""The checks particular to each AWS state type, one function per type.

Every function receives a :class:`StateCheck` whose generic part (fields, common
fields, transitions, Retry/Catch) already ran; it checks the type's own fields and
records the sub-machines the machine walk follows.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Final

from .choices import check_choices, check_default
from .expressions import check_path, check_template
from .fields import (
    ITEM_BATCHER_FIELDS,
    NESTED_JSONATA_ONLY,
    NESTED_JSONPATH_ONLY,
    PROCESSOR_FIELDS,
    SUB_MACHINE_FIELDS,
)
from .languages import report_language_field
from .locate import join
from .report import describe, did_you_mean, expect_int, is_int, is_jsonata, unknown_hint
from .states import StateCheck, SubMachine
from .tools_block import check_tools_block

# RFC 3339 with AWS's restrictions: an uppercase T, and Z or a numeric offset.
_TIMESTAMP: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})\Z"
)


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
            check.check_agent(check.state[name], check.at(name))
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
    if isinstance(check.state.get("Tools"), dict):  # a non-object is reported as a block
        label = f"The Tools of state '{check.name}'"
        check_tools_block(check.report, check.state["Tools"], check.at("Tools"), label)


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
    check_choices(check, required=True)
    check_default(check)


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
                    _is_distributed(check.state[name]),
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
    if check.has("ResultWriter") and check.expect_object("ResultWriter"):
        writer = check.state["ResultWriter"]
        _check_nested_language(check, "ResultWriter", writer, check.at("ResultWriter"))


def _is_distributed(processor: Any) -> bool:
    config = processor.get("ProcessorConfig") if isinstance(processor, dict) else None
    return isinstance(config, dict) and config.get("Mode") == "DISTRIBUTED"


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


def _check_nested_language(check: StateCheck, name: str, value: dict[str, Any], at: str) -> None:
    """ItemReader, ReaderConfig, ItemBatcher, ResultWriter: fields of one query language."""
    other = NESTED_JSONPATH_ONLY if check.jsonata else NESTED_JSONATA_ONLY
    for key in sorted(other.get(name, frozenset()) & value.keys()):
        report_language_field(check, key, join(at, key), f"the {name}")


def _check_item_reader(check: StateCheck) -> None:
    if not check.has("ItemReader") or not check.expect_object("ItemReader"):
        return
    reader = check.state["ItemReader"]
    _check_nested_language(check, "ItemReader", reader, check.at("ItemReader"))
    config = reader.get("ReaderConfig")
    if isinstance(config, dict):
        at = check.at("ItemReader", "ReaderConfig")
        _check_nested_language(check, "ReaderConfig", config, at)
        if not check.jsonata and "MaxItemsPath" in config:
            check_path(
                check.report,
                config["MaxItemsPath"],
                join(at, "MaxItemsPath"),
                f"'MaxItemsPath' of the ItemReader of state '{check.name}'",
                "reference path",
                reads=check.reads,
            )
    if not check.jsonata and isinstance(reader.get("Parameters"), dict):
        check_template(
            check.report,
            reader["Parameters"],
            check.at("ItemReader", "Parameters"),
            f"the ItemReader Parameters of state '{check.name}'",
            check.reads,
        )
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
    _check_nested_language(check, "ItemBatcher", batcher, check.at("ItemBatcher"))
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
        if name in batcher and not (check.jsonata and is_jsonata(batcher[name])):
            expect_int(
                check.report,
                batcher[name],
                check.at("ItemBatcher", name),
                f"'{name}' of {label}",
                1,
            )
        if f"{name}Path" in batcher and not check.jsonata:
            check_path(
                check.report,
                batcher[f"{name}Path"],
                check.at("ItemBatcher", f"{name}Path"),
                f"'{name}Path' of {label}",
                "reference path",
                reads=check.reads,
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
