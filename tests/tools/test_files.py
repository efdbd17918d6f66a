"""The built-in file tools under FileSystem rules, attacks included."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from .support import call, registry, run, task

FILE_SYSTEM = {
    "AllowedPaths": ["./data/**", "./out/**"],
    "DeniedPaths": ["./data/secrets/**", "**/.env*"],
    "AllowedExtensions": [".txt", ".md"],
    "MaxFileSize": "1K",
}


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "ws"
    (root / "data" / "secrets").mkdir(parents=True)
    (root / "out").mkdir()
    (root / "data" / "notes.txt").write_text("hello")
    (root / "data" / "big.txt").write_text("x" * 2000)
    (root / "data" / "secrets" / "key.txt").write_text("s3cret")
    (root / "data" / ".env.local").write_text("TOKEN=1")
    (root / "data" / "tool.py").write_text("print(1)")
    (tmp_path / "outside.txt").write_text("outside")
    monkeypatch.chdir(root)
    return root


def use(*calls: dict[str, Any], file_system: dict[str, Any] | None = None) -> list[Any]:
    tools = {"FileSystem": FILE_SYSTEM if file_system is None else file_system}
    agents = registry().register_builtin_tools("read_file", "write_file", "list_dir")
    return run(task(tools), agents, list(calls), catch=True).output


def refused(tool: str, path: str, why: str) -> dict[str, str]:
    return {
        "error": "States.Permissions",
        "cause": f"Tool '{tool}' refused the path '{path}': {why}",
    }


OUTSIDE = "it is outside the FileSystem AllowedPaths"


def test_an_allowed_file_is_read(workspace: Path) -> None:
    assert use(call("read_file", path="data/notes.txt")) == ["hello"]


def test_dot_dot_traversal_to_etc_passwd_is_refused(workspace: Path) -> None:
    assert use(call("read_file", path="data/../../../../../etc/passwd")) == [
        refused("read_file", "data/../../../../../etc/passwd", OUTSIDE)
    ]


def test_an_absolute_path_outside_is_refused(workspace: Path) -> None:
    path = str(workspace.parent / "outside.txt")
    assert use(call("read_file", path=path)) == [refused("read_file", path, OUTSIDE)]


def test_a_symlink_out_of_an_allowed_folder_is_refused(workspace: Path) -> None:
    os.symlink(workspace.parent / "outside.txt", workspace / "data" / "link.txt")
    real = workspace.parent / "outside.txt"

    assert use(call("read_file", path="data/link.txt")) == [
        refused("read_file", "data/link.txt", f"{OUTSIDE} (it resolves to {real})")
    ]


def test_a_symlink_to_a_denied_file_is_refused(workspace: Path) -> None:
    os.symlink(workspace / "data" / "secrets" / "key.txt", workspace / "data" / "alias.txt")

    assert use(call("read_file", path="data/alias.txt")) == [
        refused("read_file", "data/alias.txt", "it matches the FileSystem DeniedPaths")
    ]


def test_denied_paths_and_extensions_and_size_are_enforced(workspace: Path) -> None:
    assert use(
        call("read_file", path="data/secrets/key.txt"),
        call("read_file", path="data/.env.local"),
        call("read_file", path="data/tool.py"),
        call("read_file", path="data/big.txt"),
    ) == [
        refused("read_file", "data/secrets/key.txt", "it matches the FileSystem DeniedPaths"),
        refused("read_file", "data/.env.local", "it matches the FileSystem DeniedPaths"),
        refused(
            "read_file", "data/tool.py", "its extension is not in FileSystem AllowedExtensions"
        ),
        {
            "error": "States.Permissions",
            "cause": "Tool 'read_file' refused 'data/big.txt': 2000 bytes is more than the "
            "FileSystem MaxFileSize 1K",
        },
    ]


def test_write_file_writes_inside_and_refuses_outside(workspace: Path) -> None:
    assert use(
        call("write_file", path="out/report.md", content="# Done"),
        call("write_file", path="out/report.md", content="!", append=True),
        call("write_file", path="../escape.txt", content="x"),
        call("write_file", path="out/huge.txt", content="y" * 1025),
    ) == [
        {"path": "out/report.md", "bytes": 6},
        {"path": "out/report.md", "bytes": 1},
        refused("write_file", "../escape.txt", OUTSIDE),
        {
            "error": "States.Permissions",
            "cause": "Tool 'write_file' refused 'out/huge.txt': 1025 bytes is more than the "
            "FileSystem MaxFileSize 1K",
        },
    ]
    assert (workspace / "out" / "report.md").read_text() == "# Done!"
    assert not (workspace.parent / "escape.txt").exists()


def test_write_file_does_not_follow_a_planted_symlink(workspace: Path) -> None:
    os.symlink(workspace.parent / "outside.txt", workspace / "out" / "trap.txt")

    assert use(call("write_file", path="out/trap.txt", content="pwned")) == [
        refused(
            "write_file",
            "out/trap.txt",
            f"{OUTSIDE} (it resolves to {workspace.parent / 'outside.txt'})",
        )
    ]
    assert (workspace.parent / "outside.txt").read_text() == "outside"


def test_list_dir_leaves_denied_entries_out(workspace: Path) -> None:
    assert use(
        call("list_dir", path="data"),
        file_system={k: v for k, v in FILE_SYSTEM.items() if k != "AllowedExtensions"},
    ) == [
        [
            {"name": "big.txt", "type": "file"},
            {"name": "notes.txt", "type": "file"},
            {"name": "tool.py", "type": "file"},
        ]
    ]


def test_without_allowed_paths_only_the_working_directory_is_allowed(workspace: Path) -> None:
    assert use(
        call("read_file", path="data/tool.py"),
        call("read_file", path="/etc/hostname"),
        file_system={},
    ) == ["print(1)", refused("read_file", "/etc/hostname", OUTSIDE)]
