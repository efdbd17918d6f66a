"""Every code example of the graph, testing and schema pages runs, with the output shown.

The pages' fenced blocks are executed in order, in a fresh directory holding the
repository's ``examples`` (so paths read as in the pages) and a store of its own:

- ``console``: each ``$ command`` runs as a real process (no shell); the lines after
  it, up to the next ``$``, are its exact stdout. A command ending in ``# exit N``
  must exit with N (else 0).
- ``json`` after a ``<!-- file: NAME -->`` line is written to NAME first; every
  other ``json`` block must parse.
- ``python``: run in one namespace per page, in the same directory.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGES = ["graph.md", "testing.md", "schema.md", "context.md"]
FENCE = re.compile(
    r"^(<!-- file: (?P<file>[^ ]+) -->\n)?```(?P<kind>\w*)\n(?P<body>.*?)^```$", re.M | re.S
)
ASL = str(Path(sysconfig.get_path("scripts")) / "asl")


@dataclass(frozen=True)
class Block:
    kind: str
    body: str
    file: str | None
    line: int


def blocks(page: str) -> list[Block]:
    text = (REPO_ROOT / "docs" / page).read_text()
    return [
        Block(m["kind"], m["body"], m["file"], text[: m.start()].count("\n") + 1)
        for m in FENCE.finditer(text)
    ]


def commands(body: str) -> list[tuple[str, list[str]]]:
    """``(command, expected stdout lines)`` of a console block."""
    found: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            found.append((line[2:], []))
        else:
            found[-1][1].append(line)
    return found


def run_console(body: str, where: Path, env: dict[str, str], place: str) -> None:
    for command, expected in commands(body):
        text, _, code = command.partition("  # exit ")
        arguments = shlex.split(text)
        assert arguments[0] == "asl", f"{place}: only asl commands are run: {command}"
        done = subprocess.run(
            [ASL, *arguments[1:]], cwd=where, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == int(code or 0), f"{place}: {command}\n{done.stderr}"
        assert done.stdout.splitlines() == expected, f"{place}: {command}"


@pytest.mark.parametrize("page", PAGES)
def test_every_example_of_the_page_runs(page: str, tmp_path: Path) -> None:
    (tmp_path / "examples").symlink_to(REPO_ROOT / "examples")
    env = dict(os.environ)
    env["ASL_STORE"] = f"sqlite:///{tmp_path}/asl.db"
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), *sys.path])
    namespace: dict[str, object] = {}
    found = blocks(page)
    assert found, f"docs/{page} has no code blocks"
    cwd = Path.cwd()
    for block in found:
        place = f"docs/{page}:{block.line}"
        if block.kind == "json":
            json.loads(block.body)
            if block.file:
                (tmp_path / block.file).write_text(block.body)
        elif block.kind == "console":
            run_console(block.body, tmp_path, env, place)
        elif block.kind == "python":
            os.chdir(tmp_path)
            try:
                exec(compile(block.body, place, "exec"), namespace)
            finally:
                os.chdir(cwd)
        else:
            assert block.kind == "", f"{place}: unknown block kind {block.kind}"
