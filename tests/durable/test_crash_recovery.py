"""Crash recovery: kill -9 a process at a moment in time, resume elsewhere, same result.

These kills land anywhere, store writes included; test_kill_points.py kills at 50
chosen transition points per store.

A committed state never runs again; only the Task in flight at the kill runs
again, with the same idempotency key.
"""

from __future__ import annotations

import collections
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.durable.crashy import INPUT, engine

ROOT = Path(__file__).resolve().parents[2]


APPROVE = {"approval": "approve", "approver": "ops"}


def uninterrupted(tmp_path: Path) -> object:
    store, log = f"sqlite:///{tmp_path}/clean.db", tmp_path / "clean.log"
    paused = engine(store, log).run(INPUT, execution_id="clean")
    assert (paused.status, paused.paused_at_state) == ("PAUSED", "Confirm")
    result = engine(store, log).resume("clean", APPROVE)
    assert result.status == "SUCCEEDED"
    return result.output


@pytest.mark.parametrize("kill_after", [0.0, 0.06, 0.12, 0.18, 0.27, 0.35])
def test_sigkill_then_resume_gives_the_same_output(tmp_path: Path, kill_after: float) -> None:
    kill_and_resume(tmp_path, f"sqlite:///{tmp_path}/asl.db", kill_after)


@pytest.mark.parametrize("kill_after", [0.02, 0.22])
def test_sigkill_then_resume_on_redis(tmp_path: Path, redis_url: str, kill_after: float) -> None:
    prefix = f"crash{int(kill_after * 100)}"
    kill_and_resume(tmp_path, f"{redis_url}?prefix={prefix}", kill_after)


def kill_and_resume(tmp_path: Path, store: str, kill_after: float) -> None:
    expected = uninterrupted(tmp_path)
    log = tmp_path / "calls.log"
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.durable.crashy", store, str(log), "run-1"], cwd=ROOT
    )
    deadline = time.monotonic() + 30
    while not log.exists() and time.monotonic() < deadline:  # the run has begun
        time.sleep(0.005)
    time.sleep(kill_after + random.uniform(0, 0.02))
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    time.sleep(0.25)  # the dead process's lease (0.2 s) expires
    calls_before = log.read_text().splitlines() if log.exists() else []
    result = resume_when_free(store, log)
    if result.status == "PAUSED":  # it reached the Approval: a person decides
        result = engine(store, log).resume("run-1", APPROVE)
    assert (result.status, result.output) == ("SUCCEEDED", expected), (
        result.error,
        result.cause,
        calls_before,
    )
    calls = log.read_text().splitlines()
    # Every call of a clean run happened once, except the calls in flight at the kill
    # (up to three Map items run at once): those ran again, once, with the same key.
    keys = collections.Counter(line.split()[2] for line in calls)
    # The same calls as a clean run (top-level keys end with the entered event id,
    # which shifts after a resume that skips recorded Map items: compare the places).
    clean = (tmp_path / "clean.log").read_text().splitlines()
    assert {_place(key) for key in keys} == {_place(line.split()[2]) for line in clean}
    repeated = {key for key, count in keys.items() if count > 1}
    assert all(keys[key] == 2 for key in repeated)
    assert repeated <= {line.split()[2] for line in calls_before}
    assert len(repeated) <= 3


def test_resume_of_a_running_execution_with_a_live_lease_is_refused(tmp_path: Path) -> None:
    import asyncio

    from asl import ASLError
    from asl.store import open_store

    store = f"sqlite:///{tmp_path}/lease.db"

    async def hold() -> None:
        opened = await open_store(store)
        await opened.create_execution("busy", "0" * 64, {}, "Fetch")
        await opened.claim("busy", "someone-else", 60)

    asyncio.run(hold())
    with pytest.raises(ASLError):
        engine(store, tmp_path / "x.log").resume("busy")


def resume_when_free(store: str, log: Path) -> Any:
    """Resume; on a loaded machine the dead process's lease may need a moment more."""
    from asl import ASLError

    for _ in range(10):
        try:
            return engine(store, log).resume("run-1")
        except ASLError as refused:
            if "lease has not expired" not in refused.cause:
                raise
            time.sleep(0.2)
    return engine(store, log).resume("run-1")


def _place(key: str) -> str:
    """``run-1:Fetch:2`` → ``Fetch``; ``run-1:Each[0]/Item`` → ``Each[0]/Item``."""
    parts = key.split(":")
    return parts[1]
