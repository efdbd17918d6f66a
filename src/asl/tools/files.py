"""``FileSystem {AllowedPaths, DeniedPaths, AllowedExtensions, MaxFileSize}`` and the
built-in file tools that obey it.

A path is judged twice: as written (normalised, so ``../../etc/passwd`` is seen
as ``/etc/passwd``) and as the file it really is (symlinks resolved), and the
file is then opened by its real path without following a last symlink, so a
link inside an allowed folder cannot lead out of it. Relative paths and
patterns are relative to the process's working directory; ``dir/**`` covers
the folder and everything below it. Without ``AllowedPaths`` the working
directory (``./**``) is allowed, nothing else.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from asl.language.errors import PERMISSIONS, TASK_FAILED, ASLError
from asl.language.units import format_size, parse_size

DEFAULT_ALLOWED = ("./**",)


def _glob_regex(pattern: str) -> str:
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("/**", i) and i + 3 == len(pattern):
            out.append("(?:/.*)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        out.append("[^/]*" if char == "*" else "[^/]" if char == "?" else re.escape(char))
        i += 1
    return "".join(out)


def _absolute(pattern: str, base: str) -> list[str]:
    """The pattern made absolute, as written and with its fixed prefix's symlinks resolved."""
    absolute = os.path.normpath(os.path.join(base, os.path.expanduser(pattern)))
    if pattern.endswith("/**") and not absolute.endswith("/**"):
        absolute += "/**"
    fixed = re.split(r"[*?\[]", absolute, maxsplit=1)[0]
    head = fixed if fixed.endswith("/") else os.path.dirname(fixed)
    real_head = os.path.realpath(head or "/")
    resolved = real_head.rstrip("/") + "/" + absolute[len(head) :].lstrip("/")
    return [absolute, resolved] if resolved != absolute else [absolute]


@dataclass(frozen=True, slots=True)
class FileSystemPolicy:
    allowed: tuple[str, ...] = DEFAULT_ALLOWED
    denied: tuple[str, ...] = ()
    extensions: tuple[str, ...] | None = None
    max_size: int | None = None

    @classmethod
    def parse(cls, raw: Mapping[str, Any] | None) -> FileSystemPolicy:
        raw = raw or {}
        allowed = raw.get("AllowedPaths")
        extensions = raw.get("AllowedExtensions")
        return cls(
            tuple(allowed) if isinstance(allowed, list) else DEFAULT_ALLOWED,
            tuple(raw.get("DeniedPaths") or ()),
            tuple(e.lower() for e in extensions) if isinstance(extensions, list) else None,
            parse_size(raw.get("MaxFileSize")),
        )

    def _matches(self, patterns: tuple[str, ...], path: str, base: str) -> bool:
        regex = "|".join(
            f"(?:{_glob_regex(form)})" for p in patterns for form in _absolute(p, base)
        )
        return bool(regex) and re.fullmatch(regex, path) is not None

    def check(self, path: str, *, tool: str) -> str:
        """The real path of ``path`` if the policy lets ``tool`` use it; else States.Permissions."""
        if not isinstance(path, str) or not path or "\x00" in path:
            raise ASLError(PERMISSIONS, f"Tool '{tool}' needs a file path, got {path!r}")
        base = os.getcwd()
        written = os.path.normpath(os.path.join(base, os.path.expanduser(path)))
        real = os.path.realpath(written)
        if self._matches(self.denied, written, base) or self._matches(self.denied, real, base):
            raise self._refused(tool, path, real, "it matches the FileSystem DeniedPaths")
        if not self._matches(self.allowed, real, base):
            where = "" if real == written else f" (it resolves to {real})"
            raise self._refused(
                tool, path, real, f"it is outside the FileSystem AllowedPaths{where}"
            )
        if self.extensions is not None and not os.path.isdir(real):
            for candidate in {written, real}:
                if os.path.splitext(candidate)[1].lower() not in self.extensions:
                    raise self._refused(
                        tool, path, real, "its extension is not in FileSystem AllowedExtensions"
                    )
        return real

    def check_size(self, size: int, *, tool: str, path: str) -> None:
        if self.max_size is not None and size > self.max_size:
            raise ASLError(
                PERMISSIONS,
                f"Tool '{tool}' refused '{path}': {size} bytes is more than the FileSystem "
                f"MaxFileSize {format_size(self.max_size)}",
            )

    @staticmethod
    def _refused(tool: str, path: str, real: str, why: str) -> ASLError:
        return ASLError(PERMISSIONS, f"Tool '{tool}' refused the path '{path}': {why}")


def _open_flags(write: bool, append: bool) -> int:
    flags = os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    if write:
        return flags | os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    return flags | os.O_RDONLY


def read_file(policy: Any, path: str) -> str:
    """Read a UTF-8 text file that the state's FileSystem rules allow."""
    rules: FileSystemPolicy = policy.file_system
    real = rules.check(path, tool="read_file")
    try:
        fd = os.open(real, _open_flags(False, False))
    except OSError as error:
        raise ASLError(TASK_FAILED, f"read_file cannot open '{path}': {error.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        rules.check_size(os.fstat(handle.fileno()).st_size, tool="read_file", path=path)
        return handle.read().decode("utf-8", errors="replace")


def write_file(policy: Any, path: str, content: str, append: bool = False) -> dict[str, Any]:
    """Write (or append) UTF-8 text to a file the state's FileSystem rules allow."""
    rules: FileSystemPolicy = policy.file_system
    real = rules.check(path, tool="write_file")
    data = content.encode("utf-8")
    rules.check_size(len(data), tool="write_file", path=path)
    try:
        fd = os.open(real, _open_flags(True, append), 0o644)
    except OSError as error:
        raise ASLError(TASK_FAILED, f"write_file cannot open '{path}': {error.strerror}") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return {"path": path, "bytes": len(data)}


def list_dir(policy: Any, path: str = ".") -> list[dict[str, str]]:
    """List a folder the state's FileSystem rules allow (denied entries are left out)."""
    rules: FileSystemPolicy = policy.file_system
    real = rules.check(path, tool="list_dir")
    try:
        names = sorted(os.listdir(real))
    except OSError as error:
        raise ASLError(TASK_FAILED, f"list_dir cannot read '{path}': {error.strerror}") from None
    base = os.getcwd()
    entries = []
    for name in names:
        full = os.path.join(real, name)
        if rules._matches(rules.denied, full, base):
            continue
        kind = "link" if os.path.islink(full) else "dir" if os.path.isdir(full) else "file"
        entries.append({"name": name, "type": kind})
    return entries
