"""Module-level tools: the sandbox imports tools by module and name."""

from __future__ import annotations

import os
import socket
from typing import Annotated, Literal


def add(a: int, b: int = 2) -> int:
    """Add two integers.

    The second paragraph is not part of the description.
    """
    return a + b


async def shout(text: Annotated[str, "What to shout"], times: int = 1) -> str:
    """Upper-case a text."""
    return " ".join([text.upper()] * times)


def pick(kind: Literal["a", "b"], tags: list[str], meta: dict[str, float] | None = None) -> str:
    """Choose."""
    return kind


def whoami() -> dict[str, object]:
    """Where the tool runs: its process id and whether it can reach the network."""
    try:
        socket.create_connection(("1.1.1.1", 53), timeout=1).close()
        network = True
    except OSError:
        network = False
    return {"pid": os.getpid(), "network": network, "root": sorted(os.listdir("/"))}


def write_outside() -> str:
    """Try to write where the sandbox does not allow it."""
    with open("/usr/asl-sandbox-test", "w") as handle:
        handle.write("x")
    return "written"
