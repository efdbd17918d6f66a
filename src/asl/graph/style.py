"""The colours of outcomes, shared by the Mermaid and Graphviz drawings."""

from __future__ import annotations

from asl.graph.execution import Outcome

FILL: dict[Outcome, str] = {
    "SUCCEEDED": "#c8e6c9",
    "CAUGHT_ERROR": "#ffe0b2",
    "FAILED": "#ffcdd2",
    "IN_PROGRESS": "#bbdefb",
}
STROKE: dict[Outcome, str] = {
    "SUCCEEDED": "#2e7d32",
    "CAUGHT_ERROR": "#ef6c00",
    "FAILED": "#c62828",
    "IN_PROGRESS": "#1565c0",
}
CATCH_COLOUR = "#c62828"
NOT_RUN_FILL = "#f5f5f5"
"""States an execution never entered are greyed when an execution is drawn."""
TAKEN_COLOUR = "#2e7d32"
"""Edges an execution took are drawn thick, green (or red for a Catch it took)."""
