"""A state's effective Tools block, compiled once with the document.

The workflow's ``DefaultTools`` are merged into each Task's ``Tools``: the
state's fields replace the defaults', except that deny lists add up (Denied,
FileSystem DeniedPaths, Domains Denied), so a workflow-wide ban cannot be
lifted by one state; RateLimits, Parameters and Validation merge tool by tool.
Category names (``ToolCategories``) in Allowed, AllowedCategories and Denied
are expanded here, so a call only looks its tool up.

Rate limits are counted per place of declaration: a ``DefaultTools`` limit is
shared by every state of the workflow, a state's own limit by every visit of
that state, across branches, executions and (with Redis) processes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from asl.language.units import parse_seconds, parse_size

from .files import FileSystemPolicy
from .limits import RateLimit
from .network import DomainPolicy
from .permissions import Permissions, expand
from .sandbox import SandboxSpec

_UNION_LISTS = ("Denied",)
_UNION_NESTED = {"FileSystem": "DeniedPaths", "Domains": "Denied", "Network": "DeniedDomains"}
_PER_TOOL = ("RateLimits", "Parameters", "Validation")


@dataclass(frozen=True, slots=True)
class Workflow:
    """What a Task's Tools block takes from its workflow."""

    defaults: Mapping[str, Any]
    categories: Mapping[str, list[str]]
    digest: str


_workflow: ContextVar[Workflow | None] = ContextVar("asl_tools_workflow", default=None)


@contextlib.contextmanager
def workflow_tools(document: Mapping[str, Any]) -> Iterator[None]:
    """Give the Tasks compiled inside this block the workflow's DefaultTools/ToolCategories."""
    defaults = document.get("DefaultTools")
    categories = document.get("ToolCategories")
    digest = hashlib.sha256(json.dumps(document, sort_keys=True, default=str).encode()).hexdigest()[
        :16
    ]
    token = _workflow.set(
        Workflow(
            defaults if isinstance(defaults, dict) else {},
            categories if isinstance(categories, dict) else {},
            digest,
        )
    )
    try:
        yield
    finally:
        _workflow.reset(token)


@dataclass(frozen=True, slots=True)
class Hook:
    agent: str
    parameters: Any


@dataclass(frozen=True, slots=True)
class OutputRules:
    max_size: int | None
    sanitize: bool


@dataclass(frozen=True, slots=True)
class ToolPolicy:
    """Everything a tool call of one state is checked against."""

    state: str
    permissions: Permissions
    limits: tuple[tuple[str, RateLimit], ...] = ()  # (counter key, limit); "*" limits first
    timeout: float | None = None
    sandboxed: bool = False
    sandbox: SandboxSpec = field(default_factory=SandboxSpec)
    parameters: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    input_schemas: Mapping[str, Any] = field(default_factory=dict)
    outputs: Mapping[str, OutputRules] = field(default_factory=dict)
    file_system: FileSystemPolicy = field(default_factory=FileSystemPolicy)
    domains: DomainPolicy = field(default_factory=DomainPolicy)
    before: Hook | None = None
    after: Hook | None = None
    audit: bool = False
    audit_level: str = "standard"
    include_parameters: bool = False
    _by_tool: dict[str, tuple[tuple[str, RateLimit], ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def limits_for(self, tool: str) -> tuple[tuple[str, RateLimit], ...]:
        """The limits a call of ``tool`` must pass (remembered per tool name)."""
        found = self._by_tool.get(tool)
        if found is None:
            found = self._by_tool[tool] = tuple(
                (key, limit) for key, limit in self.limits if limit.key in ("*", tool)
            )
        return found


def merge(defaults: Mapping[str, Any], tools: Mapping[str, Any]) -> dict[str, Any]:
    merged = {**defaults, **tools}
    for name in _UNION_LISTS:
        if name in defaults and name in tools:
            merged[name] = [*defaults[name], *tools[name]]
    for name, deny in _UNION_NESTED.items():
        if isinstance(defaults.get(name), dict) and isinstance(tools.get(name), dict):
            merged[name] = {**defaults[name], **tools[name]}
            if deny in defaults[name] and deny in tools[name]:
                merged[name][deny] = [*defaults[name][deny], *tools[name][deny]]
    for name in _PER_TOOL:
        if isinstance(defaults.get(name), dict) and isinstance(tools.get(name), dict):
            merged[name] = {**defaults[name], **tools[name]}
    if ("Allowed" in tools or "AllowedCategories" in tools) and "Allowed" not in tools:
        merged.pop("Allowed", None)  # the state chose by category: the default list is replaced
    if "Allowed" in tools and "AllowedCategories" not in tools:
        merged.pop("AllowedCategories", None)
    return merged


def compile_tools(state: str, raw_tools: Any) -> ToolPolicy:
    """The policy of a Task named ``state`` whose ``Tools`` field is ``raw_tools`` (or None)."""
    workflow = _workflow.get() or Workflow({}, {}, "")
    tools = raw_tools if isinstance(raw_tools, dict) else {}
    block = merge(workflow.defaults, tools)
    categories = workflow.categories
    allowed: tuple[str, ...] | None = None
    if "Allowed" in block or "AllowedCategories" in block:
        allowed = expand(block.get("Allowed") or (), categories) + expand(
            block.get("AllowedCategories") or (), categories
        )
    permissions = Permissions(allowed, expand(block.get("Denied") or (), categories))
    limits = []
    own: dict[str, Any] = tools["RateLimits"] if isinstance(tools.get("RateLimits"), dict) else {}
    for key, raw in (block.get("RateLimits") or {}).items():
        if isinstance(raw, dict):
            scope = state if key in own else "DefaultTools"
            limits.append((f"{workflow.digest}:{scope}:{key}", RateLimit.parse(key, raw)))
    limits.sort(key=lambda item: item[1].key != "*")
    validation = block.get("Validation") or {}
    audit: dict[str, Any] = block["Audit"] if isinstance(block.get("Audit"), dict) else {}
    return ToolPolicy(
        state,
        permissions,
        tuple(limits),
        parse_seconds(block.get("Timeout")),
        block.get("Sandboxed") is True,
        SandboxSpec.parse(block.get("Sandbox")),
        {k: v for k, v in (block.get("Parameters") or {}).items() if isinstance(v, dict)},
        {
            k: v["Input"]["Schema"]
            for k, v in validation.items()
            if isinstance(v, dict)
            and isinstance(v.get("Input"), dict)
            and isinstance(v["Input"].get("Schema"), dict)
        },
        {
            k: OutputRules(
                parse_size(v["Output"].get("MaxSize")), v["Output"].get("Sanitize") is True
            )
            for k, v in validation.items()
            if isinstance(v, dict) and isinstance(v.get("Output"), dict)
        },
        FileSystemPolicy.parse(block.get("FileSystem")),
        DomainPolicy.parse(block.get("Domains"), block.get("Network")),
        _hook(block, "Before"),
        _hook(block, "After"),
        audit.get("Enabled", bool(audit)) is True,
        str(audit.get("LogLevel", "standard")),
        audit.get("IncludeParameters") is True,
    )


def _hook(block: Mapping[str, Any], when: str) -> Hook | None:
    hooks = block.get("Hooks")
    hook = hooks.get(when) if isinstance(hooks, dict) else None
    if not isinstance(hook, dict) or not isinstance(hook.get("Agent"), str):
        return None
    return Hook(hook["Agent"], hook.get("Parameters"))
