"""``asl serve``, ``asl worker`` and ``asl keys``: the production service from a shell.

Settings come from ``--config FILE`` (or ``ASL_CONFIG``), then ``ASL_*``
environment variables, then these flags (see :mod:`asl.service.config`). A bad
setting exits 2 listing every problem. ``asl serve --check`` (and ``asl worker
--check``) also opens the store, pings the broker and loads the agents, prints the
effective settings (passwords hidden) as JSON, and exits 0 when all is usable.

FastAPI, uvicorn and Dramatiq are imported only when these commands run.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from asl.cli import CliError, F, main

if TYPE_CHECKING:
    from asl import AgentRegistry
    from asl.service.config import Settings


class BadSettings(CliError):
    """The configuration cannot run: every problem on stderr, exit 2."""


def settings_options(command: F) -> F:
    options: list[Callable[[F], F]] = [
        click.option("--config", "config_file", metavar="FILE", help="TOML or JSON settings."),
        click.option("--store", metavar="URL", help="Store URL (ASL_STORE)."),
        click.option("--broker", metavar="URL", help="Dramatiq Redis URL (ASL_BROKER)."),
        click.option("--agents", metavar="MODULE[:ATTR]", help="The agents (ASL_AGENTS)."),
        click.option("--host", metavar="HOST", help="Listen address (ASL_HOST)."),
        click.option("--port", type=int, metavar="PORT", help="Listen port (ASL_PORT)."),
        click.option(
            "--check", is_flag=True, help="Validate the settings, store, broker and agents; exit."
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _settings(config_file: str | None, flags: dict[str, Any]) -> Settings:
    from asl.service.config import SettingsError, load_settings

    try:
        return load_settings(config_file, overrides=flags)
    except SettingsError as error:
        raise BadSettings("invalid settings:\n  " + "\n  ".join(error.problems)) from None


def _registry(settings: Settings) -> AgentRegistry:
    from asl import AgentRegistry
    from asl.cli_agents import AgentsLoadError, load_registry

    if not settings.agents:
        return AgentRegistry()
    try:
        registry = load_registry(settings.agents)
    except AgentsLoadError as error:
        raise BadSettings(f"ASL_AGENTS / --agents: {error}") from None
    if settings.broker:  # servers and workers of one deployment count tool calls together
        registry.share_rate_limits(settings.broker, lease_seconds=settings.lease_seconds)
    return registry


def _check(settings: Settings, registry: AgentRegistry) -> None:
    """Open the store and ping the broker; exit 2 naming what is unreachable."""

    async def probe() -> list[str]:
        from asl.store import open_store

        problems: list[str] = []
        try:
            store = await open_store(settings.store)
            async with store:
                await store.get_memory("asl.service.health", "ping")
        except Exception as error:
            problems.append(f"ASL_STORE: cannot use {settings.redacted()['store']}: {error}")
        if settings.broker:
            import redis.asyncio as aioredis

            client = aioredis.Redis.from_url(settings.broker)
            try:
                await client.ping()
            except Exception as error:
                problems.append(
                    f"ASL_BROKER: cannot reach {settings.redacted()['broker']}: {error}"
                )
            finally:
                await client.aclose()
        return problems

    problems = asyncio.run(probe())
    if problems:
        raise BadSettings("not ready:\n  " + "\n  ".join(problems))
    shown = {**settings.redacted(), "agentNames": sorted(registry.names())}
    click.echo(json.dumps(shown, indent=2))


@main.command()
@settings_options
def serve(config_file: str | None, check: bool, **flags: Any) -> None:
    """Serve the HTTP API (/v1, /healthz, /readyz, /metrics, /openapi.json)."""
    settings = _settings(config_file, flags)
    registry = _registry(settings)
    if check:
        _check(settings, registry)
        return
    import uvicorn

    from asl.service.app import create_app
    from asl.service.logs import setup_logging
    from asl.service.tracing import setup_tracing

    setup_logging(settings.log_level, settings.log_format, settings.redact_keys)
    setup_tracing(settings.trace_exporter)
    uvicorn.run(
        create_app(settings, registry),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        proxy_headers=settings.proxy_headers,
        server_header=False,
    )


@main.command()
@settings_options
def worker(config_file: str | None, check: bool, **flags: Any) -> None:
    """Run executions from the broker's queue (needs ASL_BROKER and a shared store)."""
    settings = _settings(config_file, flags)
    if not settings.broker:
        raise BadSettings("asl worker needs a broker: set ASL_BROKER or --broker redis://...")
    registry = _registry(settings)
    if check:
        _check(settings, registry)
        return
    from asl.service.logs import setup_logging
    from asl.service.tracing import setup_tracing
    from asl.service.worker import run_worker

    setup_logging(settings.log_level, settings.log_format, settings.redact_keys)
    setup_tracing(settings.trace_exporter)
    run_worker(settings, registry)


@main.group()
def keys() -> None:
    """Create, list and revoke API keys (kept hashed in the store)."""


@keys.command("create")
@click.option("--name", required=True, help="Who or what uses the key.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice(["read", "execute", "approve", "admin"]),
    help="Repeat for several; admin implies all.",
)
@click.option("--config", "config_file", metavar="FILE", help="TOML or JSON settings.")
@click.option("--store", metavar="URL", help="Store URL (ASL_STORE).")
def create_key(
    name: str, scopes: tuple[str, ...], config_file: str | None, store: str | None
) -> None:
    """Print a new key once (stdout: JSON with "key"); only its hash is stored."""
    from asl.service import auth

    settings = _settings(config_file, {"store": store})

    async def make() -> dict[str, Any]:
        from asl.store import open_store

        async with await open_store(settings.store) as opened:
            key, record = await auth.create_key(opened, name, list(scopes))
        return {**record.public(), "key": key}

    click.echo(json.dumps(asyncio.run(make())))


@keys.command("list")
@click.option("--config", "config_file", metavar="FILE", help="TOML or JSON settings.")
@click.option("--store", metavar="URL", help="Store URL (ASL_STORE).")
def list_keys(config_file: str | None, store: str | None) -> None:
    """The keys (id, name, scopes; never the key)."""
    from asl.service import auth

    settings = _settings(config_file, {"store": store})

    async def listed() -> list[dict[str, Any]]:
        from asl.store import open_store

        async with await open_store(settings.store) as opened:
            return [record.public() for record in await auth.list_keys(opened)]

    click.echo(json.dumps(asyncio.run(listed())))


@keys.command("revoke")
@click.argument("key_id")
@click.option("--config", "config_file", metavar="FILE", help="TOML or JSON settings.")
@click.option("--store", metavar="URL", help="Store URL (ASL_STORE).")
def revoke_key(key_id: str, config_file: str | None, store: str | None) -> None:
    """Revoke a key by its id; every instance refuses it from the next request on."""
    from asl.service import auth

    settings = _settings(config_file, {"store": store})

    async def revoke() -> bool:
        from asl.store import open_store

        async with await open_store(settings.store) as opened:
            return await auth.revoke_key(opened, key_id)

    if not asyncio.run(revoke()):
        raise CliError(f"no key '{key_id}'")
