"""Helpers for the composition tests: write a workflow and its templates, validate it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from asl.definition import load_file, validate
from asl.definition.expand import expand

Found = tuple[str, str, str | None, int | None, int | None, str]


def write(directory: Path, name: str, document: Any) -> Path:
    """``document`` as ``json.dumps(indent=2)`` text in ``directory/name``."""
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def found(path: Path) -> list[Found]:
    """(code, pointer, file name or None for the workflow itself, line, column, message)."""
    return [
        (d.code, d.pointer, Path(d.source).name if d.source else None, d.line, d.column, d.message)
        for d in validate(load_file(path), None)
    ]


def expanded(path: Path) -> dict[str, Any]:
    """The document as the engine runs it (checked to have no problems first)."""
    assert found(path) == []
    data: dict[str, Any] = expand(load_file(path)).document.data
    return data


def template(states: dict[str, Any], start: str, **top: Any) -> dict[str, Any]:
    return {**top, "StartAt": start, "States": states}
