"""``asl schema``: the JSON schema of workflow documents, for editors.

Point an editor at the file it writes (VS Code: ``json.schemas`` and
``yaml.schemas`` with ``*.asl.json`` / ``*.asl.yaml``) and it completes field
names, shows what each field means, and flags misplaced ones while typing.
"""

from __future__ import annotations

import json

import click

from asl.cli import CliError, main


@main.command(short_help="Print the JSON schema of workflows, for editors.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    help="Write the schema to this file instead of stdout.",
)
def schema(output: str | None) -> None:
    """Print the JSON schema (draft 2020-12) of ASL workflow documents.

    Every field has a description, which editors show on completion and hover.

    \b
    Example:
      asl schema -o .vscode/asl.schema.json
    """
    from asl.definition.editor_schema import editor_schema

    text = json.dumps(editor_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise CliError(f"cannot write '{output}': {error.strerror}") from None
