"""Real service processes on loopback for the tests: ``asl serve`` and ``asl worker``.

Each process is started as the CLI starts it (settings from ``ASL_*`` variables),
from the repository root so ``tests.service.agents`` imports, and stopped by its
PID. Its stderr (JSON logs) goes to a file the test can read when it fails.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx2

REPO_ROOT = Path(__file__).resolve().parents[2]

WORKFLOW_THREE = {
    "StartAt": "Shout",
    "States": {
        "Shout": {"Type": "Task", "Agent": "Upper", "Next": "Keep"},
        "Keep": {"Type": "Pass", "ResultPath": "$.kept", "Result": True, "Next": "Done"},
        "Done": {"Type": "Succeed"},
    },
}

WORKFLOW_APPROVAL = {
    "StartAt": "Shout",
    "States": {
        "Shout": {"Type": "Task", "Agent": "Upper", "Next": "Review"},
        "Review": {
            "Type": "Approval",
            "Prompt": "Publish '{{$.text}}'?",
            "Options": ["approve", "reject"],
            "ResultPath": "$.review",
            "Next": "Done",
        },
        "Done": {"Type": "Succeed"},
    },
}

WORKFLOW_EXPIRING = {
    "StartAt": "Review",
    "States": {
        "Review": {
            "Type": "Approval",
            "Prompt": "Quick?",
            "Timeout": "1s",
            "ResultPath": "$.review",
            "Choices": [
                {"Variable": "$.review.approval", "StringEquals": "approve", "Next": "Yes"}
            ],
            "Default": "TooLate",
        },
        "Yes": {"Type": "Succeed"},
        "TooLate": {"Type": "Fail", "Error": "Expired", "Cause": "nobody decided"},
    },
}

WORKFLOW_SLOW = {
    "StartAt": "First",
    "States": {
        "First": {"Type": "Pass", "Result": {"seconds": 4}, "Next": "Sleep"},
        "Sleep": {"Type": "Task", "Agent": "Slow", "Next": "After"},
        "After": {"Type": "Pass", "Result": "finished", "ResultPath": "$.note", "End": True},
    },
}

WORKFLOW_FLAKY = {
    "StartAt": "Call",
    "States": {"Call": {"Type": "Task", "Agent": "Flaky", "End": True}},
}

WORKFLOW_CALLBACK = {
    "StartAt": "Vendor",
    "States": {
        "Vendor": {
            "Type": "Task",
            "Resource": "HandOut.waitForTaskToken",
            "Parameters": {"token.$": "$$.Task.Token"},
            "Catch": [{"ErrorEquals": ["Vendor.Declined"], "Next": "Declined"}],
            "End": True,
        },
        "Declined": {"Type": "Fail", "Error": "Declined", "Cause": "the vendor said no"},
    },
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Process:
    """One ``asl`` process with its log file."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self.handle = log.open("w")
        self.popen = subprocess.Popen(
            [sys.executable, "-c", "from asl.cli import main; main()", *args],
            cwd=REPO_ROOT,
            env=env,
            stdout=self.handle,
            stderr=subprocess.STDOUT,
        )

    def logs(self) -> str:
        return self.log.read_text()

    def kill(self) -> None:
        """SIGKILL: no goodbye, the lease is left to expire."""
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait(timeout=10)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)
        self.handle.close()


def service_env(**settings: Any) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASL_")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT / "src"), str(REPO_ROOT)])
    env["ASL_AGENTS"] = "tests.service.agents"
    env["ASL_LOG_LEVEL"] = "DEBUG"
    for name, value in settings.items():
        env["ASL_" + name.upper()] = str(value)
    return env


def start_server(env: dict[str, str], log: Path) -> tuple[Process, str]:
    port = free_port()
    process = Process(["serve", "--port", str(port)], env, log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx2.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx2.HTTPError:
            pass
        if process.popen.poll() is not None or time.monotonic() > deadline:
            process.stop()
            raise AssertionError(f"asl serve did not start:\n{process.logs()}")
        time.sleep(0.05)


def start_worker(env: dict[str, str], log: Path) -> Process:
    process = Process(["worker"], env, log)
    deadline = time.monotonic() + 30
    while "worker ready" not in process.logs():
        if process.popen.poll() is not None or time.monotonic() > deadline:
            process.stop()
            raise AssertionError(f"asl worker did not start:\n{process.logs()}")
        time.sleep(0.05)
    return process


def make_keys(store_url: str) -> dict[str, str]:
    """One key per scope, plus one with no use here, made the way ``asl keys create`` does."""
    from asl.service.auth import create_key
    from asl.store import open_store

    async def make() -> dict[str, str]:
        keys = {}
        async with await open_store(store_url) as store:
            for scope in ("read", "execute", "approve", "admin"):
                keys[scope], _ = await create_key(store, f"test-{scope}", [scope])
        return keys

    return asyncio.run(make())


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def sse_events(text: str) -> list[dict[str, Any]]:
    """Parse an event stream into ``{"id", "event", "data"}`` dicts (comments dropped)."""
    found = []
    for block in text.split("\n\n"):
        frame: dict[str, Any] = {}
        for line in block.splitlines():
            if line.startswith(":"):
                continue
            name, _, value = line.partition(": ")
            frame[name] = json.loads(value) if name == "data" else value
        if frame:
            found.append(frame)
    return found
