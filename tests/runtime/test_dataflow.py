"""InputPath → Parameters → result → ResultSelector → ResultPath → OutputPath, as AWS."""

from __future__ import annotations

from typing import Any

from tests.runtime.conftest import machine


def test_pass_without_fields_passes_input_through(run: Any) -> None:
    result = run(machine(("P", {"Type": "Pass", "End": True})), {"a": 1})
    assert result.status == "SUCCEEDED"
    assert result.output == {"a": 1}


def test_input_is_empty_object_when_none_given(run: Any) -> None:
    assert run(machine(("P", {"Type": "Pass", "End": True}))).output == {}


def test_parameters_build_new_object_from_paths_and_static_values(run: Any) -> None:
    state = {"Type": "Pass", "Parameters": {"a.$": "$.a", "i": 1, "lit": "$.a"}, "End": True}
    assert run(machine(("P", state)), {"a": [1, 2]}).output == {"a": [1, 2], "i": 1, "lit": "$.a"}


def test_nested_parameters_and_arrays_are_resolved(run: Any) -> None:
    state = {
        "Type": "Pass",
        "Parameters": {"outer": {"x.$": "$.x", "list": [{"y.$": "$.y"}, 3]}},
        "End": True,
    }
    assert run(machine(("P", state)), {"x": 1, "y": 2}).output == {
        "outer": {"x": 1, "list": [{"y": 2}, 3]}
    }


def test_result_path_inserts_result_creating_intermediate_objects(run: Any) -> None:
    state = {"Type": "Pass", "Result": {"v": 1}, "ResultPath": "$.a.b", "End": True}
    assert run(machine(("P", state)), {"keep": True}).output == {"keep": True, "a": {"b": {"v": 1}}}


def test_result_path_null_discards_result(run: Any) -> None:
    state = {"Type": "Pass", "Result": "x", "ResultPath": None, "End": True}
    assert run(machine(("P", state)), {"keep": 1}).output == {"keep": 1}


def test_input_path_null_gives_empty_object(run: Any) -> None:
    state = {"Type": "Pass", "InputPath": None, "End": True}
    assert run(machine(("P", state)), {"a": 1}).output == {}


def test_output_path_null_gives_empty_object(run: Any) -> None:
    state = {"Type": "Pass", "OutputPath": None, "End": True}
    assert run(machine(("P", state)), {"a": 1}).output == {}


def test_input_path_and_output_path_select(run: Any) -> None:
    state = {
        "Type": "Pass",
        "InputPath": "$.in",
        "ResultPath": "$.r",
        "OutputPath": "$.r",
        "Result": 5,
        "End": True,
    }
    assert run(machine(("P", state)), {"in": {"x": 1}}).output == 5


def test_result_replaces_input_by_default(run: Any) -> None:
    state = {"Type": "Pass", "Result": [1, 2], "End": True}
    assert run(machine(("P", state)), {"a": 1}).output == [1, 2]


def test_result_selector_shapes_task_result_before_result_path(run: Any) -> None:
    state = {
        "Type": "Task",
        "Agent": "Echo",
        "ResultSelector": {"v.$": "$.value", "static": 1},
        "ResultPath": "$.out",
        "End": True,
    }
    result = run(machine(("T", state)), {"value": 7}, {"Echo": lambda p: p})
    assert result.output == {"value": 7, "out": {"v": 7, "static": 1}}


def test_missing_parameter_path_fails_with_runtime_error(run: Any) -> None:
    state = {"Type": "Pass", "Parameters": {"a.$": "$.missing"}, "End": True}
    result = run(machine(("P", state)), {"x": 1})
    assert result.status == "FAILED"
    assert result.error == "States.Runtime"
    assert result.cause.startswith(
        "An error occurred while executing the state 'P' (entered at the event id #2). "
        "The JSONPath '$.missing' specified for the field 'a.$' could not be found in the input"
    )


def test_input_path_selecting_nothing_fails(run: Any) -> None:
    state = {"Type": "Pass", "InputPath": "$.nope", "End": True}
    result = run(machine(("P", state)), {"x": 1})
    assert result.error == "States.Runtime"
    assert result.cause.startswith(
        "An error occurred while executing the state 'P' (entered at the event id #2). "
        "Invalid path '$.nope'"
    )


def test_context_object_is_available_to_parameters(run: Any) -> None:
    state = {
        "Type": "Pass",
        "Parameters": {
            "id.$": "$$.Execution.Id",
            "state.$": "$$.State.Name",
            "input.$": "$$.Execution.Input",
        },
        "End": True,
    }
    assert run(machine(("Here", state)), {"a": 1}).output == {
        "id": "exec-1",
        "state": "Here",
        "input": {"a": 1},
    }


def test_intrinsic_in_parameters(run: Any) -> None:
    state = {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "End": True}
    assert run(machine(("P", state)), {"i": 41}).output == {"i": 42}


def test_outputs_do_not_share_mutable_state_with_result(run: Any) -> None:
    definition = machine(
        ("A", {"Type": "Pass", "Result": {"list": []}, "Next": "B"}),
        ("B", {"Type": "Task", "Agent": "Mutate", "End": True}),
    )

    def mutate(parameters: dict[str, Any]) -> dict[str, Any]:
        parameters["list"].append(1)
        return parameters

    first = run(definition, {}, {"Mutate": mutate})
    second = run(definition, {}, {"Mutate": mutate})
    assert first.output == second.output == {"list": [1]}
