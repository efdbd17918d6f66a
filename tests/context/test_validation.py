# ruff: noqa: E501 - the expected messages are kept whole, one per line, to read them as users do
"""Validation of the Context block and of semantic and episodic Memory."""

from __future__ import annotations

from typing import Any

from tests.definition.support import problems_of_dict, workflow

TASK: dict[str, Any] = {"Type": "Task", "Agent": "A", "End": True}


def messages(agents: list[str] | None = None, **blocks: Any) -> list[tuple[str, str, str, str]]:
    return [
        (p[0], p[1], p[2], p[5])
        for p in problems_of_dict(workflow(("S", {**TASK, **blocks})), agents)
    ]


def test_good_blocks_have_no_problems() -> None:
    context = {
        "Strategy": "priority_based",
        "MaxTokens": 12000,
        "Priority": ["$.userMessage", "$.conversationHistory", "background"],
        "Include": ["$.systemPrompt"],
        "Exclude": ["$.debug.trace"],
        "Summarize": {"When": "TokensExceed", "Using": "Sum", "Target": "$.h", "Ratio": 0.3},
    }
    memory = {
        "Type": "semantic",
        "Read": {"Query.$": "$.q", "Collection": "kb", "TopK": 5, "MinScore": 0.7},
        "Write": [{"Collection": "kb", "Value.$": "$.answer", "Text.$": "$.q", "TTL": "30d"}],
    }
    assert messages(["A", "Sum"], Context=context, Memory=memory) == []
    semantic = {"Strategy": "semantic", "Query.$": "$.t", "Candidates": ["$.docs"], "TopK": 3}
    episodic = {
        "Type": "episodic",
        "Read": {
            "Collection": "s",
            "Filter": {"userId.$": "$.u", "kind": "chat"},
            "Limit": 10,
            "Order": "asc",
        },
        "Write": {"Collection": "s", "Value": {"kind": "chat"}},
    }
    assert messages(Context=semantic, Memory=episodic) == []


def test_context_fields_are_checked() -> None:
    context = {
        "Strategy": "semantic",
        "MaxTokens": 0,
        "Priority": ["$.a[0]"],
        "TopK": 0,
        "Sumarize": {},
    }
    assert messages(Context=context) == [
        (
            "warning",
            "UNKNOWN_FIELD",
            "/States/S/Context/Sumarize",
            "The Context of state 'S' has the unknown field 'Sumarize': did you mean 'Summarize'?",
        ),
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Context/MaxTokens",
            "'MaxTokens' of the Context of state 'S' must be an integer ≥ 1, got the number 0",
        ),
        (
            "error",
            "INVALID_PATH",
            "/States/S/Context/Priority/0",
            "'Priority' of the Context of state 'S': '$.a[0]' is not a path of field names such as $.history; Context paths name fields ($.a.b), without indexes, wildcards or filters",
        ),
        (
            "error",
            "MISSING_FIELD",
            "/States/S/Context",
            "The Context of state 'S' needs 'Query.$': the text to compare the Candidates with, e.g. \"$.task\"",
        ),
        (
            "error",
            "MISSING_FIELD",
            "/States/S/Context",
            "The Context of state 'S' needs 'Candidates': the paths of the items to choose from, e.g. [\"$.docs\"]",
        ),
        (
            "warning",
            "NO_EFFECT",
            "/States/S/Context/Priority",
            "'Priority' of the Context of state 'S' is only used by Strategy \"priority_based\"",
        ),
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Context/TopK",
            "'TopK' of the Context of state 'S' must be an integer ≥ 1, got the number 0",
        ),
    ]


def test_strategy_and_summarize_are_checked() -> None:
    context = {
        "Strategy": "slidin",
        "Summarize": {"When": "Sometimes", "Ratio": 2, "Using": "Nobody"},
    }
    assert messages(["A"], Context=context) == [
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Context/Strategy",
            "'Strategy' of the Context of state 'S' must be one of sliding_window, priority_based, semantic, summarize, got the string \"slidin\": did you mean 'sliding_window'?",
        ),
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Context/Summarize/When",
            "'When' of 'Summarize' of the Context of state 'S' must be one of TokensExceed, Always, Never, got the string \"Sometimes\"",
        ),
        (
            "error",
            "MISSING_FIELD",
            "/States/S/Context/Summarize",
            "'Summarize' of the Context of state 'S' needs 'Target': the path to summarise, e.g. \"$.history\"",
        ),
        (
            "error",
            "UNKNOWN_AGENT",
            "/States/S/Context/Summarize/Using",
            "State 'S' names the agent 'Nobody', which is not registered: register it or fix the name",
        ),
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Context/Summarize/Ratio",
            "'Ratio' of 'Summarize' of the Context of state 'S' must be a number from 0.01 to 1, got the number 2",
        ),
    ]
    assert messages(Context={"Strategy": "summarize"}) == [
        (
            "error",
            "MISSING_FIELD",
            "/States/S/Context",
            'The Context of state \'S\' needs \'Summarize\': what to shorten: {"Using": "Summarizer", "Target": "$.history"}',
        ),
    ]


def test_semantic_memory_fields_are_checked() -> None:
    memory = {
        "Type": "semantic",
        "Read": {"TopK": 0, "MinScore": 3},
        "Write": [{"Value": 1, "TTL": "3x"}],
    }
    assert messages(Memory=memory) == [
        (
            "error",
            "MISSING_FIELD",
            "/States/S/Memory/Read",
            "'Read' of the Memory of state 'S' needs 'Collection': the name of the collection to read",
        ),
        (
            "error",
            "MISSING_FIELD",
            "/States/S/Memory/Read",
            "'Read' of the Memory of state 'S' needs 'Query.$': the text to search for, e.g. \"$.question\"",
        ),
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Memory/Read/TopK",
            "'TopK' of 'Read' of the Memory of state 'S' must be an integer ≥ 1, got the number 0",
        ),
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Memory/Read/MinScore",
            "'MinScore' of 'Read' of the Memory of state 'S' must be a number from -1 to 1, got the number 3",
        ),
        (
            "error",
            "MISSING_FIELD",
            "/States/S/Memory/Write/0",
            "The Memory Write of state 'S' needs 'Collection': the name of the collection to add to",
        ),
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Memory/Write/0/TTL",
            "'TTL' of the Memory Write of state 'S': '3x' is not a TTL: use seconds (\"300\") or 30m, 24h, 7d, 2w, or \"never\"",
        ),
    ]


def test_episodic_memory_fields_are_checked() -> None:
    memory = {
        "Type": "episodic",
        "Read": {"Collection": "c", "Filter": {"u.$": "$..[", "v.$": 3}, "Order": "up", "Limit": 0},
    }
    assert messages(Memory=memory) == [
        (
            "error",
            "INVALID_PATH",
            "/States/S/Memory/Read/Filter/u.$",
            "'u.$' of the Filter of 'Read' of the Memory of state 'S' is not a valid path: unterminated '['",
        ),
        (
            "error",
            "INVALID_TYPE",
            "/States/S/Memory/Read/Filter/v.$",
            "'v.$' of the Filter of 'Read' of the Memory of state 'S' must be a path such as \"$.userId\", got the number 3",
        ),
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Memory/Read/Limit",
            "'Limit' of 'Read' of the Memory of state 'S' must be an integer ≥ 1, got the number 0",
        ),
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Memory/Read/Order",
            "'Order' of 'Read' of the Memory of state 'S' must be one of desc, asc, got the string \"up\"",
        ),
    ]
    assert messages(Memory={"Type": "vector"}) == [
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Memory/Type",
            "'Type' of the Memory of state 'S' must be one of key_value, semantic, episodic, got the string \"vector\"",
        ),
    ]
    assert messages(Memory={"Type": "episodic", "Read": ["keys"], "Write": [1]}) == [
        (
            "error",
            "INVALID_TYPE",
            "/States/S/Memory/Read",
            "'Read' of the Memory of state 'S' must be an object (Memory Type \"episodic\" reads a Collection), got an array of 1 item",
        ),
        (
            "error",
            "INVALID_TYPE",
            "/States/S/Memory/Write",
            "'Write' of the Memory of state 'S' must be an object or an array of objects, got an array of 1 item",
        ),
    ]
