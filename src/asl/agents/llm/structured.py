"""Structured output: the model's answer parsed as JSON and checked against the schema."""

from __future__ import annotations

import json
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match


class OutputSchema:
    """A JSON Schema the answer must satisfy; built once per agent."""

    def __init__(self, schema: dict[str, Any]) -> None:
        Draft202012Validator.check_schema(schema)
        self.schema = schema
        self._validator = Draft202012Validator(schema)

    def problem(self, value: Any) -> str | None:
        """Why ``value`` does not conform (one sentence), or None when it does."""
        error = best_match(self._validator.iter_errors(value))
        if error is None:
            return None
        where = "/".join(str(part) for part in error.absolute_path)
        return f"at '/{where}': {error.message}" if where else error.message


def parse_answer(text: str) -> tuple[Any, str | None]:
    """The JSON value in a text answer, tolerating a Markdown code fence around it."""
    stripped = text.strip()
    if stripped.startswith("```"):
        stripped = stripped.split("\n", 1)[1] if "\n" in stripped else ""
        stripped = stripped.rsplit("```", 1)[0].strip()
    try:
        return json.loads(stripped), None
    except json.JSONDecodeError as error:
        return None, f"the answer is not JSON ({error.msg} at character {error.pos})"
