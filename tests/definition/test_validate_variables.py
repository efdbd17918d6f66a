"""Workflow variables: Assign names, sizes, scopes, and reads that can find no value.

AWS's rules (Step Functions developer guide, "Passing data between states with
variables"): names are Unicode identifiers of at most 80 characters, ``states`` is
reserved, one variable and one Assign block hold at most 256 KiB; a Parallel branch or
Map processor reads outer variables but cannot assign one, and its own variables end
with it; assignments take effect when the state ends.  A read no Assign can satisfy is
accepted by AWS (it fails at run time), so it is a warning.
"""

from __future__ import annotations

from typing import Any

from .support import problems, problems_of_dict, workflow

_JSONATA: dict[str, Any] = {"QueryLanguage": "JSONata"}


def _reads(expression: str, *, end: bool = True) -> dict[str, Any]:
    """A JSONata Pass state whose Output reads ``expression``."""
    return {
        "Type": "Pass",
        "QueryLanguage": "JSONata",
        "Output": f"{{% {expression} %}}",
        "End": end,
    }


def _assigns(**values: Any) -> dict[str, Any]:
    return {"Type": "Pass", "Assign": values}


def test_a_variable_name_is_an_identifier() -> None:
    document = workflow(
        ("S", {"Type": "Pass", "Assign": {"order-id": 1, "1st": 2, "_ok": 3, "é": 4}, "End": True})
    )

    assert problems_of_dict(document) == [
        (
            "error",
            "INVALID_VARIABLE_NAME",
            "/States/S/Assign/order-id",
            None,
            None,
            "'order-id' in the Assign of state 'S' is not a valid variable name: a variable name "
            "starts with a letter or '_' and goes on with letters, digits or '_' (Unicode "
            "identifier rules)",
        ),
        (
            "error",
            "INVALID_VARIABLE_NAME",
            "/States/S/Assign/1st",
            None,
            None,
            "'1st' in the Assign of state 'S' is not a valid variable name: a variable name "
            "starts with a letter or '_' and goes on with letters, digits or '_' (Unicode "
            "identifier rules)",
        ),
    ]


def test_states_is_a_reserved_variable_name() -> None:
    document = workflow(("S", {"Type": "Pass", "Assign": {"states": 1}, "End": True}))

    assert problems_of_dict(document) == [
        (
            "error",
            "INVALID_VARIABLE_NAME",
            "/States/S/Assign/states",
            None,
            None,
            "'states' in the Assign of state 'S' is not a valid variable name: '$states' is "
            "reserved for the state's own data",
        ),
    ]


def test_a_variable_name_has_at_most_80_characters() -> None:
    long, longest = "v" * 81, "w" * 80
    document = workflow(("S", {"Type": "Pass", "Assign": {long: 1, longest: 2}, "End": True}))

    assert problems_of_dict(document) == [
        (
            "error",
            "INVALID_VARIABLE_NAME",
            f"/States/S/Assign/{long}",
            None,
            None,
            f"'{long}' in the Assign of state 'S' is not a valid variable name: it is 81 "
            "characters long, and AWS allows at most 80",
        ),
    ]


def test_a_jsonpath_assign_key_may_end_in_dollar() -> None:
    document = workflow(
        ("S", {"Type": "Pass", "Assign": {"total.$": "$.n", "id.$": "States.UUID()"}, "End": True})
    )

    assert problems_of_dict(document) == []


def test_a_jsonata_assign_key_cannot_end_in_dollar() -> None:
    document = {
        **_JSONATA,
        "StartAt": "S",
        "States": {"S": {"Type": "Pass", "Assign": {"total.$": "$.n"}, "End": True}},
    }

    assert problems_of_dict(document) == [
        (
            "error",
            "INVALID_VARIABLE_NAME",
            "/States/S/Assign/total.$",
            None,
            None,
            "'total.$' in the Assign of state 'S' is not a valid variable name: a variable name "
            "starts with a letter or '_' and goes on with letters, digits or '_' (Unicode "
            "identifier rules)",
        ),
    ]


def test_a_jsonpath_assign_value_is_checked_like_a_template() -> None:
    document = workflow(
        (
            "S",
            {
                "Type": "Pass",
                "Assign": {"a.$": "fast", "b.$": "$..x[?(", "c": "$.literal"},
                "End": True,
            },
        )
    )

    assert problems_of_dict(document) == [
        (
            "error",
            "INVALID_PAYLOAD_TEMPLATE",
            "/States/S/Assign/a.$",
            None,
            None,
            "'a.$' in the Assign of state 'S' must be a path (\"$.field\"), a context path "
            '("$$.Execution.Id") or an intrinsic function call ("States.Format(...)"), got the '
            "string \"fast\"; to pass the value as it is, drop the '.$' from the key",
        ),
        (
            "error",
            "INVALID_PATH",
            "/States/S/Assign/b.$",
            None,
            None,
            "'b.$' in the Assign of state 'S' is not a valid path: unexpected end of filter "
            "expression (at character 7)",
        ),
        (
            "warning",
            "NO_DOLLAR",
            "/States/S/Assign/c",
            None,
            None,
            "'c' in the Assign of state 'S' is the string \"$.literal\", which looks like a path "
            "or an intrinsic function but stays a literal string because the key does not end in "
            "'.$'; rename the key to 'c.$' to evaluate it",
        ),
    ]


def test_succeed_and_fail_states_take_no_assign() -> None:
    document = workflow(
        ("S", {"Type": "Pass", "Next": "D"}), ("D", {"Type": "Succeed", "Assign": {"x": 1}})
    )

    assert problems_of_dict(document) == [
        (
            "error",
            "UNSUPPORTED_FIELD",
            "/States/D/Assign",
            None,
            None,
            "'Assign' is not a field of a Succeed state: remove it",
        ),
    ]


def test_a_variable_assigned_before_is_read_without_a_problem() -> None:
    document = workflow(
        ("A", {**_assigns(x=1), "Next": "B"}),
        ("B", {"Type": "Pass", "Parameters": {"v.$": "$x"}, "Next": "C"}),
        ("C", _reads("$x")),
    )

    assert problems_of_dict(document) == []


def test_reading_a_variable_before_any_state_assigns_it_is_a_warning() -> None:
    document = workflow(
        ("A", {**_reads("$x", end=False), "Next": "B"}), ("B", {**_assigns(x=1), "End": True})
    )

    assert problems(document) == [
        (
            "warning",
            "UNDEFINED_VARIABLE",
            "/States/A/Output",
            7,
            21,
            "State 'A' reads '$x', but no path from the start to 'A' goes through a state that "
            "assigns it (it is assigned at /States/B/Assign/x), so the read fails when it runs: "
            "assign it earlier",
        ),
    ]


def test_a_state_reads_the_values_from_before_its_own_assign() -> None:
    document = workflow(
        ("A", {"Type": "Pass", "Parameters": {"v.$": "$x"}, "Assign": {"x": 1}, "End": True})
    )

    assert problems_of_dict(document) == [
        (
            "warning",
            "UNDEFINED_VARIABLE",
            "/States/A/Parameters/v.$",
            None,
            None,
            "State 'A' reads '$x', but no path from the start to 'A' goes through a state that "
            "assigns it (it is assigned at /States/A/Assign/x), so the read fails when it runs: "
            "assign it earlier",
        ),
    ]


def test_one_path_that_assigns_the_variable_is_enough() -> None:
    document = workflow(
        (
            "C",
            {
                "Type": "Choice",
                "Choices": [{"Variable": "$.a", "IsPresent": True, "Next": "Set"}],
                "Default": "Use",
            },
        ),
        ("Set", {**_assigns(x=1), "Next": "Use"}),
        ("Use", _reads("$x")),
    )

    assert problems_of_dict(document) == []


def test_a_loop_brings_assignments_back_to_its_start() -> None:
    document = workflow(
        ("Use", {**_reads("$n", end=False), "Next": "Count"}),
        ("Count", {**_assigns(n=1), "Next": "Again"}),
        (
            "Again",
            {
                "Type": "Choice",
                "Choices": [{"Variable": "$n", "NumericLessThan": 3, "Next": "Use"}],
                "Default": "Done",
            },
        ),
        ("Done", {"Type": "Succeed"}),
    )

    assert problems_of_dict(document) == []


def test_a_matched_rule_assign_replaces_the_choice_state_assign() -> None:
    document = workflow(
        (
            "C",
            {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.a", "IsPresent": True, "Assign": {"r": 1}, "Next": "Rule"}
                ],
                "Assign": {"s": 1},
                "Default": "Other",
            },
        ),
        ("Rule", {**_reads("$r + $s", end=False), "Next": "Other"}),
        ("Other", _reads("$s")),
    )

    assert problems_of_dict(document) == [
        (
            "warning",
            "UNDEFINED_VARIABLE",
            "/States/Rule/Output",
            None,
            None,
            "State 'Rule' reads '$s', but no path from the start to 'Rule' goes through a state "
            "that assigns it (it is assigned at /States/C/Assign/s), so the read fails when it "
            "runs: assign it earlier",
        ),
    ]


def test_a_catcher_assign_reaches_its_target_but_the_state_assign_does_not() -> None:
    document = workflow(
        (
            "T",
            {
                "Type": "Task",
                "Agent": "A",
                "Assign": {"ok": True},
                "Catch": [{"ErrorEquals": ["States.ALL"], "Assign": {"failed": True}, "Next": "H"}],
                "Next": "H",
            },
        ),
        ("H", _reads("$failed & $ok")),
    )

    assert problems_of_dict(document) == []


def test_an_unknown_variable_gets_a_suggestion() -> None:
    document = workflow(
        ("A", {**_assigns(customerName="Ada"), "Next": "B"}), ("B", _reads("$customername"))
    )

    assert problems_of_dict(document) == [
        (
            "warning",
            "UNDEFINED_VARIABLE",
            "/States/B/Output",
            None,
            None,
            "State 'B' reads '$customername', but no Assign in the workflow sets it, so the read "
            "fails when it runs: did you mean 'customerName'?",
        ),
    ]


def test_jsonpath_fields_read_variables() -> None:
    document = workflow(
        (
            "A",
            {
                "Type": "Pass",
                "InputPath": "$in",
                "Parameters": {"v.$": "States.Format('{}', $fmt)"},
                "Next": "B",
            },
        ),
        ("B", {"Type": "Wait", "SecondsPath": "$delay", "Next": "C"}),
        (
            "C",
            {
                "Type": "Choice",
                "Choices": [{"Variable": "$flag", "BooleanEquals": True, "Next": "D"}],
                "Default": "D",
            },
        ),
        ("D", {"Type": "Fail", "ErrorPath": "$error"}),
    )

    assert problems_of_dict(document) == [
        (
            "warning",
            "UNDEFINED_VARIABLE",
            "/States/A/InputPath",
            None,
            None,
            "State 'A' reads '$in', but no Assign in the workflow sets it, so the read fails when "
            "it runs: assign it in an earlier state",
        ),
        (
            "warning",
            "UNDEFINED_VARIABLE",
            "/States/A/Parameters/v.$",
            None,
            None,
            "State 'A' reads '$fmt', but no Assign in the workflow sets it, so the read fails "
            "when it runs: assign it in an earlier state",
        ),
        (
            "warning",
            "UNDEFINED_VARIABLE",
            "/States/B/SecondsPath",
            None,
            None,
            "State 'B' reads '$delay', but no Assign in the workflow sets it, so the read fails "
            "when it runs: assign it in an earlier state",
        ),
        (
            "warning",
            "UNDEFINED_VARIABLE",
            "/States/C/Choices/0/Variable",
            None,
            None,
            "State 'C' reads '$flag', but no Assign in the workflow sets it, so the read fails "
            "when it runs: assign it in an earlier state",
        ),
        (
            "warning",
            "UNDEFINED_VARIABLE",
            "/States/D/ErrorPath",
            None,
            None,
            "State 'D' reads '$error', but no Assign in the workflow sets it, so the read fails "
            "when it runs: assign it in an earlier state",
        ),
    ]


def test_a_branch_reads_the_variables_assigned_before_the_parallel() -> None:
    document = workflow(
        ("A", {**_assigns(x=1), "Next": "P"}),
        (
            "P",
            {
                "Type": "Parallel",
                "Branches": [{"StartAt": "B", "States": {"B": _reads("$x")}}],
                "End": True,
            },
        ),
    )

    assert problems_of_dict(document) == []


def test_a_branch_cannot_assign_a_variable_of_the_workflow() -> None:
    document = workflow(
        ("A", {**_assigns(total=0), "Next": "P"}),
        (
            "P",
            {
                "Type": "Parallel",
                "Branches": [{"StartAt": "B", "States": {"B": {**_assigns(total=1), "End": True}}}],
                "End": True,
            },
        ),
    )

    assert problems(document) == [
        (
            "error",
            "OUTER_VARIABLE_ASSIGNED",
            "/States/P/Branches/0/States/B/Assign/total",
            20,
            17,
            "State 'B' in branch 0 of Parallel state 'P' assigns '$total', which the enclosing "
            "workflow also assigns (at /States/A/Assign/total); a Parallel branch or Map "
            "processor may read the variables around it but not assign them: give the inner "
            "variable another name, or hand the value out through 'Output'",
        ),
    ]


def test_the_map_state_own_assign_belongs_to_the_outer_scope() -> None:
    document = workflow(
        (
            "M",
            {
                "Type": "Map",
                "ItemProcessor": {
                    "StartAt": "I",
                    "States": {"I": {**_assigns(item=1), "End": True}},
                },
                "Assign": {"item": 0},
                "End": True,
            },
        )
    )

    assert problems_of_dict(document) == [
        (
            "error",
            "OUTER_VARIABLE_ASSIGNED",
            "/States/M/ItemProcessor/States/I/Assign/item",
            None,
            None,
            "State 'I' in the ItemProcessor of Map state 'M' assigns '$item', which the enclosing "
            "workflow also assigns (at /States/M/Assign/item); a Parallel branch or Map processor "
            "may read the variables around it but not assign them: give the inner variable "
            "another name, or hand the value out through 'Output'",
        ),
    ]


def test_sibling_branches_may_assign_the_same_name() -> None:
    document = workflow(
        (
            "P",
            {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "B1", "States": {"B1": {**_assigns(x=1), "End": True}}},
                    {"StartAt": "B2", "States": {"B2": {**_assigns(x=2), "End": True}}},
                ],
                "End": True,
            },
        )
    )

    assert problems_of_dict(document) == []


def test_the_variables_of_a_branch_end_with_it() -> None:
    document = workflow(
        (
            "P",
            {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "B1", "States": {"B1": {**_assigns(x=1), "End": True}}},
                    {"StartAt": "B2", "States": {"B2": _reads("$x")}},
                ],
                "Next": "After",
            },
        ),
        ("After", _reads("$x")),
    )

    assert problems_of_dict(document) == [
        (
            "warning",
            "UNDEFINED_VARIABLE",
            "/States/After/Output",
            None,
            None,
            "State 'After' reads '$x', which is only assigned at "
            "/States/P/Branches/0/States/B1/Assign/x, in a Parallel branch or Map processor this "
            "state cannot see (their variables end with them): hand the value out through "
            "'Output', or assign it in this scope",
        ),
        (
            "warning",
            "UNDEFINED_VARIABLE",
            "/States/P/Branches/1/States/B2/Output",
            None,
            None,
            "State 'B2' reads '$x', which is only assigned at "
            "/States/P/Branches/0/States/B1/Assign/x, in a Parallel branch or Map processor this "
            "state cannot see (their variables end with them): hand the value out through "
            "'Output', or assign it in this scope",
        ),
    ]


def test_a_distributed_map_cannot_read_outer_variables() -> None:
    document = workflow(
        ("A", {**_assigns(limit=3), "Next": "M"}),
        (
            "M",
            {
                "Type": "Map",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "I",
                    "States": {"I": _reads("$limit")},
                },
                "End": True,
            },
        ),
    )

    assert problems_of_dict(document) == [
        (
            "warning",
            "UNDEFINED_VARIABLE",
            "/States/M/ItemProcessor/States/I/Output",
            None,
            None,
            "State 'I' reads '$limit', which is assigned outside this distributed Map (at "
            "/States/A/Assign/limit); a distributed Map's processor cannot read outer variables: "
            "pass the value in through 'ItemSelector'",
        ),
    ]


def test_an_outer_variable_assigned_after_the_map_is_not_there_yet() -> None:
    document = workflow(
        (
            "M",
            {
                "Type": "Map",
                "ItemProcessor": {"StartAt": "I", "States": {"I": _reads("$later")}},
                "Next": "Z",
            },
        ),
        ("Z", {**_assigns(later=1), "End": True}),
    )

    assert problems_of_dict(document) == [
        (
            "warning",
            "UNDEFINED_VARIABLE",
            "/States/M/ItemProcessor/States/I/Output",
            None,
            None,
            "State 'I' reads '$later', but the enclosing workflow assigns it (at "
            "/States/Z/Assign/later) only after this branch or processor starts, so the read "
            "fails when it runs: assign it before the Parallel or Map state",
        ),
    ]


def test_a_module_without_start_reads_any_variable() -> None:
    document = {"Module": True, "States": {"S": _reads("$anything")}}

    assert problems_of_dict(document) == []


def test_a_literal_variable_over_256_kib_is_a_warning() -> None:
    document = workflow(
        ("S", {"Type": "Pass", "Assign": {"big": "x" * (256 * 1024), "fine.$": "$.a"}, "End": True})
    )

    assert problems_of_dict(document) == [
        (
            "warning",
            "VARIABLE_TOO_LARGE",
            "/States/S/Assign/big",
            None,
            None,
            "'big' in the Assign of state 'S' is 262146 bytes; a variable holds at most 262144 "
            "bytes (256 KiB), so the state will fail when it runs: keep large data in the state's "
            "output or in external storage",
        ),
    ]


def test_an_assign_block_over_256_kib_is_a_warning() -> None:
    document = workflow(
        (
            "S",
            {
                "Type": "Pass",
                "Assign": {"a": "x" * (130 * 1024), "b": "x" * (130 * 1024)},
                "End": True,
            },
        )
    )

    assert problems_of_dict(document) == [
        (
            "warning",
            "VARIABLE_TOO_LARGE",
            "/States/S/Assign",
            None,
            None,
            "The values of the Assign of state 'S' add up to 266244 bytes; one Assign block holds "
            "at most 262144 bytes (256 KiB), so the state will fail when it runs: split the "
            "variables across states or keep large data elsewhere",
        ),
    ]
