"""Validation of Guardrails blocks: every field, its type and what it refers to."""

from __future__ import annotations

import json
from typing import Any

import pytest

from asl import AgentRegistry, ValidationError, WorkflowEngine
from tests.definition.support import problems, problems_of_dict, workflow


def guarded(guardrails: Any, **more: Any) -> dict[str, Any]:
    state = {"Type": "Task", "Agent": "Writer", "End": True, "Guardrails": guardrails, **more}
    return workflow(("S", state))


def errors(guardrails: Any, agents: list[str] | None = None) -> list[tuple[str, str, str, str]]:
    return [
        (severity, code, pointer, message)
        for severity, code, pointer, _, _, message in problems_of_dict(guarded(guardrails), agents)
    ]


def test_a_full_guardrails_block_is_valid() -> None:
    block = {
        "Input": {
            "Validator": "Judge",
            "Rules": [
                {"Type": "length", "Max": 10000, "Min": 1},
                {"Type": "pattern", "Block": ["<script>"], "Action": "block"},
                {"Type": "pii", "Detect": ["email", "iban"], "Action": "redact"},
            ],
            "OnFail": "reject",
        },
        "Output": {
            "Rules": [
                {"Type": "regex", "Pattern": "API_KEY|password", "Action": "mask"},
                {"Type": "semantic", "Check": "harmful_content", "Agent": "Judge"},
                {"Type": "schema", "Schema": {"type": "object"}, "Action": "retry"},
                {"Type": "custom", "Agent": "Judge", "Action": "flag"},
                {"Type": "pii", "Detect": True, "Action": "warn"},
            ],
            "MaxRetries": 2,
            "OnFail": "fail_state",
        },
    }
    assert errors(block, ["Writer", "Judge"]) == []


@pytest.mark.parametrize(
    ("block", "pointer", "code", "message"),
    [
        (
            {"Output": {"Rules": [{"Type": "regex", "Pattern": "a(b"}]}},
            "/States/S/Guardrails/Output/Rules/0/Pattern",
            "INVALID_VALUE",
            "'Pattern' of Guardrails.Output rule 0 of state 'S' is not a valid regular "
            "expression: missing ), unterminated subpattern at position 1",
        ),
        (
            {"Output": {"Rules": [{"Type": "toxicity"}]}},
            "/States/S/Guardrails/Output/Rules/0/Type",
            "INVALID_VALUE",
            "'Type' of Guardrails.Output rule 0 of state 'S' must be one of length, pattern, "
            'regex, pii, schema, semantic, custom, got the string "toxicity"',
        ),
        (
            {"Output": {"Rules": [{"Max": 3}]}},
            "/States/S/Guardrails/Output/Rules/0",
            "MISSING_FIELD",
            "Guardrails.Output rule 0 of state 'S' has no 'Type': add \"Type\" with one of "
            "length, pattern, regex, pii, schema, semantic, custom",
        ),
        (
            {"Output": {"Rules": [{"Type": "length", "Max": 3, "Action": "mask"}]}},
            "/States/S/Guardrails/Output/Rules/0/Action",
            "INVALID_VALUE",
            "'Action' of Guardrails.Output rule 0 of state 'S' is 'mask', which rewrites "
            "matched text, and a length rule matches none: use block, warn, flag or retry",
        ),
        (
            {"Input": {"Rules": [{"Type": "pii", "Action": "retry"}]}},
            "/States/S/Guardrails/Input/Rules/0/Action",
            "INVALID_VALUE",
            "'Action' of Guardrails.Input rule 0 of state 'S' is 'retry', which regenerates "
            "an agent's output: use it in Guardrails.Output, or use block here",
        ),
        (
            {"Output": {"Rules": [{"Type": "pii", "Action": "blok"}]}},
            "/States/S/Guardrails/Output/Rules/0/Action",
            "INVALID_VALUE",
            "'Action' of Guardrails.Output rule 0 of state 'S' must be one of block, redact, "
            "mask, warn, flag, retry, got the string \"blok\": did you mean 'block'?",
        ),
        (
            {"Output": {"Rules": [{"Type": "pii", "Detect": ["email", "ssn"]}]}},
            "/States/S/Guardrails/Output/Rules/0/Detect/1",
            "INVALID_VALUE",
            "'Detect' of Guardrails.Output rule 0 of state 'S' names the string \"ssn\", which "
            "is not a kind of personal data this engine detects (api_key, email, iban, "
            "credit_card, phone)",
        ),
        (
            {"Output": {"Rules": [{"Type": "pii", "Detect": False}]}},
            "/States/S/Guardrails/Output/Rules/0/Detect",
            "INVALID_VALUE",
            "'Detect' of Guardrails.Output rule 0 of state 'S' must be true (every kind) or a "
            "non-empty array of kinds (api_key, email, iban, credit_card, phone), got false",
        ),
        (
            {"Output": {"Rules": [{"Type": "length"}]}},
            "/States/S/Guardrails/Output/Rules/0",
            "MISSING_FIELD",
            "Guardrails.Output rule 0 of state 'S' (length) has neither 'Max' nor 'Min': add "
            '"Max" with a length',
        ),
        (
            {"Output": {"Rules": [{"Type": "length", "Min": 9, "Max": 3}]}},
            "/States/S/Guardrails/Output/Rules/0/Min",
            "INVALID_VALUE",
            "'Min' of Guardrails.Output rule 0 of state 'S' is 9, more than its 'Max' 3",
        ),
        (
            {"Output": {"Rules": [{"Type": "length", "Max": "100"}]}},
            "/States/S/Guardrails/Output/Rules/0/Max",
            "INVALID_TYPE",
            "'Max' of Guardrails.Output rule 0 of state 'S' must be a non-negative integer, "
            'got the string "100"; write 100 without quotes',
        ),
        (
            {"Input": {"Rules": [{"Type": "pattern", "Block": []}]}},
            "/States/S/Guardrails/Input/Rules/0/Block",
            "INVALID_TYPE",
            "'Block' of Guardrails.Input rule 0 of state 'S' must be a non-empty array of "
            "non-empty strings, got an empty array",
        ),
        (
            {"Output": {"Rules": [{"Type": "schema", "Schema": {"type": "integr"}}]}},
            "/States/S/Guardrails/Output/Rules/0/Schema/type",
            "INVALID_VALUE",
            "'Schema' of Guardrails.Output rule 0 of state 'S' is not a valid JSON Schema "
            "(draft 2020-12): 'integr' is not valid under any of the given schemas",
        ),
        (
            {"Output": {"Rules": [{"Type": "semantic", "Check": "tone"}]}},
            "/States/S/Guardrails/Output/Rules/0",
            "MISSING_FIELD",
            "Guardrails.Output rule 0 of state 'S' (semantic) needs an agent to judge it: add "
            '"Agent" to the rule or a "Validator" to Guardrails.Output',
        ),
        (
            {"Output": {"Rules": [{"Type": "semantic", "Agent": "Writer"}]}},
            "/States/S/Guardrails/Output/Rules/0",
            "MISSING_FIELD",
            "Guardrails.Output rule 0 of state 'S' (semantic) has no 'Check': add \"Check\" "
            "naming what to judge",
        ),
        (
            {"Input": {"Rules": [], "MaxRetries": 2}},
            "/States/S/Guardrails/Input/MaxRetries",
            "UNSUPPORTED_FIELD",
            "Guardrails.Input of state 'S' cannot have 'MaxRetries': only an agent's output can "
            'be regenerated; move it to "Output"',
        ),
        (
            {"Output": {"Rules": [], "MaxRetries": -1}},
            "/States/S/Guardrails/Output/MaxRetries",
            "INVALID_VALUE",
            "'MaxRetries' of Guardrails.Output of state 'S' must be a non-negative integer, "
            "got the number -1",
        ),
        (
            {"Output": {"Rules": [], "OnFail": "retry"}},
            "/States/S/Guardrails/Output/OnFail",
            "INVALID_VALUE",
            "'OnFail' of Guardrails.Output of state 'S' must be one of reject, fail_state (both "
            'fail the state with Agent.GuardrailViolation), got the string "retry"',
        ),
        (
            {"Output": {}},
            "/States/S/Guardrails/Output",
            "MISSING_FIELD",
            'Guardrails.Output of state \'S\' checks nothing: add "Rules" or a "Validator"',
        ),
        (
            {"Output": {"Rules": {"Type": "pii"}}},
            "/States/S/Guardrails/Output/Rules",
            "INVALID_TYPE",
            "'Rules' of Guardrails.Output of state 'S' must be an array of rules, got an object",
        ),
        (
            {"Output": []},
            "/States/S/Guardrails/Output",
            "INVALID_TYPE",
            "Guardrails.Output of state 'S' must be an object, got an empty array",
        ),
    ],
    ids=lambda value: None,
)
def test_a_bad_guardrail_is_one_exact_error(
    block: Any, pointer: str, code: str, message: str
) -> None:
    assert errors(block, ["Writer"]) == [("error", code, pointer, message)]


def test_a_validator_must_be_registered() -> None:
    block = {"Output": {"Validator": "Judg", "Rules": []}}

    assert errors(block, ["Writer", "Judge"]) == [
        (
            "error",
            "UNKNOWN_AGENT",
            "/States/S/Guardrails/Output/Validator",
            "State 'S' names the agent 'Judg', which is not registered: did you mean 'Judge'?",
        )
    ]


def test_a_rule_agent_must_be_registered() -> None:
    block = {"Output": {"Rules": [{"Type": "custom", "Agent": "Nobody"}]}}

    assert [e[1:3] for e in errors(block, ["Writer"])] == [
        ("UNKNOWN_AGENT", "/States/S/Guardrails/Output/Rules/0/Agent")
    ]


def test_unknown_fields_are_warnings_with_a_suggestion() -> None:
    block = {"Outptu": {}, "Output": {"Rules": [{"Type": "regex", "Patern": "x", "Pattern": "y"}]}}

    assert errors(block, ["Writer"]) == [
        (
            "warning",
            "UNKNOWN_FIELD",
            "/States/S/Guardrails/Outptu",
            "The Guardrails of state 'S' have the unknown field 'Outptu': did you mean 'Output'?",
        ),
        (
            "warning",
            "UNKNOWN_FIELD",
            "/States/S/Guardrails/Output/Rules/0/Patern",
            "Guardrails.Output rule 0 of state 'S' (regex) has the unknown field 'Patern': "
            "did you mean 'Pattern'?",
        ),
    ]


def test_errors_point_at_their_line_and_column() -> None:
    document = guarded({"Output": {"Rules": [{"Type": "regex", "Pattern": "("}]}})
    found = problems(document)

    assert [(p[1], p[3], p[4]) for p in found] == [("INVALID_VALUE", 13, 26)]
    text = json.dumps(document, indent=2).splitlines()
    assert text[12].strip() == '"Pattern": "("'


def test_an_invalid_guardrail_stops_the_engine_before_it_runs() -> None:
    engine = WorkflowEngine(
        guarded({"Output": {"Rules": [{"Type": "regex", "Pattern": "("}]}}),
        AgentRegistry({"Writer": lambda p: p}),
    )

    with pytest.raises(ValidationError) as raised:
        engine.run({})
    assert [d.pointer for d in raised.value.errors] == [
        "/States/S/Guardrails/Output/Rules/0/Pattern"
    ]
