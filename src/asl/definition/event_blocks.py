"""Checks of the streaming, progress, events and feedback blocks (ASL spec chapters 6 and 9).

State blocks (``Streaming``, ``Progress``, ``Events``, ``Feedback``) are checked
with their state; the workflow's ``Events`` (channels and routes) and
``Progress`` (weights) with the document, together with the references that
cross from one to the other: a route or a state's event naming a channel,
a weight naming a top-level state, a Parallel's ``Weights`` matching its
branches. An unknown member is a warning, as elsewhere in a block.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from asl.language.errors import PathError
from asl.language.paths import compile_path, compile_reference_path

from .locate import join
from .report import Report, describe, did_you_mean, is_int, is_number, unknown_hint
from .states import StateCheck

_DURATION = re.compile(r"^\s*\d+(?:\.\d+)?\s*(?:ms|s|m|h|d|w)?\s*$")
STREAMING_MODES = ("token", "line", "sentence", "chunk")
CHANNEL_TYPES = ("stdout", "log", "webhook", "metrics", "prometheus")
ROUTES = ("OnStateChange", "OnProgress", "OnComplete", "OnError", "OnChunk")
STATE_EVENTS = ("OnEnter", "OnExit", "OnError")
FEEDBACK_TYPES = ("rating", "thumbs", "choice", "text", "structured")
FIELD_TYPES = ("rating", "thumbs", "choice", "text")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
FORMATS = ("json", "text")
AGGREGATIONS = ("average", "minimum", "weighted")


class Block:
    """One object of a document under check, with the value checks its members need."""

    def __init__(self, report: Report, value: dict[str, Any], pointer: str, label: str) -> None:
        self.report = report
        self.value = value
        self.pointer = pointer
        self.label = label

    def at(self, *segments: str | int) -> str:
        return join(self.pointer, *segments)

    def name(self, key: str) -> str:
        return f"'{key}' of {self.label}"

    def error(self, key: str, code: str, wanted: str) -> None:
        value = self.value[key]
        self.report.error(
            code, self.at(key), f"{self.name(key)} must be {wanted}, got {describe(value)}"
        )

    def unknown(self, known: tuple[str, ...]) -> None:
        for key in self.value:
            if key not in known:
                self.report.warning(
                    "UNKNOWN_FIELD",
                    self.at(key),
                    f"{_cap(self.label)} has the unknown field '{key}'{unknown_hint(key, known)}",
                    key=True,
                )

    def string(self, key: str) -> bool:
        if key not in self.value:
            return False
        if isinstance(self.value[key], str) and self.value[key]:
            return True
        self.error(key, "INVALID_TYPE", "a non-empty string")
        return False

    def boolean(self, key: str) -> None:
        if key in self.value and not isinstance(self.value[key], bool):
            self.error(key, "INVALID_TYPE", "true or false")

    def integer(self, key: str, minimum: int) -> bool:
        if key not in self.value:
            return False
        value = self.value[key]
        if is_int(value) and value >= minimum:
            return True
        self.error(
            key, "INVALID_VALUE" if is_int(value) else "INVALID_TYPE", f"an integer ≥ {minimum}"
        )
        return False

    def number(self, key: str, low: float, high: float | None = None) -> bool:
        if key not in self.value:
            return False
        value = self.value[key]
        if is_number(value) and low <= value and (high is None or value <= high):
            return True
        span = f"a number from {low:g} to {high:g}" if high is not None else f"a number ≥ {low:g}"
        self.error(key, "INVALID_VALUE" if is_number(value) else "INVALID_TYPE", span)
        return False

    def choice(self, key: str, choices: tuple[str, ...]) -> bool:
        if key not in self.value:
            return False
        value = self.value[key]
        if value in choices:
            return True
        hint = did_you_mean(value, choices) if isinstance(value, str) else ""
        self.report.error(
            "INVALID_VALUE" if isinstance(value, str) else "INVALID_TYPE",
            self.at(key),
            f"{self.name(key)} must be one of {', '.join(choices)}, got {describe(value)}{hint}",
        )
        return False

    def strings(self, key: str, *, non_empty: bool = False) -> list[str] | None:
        if key not in self.value:
            return None
        value = self.value[key]
        if (
            isinstance(value, list)
            and all(isinstance(item, str) and item for item in value)
            and (value or not non_empty)
        ):
            return value
        wanted = "a non-empty array of strings" if non_empty else "an array of strings"
        self.error(key, "INVALID_TYPE", wanted)
        return None

    def objects(self, key: str) -> Iterator[Block]:
        """The member as an object (or each object of an array), reported if it is not one."""
        value = self.value.get(key)
        if key not in self.value:
            return
        if isinstance(value, dict):
            yield Block(self.report, value, self.at(key), f"'{key}' of {self.label}")
            return
        self.error(key, "INVALID_TYPE", "an object")

    def path(self, key: str, reference: bool) -> None:
        if key not in self.value:
            return
        value = self.value[key]
        if not isinstance(value, str):
            self.error(key, "INVALID_TYPE", 'a path such as "$.field"')
            return
        try:
            compile_reference_path(value, allow_variable=False) if reference else compile_path(
                value
            )
        except PathError as error:
            self.report.error(
                "INVALID_PATH",
                self.at(key),
                f"{self.name(key)} is not a valid {'reference ' if reference else ''}path: "
                f"{error.reason}",
            )

    def duration(self, key: str) -> None:
        value = self.value.get(key)
        if key not in self.value:
            return
        if isinstance(value, bool) or not (
            (is_number(value) and value >= 0) or (isinstance(value, str) and _DURATION.match(value))
        ):
            self.error(
                key, "INVALID_VALUE", 'a duration such as "100ms", "5s" or a number of seconds'
            )


def _cap(text: str) -> str:
    """A label that starts a message starts with a capital."""
    return text[:1].upper() + text[1:]


# --- state blocks ------------------------------------------------------------------------


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
                "INVALID_TYPE", pointer, f"{_cap(label)} must be an object, got {describe(raw)}"
            )
            continue
        milestone = Block(block.report, raw, pointer, label)
        milestone.unknown(("At", "Name", "Emit"))
        if "At" not in raw:
            block.report.error(
                "MISSING_FIELD",
                pointer,
                f"{_cap(label)} has no 'At': add the percentage (0-100) that reaches it",
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
            f"{_cap(block.label)} aggregates \"weighted\" but has no 'Weights': "
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
            "INVALID_PATH", pointer, f"{_cap(label)} is not a valid path: {error.reason}"
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
            f"{_cap(block.label)} is a choice with no 'Labels': list the choices",
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
                f"{_cap(block.label)} is structured with no 'Fields': list them",
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
                "INVALID_TYPE", pointer, f"{_cap(label)} must be an object, got {describe(raw)}"
            )
            continue
        field = Block(block.report, raw, pointer, label)
        field.unknown(("Name", "Type", "Scale", "Labels", "Label", "Optional"))
        if "Name" not in raw:
            block.report.error("MISSING_FIELD", pointer, f"{_cap(label)} has no 'Name'", key=True)
        elif field.string("Name"):
            if raw["Name"] in seen:
                block.report.error(
                    "INVALID_VALUE",
                    field.at("Name"),
                    f"{_cap(label)} repeats the name '{raw['Name']}'",
                )
            seen.add(raw["Name"])
        field.string("Label")
        field.boolean("Optional")
        kind = raw.get("Type", "rating")
        if field.choice("Type", FIELD_TYPES) or "Type" not in raw:
            _check_answer_shape(field, kind)


# --- the workflow's blocks ---------------------------------------------------------------


def check_workflow_event_blocks(report: Report, data: dict[str, Any]) -> None:
    """The top-level Events and Progress, and every state's references to channels."""
    channels: dict[str, Any] = {}
    events = data.get("Events")
    if isinstance(events, dict):
        block = Block(report, events, "/Events", "the workflow's Events")
        block.unknown(("Channels", *ROUTES))
        for channels_block in block.objects("Channels"):
            channels = channels_block.value
            for name, raw in channels.items():
                _check_channel(report, name, raw, channels_block.at(name))
        for route in ROUTES:
            for entry in block.objects(route):
                entry.unknown(("Channel", "Channels"))
                named = entry.strings("Channels") or []
                if entry.string("Channel"):
                    named = [entry.value["Channel"], *named]
                    at = entry.at("Channel")
                else:
                    at = entry.at("Channels")
                for name in named:
                    _channel_ref(report, name, channels, at, entry.label)
    progress = data.get("Progress")
    if isinstance(progress, dict):
        _check_workflow_progress(report, progress, data.get("States"))
    for pointer, name, state in _states(data, ""):
        state_events: Any = state.get("Events")
        if not isinstance(state_events, dict):
            continue
        for kind in STATE_EVENTS:
            spec = state_events.get(kind)
            if isinstance(spec, dict) and isinstance(spec.get("Channel"), str) and spec["Channel"]:
                at = join(pointer, "Events", kind, "Channel")
                _channel_ref(report, spec["Channel"], channels, at, f"'{kind}' of state '{name}'")


def _check_channel(report: Report, name: str, raw: Any, pointer: str) -> None:
    label = f"channel '{name}'"
    if not isinstance(raw, dict):
        report.error(
            "INVALID_TYPE",
            pointer,
            f"The {label} must be an object with a Type, got {describe(raw)}",
        )
        return
    block = Block(report, raw, pointer, f"the {label}")
    if "Type" not in raw:
        report.error(
            "MISSING_FIELD",
            pointer,
            f"The {label} has no 'Type': add one of {', '.join(CHANNEL_TYPES)}",
            key=True,
        )
        return
    if not block.choice("Type", CHANNEL_TYPES):
        return
    kind = raw["Type"]
    known: tuple[str, ...] = ("Type",)
    if kind in ("stdout", "log"):
        known += ("Format",)
        block.choice("Format", FORMATS)
    if kind == "log":
        known += ("Logger", "Level")
        block.string("Logger")
        block.choice("Level", LOG_LEVELS)
    if kind == "webhook":
        known += ("Url", "Headers", "Retry", "TimeoutSeconds")
        if "Url" not in raw:
            report.error(
                "MISSING_FIELD",
                pointer,
                f"The {label} is a webhook with no 'Url': add the address to POST events to",
                key=True,
            )
        _url(block, "Url")
    if kind in ("metrics", "prometheus"):
        known += ("Endpoint", "Headers", "Retry", "TimeoutSeconds")
        _url(block, "Endpoint")
    if "Headers" in raw:
        headers = raw["Headers"]
        if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
            block.error("Headers", "INVALID_TYPE", "an object of header names to strings")
    block.number("TimeoutSeconds", 0.001)
    for retry in block.objects("Retry"):
        retry.unknown(("MaxAttempts", "IntervalSeconds", "BackoffRate"))
        retry.integer("MaxAttempts", 1)
        retry.number("IntervalSeconds", 0)
        retry.number("BackoffRate", 1)
    block.unknown(known)


def _url(block: Block, key: str) -> None:
    if block.string(key) and not block.value[key].startswith(("http://", "https://")):
        block.error(key, "INVALID_VALUE", "an http:// or https:// URL")


def _channel_ref(
    report: Report, name: str, channels: dict[str, Any], pointer: str, label: str
) -> None:
    if name not in channels:
        known = ", ".join(channels) or "none are defined"
        report.error(
            "UNKNOWN_CHANNEL",
            pointer,
            f"{_cap(label)} names the channel '{name}', which the workflow's Events.Channels "
            f"does not define{did_you_mean(name, channels)} (channels: {known})",
        )


def _check_workflow_progress(report: Report, progress: dict[str, Any], states: Any) -> None:
    block = Block(report, progress, "/Progress", "the workflow's Progress")
    block.unknown(("Enabled", "TotalStates", "WeightedProgress"))
    block.boolean("Enabled")
    block.integer("TotalStates", 1)
    top = states if isinstance(states, dict) else {}
    for weights in block.objects("WeightedProgress"):
        for name, weight in weights.value.items():
            if not (is_number(weight) and weight >= 0):
                weights.error(name, "INVALID_VALUE", "a weight ≥ 0")
            if name not in top:
                report.error(
                    "UNKNOWN_STATE",
                    weights.at(name),
                    f"{_cap(weights.label)} weighs '{name}', which is not a top-level state"
                    f"{did_you_mean(name, top)}",
                    key=True,
                )
        total = sum(w for w in weights.value.values() if is_number(w) and w >= 0)
        if weights.value and total == 0:
            report.error(
                "INVALID_VALUE",
                weights.pointer,
                f"{_cap(weights.label)} must give some state a weight above 0",
            )


def _states(machine: dict[str, Any], pointer: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every state of the document, nested ones included, with its JSON pointer."""
    states = machine.get("States")
    if not isinstance(states, dict):
        return
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        at = join(pointer, "States", name)
        yield at, name, state
        for key in ("ItemProcessor", "Iterator"):
            if isinstance(state.get(key), dict):
                yield from _states(state[key], join(at, key))
        branches = state.get("Branches")
        if isinstance(branches, list):
            for index, branch in enumerate(branches):
                if isinstance(branch, dict):
                    yield from _states(branch, join(at, "Branches", index))
