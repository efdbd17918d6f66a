"""Validating Reasoning, Audit, Model, Generation and Metadata, and a Debate's blocks."""

from __future__ import annotations

from typing import Any

import pytest

from .support import problems, problems_of_dict, workflow


def only(state: dict[str, Any], agents: list[str] | None = None) -> list[Any]:
    """(severity, code, pointer, message) of a one-state workflow's problems."""
    return [(s, c, p, m) for s, c, p, _, _, m in problems_of_dict(workflow(("S", state)), agents)]


def task(**fields: Any) -> dict[str, Any]:
    return {"Type": "Task", "Agent": "A", "End": True, **fields}


def debate(**fields: Any) -> dict[str, Any]:
    return {"Type": "Debate", "Agents": ["A", "B", "C"], "End": True, **fields}


def test_complete_settings_are_valid() -> None:
    state = task(
        Reasoning={
            "Required": True,
            "Format": "tree_of_thoughts",
            "MinSteps": 2,
            "MaxSteps": 8,
            "Store": "$.trace",
        },
        Audit={
            "LogLevel": "standard",
            "Redact": ["$.password", "$..token", "$.cards[*].cvv", "$['api key']"],
            "Metrics": ["latency", "tokens", "cost"],
            "Trace": True,
        },
        Model={"Preferred": "big", "Fallback": ["mid", "small"], "FallbackOn": ["Agent.X"]},
        Generation={"Temperature": 0.3, "TopP": 1, "MaxTokens": 100, "StopSequences": ["--"]},
        Metadata={"Priority": "high", "Tenant.$": "$.tenant", "Run.$": "$$.Execution.Id"},
    )

    assert only(state) == []


@pytest.mark.parametrize(
    ("fields", "code", "pointer", "message"),
    [
        (
            {"Reasoning": {"Format": "chain"}},
            "INVALID_VALUE",
            "/States/S/Reasoning/Format",
            "'Reasoning.Format' of state 'S' must be one of chain_of_thought, tree_of_thoughts, "
            'reflection, free_form, got the string "chain"',
        ),
        (
            {"Reasoning": {"Required": "yes"}},
            "INVALID_TYPE",
            "/States/S/Reasoning/Required",
            "'Reasoning.Required' of state 'S' must be true or false, got the string \"yes\"",
        ),
        (
            {"Reasoning": {"MinSteps": 0}},
            "INVALID_VALUE",
            "/States/S/Reasoning/MinSteps",
            "'Reasoning.MinSteps' of state 'S' must be a positive integer, got the number 0",
        ),
        (
            {"Reasoning": {"MinSteps": 5, "MaxSteps": 3}},
            "INVALID_VALUE",
            "/States/S/Reasoning/MinSteps",
            "'Reasoning.MinSteps' of state 'S' (5) is more than 'MaxSteps' (3): no trace could "
            "fit; lower MinSteps",
        ),
        (
            {"Reasoning": {"Store": "$.a[*]"}},
            "INVALID_PATH",
            "/States/S/Reasoning/Store",
            "'Reasoning.Store' of state 'S' is not a valid reference path: a Reference Path "
            "selects a single node; '[*]' is not allowed (at character 4)",
        ),
        (
            {"Audit": {"LogLevel": "verbose"}},
            "INVALID_VALUE",
            "/States/S/Audit/LogLevel",
            "'Audit.LogLevel' of state 'S' must be one of minimal, standard, full, debug, got "
            'the string "verbose"',
        ),
        (
            {"Audit": {"Redact": ["password"]}},
            "INVALID_PATH",
            "/States/S/Audit/Redact/0",
            "'Audit.Redact' of state 'S' holds \"password\", which is not a redaction path: a "
            "redaction path starts with '$' (the recorded document)",
        ),
        (
            {"Audit": {"Redact": "$.password"}},
            "INVALID_TYPE",
            "/States/S/Audit/Redact",
            "'Audit.Redact' of state 'S' must be an array of strings, got the string "
            '"$.password"',
        ),
        (
            {"Audit": {"Metrics": ["latency", "memory"]}},
            "INVALID_VALUE",
            "/States/S/Audit/Metrics/1",
            "'Audit.Metrics' of state 'S' must hold latency, tokens, cost, got \"memory\"",
        ),
        (
            {"Audit": {"Trace": 1}},
            "INVALID_TYPE",
            "/States/S/Audit/Trace",
            "'Audit.Trace' of state 'S' must be true or false, got the number 1",
        ),
        (
            {"Model": ""},
            "INVALID_VALUE",
            "/States/S/Model",
            "'Model' of state 'S' must name a model, got the string \"\"",
        ),
        (
            {"Model": {"Preferred": 3}},
            "INVALID_TYPE",
            "/States/S/Model/Preferred",
            "'Model.Preferred' of state 'S' must be a non-empty string, got the number 3",
        ),
        (
            {"Model": {"Fallback": ["small", 2]}},
            "INVALID_TYPE",
            "/States/S/Model/Fallback/1",
            "'Model.Fallback' of state 'S' must hold non-empty strings, got the number 2",
        ),
        (
            {"Generation": {"Temperature": 3}},
            "INVALID_VALUE",
            "/States/S/Generation/Temperature",
            "'Generation.Temperature' of state 'S' must be a number from 0 to 2, got the number 3",
        ),
        (
            {"Generation": {"TopP": "0.9"}},
            "INVALID_TYPE",
            "/States/S/Generation/TopP",
            "'Generation.TopP' of state 'S' must be a number from 0 to 1, got the string "
            '"0.9"; write 0.9 without quotes',
        ),
        (
            {"Generation": {"MaxTokens": 1.5}},
            "INVALID_TYPE",
            "/States/S/Generation/MaxTokens",
            "'Generation.MaxTokens' of state 'S' must be a positive integer, got the number 1.5",
        ),
        (
            {"Generation": {"StopSequences": [""]}},
            "INVALID_VALUE",
            "/States/S/Generation/StopSequences/0",
            "'Generation.StopSequences' of state 'S' must hold non-empty strings, got the "
            'string ""',
        ),
        (
            {"Metadata": {"Tenant.$": "$.a[?"}},
            "INVALID_PATH",
            "/States/S/Metadata/Tenant.$",
            "'Tenant.$' in the Metadata of state 'S' is not a valid path: expected '(' but "
            "found the end (at character 5)",
        ),
    ],
)
def test_each_bad_setting_is_an_error_at_its_place(
    fields: dict[str, Any], code: str, pointer: str, message: str
) -> None:
    assert only(task(**fields)) == [("error", code, pointer, message)]


def test_unknown_members_are_warnings_with_a_suggestion() -> None:
    assert only(task(Generation={"Temprature": 0.5})) == [
        (
            "warning",
            "UNKNOWN_FIELD",
            "/States/S/Generation/Temprature",
            "'Generation' of state 'S' has the unknown member 'Temprature': did you mean "
            "'Temperature'?",
        )
    ]


def test_fallback_on_without_a_fallback_has_no_effect() -> None:
    assert only(task(Model={"Preferred": "big", "FallbackOn": ["States.ALL"]})) == [
        (
            "warning",
            "NO_EFFECT",
            "/States/S/Model/FallbackOn",
            "'Model.FallbackOn' of state 'S' has no effect: there is no \"Fallback\" model to "
            "fall back to",
        )
    ]


def test_reasoning_on_a_debate_has_no_effect() -> None:
    assert only(debate(Reasoning={"Required": True})) == [
        (
            "warning",
            "NO_EFFECT",
            "/States/S/Reasoning",
            "'Reasoning' of state 'S' has no effect: Debate turns are not checked for a "
            "reasoning trace; ask for reasoning in Parameters instead",
        )
    ]


def test_positions_are_given_for_text_documents() -> None:
    document = workflow(("S", task(Audit={"Redact": ["nope"]})))

    assert [(line, column) for _, _, _, line, column, _ in problems(document)] == [(10, 11)]


# --- Debate -----------------------------------------------------------------------------


def test_a_complete_debate_is_valid() -> None:
    state = debate(
        Topic="t",
        Rounds=2,
        Parameters={"proposal.$": "$.p"},
        Communication={
            "Style": "simultaneous",
            "Order": ["B", "A"],
            "VisibleHistory": "previous_only",
        },
        Consensus={
            "Required": True,
            "Threshold": 0.7,
            "Method": "voting",
            "RequiredMajority": 0.66,
            "VotingAgents": ["A", "B", "Expert"],
            "TieBreaker": "Arbiter",
            "Arbiter": "C",
            "MaxRoundsForConsensus": 5,
        },
        ResultPath="$.debate",
        Retry=[{"ErrorEquals": ["States.ALL"]}],
    )

    assert only(state, ["A", "B", "C", "Expert"]) == []


@pytest.mark.parametrize(
    ("fields", "code", "pointer", "message"),
    [
        (
            {"Communication": {"Style": "reactive"}},
            "INVALID_VALUE",
            "/States/S/Communication/Style",
            "'Communication.Style' of state 'S' must be one of turn_based, simultaneous, got "
            'the string "reactive"',
        ),
        (
            {"Communication": {"VisibleHistory": "everything"}},
            "INVALID_VALUE",
            "/States/S/Communication/VisibleHistory",
            "'Communication.VisibleHistory' of state 'S' must be one of all, none, own, "
            'own_only, previous_only, got the string "everything"',
        ),
        (
            {"Communication": {"Order": ["A", "D"]}},
            "UNKNOWN_AGENT",
            "/States/S/Communication/Order/1",
            "'Communication.Order' of state 'S' names 'D', which is not one of the debate's "
            'Agents (A, B, C): add it to "Agents" or remove it',
        ),
        (
            {"Communication": {"Order": ["A", "A"]}},
            "INVALID_VALUE",
            "/States/S/Communication/Order/1",
            "'Communication.Order' of state 'S' names 'A' twice: each agent speaks once a round",
        ),
        (
            {"Communication": {"Order": "A,B"}},
            "INVALID_TYPE",
            "/States/S/Communication/Order",
            "'Communication.Order' of state 'S' must be an array of strings, got the string "
            '"A,B"',
        ),
        (
            {"Consensus": {"Threshold": 70}},
            "INVALID_VALUE",
            "/States/S/Consensus/Threshold",
            "'Consensus.Threshold' of state 'S' must be a number from 0 to 1, got the number 70",
        ),
        (
            {"Consensus": {"Method": "vote"}},
            "INVALID_VALUE",
            "/States/S/Consensus/Method",
            "'Consensus.Method' of state 'S' must be one of arbiter, agreement, voting, got the "
            "string \"vote\": did you mean 'voting'?",
        ),
        (
            {"Consensus": {"MaxRoundsForConsensus": 0}},
            "INVALID_VALUE",
            "/States/S/Consensus/MaxRoundsForConsensus",
            "'Consensus.MaxRoundsForConsensus' of state 'S' must be a positive integer, got the "
            "number 0",
        ),
        (
            {"Consensus": {"Method": "voting", "VotingAgents": ["A", "Expret"]}},
            "UNKNOWN_AGENT",
            "/States/S/Consensus/VotingAgents/1",
            "State 'S' names the agent 'Expret', which is not registered: did you mean 'Expert'?",
        ),
        (
            {"Consensus": {"TieBreaker": "Senoir"}},
            "UNKNOWN_AGENT",
            "/States/S/Consensus/TieBreaker",
            "State 'S' names the agent 'Senoir', which is not registered: did you mean 'Senior'?",
        ),
    ],
)
def test_each_bad_debate_member_is_an_error_at_its_place(
    fields: dict[str, Any], code: str, pointer: str, message: str
) -> None:
    agents = ["A", "B", "C", "Expert", "Senior"]
    assert only(debate(**fields), agents) == [("error", code, pointer, message)]


@pytest.mark.parametrize(
    ("consensus", "member", "reason"),
    [
        ({"RequiredMajority": 0.6}, "RequiredMajority", 'it counts votes: set "Method": "voting"'),
        ({"VotingAgents": ["A"]}, "VotingAgents", 'they vote only with "Method": "voting"'),
        (
            {"Method": "arbiter", "TieBreaker": "A"},
            "TieBreaker",
            'with "Method": "arbiter" the arbiter always decides',
        ),
        (
            {"MaxRoundsForConsensus": 3},
            "MaxRoundsForConsensus",
            "it allows rounds after 'Rounds' (3) until the debate agrees; make it larger than "
            "Rounds",
        ),
    ],
)
def test_members_without_effect_are_warnings(
    consensus: dict[str, Any], member: str, reason: str
) -> None:
    assert only(debate(Consensus=consensus)) == [
        (
            "warning",
            "NO_EFFECT",
            f"/States/S/Consensus/{member}",
            f"'Consensus.{member}' of state 'S' has no effect: {reason}",
        )
    ]


def test_an_arbiter_must_leave_two_debaters() -> None:
    state = {"Type": "Debate", "Agents": ["A", "Judge"], "End": True}

    assert only({**state, "Consensus": {"Required": True}}) == [
        (
            "error",
            "INVALID_VALUE",
            "/States/S/Agents",
            "Debate state 'S' leaves only 1 agent to debate: its arbiter (the last of 'Agents') "
            'sits out the rounds; add another agent to "Agents"',
        )
    ]
    assert only({**state, "Consensus": {"Required": True, "Arbiter": "Outsider"}}) == []


def test_jsonata_metadata_expressions_are_checked() -> None:
    state = task(QueryLanguage="JSONata", Metadata={"Tenant": "{% $states.input. %}"})

    assert only(state) == [
        (
            "error",
            "INVALID_JSONATA",
            "/States/S/Metadata/Tenant",
            "'Tenant' in 'Metadata' of state 'S' is not a valid JSONata expression: Unexpected "
            "end of expression (at character 18)",
        )
    ]
