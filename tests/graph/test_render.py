"""Mermaid and DOT text, exactly, and SVG/PNG drawn by the real Graphviz ``dot``."""

from __future__ import annotations

from typing import Any

import pytest

from asl.graph.dot import GraphvizError, quote, render, to_dot
from asl.graph.mermaid import text, to_mermaid
from asl.graph.model import build_graph

DOCUMENT: dict[str, Any] = {
    "StartAt": "Ask",
    "States": {
        "Ask": {
            "Type": "Task",
            "Agent": "Writer",
            "Catch": [{"ErrorEquals": ["Agent.Refused", "States.Timeout"], "Next": "Give up"}],
            "Next": "Good?",
        },
        "Good?": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.score", "NumericGreaterThan": 7, "Next": "Done"}],
            "Default": "Ask",
        },
        "Done": {"Type": "Succeed"},
        "Give up": {"Type": "Fail", "Error": "Writer.GaveUp"},
    },
}

MERMAID = """\
flowchart TD
  begin(("Start"))
  n0["Ask<br/><i>Task</i>"]
  n1{"Good?<br/><i>Choice</i>"}
  n2(["Done<br/><i>Succeed</i>"])
  n3(["Give up<br/><i>Fail</i>"])
  finish(("End"))
  begin --> n0
  n0 --> n1
  n0 -.->|"Catch Agent.Refused, States.Timeout"| n3
  n1 -->|"$.score #gt; 7"| n2
  n1 -->|"Default"| n0
  n2 --> finish
  n3 --> finish
  linkStyle 2 stroke:#c62828,color:#c62828
"""

DOT = """\
digraph workflow {
  graph [rankdir=TB, fontname="Helvetica"];
  node [shape=box, style="rounded,filled", fillcolor=white, fontname="Helvetica"];
  edge [fontname="Helvetica", fontsize=10];
  begin [label="Start", shape=circle, style=filled, fillcolor="#e0e0e0"];
  n0 [label="Ask\\n(Task)"];
  n1 [label="Good?\\n(Choice)", shape=diamond];
  n2 [label="Done\\n(Succeed)"];
  n3 [label="Give up\\n(Fail)"];
  finish [label="End", shape=circle, style=filled, fillcolor="#e0e0e0"];
  begin -> n0;
  n0 -> n1;
  n0 -> n3 [label="Catch Agent.Refused, States.Timeout", style=dashed, color="#c62828", \
fontcolor="#c62828"];
  n1 -> n2 [label="$.score > 7"];
  n1 -> n0 [label="Default"];
  n2 -> finish;
  n3 -> finish;
}
"""


def test_mermaid_flowchart() -> None:
    assert to_mermaid(build_graph(DOCUMENT)) == MERMAID


def test_dot_digraph() -> None:
    assert to_dot(build_graph(DOCUMENT)) == DOT


def test_mermaid_colours_states_by_outcome_and_greys_the_rest() -> None:
    drawn = to_mermaid(build_graph(DOCUMENT), {"Ask": "SUCCEEDED", "Good?": "IN_PROGRESS"})
    assert drawn.endswith(
        "  classDef succeeded fill:#c8e6c9,stroke:#2e7d32\n"
        "  classDef caught_error fill:#ffe0b2,stroke:#ef6c00\n"
        "  classDef failed fill:#ffcdd2,stroke:#c62828\n"
        "  classDef in_progress fill:#bbdefb,stroke:#1565c0\n"
        "  classDef not_run fill:#f5f5f5,stroke:#9e9e9e,color:#757575\n"
        "  class n0 succeeded\n"
        "  class n1 in_progress\n"
        "  class n2,n3 not_run\n"
    )


def test_dot_fills_states_by_outcome() -> None:
    drawn = to_dot(build_graph(DOCUMENT), {"Ask": "CAUGHT_ERROR", "Give up": "FAILED"})
    assert '  n0 [label="Ask\\n(Task)", fillcolor="#ffe0b2", color="#ef6c00"];\n' in drawn
    assert '  n3 [label="Give up\\n(Fail)", fillcolor="#ffcdd2", color="#c62828"];\n' in drawn
    assert (
        '  n2 [label="Done\\n(Succeed)", fillcolor="#f5f5f5", color="#9e9e9e", '
        'fontcolor="#757575"];\n'
    ) in drawn


def test_labels_keep_any_character() -> None:
    assert text('say "<hi>" #1') == "say #quot;#lt;hi#gt;#quot; #35;1"
    assert quote('a "b" \\ c\nd') == '"a \\"b\\" \\\\ c\\nd"'


def test_svg_drawn_by_dot_names_every_state() -> None:
    svg = render(to_dot(build_graph(DOCUMENT)), "svg").decode()
    assert svg.startswith("<?xml")
    for name in ("Ask", "(Task)", "Good?", "Done", "Give up", "$.score &gt; 7", "Default"):
        assert f">{name}</text>" in svg


def test_png_drawn_by_dot() -> None:
    assert render(to_dot(build_graph(DOCUMENT)), "png")[:8] == b"\x89PNG\r\n\x1a\n"


def test_without_dot_on_the_path_the_error_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GraphvizError) as raised:
        render("digraph {}", "svg")
    assert str(raised.value) == (
        "Graphviz's 'dot' program is not installed, so no SVG or PNG can be drawn: "
        "install it (Debian/Ubuntu: apt-get install graphviz; macOS: brew install "
        "graphviz), or use --format mermaid or --format dot"
    )


def test_a_dot_error_is_reported() -> None:
    with pytest.raises(GraphvizError) as raised:
        render("digraph { a -> }", "svg")
    assert str(raised.value).startswith("Graphviz's dot could not draw the graph: Error:")


def test_taken_edges_are_thick_and_green_or_red_for_a_catch() -> None:
    graph = build_graph(DOCUMENT)
    mermaid = to_mermaid(graph, {"Ask": "CAUGHT_ERROR", "Give up": "FAILED"}, {0, 2})
    assert (
        "  linkStyle 0 stroke:#2e7d32,color:#2e7d32,stroke-width:3px\n"
        "  linkStyle 2 stroke:#c62828,color:#c62828,stroke-width:3px\n"
    ) in mermaid
    dot = to_dot(graph, {"Ask": "CAUGHT_ERROR"}, {0, 2})
    assert '  begin -> n0 [color="#2e7d32", penwidth=3];\n' in dot
    assert (
        '  n0 -> n3 [label="Catch Agent.Refused, States.Timeout", style=dashed, '
        'color="#c62828", fontcolor="#c62828", penwidth=3];\n'
    ) in dot
    assert "  n0 -> n1;\n" in dot
