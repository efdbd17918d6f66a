"""Property: any template and any Include give diagnostics, never a Python exception."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asl.definition import load_file, validate
from asl.language.errors import Diagnostic

from .test_properties import _JSON, _workflows

_PLACEHOLDERS = st.sampled_from(
    ["{{a}}", "{{a | upper}}", "{{b | default: 'x'}}", "x{{a}}y", "{{a | json | nope}}", "{{}}"]
)
_VALUE = _JSON | _PLACEHOLDERS
_DECLARATION = st.dictionaries(
    st.sampled_from(["Type", "Required", "Default", "Enum", "Min", "Max", "Other"]),
    _VALUE | st.sampled_from(["string", "integer", "array"]),
    max_size=4,
)


@st.composite
def _templates(draw: st.DrawFn) -> dict[str, Any]:
    template = draw(_workflows())
    if draw(st.booleans()):
        template["Parameters"] = draw(
            st.dictionaries(st.sampled_from(["a", "b", "bad name"]), _DECLARATION | _JSON)
        )
    for field in draw(st.lists(st.sampled_from(["Module", "Exports", "Imports"]), max_size=2)):
        template[field] = draw(_JSON | st.sampled_from([True, ["A"], {"x": "./t.json"}]))
    for state in template["States"].values():
        if draw(st.booleans()):
            state[draw(st.sampled_from(["Agent", "Next", "Result", "Output"]))] = draw(_VALUE)
    return template


_INCLUDE_FIELDS = st.dictionaries(
    st.sampled_from(
        [
            "Parameters",
            "EntryPoint",
            "ExitPoint",
            "Override",
            "ResultPath",
            "OutputPath",
            "Assign",
            "ResultSelector",
            "Catch",
            "Next",
            "End",
        ]
    ),
    _JSON | st.sampled_from(["A", "B", {"a": 1}, {"a.$": "$.x"}, {"States": {"A": {"End": 1}}}]),
    max_size=5,
)


@given(_templates(), _INCLUDE_FIELDS)
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_any_template_and_include_give_diagnostics(
    template: dict[str, Any], fields: dict[str, Any]
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "t.json").write_text(json.dumps(template), encoding="utf-8")
        include = {"Type": "Include", "Template": "t", "End": True, **fields}
        document = {
            "Imports": {"t": "./t.json"},
            "StartAt": "I",
            "States": {
                "I": include,
                "W": {"Type": "Workflow", "WorkflowId": "t", "End": True},
            },
        }
        (root / "main.json").write_text(json.dumps(document), encoding="utf-8")

        result = validate(load_file(root / "main.json"))

    assert all(isinstance(d, Diagnostic) for d in result)
