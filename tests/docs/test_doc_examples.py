"""Every code example of every page of docs/ runs, with the output shown.

A page's fenced blocks are executed in order, in a fresh directory holding the
repository's ``examples`` (so paths read as in the pages) and a store of its own.
An HTML comment on the line just before a block changes what happens to it:

- ``<!-- file: NAME -->``: the block is written to NAME (a ``json`` block must
  parse, a ``python`` block must compile, a ``text`` block is written as it is)
  for later blocks to use.
- ``<!-- not run: REASON -->``: the block is not run (a long-running server, an
  install step, a fragment, a shape with placeholders); a ``python`` block must
  still compile (top-level ``await`` allowed).

Unmarked blocks, by kind:

- ``console``: each ``$ command`` runs as a real ``asl`` process (no shell); the
  lines after it, up to the next ``$``, are its exact stdout (or stdout then
  stderr, as a terminal shows them). A command ending in ``# exit N`` must exit
  with N, one followed by ``$ echo $?`` with the code shown, any other with 0;
  ``*`` patterns are expanded as a shell would.
- ``bash``/``sh``: every command (``\\`` continues a line, ``#`` starts a
  comment) is an ``asl`` command that must exit 0.
- ``json``: must parse (a block of object members, ``"Retry": [...]``, is read
  inside braces); a document with ``StartAt`` and ``States`` must validate
  without errors.
- ``python``: run in one namespace per page, in the same directory.
- a block with no kind (output, a table of text) is not run.
"""

from __future__ import annotations

import ast
import glob
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

from asl.definition import load_text, validate

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCS = REPO_ROOT / "docs"
PAGES = sorted(str(path.relative_to(DOCS)) for path in DOCS.rglob("*.md"))
FENCE = re.compile(
    r"^(<!-- (?P<mark>file: [^ ]+|not run: [^>]+) -->\n)?"
    r"```(?P<kind>\w*)\n(?P<body>.*?)^```$",
    re.M | re.S,
)
ASL = str(Path(sysconfig.get_path("scripts")) / "asl")
KINDS = {"", "console", "bash", "sh", "json", "python", "text", "yaml", "mermaid", "dot"}


@dataclass(frozen=True)
class Block:
    kind: str
    body: str
    mark: str | None
    line: int

    @property
    def file(self) -> str | None:
        return self.mark[len("file: ") :] if self.mark and self.mark.startswith("file: ") else None

    @property
    def run(self) -> bool:
        return not (self.mark and self.mark.startswith("not run: "))


def blocks(page: str) -> list[Block]:
    text = (DOCS / page).read_text()
    return [
        Block(m["kind"], m["body"], m["mark"], text[: m.start()].count("\n") + 1)
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


def run_asl(command: str, where: Path, env: dict[str, str], place: str) -> tuple[int, str, str]:
    arguments = []
    for argument in shlex.split(command, comments=True):
        matches = sorted(glob.glob(argument, root_dir=where)) if "*" in argument else []
        arguments.extend(matches or [argument])
    assert arguments[0] == "asl", f"{place}: only asl commands are run: {command}"
    done = subprocess.run(
        [ASL, *arguments[1:]], cwd=where, env=env, capture_output=True, text=True, check=False
    )
    return done.returncode, done.stdout, done.stderr


def run_console(body: str, where: Path, env: dict[str, str], place: str) -> None:
    found = commands(body)
    for index, (command, expected) in enumerate(found):
        if command == "echo $?":
            continue
        text, _, code = command.partition("  # exit ")
        if index + 1 < len(found) and found[index + 1][0] == "echo $?":
            code = found[index + 1][1][0]
        returncode, stdout, stderr = run_asl(text, where, env, place)
        assert returncode == int(code or 0), f"{place}: {command}\n{stderr}"
        shown = expected in (stdout.splitlines(), (stdout + stderr).splitlines())
        assert shown, f"{place}: {command}\n{stdout}{stderr}"


def run_shell(body: str, where: Path, env: dict[str, str], place: str) -> None:
    for command in body.replace("\\\n", " ").splitlines():
        if command.strip() and not command.lstrip().startswith("#"):
            returncode, stdout, stderr = run_asl(command, where, env, place)
            assert returncode == 0, f"{place}: {command}\n{stdout}{stderr}"


def parse_json(body: str, place: str) -> object:
    """The JSON of a block; a block of object members (``"Retry": [...]``) is read as an object."""
    for text in (body, "{" + body + "}"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            problem = error
    raise AssertionError(f"{place}: not JSON: {problem}")


def check_json(block: Block, place: str) -> None:
    document = parse_json(block.body, place)
    if not (isinstance(document, dict) and "StartAt" in document and "States" in document):
        return
    errors = [d for d in validate(load_text(block.body)) if d.severity == "error"]
    assert not errors, f"{place}: {[(d.code, d.pointer, d.message) for d in errors]}"


def check_not_run(block: Block, place: str) -> None:
    """A Python block that is not run still has to be well-formed."""
    if block.kind == "python":
        compile(block.body, place, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)


def test_the_pages_are_found() -> None:
    assert {"getting-started.md", "language/task.md", "semantics.md"} <= set(PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_every_example_of_the_page_runs(page: str, tmp_path: Path) -> None:
    (tmp_path / "examples").symlink_to(REPO_ROOT / "examples")
    env = dict(os.environ)
    env["ASL_STORE"] = f"sqlite:///{tmp_path}/asl.db"
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(REPO_ROOT), *sys.path])
    namespace: dict[str, object] = {"__name__": f"docs_{Path(page).stem}"}
    cwd = Path.cwd()
    sys.path.insert(0, str(tmp_path))
    try:
        for block in blocks(page):
            place = f"docs/{page}:{block.line}"
            assert block.kind in KINDS, f"{place}: unknown block kind {block.kind}"
            if not block.run:
                check_not_run(block, place)
            elif block.file:
                if block.kind == "json":
                    json.loads(block.body)
                elif block.kind == "python":
                    compile(block.body, place, "exec")
                (tmp_path / block.file).write_text(block.body)
            elif block.kind == "json":
                check_json(block, place)
            elif block.kind == "console":
                run_console(block.body, tmp_path, env, place)
            elif block.kind in ("bash", "sh"):
                run_shell(block.body, tmp_path, env, place)
            elif block.kind == "python":
                os.chdir(tmp_path)
                try:
                    exec(compile(block.body, place, "exec"), namespace)
                finally:
                    os.chdir(cwd)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [
            n for n, m in sys.modules.items() if str(tmp_path) in str(getattr(m, "__file__", ""))
        ]:
            del sys.modules[name]


def test_an_output_other_than_the_page_shows_fails(tmp_path: Path) -> None:
    (tmp_path / "p.asl.json").write_text(
        '{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}'
    )
    body = """$ asl run p.asl.json --input '{"a": 1}'\n{"a": 2}\n"""
    with pytest.raises(AssertionError, match=r"page\.md:1: asl run p\.asl\.json"):
        run_console(body, tmp_path, dict(os.environ), "page.md:1")
    run_console(body.replace('"a": 2', '"a": 1'), tmp_path, dict(os.environ), "page.md:1")


def test_a_workflow_with_errors_fails_the_page() -> None:
    body = '{"StartAt": "Missing", "States": {"A": {"Type": "Succeed"}}}'
    block = Block("json", body, None, 1)
    with pytest.raises(AssertionError, match=r"page\.md:1: .*MISSING_TRANSITION_TARGET"):
        check_json(block, "page.md:1")
