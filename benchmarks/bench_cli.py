"""Cold start of the ``asl`` command: how long ``asl --help`` takes in a new process.

Run: ``python benchmarks/bench_cli.py``. The target is 150 ms. A bare
``python -c pass`` is measured beside it, so the figure can be read against what
the interpreter alone costs on this machine; ``asl --help`` imports click and the
command definitions, never the engine (commands import it when they run).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

from _scale import scaled

RUNS = scaled(15)
TARGET_MS = 150.0


def asl_command() -> list[str]:
    """The console script pip installed beside this interpreter (not a pyenv shim)."""
    script = Path(sysconfig.get_path("scripts")) / "asl"
    if script.exists():
        return [str(script)]
    found = shutil.which("asl")
    if found is None:
        sys.exit("asl is not installed: run pip install -e . first")
    return [found]


def timings_ms(command: list[str], runs: int = RUNS) -> list[float]:
    subprocess.run(command, check=True, capture_output=True)  # warm the file cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    rows = [
        ("python -c pass", [sys.executable, "-c", "pass"]),
        ("asl --help", [*asl_command(), "--help"]),
        ("asl --version", [*asl_command(), "--version"]),
    ]
    print(f"{'command':<16}{'best ms':>9}{'median ms':>11}")
    results = {}
    for name, command in rows:
        times = timings_ms(command)
        results[name] = min(times)
        print(f"{name:<16}{min(times):>9.1f}{statistics.median(times):>11.1f}")
    verdict = "yes" if results["asl --help"] <= TARGET_MS else "NO"
    print(f"asl --help cold start target {TARGET_MS:.0f} ms (best of {RUNS}): {verdict}")


if __name__ == "__main__":
    main()
