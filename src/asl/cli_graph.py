"""``asl graph``: draw a workflow as Mermaid, Graphviz DOT, SVG or PNG.

The drawing needs only a document that parses: a workflow that does not validate
yet can still be looked at, which is often how its problem is found. With
``--execution ID`` the states are coloured by what that execution did, read from
the store's history; without FILE the execution's own stored document is drawn.
Like ``cli``, nothing heavy is imported at module level.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from asl.cli import CliError, InvalidWorkflow, main, store_choice, store_option

if TYPE_CHECKING:
    from asl.graph.execution import Outcome
    from asl.store import Store

FORMATS = ["mermaid", "dot", "svg", "png"]


@main.command(short_help="Draw a workflow (Mermaid, DOT, SVG, PNG).")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="mermaid",
    show_default=True,
    help="mermaid and dot are text; svg and png are drawn by Graphviz's dot program.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the drawing to this file instead of stdout.",
)
@click.option(
    "--execution",
    "execution_id",
    metavar="ID",
    help="Colour the states by what this execution (from the store) did.",
)
@store_option
def graph(
    file: str | None,
    output_format: str,
    output: str | None,
    execution_id: str | None,
    store_url: str | None,
) -> None:
    """Draw the workflow in FILE: every state with its type, Choice edges labelled
    with their rule, Catch edges dashed, Parallel and Map states as nested boxes.

    \b
    With --execution ID, states are coloured by outcome: green succeeded, orange
    failed but caught, red failed, blue entered and not left (running or paused),
    grey never entered; the transitions it made are thick. Without FILE, the
    document the execution ran is drawn.

    \b
    Examples:
      asl graph workflow.asl.json > workflow.mmd
      asl graph workflow.asl.json --format svg -o workflow.svg
      asl graph --execution 1234 --format png -o run.png
    """
    from asl.graph.dot import GraphvizError, render, to_dot
    from asl.graph.execution import taken_edges
    from asl.graph.mermaid import to_mermaid
    from asl.graph.model import build_graph
    from asl.runtime.durable import definition_hash

    if file is None and execution_id is None:
        raise click.UsageError("Give the workflow FILE, or --execution ID to draw its document.")
    if output_format == "png" and output is None and sys.stdout.isatty():
        raise click.UsageError("PNG is binary: give --output FILE, or redirect stdout.")
    document = _load(file) if file is not None else None
    outcomes: dict[str, Outcome] | None = None
    transitions: list[tuple[str, str | None]] = []
    if execution_id is not None:
        stored, outcomes, transitions = _execution(execution_id, store_url)
        if document is None:
            document = stored
        elif stored and definition_hash(document) != definition_hash(stored):
            click.echo(
                f"warning: execution '{execution_id}' ran another version of {file}; "
                "omit FILE to draw the document it ran",
                err=True,
            )
    assert document is not None
    drawing = build_graph(document)
    taken = taken_edges(drawing, transitions)
    if output_format == "mermaid":
        _write(to_mermaid(drawing, outcomes, taken).encode(), output)
        return
    text = to_dot(drawing, outcomes, taken)
    if output_format == "dot":
        _write(text.encode(), output)
        return
    try:
        _write(render(text, output_format), output)
    except GraphvizError as error:
        raise CliError(str(error)) from None


def _load(file: str) -> dict[str, Any]:
    from asl import ASLError
    from asl.definition.load import load_file

    try:
        return load_file(file).data
    except ASLError as error:
        raise InvalidWorkflow(error.cause or error.error) from None


Transitions = list[tuple[str, str | None]]


def _execution(
    execution_id: str, store_url: str | None
) -> tuple[dict[str, Any], dict[str, Outcome], Transitions]:
    """The execution's stored document, each state's outcome and the transitions it made.

    Exit 1 for an unknown id.
    """
    from asl.cli_store import NotFound, with_store
    from asl.graph.execution import state_outcomes
    from asl.runtime.durable import DEFINITIONS
    from asl.store import UnknownExecutionError

    async def work(store: Store) -> tuple[dict[str, Any], dict[str, Outcome], Transitions]:
        try:
            record = await store.load_execution(execution_id)
        except UnknownExecutionError as error:
            raise NotFound(error.cause) from None
        steps = await store.history(execution_id)
        events = [event for step in steps for event in step.events]
        saved = await store.get_memory(DEFINITIONS, record.definition_hash)
        document = saved.value if saved is not None and isinstance(saved.value, dict) else {}
        return document, state_outcomes(events), [(s.state, s.next_state) for s in steps]

    return with_store(store_choice(store_url), work)


def _write(data: bytes, output: str | None) -> None:
    if output is None:
        click.echo(data, nl=False)
        return
    try:
        with open(output, "wb") as handle:
            handle.write(data)
    except OSError as error:
        raise CliError(f"cannot write '{output}': {error.strerror}") from None
