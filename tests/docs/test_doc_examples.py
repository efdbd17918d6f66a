"""Every code example of every page of docs/ runs, with the output shown.

A page's fenced blocks are executed in order, in a fresh directory holding the
repository's ``examples`` and ``benchmarks`` (so paths read as in the pages) and a
store of its own (``$ASL_STORE``, a SQLite file there); benchmark scripts run briefly
(``ASL_BENCH_SCALE=0.01``, see ``benchmarks/_scale.py``). An HTML comment on the line
just before a block changes what happens to it:

- ``<!-- file: NAME -->``: the block is written to NAME (a ``json`` block must
  parse, a ``python`` block must compile, a ``text`` block is written as it is)
  for later blocks to use.
- ``<!-- output -->``: the block is what the previous block printed (its stdout).
- ``<!-- in: examples/NAME/FILE -->``: the block is FILE of a copy of the example
  (a template, or the workflow that imports it); the copy's ``workflow.asl.json`` then
  runs with the example's agents and ``input.json``, and must succeed.
- ``<!-- diagnostic -->`` (or ``<!-- diagnostic with agents: A, B -->``): a block of
  messages, each a diagnostic that validating the previous ``json`` block (a document,
  or states to wrap in one, which is then only parsed) reports, with the code of the
  section's heading; ``…`` in a message stands for any text.
- ``<!-- not run: REASON -->``: the block is not run; a ``python`` block must still
  compile (top-level ``await`` allowed).

Unmarked blocks, by kind:

- ``console``: each ``$ command`` runs (an ``asl`` command as a real ``asl`` process
  with no shell, anything else in ``bash``); the lines after it, up to the next ``$``,
  are its exact stdout (or stdout then stderr, as a terminal shows them), where ``…``
  stands for any text. A command ending in ``# exit N`` must exit with N, one followed
  by ``$ echo $?`` with the code shown, any other with 0; ``*`` patterns are expanded
  as a shell would; a command line ending in ``\\`` goes on on the next line.
- ``bash``/``sh``: the block runs as one ``bash`` script with ``set -euo pipefail``,
  so every command must succeed. Variables it exports are seen by the page's later
  blocks; processes it leaves in the background are stopped when the page ends.
  ``pip install`` is not run (the tests install nothing and reach no index): it
  checks, offline, that what it would install is installed (``tests/docs/installs.py``).
- ``json``: must parse (a block of object members, ``"Retry": [...]``, is read
  inside braces); a document with ``StartAt`` and ``States`` must validate
  without errors.
- ``python``: run in one namespace per page, in the same directory; what it prints
  is captured for an ``output`` block.
- a block with no kind (output, a table of text) is not run.

Some pages need a service; the page names it by using its variable, and the test
provides it: ``$ASL_PORT`` (a free loopback port for ``asl serve``), ``$REDIS_URL``
(a real ``redis-server``, the ``redis_url`` fixture) and ``$OPENAI_BASE_URL`` (the
OpenAI-compatible stand-in model server of ``examples/ticket_summary``).
"""

from __future__ import annotations

import ast
import contextlib
import glob
import importlib
import io
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from asl import AgentRegistry, WorkflowEngine
from asl.definition import load_file, load_text, validate

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCS = REPO_ROOT / "docs"
PAGES = sorted(str(path.relative_to(DOCS)) for path in DOCS.rglob("*.md"))
MARK = (
    r"file: [^ ]+|not run: [^>]+|output|in: [^ ]+"
    r"|diagnostic(?: with agents: [^>]+)?"
)
FENCE = re.compile(
    rf"^(<!-- (?P<mark>{MARK}) -->\n)?```(?P<kind>\w*)\n(?P<body>.*?)^```$",
    re.M | re.S,
)
HEADING = re.compile(r"^#+ (?P<title>.*)$", re.M)
SCRIPTS = str(Path(sysconfig.get_path("scripts")))
ASL = str(Path(SCRIPTS) / "asl")
KINDS = {"", "console", "bash", "sh", "json", "python", "text", "yaml", "mermaid", "dot"}
PRELUDE = 'set -euo pipefail\npip() { python -m tests.docs.installs "$@"; }\n'


@dataclass(frozen=True)
class Block:
    kind: str
    body: str
    mark: str | None
    line: int
    heading: str = ""

    def marked(self, prefix: str) -> str | None:
        """What follows ``prefix`` in the block's mark, if the mark starts with it."""
        if self.mark and self.mark.startswith(prefix):
            return self.mark[len(prefix) :].strip()
        return None

    @property
    def file(self) -> str | None:
        return self.marked("file:")

    @property
    def run(self) -> bool:
        return self.marked("not run:") is None


@dataclass
class PageRun:
    """What the blocks of one page share: their directory, environment and output."""

    where: Path
    env: dict[str, str]
    namespace: dict[str, object]
    output: str = ""
    groups: list[int] = field(default_factory=list)


def blocks(page: str) -> list[Block]:
    text = (DOCS / page).read_text()
    found = []
    for m in FENCE.finditer(text):
        headings = [h["title"] for h in HEADING.finditer(text, 0, m.start())]
        line = text[: m.start()].count("\n") + 1
        found.append(Block(m["kind"], m["body"], m["mark"], line, (headings or [""])[-1]))
    return found


def shows(expected: str, actual: str) -> bool:
    """Whether ``actual`` is the text shown, where ``…`` in it stands for any text."""
    if "…" not in expected:
        return expected.strip() == actual.strip()
    pattern = ".*?".join(re.escape(part) for part in expected.strip().split("…"))
    return re.fullmatch(pattern, actual.strip(), re.S) is not None


def commands(body: str) -> list[tuple[str, list[str]]]:
    """``(command, expected stdout lines)`` of a console block."""
    found: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if found and found[-1][0].endswith("\\") and not found[-1][1]:
            found[-1] = (found[-1][0][:-1] + line.strip(), [])
        elif line.startswith("$ "):
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
        if text.startswith("asl "):
            returncode, stdout, stderr = run_asl(text, where, env, place)
        else:
            done = subprocess.run(
                ["bash", "-c", text], cwd=where, env=env, capture_output=True, text=True
            )
            returncode, stdout, stderr = done.returncode, done.stdout, done.stderr
        assert returncode == int(code or 0), f"{place}: {command}\n{stderr}"
        shown = "\n".join(expected)
        assert shows(shown, stdout) or shows(shown, stdout + stderr), (
            f"{place}: {command}\n{stdout}{stderr}"
        )


def run_shell(body: str, run: PageRun, place: str) -> None:
    """The block as one bash script; what it exports stays for the page's next blocks."""
    exported = run.where / ".exported"
    script = f'{PRELUDE}{body}\nenv -0 > "{exported}"\n'
    with (run.where / ".stdout").open("w+") as out, (run.where / ".stderr").open("w+") as err:
        shell = subprocess.Popen(
            ["bash", "-c", script],
            cwd=run.where,
            env=run.env,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        run.groups.append(shell.pid)
        returncode = shell.wait()
        out.seek(0)
        err.seek(0)
        run.output, errors = out.read(), err.read()
    assert returncode == 0, f"{place}: exit {returncode}\n{run.output}{errors}"
    for entry in exported.read_bytes().decode().split("\0"):
        name, _, value = entry.partition("=")
        if name and name not in ("_", "SHLVL", "PWD", "OLDPWD"):
            run.env[name] = value


def stop_background(run: PageRun) -> None:
    """Stop what the page's shell blocks left running (``asl serve &``), by process group."""
    for group in run.groups:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGTERM)
    for group in run.groups:
        for _ in range(50):
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)


def run_python(block: Block, run: PageRun, place: str) -> None:
    captured = io.StringIO()
    cwd = Path.cwd()
    os.chdir(run.where)
    saved = dict(os.environ)
    os.environ.update(run.env)
    try:
        with contextlib.redirect_stdout(captured):
            exec(compile(block.body, place, "exec"), run.namespace)
    finally:
        os.environ.clear()
        os.environ.update(saved)
        os.chdir(cwd)
    run.output = captured.getvalue()


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


def run_in_example(block: Block, run: PageRun, place: str) -> None:
    """Put the block in a copy of its example, then run the example's workflow there."""
    target = Path(block.marked("in:") or "")
    name = target.parts[1]
    copy = run.where / "copies" / name
    if not copy.exists():
        shutil.copytree(REPO_ROOT / "examples" / name, copy)
    copy.joinpath(*target.parts[2:]).write_text(block.body)
    registry = AgentRegistry()
    importlib.import_module(f"examples.{name}.agents").register(registry)
    engine = WorkflowEngine.from_file(copy / "workflow.asl.json", registry)
    result = engine.run(json.loads((copy / "input.json").read_text()))
    assert result.status == "SUCCEEDED", f"{place}: {result.status} {result.error}: {result.cause}"


def check_diagnostics(block: Block, shown: Block, run: PageRun, place: str) -> None:
    """Validating the ``shown`` document (or states) reports each message of ``block``."""
    code = re.fullmatch(r"`(\w+)`", block.heading)
    assert code, f"{place}: a diagnostic block belongs under a #### `CODE` heading"
    text = shown.body
    document = parse_json(text, place)
    assert isinstance(document, dict), f"{place}: the block above is not an object"
    if "StartAt" not in document:  # states: wrapped as they are written (duplicate keys kept)
        text = f'{{"StartAt": {json.dumps(next(iter(document)))}, "States": {{\n{text}}}}}\n'
    path = run.where / "diagnosed.asl.json"
    path.write_text(text)
    names = block.marked("diagnostic with agents:")
    agents = [name.strip() for name in names.split(",")] if names else None
    cwd = Path.cwd()
    os.chdir(run.where)  # file names in messages read as from the reader's directory
    try:
        found = [(d.code, d.message) for d in validate(load_file(path.name), agents=agents)]
    finally:
        os.chdir(cwd)
    for message in block.body.strip().splitlines():
        assert any(c == code[1] and shows(message, m) for c, m in found), (
            f"{place}: {message}\nreported: {found}"
        )


def check_not_run(block: Block, place: str) -> None:
    """A Python block that is not run still has to be well-formed."""
    if block.kind == "python":
        compile(block.body, place, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)


@contextlib.contextmanager
def services(text: str, env: dict[str, str], request: pytest.FixtureRequest) -> Iterator[None]:
    """Start what the page's variables name (see the module's docstring) for as long as it runs."""
    if "$ASL_PORT" in text or "${ASL_PORT" in text:
        env["ASL_PORT"] = str(free_port())
    if "$REDIS_URL" in text or "${REDIS_URL" in text:
        env["REDIS_URL"] = str(request.getfixturevalue("redis_url"))
    if "OPENAI_BASE_URL" not in text:
        yield
        return
    from examples.ticket_summary.local_model import start

    server = start(0)
    env["OPENAI_BASE_URL"] = f"http://127.0.0.1:{server.server_address[1]}/v1"
    env.setdefault("OPENAI_API_KEY", "local-key")
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_the_pages_are_found() -> None:
    assert {"getting-started.md", "language/task.md", "semantics.md"} <= set(PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_every_example_of_the_page_runs(
    page: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    for name in ("examples", "benchmarks"):
        (tmp_path / name).symlink_to(REPO_ROOT / name)
    env = dict(os.environ)
    env["ASL_STORE"] = f"sqlite:///{tmp_path}/asl.db"
    env["ASL_BENCH_SCALE"] = "0.01"  # benchmarks/_scale.py: the scripts run briefly
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(REPO_ROOT), *sys.path])
    env["PATH"] = os.pathsep.join([SCRIPTS, str(Path(sys.executable).parent), env["PATH"]])
    run = PageRun(tmp_path, env, {"__name__": f"docs_{Path(page).stem}"})
    sys.path.insert(0, str(tmp_path))
    previous: Block | None = None
    try:
        with services((DOCS / page).read_text(), env, request):
            found = blocks(page)
            for index, block in enumerate(found):
                following = found[index + 1] if index + 1 < len(found) else None
                place = f"docs/{page}:{block.line}"
                if following is not None and following.marked("diagnostic") is not None:
                    parse_json(block.body, place)  # an invalid example: the next block checks it
                else:
                    run_block(block, previous, run, place)
                previous = block
    finally:
        stop_background(run)
        sys.path.remove(str(tmp_path))
        for name in [
            n for n, m in sys.modules.items() if str(tmp_path) in str(getattr(m, "__file__", ""))
        ]:
            del sys.modules[name]


def run_block(block: Block, previous: Block | None, run: PageRun, place: str) -> None:
    assert block.kind in KINDS, f"{place}: unknown block kind {block.kind}"
    if not block.run:
        check_not_run(block, place)
    elif block.file:
        if block.kind == "json":
            json.loads(block.body)
        elif block.kind == "python":
            compile(block.body, place, "exec")
        (run.where / block.file).parent.mkdir(parents=True, exist_ok=True)
        (run.where / block.file).write_text(block.body)
    elif block.mark == "output":
        assert shows(block.body, run.output), f"{place}: printed instead:\n{run.output}"
    elif block.marked("in:") is not None:
        run_in_example(block, run, place)
    elif block.marked("diagnostic") is not None:
        assert previous is not None and previous.kind == "json", f"{place}: no document above"
        check_diagnostics(block, previous, run, place)
    elif block.kind == "json":
        check_json(block, place)
    elif block.kind == "console":
        run_console(block.body, run.where, run.env, place)
    elif block.kind in ("bash", "sh"):
        run_shell(block.body, run, place)
    elif block.kind == "python":
        run_python(block, run, place)


def test_an_output_other_than_the_page_shows_fails(tmp_path: Path) -> None:
    (tmp_path / "p.asl.json").write_text(
        '{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}'
    )
    body = """$ asl run p.asl.json --input '{"a": 1}'\n{"a": 2}\n"""
    with pytest.raises(AssertionError, match=r"page\.md:1: asl run p\.asl\.json"):
        run_console(body, tmp_path, dict(os.environ), "page.md:1")
    run_console(body.replace('"a": 2', '"a": 1'), tmp_path, dict(os.environ), "page.md:1")


def test_an_ellipsis_stands_for_any_text_and_only_there() -> None:
    assert shows('{"id": "…", "n": 1}', '{"id": "e-7", "n": 1}')
    assert not shows('{"id": "…", "n": 1}', '{"id": "e-7", "n": 2}')
    assert not shows('{"n": 1}', '{"n": 1, "m": 2}')


def test_a_workflow_with_errors_fails_the_page() -> None:
    body = '{"StartAt": "Missing", "States": {"A": {"Type": "Succeed"}}}'
    block = Block("json", body, None, 1)
    with pytest.raises(AssertionError, match=r"page\.md:1: .*MISSING_TRANSITION_TARGET"):
        check_json(block, "page.md:1")


def test_a_failing_shell_command_fails_the_page(tmp_path: Path) -> None:
    run = PageRun(tmp_path, dict(os.environ), {})
    run_shell("export GREETING=hello\necho $GREETING", run, "page.md:1")
    assert (run.output, run.env["GREETING"]) == ("hello\n", "hello")
    with pytest.raises(AssertionError, match=r"page\.md:2: exit 1"):
        run_shell("false\necho never", run, "page.md:2")


def test_a_diagnostic_other_than_the_real_one_fails(tmp_path: Path) -> None:
    run = PageRun(tmp_path, dict(os.environ), {})
    states = Block("json", '"A": {"Type": "Pass", "Next": "B"}', None, 1)
    message = "'Next' of state 'A' names 'B', which is not a state of the workflow: "
    message += "add a state named 'B' or fix the name"
    block = Block("", message + "\n", "diagnostic", 2, "`MISSING_TRANSITION_TARGET`")
    check_diagnostics(block, states, run, "page.md:2")
    wrong = Block("", message[:-1] + "\n", "diagnostic", 2, "`MISSING_TRANSITION_TARGET`")
    with pytest.raises(AssertionError, match=r"page\.md:2: 'Next' of state 'A'"):
        check_diagnostics(wrong, states, run, "page.md:2")


def test_what_a_shell_block_leaves_running_is_stopped(tmp_path: Path) -> None:
    run = PageRun(tmp_path, dict(os.environ), {})
    run_shell("sleep 300 &\necho $! > sleeper.pid", run, "page.md:1")
    sleeper = int((tmp_path / "sleeper.pid").read_text())
    os.kill(sleeper, 0)  # still running after the block ended
    stop_background(run)
    with pytest.raises(ProcessLookupError):
        os.kill(sleeper, 0)
