"""`asl --help` stays fast: the progress display's rich is imported only by a run that uses it."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from asl.cli import main
main(["--help"], standalone_mode=False)
print(sorted(name for name in sys.modules if name == "rich" or name.startswith("rich.")))
"""


def test_help_does_not_import_rich() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=False
    )

    assert (done.returncode, done.stdout.splitlines()[-1]) == (0, "[]")


ENGINE_PROBE = """
import sys
from asl.cli import main
main(["--help"], standalone_mode=False)
print("asl.runtime.engine" in sys.modules, "asl.definition.load" in sys.modules)
"""


def test_help_does_not_import_the_engine() -> None:
    done = subprocess.run(
        [sys.executable, "-c", ENGINE_PROBE],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert (done.returncode, done.stdout.splitlines()[-1]) == (0, "False False")


def test_each_command_module_imports_on_its_own() -> None:
    """A command module imported first (as a test or a plugin may) must not hit a cycle."""
    modules = ["asl.cli_store", "asl.cli_budget", "asl.cli_events", "asl.cli_graph"]
    for module in modules:
        done = subprocess.run(
            [sys.executable, "-c", f"import {module}"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert (module, done.returncode, done.stderr) == (module, 0, "")
