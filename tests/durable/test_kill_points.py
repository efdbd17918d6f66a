"""SIGKILL at 50 random points of workflows with Map, Parallel, Retry and Approvals.

For SQLite and for Redis: 25 points in a workflow with a Task, a Parallel, a Map, a
retried Task and an Approval, and 25 in one with Approvals inside Parallel
branches followed by a Map. Each child process kills itself (a real SIGKILL) at its
point; the test then resumes the execution from the store, approves what it waits
for, and checks the output equals an uninterrupted run's and that no agent call
ran twice except those in flight at the kill.
"""

from __future__ import annotations

import collections
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from asl import ASLError
from tests.durable.killpoints import INPUT, LEASE_SECONDS, Points, engine, finish

ROOT = Path(__file__).resolve().parents[2]
POINTS_PER_WORKFLOW = 25


def clean_run(workflow: str, tmp_path: Path) -> tuple[object, int, list[str]]:
    """The output, the number of points and the agent calls of an uninterrupted run."""
    log, points = tmp_path / f"clean-{workflow}.log", Points(None)
    made = engine(workflow, f"sqlite:///{tmp_path}/clean-{workflow}.db", log, points)
    result = finish(made, made.run(INPUT, execution_id="clean"))
    assert result.status == "SUCCEEDED"
    return result.output, points.count, log.read_text().splitlines()


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
@pytest.mark.parametrize("workflow", ["mixed", "branched"])
def test_sigkill_at_random_points_then_resume(
    tmp_path: Path, request: pytest.FixtureRequest, backend: str, workflow: str
) -> None:
    store = (
        f"sqlite:///{tmp_path}/asl.db"
        if backend == "sqlite"
        else f"{request.getfixturevalue('redis_url')}?prefix=kill-{workflow}"
    )
    expected, total, clean_calls = clean_run(workflow, tmp_path)
    rng = random.Random(f"{backend}-{workflow}")
    kill_points = [rng.randint(1, total) for _ in range(POINTS_PER_WORKFLOW)]
    runs = [(f"{workflow}-{n}", point) for n, point in enumerate(kill_points)]
    lines = [
        "\t".join(
            (workflow, store, str(tmp_path / f"{execution_id}.log"), execution_id, str(point))
        )
        for execution_id, point in runs
    ]
    zygote = subprocess.run(
        [sys.executable, "-m", "tests.durable.killpoints"],
        input="\n".join(lines),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert zygote.stdout.split() == [str(-signal.SIGKILL)] * len(runs), zygote.stderr
    time.sleep(LEASE_SECONDS + 0.1)  # the killed processes' leases expire
    for execution_id, point in runs:
        log = tmp_path / f"{execution_id}.log"
        before = log.read_text().splitlines() if log.exists() else []
        made = engine(workflow, store, log)
        result = finish(made, resume(made, execution_id))
        assert (result.status, result.output) == ("SUCCEEDED", expected), (point, result.cause)
        check_calls(log.read_text().splitlines(), before, clean_calls, point)


def resume(made: object, execution_id: str) -> object:
    """Resume; an execution killed before its first commit does not exist: run it."""
    try:
        return made.resume(execution_id)  # type: ignore[attr-defined]
    except ASLError as missing:
        assert missing.cause.startswith(f"No execution '{execution_id}'"), missing.cause
        return made.run(INPUT, execution_id=execution_id)  # type: ignore[attr-defined]


def check_calls(calls: list[str], before: list[str], clean: list[str], point: int) -> None:
    """The same calls as a clean run; one ran again only if it was in flight at the kill.

    Calls are compared by place (state, Map item, branch): a top-level key ends with
    the entered event id, which a resume that skips recorded Map items shifts. A state
    that runs again starts its retries again, so visits are counted by first attempts.
    """
    made, expected = _visits(calls), _visits(clean)
    assert made.keys() == expected.keys(), point
    again = {
        place: made[place] - expected[place] for place in made if made[place] > expected[place]
    }
    assert set(again.values()) <= {1}, (point, again)  # once more at most
    assert again.keys() <= {_place(line.split("\t")[2]) for line in before}, (point, again)
    assert len(again) <= 3, (point, again)  # one per Map item running at once


def _visits(calls: list[str]) -> collections.Counter[str]:
    return collections.Counter(
        _place(key) for _, attempt, key in (line.split("\t") for line in calls) if attempt == "1"
    )


def _place(key: str) -> str:
    """``k:Fetch:2`` → ``Fetch``; ``k:Each[0]/Item`` → ``Each[0]/Item``."""
    return key.split(":")[1]
