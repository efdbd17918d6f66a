"""Service settings: one table of names, read from a file and the environment (12-factor).

Every setting has a field here, an environment variable (``ASL_`` + the upper-case
name) and a key in the optional config file (TOML or JSON, given with ``--config`` or
``ASL_CONFIG``). The environment wins over the file, and command-line flags win over
both, so one image runs in every environment with only its variables changed. The
table in ``docs/service.md`` lists the same fields; a test keeps the two in step.

Problems are collected, never raised one by one: ``asl serve --check`` prints all of
them, each naming the variable or file key and what it accepts.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

SCOPES = ("read", "execute", "approve", "admin")


@dataclass(frozen=True, slots=True)
class Settings:
    """What one ``asl serve`` or ``asl worker`` process runs with."""

    host: str = "127.0.0.1"
    port: int = 8080
    store: str = "sqlite:///asl-service.db"
    broker: str = ""
    """A ``redis://`` URL: executions go to ``asl worker`` processes; empty runs them here."""
    agents: str = ""
    """``MODULE[:ATTR]`` of the agents, as ``asl run --agents``; both serve and worker load it."""
    queue: str = "asl"
    max_body_bytes: int = 1_048_576
    rate_limit_per_second: float = 50.0
    rate_limit_burst: int = 100
    max_wait_seconds: float = 30.0
    cors_origins: tuple[str, ...] = ()
    lease_seconds: float = 30.0
    recovery_interval_seconds: float = 5.0
    timer_threshold_seconds: float = 1.0
    """A worker suspends a Wait or Retry back-off longer than this instead of sleeping."""
    fan_out: bool = True
    """Workers run top-level Map items and Parallel branches as messages (asl.service.fanout)."""
    worker_concurrency: int = 8
    worker_poll_ms: int = 20
    metrics_port: int = 0
    """The worker's own Prometheus port (0: none); ``asl serve`` serves ``/metrics``."""
    stream_poll_seconds: float = 0.25
    log_level: str = "INFO"
    log_format: str = "json"
    trace_exporter: str = "none"
    redact_keys: tuple[str, ...] = (
        "password",
        "secret",
        "apiKey",
        "api_key",
        "authorization",
        "accessToken",
    )
    proxy_headers: bool = False

    def redacted(self) -> dict[str, Any]:
        """The settings as JSON, with the store and broker passwords hidden."""
        shown: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name in ("store", "broker"):
                value = _hide_password(value)
            shown[item.name] = list(value) if isinstance(value, tuple) else value
        return shown


class SettingsError(Exception):
    """Settings that cannot run; ``problems`` lists each, naming where it came from."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def env_name(name: str) -> str:
    return "ASL_" + name.upper()


def load_settings(
    config_file: str | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """File, then environment, then ``overrides`` (the CLI flags); raises SettingsError."""
    environ = os.environ if environ is None else environ
    problems: list[str] = []
    values: dict[str, Any] = {}
    path = config_file or environ.get("ASL_CONFIG") or None
    if path:
        for key, raw in _read_file(path, problems).items():
            _take(values, key, raw, f"{path}: key '{key}'", problems)
    known = {item.name for item in fields(Settings)}
    for name in known:
        if env_name(name) in environ:
            _take(values, name, environ[env_name(name)], env_name(name), problems)
    for name, value in (overrides or {}).items():
        if value is not None:
            _take(values, name, value, f"--{name.replace('_', '-')}", problems)
    settings = replace(Settings(), **values)
    problems.extend(check(settings))
    if problems:
        raise SettingsError(problems)
    return settings


def check(settings: Settings) -> list[str]:
    """What is wrong with settings that parsed: ranges, URL schemes, known choices."""
    problems: list[str] = []

    def need(ok: bool, name: str, message: str) -> None:
        if not ok:
            problems.append(f"{env_name(name)}: {message}")

    need(0 <= settings.port <= 65535, "port", "must be a TCP port, 0-65535")
    need(
        settings.store.startswith(("memory://", "sqlite://", "redis://", "rediss://")),
        "store",
        "must be a memory://, sqlite:///PATH or redis://HOST:PORT/DB URL",
    )
    need(
        not settings.broker or settings.broker.startswith(("redis://", "rediss://")),
        "broker",
        "must be empty (run executions in the server) or a redis://HOST:PORT/DB URL",
    )
    need(
        not (settings.broker and settings.store.startswith("memory://")),
        "store",
        "memory:// is private to one process; workers need a shared sqlite:// or redis:// store",
    )
    need(settings.max_body_bytes >= 1024, "max_body_bytes", "must be at least 1024")
    need(settings.rate_limit_per_second > 0, "rate_limit_per_second", "must be above 0")
    need(settings.rate_limit_burst >= 1, "rate_limit_burst", "must be at least 1")
    need(settings.max_wait_seconds >= 0, "max_wait_seconds", "must be 0 or more")
    need(settings.lease_seconds >= 1, "lease_seconds", "must be at least 1 second")
    need(
        settings.recovery_interval_seconds > 0,
        "recovery_interval_seconds",
        "must be above 0",
    )
    need(settings.timer_threshold_seconds >= 0, "timer_threshold_seconds", "must be 0 or more")
    need(settings.worker_concurrency >= 1, "worker_concurrency", "must be at least 1")
    need(settings.worker_poll_ms >= 1, "worker_poll_ms", "must be at least 1")
    need(0 <= settings.metrics_port <= 65535, "metrics_port", "must be 0 (none) or a TCP port")
    need(settings.stream_poll_seconds > 0, "stream_poll_seconds", "must be above 0")
    need(
        settings.log_level.upper() in ("DEBUG", "INFO", "WARNING", "ERROR"),
        "log_level",
        "must be DEBUG, INFO, WARNING or ERROR",
    )
    need(settings.log_format in ("json", "text"), "log_format", "must be json or text")
    need(
        settings.trace_exporter in ("none", "console", "otlp"),
        "trace_exporter",
        "must be none, console or otlp",
    )
    return problems


def _read_file(path: str, problems: list[str]) -> dict[str, Any]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        problems.append(f"{path}: cannot read the config file ({error.strerror})")
        return {}
    try:
        data: Any = json.loads(text) if path.endswith(".json") else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as error:
        problems.append(
            f"{path}: not valid {'JSON' if path.endswith('.json') else 'TOML'}: {error}"
        )
        return {}
    if not isinstance(data, dict):
        problems.append(f"{path}: the config file must hold a table of settings")
        return {}
    return data


_TYPES: dict[str, Any] = {item.name: item.default for item in fields(Settings)}


def _take(values: dict[str, Any], name: str, raw: Any, where: str, problems: list[str]) -> None:
    """Convert ``raw`` to the type of the setting ``name``, or note why it cannot be."""
    if name not in _TYPES:
        known = ", ".join(sorted(_TYPES))
        problems.append(f"{where}: unknown setting '{name}' (known: {known})")
        return
    default = _TYPES[name]
    try:
        values[name] = _convert(raw, default)
    except ValueError as error:
        problems.append(f"{where}: {error}")


def _convert(raw: Any, default: Any) -> Any:
    if isinstance(default, bool):
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off", ""):
            return False
        raise ValueError(f"expected true or false, got {raw!r}")
    if isinstance(default, int):
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        try:
            return int(str(raw).strip())
        except ValueError:
            raise ValueError(f"expected a whole number, got {raw!r}") from None
    if isinstance(default, float):
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return float(raw)
        try:
            return float(str(raw).strip())
        except ValueError:
            raise ValueError(f"expected a number, got {raw!r}") from None
    if isinstance(default, tuple):
        if isinstance(raw, list):
            return tuple(str(item) for item in raw)
        return tuple(part.strip() for part in str(raw).split(",") if part.strip())
    if not isinstance(raw, str):
        raise ValueError(f"expected text, got {raw!r}")
    return raw


def _hide_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not sep or not at:
        return url
    user = credentials.partition(":")[0]
    return f"{scheme}://{user}:***@{host}" if user else f"{scheme}://***@{host}"


__all__ = ["SCOPES", "Settings", "SettingsError", "check", "env_name", "load_settings"]
