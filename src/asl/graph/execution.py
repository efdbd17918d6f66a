"""What an execution did to each state, read from its history events.

History events carry state names, not positions, and state names are unique in
a document (AWS's rule, branches included), so the name is the key. A state a
Map runs once per item gets the worst outcome of its runs: one failed iteration
is what a reader must see.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from asl.graph.model import Graph

Outcome = Literal["SUCCEEDED", "CAUGHT_ERROR", "FAILED", "IN_PROGRESS"]
"""The outcome names of AWS's TestState where they fit; IN_PROGRESS: entered, not left."""

OUTCOMES: tuple[Outcome, ...] = ("SUCCEEDED", "CAUGHT_ERROR", "FAILED", "IN_PROGRESS")

_RANK: dict[Outcome, int] = {"SUCCEEDED": 0, "IN_PROGRESS": 1, "CAUGHT_ERROR": 2, "FAILED": 3}


def state_outcomes(events: Iterable[Mapping[str, Any]]) -> dict[str, Outcome]:
    """Each visited state's outcome; states the execution never entered are absent."""
    visits: dict[str, list[Outcome]] = {}
    paused: set[str] = set()  # a resume enters these states again: the same visit goes on
    for event in events:
        state = event.get("state")
        kind = str(event.get("type", ""))
        if not isinstance(state, str):
            continue
        runs = visits.setdefault(state, [])
        if kind == "ExecutionPaused":
            paused.add(state)
        elif kind.endswith("StateEntered"):
            if state in paused and runs:
                paused.discard(state)
                continue
            runs.append("IN_PROGRESS")
        elif not runs:
            continue  # an event of a run that started before this history (cannot happen)
        elif kind.endswith("StateExited"):
            if runs[-1] == "IN_PROGRESS":
                runs[-1] = "SUCCEEDED"
        elif _is_failure(kind):
            details = event.get("details")
            caught = isinstance(details, Mapping) and "caught" in details
            retried = isinstance(details, Mapping) and "retry" in details
            if caught:
                runs[-1] = "CAUGHT_ERROR"
            elif not retried:
                runs[-1] = "FAILED"
    return {state: max(runs, key=_RANK.__getitem__) for state, runs in visits.items() if runs}


def _is_failure(kind: str) -> bool:
    """TaskFailed, TaskTimedOut, ParallelStateFailed, MapStateFailed (not a Map's iteration)."""
    return kind in ("TaskFailed", "TaskTimedOut") or kind.endswith("StateFailed")


def taken_edges(graph: Graph, transitions: Iterable[tuple[str, str | None]]) -> set[int]:
    """Indices of the edges an execution took, from its committed transitions.

    The store commits one transition per top-level state: ``(state, next state)``,
    ``None`` as the next state when the state ended the execution. A Choice rule and
    its Default may lead to the same state; both edges are then marked. The start
    edge is taken once any state was.
    """
    ids = {node.name: node.id for node in graph.root.nodes if node.kind == "state"}
    ids.update((box.nodes[0].name, box.nodes[0].id) for box in graph.root.clusters)
    pairs = set()
    for state, following in transitions:
        if state in ids:
            pairs.add((ids[state], ids.get(following, "") if following else "finish"))
    taken = {index for index, edge in enumerate(graph.edges) if (edge.source, edge.target) in pairs}
    if pairs:
        taken |= {index for index, edge in enumerate(graph.edges) if edge.kind == "start"}
    return taken
