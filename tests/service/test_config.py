"""Settings from a file, the environment and flags; every problem reported at once."""

from __future__ import annotations

import json
import re
from dataclasses import fields
from pathlib import Path

import pytest
from click.testing import CliRunner

from asl.cli import main
from asl.service.config import Settings, SettingsError, env_name, load_settings

DOCS = Path(__file__).resolve().parents[2] / "docs" / "service.md"


def test_the_environment_overrides_the_file_and_flags_override_both(tmp_path: Path) -> None:
    config = tmp_path / "asl.toml"
    config.write_text(
        'port = 9000\nstore = "redis://127.0.0.1:6379/0"\ncors_origins = ["https://a"]\n'
    )
    settings = load_settings(
        str(config),
        environ={"ASL_PORT": "9100", "ASL_LEASE_SECONDS": "12.5"},
        overrides={"host": "0.0.0.0", "store": None},
    )
    assert settings.port == 9100
    assert settings.store == "redis://127.0.0.1:6379/0"
    assert settings.cors_origins == ("https://a",)
    assert settings.lease_seconds == 12.5
    assert settings.host == "0.0.0.0"


def test_a_json_config_file_is_read_too(tmp_path: Path) -> None:
    config = tmp_path / "asl.json"
    config.write_text(json.dumps({"rate_limit_burst": 7, "redact_keys": ["pin"]}))
    settings = load_settings(None, environ={"ASL_CONFIG": str(config)})
    assert (settings.rate_limit_burst, settings.redact_keys) == (7, ("pin",))


def test_every_problem_is_listed_with_where_it_came_from(tmp_path: Path) -> None:
    config = tmp_path / "asl.toml"
    config.write_text('prot = 1\nmax_body_bytes = "big"\n')
    with pytest.raises(SettingsError) as raised:
        load_settings(
            str(config),
            environ={
                "ASL_PORT": "70000",
                "ASL_BROKER": "amqp://x",
                "ASL_STORE": "memory://",
                "ASL_TRACE_EXPORTER": "jaeger",
                "ASL_PROXY_HEADERS": "maybe",
            },
        )
    problems = raised.value.problems
    assert problems[0].startswith(f"{config}: key 'prot': unknown setting 'prot' (known: agents,")
    assert problems[1:] == [
        f"{config}: key 'max_body_bytes': expected a whole number, got 'big'",
        "ASL_PROXY_HEADERS: expected true or false, got 'maybe'",
        "ASL_PORT: must be a TCP port, 0-65535",
        "ASL_BROKER: must be empty (run executions in the server) or a redis://HOST:PORT/DB URL",
        "ASL_STORE: memory:// is private to one process; workers need a shared sqlite:// or "
        "redis:// store",
        "ASL_TRACE_EXPORTER: must be none, console or otlp",
    ]


def test_workers_need_a_store_other_processes_can_open() -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(None, environ={"ASL_STORE": "memory://", "ASL_BROKER": "redis://h:1/0"})
    assert raised.value.problems == [
        "ASL_STORE: memory:// is private to one process; workers need a shared sqlite:// or "
        "redis:// store"
    ]


def test_a_missing_config_file_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(str(tmp_path / "nope.toml"), environ={})
    assert raised.value.problems == [
        f"{tmp_path / 'nope.toml'}: cannot read the config file (No such file or directory)"
    ]


def test_passwords_are_hidden_when_settings_are_shown() -> None:
    settings = Settings(store="redis://app:s3cret@db:6379/0", broker="redis://:pw@mq:6379/1")
    shown = settings.redacted()
    assert (shown["store"], shown["broker"]) == (
        "redis://app:***@db:6379/0",
        "redis://***@mq:6379/1",
    )


def test_every_setting_is_in_the_documented_table() -> None:
    documented = set(re.findall(r"^\| `(ASL_[A-Z_]+)` \|", DOCS.read_text(), re.MULTILINE))
    assert documented == {env_name(item.name) for item in fields(Settings)} | {"ASL_CONFIG"}


def test_serve_check_prints_the_settings_and_exits_0(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["serve", "--check", "--store", f"sqlite:///{tmp_path}/a.db", "--port", "8123"],
        env={"ASL_AGENTS": "tests.service.agents"},
    )
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert (shown["port"], shown["store"]) == (8123, f"sqlite:///{tmp_path}/a.db")
    assert shown["agentNames"] == [
        "Flaky",
        "HandOut.waitForTaskToken",
        "Probe",
        "Slow",
        "Stamper",
        "Upper",
    ]


def test_serve_check_exits_2_listing_the_problems() -> None:
    result = CliRunner().invoke(
        main, ["serve", "--check"], env={"ASL_PORT": "x", "ASL_LOG_FORMAT": "xml"}
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: invalid settings:\n"
        "  ASL_PORT: expected a whole number, got 'x'\n"
        "  ASL_LOG_FORMAT: must be json or text\n"
    )


def test_serve_check_names_an_unreachable_broker(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "serve",
            "--check",
            "--store",
            f"sqlite:///{tmp_path}/a.db",
            "--broker",
            "redis://127.0.0.1:1/0",
        ],
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "Error: not ready:\n  ASL_BROKER: cannot reach redis://127.0.0.1:1/0: "
    )


def test_worker_without_a_broker_is_refused() -> None:
    result = CliRunner().invoke(main, ["worker", "--store", "sqlite:///x.db"], env={})
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: asl worker needs a broker: set ASL_BROKER or --broker redis://...\n"
    )


def test_importing_asl_and_its_cli_loads_no_service_dependency() -> None:
    import subprocess
    import sys

    probe = (
        "import sys, asl, asl.cli; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('fastapi', 'uvicorn', 'dramatiq', 'prometheus_client', 'opentelemetry', 'starlette')"
        " or m.startswith('asl.service')))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert shown == "[]\n"


def test_worker_check_names_an_unreachable_broker(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "worker",
            "--check",
            "--store",
            f"sqlite:///{tmp_path}/a.db",
            "--broker",
            "redis://127.0.0.1:1/0",
        ],
    )
    assert result.exit_code == 2
    assert "ASL_BROKER: cannot reach redis://127.0.0.1:1/0" in result.stderr


def test_keys_commands_create_list_and_revoke(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/keys.db"
    runner = CliRunner()
    made = runner.invoke(
        main,
        [
            "keys",
            "create",
            "--name",
            "ops",
            "--scope",
            "read",
            "--scope",
            "approve",
            "--store",
            store,
        ],
    )
    assert made.exit_code == 0, made.output
    created = json.loads(made.stdout)
    assert created["key"].startswith(f"asl_{created['id']}_")
    assert created["scopes"] == ["read", "approve"]
    listed = json.loads(runner.invoke(main, ["keys", "list", "--store", store]).stdout)
    assert [(k["id"], k["name"]) for k in listed] == [(created["id"], "ops")]
    assert "key" not in listed[0]
    assert runner.invoke(main, ["keys", "revoke", created["id"], "--store", store]).exit_code == 0
    assert json.loads(runner.invoke(main, ["keys", "list", "--store", store]).stdout) == []
    again = runner.invoke(main, ["keys", "revoke", created["id"], "--store", store])
    assert (again.exit_code, again.stderr) == (2, f"Error: no key '{created['id']}'\n")


def test_timer_and_fan_out_settings() -> None:
    settings = load_settings(
        None, environ={"ASL_TIMER_THRESHOLD_SECONDS": "0.5", "ASL_FAN_OUT": "false"}
    )
    assert (settings.timer_threshold_seconds, settings.fan_out) == (0.5, False)
    assert (Settings().timer_threshold_seconds, Settings().fan_out) == (1.0, True)
    with pytest.raises(SettingsError) as raised:
        load_settings(None, environ={"ASL_TIMER_THRESHOLD_SECONDS": "-1"})
    assert raised.value.problems == ["ASL_TIMER_THRESHOLD_SECONDS: must be 0 or more"]
