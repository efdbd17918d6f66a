"""What the built-in embedder and the Context block cost.

1. The embedding model: installed size of the ``static_model`` package, its
   import time, the one-time model load (first ``embed``), and the median time
   to embed one short text and a batch of 100 afterwards (in a fresh process,
   so the load is measured cold).
2. The Context block: median time to fit a 200-message history into 2,000
   tokens with ``sliding_window``, and to rank 100 candidates with ``semantic``
   (embedding included), per call.

Run: ``python benchmarks/bench_context.py``.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from asl.embeddings import default_embedder
from asl.runtime.context import ContextBlock

LOAD = """
import time
t0 = time.perf_counter()
import static_model
t1 = time.perf_counter()
static_model.get_embeddings(["warm up"])
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def median_seconds(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    import static_model

    root = Path(static_model.__file__).parent
    size = sum(f.stat().st_size for f in root.rglob("*") if f.is_file())
    print(f"static_model installed size: {size / 1e6:.1f} MB")
    out = subprocess.run([sys.executable, "-c", LOAD], capture_output=True, text=True, check=True)
    imported, loaded = (float(x) for x in out.stdout.split())
    print(f"import: {imported * 1000:.1f} ms; model load (first embed): {loaded * 1000:.0f} ms")
    embedder = default_embedder()
    texts = [f"message number {i} about the login bug" for i in range(100)]
    one = median_seconds(lambda: embedder.embed(texts[:1]), 200)
    batch = median_seconds(lambda: embedder.embed(texts), 50)
    print(f"embed 1 text: {one * 1e6:.0f} µs; 100 texts: {batch * 1000:.2f} ms")

    history = [f"user said thing {i} about the deployment and the logs" for i in range(200)]
    sliding = ContextBlock({"Strategy": "sliding_window", "MaxTokens": 2000}, "S")
    data = {"task": "fix the login bug", "history": history}
    fit = median_seconds(lambda: asyncio.run(sliding.fit(data, None, None)), 50)
    print(f"sliding_window fit of 200 messages: {fit * 1000:.2f} ms")
    semantic = ContextBlock(
        {
            "Strategy": "semantic",
            "MaxTokens": 2000,
            "Query.$": "$.task",
            "Candidates": ["$.history"],
            "TopK": 10,
        },
        "S",
    )
    data = {"task": "fix the login bug", "history": history[:100]}
    rank = median_seconds(lambda: asyncio.run(semantic.fit(data, None, None)), 50)
    print(f"semantic fit of 100 candidates (embedding included): {rank * 1000:.2f} ms")


if __name__ == "__main__":
    main()
