"""``asl run --events FILE`` and ``asl feedback list``: the events and feedback side of the CLI.

``--events FILE`` writes every event of the run (history, agent output chunks,
progress, ``Events`` blocks) to FILE as NDJSON, one JSON object a line, as it
happens; ``-`` writes them to stderr, since stdout carries only the result. A
workflow whose ``Events.Channels`` has a ``stdout`` channel has those lines
sent to stderr too, for the same reason.

Like ``cli``, nothing here imports the engine at module level.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

import click

from asl.cli import CliError, json_document, main, store_choice, store_option

if TYPE_CHECKING:
    from asl import WorkflowEngine


@contextlib.contextmanager
def recording(engine: WorkflowEngine, events_file: str | None) -> Iterator[None]:
    """While the engine runs: events to ``events_file``, stdout channels to stderr."""
    from asl.runtime.channels import line

    with contextlib.ExitStack() as stack:
        if events_file is not None:
            sink = _open(events_file)
            if sink is not sys.stderr:
                stack.callback(sink.close)

            def write(event: dict[str, Any]) -> None:
                sink.write(line(event) + "\n")
                sink.flush()

            engine.on_event(write)
        if _has_stdout_channel(engine.definition):
            stack.enter_context(contextlib.redirect_stdout(sys.stderr))
        yield


def _open(path: str) -> IO[str]:
    if path == "-":
        return sys.stderr
    try:
        return open(path, "w", encoding="utf-8")
    except OSError as error:
        raise CliError(
            f"--events: cannot write '{path}': {error.strerror}. Give a writable file, "
            "or '-' for stderr."
        ) from None


def _has_stdout_channel(document: dict[str, Any]) -> bool:
    events = document.get("Events")
    channels = events.get("Channels") if isinstance(events, dict) else None
    return isinstance(channels, dict) and any(
        isinstance(c, dict) and str(c.get("Type")).lower() == "stdout" for c in channels.values()
    )


@main.group()
def feedback() -> None:
    """Feedback people gave on Task results (Feedback blocks).

    A Task with a Feedback block pauses for an answer like an Approval does;
    answer it with 'asl resume ID --data JSON', e.g. --data '{"rating": 4}'.
    """


@feedback.command("list")
@store_option
@click.option("--execution", "execution_id", metavar="ID", help="Only this execution's.")
@click.option("--state", metavar="NAME", help="Only feedback on this state.")
@click.option("--name", metavar="STORE", help="Only the feedback store of this name (its 'Store').")
@click.option("--pending", is_flag=True, help="The requests still waiting for an answer instead.")
def list_feedback_command(
    store_url: str | None,
    execution_id: str | None,
    state: str | None,
    name: str | None,
    pending: bool,
) -> None:
    """Print the answered feedback (or the pending requests) as a JSON array, oldest first."""
    from asl.cli_store import with_store
    from asl.runtime.observable import list_feedback

    entries = with_store(
        store_choice(store_url),
        lambda store: list_feedback(
            store, execution_id=execution_id, state=state, name=name, pending=pending
        ),
    )
    click.echo(json_document(entries), nl=False)
