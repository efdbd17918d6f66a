"""``bubblewrap``: skip locally without bwrap, fail in CI, where .ci/run installs it."""

from __future__ import annotations

import os
import shutil

import pytest


@pytest.fixture
def bubblewrap() -> None:
    if shutil.which("bwrap") is None:
        message = "bwrap is not on PATH (apt-get install bubblewrap)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
