"""Helpers shared by the definition tests: build small documents, list their problems."""

from __future__ import annotations

import json
from typing import Any

from asl.definition import Document, load_text, validate

Problem = tuple[str, str, str, int | None, int | None, str]


def workflow(*states: tuple[str, dict[str, Any]], **top: Any) -> dict[str, Any]:
    """A document whose StartAt is the first state given."""
    return {"StartAt": states[0][0], "States": dict(states), **top}


def problems(document: dict[str, Any], agents: list[str] | None = None) -> list[Problem]:
    """(severity, code, pointer, line, column, message) of every diagnostic.

    The document is validated as the text ``json.dumps(document, indent=2)``, so the
    positions are those of that layout.
    """
    loaded = load_text(json.dumps(document, indent=2))
    return [
        (d.severity, d.code, d.pointer, d.line, d.column, d.message)
        for d in validate(loaded, agents)
    ]


def problems_of_dict(document: Any, agents: list[str] | None = None) -> list[Problem]:
    """The same, for a value validated as it is (no text, so no positions)."""
    loaded = Document(data=document)
    return [
        (d.severity, d.code, d.pointer, d.line, d.column, d.message)
        for d in validate(loaded, agents)
    ]


PASS_END: dict[str, Any] = {"Type": "Pass", "End": True}
