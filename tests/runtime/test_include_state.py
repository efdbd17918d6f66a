"""Running workflows that include templates: outputs, errors and the history."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from asl import AgentError, AgentRegistry, WorkflowEngine, WorkflowResult

VALIDATE = {
    "Parameters": {
        "schema": {"Type": "string", "Required": True},
        "strict": {"Type": "boolean", "Default": True},
    },
    "StartAt": "Check",
    "States": {
        "Check": {
            "Type": "Task",
            "Agent": "Validator",
            "Parameters": {"data.$": "$.data", "schema": "{{schema}}", "strict": "{{strict}}"},
            "Catch": [{"ErrorEquals": ["Invalid"], "ResultPath": "$.problem", "Next": "Rejected"}],
            "Next": "Accepted",
        },
        "Accepted": {"Type": "Pass", "Parameters": {"valid": True, "checked.$": "$"}, "End": True},
        "Rejected": {
            "Type": "Pass",
            "Parameters": {"valid": False, "why.$": "$.problem.Cause"},
            "Output": "failure",
        },
    },
}


def validator(parameters: dict[str, Any]) -> Any:
    if parameters["data"].get("name") is None:
        raise AgentError("Invalid", f"schema {parameters['schema']} needs a name")
    if parameters["data"].get("name") == "boom":
        raise AgentError("Broken", "the validator broke")
    return {"schema": parameters["schema"], "strict": parameters["strict"]}


def engine_for(
    tmp_path: Path, include: dict[str, Any], *more: tuple[str, Any], **options: Any
) -> WorkflowEngine:
    (tmp_path / "validate.asl.json").write_text(json.dumps(VALIDATE), encoding="utf-8")
    document = {
        "Imports": {"validation": "./validate.asl.json"},
        "StartAt": "Validate",
        "States": {"Validate": include, **dict(more)},
    }
    path = tmp_path / "main.asl.json"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return WorkflowEngine.from_file(path, AgentRegistry({"Validator": validator}), **options)


def include(**fields: Any) -> dict[str, Any]:
    return {
        "Type": "Include",
        "Template": "validation",
        "Parameters": {"schema": "user"},
        "End": True,
        **fields,
    }


def states_entered(result: WorkflowResult) -> list[str]:
    return [e["state"] for e in result.trace if e["type"].endswith("StateEntered")]


def test_the_template_output_replaces_the_input_by_default(tmp_path: Path) -> None:
    result = engine_for(tmp_path, include()).run({"data": {"name": "Ada"}})

    assert result.output == {"valid": True, "checked": {"schema": "user", "strict": True}}


def test_result_path_places_the_template_output_in_the_input(tmp_path: Path) -> None:
    engine = engine_for(tmp_path, include(ResultPath="$.validation"))

    result = engine.run({"data": {"name": "Ada"}})

    assert result.output == {
        "data": {"name": "Ada"},
        "validation": {"valid": True, "checked": {"schema": "user", "strict": True}},
    }
    assert states_entered(result) == [
        "Validate",
        "Validate.Check",
        "Validate.Accepted",
        "Validate.Result",
    ]


def test_a_catch_inside_the_template_routes_within_it(tmp_path: Path) -> None:
    engine = engine_for(tmp_path, include(ResultPath="$.validation", OutputPath="$.validation"))

    result = engine.run({"data": {}})

    assert result.output == {"valid": False, "why": "schema user needs a name"}


def test_an_error_the_template_does_not_catch_reaches_the_include_catch(tmp_path: Path) -> None:
    state = include(
        Catch=[{"ErrorEquals": ["Broken"], "ResultPath": "$.error", "Next": "Fallback"}]
    )
    del state["End"]
    engine = engine_for(
        tmp_path,
        {**state, "Next": "Done"},
        ("Done", {"Type": "Succeed"}),
        ("Fallback", {"Type": "Pass", "OutputPath": "$.error", "End": True}),
    )

    result = engine.run({"data": {"name": "boom"}})

    assert result.output == {"Error": "Broken", "Cause": "the validator broke"}


def test_an_uncaught_template_error_fails_the_run_with_its_own_name(tmp_path: Path) -> None:
    result = engine_for(tmp_path, include()).run({"data": {"name": "boom"}})

    assert (result.status, result.error, result.cause) == (
        "FAILED",
        "Broken",
        "the validator broke",
    )


def test_parameters_with_a_dynamic_value_are_read_at_run_time(tmp_path: Path) -> None:
    engine = engine_for(tmp_path, include(Parameters={"schema": "user", "strict.$": "$.strict"}))

    result = engine.run({"data": {"name": "Ada"}, "strict": False})

    assert result.output == {"valid": True, "checked": {"schema": "user", "strict": False}}


def test_assign_on_an_include_reads_the_template_output(tmp_path: Path) -> None:
    engine = engine_for(
        tmp_path,
        {
            **{k: v for k, v in include().items() if k != "End"},
            "ResultPath": "$.v",
            "Assign": {"wasValid.$": "$.valid"},
            "Next": "Show",
        },
        ("Show", {"Type": "Pass", "Parameters": {"seen.$": "$wasValid"}, "End": True}),
    )

    result = engine.run({"data": {"name": "Ada"}})

    assert result.output == {"seen": True}


def test_a_jsonata_workflow_includes_and_runs_a_child(tmp_path: Path) -> None:
    times = {
        "QueryLanguage": "JSONata",
        "StartAt": "S",
        "States": {"S": {"Type": "Pass", "Output": "{% $states.input.x * {{n}} %}", "End": True}},
    }
    plus_one = {
        "QueryLanguage": "JSONata",
        "StartAt": "P",
        "States": {"P": {"Type": "Pass", "Output": "{% $states.input.x + 1 %}", "End": True}},
    }
    main = {
        "QueryLanguage": "JSONata",
        "Imports": {"times": "./times.asl.json", "plus": "./plus.asl.json"},
        "StartAt": "Triple",
        "States": {
            "Triple": {
                "Type": "Include",
                "Template": "times",
                "Parameters": {"n": 3},
                "Next": "AddOne",
            },
            "AddOne": {
                "Type": "Workflow",
                "WorkflowId": "plus",
                "Input": {"x": "{% $states.input %}"},
                "End": True,
            },
        },
    }
    for name, document in (("times", times), ("plus", plus_one), ("main", main)):
        (tmp_path / f"{name}.asl.json").write_text(json.dumps(document), encoding="utf-8")

    result = WorkflowEngine.from_file(tmp_path / "main.asl.json").run({"x": 2})

    assert (result.status, result.output) == ("SUCCEEDED", 7)


def test_a_paused_execution_resumes_without_the_template_files(
    tmp_path: Path, monkeypatch: Any
) -> None:
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    state = {k: v for k, v in include(ResultPath="$.validation").items() if k != "End"}
    approve = {"Type": "Approval", "Prompt": "ok?", "ResultPath": "$.ok", "End": True}
    engine = engine_for(tmp_path, {**state, "Next": "Approve"}, ("Approve", approve), store=url)

    paused = engine.run({"data": {"name": "Ada"}}, execution_id="run-7")
    (tmp_path / "validate.asl.json").unlink()  # the stored definition is the expanded one
    monkeypatch.chdir(tmp_path.parent)

    async def resume() -> WorkflowResult:
        later = await WorkflowEngine.afrom_store(
            "run-7", AgentRegistry({"Validator": validator}), store=url
        )
        return await later.aresume("run-7", {"approval": "approve"})

    result = asyncio.run(resume())

    assert paused.status == "PAUSED"
    assert (result.status, result.output["validation"]) == (
        "SUCCEEDED",
        {"valid": True, "checked": {"schema": "user", "strict": True}},
    )
