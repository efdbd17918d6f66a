"""Checks of the workflow's ``Events`` (channels and routes) and ``Progress`` (weights).

Also the references that cross from states to the workflow: a state's ``Events``
entry naming a channel, nested states included. A route or entry naming an
undefined channel is ``UNKNOWN_CHANNEL``; a weight naming no top-level state is
``UNKNOWN_STATE``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .block_check import Block, cap
from .event_blocks import STATE_EVENTS
from .locate import join
from .report import Report, describe, did_you_mean, is_number

CHANNEL_TYPES = ("stdout", "log", "webhook", "metrics", "prometheus")
ROUTES = ("OnStateChange", "OnProgress", "OnComplete", "OnError", "OnChunk")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
FORMATS = ("json", "text")


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
            f"{cap(label)} names the channel '{name}', which the workflow's Events.Channels "
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
                    f"{cap(weights.label)} weighs '{name}', which is not a top-level state"
                    f"{did_you_mean(name, top)}",
                    key=True,
                )
        total = sum(w for w in weights.value.values() if is_number(w) and w >= 0)
        if weights.value and total == 0:
            report.error(
                "INVALID_VALUE",
                weights.pointer,
                f"{cap(weights.label)} must give some state a weight above 0",
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
