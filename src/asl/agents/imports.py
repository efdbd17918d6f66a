"""Importing the user's agent and tool modules the way ``python -m`` would.

Shared by ``--agents MODULE`` and the agents config file's ``import: module:attr``;
every failure becomes one sentence (no traceback) saying what to do.
"""

from __future__ import annotations

import importlib
import os
import sys
from types import ModuleType


class ImportProblem(Exception):
    """Why a user module could not be imported, worded for the person running asl."""


def import_user_module(name: str) -> ModuleType:
    """Import ``name`` with the current directory first on the path."""
    cwd = os.getcwd()
    if cwd not in sys.path and "" not in sys.path:
        sys.path.insert(0, cwd)
    importlib.invalidate_caches()  # a module written a moment ago must be found
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        missing = error.name or ""
        if name == missing or name.startswith(f"{missing}."):
            raise ImportProblem(
                f"no module named '{name}' in the current directory ({cwd}) or on the "
                "Python path; run asl from the folder that contains it, or install it."
            ) from None
        raise ImportProblem(f"importing '{name}' failed: {error}.") from None
    except SyntaxError as error:
        where = f"{error.filename}:{error.lineno}:{error.offset}"
        raise ImportProblem(f"importing '{name}' failed: {where}: {error.msg}.") from None
    except Exception as error:  # the user's module raised while importing
        raise ImportProblem(f"importing '{name}' failed: {type(error).__name__}: {error}") from None
