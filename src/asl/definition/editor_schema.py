"""The JSON schema for editors: the shipped schema with a description on every field.

Editors show a property's ``description`` when they complete or hover it, so the
schema ``asl schema`` prints carries one for every property: the schema's own
where it has one, else one from ``schema/descriptions.json`` (by the ``$defs``
entry and property name, else by property name alone). The validation rules are
the shipped schema's, unchanged.
"""

from __future__ import annotations

import copy
import json
from importlib.resources import files
from typing import Any


def _resource(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((files("asl") / "schema" / name).read_text(encoding="utf-8"))
    return data


def shipped_schema() -> dict[str, Any]:
    """``schema/asl.schema.json`` as shipped."""
    return _resource("asl.schema.json")


def editor_schema() -> dict[str, Any]:
    """The shipped schema with every property described."""
    schema = copy.deepcopy(shipped_schema())
    texts = _resource("descriptions.json")
    _describe(schema, "workflow", texts["places"], texts["names"], is_condition=False)
    return schema


def undescribed(schema: dict[str, Any]) -> list[str]:
    """``place.Name`` of every property without a description (for the coverage test)."""
    found: list[str] = []
    _describe(schema, "workflow", {}, {}, is_condition=False, missing=found)
    return found


def _describe(
    node: Any,
    place: str,
    places: dict[str, str],
    names: dict[str, str],
    *,
    is_condition: bool,
    missing: list[str] | None = None,
) -> None:
    """Fill descriptions in place; ``if`` conditions are not fields a user writes."""
    if isinstance(node, list):
        for item in node:
            _describe(item, place, places, names, is_condition=False, missing=missing)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "properties" and isinstance(value, dict) and not is_condition:
            for name, field in value.items():
                if isinstance(field, dict) and "description" not in field:
                    text = places.get(f"{place}.{name}", names.get(name))
                    if text is not None:
                        field["description"] = text
                    elif missing is not None:
                        missing.append(f"{place}.{name}")
                _describe(field, place, places, names, is_condition=False, missing=missing)
        elif key == "$defs" and isinstance(value, dict):
            for name, definition in value.items():
                _describe(definition, name, places, names, is_condition=False, missing=missing)
        else:
            _describe(value, place, places, names, is_condition=key == "if", missing=missing)
