"""The ``asl`` command: validate and run workflow documents from a shell.

The contract (DESIGN.md, "CLI") is written for scripts: stdout carries only the
machine-readable result, everything else goes to stderr, and the exit code says
what happened::

    0  the execution succeeded, or every file validated
    1  the execution failed (stdout: {"error", "cause"}), or validation found problems
    2  bad arguments, an invalid workflow, an unusable store or a refused resume
       (the reason on stderr; nothing ran, nothing changed)
    3  the execution paused (stdout: {"status": "PAUSED", ...})

Every layer raises a :class:`CliError` that carries its exit code; click's
standalone ``main`` is the one place that shows it and exits, so commands can
also be invoked embedded (``standalone_mode=False``) or through ``CliRunner``.
``main``, the group of commands, is the console script's entry point.

This module has ``validate`` and ``run`` and what every command shares (errors,
JSON flags, ``--store``); ``cli_agents`` loads ``--agents``; ``cli_store`` has
``resume``, ``approve``, ``reject`` and ``executions``, which exit 1 only for an
unknown id (``executions show|history``).

The engine and the store are imported inside the commands, never at module level:
``asl --help`` then costs Python plus click, nothing more.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any, NamedTuple, TypeVar

import click
from click.core import ParameterSource

from asl import __version__
from asl.cli_agents import AgentsSpec

if TYPE_CHECKING:
    from asl import AgentRegistry, Diagnostic, WorkflowEngine, WorkflowResult
    from asl.store import Store

    ParamType = click.ParamType[Any]
else:  # older click has no generic ParamType: subscripting it at runtime would fail
    ParamType = click.ParamType

F = TypeVar("F", bound=Callable[..., Any])

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_PAUSED = 3


class CliError(click.ClickException):
    """An outcome other than success: an exit code, a stdout document, a stderr reason."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str = "", stdout: str | None = None) -> None:
        super().__init__(message)
        self.stdout = stdout

    def show(self, file: IO[Any] | None = None) -> None:
        if self.stdout is not None:
            click.echo(self.stdout, nl=False)
        if self.message:
            click.echo(f"Error: {self.message}", file=file, err=True)


class InvalidWorkflow(CliError):
    """The document does not parse or does not validate: nothing was run."""

    exit_code = EXIT_USAGE


class ProblemsFound(CliError):
    """``asl validate`` found errors; they are already on stdout."""

    exit_code = EXIT_FAILED


class ExecutionFailed(CliError):
    """The execution ended in FAILED, TIMED_OUT or ABORTED; stdout names the error."""

    exit_code = EXIT_FAILED


class ExecutionPaused(CliError):
    """The execution waits for a human or an event; stdout says where and for what."""

    exit_code = EXIT_PAUSED


def json_document(value: Any) -> str:
    """One JSON document and a newline: UTF-8 text as is, the shape the contract promises."""
    return json.dumps(value, ensure_ascii=False) + "\n"


# --- parameter types: each fails with exit 2 and a message naming its flag -------------


class JsonText(ParamType):
    """``--input '{"name": "Ada"}'``: a JSON value given as text on the command line."""

    name = "JSON"

    def __init__(self, example: str = '--input \'{"name": "Ada"}\'') -> None:
        self.example = example

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return json.loads(value)
        except json.JSONDecodeError as error:
            self.fail(
                f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}. "
                f"Quote the whole document for your shell, e.g. {self.example}.",
                param,
                ctx,
            )


class JsonFile(ParamType):
    """``--input-file PATH``: the execution input read from a JSON file."""

    name = "PATH"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            with open(value, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) else str(error)
            self.fail(f"cannot read '{value}': {reason}.", param, ctx)
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            self.fail(
                f"{value}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}.", param, ctx
            )


# --- --store: where paused executions are kept ------------------------------------------

STORE_ENV = "ASL_STORE"


class StoreUnusable(CliError):
    """The store URL is wrong, or the store cannot be opened or written: exit 2."""

    exit_code = EXIT_USAGE


def store_option(command: F) -> F:
    """``--store URL`` (or ``$ASL_STORE``) for every command that reads or writes a store."""
    return click.option(
        "--store",
        "store_url",
        metavar="URL",
        envvar=STORE_ENV,
        help="Where paused executions are kept: sqlite:///path.db, redis://host:port/db or "
        f"memory:// (default: ${STORE_ENV}, else asl.db in your user data directory).",
    )(command)


class StoreChoice(NamedTuple):
    """The store URL a command uses, and who chose it (for messages)."""

    url: str
    source: str
    """``--store``, ``ASL_STORE``, or ``""`` for the default SQLite file."""

    def blame(self, cause: str) -> str:
        """The cause of a store failure, saying where the URL came from when it helps."""
        if self.source == STORE_ENV:
            return f"{cause} (the URL comes from the {STORE_ENV} environment variable)"
        return cause


def store_choice(url: str | None) -> StoreChoice:
    """The URL from ``--store``, else ``$ASL_STORE``, else the user's SQLite file."""
    if not url:
        from asl.store import default_sqlite_url

        return StoreChoice(default_sqlite_url(), "")
    source = click.get_current_context().get_parameter_source("store_url")
    return StoreChoice(url, STORE_ENV if source is ParameterSource.ENVIRONMENT else "--store")


async def open_cli_store(choice: StoreChoice) -> Store:
    """Open the chosen store, or exit 2 with what is wrong and the accepted forms."""
    from asl.store import StoreError, open_store

    try:
        return await open_store(choice.url)
    except (StoreError, OSError) as error:
        if choice.source:  # a store the user named must work
            cause = error.cause if isinstance(error, StoreError) else str(error)
            raise StoreUnusable(choice.blame(cause)) from None
    # The default file cannot be used here (a read-only home, say): run in memory, and say
    # so, rather than refuse to run at all.
    click.echo(
        f"warning: the default store {choice.url} cannot be used, so this run is kept in "
        "memory only; give --store or ASL_STORE to keep executions",
        err=True,
    )
    return await open_store("memory://")


def events_option(command: F) -> F:
    """``--events FILE``: the run's events as NDJSON (written by ``cli_events.recording``)."""
    return click.option(
        "--events",
        "events_file",
        metavar="FILE",
        help="Write every event of the run to FILE as NDJSON (one JSON object a line) "
        "as it happens; '-' writes them to stderr.",
    )(command)


# --- diagnostics: how validate and run report a document's problems -------------------


def collect_diagnostics(file: str, registry: AgentRegistry | None) -> list[Diagnostic]:
    """Every problem of one file, warnings included; a parse error is one diagnostic."""
    from asl import ASLError, Diagnostic, WorkflowEngine

    try:
        engine = WorkflowEngine.from_file(file, registry)
    except ASLError as error:
        line, column, message = _position_in_cause(file, error.cause or error.error)
        return [Diagnostic(error.error, message, "", line, column)]
    if registry is None:  # no agents given, so no agent names to check against
        from asl.definition.validate import validate as validate_document

        return validate_document(engine.document, None)
    return engine.diagnostics()


def _position_in_cause(file: str, cause: str) -> tuple[int | None, int | None, str]:
    """Split ``FILE:LINE:COL: message`` (how the loader words parse errors) into parts."""
    head, separator, message = cause.partition(": ")
    place = head.removeprefix(f"{file}:").split(":")
    at_file = separator and head.startswith(f"{file}:")
    if at_file and len(place) == 2 and all(part.isdigit() for part in place):
        return int(place[0]), int(place[1]), message
    return None, None, cause


def diagnostic_line(file: str, d: Diagnostic) -> str:
    """``FILE:LINE:COL: CODE message``, the shape editors and CI annotators parse."""
    label = "" if d.severity == "error" else f"{d.severity}: "
    file = d.source or file  # a problem inside an imported template names the template
    return f"{file}:{d.line or 0}:{d.column or 0}: {label}{d.code} {d.message}"


def diagnostic_dict(file: str, d: Diagnostic) -> dict[str, Any]:
    return {
        "file": d.source or file,
        "line": d.line,
        "column": d.column,
        "severity": d.severity,
        "code": d.code,
        "message": d.message,
        "pointer": d.pointer,
    }


# --- commands ---------------------------------------------------------------------------


@click.group(name="asl", context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="asl", message="%(prog)s %(version)s")
def main() -> None:
    """Validate and run Agent State Language (ASL) workflows.

    ASL is Amazon States Language (AWS Step Functions) with agents: Task states call
    Python functions registered by name. Results go to stdout as JSON; progress,
    warnings and errors go to stderr.

    \b
    Exit codes:
      0  succeeded (run, resume, approve) / every file valid (validate)
      1  execution failed / problems found (validate) / no such execution (executions)
      2  bad arguments, invalid workflow, or a resume the store refused
      3  execution paused, waiting for input

    \b
    Examples:
      asl validate workflow.asl.json
      asl run workflow.asl.json --agents my_agents --input '{"name": "Ada"}'
      asl approve EXECUTION_ID --comment "looks good"
      asl executions list --status paused

    Paused executions are kept in a store: --store URL, else $ASL_STORE, else
    asl.db in your user data directory.
    """


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one line per problem; json: a list of all diagnostics, warnings included.",
)
@click.option(
    "--agents",
    "registry",
    type=AgentsSpec(),
    help="Also check that every agent a Task names is registered (see 'asl run --help').",
)
@click.option(
    "--expanded",
    is_flag=True,
    help="Print the document with its Imports and Include states expanded (one FILE).",
)
def validate(
    files: tuple[str, ...], output_format: str, registry: AgentRegistry | None, expanded: bool
) -> None:
    """Check workflow FILES without running them.

    Prints one line per error on stdout, FILE:LINE:COL: CODE message, and exits 1
    if there is any; warnings go to stderr and do not change the exit code.
    With --expanded, a valid FILE is printed as the engine runs it, as JSON.
    """
    if expanded and len(files) != 1:
        raise click.UsageError("--expanded prints one document: give exactly one FILE.")
    found = [(file, d) for file in files for d in collect_diagnostics(file, registry)]
    has_errors = any(d.severity == "error" for _, d in found)
    if expanded and not has_errors:
        from asl.cli_composition import expanded_document

        for file, d in found:
            click.echo(diagnostic_line(file, d), err=True)
        click.echo(expanded_document(files[0]), nl=False)
        return
    if output_format == "json":
        document = json_document([diagnostic_dict(file, d) for file, d in found])
        if has_errors:
            raise ProblemsFound(stdout=document)
        click.echo(document, nl=False)
        return
    for file, d in found:
        if d.severity != "error":
            click.echo(diagnostic_line(file, d), err=True)
    if has_errors:
        lines = [diagnostic_line(file, d) for file, d in found if d.severity == "error"]
        raise ProblemsFound(stdout="".join(f"{line}\n" for line in lines))


def agents_option(help_text: str) -> Callable[[F], F]:
    """``--agents MODULE[:ATTR]``, given to the command as ``registry``."""
    return click.option("--agents", "registry", type=AgentsSpec(), help=help_text)


AGENTS_HELP = (
    "Python module with the agents, importable from the current directory: "
    "MODULE (calls its register(registry) function) or MODULE:ATTR naming an "
    "AgentRegistry, a dict of name to agent, or a register function; or an agents "
    "config file (.yaml, .yml, .json; see docs/agents-config.md)."
)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--input",
    "input_text",
    type=JsonText(),
    help="The execution input as JSON text (default: read stdin; {} when stdin is a terminal).",
)
@click.option("--input-file", type=JsonFile(), help="Read the execution input from this JSON file.")
@agents_option(AGENTS_HELP)
@store_option
@click.option(
    "--execution-id", metavar="ID", help="Use this execution id instead of a generated one."
)
@events_option
def run(
    file: str,
    input_text: Any,
    input_file: Any,
    registry: AgentRegistry | None,
    store_url: str | None,
    execution_id: str | None,
    events_file: str | None,
) -> None:
    """Run the workflow in FILE and print its output as JSON.

    \b
    stdout, by outcome (exit code):
      succeeded (0)  the final output, one JSON document
      failed (1)     {"error": NAME, "cause": TEXT}
      paused (3)     {"status": "PAUSED", "executionId", "pausedAt", "pending"}
    An invalid workflow or bad arguments exit 2 with the reason on stderr.
    A paused execution is kept in the store; continue it with 'asl approve ID'
    or 'asl resume ID', from any process that opens the same store.
    """
    ctx = click.get_current_context()
    execution_input = _execution_input(ctx, input_text, input_file)
    choice = store_choice(store_url)
    engine = _load_valid_engine(file, registry, choice)
    result = _execute(file, engine, execution_input, execution_id, choice, events_file)
    click.echo(outcome(result), nl=False)


def _execution_input(ctx: click.Context, input_text: Any, input_file: Any) -> Any:
    """The input from --input, --input-file or stdin; AWS's default is ``{}``."""
    given = [
        name
        for name in ("input_text", "input_file")
        if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE
    ]
    if len(given) == 2:
        raise click.UsageError("Give the input once: --input JSON or --input-file PATH.", ctx)
    if given == ["input_text"]:
        return input_text
    if given == ["input_file"]:
        return input_file
    stdin = sys.stdin
    if stdin.isatty():
        return {}
    text = stdin.read()
    if not text.strip():
        return {}
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise click.UsageError(
            f"stdin is not valid JSON: {error.msg} at line {error.lineno}, column "
            f"{error.colno}. Pipe one JSON document, or pass --input / --input-file.",
            ctx,
        ) from None


def _load_valid_engine(
    file: str, registry: AgentRegistry | None, choice: StoreChoice
) -> WorkflowEngine:
    """The engine for FILE, or exit 2 listing every error; warnings go to stderr."""
    from asl import ASLError, WorkflowEngine

    try:
        engine = WorkflowEngine.from_file(file, registry, store=choice.url)
    except ASLError as error:
        raise InvalidWorkflow(error.cause or error.error) from None
    diagnostics = engine.diagnostics()
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors:
        lines = "".join(f"\n  {diagnostic_line(file, d)}" for d in errors)
        hint = ""
        if registry is None and any(d.code == "UNKNOWN_AGENT" for d in errors):
            hint = "\nAgents come from --agents MODULE[:ATTR]; see 'asl run --help'."
        raise InvalidWorkflow(f"{file} is not a valid workflow; nothing was run:{lines}{hint}")
    for d in diagnostics:
        click.echo(diagnostic_line(file, d), err=True)
    return engine


def _execute(
    file: str,
    engine: WorkflowEngine,
    execution_input: Any,
    execution_id: str | None,
    choice: StoreChoice,
    events_file: str | None = None,
) -> WorkflowResult:
    """Run to the end (or to a pause), with a live display when a person watches stderr.

    The store is opened before anything runs, so a wrong URL or an unwritable file
    fails at once (exit 2) rather than when the execution pauses.
    """
    import asyncio

    from asl import ASLError
    from asl.cli_events import recording
    from asl.store import StoreError

    async def go() -> WorkflowResult:
        store = await _engine_store(engine, choice)
        try:
            if execution_id is not None:
                await _refuse_existing(store, execution_id)
            with progress(engine), recording(engine, events_file):
                return await engine.arun(execution_input, execution_id=execution_id)
        finally:
            await store.close()

    try:
        result = asyncio.run(go())
    except StoreError as error:  # the store failed while the execution ran
        raise StoreUnusable(choice.blame(error.cause)) from None
    except ASLError as error:  # the engine refused to start: nothing ran
        raise InvalidWorkflow(f"{file}: {error.cause or error.error}") from None
    if result.paused and choice.url.lower().startswith("memory:"):
        click.echo(
            f"Warning: execution '{result.execution_id}' paused in memory://, which is gone "
            "when asl exits; use a persistent --store (sqlite:///path.db) to resume it.",
            err=True,
        )
    return result


async def _engine_store(engine: WorkflowEngine, choice: StoreChoice) -> Store:
    from asl.store import StoreError

    try:
        return await engine.store()
    except (StoreError, OSError) as error:
        if choice.source:
            cause = error.cause if isinstance(error, StoreError) else str(error)
            raise StoreUnusable(choice.blame(cause)) from None
    store = await open_cli_store(choice)  # the default file is unusable: memory, with a warning
    engine.use_store(store)
    return store


async def _refuse_existing(store: Store, execution_id: str) -> None:
    """An id already in the store is another execution: refuse before running (as AWS does)."""
    from asl.store import UnknownExecutionError

    try:
        record = await store.load_execution(execution_id)
    except UnknownExecutionError:
        return
    hint = f"resume it with 'asl resume {execution_id}', or " if record.status == "PAUSED" else ""
    raise CliError(
        f"Execution '{execution_id}' already exists in the store ({record.status}): "
        f"{hint}choose another --execution-id."
    )


@contextmanager
def progress(engine: WorkflowEngine) -> Iterator[None]:
    """The live display on stderr while the engine runs, when stderr is a terminal."""
    if not _stderr_is_terminal():
        yield
        return
    from asl import cli_progress

    with cli_progress.LiveProgress(engine):
        yield


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def outcome(result: WorkflowResult) -> str:
    """stdout for a succeeded execution; raise the exit for any other end."""
    from asl.cli_budget import echo_cost_report

    echo_cost_report(result)  # stderr, whatever the end
    if result.paused:
        raise ExecutionPaused(
            stdout=json_document(
                {
                    "status": "PAUSED",
                    "executionId": result.execution_id,
                    "pausedAt": result.paused_at_state,
                    "pending": result.pending_input,
                }
            )
        )
    if not result.success:
        error = result.error or result.status
        raise ExecutionFailed(stdout=json_document({"error": error, "cause": result.cause or ""}))
    return json_document(result.output)


# resume, approve, reject and executions live in cli_store, feedback in cli_events, graph in
# cli_graph, schema in cli_schema, test and test-state in cli_testing, budget pools in
# cli_budget, serve, worker and keys in cli_service; each adds its commands to ``main``,
# imported last because they use what this module defines above.
from asl import (  # noqa: E402, F401
    cli_budget,
    cli_events,
    cli_graph,
    cli_schema,
    cli_service,
    cli_store,
    cli_testing,
)

if __name__ == "__main__":  # pragma: no cover - `python -m asl.cli`
    # Under -m this file runs as __main__, a copy the commands above were not added to.
    from asl.cli import main as _main

    _main(prog_name="asl")
