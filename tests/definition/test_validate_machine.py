"""Validating the shape of a workflow: StartAt, States, transitions, scopes and names."""

from __future__ import annotations

from asl.definition import load_text, validate

from .support import PASS_END, problems, problems_of_dict, workflow

_UNREACHABLE = (
    "is never reached: no StartAt, Next, Default, choice rule or catcher names it; "
    "connect it or remove it"
)


def test_a_minimal_workflow_is_valid() -> None:
    assert problems(workflow(("A", PASS_END))) == []


def test_start_at_is_required() -> None:
    assert problems({"States": {"A": PASS_END}}) == [
        (
            "error",
            "MISSING_FIELD",
            "",
            1,
            1,
            "The workflow has no 'StartAt': add \"StartAt\" with the name of the first state "
            "to run",
        )
    ]


def test_states_is_required() -> None:
    assert problems({"StartAt": "A"}) == [
        (
            "error",
            "MISSING_FIELD",
            "",
            1,
            1,
            "The workflow has no 'States': add a \"States\" object that maps state names to states",
        )
    ]


def test_states_must_not_be_empty() -> None:
    assert problems({"StartAt": "A", "States": {}}) == [
        (
            "error",
            "INVALID_VALUE",
            "/States",
            3,
            13,
            "The workflow has no states: add at least one state to 'States'",
        )
    ]


def test_states_must_be_an_object() -> None:
    assert problems({"StartAt": "A", "States": [1]}) == [
        (
            "error",
            "INVALID_TYPE",
            "/States",
            3,
            13,
            "'States' of the workflow must be an object that maps state names to states, got "
            "an array of 1 item",
        )
    ]


def test_start_at_must_be_a_state_name() -> None:
    assert problems({"StartAt": 1, "States": {"A": PASS_END}}) == [
        (
            "error",
            "INVALID_TYPE",
            "/StartAt",
            2,
            14,
            "'StartAt' of the workflow must be a state name, got the number 1",
        )
    ]


def test_start_at_must_name_a_state_and_a_close_name_is_suggested() -> None:
    assert problems({"StartAt": "Strat", "States": {"Start": PASS_END}}) == [
        (
            "error",
            "MISSING_TRANSITION_TARGET",
            "/StartAt",
            2,
            14,
            "'StartAt' of the workflow names 'Strat', which is not a state of the workflow: "
            "did you mean 'Start'?",
        ),
        ("error", "UNREACHABLE_STATE", "/States/Start", 4, 5, f"State 'Start' {_UNREACHABLE}"),
    ]


def test_next_must_name_a_state() -> None:
    document = workflow(("A", {"Type": "Pass", "Next": "Zzz", "Comment": "x"}), ("B", PASS_END))

    assert problems(document)[0] == (
        "error",
        "MISSING_TRANSITION_TARGET",
        "/States/A/Next",
        6,
        15,
        "'Next' of state 'A' names 'Zzz', which is not a state of the workflow: add a state "
        "named 'Zzz' or fix the name",
    )


def test_a_state_nothing_transitions_to_is_unreachable() -> None:
    assert problems(workflow(("A", PASS_END), ("B", PASS_END))) == [
        ("error", "UNREACHABLE_STATE", "/States/B", 8, 5, f"State 'B' {_UNREACHABLE}")
    ]


def test_reachability_follows_aws_any_transition_counts() -> None:
    """AWS only asks that some transition names a state, so an orphan loop passes."""
    document = workflow(
        ("A", PASS_END),
        ("B", {"Type": "Pass", "Next": "C"}),
        ("C", {"Type": "Pass", "Next": "B"}),
    )

    assert problems(document) == []


def test_loops_are_legal() -> None:
    rule = {"Variable": "$.again", "BooleanEquals": True, "Next": "Work"}
    document = workflow(
        ("Work", {"Type": "Pass", "Next": "Check"}),
        ("Check", {"Type": "Choice", "Choices": [rule], "Default": "Done"}),
        ("Done", {"Type": "Succeed"}),
    )

    assert problems(document) == []


def test_a_state_needs_next_or_end() -> None:
    assert problems(workflow(("A", {"Type": "Pass"}))) == [
        (
            "error",
            "MISSING_TRANSITION",
            "/States/A",
            4,
            5,
            "Pass state 'A' has neither 'Next' nor 'End': add \"Next\" with the state to run "
            'next, or "End": true to end the run here',
        )
    ]


def test_end_false_is_no_end() -> None:
    assert problems(workflow(("A", {"Type": "Pass", "End": False}))) == [
        (
            "error",
            "MISSING_TRANSITION",
            "/States/A",
            4,
            5,
            "Pass state 'A' has \"End\": false and no 'Next': add \"Next\" with the state to "
            'run next, or set "End": true',
        )
    ]


def test_next_and_end_together_conflict() -> None:
    assert problems(workflow(("A", {"Type": "Pass", "Next": "A", "End": True}))) == [
        (
            "error",
            "CONFLICTING_FIELDS",
            "/States/A/End",
            7,
            7,
            "Pass state 'A' has both 'Next' and \"End\": true: keep one of them",
        )
    ]


def test_end_must_be_a_boolean() -> None:
    assert problems(workflow(("A", {"Type": "Pass", "End": "true"}))) == [
        (
            "error",
            "INVALID_TYPE",
            "/States/A/End",
            6,
            14,
            "'End' of state 'A' must be true or false, got the string \"true\"; write true "
            "without quotes",
        )
    ]


def test_next_must_be_a_string() -> None:
    assert problems(workflow(("A", {"Type": "Pass", "Next": 3}), ("B", PASS_END)))[0] == (
        "error",
        "INVALID_TYPE",
        "/States/A/Next",
        6,
        15,
        "'Next' of state 'A' must be a non-empty string, got the number 3",
    )


def test_a_machine_needs_a_state_that_ends_it() -> None:
    document = workflow(("A", {"Type": "Pass", "Next": "B"}), ("B", {"Type": "Pass", "Next": "A"}))

    assert problems(document) == [
        (
            "error",
            "MISSING_END_STATE",
            "/States",
            3,
            3,
            'The workflow has no state that ends it: give a state "End": true, or add a '
            "Succeed or Fail state",
        )
    ]


def test_state_names_have_at_most_80_characters() -> None:
    name = "N" * 81

    assert problems(workflow((name, PASS_END))) == [
        (
            "error",
            "INVALID_STATE_NAME",
            f"/States/{name}",
            4,
            5,
            f"State name '{name}' is 81 characters long: AWS allows at most 80; shorten it",
        )
    ]


def test_a_state_name_of_80_characters_is_fine() -> None:
    assert problems(workflow(("N" * 80, PASS_END))) == []


def test_an_empty_state_name_is_refused() -> None:
    assert problems(workflow(("", PASS_END))) == [
        (
            "error",
            "INVALID_VALUE",
            "/StartAt",
            2,
            14,
            "'StartAt' of the workflow must be a state name, got the string \"\"",
        ),
        (
            "error",
            "INVALID_STATE_NAME",
            "/States/",
            4,
            5,
            "A state has an empty name: give it a name of 1 to 80 characters",
        ),
    ]


def test_state_names_are_unique_across_branches() -> None:
    branch = {"StartAt": "A", "States": {"A": PASS_END}}
    document = workflow(
        ("P", {"Type": "Parallel", "Branches": [branch], "Next": "A"}), ("A", PASS_END)
    )

    assert problems(document) == [
        (
            "error",
            "DUPLICATE_STATE_NAME",
            "/States/P/Branches/0/States/A",
            10,
            13,
            "State name 'A' is already used at /States/A: names must be unique in the whole "
            "workflow, Parallel branches and Map processors included; rename one",
        )
    ]


def test_a_state_name_written_twice_in_json_is_a_duplicate() -> None:
    text = (
        '{\n  "StartAt": "A",\n  "States": {\n    "A": {"Type": "Pass", "End": true},\n'
        '    "A": {"Type": "Succeed"}\n  },\n  "Comment": "x",\n  "Comment": "y"\n}'
    )

    assert [
        (d.severity, d.code, d.pointer, d.line, d.column, d.message)
        for d in validate(load_text(text))
    ] == [
        (
            "error",
            "DUPLICATE_STATE_NAME",
            "/States/A",
            4,
            5,
            "State 'A' is defined twice in the same States object (lines 4 and 5); JSON keeps "
            "only the later definition: rename or remove one of them",
        ),
        (
            "warning",
            "DUPLICATE_KEY",
            "/Comment",
            7,
            3,
            "The key 'Comment' appears twice in the same object (lines 7 and 8); only the "
            "later value counts: remove one",
        ),
    ]


def test_a_branch_cannot_move_to_a_state_outside_it() -> None:
    inner = {"StartAt": "In", "States": {"In": {"Type": "Pass", "Next": "Done"}}}
    document = workflow(
        ("P", {"Type": "Parallel", "Branches": [inner], "Next": "Done"}), ("Done", PASS_END)
    )

    assert problems(document) == [
        (
            "error",
            "MISSING_END_STATE",
            "/States/P/Branches/0/States",
            9,
            11,
            "Branch 0 of Parallel state 'P' has no state that ends it: give a state \"End\": "
            "true, or add a Succeed or Fail state",
        ),
        (
            "error",
            "MISSING_TRANSITION_TARGET",
            "/States/P/Branches/0/States/In/Next",
            12,
            23,
            "'Next' of state 'In' names 'Done', which is not a state of branch 0 of Parallel "
            "state 'P': 'Done' is at /States/Done, and a state can only move to states of its "
            "own machine (a Parallel branch or a Map processor is a machine of its own)",
        ),
    ]


def test_branches_are_validated_as_machines() -> None:
    branches = [{"States": {"In": PASS_END}, "Extra": 1}, 5, {"StartAt": "X", "States": {}}]
    document = workflow(("P", {"Type": "Parallel", "Branches": branches, "End": True}))

    assert problems(document) == [
        (
            "error",
            "MISSING_FIELD",
            "/States/P/Branches/0",
            7,
            9,
            "Branch 0 of Parallel state 'P' has no 'StartAt': add \"StartAt\" with the name "
            "of the first state to run",
        ),
        (
            "warning",
            "UNKNOWN_FIELD",
            "/States/P/Branches/0/Extra",
            14,
            11,
            "Branch 0 of Parallel state 'P' has the unknown field 'Extra': remove it or check "
            "its spelling",
        ),
        (
            "error",
            "INVALID_TYPE",
            "/States/P/Branches/1",
            16,
            9,
            "Branch 1 of Parallel state 'P' must be an object with StartAt and States, got "
            "the number 5",
        ),
        (
            "error",
            "INVALID_VALUE",
            "/States/P/Branches/2/States",
            19,
            21,
            "Branch 2 of Parallel state 'P' has no states: add at least one state to 'States'",
        ),
    ]


def test_a_map_processor_is_a_scope_of_its_own() -> None:
    processor = {
        "StartAt": "I",
        "States": {"I": {"Type": "Pass", "Next": "J"}, "K": PASS_END},
    }
    document = workflow(("M", {"Type": "Map", "ItemProcessor": processor, "End": True}))

    assert problems(document) == [
        (
            "error",
            "MISSING_TRANSITION_TARGET",
            "/States/M/ItemProcessor/States/I/Next",
            11,
            21,
            "'Next' of state 'I' names 'J', which is not a state of the ItemProcessor of Map "
            "state 'M': add a state named 'J' or fix the name",
        ),
        (
            "error",
            "UNREACHABLE_STATE",
            "/States/M/ItemProcessor/States/K",
            13,
            11,
            f"State 'K' {_UNREACHABLE}",
        ),
    ]


def test_a_state_must_be_an_object() -> None:
    assert problems(workflow(("A", PASS_END), ("B", [1])))[1] == (
        "error",
        "INVALID_TYPE",
        "/States/B",
        8,
        10,
        "State 'B' must be an object with a \"Type\", got an array of 1 item",
    )


def test_type_is_required() -> None:
    assert problems(workflow(("A", {"End": True}))) == [
        (
            "error",
            "MISSING_FIELD",
            "/States/A",
            4,
            5,
            "State 'A' has no 'Type': add \"Type\" with one of Task, Pass, Choice, Wait, "
            "Succeed, Fail, Parallel, Map, Approval, Debate, Checkpoint, Include, Workflow",
        )
    ]


def test_type_must_be_a_string() -> None:
    assert problems(workflow(("A", {"Type": 3, "End": True}))) == [
        (
            "error",
            "INVALID_TYPE",
            "/States/A/Type",
            5,
            15,
            "'Type' of state 'A' must be one of Task, Pass, Choice, Wait, Succeed, Fail, "
            "Parallel, Map, Approval, Debate, Checkpoint, Include, Workflow, got the number 3",
        )
    ]


def test_an_unknown_type_gets_a_suggestion() -> None:
    assert problems(workflow(("A", {"Type": "Tsak", "End": True}))) == [
        (
            "error",
            "UNKNOWN_STATE_TYPE",
            "/States/A/Type",
            5,
            15,
            "State 'A' has unknown Type 'Tsak': did you mean 'Task'? (the types are Task, "
            "Pass, Choice, Wait, Succeed, Fail, Parallel, Map, Approval, Debate, Checkpoint, "
            "Include, Workflow)",
        )
    ]


def test_top_level_fields_are_checked() -> None:
    document = {
        "StartAt": "A",
        "States": {"A": PASS_END},
        "Verison": "1",
        "Comment": 1,
        "TimeoutSeconds": 0,
        "QueryLanguage": "JSONpath",
        "Budget": [],
        "Imports": {"a": 1},
        "ToolCategories": {"x": [1]},
        "Module": "yes",
    }

    assert problems(document) == [
        (
            "warning",
            "UNKNOWN_FIELD",
            "/Verison",
            9,
            3,
            "The workflow has the unknown top-level field 'Verison': did you mean 'Version'?",
        ),
        (
            "error",
            "INVALID_TYPE",
            "/Comment",
            10,
            14,
            "The workflow's 'Comment' must be a string, got the number 1",
        ),
        (
            "error",
            "INVALID_VALUE",
            "/TimeoutSeconds",
            11,
            21,
            "The workflow's 'TimeoutSeconds' must be a positive integer, got the number 0",
        ),
        (
            "error",
            "INVALID_VALUE",
            "/QueryLanguage",
            12,
            20,
            'The workflow\'s \'QueryLanguage\' must be "JSONPath" or "JSONata", got the string '
            "\"JSONpath\": did you mean 'JSONPath'?",
        ),
        (
            "error",
            "INVALID_TYPE",
            "/Budget",
            13,
            13,
            "The workflow's 'Budget' must be an object, got an empty array",
        ),
        (
            "error",
            "INVALID_TYPE",
            "/Imports/a",
            15,
            10,
            "'a' in the workflow's 'Imports' must be an import source such as "
            '"./templates/validation.asl.json", got the number 1',
        ),
        (
            "error",
            "INVALID_TYPE",
            "/ToolCategories/x/0",
            19,
            7,
            "Tool category 'x' must list tool names (strings), got the number 1",
        ),
        (
            "error",
            "INVALID_TYPE",
            "/Module",
            22,
            13,
            "The workflow's 'Module' must be true or false, got the string \"yes\"",
        ),
    ]


def test_agent_native_top_level_blocks_are_known() -> None:
    blocks = {
        name: {}
        for name in (
            "Budget",
            "Checkpointing",
            "DefaultTools",
            "Memory",
            "Progress",
            "Events",
            "RealTime",
            "Metadata",
            "Observability",
            "_lock",
        )
    }
    document = workflow(("A", PASS_END), Version="2.1.0", TimeoutSeconds=60, **blocks)

    assert problems(document) == []


def test_a_module_needs_no_start_and_exports_existing_states() -> None:
    document = {"Module": True, "States": {"A": PASS_END, "B": PASS_END}, "Exports": ["A", "Z"]}

    assert problems(document) == [
        (
            "error",
            "MISSING_TRANSITION_TARGET",
            "/Exports/1",
            15,
            5,
            "'Exports' names 'Z', which is not a state of the module",
        )
    ]


def test_a_document_that_is_not_an_object_is_one_diagnostic() -> None:
    assert problems_of_dict([1]) == [
        (
            "error",
            "INVALID_DOCUMENT",
            "",
            None,
            None,
            "The workflow must be an object with StartAt and States, got an array of 1 item",
        )
    ]


def test_a_dict_document_gets_pointers_without_positions() -> None:
    assert problems_of_dict(workflow(("A", {"Type": "Pass"}))) == [
        (
            "error",
            "MISSING_TRANSITION",
            "/States/A",
            None,
            None,
            "Pass state 'A' has neither 'Next' nor 'End': add \"Next\" with the state to run "
            'next, or "End": true to end the run here',
        )
    ]


def test_yaml_documents_get_yaml_positions() -> None:
    text = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Resultt: 1\n    End: true\n"

    assert [(d.code, d.line, d.column) for d in validate(load_text(text))] == [
        ("UNKNOWN_FIELD", 5, 5)
    ]
