"""Every Choice operator against values of every JSON type, as recorded on AWS.

The cases come from executions that ran on AWS Step Functions (the snapshots
LocalStack records against AWS); ``cases/choice_aws_operators.json`` names the
snapshot of each group.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from asl.language.choice import compile_rule

_CASES = json.loads(
    (Path(__file__).parent / "cases" / "choice_aws_operators.json").read_text(encoding="utf-8")
)


def _params() -> list[Any]:
    params = []
    for group in _CASES["groups"]:
        for index, case in enumerate(group["cases"]):
            params.append(pytest.param(group["operator"], case, id=f"{group['operator']}-{index}"))
    return params


@pytest.mark.parametrize(("operator", "case"), _params())
def test_operator_matches_as_recorded_on_aws(operator: str, case: dict[str, Any]) -> None:
    operand = "$.Value" if operator.endswith("Path") else case["value"]
    rule = compile_rule({"Variable": "$.Variable", operator: operand, "Next": "X"}, "/r")
    data = {"Variable": case["variable"], "Value": case["value"]}

    assert rule.evaluate(data) is case["result"], (
        f"{rule!r} on {json.dumps(data)}: expected {case['result']}"
    )


def test_every_operator_with_a_recorded_group_is_covered() -> None:
    recorded = {group["operator"] for group in _CASES["groups"]}

    assert len(recorded) == 37
    assert "StringMatches" not in recorded and "IsTimestamp" not in recorded
