"""`--agents MODULE[:ATTR]`: every way of naming agents, and every way of getting it wrong."""

from __future__ import annotations

import itertools
import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from asl.cli import main

SHOUT = {
    "StartAt": "Shout",
    "States": {"Shout": {"Type": "Task", "Agent": "Shout", "End": True}},
}
_numbers = itertools.count()

WriteModule = Callable[[str], str]


@pytest.fixture
def workflow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A one-Task workflow in a fresh current directory, where agent modules are written."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    (tmp_path / "shout.asl.json").write_text(json.dumps(SHOUT))
    return "shout.asl.json"


@pytest.fixture
def write_module(tmp_path: Path) -> WriteModule:
    """Write a module into the current directory; return its fresh, never-imported name."""

    def write(source: str) -> str:
        name = f"user_agents_{next(_numbers)}"
        (tmp_path / f"{name}.py").write_text(source)
        return name

    return write


def _run(runner: CliRunner, workflow: str, agents: str) -> tuple[int, str, str]:
    result = runner.invoke(main, ["run", workflow, "--agents", agents, "--input", '"hi"'])
    return result.exit_code, result.stdout, result.stderr


def _agents_error(runner: CliRunner, workflow: str, agents: str) -> str:
    exit_code, stdout, stderr = _run(runner, workflow, agents)
    assert (exit_code, stdout) == (2, "")
    return stderr.splitlines()[-1].removeprefix("Error: Invalid value for '--agents': ")


SHOUT_FUNCTION = """
def shout(text):
    return text.upper() + "!"
"""


def test_module_alone_calls_its_register_function(
    runner: CliRunner, workflow: str, write_module: WriteModule
) -> None:
    name = write_module(
        SHOUT_FUNCTION + "\ndef register(registry):\n    registry.register('Shout', shout)\n"
    )

    assert _run(runner, workflow, name) == (0, '"HI!"\n', "")


def test_attr_may_be_an_agent_registry(
    runner: CliRunner, workflow: str, write_module: WriteModule
) -> None:
    name = write_module(
        SHOUT_FUNCTION
        + "\nfrom asl import AgentRegistry\nagents = AgentRegistry({'Shout': shout})\n"
    )

    assert _run(runner, workflow, f"{name}:agents") == (0, '"HI!"\n', "")


def test_attr_may_be_a_dict_of_name_to_agent(
    runner: CliRunner, workflow: str, write_module: WriteModule
) -> None:
    name = write_module(SHOUT_FUNCTION + "\nAGENTS = {'Shout': shout}\n")

    assert _run(runner, workflow, f"{name}:AGENTS") == (0, '"HI!"\n', "")


def test_attr_may_be_a_register_function(
    runner: CliRunner, workflow: str, write_module: WriteModule
) -> None:
    name = write_module(
        SHOUT_FUNCTION + "\ndef setup(registry):\n    registry.register('Shout', shout)\n"
    )

    assert _run(runner, workflow, f"{name}:setup") == (0, '"HI!"\n', "")


def test_module_not_found_says_where_it_looked(runner: CliRunner, workflow: str) -> None:
    message = _agents_error(runner, workflow, "no_such_agents")

    assert message == (
        f"no module named 'no_such_agents' in the current directory ({Path.cwd()}) or on "
        "the Python path; run asl from the folder that contains it, or install it."
    )


def test_a_file_path_gets_the_module_name_to_use(runner: CliRunner, workflow: str) -> None:
    message = _agents_error(runner, workflow, "./examples/triage/agents.py")

    assert message == (
        "'./examples/triage/agents.py' is a file path; give the module name instead, "
        "e.g. --agents examples.triage.agents"
    )


@pytest.mark.parametrize("spec", ["a:b:c", "my-agents", "agents:", ":registry"])
def test_malformed_spec_shows_the_expected_shape(
    runner: CliRunner, workflow: str, spec: str
) -> None:
    message = _agents_error(runner, workflow, spec)

    assert (
        message == f"'{spec}' is not MODULE or MODULE:ATTR, e.g. my_agents or my_agents:registry."
    )


def test_missing_attribute_is_named(
    runner: CliRunner, workflow: str, write_module: WriteModule
) -> None:
    name = write_module(SHOUT_FUNCTION)

    assert _agents_error(runner, workflow, f"{name}:registry") == (
        f"module '{name}' has no attribute 'registry'."
    )


def test_module_without_register_says_how_to_fix_it(
    runner: CliRunner, workflow: str, write_module: WriteModule
) -> None:
    name = write_module(SHOUT_FUNCTION)

    assert _agents_error(runner, workflow, name) == (
        f"module '{name}' has no register(registry) function; define one, or name the "
        f"registry or dict of agents with {name}:ATTR."
    )


def test_attribute_of_the_wrong_kind_is_refused(
    runner: CliRunner, workflow: str, write_module: WriteModule
) -> None:
    name = write_module("VERSION = 3\n")

    assert _agents_error(runner, workflow, f"{name}:VERSION") == (
        f"'{name}:VERSION' is a int; expected an AgentRegistry, a dict of name to agent, "
        "or a register(registry) function."
    )


def test_error_while_importing_is_reported_without_traceback(
    runner: CliRunner, workflow: str, write_module: WriteModule
) -> None:
    name = write_module("raise RuntimeError('API_KEY is not set')\n")

    assert _agents_error(runner, workflow, name) == (
        f"importing '{name}' failed: RuntimeError: API_KEY is not set"
    )


def test_syntax_error_in_the_module_names_file_and_line(
    runner: CliRunner, workflow: str, write_module: WriteModule, tmp_path: Path
) -> None:
    name = write_module("def register(registry)\n    pass\n")

    assert _agents_error(runner, workflow, name) == (
        f"importing '{name}' failed: {tmp_path / name}.py:1:23: expected ':'."
    )


def test_missing_dependency_of_the_module_is_named(
    runner: CliRunner, workflow: str, write_module: WriteModule
) -> None:
    name = write_module("import no_such_dependency\n")

    assert _agents_error(runner, workflow, name) == (
        f"importing '{name}' failed: No module named 'no_such_dependency'."
    )


def test_register_function_that_raises_is_reported(
    runner: CliRunner, workflow: str, write_module: WriteModule
) -> None:
    name = write_module("def register(registry):\n    registry.register('Broken', 42)\n")

    assert _agents_error(runner, workflow, name) == (
        f"'{name}' raised while registering agents: TypeError: agent 'Broken' must be "
        "callable or have an execute(parameters) method, got int"
    )


def test_register_function_that_registers_nothing_is_refused(
    runner: CliRunner, workflow: str, write_module: WriteModule
) -> None:
    name = write_module("def register(registry):\n    pass\n")

    assert _agents_error(runner, workflow, name) == (
        f"'{name}' registered no agents; it should call registry.register(name, agent)."
    )


def test_dict_with_a_non_agent_value_is_refused(
    runner: CliRunner, workflow: str, write_module: WriteModule
) -> None:
    name = write_module("AGENTS = {'Shout': 'not callable'}\n")

    assert _agents_error(runner, workflow, f"{name}:AGENTS") == (
        f"'{name}:AGENTS': agent 'Shout' must be callable or have an execute(parameters) "
        "method, got str."
    )
