"""Transition bodies without repeated data: events refer to the outputs they repeat.

A state's history events carry its input and output in full (``PassStateEntered``
holds the input, ``...Exited`` the output, ``ExecutionPaused`` the input again in
its request), and a state's input is the previous transition's output. Storing
each copy made a paused execution of 1 KB of data take about 8 KB. So a body keeps
a value once: an event detail (or a detail's field, one level down) that is the
transition's output or the previous output is stored as ``null`` plus a reference
in the event's ``$refs`` list (``[detail, field?, "o" | "p"]``), and an output
that is the previous output is stored as ``"$output": "p"``. Two values are the
same when they are one object, or equal and encode to the same JSON text
(Python's ``1 == 1.0 == True`` alone would turn a reference into another JSON
value). Reading rebuilds every reference as an independent copy, so history and
resume see exactly what was recorded. ``$refs`` cannot clash with recorded data:
an event's top-level keys are the history's own (id, type, timestamp, state,
details).
"""

from __future__ import annotations

import json
from typing import Any

from asl.store.errors import StoreError
from asl.store.records import JSON, Transition

OUTPUT, PRIOR = "o", "p"


class _Matcher:
    """Tells whether a value is the output or the prior output (see the module docstring).

    Equal values are confirmed by their JSON text, and the output's and the prior's
    texts are made once per transition, however many events repeat them.
    """

    def __init__(self, output: JSON, prior: tuple[JSON] | None) -> None:
        self.output = output
        self.prior = prior
        self._texts: dict[int, str] = {}

    def ref(self, value: JSON) -> str | None:
        if not isinstance(value, dict | list):
            return None  # scalars are small: a reference would not save anything
        if self.same(value, self.output):
            return OUTPUT
        if self.prior is not None and self.same(value, self.prior[0]):
            return PRIOR
        return None

    def same(self, value: JSON, other: JSON) -> bool:
        """One object, or equal and encoding alike (``1 == True`` in Python, not in JSON)."""
        if value is other:
            return True
        return bool(value == other) and self._text(value) == self._text(other)

    def _text(self, value: JSON) -> str:
        text = self._texts.get(id(value))
        if text is None:
            text = self._texts[id(value)] = json.dumps(value)
        return text


def compact_events(events: list[dict[str, JSON]], matcher: _Matcher) -> list[dict[str, JSON]]:
    """The events with details that are the output or the prior output as references."""
    return [_compact(event, matcher) for event in events]


def _compact(event: dict[str, JSON], matcher: _Matcher) -> dict[str, JSON]:
    details = event.get("details")
    if not isinstance(details, dict):
        return event
    refs: list[JSON] = []
    kept: dict[str, JSON] = {}
    for key, value in details.items():
        ref = matcher.ref(value)
        if ref is not None:
            refs.append([key, ref])
            kept[key] = None
        elif isinstance(value, dict):
            inner: dict[str, JSON] | None = None
            for name, item in value.items():
                ref = matcher.ref(item)
                if ref is not None:
                    inner = inner if inner is not None else dict(value)
                    inner[name] = None
                    refs.append([key, name, ref])
            kept[key] = inner if inner is not None else value
        else:
            kept[key] = value
    if not refs:
        return event
    return {**event, "details": kept, "$refs": refs}


def expand_events(events: list[Any], output_text: str, prior_text: str | None) -> list[Any]:
    """Rebuild the references of stored events, each as a fresh copy of its value."""
    texts = {OUTPUT: output_text, PRIOR: prior_text}
    for event in events:
        refs = event.pop("$refs", None)
        if refs is None:
            continue
        details = event["details"]
        for *path, ref in refs:
            text = texts[ref]
            if text is None:
                raise StoreError(
                    f"History event #{event.get('id')} refers to the previous output, "
                    "which the store no longer holds: the history is damaged"
                )
            target = details if len(path) == 1 else details[path[0]]
            target[path[-1]] = json.loads(text)
    return events


def body(transition: Transition) -> dict[str, Any]:
    """The stored form of a transition (see the module docstring)."""
    prior = transition.prior
    output = transition.output
    matcher = _Matcher(output, prior)
    stored: dict[str, Any] = {"state": transition.state}
    if prior is not None and isinstance(output, dict | list) and matcher.same(output, prior[0]):
        stored["$output"] = PRIOR
    else:
        stored["output"] = output
    stored.update(
        next=transition.next_state,
        events=compact_events(transition.events, matcher),
        tokens=transition.tokens,
        cost=transition.cost,
        variables=transition.variables,
    )
    return stored
