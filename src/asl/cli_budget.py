"""``asl budget``: shared budget pools in the store; and the cost report ``run`` prints.

Like ``cli_store`` it adds its commands to ``asl.cli.main`` when imported, and
imports the budget package only inside commands, so ``asl --help`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from asl.cli import json_document, main, store_choice, store_option

if TYPE_CHECKING:
    from asl import WorkflowResult
    from asl.store import Store


def echo_cost_report(result: WorkflowResult) -> None:
    """The cost report on stderr, when agents reported usage or the workflow has a budget.

    Agents that report nothing (plain functions) leave stderr quiet.
    """
    from asl.budget.report import summary_lines

    report = result.cost_report
    if report is None:
        return
    used = report["tokens"]["total"] or report["costs"]["total"] or report["unpriced"]
    if not used and "budget" not in report:
        return
    for line in summary_lines(report):
        click.echo(line, err=True)


@main.group(short_help="Shared budget pools.")
def budget() -> None:
    """Budget pools that executions draw from (a workflow's Budget.Pool)."""


@budget.command(short_help="Create, resize or show a pool.")
@click.argument("name")
@click.option("--limit", metavar="AMOUNT", help='The pool\'s size in USD, e.g. "$500" or 500.')
@store_option
def pool(name: str, limit: str | None, store_url: str | None) -> None:
    """Print the pool NAME as JSON ({name, limit, spent, reserved}); --limit sets its size."""
    from asl.budget.limits import parse_money
    from asl.budget.pools import read_pool, set_pool_limit
    from asl.cli_store import Refused, with_store  # here: cli_store imports this module's parent
    from asl.language.errors import ASLError

    amount = None
    if limit is not None:
        try:
            amount = parse_money(limit, "--limit")
        except ASLError as error:
            raise Refused(error.cause) from None

    async def work(store: Store) -> dict[str, Any]:
        if amount is not None:
            await set_pool_limit(store, name, amount)
        found = await read_pool(store, name)
        if found is None:
            raise Refused(f"No budget pool '{name}' in this store: create it with --limit AMOUNT")
        return {
            "name": name,
            "limit": found.limit,
            "spent": found.spent,
            "reserved": found.reserved,
        }

    click.echo(json_document(with_store(store_choice(store_url), work)), nl=False)
