"""TestState's ``inspectionData``: the value after each data-flow step of a state.

JSONPath states show ``input``, ``afterInputPath``, ``afterParameters``,
``result``, ``afterResultSelector`` and ``afterResultPath``; JSONata states
``input``, ``afterArguments`` and ``result``. What the engine did is read from
the history (the parameters a Task sent, the result its agent gave); the steps
between are computed with the same compiled paths and templates the engine
uses. A step whose template reads the context object (``$$``) or variables
cannot be computed outside the execution, so it and the steps after it are
left out rather than shown wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from typing import Any

from asl.language.errors import ASLError
from asl.language.payload import compile_payload
from asl.runtime.dataflow import compile_result_path, compile_selector

_MISSING = object()
_WITH_PARAMETERS = ("Task", "Pass", "Map", "Parallel")


def _event_value(events: list[dict[str, Any]], kind: str, name: str, key: str) -> Any:
    value: Any = _MISSING
    for event in events:
        details = event.get("details")
        if event.get("type") == kind and event.get("state") == name and isinstance(details, dict):
            value = details.get(key, _MISSING)
    return value


def inspection_data(
    state: Mapping[str, Any],
    language: str | None,
    state_input: Any,
    events: list[dict[str, Any]],
    name: str,
) -> dict[str, Any]:
    data: dict[str, Any] = {"input": state_input}
    sent = _event_value(events, "TaskScheduled", name, "parameters")
    result = _event_value(events, "TaskSucceeded", name, "output")
    if state.get("QueryLanguage", language) == "JSONata":
        if sent is not _MISSING:
            data["afterArguments"] = sent
        if result is not _MISSING:
            data["result"] = result
        return data
    # A step that needs the execution's context stops the list: the steps before it stay.
    with suppress(ASLError, KeyError, TypeError):
        _jsonpath_steps(state, state_input, sent, result, data)
    return data


def _jsonpath_steps(
    state: Mapping[str, Any], state_input: Any, sent: Any, result: Any, data: dict[str, Any]
) -> None:
    select = compile_selector(state, "InputPath")
    effective = select(state_input, None) if select is not None else state_input
    data["afterInputPath"] = effective
    if state.get("Type") not in _WITH_PARAMETERS:
        return
    if sent is not _MISSING:
        effective = sent
    elif "Parameters" in state:
        effective = compile_payload(state["Parameters"]).evaluate(effective, None)
    data["afterParameters"] = effective
    if result is _MISSING:
        if state.get("Type") != "Pass":
            return
        result = state.get("Result", effective)
    data["result"] = result
    if "ResultSelector" in state:
        result = compile_payload(state["ResultSelector"]).evaluate(result, None)
    data["afterResultSelector"] = result
    apply = compile_result_path(state)
    data["afterResultPath"] = apply(state_input, result) if apply is not None else result
