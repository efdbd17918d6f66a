"""``asl budget pool``: create, resize and show a shared pool; bad input says the fix."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from asl.cli import main


def test_create_then_show_a_pool(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/asl.db"
    runner = CliRunner()
    created = runner.invoke(main, ["budget", "pool", "team", "--limit", "$500", "--store", store])
    shown = runner.invoke(main, ["budget", "pool", "team", "--store", store])
    assert (created.exit_code, shown.exit_code) == (0, 0)
    expected = {"name": "team", "limit": 500.0, "spent": 0.0, "reserved": 0.0}
    assert json.loads(created.stdout) == json.loads(shown.stdout) == expected


def test_an_unknown_pool_exits_2_with_the_fix(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["budget", "pool", "nope", "--store", f"sqlite:///{tmp_path}/asl.db"]
    )
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: No budget pool 'nope' in this store: create it with --limit AMOUNT\n"
    )


def test_a_bad_limit_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["budget", "pool", "team", "--limit", "lots", "--store", f"sqlite:///{tmp_path}/a.db"],
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --limit is 'lots': give an amount such as \"$5.00\" or 5 (USD)\n"
    )
