"""`asl validate` with composition: --expanded, and problems shown in template files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from asl.cli import main

TEMPLATE = {
    "Parameters": {"word": {"Type": "string", "Required": True}},
    "StartAt": "Say",
    "States": {"Say": {"Type": "Pass", "Result": "{{word | upper}}", "End": True}},
}


def write(directory: Path, name: str, document: Any) -> str:
    path = directory / name
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return name


def main_document(**include: Any) -> dict[str, Any]:
    return {
        "Imports": {"say": "./say.asl.json"},
        "StartAt": "Hello",
        "States": {"Hello": {"Type": "Include", "Template": "say", "End": True, **include}},
    }


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "say.asl.json", TEMPLATE)
    return tmp_path


def test_validate_expanded_prints_the_document_as_it_runs(runner: CliRunner, here: Path) -> None:
    name = write(here, "main.asl.json", main_document(Parameters={"word": "hi"}))

    result = runner.invoke(main, ["validate", "--expanded", name])

    assert (result.exit_code, result.stderr) == (0, "")
    assert json.loads(result.stdout) == {
        "StartAt": "Hello",
        "States": {
            "Hello": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "Hello.Say",
                        "States": {"Hello.Say": {"Type": "Pass", "Result": "HI", "End": True}},
                    }
                ],
                "OutputPath": "$[0]",
                "End": True,
            }
        },
    }


def test_validate_expanded_of_an_invalid_file_lists_the_problems(
    runner: CliRunner, here: Path
) -> None:
    name = write(here, "main.asl.json", main_document())

    result = runner.invoke(main, ["validate", "--expanded", name])

    assert result.exit_code == 1
    assert result.stdout == (
        "main.asl.json:7:5: MISSING_PARAMETER State 'Hello' includes template 'say' "
        "(./say.asl.json), whose parameter 'word' is required: add \"word\" to the Include's "
        "Parameters\n"
    )


def test_validate_expanded_takes_one_file(runner: CliRunner, here: Path) -> None:
    name = write(here, "main.asl.json", main_document(Parameters={"word": "hi"}))

    result = runner.invoke(main, ["validate", "--expanded", name, name])

    assert result.exit_code == 2
    assert "--expanded prints one document: give exactly one FILE." in result.stderr


def test_a_problem_in_a_template_names_the_template_file(runner: CliRunner, here: Path) -> None:
    broken = {**TEMPLATE, "States": {"Say": {"Type": "Pass", "Next": "Nowhere"}}}
    write(here, "say.asl.json", broken)
    name = write(here, "main.asl.json", main_document(Parameters={"word": "hi"}))

    result = runner.invoke(main, ["validate", "--format", "json", name])

    assert result.exit_code == 1
    assert [(d["file"], d["line"], d["column"], d["code"]) for d in json.loads(result.stdout)] == [
        ("say.asl.json", 9, 3, "MISSING_END_STATE"),
        ("say.asl.json", 12, 15, "MISSING_TRANSITION_TARGET"),
    ]
