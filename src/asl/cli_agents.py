"""``--agents MODULE[:ATTR]``: the agents of a workflow, from the user's Python module.

The module is imported the way ``python -m`` imports (the current directory first);
every problem becomes one line after the flag's name and exit 2, never a traceback.
Nothing here imports the engine until a command uses the flag.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from asl import AgentRegistry

    ParamType = click.ParamType[Any]
else:  # older click has no generic ParamType: subscripting it at runtime would fail
    ParamType = click.ParamType


class AgentsSpec(ParamType):
    """``--agents MODULE[:ATTR]``: where the workflow's agents come from."""

    name = "MODULE[:ATTR]|FILE.yaml"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return load_registry(value)
        except AgentsLoadError as error:
            self.fail(str(error), param, ctx)


class AgentsLoadError(Exception):
    """Why ``--agents`` gave no registry; shown after the flag's name, then exit 2."""


def load_registry(spec: str) -> AgentRegistry:
    """Import ``MODULE[:ATTR]`` from the current directory and turn it into a registry.

    ``ATTR`` may be an ``AgentRegistry``, a dict of name to agent, or a function taking
    a fresh registry; ``MODULE`` alone means ``MODULE:register``, the examples' shape.
    """
    from asl.agents.config import AgentsConfigError, is_config_path, load_agents_config

    if is_config_path(spec):  # an agents.yaml / .json file (docs/agents-config.md)
        try:
            return load_agents_config(spec)
        except AgentsConfigError as error:
            raise AgentsLoadError(str(error)) from None
    module_name, colon, attr = spec.partition(":")
    if module_name.endswith(".py") or "/" in module_name or "\\" in module_name:
        dotted = module_name.removeprefix("./").removesuffix(".py").replace("/", ".")
        raise AgentsLoadError(
            f"'{spec}' is a file path; give the module name instead, e.g. --agents {dotted}"
        )
    names_ok = all(part.isidentifier() for part in module_name.split("."))
    if not names_ok or (colon and not attr.isidentifier()):
        raise AgentsLoadError(
            f"'{spec}' is not MODULE or MODULE:ATTR, e.g. my_agents or my_agents:registry."
        )
    module = _import_user_module(module_name)
    target = getattr(module, attr or "register", None)
    if target is None:
        if not attr:
            raise AgentsLoadError(
                f"module '{module_name}' has no register(registry) function; define one, "
                f"or name the registry or dict of agents with {module_name}:ATTR."
            )
        raise AgentsLoadError(f"module '{module_name}' has no attribute '{attr}'.")
    return _registry_from(target, spec)


def _import_user_module(name: str) -> Any:
    """Import the way ``python -m`` would: the current directory comes first."""
    from asl.agents.imports import ImportProblem, import_user_module

    try:
        return import_user_module(name)
    except ImportProblem as problem:
        raise AgentsLoadError(str(problem)) from None


def _registry_from(target: Any, spec: str) -> AgentRegistry:
    from asl import AgentRegistry

    if isinstance(target, AgentRegistry):
        return target
    if isinstance(target, dict):
        try:
            return AgentRegistry(target)
        except TypeError as error:
            raise AgentsLoadError(f"'{spec}': {error}.") from None
    if not callable(target):
        raise AgentsLoadError(
            f"'{spec}' is a {type(target).__name__}; expected an AgentRegistry, a dict of "
            "name to agent, or a register(registry) function."
        )
    registry = AgentRegistry()
    try:
        target(registry)
    except Exception as error:  # the user's register function raised
        raise AgentsLoadError(
            f"'{spec}' raised while registering agents: {type(error).__name__}: {error}"
        ) from None
    if not len(registry):
        raise AgentsLoadError(
            f"'{spec}' registered no agents; it should call registry.register(name, agent)."
        )
    return registry
