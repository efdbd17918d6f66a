"""``asl test`` and ``asl test-state``: workflows and single states with mocked agents.

``asl test FILE --mocks MOCKS`` runs the test cases of a Step Functions Local mock
file and checks what they expect: exit 0 when every case passed, 1 when one did
not, 2 for a mock file or workflow that cannot be used. With ``--record`` it runs
the workflow once with the real agents (``--agents``) and writes what they
answered into MOCKS as a new test case, to replay without them.

``asl test-state FILE --state NAME`` runs one state, like AWS's TestState, and
prints its response as JSON (exit 0 whatever the state did: the status says it).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import click

from asl.cli import (
    AGENTS_HELP,
    EXIT_FAILED,
    CliError,
    InvalidWorkflow,
    JsonFile,
    JsonText,
    agents_option,
    json_document,
    main,
)

if TYPE_CHECKING:
    from asl import AgentRegistry
    from asl.testing.runner import CaseResult


class TestsFailed(CliError):
    """At least one test case missed an expectation; the report is on stdout."""

    __test__ = False  # not a pytest test class, whatever its name
    exit_code = EXIT_FAILED


def _document(file: str) -> dict[str, Any]:
    from asl import ASLError
    from asl.definition.load import load_file

    try:
        return load_file(file).data
    except ASLError as error:
        raise InvalidWorkflow(error.cause or error.error) from None


def _valid_document(file: str) -> dict[str, Any]:
    """The workflow of ``asl test``: it must validate (agents aside: mocks stand in)."""
    from asl.cli import collect_diagnostics, diagnostic_line

    errors = [d for d in collect_diagnostics(file, None) if d.severity == "error"]
    if errors:
        lines = "".join(f"\n  {diagnostic_line(file, d)}" for d in errors)
        raise InvalidWorkflow(f"{file} is not a valid workflow; nothing was run:{lines}")
    return _document(file)


def _machine_name(file: str) -> str:
    """The default state machine name: the file name without ``.asl.json``/``.json``/``.yaml``."""
    base = os.path.basename(file)
    for suffix in (".asl.json", ".asl.yaml", ".asl.yml", ".json", ".yaml", ".yml"):
        if base.endswith(suffix):
            return base[: -len(suffix)]
    return base


@main.command(short_help="Run a workflow's test cases with mocked agents.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--mocks",
    "mocks_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="The mock file (Step Functions Local's MockConfigFile.json format).",
)
@click.option(
    "--state-machine",
    metavar="NAME",
    help="Which state machine of the mock file (default: the only one, else the file's "
    "name without .asl.json).",
)
@click.option(
    "--case", "cases", metavar="NAME", multiple=True, help="Run only this test case (repeatable)."
)
@agents_option("Real agents for the states a case does not mock. " + AGENTS_HELP.split(": ", 1)[1])
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: a line per case; json: one JSON object per case.",
)
@click.option(
    "--record",
    is_flag=True,
    help="Run with the real --agents and write their answers into MOCKS as test case --case.",
)
@click.option(
    "--input", "input_text", type=JsonText(), help="With --record: the execution input as JSON."
)
@click.option("--input-file", type=JsonFile(), help="With --record: read the input from a file.")
def test(
    file: str,
    mocks_path: str,
    state_machine: str | None,
    cases: tuple[str, ...],
    registry: AgentRegistry | None,
    output_format: str,
    record: bool,
    input_text: Any,
    input_file: Any,
) -> None:
    """Run the test cases of MOCKS against the workflow in FILE.

    \b
    Each case mocks some Task states (their agents are not called): a mocked
    response gives a value ("Return") or an error ("Throw") per invocation,
    "0", "1-2", ... counting retries. The optional "Expectations" of a case give
    its "Input" and what to check: "Status", "Path" (the top-level states
    entered, in order), "Output", "Error", "Cause". Waits and retry delays take
    no real time.

    \b
    Examples:
      asl test workflow.asl.json --mocks mocks.json
      asl test workflow.asl.json --mocks mocks.json --case HappyPath --format json
      asl test workflow.asl.json --mocks mocks.json --record --case Today \\
          --agents my_agents --input '{"ticket": "..."}'
    """
    document = _valid_document(file)
    if record:
        _record(document, file, mocks_path, state_machine, cases, registry, input_text, input_file)
        return
    import asyncio

    from asl.testing.mock_config import MockConfigError, load_mock_config
    from asl.testing.runner import run_case

    try:
        config = load_mock_config(mocks_path)
        machines = config.machines
        name = state_machine
        if name is None and len(machines) != 1 and _machine_name(file) in machines:
            name = _machine_name(file)
        available = config.test_cases(name, mocks_path)
    except MockConfigError as error:
        raise CliError(str(error)) from None
    unknown = [case for case in cases if case not in available]
    if unknown:
        raise click.UsageError(
            f"no test case {', '.join(repr(c) for c in unknown)} in {mocks_path}; it has: "
            f"{', '.join(available) or 'none'}"
        )
    selected = [available[case] for case in cases] if cases else list(available.values())

    async def run_all() -> list[CaseResult]:
        return [await run_case(document, case, registry) for case in selected]

    results = asyncio.run(run_all())
    report = _report(results, output_format)
    if not all(result.passed for result in results):
        raise TestsFailed(stdout=report)
    click.echo(report, nl=False)


def _report(results: list[CaseResult], output_format: str) -> str:
    if output_format == "json":
        return "".join(json_document(result.to_json()) for result in results)
    lines = []
    for result in results:
        lines.append(f"{'PASS' if result.passed else 'FAIL'} {result.name} ({result.status})")
        lines.extend(f"  {failure}" for failure in result.failures)
    passed = sum(result.passed for result in results)
    lines.append(f"{passed} of {len(results)} test cases passed")
    return "\n".join(lines) + "\n"


def _record(
    document: dict[str, Any],
    file: str,
    mocks_path: str,
    state_machine: str | None,
    cases: tuple[str, ...],
    registry: AgentRegistry | None,
    input_text: Any,
    input_file: Any,
) -> None:
    import asyncio

    from asl.testing.mock_config import MockConfigError
    from asl.testing.record import record_case, write_case

    if registry is None:
        raise click.UsageError("--record calls the real agents: give them with --agents.")
    if len(cases) != 1:
        raise click.UsageError("--record writes one test case: name it with --case NAME.")
    if input_text is not None and input_file is not None:
        raise click.UsageError("Give the input once: --input JSON or --input-file PATH.")
    execution_input = input_text if input_text is not None else input_file
    case, outcome = asyncio.run(record_case(document, registry, execution_input or {}, cases[0]))
    machine = state_machine or _machine_name(file)
    try:
        write_case(mocks_path, machine, case)
    except MockConfigError as error:
        raise CliError(str(error)) from None
    calls = sum(len(response.calls) for response in case.mocks.values())
    click.echo(
        f"recorded {case.name} ({outcome.status}): {calls} agent calls in "
        f"{len(case.mocks)} states, into {mocks_path} under {machine}"
    )


@main.command("test-state", short_help="Run one state with a given input (AWS TestState).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--state", "state_name", metavar="NAME", help="The state to run (FILE's states).")
@click.option(
    "--input",
    "input_text",
    type=JsonText(),
    default="{}",
    help="The state's input as JSON (default {}).",
)
@click.option(
    "--inspection-level",
    type=click.Choice(["INFO", "DEBUG", "TRACE"], case_sensitive=False),
    default="INFO",
    show_default=True,
    help="DEBUG and TRACE add inspectionData: the value after each data-flow step.",
)
@click.option(
    "--mock-result",
    type=JsonText(example='--mock-result \'{"category": "billing"}\''),
    help="Mock the Task's agent: this JSON is its result (an Approval's: its decision).",
)
@click.option("--mock-error", metavar="NAME", help="Mock the Task's agent failing with NAME.")
@click.option("--mock-cause", metavar="TEXT", default="", help="The cause of --mock-error.")
@click.option(
    "--variables",
    type=JsonText(example="--variables '{\"limit\": 3}'"),
    help="Workflow variables in scope, as a JSON object.",
)
@click.option(
    "--retrier-retry-count",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Retries the matching retrier has already made (decides RETRIABLE).",
)
@agents_option("The agents for a Task that is not mocked. " + AGENTS_HELP.split(": ", 1)[1])
def test_state(
    file: str,
    state_name: str | None,
    input_text: Any,
    inspection_level: str,
    mock_result: Any,
    mock_error: str | None,
    mock_cause: str,
    variables: Any,
    retrier_retry_count: int,
    registry: AgentRegistry | None,
) -> None:
    """Run one state of FILE with --input, as AWS Step Functions' TestState does.

    \b
    FILE is a workflow (name the state with --state) or one state's definition.
    Prints TestState's response as JSON: "output", "error", "cause",
    "inspectionData" (DEBUG, TRACE), "nextState" and "status": SUCCEEDED, FAILED,
    CAUGHT_ERROR (a catcher took the error) or RETRIABLE (a retrier would retry).

    \b
    Example:
      asl test-state workflow.asl.json --state Classify \\
          --input '{"ticket": {}}' --mock-result '{"category": "billing"}'
    """
    import asyncio

    from asl import ASLError
    from asl.testing.mock_config import MockedCall
    from asl.testing.test_state import run_test_state

    if mock_result is not None and mock_error is not None:
        raise click.UsageError("Mock a result or an error, not both.")
    if variables is not None and not isinstance(variables, dict):
        raise click.BadParameter(
            "must be a JSON object of variable names", param_hint="--variables"
        )
    mock = None
    if mock_error is not None:
        mock = MockedCall(error=mock_error, cause=mock_cause)
    elif mock_result is not None:
        mock = MockedCall(mock_result)
    document = _document(file)
    try:
        result = asyncio.run(
            run_test_state(
                document,
                state_name,
                input_text,
                registry=registry,
                mock=mock,
                inspection_level=inspection_level.upper(),  # type: ignore[arg-type]
                variables=variables,
                retrier_retry_count=retrier_retry_count,
            )
        )
    except ASLError as error:
        raise CliError(error.cause or error.error) from None
    click.echo(json_document(result.to_json()), nl=False)
