"""Prompt templates: ``{{ path }}`` placeholders filled from the Task's parameters.

A placeholder names a value by dotted path (``{{ ticket.subject }}``, list items by
number: ``{{ items.0 }}``); ``{{ $ }}`` is the whole parameters value.  Strings go in
as they are, other values as compact JSON.  Double braces leave single braces free
for JSON examples in a prompt.  A path that names nothing fails the Task with
``Agent.InvalidInput`` naming the placeholder, rather than sending a broken prompt.
"""

from __future__ import annotations

import json
import re
from typing import Any

from asl.agents.llm.errors import INVALID_INPUT
from asl.language.errors import AgentError

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


class PromptTemplate:
    """A template parsed once; :meth:`render` fills it for each call."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._parts = _PLACEHOLDER.split(text)  # literal, path, literal, path, ...
        for path in self._parts[1::2]:
            if not path:
                raise ValueError("a placeholder names no value: write {{ name }} or {{ $ }}")

    @property
    def paths(self) -> list[str]:
        return self._parts[1::2]

    def render(self, parameters: Any) -> str:
        parts = self._parts
        if len(parts) == 1:
            return parts[0]
        out = [parts[0]]
        for index in range(1, len(parts), 2):
            out.append(_text(_lookup(parameters, parts[index])))
            out.append(parts[index + 1])
        return "".join(out)


def _lookup(parameters: Any, path: str) -> Any:
    if path == "$":
        return parameters
    value = parameters
    for segment in path.removeprefix("$.").split("."):
        if isinstance(value, dict) and segment in value:
            value = value[segment]
        elif isinstance(value, list) and segment.isdigit() and int(segment) < len(value):
            value = value[int(segment)]
        else:
            raise AgentError(
                INVALID_INPUT,
                f"The prompt placeholder '{{{{ {path} }}}}' names no value in the parameters; "
                "pass it in the state's Parameters or Arguments",
            )
    return value


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def default_prompt(parameters: Any) -> str:
    """The user message when no template is configured: the parameters themselves."""
    return _text(parameters)
