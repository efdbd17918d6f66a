"""Checks of the streaming, progress, events and feedback blocks of a state (ASL chapters 6, 9).

``Streaming``, ``Progress``, ``Events`` and ``Feedback`` are checked with their
state: types, allowed values, and what depends on the state (a Parallel's
``Weights`` match its branches, Streaming and Feedback belong to a Task,
callbacks name registered agents). The references to the workflow's channels
are checked with the workflow (:mod:`.workflow_events`). An unknown member is a
warning, as elsewhere in a block.
"""

from __future__ import annotations

from typing import Any

from asl.language.errors import PathError
from asl.language.paths import compile_path

from .block_check import Block, cap
from .report import describe, is_int, is_number
from .states import StateCheck

STREAMING_MODES = ("token", "line", "sentence", "chunk")
STATE_EVENTS = ("OnEnter", "OnExit", "OnError")
FEEDBACK_TYPES = ("rating", "thumbs", "choice", "text", "structured")
FIELD_TYPES = ("rating", "thumbs", "choice", "text")
AGGREGATIONS = ("average", "minimum", "weighted")


def check_event_blocks(check: StateCheck) -> None:
    """Streaming, Progress, Events and Feedback of one state (already known to be objects)."""
    state = check.state
    if isinstance(state.get("Streaming"), dict):
        _only_task(check, "Streaming", "only a Task's agent streams output")
        _check_streaming(
            check,
            Block(check.report, state["Streaming"], check.at("Streaming"), _of(check, "Streaming")),
        )
    if isinstance(state.get("Progress"), dict):
        _check_progress(
            check,
            Block(check.report, state["Progress"], check.at("Progress"), _of(check, "Progress")),
        )
    if isinstance(state.get("Events"), dict):
        _check_state_events(
            Block(check.report, state["Events"], check.at("Events"), _of(check, "Events"))
        )
    if isinstance(state.get("Feedback"), dict):
        _only_task(check, "Feedback", "feedback rates an agent's result")
        _check_feedback(
            Block(check.report, state["Feedback"], check.at("Feedback"), _of(check, "Feedback"))
        )


def _of(check: StateCheck, name: str) -> str:
    return f"the {name} of state '{check.name}'"


def _only_task(check: StateCheck, name: str, why: str) -> None:
    if check.type != "Task":
        check.report.error(
            "UNSUPPORTED_FIELD",
            check.at(name),
            f"'{name}' is not a field of a {check.type} state ({why}): move it to a Task",
            key=True,
        )


def _check_streaming(check: StateCheck, block: Block) -> None:
    # ProgressPath and Milestones: SPECIFICATION.md §11.1's progress inside Streaming.
    block.unknown(
        ("Enabled", "Mode", "ChunkSize", "Callbacks", "Buffer", "ProgressPath", "Milestones")
    )
    block.path("ProgressPath", reference=True)
    _check_milestones(block)
    block.boolean("Enabled")
    block.choice("Mode", STREAMING_MODES)
    block.integer("ChunkSize", 1)
    for buffer in block.objects("Buffer"):
        buffer.unknown(("Size", "FlushInterval", "FlushOnNewline"))
        buffer.integer("Size", 1)
        buffer.duration("FlushInterval")
        buffer.boolean("FlushOnNewline")
    for callbacks in block.objects("Callbacks"):
        callbacks.unknown(("OnChunk", "OnComplete", "OnError"))
        for key in ("OnChunk", "OnComplete", "OnError"):
            if callbacks.string(key):
                check.check_agent(callbacks.value[key], callbacks.at(key))


def _check_progress(check: StateCheck, block: Block) -> None:
    own: tuple[str, ...] = ("Enabled", "Path")
    if check.type == "Map":
        own += ("PerItem", "AggregateBy")
        block.boolean("PerItem")
        block.choice("AggregateBy", ("completed", "processed"))
    elif check.type == "Parallel":
        own += ("Aggregation", "PerBranch", "Weights")
        _check_parallel_progress(check, block)
    else:
        own += ("Milestones", "Emit", "HeartbeatOnUpdate")
        _check_milestones(block)
        block.string("Emit")
        block.boolean("HeartbeatOnUpdate")
        if block.value.get("HeartbeatOnUpdate") is True and "HeartbeatSeconds" not in check.state:
            check.report.warning(
                "NO_EFFECT",
                block.at("HeartbeatOnUpdate"),
                f"{block.name('HeartbeatOnUpdate')} has no effect without HeartbeatSeconds "
                "on the state",
            )
    block.unknown(own)
    block.boolean("Enabled")
    block.path("Path", reference=True)


def _check_milestones(block: Block) -> None:
    if "Milestones" not in block.value:
        return
    milestones = block.value["Milestones"]
    if not isinstance(milestones, list):
        block.error("Milestones", "INVALID_TYPE", "an array of {At, Name, Emit} objects")
        return
    for index, raw in enumerate(milestones):
        pointer = block.at("Milestones", index)
        label = f"milestone {index} of {block.label}"
        if not isinstance(raw, dict):
            block.report.error(
                "INVALID_TYPE", pointer, f"{cap(label)} must be an object, got {describe(raw)}"
            )
            continue
        milestone = Block(block.report, raw, pointer, label)
        milestone.unknown(("At", "Name", "Emit"))
        if "At" not in raw:
            block.report.error(
                "MISSING_FIELD",
                pointer,
                f"{cap(label)} has no 'At': add the percentage (0-100) that reaches it",
                key=True,
            )
        milestone.number("At", 0, 100)
        milestone.string("Name")
        milestone.string("Emit")


def _check_parallel_progress(check: StateCheck, block: Block) -> None:
    block.choice("Aggregation", AGGREGATIONS)
    block.boolean("PerBranch")
    branches = check.state.get("Branches")
    weights = block.value.get("Weights")
    if "Weights" in block.value:
        if not isinstance(weights, list) or not all(is_number(w) and w >= 0 for w in weights):
            block.error("Weights", "INVALID_TYPE", "an array of numbers ≥ 0, one per branch")
        elif isinstance(branches, list) and len(weights) != len(branches):
            block.report.error(
                "INVALID_VALUE",
                block.at("Weights"),
                f"{block.name('Weights')} has {len(weights)} weights for {len(branches)} "
                "branches: give one per branch",
            )
    if block.value.get("Aggregation") == "weighted" and "Weights" not in block.value:
        block.report.error(
            "MISSING_FIELD",
            block.pointer,
            f"{cap(block.label)} aggregates \"weighted\" but has no 'Weights': "
            "add one number per branch",
            key=True,
        )


def _check_state_events(block: Block) -> None:
    block.unknown(STATE_EVENTS)
    for name in STATE_EVENTS:
        for entry in block.objects(name):
            entry.unknown(("Type", "Include", "Channel"))
            entry.string("Type")
            entry.string("Channel")
            for index, path in enumerate(entry.strings("Include") or []):
                _path(entry, path, entry.at("Include", index), f"Include {index} of {entry.label}")


def _path(block: Block, text: str, pointer: str, label: str) -> None:
    try:
        compile_path(text)
    except PathError as error:
        block.report.error(
            "INVALID_PATH", pointer, f"{cap(label)} is not a valid path: {error.reason}"
        )


def _check_feedback(block: Block) -> None:
    block.unknown(
        (
            "Collect",
            "Source",
            "Type",
            "Scale",
            "Labels",
            "Optional",
            "Question",
            "Fields",
            "Store",
            "ResultPath",
        )
    )
    block.boolean("Collect")
    for key in ("Source", "Question", "Store"):
        block.string(key)
    block.strings("Optional")
    block.path("ResultPath", reference=True)
    kind = block.value.get("Type", "rating")
    if not block.choice("Type", FEEDBACK_TYPES) and "Type" in block.value:
        return
    _check_answer_shape(block, kind)
    if kind == "structured":
        _check_fields(block)
    elif "Fields" in block.value:
        block.report.error(
            "UNSUPPORTED_FIELD",
            block.at("Fields"),
            f'{block.name("Fields")} belongs to "Type": "structured" feedback: '
            "remove it or change the Type",
            key=True,
        )


def _check_answer_shape(block: Block, kind: Any) -> None:
    """Scale and Labels of a rating or a choice (a feedback block or one of its Fields)."""
    low, high = 1, 5
    if "Scale" in block.value:
        scale = block.value["Scale"]
        if kind != "rating":
            block.report.error(
                "UNSUPPORTED_FIELD",
                block.at("Scale"),
                f"{block.name('Scale')} belongs to a rating: remove it",
                key=True,
            )
        elif (
            isinstance(scale, list)
            and len(scale) == 2
            and all(is_int(v) for v in scale)
            and scale[0] < scale[1]
        ):
            low, high = scale
        else:
            block.error("Scale", "INVALID_VALUE", "[lowest, highest], two integers, lowest first")
            return
    labels = block.strings("Labels", non_empty=True)
    if kind == "choice" and "Labels" not in block.value:
        block.report.error(
            "MISSING_FIELD",
            block.pointer,
            f"{cap(block.label)} is a choice with no 'Labels': list the choices",
            key=True,
        )
    if kind == "rating" and labels is not None and len(labels) != high - low + 1:
        block.report.error(
            "INVALID_VALUE",
            block.at("Labels"),
            f"{block.name('Labels')} has {len(labels)} labels for the scale {low} to {high}: "
            "give one per point",
        )
    if kind in ("thumbs", "text") and "Labels" in block.value:
        block.report.error(
            "UNSUPPORTED_FIELD",
            block.at("Labels"),
            f"{block.name('Labels')} belongs to a rating or a choice: remove it",
            key=True,
        )


def _check_fields(block: Block) -> None:
    fields = block.value.get("Fields")
    if not isinstance(fields, list) or not fields:
        if "Fields" not in block.value:
            block.report.error(
                "MISSING_FIELD",
                block.pointer,
                f"{cap(block.label)} is structured with no 'Fields': list them",
                key=True,
            )
        else:
            block.error("Fields", "INVALID_TYPE", "a non-empty array of {Name, Type} objects")
        return
    seen: set[str] = set()
    for index, raw in enumerate(fields):
        pointer = block.at("Fields", index)
        label = f"field {index} of {block.label}"
        if not isinstance(raw, dict):
            block.report.error(
                "INVALID_TYPE", pointer, f"{cap(label)} must be an object, got {describe(raw)}"
            )
            continue
        field = Block(block.report, raw, pointer, label)
        field.unknown(("Name", "Type", "Scale", "Labels", "Label", "Optional"))
        if "Name" not in raw:
            block.report.error("MISSING_FIELD", pointer, f"{cap(label)} has no 'Name'", key=True)
        elif field.string("Name"):
            if raw["Name"] in seen:
                block.report.error(
                    "INVALID_VALUE",
                    field.at("Name"),
                    f"{cap(label)} repeats the name '{raw['Name']}'",
                )
            seen.add(raw["Name"])
        field.string("Label")
        field.boolean("Optional")
        kind = raw.get("Type", "rating")
        if field.choice("Type", FIELD_TYPES) or "Type" not in raw:
            _check_answer_shape(field, kind)
