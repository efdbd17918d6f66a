"""A crash mid-run keeps what was spent: the budget state is saved after every call."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from asl import ASLError, WorkflowResult
from tests.budget.crashing import built

ROOT = Path(__file__).resolve().parents[2]


def resumed(store: str, execution_id: str) -> WorkflowResult:
    """Resume once the dead process's lease (1 s) has expired; a loaded machine may need more."""
    deadline = time.monotonic() + 10
    while True:
        try:
            return built(store, dies=False).resume(execution_id)
        except ASLError as refused:
            if "lease has not expired" not in refused.cause or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_a_crash_inside_a_parallel_keeps_the_spent_total(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/asl.db"
    child = subprocess.run(
        [sys.executable, "-m", "tests.budget.crashing", store, "crash-1"],
        cwd=ROOT,
        timeout=60,
        capture_output=True,
    )
    assert child.returncode == 9, child.stderr.decode()
    result = resumed(store, "crash-1")
    assert result.status == "SUCCEEDED", result.cause
    report = result.cost_report
    assert report is not None
    # First and Left were paid before the crash; Right runs again (it never reported).
    assert report["costs"]["byState"] == {"First": 1.0, "Left": 1.0, "Right": 1.0}
    assert (result.cost, result.tokens_used) == (3.0, 315)
