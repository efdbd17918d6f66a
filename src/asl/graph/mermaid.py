"""The graph as a Mermaid flowchart (``flowchart TD``), for Markdown and web pages.

Labels are quoted and their special characters written as Mermaid entity codes
(``#quot;``, ``#lt;``...), so any state name or Choice rule survives. Catch
edges are dotted; with an execution, each state gets a class named after its
outcome (states never entered the ``not_run`` class) and the edges it took are
thick.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from asl.graph.execution import OUTCOMES, Outcome
from asl.graph.model import Cluster, Edge, Graph, Node
from asl.graph.style import CATCH_COLOUR, FILL, NOT_RUN_FILL, STROKE, TAKEN_COLOUR

_ENTITIES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;"}


def text(value: str) -> str:
    """A label that Mermaid reads back unchanged."""
    return "".join(_ENTITIES.get(char, char) for char in value)


def _shape(node: Node) -> str:
    if node.kind != "state":
        return f'(("{node.name}"))'
    label = f'"{text(node.name)}<br/><i>{text(node.type)}</i>"'
    if node.type == "Choice":
        return "{" + label + "}"
    if node.type in ("Succeed", "Fail"):
        return f"([{label}])"
    return f"[{label}]"


def _cluster(cluster: Cluster, indent: str, lines: list[str]) -> None:
    for node in cluster.nodes:
        lines.append(f"{indent}{node.id}{_shape(node)}")
    for inner in cluster.clusters:
        lines.append(f'{indent}subgraph {inner.id}["{text(inner.label)}"]')
        _cluster(inner, indent + "  ", lines)
        lines.append(f"{indent}end")


def _edge(edge: Edge) -> str:
    arrow = "-.->" if edge.kind in ("catch", "branch") else "-->"
    label = f'|"{text(edge.label)}"|' if edge.label else ""
    return f"  {edge.source} {arrow}{label} {edge.target}"


def to_mermaid(
    graph: Graph, outcomes: Mapping[str, Outcome] | None = None, taken: Collection[int] = ()
) -> str:
    """Mermaid text; ``outcomes`` (state name to outcome) colours an execution's states
    and ``taken`` (edge indices) thickens the edges it took."""
    lines = ["flowchart TD"]
    _cluster(graph.root, "  ", lines)
    lines.extend(_edge(edge) for edge in graph.edges)
    styles: dict[str, list[str]] = {}
    for index, edge in enumerate(graph.edges):
        colour = CATCH_COLOUR if edge.kind == "catch" else TAKEN_COLOUR
        style = f"stroke:{colour},color:{colour}"
        if index in taken:
            style += ",stroke-width:3px"
        elif edge.kind != "catch":
            continue
        styles.setdefault(style, []).append(str(index))
    lines.extend(f"  linkStyle {','.join(indices)} {style}" for style, indices in styles.items())
    if outcomes is not None:
        lines.extend(_classes(graph, outcomes))
    return "\n".join(lines) + "\n"


def _classes(graph: Graph, outcomes: Mapping[str, Outcome]) -> list[str]:
    lines = [
        f"  classDef {outcome.lower()} fill:{FILL[outcome]},stroke:{STROKE[outcome]}"
        for outcome in OUTCOMES
    ]
    lines.append(f"  classDef not_run fill:{NOT_RUN_FILL},stroke:#9e9e9e,color:#757575")
    members: dict[str, list[str]] = {}
    for node in graph.nodes():
        if node.kind == "state":
            outcome = outcomes.get(node.name)
            members.setdefault(outcome.lower() if outcome else "not_run", []).append(node.id)
    lines.extend(f"  class {','.join(ids)} {name}" for name, ids in members.items())
    return lines
