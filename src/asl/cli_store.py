"""``asl resume``, ``approve``, ``reject`` and ``executions``: the store side of the CLI.

An execution that pauses (an Approval with nobody to decide at once) is written to
the store; these commands continue it and look into the store, from any process
that opens the same store, days later if need be. ``resume`` and ``approve`` keep
the contract of ``asl run`` (stdout and exit codes); a refusal (unknown or finished
execution, a decision that does not fit) changes nothing and exits 2 with the
reason on stderr. ``executions show`` and ``history`` exit 1 for an unknown id.

Like ``cli``, this module imports neither the engine nor the store at module level:
``asl --help`` stays cheap. It adds its commands to ``asl.cli.main`` when imported.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from asl.cli import (
    AGENTS_HELP,
    EXIT_FAILED,
    CliError,
    F,
    InvalidWorkflow,
    JsonText,
    StoreChoice,
    agents_option,
    json_document,
    main,
    open_cli_store,
    outcome,
    progress,
    store_choice,
    store_option,
)

if TYPE_CHECKING:
    from asl import AgentRegistry, WorkflowEngine, WorkflowResult
    from asl.store import ExecutionRecord, ExecutionStatus, PendingRequest, Store

T = TypeVar("T")

STATUSES = ["RUNNING", "PAUSED", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]


class Refused(CliError):
    """The store or the engine refused: unknown id, not paused, a decision that does not fit."""


class NotFound(CliError):
    """``executions show|history`` of an id the store does not have."""

    exit_code = EXIT_FAILED


def with_store(choice: StoreChoice, work: Callable[[Store], Awaitable[T]]) -> T:
    """Open the store, do the work in one event loop, close it; store failures exit 2."""
    import asyncio

    from asl.store import StoreError

    async def go() -> T:
        store = await open_cli_store(choice)
        async with store:
            return await work(store)

    try:
        return asyncio.run(go())
    except StoreError as error:
        raise Refused(choice.blame(error.cause)) from None


# --- resume, approve, reject -------------------------------------------------------------

REQUEST_OPTION = click.option(
    "--request",
    "request_id",
    metavar="REQUEST_ID",
    help="The request decided, when the execution waits on several (the branches of a Map "
    "or Parallel); 'asl executions show ID' lists them.",
)



def resume_execution(
    execution_id: str,
    decision: Any,
    registry: AgentRegistry | None,
    choice: StoreChoice,
    redrive: bool = False,
    request_id: str | None = None,
) -> WorkflowResult:
    """Build the engine from the stored document and continue (or redrive) the execution."""
    from asl import ASLError, WorkflowEngine
    from asl.cli_events import recording
    from asl.store import StoreError

    async def work(store: Store) -> WorkflowResult:
        try:
            engine = await WorkflowEngine.afrom_store(execution_id, registry, store=store)
            _check_agents(engine, execution_id, registry)
            with progress(engine), recording(engine, None):  # stdout channels go to stderr
                if redrive:
                    return await engine.aredrive(execution_id)
                return await engine.aresume(execution_id, decision, request_id=request_id)
        except StoreError:
            raise  # with_store words it
        except ASLError as error:  # States.InvalidResume, States.InvalidDecision
            raise Refused(error.cause or error.error) from None

    return with_store(choice, work)


def _check_agents(
    engine: WorkflowEngine, execution_id: str, registry: AgentRegistry | None
) -> None:
    """Refuse before deciding anything if a Task of the workflow names a missing agent.

    A decision is taken once: resuming without the agents would spend it on an
    execution that then fails at its next Task.
    """
    errors = [d for d in engine.diagnostics() if d.severity == "error"]
    if not errors:
        return
    lines = "".join(f"\n  {d.code} {d.message}" for d in errors)
    hint = ""
    if any(d.code == "UNKNOWN_AGENT" for d in errors):
        hint = (
            "\nGive the agents it ran with: --agents MODULE[:ATTR] (see 'asl run --help')."
            if registry is None
            else "\nGive the agents it ran with (see 'asl run --help')."
        )
    raise InvalidWorkflow(
        f"Execution '{execution_id}' cannot continue with these agents; nothing changed:"
        f"{lines}{hint}"
    )


@main.command(short_help="Continue a paused execution.")
@click.argument("execution_id")
@click.option(
    "--data",
    "decision",
    type=JsonText(example='--data \'{"approval": "approve"}\''),
    help='The decision the execution waits for, as JSON: {"approval": OPTION, "approver": '
    'NAME, "comment": TEXT, "edited_content": {...}}. Without it, an Approval whose '
    "Timeout has passed takes its timeout route; otherwise nothing changes (exit 3).",
)
@agents_option("The agents the workflow runs with (as for 'asl run').")
@store_option
@REQUEST_OPTION
def resume(
    execution_id: str,
    decision: Any,
    registry: AgentRegistry | None,
    store_url: str | None,
    request_id: str | None,
) -> None:
    """Continue the paused execution EXECUTION_ID from the store.

    The workflow is the document the execution started with, kept in the store.
    stdout and exit codes are those of 'asl run'; a refusal (unknown or finished
    execution, a decision that does not fit) changes nothing and exits 2.
    """
    choice = store_choice(store_url)
    result = resume_execution(execution_id, decision, registry, choice, request_id=request_id)
    click.echo(outcome(result), nl=False)


@main.command(short_help="Run a failed execution again from the state that failed.")
@click.argument("execution_id")
@agents_option("The agents the workflow runs with (as for 'asl run').")
@store_option
def redrive(execution_id: str, registry: AgentRegistry | None, store_url: str | None) -> None:
    """Redrive the FAILED (or TIMED_OUT, ABORTED) execution EXECUTION_ID, as Step Functions does.

    The states that succeeded are not run again: the execution continues from the
    state that failed, with the input it had, keeping its id and history. stdout and
    exit codes are those of 'asl run'; an execution that did not fail exits 2.
    """
    result = resume_execution(execution_id, None, registry, store_choice(store_url), True)
    click.echo(outcome(result), nl=False)


def _decision_options(command: F) -> F:
    options: list[Callable[[F], F]] = [
        REQUEST_OPTION,
        click.option("--comment", metavar="TEXT", help="Why; kept with the decision."),
        click.option("--approver", metavar="NAME", help="Who decides (default: your login name)."),
        agents_option(AGENTS_HELP.replace("Python module with", "The module with", 1)),
        store_option,
    ]
    for option in reversed(options):
        command = option(command)
    return command


def decide(
    execution_id: str,
    approval: str,
    approver: str | None,
    comment: str | None,
    edited: Any,
    registry: AgentRegistry | None,
    store_url: str | None,
    request_id: str | None,
) -> None:
    decision: dict[str, Any] = {"approval": approval, "approver": approver or login_name()}
    if comment is not None:
        decision["comment"] = comment
    if edited is not None:
        decision["edited_content"] = edited
    choice = store_choice(store_url)
    result = resume_execution(execution_id, decision, registry, choice, request_id=request_id)
    click.echo(outcome(result), nl=False)


def login_name() -> str:
    """The user's login name ($LOGNAME, $USER, ... or the password database), else "user"."""
    import getpass

    try:
        return getpass.getuser() or "user"
    except (OSError, KeyError, ImportError):  # no such variable and no passwd entry
        return "user"


@main.command(short_help="Decide the Approval an execution waits for.")
@click.argument("execution_id")
@click.argument("decision", default="approve", metavar="[DECISION]")
@_decision_options
@click.option(
    "--edited",
    type=JsonText(example='--edited \'{"title": "New title"}\''),
    help="Edited content as JSON, for an Approval with Editable fields.",
)
def approve(
    execution_id: str,
    decision: str,
    comment: str | None,
    approver: str | None,
    registry: AgentRegistry | None,
    store_url: str | None,
    edited: Any,
    request_id: str | None,
) -> None:
    """Decide the Approval that EXECUTION_ID waits for, and continue it.

    DECISION is one of the Approval's Options (default: approve). stdout and exit
    codes are those of 'asl run'; a decision that does not fit exits 2.
    """
    decide(execution_id, decision, approver, comment, edited, registry, store_url, request_id)


@main.command(short_help="Reject the Approval an execution waits for.")
@click.argument("execution_id")
@_decision_options
def reject(
    execution_id: str,
    comment: str | None,
    approver: str | None,
    registry: AgentRegistry | None,
    store_url: str | None,
    request_id: str | None,
) -> None:
    """Same as 'asl approve EXECUTION_ID reject'."""
    decide(execution_id, "reject", approver, comment, None, registry, store_url, request_id)


# --- executions list | show | history -----------------------------------------------------


@main.group()
def executions() -> None:
    """List and inspect the executions kept in a store.

    Only executions that paused at least once are kept (a run that never pauses
    leaves nothing behind).
    """


def iso(seconds: float | None) -> str | None:
    """UTC with milliseconds and a Z, as in the history events."""
    if seconds is None:
        return None
    moment = datetime.fromtimestamp(seconds, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _state(record: ExecutionRecord) -> str | None:
    """The state it waits in or runs next; None once finished."""
    return record.position if record.status in ("RUNNING", "PAUSED") else None


def summary(record: ExecutionRecord) -> dict[str, Any]:
    return {
        "executionId": record.execution_id,
        "status": record.status,
        "state": _state(record),
        "createdAt": iso(record.created_at),
        "updatedAt": iso(record.updated_at),
    }


def detail(record: ExecutionRecord, requests: list[PendingRequest]) -> dict[str, Any]:
    return {
        "executionId": record.execution_id,
        "status": record.status,
        "state": _state(record),
        "input": record.input,
        "output": record.output,
        "error": record.error,
        "cause": record.cause,
        "tokens": record.tokens,
        "cost": record.cost,
        "createdAt": iso(record.created_at),
        "updatedAt": iso(record.updated_at),
        "definitionHash": record.definition_hash,
        "requests": [
            {
                "requestId": request.request_id,
                "state": request.state,
                "kind": request.kind,
                "pending": request.pending,
                "request": request.payload,
                "createdAt": iso(request.created_at),
                "decision": request.decision,
                "decidedAt": iso(request.decided_at),
            }
            for request in requests
        ],
    }


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


@executions.command("list")
@click.option(
    "--status",
    type=click.Choice(STATUSES, case_sensitive=False),
    help="Only executions with this status.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="At most this many, newest first.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["auto", "json", "table"]),
    default="auto",
    show_default=True,
    help="json: one JSON object per line; table: aligned columns; auto: a table when "
    "stdout is a terminal, else json.",
)
@store_option
def list_executions(
    status: str | None, limit: int, output_format: str, store_url: str | None
) -> None:
    """List the executions in the store, newest first."""

    async def work(store: Store) -> tuple[list[ExecutionRecord], bool]:
        found: list[ExecutionRecord] = []
        cursor: str | None = None
        while len(found) <= limit:
            page = await store.list_executions(
                status=cast("ExecutionStatus | None", status),
                limit=min(limit + 1 - len(found), 200),
                cursor=cursor,
            )
            found.extend(page.executions)
            cursor = page.next_cursor
            if cursor is None:
                break
        return found[:limit], len(found) > limit

    records, more = with_store(store_choice(store_url), work)
    if output_format == "table" or (output_format == "auto" and _stdout_is_terminal()):
        click.echo(table(records), nl=False)
    else:
        click.echo("".join(json_document(summary(record)) for record in records), nl=False)
    if more:
        click.echo(f"(the newest {limit} shown; there are more: raise --limit)", err=True)


def table(records: list[ExecutionRecord]) -> str:
    """Aligned columns for a person; times in UTC to the second."""
    if not records:
        return "No executions.\n"
    rows = [["EXECUTION ID", "STATUS", "STATE", "CREATED (UTC)", "UPDATED (UTC)"]]
    for record in records:
        row = summary(record)
        rows.append(
            [
                record.execution_id,
                record.status,
                row["state"] or "-",
                str(row["createdAt"])[:19].replace("T", " "),
                str(row["updatedAt"])[:19].replace("T", " "),
            ]
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        + "\n"
        for row in rows
    )


async def _load(store: Store, execution_id: str) -> ExecutionRecord:
    from asl.store import UnknownExecutionError

    try:
        return await store.load_execution(execution_id)
    except UnknownExecutionError as error:
        raise NotFound(error.cause) from None


@executions.command(short_help="One execution and its requests, as JSON.")
@click.argument("execution_id")
@store_option
def show(execution_id: str, store_url: str | None) -> None:
    """Print the execution EXECUTION_ID as one JSON document, with its requests."""

    async def work(store: Store) -> dict[str, Any]:
        from asl.budget import load_report

        record = await _load(store, execution_id)
        shown = detail(record, await store.list_requests(execution_id, pending_only=False))
        report = await load_report(store, execution_id)
        return shown if report is None else {**shown, "costReport": report}

    click.echo(json_document(with_store(store_choice(store_url), work)), nl=False)


@executions.command(short_help="Its history events, one JSON object a line.")
@click.argument("execution_id")
@store_option
def history(execution_id: str, store_url: str | None) -> None:
    """Print the stored history events of EXECUTION_ID, one JSON object per line."""

    async def work(store: Store) -> list[dict[str, Any]]:
        await _load(store, execution_id)
        return [event for step in await store.history(execution_id) for event in step.events]

    events = with_store(store_choice(store_url), work)
    click.echo("".join(json_document(event) for event in events), nl=False)


@executions.command(short_help="Its live checkpoints, one JSON object a line.")
@click.argument("execution_id")
@store_option
def checkpoints(execution_id: str, store_url: str | None) -> None:
    """Print the live checkpoints of EXECUTION_ID (name, created, expires), one per line.

    Restart from one in Python with ``engine.restart(EXECUTION_ID, NAME)``.
    """

    async def work(store: Store) -> list[dict[str, Any]]:
        return [
            {"name": saved.name, "createdAt": saved.created_at, "expiresAt": saved.expires_at}
            for saved in await store.list_checkpoints(execution_id)
        ]

    saved = with_store(store_choice(store_url), work)
    click.echo("".join(json_document(entry) for entry in saved), nl=False)
