"""Sandboxed tool execution: ``Sandbox {Environment, Image, Timeout, Memory, CPU,
Network, Mounts, ReadOnlyFS}``.

``process`` (the default) runs the tool in a new process inside its own Linux
namespaces with bubblewrap (``bwrap``): no network (its own empty network
namespace), its own PIDs, a root made of read-only binds of the system and
Python directories only (the host's other files are not there at all), the
declared Mounts, and a private scratch ``/tmp`` (in memory, at most ``Memory``
bytes) when ``ReadOnlyFS`` is false.
Limits: ``Memory`` is the address-space limit, ``CPU`` is a share of one core
over the Timeout (CPU time may be at most CPU × Timeout), the number of
processes is capped (a pids cgroup when the engine may create one, else
RLIMIT_NPROC, which the kernel enforces for non-root users only) and the
wall-clock ``Timeout`` kills the whole process group; the PID namespace dies
with it. ``docker`` runs ``execute_python`` in ``docker run`` with the same
settings and fails with a clear message when no Docker engine answers;
``wasm`` and ``vm`` are not offered.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import resource
import shutil
import signal
import sys
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asl.language.errors import TASK_FAILED, TIMEOUT, ASLError
from asl.language.units import format_size, parse_seconds, parse_size

ENVIRONMENTS = ("process", "docker")
DEFAULT_TIMEOUT = 30.0
DEFAULT_MEMORY = 512 * 1024**2
MAX_PROCESSES = 64
DEFAULT_IMAGE = "python:3.11-slim"
OUTPUT_LIMIT = 10 * 1024**2
_CHILD = Path(__file__).with_name("sandbox_child.py")
_SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/etc/alternatives")


@dataclass(frozen=True, slots=True)
class Mount:
    target: str
    source: str
    read_only: bool


@dataclass(frozen=True, slots=True)
class SandboxSpec:
    environment: str = "process"
    image: str = DEFAULT_IMAGE
    timeout: float = DEFAULT_TIMEOUT
    memory: int = DEFAULT_MEMORY
    cpu: float = 1.0
    network: bool = False
    mounts: tuple[Mount, ...] = ()
    read_only_fs: bool = True

    @classmethod
    def parse(cls, raw: Mapping[str, Any] | None) -> SandboxSpec:
        raw = raw or {}
        mounts = []
        for target, mount in (raw.get("Mounts") or {}).items():
            source = mount.get("Source", target) if isinstance(mount, dict) else str(mount)
            read_only = mount.get("ReadOnly", True) if isinstance(mount, dict) else True
            mounts.append(Mount(str(target), os.path.abspath(source), bool(read_only)))
        cpu = raw.get("CPU", 1.0)
        try:
            cores = float(cpu)
        except (TypeError, ValueError):
            cores = 1.0
        return cls(
            str(raw.get("Environment", "process")),
            str(raw.get("Image", DEFAULT_IMAGE)),
            parse_seconds(raw.get("Timeout")) or DEFAULT_TIMEOUT,
            parse_size(raw.get("Memory")) or DEFAULT_MEMORY,
            cores if cores > 0 else 1.0,
            raw.get("Network") is True,
            tuple(mounts),
            raw.get("ReadOnlyFS", True) is not False,
        )


@dataclass(frozen=True, slots=True)
class Completed:
    returncode: int
    stdout: str
    stderr: str


def bwrap_command(spec: SandboxSpec, argv: list[str], extra_dirs: tuple[str, ...]) -> list[str]:
    """The bubblewrap command line that runs ``argv`` inside ``spec``'s walls."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise ASLError(
            TASK_FAILED,
            'Sandbox Environment "process" needs bubblewrap (the bwrap command); '
            "install it (apt-get install bubblewrap)",
        )
    command = [bwrap, "--unshare-all", "--die-with-parent", "--new-session"]
    if spec.network:
        command.append("--share-net")
    # /tmp first: Python itself may live below it (a virtualenv in /tmp), bound on top.
    if spec.read_only_fs:
        command += ["--dir", "/tmp"]
    else:  # scratch space in memory: bounded like the memory it takes
        command += ["--size", str(spec.memory), "--tmpfs", "/tmp"]
    seen: set[str] = set()
    for directory in (*_SYSTEM_DIRS, sys.base_prefix, sys.prefix, *extra_dirs):
        if directory and directory not in seen and os.path.exists(directory):
            seen.add(directory)
            command += ["--ro-bind", directory, directory]
    if spec.network:
        for name in ("/etc/resolv.conf", "/etc/hosts", "/etc/ssl", "/etc/nsswitch.conf"):
            command += ["--ro-bind-try", name, name]
    command += ["--proc", "/proc", "--dev", "/dev"]
    for mount in spec.mounts:
        command += ["--ro-bind" if mount.read_only else "--bind", mount.source, mount.target]
    command += ["--ro-bind", str(_CHILD), "/.asl/child.py", "--chdir", "/tmp"]
    command += ["--remount-ro", "/"]
    return [*command, "--", *argv]


@contextlib.asynccontextmanager
async def _pids_cgroup(limit: int) -> AsyncIterator[str | None]:
    """A pids cgroup capping the sandbox's processes, when this process may create one."""
    candidates = ["/sys/fs/cgroup/pids"]
    if "pids" in _read("/sys/fs/cgroup/cgroup.controllers"):
        candidates.append("/sys/fs/cgroup")
    for root in candidates:
        path = os.path.join(root, f"asl-sandbox-{uuid.uuid4().hex[:12]}")
        try:
            os.mkdir(path)
        except OSError:
            continue
        try:
            with open(os.path.join(path, "pids.max"), "w") as handle:
                handle.write(str(limit))
        except OSError:
            os.rmdir(path)
            continue
        try:
            yield os.path.join(path, "cgroup.procs")
        finally:
            for _ in range(100):  # the killed processes may take a moment to be reaped
                try:
                    os.rmdir(path)
                    break
                except OSError:
                    await asyncio.sleep(0.01)
        return
    yield None


def _user_processes() -> int:
    """How many processes this user runs: RLIMIT_NPROC counts them all, not the sandbox's."""
    uid, count = os.getuid(), 0
    for name in os.listdir("/proc"):
        if name.isdigit():
            with contextlib.suppress(OSError):
                count += os.stat(f"/proc/{name}").st_uid == uid
    return count


def _read(path: str) -> str:
    try:
        with open(path) as handle:
            return handle.read()
    except OSError:
        return ""


def _limits(spec: SandboxSpec, cgroup_procs: str | None) -> Any:
    cpu_seconds = max(1, math.ceil(spec.cpu * spec.timeout))
    processes = _user_processes() + MAX_PROCESSES if cgroup_procs is None else 0

    def apply() -> None:  # runs in the child between fork and exec
        if cgroup_procs is not None:
            with open(cgroup_procs, "w") as handle:
                handle.write(str(os.getpid()))
        resource.setrlimit(resource.RLIMIT_AS, (spec.memory, spec.memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if cgroup_procs is None:
            resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))

    return apply


async def _drain(stream: asyncio.StreamReader | None) -> bytes:
    data = bytearray()
    if stream is None:
        return b""
    while chunk := await stream.read(65536):
        if len(data) < OUTPUT_LIMIT:
            data += chunk[: OUTPUT_LIMIT - len(data)]
    return bytes(data)


async def run_sandboxed(
    spec: SandboxSpec,
    argv: list[str],
    stdin: bytes,
    *,
    tool: str,
    extra_dirs: tuple[str, ...] = (),
) -> Completed:
    """Run ``argv`` inside the sandbox; States.Timeout when it outlives ``spec.timeout``."""
    if spec.environment == "docker":
        command = await docker_command(spec, argv)
        return await _run(command, stdin, spec, tool, None)
    if spec.environment != "process":
        raise ASLError(
            TASK_FAILED,
            f"Sandbox Environment '{spec.environment}' is not available in this engine; "
            'use "process" (bubblewrap) or "docker"',
        )
    command = bwrap_command(spec, argv, extra_dirs)
    async with _pids_cgroup(MAX_PROCESSES) as procs:
        return await _run(command, stdin, spec, tool, _limits(spec, procs))


async def _run(
    command: list[str], stdin: bytes, spec: SandboxSpec, tool: str, limits: Any
) -> Completed:
    process = await asyncio.create_subprocess_exec(
        *command,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        preexec_fn=limits,
        start_new_session=True,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp"},
    )
    assert process.stdin is not None
    try:
        async with asyncio.timeout(spec.timeout):
            process.stdin.write(stdin)
            with contextlib.suppress(ConnectionError):
                await process.stdin.drain()
            process.stdin.close()
            out, err = await asyncio.gather(_drain(process.stdout), _drain(process.stderr))
            await process.wait()
    except TimeoutError:
        _kill(process)
        await process.wait()
        raise ASLError(
            TIMEOUT,
            f"Tool '{tool}' ran longer than its sandbox Timeout ({spec.timeout:g}s) and was killed",
        ) from None
    except BaseException:
        _kill(process)
        raise
    code = process.returncode if process.returncode is not None else -1
    return Completed(code, out.decode(errors="replace"), err.decode(errors="replace"))


def _kill(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def explain_failure(tool: str, spec: SandboxSpec, completed: Completed) -> str:
    """Why a sandboxed run failed, in the words a history reader needs."""
    last = next(
        (line.strip() for line in reversed(completed.stderr.splitlines()) if line.strip()), ""
    )
    code = completed.returncode
    if "MemoryError" in completed.stderr:
        return (
            f"Tool '{tool}' went past its sandbox Memory limit "
            f"({format_size(spec.memory)}): {last or 'killed'}"
        )
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        return f"Tool '{tool}' was killed in its sandbox (signal {-code}): CPU or memory limit"
    return f"Tool '{tool}' failed in its sandbox (exit status {code}): {last or 'no message'}"


async def docker_command(spec: SandboxSpec, argv: list[str]) -> list[str]:
    docker = shutil.which("docker")
    hint = 'install Docker and start its engine, or use "Environment": "process"'
    if docker is None:
        raise ASLError(
            TASK_FAILED, f'Sandbox Environment "docker" needs the docker command; {hint}'
        )
    probe = await asyncio.create_subprocess_exec(
        docker,
        "version",
        "--format",
        "{{.Server.Version}}",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(15):
            _, err = await probe.communicate()
    except TimeoutError:
        probe.kill()
        raise ASLError(TASK_FAILED, f"The Docker engine did not answer in 15s; {hint}") from None
    if probe.returncode != 0:
        reason = err.decode(errors="replace").strip().splitlines()
        raise ASLError(
            TASK_FAILED,
            f'Sandbox Environment "docker" cannot reach a Docker engine '
            f"({reason[-1] if reason else 'no answer'}); {hint}",
        )
    command = [docker, "run", "--rm", "-i", f"--memory={spec.memory}", f"--cpus={spec.cpu:g}"]
    command += [f"--pids-limit={MAX_PROCESSES}"]
    if not spec.network:
        command.append("--network=none")
    if spec.read_only_fs:
        command.append("--read-only")
    for mount in spec.mounts:
        suffix = ":ro" if mount.read_only else ""
        command += ["-v", f"{mount.source}:{mount.target}{suffix}"]
    return [*command, spec.image, *argv]


async def run_function(spec: SandboxSpec, fn: Any, arguments: dict[str, Any], tool: str) -> Any:
    """Call a module-level Python function inside the ``process`` sandbox."""
    module, qualname = getattr(fn, "__module__", None), getattr(fn, "__qualname__", "")
    if spec.environment != "process":
        raise ASLError(
            TASK_FAILED,
            f"Tool '{tool}' is a Python function: it can run Sandboxed only in "
            '"Environment": "process"',
        )
    if not module or "<" in qualname or module == "__main__":
        raise ASLError(
            TASK_FAILED,
            f"Tool '{tool}' cannot run Sandboxed: the sandbox imports it by name, so define "
            "it at the top level of an importable module",
        )
    path = [p for p in sys.path if p and os.path.isdir(p)]
    request = json.dumps(
        {"module": module, "qualname": qualname, "arguments": arguments, "path": path}
    )
    argv = [sys.executable, "-I", "/.asl/child.py"]
    completed = await run_sandboxed(spec, argv, request.encode(), tool=tool, extra_dirs=tuple(path))
    lines = completed.stdout.strip().splitlines()
    try:
        reply = json.loads(lines[-1]) if lines else None
    except ValueError:
        reply = None
    if not isinstance(reply, dict):
        raise ASLError(TASK_FAILED, explain_failure(tool, spec, completed))
    if not reply.get("ok"):
        error, cause = str(reply.get("error")), str(reply.get("cause"))
        if error == "MemoryError":
            raise ASLError(
                TASK_FAILED,
                f"Tool '{tool}' went past its sandbox Memory limit ({format_size(spec.memory)})",
            )
        if error.startswith("States.") or "." in error:
            raise ASLError(error, cause)
        raise ASLError(TASK_FAILED, f"Tool '{tool}' failed in its sandbox: {error}: {cause}")
    return reply.get("result")
