"""The graph in Graphviz's DOT language, and SVG or PNG drawn by Graphviz's ``dot``.

Parallel and Map states are ``cluster_`` subgraphs, so ``dot`` boxes them and
their branches. Catch edges are dashed and red; with an execution, states are
filled with their outcome's colour (never entered: grey) and the edges it took
are thick.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Collection, Mapping

from asl.graph.execution import Outcome
from asl.graph.model import Cluster, Edge, Graph, Node
from asl.graph.style import CATCH_COLOUR, FILL, NOT_RUN_FILL, STROKE, TAKEN_COLOUR

FONT = "Helvetica"


class GraphvizError(Exception):
    """``dot`` is missing or failed; the message says what to do."""


def quote(value: str) -> str:
    """A DOT string literal: quotes and backslashes escaped, line breaks as ``\\n``."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _attributes(pairs: Mapping[str, str]) -> str:
    return "[" + ", ".join(f"{key}={value}" for key, value in pairs.items()) + "]"


def _node(node: Node, outcomes: Mapping[str, Outcome] | None) -> str:
    if node.kind != "state":
        pairs = {"label": quote(node.name), "shape": "circle", "style": "filled"}
        pairs["fillcolor"] = quote("#e0e0e0")
        return f"{node.id} {_attributes(pairs)}"
    pairs = {"label": quote(f"{node.name}\n({node.type})")}
    if node.type == "Choice":
        pairs["shape"] = "diamond"
    if outcomes is not None:
        outcome = outcomes.get(node.name)
        pairs["fillcolor"] = quote(FILL[outcome] if outcome else NOT_RUN_FILL)
        pairs["color"] = quote(STROKE[outcome] if outcome else "#9e9e9e")
        if outcome is None:
            pairs["fontcolor"] = quote("#757575")
    return f"{node.id} {_attributes(pairs)}"


def _cluster(
    cluster: Cluster, indent: str, lines: list[str], outcomes: Mapping[str, Outcome] | None
) -> None:
    for node in cluster.nodes:
        lines.append(f"{indent}{_node(node, outcomes)};")
    for inner in cluster.clusters:
        lines.append(f"{indent}subgraph cluster_{inner.id} {{")
        lines.append(f'{indent}  label={quote(inner.label)}; style=rounded; color="#757575";')
        _cluster(inner, indent + "  ", lines, outcomes)
        lines.append(f"{indent}}}")


def _edge(edge: Edge, taken: bool) -> str:
    pairs: dict[str, str] = {}
    if edge.label:
        pairs["label"] = quote(edge.label)
    if edge.kind == "catch":
        pairs.update(style="dashed", color=quote(CATCH_COLOUR), fontcolor=quote(CATCH_COLOUR))
    elif edge.kind == "branch":
        pairs["style"] = "dotted"
    elif taken:
        pairs["color"] = quote(TAKEN_COLOUR)
    if taken:
        pairs["penwidth"] = "3"
    suffix = f" {_attributes(pairs)}" if pairs else ""
    return f"  {edge.source} -> {edge.target}{suffix};"


def to_dot(
    graph: Graph, outcomes: Mapping[str, Outcome] | None = None, taken: Collection[int] = ()
) -> str:
    """DOT text; ``outcomes`` (state name to outcome) colours an execution's states and
    ``taken`` (edge indices) thickens the edges it took."""
    lines = [
        "digraph workflow {",
        f"  graph [rankdir=TB, fontname={quote(FONT)}];",
        f'  node [shape=box, style="rounded,filled", fillcolor=white, fontname={quote(FONT)}];',
        f"  edge [fontname={quote(FONT)}, fontsize=10];",
    ]
    _cluster(graph.root, "  ", lines, outcomes)
    lines.extend(_edge(edge, index in taken) for index, edge in enumerate(graph.edges))
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(dot_text: str, image_format: str) -> bytes:
    """The drawing as ``svg`` or ``png`` bytes, made by Graphviz's ``dot`` program."""
    program = shutil.which("dot")
    if program is None:
        raise GraphvizError(
            "Graphviz's 'dot' program is not installed, so no SVG or PNG can be drawn: "
            "install it (Debian/Ubuntu: apt-get install graphviz; macOS: brew install "
            "graphviz), or use --format mermaid or --format dot"
        )
    done = subprocess.run(
        [program, f"-T{image_format}"],
        input=dot_text.encode(),
        capture_output=True,
        check=False,
        timeout=60,
    )
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip()
        raise GraphvizError(f"Graphviz's dot could not draw the graph: {reason}")
    return done.stdout
