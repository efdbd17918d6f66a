"""The Include state: what it expands to, its parameters, EntryPoint/ExitPoint and Override."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .composition_files import expanded, found, template, write

GREET = template(
    {
        "Greet": {
            "Type": "Task",
            "Agent": "{{agent}}",
            "Parameters": {"text": "{{greeting}}, {{name}}!", "times": "{{times}}"},
            "End": True,
        }
    },
    "Greet",
    Parameters={
        "greeting": {"Type": "string", "Required": True, "Enum": ["Hello", "Hi"]},
        "name": {"Type": "string", "Default": "world"},
        "times": {"Type": "integer", "Default": 1, "Min": 1, "Max": 3},
        "agent": {"Type": "string", "Default": "Greeter"},
    },
)


def main(directory: Path, *states: tuple[str, dict[str, Any]], **top: Any) -> Path:
    imports = top.pop("Imports", {"greet": "./templates/greet.asl.json"})
    write(directory, "templates/greet.asl.json", GREET)
    document = {"Imports": imports, "StartAt": states[0][0], "States": dict(states), **top}
    return write(directory, "main.asl.json", document)


def include(**fields: Any) -> dict[str, Any]:
    return {"Type": "Include", "Template": "greet", "End": True, **fields}


# --- what an Include becomes ------------------------------------------------------------


def test_an_include_becomes_a_one_branch_parallel_with_renamed_states(tmp_path: Path) -> None:
    path = main(tmp_path, ("Hello", include(Parameters={"greeting": "Hi", "times": 2})))

    assert expanded(path) == {
        "StartAt": "Hello",
        "States": {
            "Hello": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "Hello.Greet",
                        "States": {
                            "Hello.Greet": {
                                "Type": "Task",
                                "Agent": "Greeter",
                                "Parameters": {"text": "Hi, world!", "times": 2},
                                "End": True,
                            }
                        },
                    }
                ],
                "OutputPath": "$[0]",
                "End": True,
            }
        },
    }


def test_a_result_path_adds_a_pass_state_that_unwraps_the_result(tmp_path: Path) -> None:
    state = include(
        Parameters={"greeting": "Hi"},
        ResultPath="$.greeting",
        OutputPath="$.greeting",
        Assign={"said.$": "$.text"},
    )
    path = main(tmp_path, ("Hello", state))

    states = expanded(path)["States"]

    assert list(states) == ["Hello", "Hello.Result"]
    assert {k: v for k, v in states["Hello"].items() if k != "Branches"} == {
        "Type": "Parallel",
        "ResultPath": "$.greeting",
        "Next": "Hello.Result",
    }
    assert states["Hello.Result"] == {
        "Type": "Pass",
        "InputPath": "$.greeting[0]",
        "ResultPath": "$.greeting",
        "Assign": {"said.$": "$.text"},
        "OutputPath": "$.greeting",
        "End": True,
    }


def test_a_null_result_path_keeps_the_input(tmp_path: Path) -> None:
    path = main(tmp_path, ("Hello", include(Parameters={"greeting": "Hi"}, ResultPath=None)))

    hello = expanded(path)["States"]["Hello"]

    assert (hello["ResultPath"], "OutputPath" in hello) == (None, False)


def test_retry_catch_and_input_path_go_to_the_parallel(tmp_path: Path) -> None:
    state = include(
        Parameters={"greeting": "Hi"},
        InputPath="$.user",
        Retry=[{"ErrorEquals": ["States.ALL"], "MaxAttempts": 1}],
        Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Oops"}],
    )
    path = main(tmp_path, ("Hello", state), ("Oops", {"Type": "Fail", "Error": "E"}))

    hello = expanded(path)["States"]["Hello"]

    assert (hello["InputPath"], hello["Retry"], hello["Catch"]) == (
        "$.user",
        [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 1}],
        [{"ErrorEquals": ["States.ALL"], "Next": "Oops"}],
    )


def test_a_template_included_twice_gets_two_sets_of_names(tmp_path: Path) -> None:
    path = main(
        tmp_path,
        ("A", {**include(Parameters={"greeting": "Hi"}), "End": False, "Next": "B"}),
        ("B", include(Parameters={"greeting": "Hello"})),
    )
    document = expanded(path)

    assert [list(s["Branches"][0]["States"]) for s in document["States"].values()] == [
        ["A.Greet"],
        ["B.Greet"],
    ]


def test_an_include_inside_a_parallel_branch_expands(tmp_path: Path) -> None:
    branch = {"StartAt": "In", "States": {"In": include(Parameters={"greeting": "Hi"})}}
    path = main(tmp_path, ("Fan", {"Type": "Parallel", "Branches": [branch], "End": True}))

    inner = expanded(path)["States"]["Fan"]["Branches"][0]["States"]["In"]

    assert list(inner["Branches"][0]["States"]) == ["In.Greet"]


def test_a_template_that_includes_another_template_nests(tmp_path: Path) -> None:
    outer = template(
        {
            "Wrap": {
                "Type": "Include",
                "Template": "greet",
                "Parameters": {"greeting": "Hi"},
                "End": True,
            }
        },
        "Wrap",
        Imports={"greet": "./greet.asl.json"},
    )
    write(tmp_path, "templates/outer.asl.json", outer)
    path = main(
        tmp_path,
        ("Top", {"Type": "Include", "Template": "outer", "End": True}),
        Imports={"outer": "./templates/outer.asl.json"},
    )

    top = expanded(path)["States"]["Top"]
    wrap = top["Branches"][0]["States"]["Top.Wrap"]

    assert list(wrap["Branches"][0]["States"]) == ["Top.Wrap.Greet"]


# --- parameters ---------------------------------------------------------------------------


def test_a_missing_required_parameter_is_an_error_at_the_include(tmp_path: Path) -> None:
    path = main(tmp_path, ("Hello", include(Parameters={"name": "Ada"})))

    assert found(path) == [
        (
            "MISSING_PARAMETER",
            "/States/Hello/Parameters",
            None,
            11,
            7,
            "State 'Hello' includes template 'greet' (./templates/greet.asl.json), whose "
            "parameter 'greeting' is required: add \"greeting\" to the Include's Parameters",
        )
    ]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"greeting": "Hey"}, 'must be one of "Hello", "Hi", got the string "Hey"'),
        ({"greeting": 1}, "must be a string, got the number 1"),
        ({"greeting": "Hi", "times": 4}, "must be of at most 3, got the number 4"),
        ({"greeting": "Hi", "times": 0}, "must be of at least 1, got the number 0"),
        ({"greeting": "Hi", "times": 1.5}, "must be an integer, got the number 1.5"),
    ],
)
def test_a_value_that_breaks_the_declaration_is_an_error(
    tmp_path: Path, given: dict[str, Any], message: str
) -> None:
    path = main(tmp_path, ("Hello", include(Parameters=given)))
    name = next(key for key, value in given.items() if key != "greeting" or len(given) == 1)

    assert [(f[0], f[1], f[5]) for f in found(path)] == [
        (
            "INVALID_PARAMETER",
            f"/States/Hello/Parameters/{name}",
            f"Parameter '{name}' of template 'greet' (./templates/greet.asl.json) {message}",
        )
    ]


def test_an_undeclared_parameter_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    path = main(tmp_path, ("Hello", include(Parameters={"greeting": "Hi", "nmae": "Ada"})))

    assert [(f[0], f[1], f[5]) for f in found(path)] == [
        (
            "UNKNOWN_PARAMETER",
            "/States/Hello/Parameters/nmae",
            "State 'Hello' passes 'nmae', which template 'greet' (./templates/greet.asl.json) "
            "does not declare: did you mean 'name'? (its parameters: greeting, name, times, "
            "agent)",
        )
    ]


def test_a_dynamic_parameter_becomes_a_path_in_the_payload(tmp_path: Path) -> None:
    path = main(tmp_path, ("Hello", include(Parameters={"greeting": "Hi", "times.$": "$.n"})))

    greet = expanded(path)["States"]["Hello"]["Branches"][0]["States"]["Hello.Greet"]

    assert greet["Parameters"] == {"text": "Hi, world!", "times.$": "$.n"}


def test_a_dynamic_parameter_inside_a_longer_string_is_an_error(tmp_path: Path) -> None:
    path = main(tmp_path, ("Hello", include(Parameters={"greeting": "Hi", "name.$": "$.who"})))

    assert [(f[0], f[1], f[5]) for f in found(path)] == [
        (
            "INVALID_PARAMETER",
            "/States/Hello",
            "State 'Hello' includes template 'greet' (./templates/greet.asl.json): at "
            "/States/Greet/Parameters/text: Parameter 'name' is given as a path ('name.$'), so "
            "it can only fill a whole value of a payload template (Parameters, ResultSelector, "
            "ItemSelector); here it is used in '{{name}}': pass a fixed value instead",
        )
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("{{who}}", "Ada"),
        ("{{who | upper}}", "ADA"),
        ("{{who | lower}}", "ada"),
        ("{{ who | json }}", '"Ada"'),
        ("{{nobody | default: 'someone'}}", "someone"),
        ("{{nobody | default: 3}}", 3),
        ("{{nobody | default: 'x' | upper}}", "X"),
        ("{{count}}", 2),
        ("n={{count}}", "n=2"),
        ("{{flags | json}}", '{"a": true}'),
        ("{{flags}}", {"a": True}),
        ("[{{flags}}]", '[{"a": true}]'),
        ("{{$.kept}}", "{{$.kept}}"),
    ],
)
def test_placeholders_and_filters(tmp_path: Path, text: str, value: Any) -> None:
    write(
        tmp_path,
        "templates/t.asl.json",
        template({"S": {"Type": "Pass", "Result": {"v": text}, "End": True}}, "S"),
    )
    path = main(
        tmp_path,
        (
            "I",
            {
                "Type": "Include",
                "Template": "t",
                "End": True,
                "Parameters": {"who": "Ada", "count": 2, "flags": {"a": True}},
            },
        ),
        Imports={"t": "./templates/t.asl.json"},
    )

    state = expanded(path)["States"]["I"]["Branches"][0]["States"]["I.S"]

    assert state["Result"] == {"v": value}


def test_an_unknown_filter_is_an_error(tmp_path: Path) -> None:
    write(
        tmp_path,
        "templates/t.asl.json",
        template({"S": {"Type": "Pass", "Result": "{{who | uppr}}", "End": True}}, "S"),
    )
    path = main(
        tmp_path,
        ("I", {"Type": "Include", "Template": "t", "Parameters": {"who": "x"}, "End": True}),
        Imports={"t": "./templates/t.asl.json"},
    )

    assert [f[5] for f in found(path)] == [
        "State 'I' includes template 't' (./templates/t.asl.json): at /States/S/Result: "
        "'{{who | uppr}}' uses the unknown filter 'uppr': did you mean 'upper'?; the filters "
        "are default, upper, lower, json"
    ]


def test_a_placeholder_without_a_value_is_an_error(tmp_path: Path) -> None:
    write(
        tmp_path,
        "templates/t.asl.json",
        template({"S": {"Type": "Pass", "Result": "{{who}}", "End": True}}, "S"),
    )
    path = main(
        tmp_path,
        ("I", {"Type": "Include", "Template": "t", "End": True}),
        Imports={"t": "./templates/t.asl.json"},
    )

    assert found(path) == [
        (
            "MISSING_PARAMETER",
            "/States/I",
            None,
            7,
            5,
            "State 'I' includes template 't' (./templates/t.asl.json): at /States/S/Result: "
            "'{{who}}' has no value: pass 'who' in the Include's Parameters, declare a Default "
            "for it, or write {{who | default: 'value'}}",
        )
    ]


def test_bad_declarations_are_reported_in_the_template_file(tmp_path: Path) -> None:
    declarations = {
        "a": {"Type": "text"},
        "b": {"Type": "integer", "Default": "x"},
        "c": {"Required": "yes"},
        "d": {"Enum": []},
        "e": {"Min": "1"},
        "f": {"Descripton": "typo"},
        "g": "string",
        "bad name": {},
    }
    write(
        tmp_path,
        "templates/t.asl.json",
        template({"S": {"Type": "Pass", "End": True}}, "S", Parameters=declarations),
    )
    path = main(
        tmp_path,
        ("I", {"Type": "Include", "Template": "t", "End": True}),
        Imports={"t": "./templates/t.asl.json"},
    )

    assert [f[:5] for f in found(path)] == [
        ("INVALID_VALUE", "/Parameters/a/Type", "t.asl.json", 4, 15),
        ("INVALID_VALUE", "/Parameters/b/Default", "t.asl.json", 8, 18),
        ("INVALID_TYPE", "/Parameters/c/Required", "t.asl.json", 11, 19),
        ("INVALID_TYPE", "/Parameters/d/Enum", "t.asl.json", 14, 15),
        ("INVALID_TYPE", "/Parameters/e/Min", "t.asl.json", 17, 14),
        ("UNKNOWN_FIELD", "/Parameters/f/Descripton", "t.asl.json", 20, 7),
        ("INVALID_TYPE", "/Parameters/g", "t.asl.json", 22, 10),
        ("INVALID_PARAMETER", "/Parameters/bad name", "t.asl.json", 23, 5),
    ]


# --- Override, EntryPoint, ExitPoint, modules -----------------------------------------------


def test_override_patches_a_template_state(tmp_path: Path) -> None:
    state = include(
        Parameters={"greeting": "Hi"},
        Override={"States": {"Greet": {"TimeoutSeconds": 60, "Parameters": {"times": None}}}},
    )
    path = main(tmp_path, ("Hello", state))

    greet = expanded(path)["States"]["Hello"]["Branches"][0]["States"]["Hello.Greet"]

    assert greet == {
        "Type": "Task",
        "Agent": "Greeter",
        "Parameters": {"text": "Hi, world!"},
        "End": True,
        "TimeoutSeconds": 60,
    }


def test_override_of_an_unknown_state_is_an_error(tmp_path: Path) -> None:
    state = include(Parameters={"greeting": "Hi"}, Override={"States": {"Gret": {}}})
    path = main(tmp_path, ("Hello", state))

    assert [(f[0], f[1], f[5]) for f in found(path)] == [
        (
            "UNKNOWN_STATE",
            "/States/Hello/Override/States/Gret",
            "'Override' of state 'Hello' names 'Gret', which is not a state of template "
            "'greet' (./templates/greet.asl.json): did you mean 'Greet'?",
        )
    ]


MODULE = {
    "Module": True,
    "Exports": ["Review", "Summarize"],
    "States": {
        "Review": {"Type": "Task", "Agent": "Reviewer", "ResultPath": "$.review"},
        "Summarize": {"Type": "Task", "Agent": "Summarizer", "ResultPath": "$.summary"},
        "Publish": {"Type": "Task", "Agent": "Publisher"},
    },
}


def test_a_module_runs_from_entry_point_to_exit_point(tmp_path: Path) -> None:
    write(tmp_path, "modules/review.asl.json", MODULE)
    state = {
        "Type": "Include",
        "Template": "review",
        "EntryPoint": "Review",
        "ExitPoint": "Summarize",
        "End": True,
    }
    path = main(tmp_path, ("Check", state), Imports={"review": "./modules/review.asl.json"})

    branch = expanded(path)["States"]["Check"]["Branches"][0]

    assert branch == {
        "StartAt": "Check.Review",
        "States": {
            "Check.Review": {
                "Type": "Task",
                "Agent": "Reviewer",
                "ResultPath": "$.review",
                "Next": "Check.Summarize",
            },
            "Check.Summarize": {
                "Type": "Task",
                "Agent": "Summarizer",
                "ResultPath": "$.summary",
                "End": True,
            },
        },
    }


def test_an_entry_point_that_is_not_exported_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "modules/review.asl.json", MODULE)
    state = {"Type": "Include", "Template": "review", "EntryPoint": "Publish", "End": True}
    path = main(tmp_path, ("Check", state), Imports={"review": "./modules/review.asl.json"})

    assert [(f[0], f[1], f[5]) for f in found(path)] == [
        (
            "NOT_EXPORTED",
            "/States/Check/EntryPoint",
            "'EntryPoint' of state 'Check' names 'Publish', which template 'review' "
            "(./modules/review.asl.json) does not export (its Exports: Review, Summarize)",
        )
    ]


def test_an_unknown_exit_point_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    write(tmp_path, "modules/review.asl.json", MODULE)
    state = {"Type": "Include", "Template": "review", "ExitPoint": "Sumarize", "End": True}
    path = main(tmp_path, ("Check", state), Imports={"review": "./modules/review.asl.json"})

    assert [(f[0], f[1], f[5]) for f in found(path)] == [
        (
            "UNKNOWN_STATE",
            "/States/Check/ExitPoint",
            "'ExitPoint' of state 'Check' names 'Sumarize', which is not a state of template "
            "'review' (./modules/review.asl.json): did you mean 'Summarize'?",
        )
    ]


def test_the_output_marker_ends_a_template_state(tmp_path: Path) -> None:
    write(
        tmp_path,
        "templates/t.asl.json",
        template({"S": {"Type": "Pass", "Result": 1, "Output": "success"}}, "S"),
    )
    path = main(
        tmp_path,
        ("I", {"Type": "Include", "Template": "t", "End": True}),
        Imports={"t": "./templates/t.asl.json"},
    )

    state = expanded(path)["States"]["I"]["Branches"][0]["States"]["I.S"]

    assert state == {"Type": "Pass", "Result": 1, "End": True}


def test_a_result_selector_on_an_include_is_an_error(tmp_path: Path) -> None:
    path = main(tmp_path, ("Hello", include(Parameters={"greeting": "Hi"}, ResultSelector={})))

    assert [(f[0], f[1]) for f in found(path)] == [
        ("UNSUPPORTED_FIELD", "/States/Hello/ResultSelector")
    ]


# --- problems inside templates are shown where they are ------------------------------------


def test_a_problem_inside_a_template_has_the_template_file_line_and_column(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        "templates/t.asl.json",
        template({"S": {"Type": "Pass", "Next": "Gone"}}, "S"),
    )
    path = main(
        tmp_path,
        ("I", {"Type": "Include", "Template": "t", "End": True}),
        Imports={"t": "./templates/t.asl.json"},
    )

    assert found(path) == [
        (
            "MISSING_END_STATE",
            "/States",
            "t.asl.json",
            3,
            3,
            "Branch 0 of Parallel state 'I' has no state that ends it: give a state "
            '"End": true, or add a Succeed or Fail state',
        ),
        (
            "MISSING_TRANSITION_TARGET",
            "/States/S/Next",
            "t.asl.json",
            6,
            15,
            "'Next' of state 'I.S' names 'Gone', which is not a state of branch 0 of "
            "Parallel state 'I': add a state named 'Gone' or fix the name",
        ),
    ]


def test_a_jsonata_template_keeps_its_language_in_a_jsonpath_workflow(tmp_path: Path) -> None:
    write(
        tmp_path,
        "templates/t.asl.json",
        template(
            {"S": {"Type": "Pass", "Output": "{% $states.input.x * {{n}} %}", "End": True}},
            "S",
            QueryLanguage="JSONata",
        ),
    )
    path = main(
        tmp_path,
        ("I", {"Type": "Include", "Template": "t", "Parameters": {"n": 3}, "End": True}),
        Imports={"t": "./templates/t.asl.json"},
    )

    state = expanded(path)["States"]["I"]["Branches"][0]["States"]["I.S"]

    assert state == {
        "Type": "Pass",
        "Output": "{% $states.input.x * 3 %}",
        "End": True,
        "QueryLanguage": "JSONata",
    }
