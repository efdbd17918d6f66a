"""The process sandbox (bubblewrap) refuses or kills what a tool must not do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from asl import AgentRegistry

from .sample_tools import whoami, write_outside
from .support import call, registry, run, task, tool_events

pytestmark = pytest.mark.usefixtures("bubblewrap")


def sandboxed(**sandbox: Any) -> dict[str, Any]:
    return task({"Sandboxed": True, "Sandbox": {"Timeout": "10s", "Memory": "256M", **sandbox}})


def python(code: str, document: dict[str, Any] | None = None) -> Any:
    agents = registry().register_builtin_tools("execute_python")
    return run(document or sandboxed(), agents, [call("execute_python", code=code)])


def failure(result: Any) -> tuple[str | None, str | None]:
    return result.error, result.cause


def test_execute_python_runs_code_and_returns_its_output() -> None:
    result = python("import sys; print(sum(range(10))); print('note', file=sys.stderr)")

    assert result.output == [{"stdout": "45\n", "stderr": "note\n", "exitCode": 0}]


def test_a_script_that_opens_a_socket_finds_no_network() -> None:
    result = python("import socket; socket.create_connection(('1.1.1.1', 53), timeout=2)")

    assert failure(result) == (
        "States.TaskFailed",
        "Tool 'execute_python' failed in its sandbox (exit status 1): "
        "OSError: [Errno 101] Network is unreachable",
    )
    assert tool_events(result)[-1] == (
        "ToolCallFailed",
        {"tool": "execute_python", "error": result.error, "cause": result.cause},
    )


def test_a_script_cannot_write_outside_its_mounts() -> None:
    result = python("open('/usr/evil', 'w')")

    assert failure(result) == (
        "States.TaskFailed",
        "Tool 'execute_python' failed in its sandbox (exit status 1): "
        "OSError: [Errno 30] Read-only file system: '/usr/evil'",
    )


def test_the_host_s_files_outside_the_system_folders_are_not_there() -> None:
    result = python("print(sorted(__import__('os').listdir('/')))")

    listed = eval(result.output[0]["stdout"])  # a Python list literal printed by the script
    assert {"proc", "dev", "tmp", "usr"} <= set(listed)
    assert not {"home", "work", "var", "srv", "opt", "mnt"} & set(listed)


def test_a_fork_bomb_is_stopped_by_the_process_limit() -> None:
    result = python("import os\nwhile True:\n    os.fork()")

    assert failure(result) == (
        "States.TaskFailed",
        "Tool 'execute_python' failed in its sandbox (exit status 1): "
        "BlockingIOError: [Errno 11] Resource temporarily unavailable",
    )


def test_allocating_past_the_memory_limit_fails_with_the_limit_named() -> None:
    result = python("block = bytearray(600 * 1024 * 1024)")

    assert failure(result) == (
        "States.TaskFailed",
        "Tool 'execute_python' went past its sandbox Memory limit (256M): MemoryError",
    )


def test_a_script_past_its_timeout_is_killed_with_states_timeout() -> None:
    result = python("while True: pass", sandboxed(Timeout="1s"))

    assert failure(result) == (
        "States.Timeout",
        "Tool 'execute_python' ran longer than its sandbox Timeout (1s) and was killed",
    )


def test_mounts_are_the_only_writable_places(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "data.txt").write_text("hello")
    (tmp_path / "out").mkdir()
    mounts = {
        "/data": {"Source": str(tmp_path / "in"), "ReadOnly": True},
        "/out": {"Source": str(tmp_path / "out"), "ReadOnly": False},
    }
    code = (
        "text = open('/data/data.txt').read()\n"
        "open('/out/copy.txt', 'w').write(text.upper())\n"
        "try:\n    open('/data/x', 'w')\nexcept OSError as e:\n    print(e.strerror)\n"
    )
    result = python(code, sandboxed(Mounts=mounts))

    assert (result.output[0]["stdout"], (tmp_path / "out" / "copy.txt").read_text()) == (
        "Read-only file system\n",
        "HELLO",
    )


def test_read_only_fs_false_gives_a_private_scratch_tmp() -> None:
    code = "open('/tmp/scratch', 'w').write('x'); print(open('/tmp/scratch').read())"

    assert python(code, sandboxed(ReadOnlyFS=False)).output[0]["stdout"] == "x\n"


def test_a_sandboxed_python_tool_runs_in_its_own_process_without_network() -> None:
    agents = registry(whoami)
    result = run(sandboxed(), agents, [call("whoami")])

    report = result.output[0]
    assert (report["network"], report["pid"] < 10) == (False, True)  # its own PID namespace


def test_a_sandboxed_python_tool_that_writes_outside_fails_with_its_error() -> None:
    result = run(sandboxed(), registry(write_outside), [call("write_outside")])

    assert failure(result) == (
        "States.TaskFailed",
        "Tool 'write_outside' failed in its sandbox: OSError: [Errno 30] Read-only file system: "
        "'/usr/asl-sandbox-test'",
    )


def test_a_tool_defined_inside_a_function_cannot_be_sandboxed() -> None:
    def local() -> int:
        """Local."""
        return 1

    result = run(sandboxed(), registry(local), [call("local")])

    assert failure(result) == (
        "States.TaskFailed",
        "Tool 'local' cannot run Sandboxed: the sandbox imports it by name, so define it at the "
        "top level of an importable module",
    )


def test_docker_fails_clearly_when_no_docker_engine_answers() -> None:
    agents: AgentRegistry = registry().register_builtin_tools("execute_python")
    result = run(sandboxed(Environment="docker"), agents, [call("execute_python", code="print(1)")])

    assert result.error == "States.TaskFailed"
    assert result.cause is not None and result.cause.startswith('Sandbox Environment "docker"')
    assert result.cause.endswith(
        'install Docker and start its engine, or use "Environment": "process"'
    )


def test_the_scratch_tmp_is_bounded_and_the_root_stays_read_only() -> None:
    code = (
        "import os\n"
        "for path in ('/tmp/big', '/new'):\n"
        "    try:\n"
        "        with open(path, 'wb') as f:\n"
        "            for _ in range(300):\n"
        "                f.write(b'x' * 1024 * 1024)\n"
        "        print(path, 'written')\n"
        "    except OSError as e:\n"
        "        print(path, e.strerror)\n"
    )
    result = python(code, sandboxed(ReadOnlyFS=False, Memory="256M"))

    assert result.output[0]["stdout"] == (
        "/tmp/big No space left on device\n/new Read-only file system\n"
    )
