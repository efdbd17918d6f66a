"""Reading Step Functions Local mock files: AWS's format, our Expectations, exact errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from asl.testing.mock_config import (
    Expectation,
    MockConfigError,
    MockedCall,
    MockedResponse,
    load_mock_config,
    parse_mock_config,
)

AWS_EXAMPLE: dict[str, Any] = {
    "StateMachines": {
        "LambdaSQSIntegration": {
            "TestCases": {
                "HappyPath": {"LambdaState": "MockedLambdaSuccess", "SQSState": "MockedSQSSuccess"},
                "RetryPath": {"LambdaState": "MockedLambdaRetry", "SQSState": "MockedSQSSuccess"},
                "HybridPath": {"LambdaState": "MockedLambdaSuccess"},
            }
        }
    },
    "MockedResponses": {
        "MockedLambdaSuccess": {
            "0": {"Return": {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hi"}}}
        },
        "MockedSQSSuccess": {"0": {"Return": {"MessageId": "3bcb6e8e"}}},
        "MockedLambdaRetry": {
            "0": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "not ready"}},
            "1-2": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "timed out"}},
            "3": {"Return": {"StatusCode": 200}},
        },
    },
}


def test_the_aws_documented_file_reads_as_is() -> None:
    cases = parse_mock_config(AWS_EXAMPLE).test_cases(None, "MockConfigFile.json")
    assert list(cases) == ["HappyPath", "RetryPath", "HybridPath"]
    retry = cases["RetryPath"].mocks["LambdaState"]
    assert retry == MockedResponse(
        "MockedLambdaRetry",
        (
            MockedCall(error="Lambda.ResourceNotReadyException", cause="not ready"),
            MockedCall(error="Lambda.TimeoutException", cause="timed out"),
            MockedCall(error="Lambda.TimeoutException", cause="timed out"),
            MockedCall({"StatusCode": 200}),
        ),
    )
    assert retry.call(4) is None
    assert list(cases["HybridPath"].mocks) == ["LambdaState"]
    assert cases["HappyPath"].expectation == Expectation(input={})


def test_ranges_fold_back_when_written() -> None:
    response = parse_mock_config(AWS_EXAMPLE).machines["LambdaSQSIntegration"]["RetryPath"]
    assert (
        response.mocks["LambdaState"].to_json()
        == AWS_EXAMPLE["MockedResponses"]["MockedLambdaRetry"]
    )


def test_expectations_give_input_and_checks() -> None:
    data = {
        "StateMachines": {
            "wf": {
                "TestCases": {"Happy": {}},
                "Expectations": {
                    "Happy": {
                        "Input": {"n": 1},
                        "Status": "SUCCEEDED",
                        "Path": ["A", "B"],
                        "Output": None,
                    }
                },
            }
        },
        "MockedResponses": {},
    }
    expectation = parse_mock_config(data).machines["wf"]["Happy"].expectation
    assert expectation == Expectation({"n": 1}, "SUCCEEDED", ["A", "B"], None, True)


def problems(data: Any) -> list[tuple[str, str]]:
    with pytest.raises(MockConfigError) as raised:
        parse_mock_config(data, "mocks.json")
    return raised.value.problems


def test_every_problem_is_reported_with_its_pointer() -> None:
    data = {
        "StateMachines": {
            "wf": {
                "TestCases": {"A": {"S1": "Missing", "S2": 3}},
                "Expectations": {"B": {}, "A": {"Status": "DONE", "Path": "S1", "Extra": 1}},
                "Other": {},
            }
        },
        "MockedResponses": {
            "Gap": {"0": {"Return": 1}, "2": {"Return": 2}},
            "Both": {"0": {"Return": 1, "Throw": {"Error": "E"}}},
            "BadKey": {"first": {"Return": 1}, "1-0": {"Return": 1}},
            "NoError": {"0": {"Throw": {"Cause": "why"}}},
            "Twice": {"0-1": {"Return": 1}, "1": {"Return": 2}},
            "Empty": {},
        },
        "Extra": True,
    }
    assert problems(data) == [
        ("/Extra", "unknown field: use StateMachines, MockedResponses"),
        (
            "/MockedResponses/Gap",
            "invocations must run from 0 without gaps: invocation 1 is missing",
        ),
        ("/MockedResponses/Both/0", 'must have exactly one of "Return" (a value) or "Throw"'),
        (
            "/MockedResponses/BadKey/first",
            'an invocation key is a number from 0 ("0") or a range ("1-3")',
        ),
        (
            "/MockedResponses/BadKey/1-0",
            'an invocation key is a number from 0 ("0") or a range ("1-3")',
        ),
        ("/MockedResponses/NoError/0/Throw/Error", 'must be the error name, e.g. "Agent.Timeout"'),
        ("/MockedResponses/Twice/1", "invocation 1 is given twice"),
        (
            "/MockedResponses/Empty",
            'has no invocations: add "0": {"Return": ...} or {"Throw": ...}',
        ),
        ("/StateMachines/wf/Other", "unknown field: use TestCases, Expectations"),
        (
            "/StateMachines/wf/Expectations/B",
            "there is no test case 'B' in TestCases: add it or fix the name",
        ),
        (
            "/StateMachines/wf/TestCases/A/S1",
            'names the mocked response "Missing", which is not in MockedResponses (it has: '
            "BadKey, Both, Empty, Gap, NoError, Twice)",
        ),
        (
            "/StateMachines/wf/TestCases/A/S2",
            "names the mocked response 3, which is not in MockedResponses (it has: "
            "BadKey, Both, Empty, Gap, NoError, Twice)",
        ),
        (
            "/StateMachines/wf/Expectations/A/Extra",
            "unknown field: use Input, Status, Path, Output, Error, Cause",
        ),
        (
            "/StateMachines/wf/Expectations/A/Status",
            "must be one of SUCCEEDED, FAILED, PAUSED, TIMED_OUT, ABORTED",
        ),
        ("/StateMachines/wf/Expectations/A/Path", "must be a list of state names"),
    ]


def test_the_message_lists_the_problems_under_the_file() -> None:
    with pytest.raises(MockConfigError) as raised:
        parse_mock_config({"StateMachines": [], "MockedResponses": {}}, "mocks.json")
    assert str(raised.value) == (
        "mocks.json is not a usable mock configuration:\n"
        "  mocks.json#/StateMachines: StateMachines must be an object, got []"
    )


def test_a_file_without_state_machines() -> None:
    assert problems({"MockedResponses": {}}) == [
        ("", 'has no "StateMachines": add {"StateMachines": {NAME: {"TestCases": {}}}}')
    ]


def test_files_that_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(MockConfigError) as raised:
        load_mock_config(str(tmp_path / "none.json"))
    assert raised.value.problems == [("", "cannot read the file: No such file or directory")]
    bad = tmp_path / "bad.json"
    bad.write_text('{"StateMachines": \n}')
    with pytest.raises(MockConfigError) as raised:
        load_mock_config(str(bad))
    assert raised.value.problems == [("", "not valid JSON: Expecting value at line 2, column 1")]


def test_choosing_the_state_machine() -> None:
    data = json.loads(json.dumps(AWS_EXAMPLE))
    data["StateMachines"]["Second"] = {"TestCases": {}}
    config = parse_mock_config(data)
    assert config.test_cases("Second", "m.json") == {}
    with pytest.raises(MockConfigError) as raised:
        config.test_cases(None, "m.json")
    assert raised.value.problems == [
        (
            "/StateMachines",
            "name the state machine to test (--state-machine): LambdaSQSIntegration, Second",
        )
    ]
    with pytest.raises(MockConfigError) as raised:
        config.test_cases("Third", "m.json")
    assert raised.value.problems == [
        ("/StateMachines", "has no state machine 'Third'; it has: LambdaSQSIntegration, Second")
    ]
