"""The registry that maps agent names (and AWS ``Resource`` strings) to agents.

Registration inspects each agent once: whether it is async, and whether it
takes an :class:`AgentContext`, so a Task call pays no reflection.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from asl.language.errors import AGENT_NOT_FOUND, ASLError


@dataclass(frozen=True, slots=True)
class BoundAgent:
    """An agent ready to call: its callable, whether it is a coroutine function, and arity."""

    name: str
    call: Callable[..., Any]
    is_async: bool
    wants_context: bool
    target: Any


def _bind(name: str, agent: Any) -> BoundAgent:
    execute = getattr(agent, "execute", None)
    call = execute if callable(execute) else agent
    if not callable(call):
        raise TypeError(
            f"agent {name!r} must be callable or have an execute(parameters) method, "
            f"got {type(agent).__name__}"
        )
    dunder_call = type(call).__call__ if not inspect.isroutine(call) else None
    is_async = inspect.iscoroutinefunction(call) or inspect.iscoroutinefunction(dunder_call)
    return BoundAgent(name, call, is_async, _takes_two_arguments(call), agent)


def _takes_two_arguments(call: Callable[..., Any]) -> bool:
    try:
        signature = inspect.signature(call)
    except (TypeError, ValueError):
        return False
    positional = 0
    for parameter in signature.parameters.values():
        if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            return True
        if parameter.kind in (
            inspect.Parameter.POSITIONAL_ONLY,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
        ):
            positional += 1
    return positional >= 2


class AgentRegistry:
    """Agents by name. Registering a name again replaces the agent."""

    def __init__(self, agents: dict[str, Any] | None = None) -> None:
        self._agents: dict[str, BoundAgent] = {}
        # The bound agent for a name, or None: what a Task calls on its hot path.
        self.find = self._agents.get
        for name, agent in (agents or {}).items():
            self.register(name, agent)

    def register(self, name: str, agent: Any) -> AgentRegistry:
        if not isinstance(name, str) or not name:
            raise TypeError("an agent name must be a non-empty string")
        self._agents[name] = _bind(name, agent)
        return self

    def remove(self, name: str) -> AgentRegistry:
        self._agents.pop(name, None)
        return self

    def clear(self) -> AgentRegistry:
        self._agents.clear()
        return self

    def has(self, name: str) -> bool:
        return name in self._agents

    def get(self, name: str) -> Any:
        """The agent object as registered."""
        return self.bound(name).target

    def bound(self, name: str) -> BoundAgent:
        try:
            return self._agents[name]
        except KeyError:
            raise ASLError(AGENT_NOT_FOUND, f"Agent '{name}' is not registered") from None

    def names(self) -> list[str]:
        return list(self._agents)

    def __contains__(self, name: object) -> bool:
        return name in self._agents

    def __iter__(self) -> Iterator[str]:
        return iter(self._agents)

    def __len__(self) -> int:
        return len(self._agents)
