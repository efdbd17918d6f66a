"""``asl schema``: the shipped schema, unchanged in what it accepts, with every field described."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from asl.cli import main
from asl.definition.editor_schema import editor_schema, shipped_schema, undescribed

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(REPO_ROOT.glob("examples/*/workflow.asl.json"))
DESCRIPTIONS = json.loads((REPO_ROOT / "src/asl/schema/descriptions.json").read_text())


def test_it_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(editor_schema())


def test_every_property_has_a_description() -> None:
    assert undescribed(editor_schema()) == []


def test_descriptions_only_add_descriptions() -> None:
    def without_descriptions(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                key: without_descriptions(value)
                for key, value in node.items()
                if not (key == "description" and isinstance(value, str))
            }
        if isinstance(node, list):
            return [without_descriptions(item) for item in node]
        return node

    assert without_descriptions(editor_schema()) == without_descriptions(shipped_schema())


def test_each_description_in_the_file_is_used() -> None:
    """A description whose property was renamed or removed would be dead text."""
    shipped = shipped_schema()
    missing = set(undescribed(shipped))
    places = {place for place in missing if place in DESCRIPTIONS["places"]}
    names = {place.split(".", 1)[1] for place in missing - places}
    assert set(DESCRIPTIONS["places"]) == places
    assert set(DESCRIPTIONS["names"]) == names


def test_the_schema_keeps_its_own_descriptions() -> None:
    schema = editor_schema()
    task = schema["$defs"]["taskState"]["properties"]
    assert task["Agent"]["description"] == "Name of a registered agent."
    assert task["HeartbeatSeconds"]["description"] == (
        "The agent must call context.heartbeat() within this many seconds, else "
        "States.HeartbeatTimeout."
    )
    assert schema["$defs"]["retrier"]["properties"]["MaxAttempts"]["description"] == (
        "Retries at most (default 3; 0 never retries)."
    )
    assert schema["$defs"]["memoryBlock"]["properties"]["Type"]["description"] == (
        "The kind of memory: key_value, semantic or episodic."
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.parent.name for p in EXAMPLES])
def test_the_examples_fit_it(path: Path) -> None:
    validator = Draft202012Validator(editor_schema())
    assert list(validator.iter_errors(json.loads(path.read_text()))) == []


def test_a_wrong_value_is_flagged_as_by_the_shipped_schema() -> None:
    validator = Draft202012Validator(editor_schema())
    retry = [{"ErrorEquals": ["States.ALL"], "MaxAttempts": "three"}]
    task = {"Type": "Task", "Agent": "X", "Retry": retry, "End": True}
    document = {"StartAt": "A", "States": {"A": task}}
    messages = sorted(error.json_path for error in validator.iter_errors(document))
    assert messages == sorted(
        error.json_path for error in Draft202012Validator(shipped_schema()).iter_errors(document)
    )
    assert messages != []  # the editor underlines it


def test_asl_schema_prints_it(tmp_path: Path) -> None:
    runner = CliRunner()
    printed = runner.invoke(main, ["schema"])
    assert printed.exit_code == 0
    assert json.loads(printed.stdout) == editor_schema()
    target = tmp_path / "asl.schema.json"
    written = runner.invoke(main, ["schema", "-o", str(target)])
    assert (written.exit_code, written.stdout) == (0, "")
    assert target.read_text() == printed.stdout


def test_an_unwritable_output_exits_2(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "asl.schema.json"
    result = CliRunner().invoke(main, ["schema", "-o", str(target)])
    assert result.exit_code == 2
    assert result.stderr == f"Error: cannot write '{target}': No such file or directory\n"
