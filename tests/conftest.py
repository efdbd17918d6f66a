"""Fixtures every test folder shares.

``redis_url``: a real ``redis-server`` this session starts on a free loopback
port (no persistence, a temporary directory) and stops by its PID. Without the
binary the Redis cases are skipped locally, but fail in CI (``CI`` is set),
where ``.ci/run`` installs it: a green CI must mean Redis was tested.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
from hypothesis import settings

# No time limit per example: a first example that loads a lazy module (a tokenizer, a
# schema) on a busy machine is not a failure; tests never assert timings.
settings.register_profile("asl", deadline=None)
settings.load_profile("asl")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _pong(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server is not on PATH (apt-get install redis-server)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    directory = tmp_path_factory.mktemp("redis")
    port = _free_port()
    log = (directory / "redis.log").open("w")
    server = subprocess.Popen(
        [
            binary,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(directory),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 10
        while not _pong(port):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"redis-server did not start: {(directory / 'redis.log').read_text()}")
            time.sleep(0.01)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        os.kill(server.pid, 15)
        server.wait(timeout=10)
        log.close()
