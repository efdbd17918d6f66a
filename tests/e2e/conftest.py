"""Fixtures for whole-workflow and CLI tests.

The examples are imported as ``examples.<name>.agents`` from the repository root, the
way a user runs them; the root is put on ``sys.path`` so plain ``pytest`` works too.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


@pytest.fixture(autouse=True)
def own_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every CLI test gets its own store: none writes to the user's data directory."""
    url = f"sqlite:///{tmp_path}/asl-test.db"
    monkeypatch.setenv("ASL_STORE", url)
    return url


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def in_repo_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the repository root, as the README's commands do."""
    monkeypatch.chdir(REPO_ROOT)
    return REPO_ROOT
