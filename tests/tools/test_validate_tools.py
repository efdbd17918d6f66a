"""Tools blocks are checked when the document is validated, with pointers."""

from __future__ import annotations

from typing import Any

from asl.definition.load import load_dict
from asl.definition.validate import validate


def problems(tools: Any, default_tools: Any = None) -> list[tuple[str, str, str, str]]:
    document: dict[str, Any] = {
        "StartAt": "S",
        "States": {"S": {"Type": "Task", "Agent": "A", "Tools": tools, "End": True}},
    }
    if default_tools is not None:
        document["DefaultTools"] = default_tools
    return [(d.severity, d.code, d.pointer, d.message) for d in validate(load_dict(document))]


def test_a_valid_block_has_no_problem() -> None:
    assert (
        problems(
            {
                "Allowed": ["web_*"],
                "Denied": ["dangerous"],
                "RateLimits": {"*": {"MaxPerMinute": 60, "MaxConcurrent": 2, "OnExceed": "queue"}},
                "Sandboxed": True,
                "Sandbox": {
                    "Environment": "process",
                    "Timeout": "30s",
                    "Memory": "256M",
                    "CPU": "0.5",
                },
                "Timeout": "10s",
                "FileSystem": {"AllowedPaths": ["./data/**"], "MaxFileSize": "10M"},
                "Hooks": {"Before": {"Agent": "Guard"}},
            },
            {"Denied": ["execute_shell"]},
        )
        == []
    )


def test_an_empty_allowed_list_warns_that_it_allows_nothing() -> None:
    assert problems({"Allowed": []}) == [
        (
            "warning",
            "EMPTY_ALLOWED",
            "/States/S/Tools/Allowed",
            "The Tools of state 'S': 'Allowed' is empty, which allows no tool at all; remove "
            "'Allowed' to allow every tool that is not Denied, or list the tools",
        )
    ]


def test_rate_limit_mistakes_are_errors_at_their_place() -> None:
    assert problems({}, {"RateLimits": {"web": {"MaxPerMinute": 0, "OnExceed": "later"}}}) == [
        (
            "error",
            "INVALID_VALUE",
            "/DefaultTools/RateLimits/web/MaxPerMinute",
            "'MaxPerMinute' of the rate limit of 'web' must be a positive integer, got the "
            "number 0",
        ),
        (
            "error",
            "INVALID_VALUE",
            "/DefaultTools/RateLimits/web/OnExceed",
            '\'OnExceed\' of the rate limit of \'web\' must be "fail", "wait" or "queue", got '
            'the string "later"',
        ),
    ]


def test_sandbox_environments_other_than_process_and_docker_are_refused() -> None:
    assert problems({"Sandbox": {"Environment": "wasm", "Memory": "lots"}, "Timeout": "soon"}) == [
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Tools/Timeout",
            "The Tools of state 'S': 'Timeout' must be a duration such as \"30s\" or \"5m\", got "
            'the string "soon"',
        ),
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Tools/Sandbox/Environment",
            "The Tools of state 'S': Sandbox: Environment 'wasm' is not available in this engine; "
            'use "process" (bubblewrap) or "docker"',
        ),
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Tools/Sandbox/Memory",
            "The Tools of state 'S': Sandbox: Memory must be a size such as \"256M\", got the "
            'string "lots"',
        ),
    ]


def test_unknown_fields_are_warnings_with_a_suggestion() -> None:
    assert problems({"Alowed": ["x"]}) == [
        (
            "warning",
            "UNKNOWN_FIELD",
            "/States/S/Tools/Alowed",
            "The Tools of state 'S' has the unknown field 'Alowed': did you mean 'Allowed'?",
        )
    ]
