"""Imports: where sources are found, and every way an import can fail."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from asl.definition import Document, validate
from asl.definition.expand import expand

from .composition_files import expanded, found, template, write

STEP = template({"Step": {"Type": "Pass", "Result": "{{word}}", "End": True}}, "Step")


def using(directory: Path, source: str, name: str = "main.asl.json") -> Path:
    document = {
        "Imports": {"step": source},
        "StartAt": "Go",
        "States": {
            "Go": {"Type": "Include", "Template": "step", "Parameters": {"word": "hi"}, "End": True}
        },
    }
    return write(directory, name, document)


def branch_states(path: Path) -> dict[str, Any]:
    states: dict[str, Any] = expanded(path)["States"]["Go"]["Branches"][0]["States"]
    return states


def test_a_relative_source_is_found_next_to_the_importing_file(tmp_path: Path) -> None:
    write(tmp_path, "flows/parts/step.asl.json", STEP)
    path = using(tmp_path / "flows", "./parts/step.asl.json")

    assert branch_states(path) == {"Go.Step": {"Type": "Pass", "Result": "hi", "End": True}}


def test_an_absolute_source_is_used_as_it_is(tmp_path: Path) -> None:
    step = write(tmp_path, "elsewhere/step.asl.json", STEP)
    path = using(tmp_path / "flows", str(step))

    assert list(branch_states(path)) == ["Go.Step"]


def test_a_yaml_template_is_read_too(tmp_path: Path) -> None:
    (tmp_path / "step.asl.yaml").write_text(
        "StartAt: Step\nStates:\n  Step:\n    Type: Pass\n    Result: '{{word}}'\n    End: true\n",
        encoding="utf-8",
    )
    path = using(tmp_path, "./step.asl.yaml")

    assert branch_states(path)["Go.Step"]["Result"] == "hi"


def test_a_package_source_reads_a_template_shipped_in_a_python_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "site/acme_flows").mkdir(parents=True)
    (tmp_path / "site/acme_flows/__init__.py").write_text("", encoding="utf-8")
    write(tmp_path, "site/acme_flows/templates/step.asl.json", STEP)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    path = using(tmp_path, "package://acme_flows/templates/step.asl.json")

    assert list(branch_states(path)) == ["Go.Step"]


def test_a_packaged_template_imports_its_neighbours_relatively(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "site/acme_more").mkdir(parents=True)
    (tmp_path / "site/acme_more/__init__.py").write_text("", encoding="utf-8")
    write(tmp_path, "site/acme_more/step.asl.json", STEP)
    outer = template(
        {"In": {"Type": "Include", "Template": "s", "Parameters": {"word": "yo"}, "End": True}},
        "In",
        Imports={"s": "./step.asl.json"},
    )
    write(tmp_path, "site/acme_more/outer.asl.json", outer)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    document = {
        "Imports": {"o": "package://acme_more/outer.asl.json"},
        "StartAt": "Go",
        "States": {"Go": {"Type": "Include", "Template": "o", "End": True}},
    }
    path = write(tmp_path, "main.asl.json", document)

    inner = branch_states(path)["Go.In"]["Branches"][0]["States"]

    assert inner == {"Go.In.Step": {"Type": "Pass", "Result": "yo", "End": True}}


@pytest.mark.parametrize(
    ("source", "code", "message"),
    [
        (
            "./missing.asl.json",
            "IMPORT_NOT_FOUND",
            "Import 'step' cannot be loaded: missing.asl.json: no such file; check the path "
            "and the working directory",
        ),
        (
            "https://example.com/step.asl.json",
            "UNSUPPORTED_IMPORT",
            "'https://example.com/step.asl.json' is a https source, which this engine does "
            "not fetch: download the file next to the workflow and import it by path",
        ),
        (
            "registry://acme/step@^1.0.0",
            "UNSUPPORTED_IMPORT",
            "'registry://acme/step@^1.0.0' is a registry source, which this engine does not "
            "fetch: download the file next to the workflow and import it by path",
        ),
        (
            "package://no_such_package_here/step.asl.json",
            "IMPORT_NOT_FOUND",
            "Import 'step' cannot be loaded: package://no_such_package_here/step.asl.json: no "
            "such package 'no_such_package_here'; install it or fix the name",
        ),
        (
            "./broken.asl.json",
            "INVALID_IMPORT",
            "Import 'step' cannot be loaded: broken.asl.json:1:13: expected a JSON value here; "
            "remove a trailing comma or add the value",
        ),
    ],
)
def test_an_import_that_cannot_be_loaded_is_an_error_at_the_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, code: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.asl.json").write_text('{"StartAt": }', encoding="utf-8")
    path = using(tmp_path, source)

    assert found(path) == [(code, "/Imports/step", None, 3, 13, message)]


def test_an_import_cycle_is_an_error_naming_the_chain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path,
        "a.asl.json",
        template({"A": {"Type": "Pass", "End": True}}, "A", Imports={"b": "./b.asl.json"}),
    )
    write(
        tmp_path,
        "b.asl.json",
        template({"B": {"Type": "Pass", "End": True}}, "B", Imports={"a": "./a.asl.json"}),
    )
    path = using(tmp_path, "./a.asl.json")

    assert found(path) == [
        (
            "IMPORT_CYCLE",
            "/Imports/a",
            "b.asl.json",
            3,
            10,
            "Import 'a' makes a cycle: a.asl.json -> b.asl.json -> a.asl.json; templates must "
            "import each other without loops (a workflow that runs itself names its own file "
            "in WorkflowId instead)",
        )
    ]


def test_a_template_that_imports_itself_is_a_cycle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = using(tmp_path, "./main.asl.json")

    assert [f[:2] for f in found(path)] == [("IMPORT_CYCLE", "/Imports/step")]


def test_a_template_without_states_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "empty.asl.json", {"Comment": "nothing"})
    path = using(tmp_path, "./empty.asl.json")

    assert [f[:2] + f[5:] for f in found(path)] == [
        (
            "INVALID_TEMPLATE",
            "/States/Go/Template",
            "State 'Go' includes template 'step' (./empty.asl.json), which has no states: a "
            'template needs a "States" object',
        )
    ]


def test_the_expanded_document_drops_the_resolved_imports(tmp_path: Path) -> None:
    write(tmp_path, "step.asl.json", STEP)
    path = using(tmp_path, "./step.asl.json")

    assert sorted(expanded(path)) == ["StartAt", "States"]


def test_a_document_without_composition_is_not_copied() -> None:
    document = Document(data={"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})

    assert expand(document).document is document


def test_relative_imports_of_a_dict_resolve_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "step.asl.json", STEP)
    monkeypatch.chdir(tmp_path)
    document = Document(
        data={
            "Imports": {"step": "./step.asl.json"},
            "StartAt": "Go",
            "States": {
                "Go": {
                    "Type": "Include",
                    "Template": "step",
                    "Parameters": {"word": "x"},
                    "End": True,
                }
            },
        }
    )

    assert validate(document) == []


# --- WorkflowId ---------------------------------------------------------------------------

CHILD = {"StartAt": "C", "States": {"C": {"Type": "Pass", "End": True}}}


def parent(directory: Path, workflow_id: str, **top: Any) -> Path:
    document = {
        **top,
        "StartAt": "Run",
        "States": {"Run": {"Type": "Workflow", "WorkflowId": workflow_id, "End": True}},
    }
    return write(directory, "parent.asl.json", document)


def test_a_workflow_id_naming_an_import_becomes_the_file_location(tmp_path: Path) -> None:
    child = write(tmp_path, "child.asl.json", CHILD)
    path = parent(tmp_path, "child", Imports={"child": "./child.asl.json"})

    assert expanded(path)["States"]["Run"]["WorkflowId"] == str(child)


def test_a_workflow_id_may_be_a_path_relative_to_the_parent(tmp_path: Path) -> None:
    child = write(tmp_path, "sub/child.asl.json", CHILD)
    path = parent(tmp_path, "sub/child.asl.json")

    assert expanded(path)["States"]["Run"]["WorkflowId"] == str(child)


def test_a_workflow_that_runs_itself_is_valid(tmp_path: Path) -> None:
    path = parent(tmp_path, "parent.asl.json")

    assert found(path) == []


def test_an_unknown_workflow_id_is_an_error(tmp_path: Path) -> None:
    path = parent(tmp_path, "chlid", Imports={"child": "./child.asl.json"})
    write(tmp_path, "child.asl.json", CHILD)

    assert [f[:2] + f[5:] for f in found(path)] == [
        (
            "UNKNOWN_WORKFLOW",
            "/States/Run/WorkflowId",
            "'WorkflowId' names 'chlid', which is neither an alias in 'Imports' nor a workflow "
            "file: did you mean 'child'?",
        )
    ]


def test_a_missing_workflow_file_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = parent(tmp_path, "gone.asl.json")

    assert [f[:2] + f[5:] for f in found(path)] == [
        (
            "UNKNOWN_WORKFLOW",
            "/States/Run/WorkflowId",
            "'WorkflowId' names 'gone.asl.json', which cannot be loaded: gone.asl.json: no "
            "such file; check the path and the working directory",
        )
    ]


def test_an_invalid_child_workflow_is_an_error_at_the_workflow_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "child.asl.json", {"StartAt": "C", "States": {"C": {"Type": "Pass"}}})
    path = parent(tmp_path, "child.asl.json")

    assert [f[:2] + f[5:] for f in found(path)] == [
        (
            "INVALID_WORKFLOW",
            "/States/Run/WorkflowId",
            "The workflow 'child.asl.json' cannot run: child.asl.json:4:5: MISSING_TRANSITION "
            "Pass state 'C' has neither 'Next' nor 'End': add \"Next\" with the state to run "
            'next, or "End": true to end the run here',
        )
    ]
