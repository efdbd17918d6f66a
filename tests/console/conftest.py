"""A real ``asl serve`` (uvicorn on loopback, SQLite store) and Debian's Chromium for the console.

The browser is the system ``chromium`` driven by Playwright (never a browser that
Playwright downloads), headless, with a throwaway profile. Screenshots go to
``tests/artefacts/console/`` (gitignored); the path is printed so a failing run
can be looked at.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

from tests.service.support import (
    REPO_ROOT,
    WORKFLOW_APPROVAL,
    WORKFLOW_SLOW,
    WORKFLOW_THREE,
    Process,
    bearer,
    make_keys,
    service_env,
    start_server,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WORKFLOW_PRICED = {
    "StartAt": "Call",
    "States": {
        "Call": {"Type": "Task", "Agent": "Priced", "Next": "Argue"},
        "Argue": {"Type": "Debate", "Agents": ["Pro", "Con"], "Rounds": 1, "End": True},
    },
}
"""A Task and a Debate whose agents report usage (the Debate's turns carry it in events)."""
ARTEFACTS = REPO_ROOT / "tests" / "artefacts" / "console"


class Console:
    """The running service: its URL, one key per scope, and calls to its API."""

    def __init__(self, url: str, keys: dict[str, str], process: Process) -> None:
        self.url = url
        self.keys = keys
        self.process = process
        self.client = httpx2.Client(base_url=url, timeout=15)

    def call(self, method: str, path: str, scope: str = "admin", **kwargs: Any) -> httpx2.Response:
        return self.client.request(method, path, headers=bearer(self.keys[scope]), **kwargs)

    def start(self, workflow: str, input: Any, wait: bool = True) -> str:
        body = {"workflow": workflow, "input": input, "waitSeconds": 10 if wait else 0}
        started = self.call("POST", "/v1/executions", "execute", json=body)
        assert started.status_code == (200 if wait else 202), started.text
        execution_id: str = started.json()["executionId"]
        return execution_id

    def settle(self, execution_id: str, status: str) -> dict[str, Any]:
        deadline = time.monotonic() + 15
        while True:
            described: dict[str, Any] = self.call(
                "GET", f"/v1/executions/{execution_id}", "read"
            ).json()
            if described["status"] == status:
                return described
            assert time.monotonic() < deadline, described
            time.sleep(0.05)


def _reviewer_key(store: str) -> str:
    """A key that may look and decide, as a reviewer's would (not admin)."""
    from asl.service.auth import create_key
    from asl.store import open_store

    async def make() -> str:
        async with await open_store(store) as opened:
            key, _ = await create_key(opened, "reviewer", ["read", "approve"])
            return key

    return asyncio.run(make())


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    folder: Path = tmp_path_factory.mktemp("console")
    store = f"sqlite:///{folder}/service.db"
    keys = make_keys(store)
    keys["reviewer"] = _reviewer_key(store)
    env = service_env(store=store, rate_limit_per_second=1000, rate_limit_burst=1000)
    env["ASL_AGENTS"] = "tests.console.agents"
    process, url = start_server(env, folder / "serve.log")
    console = Console(url, keys, process)
    try:
        slow = {**WORKFLOW_SLOW, "States": {**WORKFLOW_SLOW["States"]}}
        slow["States"]["First"] = {**slow["States"]["First"], "Result": {"seconds": 2}}
        for name, document in (
            ("review", WORKFLOW_APPROVAL),
            ("three", WORKFLOW_THREE),
            ("slow", slow),
            ("priced", WORKFLOW_PRICED),
        ):
            registered = console.call(
                "POST", "/v1/workflows", json={"name": name, "definition": document}
            )
            assert registered.status_code == 201, registered.text
        yield console
    finally:
        console.client.close()
        process.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A persistent context (Chromium's --user-data-dir is Playwright's user_data_dir)."""
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (see .ci/run)")
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="module")
def artefacts() -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    print(f"\nconsole screenshots: {ARTEFACTS}")
    return ARTEFACTS
