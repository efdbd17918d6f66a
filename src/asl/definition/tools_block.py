"""Checks of a ``Tools`` block (a Task's, or the workflow's ``DefaultTools``).

The shape is checked here, with pointers, so a mistake shows at validate time
instead of when an agent first calls a tool. ``"Allowed": []`` is valid but
allows no tool (asl-features §4 E-55); it gets a warning, because tutorial 07
reads it the other way round.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from asl.language.units import parse_seconds, parse_size

from .locate import join
from .report import Report, describe, did_you_mean, is_int, unknown_hint

FIELDS: Final = frozenset(
    {
        "Allowed",
        "Denied",
        "AllowedCategories",
        "RateLimits",
        "Sandboxed",
        "Sandbox",
        "Timeout",
        "Parameters",
        "Validation",
        "Domains",
        "Network",
        "FileSystem",
        "Hooks",
        "Audit",
    }
)
_LIMIT_FIELDS: Final = (
    "MaxPerMinute",
    "MaxPerHour",
    "MaxPerDay",
    "MaxConcurrent",
    "BurstLimit",
)
_ON_EXCEED: Final = ("fail", "wait", "queue")
_ENVIRONMENTS: Final = ("process", "docker")
_NOT_OFFERED: Final = ("wasm", "vm")
_SANDBOX_FIELDS: Final = frozenset(
    {"Environment", "Image", "Timeout", "Memory", "CPU", "Network", "Mounts", "ReadOnlyFS"}
)


def check_tools_block(report: Report, block: Any, pointer: str, label: str) -> None:
    """Every problem of one Tools block; ``label`` names it in messages."""
    if not isinstance(block, dict):
        report.error("INVALID_TYPE", pointer, f"{label} must be an object, got {describe(block)}")
        return
    for key in block:
        if key not in FIELDS:
            report.warning(
                "UNKNOWN_FIELD",
                join(pointer, key),
                f"{label} has the unknown field '{key}'{unknown_hint(str(key), FIELDS)}",
                key=True,
            )
    for name in ("Allowed", "Denied", "AllowedCategories"):
        if name in block:
            _strings(report, block[name], join(pointer, name), f"{label}: '{name}'")
    if block.get("Allowed") == [] and not block.get("AllowedCategories"):
        report.warning(
            "EMPTY_ALLOWED",
            join(pointer, "Allowed"),
            f"{label}: 'Allowed' is empty, which allows no tool at all; remove 'Allowed' "
            "to allow every tool that is not Denied, or list the tools",
        )
    for name in ("Sandboxed",):
        if name in block and not isinstance(block[name], bool):
            report.error(
                "INVALID_TYPE",
                join(pointer, name),
                f"{label}: '{name}' must be true or false, got {describe(block[name])}",
            )
    if "Timeout" in block:
        _duration(report, block["Timeout"], join(pointer, "Timeout"), f"{label}: 'Timeout'")
    for name in ("Parameters", "Validation", "Domains", "Network", "FileSystem", "Hooks", "Audit"):
        if name in block and not isinstance(block[name], dict):
            report.error(
                "INVALID_TYPE",
                join(pointer, name),
                f"{label}: '{name}' must be an object, got {describe(block[name])}",
            )
    _rate_limits(report, block.get("RateLimits"), join(pointer, "RateLimits"), label)
    if "Sandbox" in block:
        _sandbox(report, block["Sandbox"], join(pointer, "Sandbox"), f"{label}: Sandbox")
    file_system = block.get("FileSystem")
    if isinstance(file_system, dict):
        at = join(pointer, "FileSystem")
        for name in ("AllowedPaths", "DeniedPaths", "AllowedExtensions"):
            if name in file_system:
                _strings(report, file_system[name], join(at, name), f"FileSystem '{name}'")
        if "MaxFileSize" in file_system and parse_size(file_system["MaxFileSize"]) is None:
            report.error(
                "INVALID_VALUE",
                join(at, "MaxFileSize"),
                f"FileSystem 'MaxFileSize' must be a size such as \"10M\", got "
                f"{describe(file_system['MaxFileSize'])}",
            )
    hooks = block.get("Hooks")
    if isinstance(hooks, dict):
        for when, hook in hooks.items():
            at = join(pointer, "Hooks", when)
            if when not in ("Before", "After"):
                report.warning("UNKNOWN_FIELD", at, f"Hooks has the unknown field '{when}'")
            elif not isinstance(hook, dict) or not isinstance(hook.get("Agent"), str):
                report.error(
                    "INVALID_VALUE",
                    at,
                    f'The {when} hook must be an object with "Agent" (an agent name), got '
                    f"{describe(hook)}",
                )


def _strings(report: Report, value: Any, pointer: str, label: str) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        report.error(
            "INVALID_TYPE", pointer, f"{label} must be an array of strings, got {describe(value)}"
        )


def _duration(report: Report, value: Any, pointer: str, label: str) -> None:
    if parse_seconds(value) is None:
        report.error(
            "INVALID_VALUE",
            pointer,
            f'{label} must be a duration such as "30s" or "5m", got {describe(value)}',
        )


def _rate_limits(report: Report, limits: Any, pointer: str, label: str) -> None:
    if limits is None:
        return
    if not isinstance(limits, dict):
        report.error(
            "INVALID_TYPE",
            pointer,
            f"{label}: 'RateLimits' must be an object, got {describe(limits)}",
        )
        return
    for tool, limit in limits.items():
        at = join(pointer, tool)
        if not isinstance(limit, dict):
            report.error(
                "INVALID_TYPE",
                at,
                f"The rate limit of '{tool}' must be an object, got {describe(limit)}",
            )
            continue
        _one_limit(report, tool, limit, at)


def _one_limit(report: Report, tool: str, limit: Mapping[str, Any], at: str) -> None:
    for key, value in limit.items():
        if key in _LIMIT_FIELDS:
            if not is_int(value) or value < 1:
                report.error(
                    "INVALID_VALUE",
                    join(at, key),
                    f"'{key}' of the rate limit of '{tool}' must be a positive integer, got "
                    f"{describe(value)}",
                )
        elif key == "OnExceed":
            if value not in _ON_EXCEED:
                hint = did_you_mean(value, _ON_EXCEED) if isinstance(value, str) else ""
                report.error(
                    "INVALID_VALUE",
                    join(at, key),
                    f"'OnExceed' of the rate limit of '{tool}' must be \"fail\", \"wait\" or "
                    f'"queue", got {describe(value)}{hint}',
                )
        else:
            report.warning(
                "UNKNOWN_FIELD",
                join(at, key),
                f"The rate limit of '{tool}' has the unknown field '{key}'"
                f"{unknown_hint(str(key), (*_LIMIT_FIELDS, 'OnExceed'))}",
                key=True,
            )


def _sandbox(report: Report, sandbox: Any, pointer: str, label: str) -> None:
    if not isinstance(sandbox, dict):
        report.error("INVALID_TYPE", pointer, f"{label} must be an object, got {describe(sandbox)}")
        return
    for key in sandbox:
        if key not in _SANDBOX_FIELDS:
            report.warning(
                "UNKNOWN_FIELD",
                join(pointer, key),
                f"{label} has the unknown field '{key}'{unknown_hint(str(key), _SANDBOX_FIELDS)}",
                key=True,
            )
    environment = sandbox.get("Environment", "process")
    if environment in _NOT_OFFERED:
        report.error(
            "INVALID_VALUE",
            join(pointer, "Environment"),
            f"{label}: Environment '{environment}' is not available in this engine; "
            'use "process" (bubblewrap) or "docker"',
        )
    elif environment not in _ENVIRONMENTS:
        report.error(
            "INVALID_VALUE",
            join(pointer, "Environment"),
            f'{label}: Environment must be "process" or "docker", got {describe(environment)}',
        )
    if "Timeout" in sandbox:
        _duration(report, sandbox["Timeout"], join(pointer, "Timeout"), f"{label}: 'Timeout'")
    if "Memory" in sandbox and parse_size(sandbox["Memory"]) is None:
        report.error(
            "INVALID_VALUE",
            join(pointer, "Memory"),
            f'{label}: Memory must be a size such as "256M", got {describe(sandbox["Memory"])}',
        )
    if "CPU" in sandbox:
        try:
            cores = float(sandbox["CPU"])
        except (TypeError, ValueError):
            cores = 0.0
        if cores <= 0 or isinstance(sandbox["CPU"], bool):
            report.error(
                "INVALID_VALUE",
                join(pointer, "CPU"),
                f'{label}: CPU must be a positive number of cores such as "0.5", got '
                f"{describe(sandbox['CPU'])}",
            )
    for name in ("Network", "ReadOnlyFS"):
        if name in sandbox and not isinstance(sandbox[name], bool):
            report.error(
                "INVALID_TYPE",
                join(pointer, name),
                f"{label}: '{name}' must be true or false, got {describe(sandbox[name])}",
            )
    mounts = sandbox.get("Mounts")
    if mounts is not None and not isinstance(mounts, dict):
        report.error(
            "INVALID_TYPE",
            join(pointer, "Mounts"),
            f"{label}: 'Mounts' must be an object of path: {{Source, ReadOnly}}, got "
            f"{describe(mounts)}",
        )
    for target, mount in (mounts or {}).items() if isinstance(mounts, dict) else ():
        if (
            not str(target).startswith("/")
            or not isinstance(mount, dict)
            or not isinstance(mount.get("Source"), str)
        ):
            report.error(
                "INVALID_VALUE",
                join(pointer, "Mounts", target),
                f'A sandbox mount needs an absolute target path and {{"Source": "./dir"}}, '
                f"got '{target}': {describe(mount)}",
            )
