"""A workflow document as a drawing: nodes, clusters and labelled edges.

Mermaid and Graphviz draw the same picture, so the document is walked once into
this model and each renderer only spells it. A Parallel or Map state is a
cluster: its own node (name and type) heads it, and each branch (or the item
processor) is a nested cluster whose start the head points to. Every edge that
enters or leaves the Parallel or Map attaches to the head node, so a renderer
needs no edges between clusters.

Node ids are generated (``n0``, ``n1``...): state names may hold any character,
and an Include can bring a name twice.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from asl.graph.rules import rule_label

EdgeKind = Literal["next", "choice", "default", "catch", "branch", "start", "end"]
NodeKind = Literal["state", "start", "end"]


@dataclass(frozen=True, slots=True)
class Node:
    """One state (or the start or end marker) as it is drawn."""

    id: str
    name: str
    type: str
    kind: NodeKind = "state"


@dataclass(frozen=True, slots=True)
class Edge:
    """A transition; ``label`` is the Choice rule, "Default" or the caught errors."""

    source: str
    target: str
    kind: EdgeKind
    label: str = ""


@dataclass(slots=True)
class Cluster:
    """A machine drawn as a box: a Parallel or Map state, or one branch of it."""

    id: str
    label: str
    nodes: list[Node] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)


@dataclass(slots=True)
class Graph:
    """The whole drawing: the top-level machine is the root cluster (drawn unboxed)."""

    root: Cluster
    edges: list[Edge]

    def nodes(self) -> Iterator[Node]:
        """Every node, clusters included, in document order."""
        return _walk(self.root)


def _walk(cluster: Cluster) -> Iterator[Node]:
    yield from cluster.nodes
    for inner in cluster.clusters:
        yield from _walk(inner)


class _Builder:
    """Walks a document once; ids are handed out in document order (stable output)."""

    def __init__(self) -> None:
        self.edges: list[Edge] = []
        self.counts = {"n": 0, "c": 0}

    def new_id(self, prefix: str = "n") -> str:
        """``n0, n1...`` for states, ``c0, c1...`` for clusters."""
        self.counts[prefix] += 1
        return f"{prefix}{self.counts[prefix] - 1}"

    def machine(self, machine: Mapping[str, Any], cluster: Cluster) -> str | None:
        """Add a machine's states to ``cluster``; the id of its StartAt state."""
        states = machine.get("States")
        if not isinstance(states, dict):
            return None
        ids = {name: self.new_id() for name in states}
        for name, state in states.items():
            if isinstance(state, dict):
                self.state(name, state, ids, cluster)
        start = machine.get("StartAt")
        return ids.get(start) if isinstance(start, str) else None

    def state(
        self, name: str, state: Mapping[str, Any], ids: Mapping[str, str], cluster: Cluster
    ) -> None:
        kind = state.get("Type")
        kind = kind if isinstance(kind, str) else "?"
        node = Node(ids[name], name, kind)
        inner = self.inner_machines(state)
        if inner:
            box = Cluster(self.new_id("c"), f"{name} ({kind})", [node])
            cluster.clusters.append(box)
            for label, machine in inner:
                branch = Cluster(self.new_id("c"), label)
                box.clusters.append(branch)
                start = self.machine(machine, branch)
                if start is not None:
                    self.edges.append(Edge(node.id, start, "branch"))
        else:
            cluster.nodes.append(node)
        self.transitions(node.id, state, ids)

    @staticmethod
    def inner_machines(state: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
        """Parallel branches, or a Map's processor (``ItemProcessor`` or the older ``Iterator``)."""
        branches = state.get("Branches")
        if state.get("Type") == "Parallel" and isinstance(branches, list):
            return [
                (f"Branch {index + 1}", branch)
                for index, branch in enumerate(branches)
                if isinstance(branch, dict)
            ]
        if state.get("Type") == "Map":
            processor = state.get("ItemProcessor", state.get("Iterator"))
            if isinstance(processor, dict):
                return [("Item processor", processor)]
        return []

    def transitions(self, source: str, state: Mapping[str, Any], ids: Mapping[str, str]) -> None:
        """Choice rules (any state with Choices: Choice, Approval), Default, Next, Catch."""
        language = state.get("QueryLanguage")
        rules = state.get("Choices")
        for rule in rules if isinstance(rules, list) else []:
            if isinstance(rule, dict):
                self.link(source, rule.get("Next"), ids, "choice", rule_label(rule, language))
        self.link(source, state.get("Default"), ids, "default", "Default")
        self.link(source, state.get("Next"), ids, "next")
        catchers = state.get("Catch")
        for catcher in catchers if isinstance(catchers, list) else []:
            if isinstance(catcher, dict):
                errors = catcher.get("ErrorEquals")
                names = ", ".join(str(e) for e in errors) if isinstance(errors, list) else "?"
                self.link(source, catcher.get("Next"), ids, "catch", f"Catch {names}")

    def link(
        self, source: str, target: Any, ids: Mapping[str, str], kind: EdgeKind, label: str = ""
    ) -> None:
        if isinstance(target, str) and target in ids:
            self.edges.append(Edge(source, ids[target], kind, label))


def build_graph(document: Mapping[str, Any]) -> Graph:
    """The drawing of a document: a start marker, every state, and an end marker.

    The end marker gathers the top-level states that end the execution (``End``,
    Succeed, Fail); states inside a branch simply end their branch.
    """
    builder = _Builder()
    root = Cluster("root", str(document.get("Comment", "")))
    start = Node("begin", "Start", "Start", "start")
    root.nodes.append(start)
    first = builder.machine(document, root)
    end = Node("finish", "End", "End", "end")
    root.nodes.append(end)
    edges = builder.edges
    if first is not None:
        edges.insert(0, Edge(start.id, first, "start"))
    states = document.get("States")
    top = {node.name: node for node in _top_level(root)}
    for name, state in states.items() if isinstance(states, dict) else []:
        if isinstance(state, dict) and name in top and _ends(state):
            edges.append(Edge(top[name].id, end.id, "end"))
    return Graph(root, edges)


def _top_level(root: Cluster) -> Iterator[Node]:
    """The root's own states and the heads of its Parallel and Map clusters."""
    yield from (node for node in root.nodes if node.kind == "state")
    for box in root.clusters:
        yield box.nodes[0]


def _ends(state: Mapping[str, Any]) -> bool:
    return state.get("End") is True or state.get("Type") in ("Succeed", "Fail")
