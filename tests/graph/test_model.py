"""The drawing model: which nodes, clusters and edges a document becomes."""

from __future__ import annotations

from typing import Any

from asl.graph.model import Edge, build_graph
from asl.graph.rules import rule_label

ORDER: dict[str, Any] = {
    "StartAt": "Check",
    "States": {
        "Check": {
            "Type": "Choice",
            "Choices": [
                {
                    "And": [
                        {"Variable": "$.total", "NumericGreaterThanEquals": 100},
                        {"Not": {"Variable": "$.vip", "BooleanEquals": True}},
                    ],
                    "Next": "Items",
                }
            ],
            "Default": "Done",
        },
        "Items": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {
                "StartAt": "Pack",
                "States": {"Pack": {"Type": "Task", "Agent": "Packer", "End": True}},
            },
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}],
            "Next": "Done",
        },
        "Done": {"Type": "Succeed"},
        "Failed": {"Type": "Fail", "Error": "Order.Failed"},
    },
}


def test_every_state_is_a_node_with_its_type() -> None:
    graph = build_graph(ORDER)
    nodes = [(node.id, node.name, node.type, node.kind) for node in graph.nodes()]
    assert nodes == [
        ("begin", "Start", "Start", "start"),
        ("n0", "Check", "Choice", "state"),
        ("n2", "Done", "Succeed", "state"),
        ("n3", "Failed", "Fail", "state"),
        ("finish", "End", "End", "end"),
        ("n1", "Items", "Map", "state"),
        ("n4", "Pack", "Task", "state"),
    ]


def test_map_is_a_cluster_headed_by_its_state_with_its_processor_nested() -> None:
    graph = build_graph(ORDER)
    [box] = graph.root.clusters
    assert box.label == "Items (Map)"
    assert [node.name for node in box.nodes] == ["Items"]
    assert [(inner.label, [n.name for n in inner.nodes]) for inner in box.clusters] == [
        ("Item processor", ["Pack"])
    ]


def test_edges_carry_rules_default_catch_and_end() -> None:
    assert build_graph(ORDER).edges == [
        Edge("begin", "n0", "start"),
        Edge("n0", "n1", "choice", "$.total >= 100 and not $.vip == true"),
        Edge("n0", "n2", "default", "Default"),
        Edge("n1", "n4", "branch"),
        Edge("n1", "n2", "next"),
        Edge("n1", "n3", "catch", "Catch States.ALL"),
        Edge("n2", "finish", "end"),
        Edge("n3", "finish", "end"),
    ]


def test_parallel_branches_are_numbered_clusters() -> None:
    document = {
        "StartAt": "Both",
        "States": {
            "Both": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}},
                    {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}},
                ],
                "End": True,
            }
        },
    }
    graph = build_graph(document)
    [box] = graph.root.clusters
    assert [(c.label, [n.name for n in c.nodes]) for c in box.clusters] == [
        ("Branch 1", ["A"]),
        ("Branch 2", ["B"]),
    ]
    assert [(e.source, e.target, e.kind) for e in graph.edges] == [
        ("begin", "n0", "start"),
        ("n0", "n1", "branch"),
        ("n0", "n2", "branch"),
        ("n0", "finish", "end"),
    ]


def test_include_and_unknown_types_are_plain_nodes() -> None:
    document = {
        "StartAt": "Shared",
        "States": {
            "Shared": {"Type": "Include", "Path": "shared.asl.json", "Next": "Odd"},
            "Odd": {"Type": "Teleport", "End": True},
        },
    }
    graph = build_graph(document)
    assert [(n.name, n.type) for n in graph.nodes() if n.kind == "state"] == [
        ("Shared", "Include"),
        ("Odd", "Teleport"),
    ]


def test_a_target_that_does_not_exist_draws_no_edge() -> None:
    document = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}
    assert build_graph(document).edges == [Edge("begin", "n0", "start")]


def test_rule_labels_for_each_kind_of_comparison() -> None:
    assert rule_label({"Variable": "$.a", "StringEquals": "x", "Next": "N"}) == '$.a == "x"'
    assert rule_label({"Variable": "$.a", "NumericLessThanPath": "$.b"}) == "$.a < $.b"
    assert rule_label({"Variable": "$.a", "IsPresent": False}) == "$.a is not present"
    assert rule_label({"Variable": "$.a", "IsNull": True}) == "$.a is null"
    assert rule_label({"Variable": "$.a", "StringMatches": "log-*"}) == '$.a matches "log-*"'
    assert (
        rule_label(
            {
                "Or": [
                    {"Variable": "$.a", "NumericEquals": 1},
                    {"Variable": "$.b", "NumericEquals": 2},
                ]
            }
        )
        == "$.a == 1 or $.b == 2"
    )
    assert rule_label({"Condition": "{% $states.input.n > 3 %}", "Next": "N"}) == (
        "$states.input.n > 3"
    )


def test_long_rule_labels_are_cut_with_an_ellipsis() -> None:
    label = rule_label({"Variable": "$.a", "StringEquals": "x" * 100})
    assert len(label) == 80
    assert label.endswith("…")
