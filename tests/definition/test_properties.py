"""Properties: any input gives our diagnostics or our errors, never a Python exception."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asl.definition import Document, load_text, validate
from asl.definition.fields import AGENT_STATE_FIELDS, KNOWN_STATE_FIELDS, STATE_TYPES
from asl.language.errors import ASLError, Diagnostic

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**40), max_value=2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(
        ["$", "$.a", "$.a[*]", "$$.Map.Item.Value", "States.UUID()", "{% 1 %}", "S", "$v"]
    )
    | st.sampled_from(["{% $v %}", "{% 1 + %}", "{% $states.input %}", "{%%}"])
)
_JSON = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
_FIELDS = [*sorted(KNOWN_STATE_FIELDS | AGENT_STATE_FIELDS), "Next.$", "Cause.$", "Unknown"]


@st.composite
def _workflows(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    """Documents shaped like workflows, so that the deep checks run on odd values."""
    names = draw(
        st.lists(st.sampled_from(["A", "B", "C", "S"]), min_size=1, max_size=3, unique=True)
    )
    states: dict[str, Any] = {}
    for name in names:
        state: dict[str, Any] = {"Type": draw(st.sampled_from([*STATE_TYPES, "Nope"]))}
        for field in draw(st.lists(st.sampled_from(_FIELDS), max_size=5, unique=True)):
            state[field] = draw(_JSON | st.sampled_from(names))
        if depth < 1 and draw(st.booleans()):
            state["Branches"] = [draw(_workflows(depth + 1))]
            state["ItemProcessor"] = draw(_workflows(depth + 1))
        states[name] = state
    document: dict[str, Any] = {"StartAt": draw(st.sampled_from(names)), "States": states}
    if draw(st.booleans()):
        document["QueryLanguage"] = draw(st.sampled_from(["JSONPath", "JSONata", 1]))
    return document


def _only_diagnostics(result: object) -> bool:
    return isinstance(result, list) and all(isinstance(d, Diagnostic) for d in result)


@given(_JSON)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_any_json_value_as_a_document_gives_diagnostics(value: Any) -> None:
    assert _only_diagnostics(validate(Document(data=value)))


@given(_workflows(), st.none() | st.lists(st.sampled_from(["A", "Agent", "S"])))
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
def test_any_workflow_shaped_document_gives_diagnostics(
    document: dict[str, Any], agents: list[str] | None
) -> None:
    assert _only_diagnostics(validate(Document(data=document), agents))


@given(_workflows())
@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
def test_text_and_dict_give_the_same_problems(document: dict[str, Any]) -> None:
    from_text = validate(load_text(json.dumps(document, indent=1)))
    from_dict = validate(Document(data=document))

    def key(d: Diagnostic) -> tuple[str, str, str, str]:
        return (d.severity, d.code, d.pointer, d.message)

    assert sorted(map(key, from_text)) == sorted(map(key, from_dict))


@given(st.text(max_size=30), st.sampled_from(["Output", "Arguments", "Assign", "Items"]))
@settings(max_examples=200)
def test_any_text_as_a_jsonata_expression_gives_diagnostics(body: str, field: str) -> None:
    value: Any = f"{{%{body}%}}"
    if field == "Assign":
        value = {"v": value}
    kind = "Map" if field == "Items" else "Task" if field == "Arguments" else "Pass"
    state: dict[str, Any] = {"Type": kind, field: value, "End": True}
    if kind == "Map":
        state["ItemProcessor"] = {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}}
    if kind == "Task":
        state["Resource"] = "r"
    document = {"QueryLanguage": "JSONata", "StartAt": "S", "States": {"S": state}}

    assert _only_diagnostics(validate(Document(data=document)))


@given(st.text(max_size=60))
@settings(max_examples=300)
def test_any_text_loads_or_raises_a_parse_error(text: str) -> None:
    try:
        document = load_text(text, "wf")
    except ASLError as error:
        assert error.error == "States.ParseError"
        assert error.cause.startswith("wf:")
    else:
        assert isinstance(document.data, dict)
        assert _only_diagnostics(validate(document))
