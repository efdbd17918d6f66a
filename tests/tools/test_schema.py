from __future__ import annotations

import pytest

from asl.tools.registry import python_tool
from asl.tools.schema import function_schema

from .sample_tools import add, pick, shout


def test_a_function_s_schema_comes_from_its_type_hints_and_defaults() -> None:
    tool = python_tool(add)

    assert (tool.name, tool.description, tool.is_async, tool.input_schema) == (
        "add",
        "Add two integers.",
        False,
        {
            "type": "object",
            "properties": {"a": {"type": "integer"}, "b": {"type": "integer", "default": 2}},
            "required": ["a"],
            "additionalProperties": False,
        },
    )


def test_annotated_text_describes_a_parameter_and_async_is_detected() -> None:
    tool = python_tool(shout, name="yell", description="Loud.")

    assert (tool.name, tool.description, tool.is_async, tool.input_schema["properties"]) == (
        "yell",
        "Loud.",
        True,
        {
            "text": {"type": "string", "description": "What to shout"},
            "times": {"type": "integer", "default": 1},
        },
    )


def test_literals_lists_dicts_and_optionals_have_json_forms() -> None:
    assert function_schema(pick)["properties"] == {
        "kind": {"enum": ["a", "b"]},
        "tags": {"type": "array", "items": {"type": "string"}},
        "meta": {
            "anyOf": [
                {"type": "object", "additionalProperties": {"type": "number"}},
                {"type": "null"},
            ],
            "default": None,
        },
    }


def test_a_type_without_a_json_form_is_refused_with_the_fix() -> None:
    def bad(when: complex) -> None:
        """Bad."""

    with pytest.raises(TypeError) as raised:
        python_tool(bad)

    assert str(raised.value) == (
        "a tool parameter has the type <class 'complex'>, which has no JSON form; use str, "
        "int, float, bool, list, dict, Literal, a union of those, or Any"
    )


def test_a_lambda_needs_a_name() -> None:
    with pytest.raises(TypeError) as raised:
        python_tool(lambda: 1)

    assert str(raised.value) == "a tool needs a name: pass register_tool(fn, name='...')"
