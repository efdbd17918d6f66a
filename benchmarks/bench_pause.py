"""What a paused execution costs: store bytes beyond its data, and the time to resume it.

Targets (durable-executions issue): ≤ 2 KB of store beyond the data, resume ≤ 5 ms.
Run: ``python benchmarks/bench_pause.py``.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from _scale import scaled

from asl import WorkflowEngine

DOCUMENT: dict[str, Any] = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {"Type": "Pass", "Next": "Review"},
        "Review": {
            "Type": "Approval",
            "Prompt": "Publish '{{$.title}}'?",
            "ResultPath": "$.review",
            "Next": "Done",
        },
        "Done": {"Type": "Succeed"},
    },
}


def stored_bytes(path: Path) -> int:
    with sqlite3.connect(path) as db:
        tables = [row[0] for row in db.execute("select name from sqlite_master where type='table'")]
        total = 0
        for table in tables:
            for row in db.execute(f"select * from {table}"):  # our own table names
                total += sum(len(str(value).encode()) for value in row if value is not None)
        return total


async def main() -> None:
    data = {"title": "A title", "body": "x" * 1000}
    data_bytes = len(json.dumps(data).encode())
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/asl.db"
        engine = WorkflowEngine(DOCUMENT, store=url)
        await engine.arun(data, execution_id="warm")
        await engine.aresume("warm", {"approval": "approve"})
        before = stored_bytes(Path(folder) / "asl.db")
        resumes = []
        for index in range(scaled(50)):
            paused = await engine.arun(data, execution_id=f"e{index}")
            assert paused.status == "PAUSED"
            if index == 0:
                per_pause = stored_bytes(Path(folder) / "asl.db") - before
            started = time.perf_counter()
            done = await WorkflowEngine(DOCUMENT, store=url).aresume(
                f"e{index}", {"approval": "approve"}
            )
            resumes.append(time.perf_counter() - started)
            assert done.status == "SUCCEEDED"
    # The document is kept once per version, not per execution: count it apart.
    document_bytes = len(json.dumps(DOCUMENT).encode())
    print(f"paused execution: {per_pause} bytes stored for {data_bytes} bytes of data "
          f"(+{per_pause - 2 * data_bytes} beyond the input and the paused state's input; "
          f"the {document_bytes}-byte document is stored once per version)")
    print(f"resume (fresh engine, SQLite): median {statistics.median(resumes) * 1e3:.2f} ms, "
          f"max {max(resumes) * 1e3:.2f} ms (target <= 5 ms)")


if __name__ == "__main__":
    asyncio.run(main())
