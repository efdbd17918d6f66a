"""QueryLanguage: which language a state uses, and the fields each language takes.

AWS's rules (measured through ValidateStateMachineDefinition): only "JSONPath" means
JSONPath, a JSONata workflow cannot hold JSONPath states, the states of a branch or
processor take the workflow's language, and a field of the other language is refused.
"""

from __future__ import annotations

from typing import Any

from .support import PASS_END, problems_of_dict, workflow

_PROCESSOR: dict[str, Any] = {"StartAt": "I", "States": {"I": PASS_END}}


def test_a_workflow_query_language_other_than_the_two_counts_as_jsonata() -> None:
    document = {
        "QueryLanguage": "jsonata",
        "StartAt": "S",
        "States": {"S": {"Type": "Pass", "Parameters": {}, "End": True}},
    }

    assert problems_of_dict(document) == [
        (
            "error",
            "INVALID_VALUE",
            "/QueryLanguage",
            None,
            None,
            'The workflow\'s \'QueryLanguage\' must be "JSONPath" or "JSONata", got the string '
            "\"jsonata\": did you mean 'JSONata'?",
        ),
        (
            "error",
            "FIELD_NOT_IN_QUERY_LANGUAGE",
            "/States/S/Parameters",
            None,
            None,
            "'Parameters' is only supported in JSONPath, but state 'S' uses JSONata: remove it "
            "(JSONata states shape data with 'Arguments' and 'Output', and take expressions \"{% "
            '... %}" where JSONPath states take ...Path fields)',
        ),
    ]


def test_a_state_query_language_other_than_the_two_counts_as_jsonata() -> None:
    document = workflow(
        ("S", {"Type": "Pass", "QueryLanguage": "JSONATA", "Output": {}, "End": True})
    )

    assert problems_of_dict(document) == [
        (
            "error",
            "INVALID_VALUE",
            "/States/S/QueryLanguage",
            None,
            None,
            "'QueryLanguage' of state 'S' must be \"JSONPath\" or \"JSONata\", got the string "
            "\"JSONATA\": did you mean 'JSONata'?",
        ),
    ]


def test_a_jsonpath_workflow_may_hold_jsonata_states() -> None:
    document = workflow(
        ("S", {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% 1 %}", "Next": "T"}),
        ("T", {"Type": "Pass", "Parameters": {"a.$": "$.a"}, "End": True}),
    )

    assert problems_of_dict(document) == []


def test_the_states_of_a_processor_take_the_workflow_language_not_the_map_one() -> None:
    document = workflow(
        (
            "M",
            {
                "Type": "Map",
                "QueryLanguage": "JSONata",
                "ItemProcessor": {
                    "StartAt": "I",
                    "States": {"I": {"Type": "Pass", "Output": 1, "End": True}},
                },
                "End": True,
            },
        )
    )

    assert problems_of_dict(document) == [
        (
            "error",
            "FIELD_NOT_IN_QUERY_LANGUAGE",
            "/States/M/ItemProcessor/States/I/Output",
            None,
            None,
            "'Output' is only supported in JSONata, but state 'I' uses JSONPath: set "
            '"QueryLanguage": "JSONata" on the state or the workflow, or use the JSONPath fields',
        ),
    ]


def test_a_processor_cannot_set_a_query_language() -> None:
    document = workflow(
        (
            "M",
            {
                "Type": "Map",
                "ItemProcessor": {**_PROCESSOR, "QueryLanguage": "JSONata"},
                "End": True,
            },
        )
    )

    assert problems_of_dict(document) == [
        (
            "error",
            "UNSUPPORTED_FIELD",
            "/States/M/ItemProcessor/QueryLanguage",
            None,
            None,
            "The ItemProcessor of Map state 'M' cannot set 'QueryLanguage': only the workflow's "
            "top level takes it (a branch or processor has StartAt, States and Comment, and "
            "ProcessorConfig)",
        ),
    ]


def test_a_branch_cannot_set_a_query_language() -> None:
    document = workflow(
        (
            "P",
            {
                "Type": "Parallel",
                "Branches": [{**_PROCESSOR, "QueryLanguage": "JSONPath"}],
                "End": True,
            },
        )
    )

    assert problems_of_dict(document) == [
        (
            "error",
            "UNSUPPORTED_FIELD",
            "/States/P/Branches/0/QueryLanguage",
            None,
            None,
            "Branch 0 of Parallel state 'P' cannot set 'QueryLanguage': only the workflow's top "
            "level takes it (a branch or processor has StartAt, States and Comment)",
        ),
    ]


def test_a_dollar_key_is_a_jsonpath_field() -> None:
    document = {
        "QueryLanguage": "JSONata",
        "StartAt": "F",
        "States": {"F": {"Type": "Fail", "Cause.$": "$.c"}},
    }

    assert problems_of_dict(document) == [
        (
            "error",
            "FIELD_NOT_IN_QUERY_LANGUAGE",
            "/States/F/Cause.$",
            None,
            None,
            "'Cause.$' is only supported in JSONPath, but state 'F' uses JSONata: remove it "
            "(JSONata states shape data with 'Arguments' and 'Output', and take expressions \"{% "
            '... %}" where JSONPath states take ...Path fields)',
        ),
    ]


def test_a_jsonata_choice_rule_takes_no_jsonpath_operators() -> None:
    document = {
        "QueryLanguage": "JSONata",
        "StartAt": "C",
        "States": {
            "C": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.a", "StringEquals": "x", "Next": "E"}],
                "Default": "E",
            },
            "E": PASS_END,
        },
    }

    assert problems_of_dict(document) == [
        (
            "error",
            "FIELD_NOT_IN_QUERY_LANGUAGE",
            "/States/C/Choices/0/Variable",
            None,
            None,
            "'Variable' in choice rule 0 is only supported in JSONPath, but state 'C' uses "
            'JSONata: write the test as "Condition": "{% <JSONata expression> %}"',
        ),
        (
            "error",
            "FIELD_NOT_IN_QUERY_LANGUAGE",
            "/States/C/Choices/0/StringEquals",
            None,
            None,
            "'StringEquals' in choice rule 0 is only supported in JSONPath, but state 'C' uses "
            'JSONata: write the test as "Condition": "{% <JSONata expression> %}"',
        ),
        (
            "error",
            "MISSING_FIELD",
            "/States/C/Choices/0",
            None,
            None,
            "The choice rule 0 of state 'C' has no 'Condition': add \"Condition\": \"{% <JSONata "
            'expression> %}"',
        ),
    ]


def test_a_condition_in_a_jsonpath_state_is_refused_alone() -> None:
    document = workflow(
        (
            "C",
            {
                "Type": "Choice",
                "Choices": [{"Condition": "{% true %}", "Next": "E"}],
                "Default": "E",
            },
        ),
        ("E", PASS_END),
    )

    assert problems_of_dict(document) == [
        (
            "error",
            "FIELD_NOT_IN_QUERY_LANGUAGE",
            "/States/C/Choices/0/Condition",
            None,
            None,
            "'Condition' in choice rule 0 is only supported in JSONata, but state 'C' uses "
            'JSONPath: set "QueryLanguage": "JSONata" on the state or the workflow, or use the '
            "JSONPath fields",
        ),
    ]


def test_a_jsonpath_choice_rule_takes_no_output() -> None:
    document = workflow(
        (
            "C",
            {
                "Type": "Choice",
                "Choices": [{"Variable": "$.a", "IsPresent": True, "Output": {}, "Next": "E"}],
                "Default": "E",
            },
        ),
        ("E", PASS_END),
    )

    assert problems_of_dict(document) == [
        (
            "error",
            "FIELD_NOT_IN_QUERY_LANGUAGE",
            "/States/C/Choices/0/Output",
            None,
            None,
            "'Output' in choice rule 0 is only supported in JSONata, but state 'C' uses JSONPath: "
            'set "QueryLanguage": "JSONata" on the state or the workflow, or use the JSONPath '
            "fields",
        ),
    ]


def test_map_readers_batchers_and_writers_follow_the_jsonata_language() -> None:
    document = {
        "QueryLanguage": "JSONata",
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "Parameters": {},
                    "ReaderConfig": {"MaxItemsPath": "$.n"},
                },
                "ItemBatcher": {
                    "MaxItemsPerBatchPath": "$.b",
                    "MaxInputBytesPerBatch": "{% 1024 %}",
                },
                "ResultWriter": {"Resource": "r", "Parameters": {}},
                "ItemProcessor": _PROCESSOR,
                "End": True,
            }
        },
    }

    assert problems_of_dict(document) == [
        (
            "error",
            "FIELD_NOT_IN_QUERY_LANGUAGE",
            "/States/M/ItemReader/Parameters",
            None,
            None,
            "'Parameters' in the ItemReader is only supported in JSONPath, but state 'M' uses "
            "JSONata: remove it (JSONata states shape data with 'Arguments' and 'Output', and "
            'take expressions "{% ... %}" where JSONPath states take ...Path fields)',
        ),
        (
            "error",
            "FIELD_NOT_IN_QUERY_LANGUAGE",
            "/States/M/ItemReader/ReaderConfig/MaxItemsPath",
            None,
            None,
            "'MaxItemsPath' in the ReaderConfig is only supported in JSONPath, but state 'M' uses "
            "JSONata: remove it (JSONata states shape data with 'Arguments' and 'Output', and "
            'take expressions "{% ... %}" where JSONPath states take ...Path fields)',
        ),
        (
            "error",
            "FIELD_NOT_IN_QUERY_LANGUAGE",
            "/States/M/ItemBatcher/MaxItemsPerBatchPath",
            None,
            None,
            "'MaxItemsPerBatchPath' in the ItemBatcher is only supported in JSONPath, but state "
            "'M' uses JSONata: remove it (JSONata states shape data with 'Arguments' and "
            "'Output', and take expressions \"{% ... %}\" where JSONPath states take ...Path "
            "fields)",
        ),
        (
            "error",
            "FIELD_NOT_IN_QUERY_LANGUAGE",
            "/States/M/ResultWriter/Parameters",
            None,
            None,
            "'Parameters' in the ResultWriter is only supported in JSONPath, but state 'M' uses "
            "JSONata: remove it (JSONata states shape data with 'Arguments' and 'Output', and "
            'take expressions "{% ... %}" where JSONPath states take ...Path fields)',
        ),
    ]


def test_map_readers_and_writers_follow_the_jsonpath_language() -> None:
    document = workflow(
        (
            "M",
            {
                "Type": "Map",
                "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "Arguments": {}},
                "ResultWriter": {"Resource": "r", "Arguments": {}},
                "ItemProcessor": _PROCESSOR,
                "End": True,
            },
        )
    )

    assert problems_of_dict(document) == [
        (
            "error",
            "FIELD_NOT_IN_QUERY_LANGUAGE",
            "/States/M/ItemReader/Arguments",
            None,
            None,
            "'Arguments' in the ItemReader is only supported in JSONata, but state 'M' uses "
            'JSONPath: set "QueryLanguage": "JSONata" on the state or the workflow, or use the '
            "JSONPath fields",
        ),
        (
            "error",
            "FIELD_NOT_IN_QUERY_LANGUAGE",
            "/States/M/ResultWriter/Arguments",
            None,
            None,
            "'Arguments' in the ResultWriter is only supported in JSONata, but state 'M' uses "
            'JSONPath: set "QueryLanguage": "JSONata" on the state or the workflow, or use the '
            "JSONPath fields",
        ),
    ]


def test_every_jsonata_field_takes_expressions() -> None:
    document = {
        "QueryLanguage": "JSONata",
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": "r",
                "Arguments": {"list": ["{% $states.input.a %}", {"b": "{% 1 + 1 %}"}]},
                "Credentials": {"RoleArn": "{% 'arn:' & $states.input.role %}"},
                "TimeoutSeconds": "{% 30 %}",
                "HeartbeatSeconds": "{% 10 %}",
                "Output": "{% $states.result %}",
                "Assign": {"seen": "{% $states.result.n %}"},
                "Catch": [
                    {
                        "ErrorEquals": ["States.ALL"],
                        "Output": {"error": "{% $states.errorOutput %}"},
                        "Assign": {"failed": True},
                        "Next": "F",
                    }
                ],
                "Next": "C",
            },
            "C": {
                "Type": "Choice",
                "Choices": [
                    {
                        "Condition": "{% $seen > 1 %}",
                        "Output": "{% $seen %}",
                        "Assign": {"big": "{% $seen %}"},
                        "Next": "W",
                    }
                ],
                "Default": "W",
            },
            "W": {"Type": "Wait", "Seconds": "{% 1 %}", "Next": "X"},
            "X": {"Type": "Wait", "Timestamp": "{% $now() %}", "Next": "M"},
            "M": {
                "Type": "Map",
                "Items": "{% [1, 2] %}",
                "ItemSelector": {"value": "{% $states.context.Map.Item.Value %}"},
                "MaxConcurrency": "{% 2 %}",
                "ToleratedFailurePercentage": "{% 10 %}",
                "ToleratedFailureCount": "{% 1 %}",
                "ItemBatcher": {"MaxItemsPerBatch": "{% 2 %}", "BatchInput": {"k": "{% 1 %}"}},
                "ItemProcessor": _PROCESSOR,
                "Next": "P",
            },
            "P": {
                "Type": "Parallel",
                "Arguments": "{% $states.input %}",
                "Branches": [{"StartAt": "J", "States": {"J": PASS_END}}],
                "End": True,
            },
            "F": {"Type": "Fail", "Error": "{% 'E' %}", "Cause": "{% $string($failed) %}"},
        },
    }

    assert problems_of_dict(document) == []
