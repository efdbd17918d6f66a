"""``agents.yaml`` (or ``.json``): a workflow's agents, tools and MCP servers, without Python.

The file is checked as a whole before anything is built; every problem is reported
as ``file:line:col: what is wrong; how to fix it`` in one :class:`AgentsConfigError`.
API keys come from environment variables or a secrets file and stay inside the
provider objects: they are never part of a message, a repr or the history.
See docs/agents-config.md for the format.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import yaml

from asl.definition.locate import PositionIndex, join, json_index, yaml_index

if TYPE_CHECKING:
    from asl.agents.llm.messages import Provider
    from asl.agents.registry import AgentRegistry

PROVIDER_TYPES: Final = ("openai", "anthropic")
DEFAULT_KEY_ENV: Final = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}
# A local OpenAI-compatible server (Ollama, vLLM) ignores the key, but the SDK wants one.
UNUSED_KEY: Final = "unused"
STREAM_MODES: Final = ("auto", "always", "never")

_TOP: Final = ("secrets_file", "providers", "agents", "tools", "mcp_servers")
OPENAI_APIS: Final = ("chat_completions", "responses")
_PROVIDER: Final = (
    "type",
    "api",
    "base_url",
    "api_key_env",
    "api_key_secret",
    "timeout_seconds",
    "max_retries",
)
_LLM: Final = (
    "type",
    "provider",
    "model",
    "system",
    "prompt",
    "generation",
    "output_schema",
    "tools",
    "max_tool_iterations",
    "max_output_retries",
    "stream",
)
_PYTHON: Final = ("type", "import", "options")
_GENERATION: Final = ("temperature", "top_p", "max_tokens", "stop_sequences")
_TOOL: Final = ("import", "builtin", "name", "description")
_MCP: Final = ("command", "args", "env", "prefix")


class AgentsConfigError(Exception):
    """An agents config file that cannot be used; ``problems`` lists every one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def is_config_path(spec: str) -> bool:
    """Whether ``--agents`` names a config file rather than a Python module."""
    return spec.lower().endswith((".yaml", ".yml", ".json"))


def load_agents_config(path: str | os.PathLike[str]) -> AgentRegistry:
    """Read, check and build the registry an agents config file describes."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as error:
        raise AgentsConfigError(
            [f"{source}: cannot read the agents config ({error.strerror or error})"]
        ) from None
    data, index = _parse(text, str(source))
    config = _Config(str(source), index, source.parent)
    registry = config.build(data)
    if config.problems:
        raise AgentsConfigError(config.problems)
    return registry


def _parse(text: str, source: str) -> tuple[Any, PositionIndex]:
    if source.lower().endswith(".json"):
        try:
            return json.loads(text), json_index(text)
        except json.JSONDecodeError as error:
            raise AgentsConfigError(
                [f"{source}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}"]
            ) from None
    try:
        return yaml.safe_load(text), yaml_index(text, yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{mark.line + 1}:{mark.column + 1}" if mark else "1:1"
        problem = error.problem or error.context or "invalid YAML"
        raise AgentsConfigError([f"{source}:{where}: invalid YAML: {problem}"]) from None
    except yaml.YAMLError as error:
        raise AgentsConfigError([f"{source}:1:1: invalid YAML: {error}"]) from None


class _Config:
    """One pass over the parsed file: checks each field, builds what is valid."""

    def __init__(self, source: str, index: PositionIndex, folder: Path) -> None:
        self.source = source
        self.index = index
        self.folder = folder
        self._found: list[tuple[int, int, str]] = []
        self.secrets: dict[str, Any] = {}

    def fail(self, pointer: str, message: str) -> None:
        offset = self.index.value_offset(pointer)
        if offset is None:
            offset = self.index.key_offset(pointer)
        line, column = self.index.position(offset) if offset is not None else (1, 1)
        self._found.append((line, column, message))

    @property
    def problems(self) -> list[str]:
        """Every problem found, in the order of the file."""
        return [f"{self.source}:{line}:{col}: {text}" for line, col, text in sorted(self._found)]

    def mapping(self, value: Any, pointer: str, what: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.fail(pointer, f"{what} must be a mapping, got {_kind(value)}")
        return None

    def known(
        self, block: dict[str, Any], pointer: str, fields: tuple[str, ...], what: str
    ) -> None:
        for key in block:
            if key not in fields:
                self.fail(
                    join(pointer, str(key)),
                    f"{what} has no field '{key}'; the fields are: {', '.join(fields)}",
                )

    def build(self, data: Any) -> AgentRegistry:
        from asl.agents.registry import AgentRegistry

        registry = AgentRegistry()
        top = self.mapping(data, "", "an agents config")
        if top is None:
            return registry
        self.known(top, "", _TOP, "the agents config")
        if "secrets_file" in top:
            self.secrets = self._secrets(top["secrets_file"], "/secrets_file")
        providers = self._providers(top.get("providers", {}), "/providers")
        agents = self.mapping(top.get("agents", {}), "/agents", "'agents'") or {}
        if not agents:
            self.fail("/agents" if "agents" in top else "", "no agents: add an 'agents' mapping")
        for name, spec in agents.items():
            agent = self._agent(str(name), spec, join("/agents", str(name)), providers)
            if agent is not None:
                registry.register(str(name), agent)
        tools = top.get("tools", [])
        if not isinstance(tools, list):
            self.fail("/tools", f"'tools' must be a list, got {_kind(tools)}")
            tools = []
        for number, tool in enumerate(tools):
            self._tool(registry, tool, f"/tools/{number}")
        servers = self.mapping(top.get("mcp_servers", {}), "/mcp_servers", "'mcp_servers'")
        for name, server in (servers or {}).items():
            self._mcp(registry, str(name), server, join("/mcp_servers", str(name)))
        return registry

    def _secrets(self, value: Any, pointer: str) -> dict[str, Any]:
        if not isinstance(value, str):
            self.fail(pointer, f"'secrets_file' must be a path, got {_kind(value)}")
            return {}
        path = self.folder / value
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as error:
            self.fail(pointer, f"cannot read the secrets file {path} ({error.strerror or error})")
            return {}
        except yaml.YAMLError:  # never echo the file: it holds keys
            self.fail(pointer, f"the secrets file {path} is not YAML or JSON")
            return {}
        if not isinstance(loaded, dict):
            self.fail(pointer, f"the secrets file {path} must be a mapping of name: value")
            return {}
        return loaded

    def _providers(self, value: Any, pointer: str) -> dict[str, Callable[[], Provider]]:
        """Factories by name; the two built-in names need no declaration."""
        factories: dict[str, Callable[[], Provider]] = {}
        for kind in PROVIDER_TYPES:
            factories[kind] = self._provider_factory(kind, {"type": kind}, "")
        block = self.mapping(value, pointer, "'providers'")
        for name, spec in (block or {}).items():
            here = join(pointer, str(name))
            spec_block = self.mapping(spec, here, f"provider '{name}'")
            if spec_block is None:
                continue
            self.known(spec_block, here, _PROVIDER, f"provider '{name}'")
            provider_type = spec_block.get("type")
            if provider_type not in PROVIDER_TYPES:
                self.fail(
                    join(here, "type") if "type" in spec_block else here,
                    f"provider '{name}' needs 'type': one of {', '.join(PROVIDER_TYPES)}",
                )
                continue
            factories[str(name)] = self._provider_factory(
                str(provider_type), spec_block, here, str(name)
            )
        return factories

    def _provider_factory(
        self, kind: str, spec: dict[str, Any], pointer: str, name: str | None = None
    ) -> Callable[[], Provider]:
        """Checks the fields now; the key is looked up when an agent first uses the provider."""
        base_url = spec.get("base_url")
        if base_url is not None and not (
            isinstance(base_url, str) and base_url.startswith(("http://", "https://"))
        ):
            self.fail(join(pointer, "base_url"), "'base_url' must be an http:// or https:// URL")
        timeout = spec.get("timeout_seconds")
        if timeout is not None and not _positive_number(timeout):
            self.fail(join(pointer, "timeout_seconds"), "'timeout_seconds' must be a number > 0")
        retries = spec.get("max_retries", 0)
        if not (isinstance(retries, int) and not isinstance(retries, bool) and retries >= 0):
            self.fail(join(pointer, "max_retries"), "'max_retries' must be an integer >= 0")
        api = spec.get("api", "chat_completions")
        if api not in OPENAI_APIS or (kind == "anthropic" and "api" in spec):
            self.fail(
                join(pointer, "api"),
                "'api' is for type openai: chat_completions (the default) or responses",
            )
        for field in ("api_key_env", "api_key_secret"):
            if field in spec and not isinstance(spec[field], str):
                self.fail(join(pointer, field), f"'{field}' must be a name (a string)")
        label = name or kind
        where = pointer  # "": a built-in provider, reported at the agent that uses it

        def factory() -> Provider:
            key = self._api_key(kind, spec, where, label)
            if kind == "anthropic":
                from asl.agents.llm.anthropic_provider import AnthropicProvider

                return AnthropicProvider(key, base_url, timeout, retries)
            if api == "responses":
                from asl.agents.llm.responses_provider import ResponsesProvider

                return ResponsesProvider(key, base_url, timeout, retries)
            from asl.agents.llm.openai_provider import OpenAIProvider

            return OpenAIProvider(key, base_url, timeout, retries)

        return factory

    def _api_key(self, kind: str, spec: dict[str, Any], pointer: str, name: str) -> str:
        secret = spec.get("api_key_secret")
        if isinstance(secret, str):
            value = self.secrets.get(secret)
            if isinstance(value, str) and value:
                return value
            raise _MissingKey(
                pointer,
                f"provider '{name}': the secrets file has no '{secret}'; add it, or set "
                "'secrets_file' to the file that has it",
            )
        env = spec.get("api_key_env") or DEFAULT_KEY_ENV[kind]
        value = os.environ.get(env, "")
        if value:
            return value
        if spec.get("base_url"):
            return UNUSED_KEY
        raise _MissingKey(
            pointer,
            f"provider '{name}' has no API key: set the environment variable {env}, or give "
            "'api_key_secret' and 'secrets_file'",
        )

    def _agent(
        self,
        name: str,
        spec: Any,
        pointer: str,
        providers: dict[str, Callable[[], Provider]],
    ) -> Any:
        block = self.mapping(spec, pointer, f"agent '{name}'")
        if block is None:
            return None
        kind = block.get("type", "llm")
        if kind == "python":
            self.known(block, pointer, _PYTHON, f"python agent '{name}'")
            return self._python_agent(name, block, pointer)
        if kind != "llm":
            self.fail(join(pointer, "type"), f"agent '{name}': 'type' must be llm or python")
            return None
        self.known(block, pointer, _LLM, f"llm agent '{name}'")
        return self._llm_agent(name, block, pointer, providers)

    def _python_agent(self, name: str, block: dict[str, Any], pointer: str) -> Any:
        target = self._import(block.get("import"), join(pointer, "import"), f"agent '{name}'")
        if target is None:
            return None
        options = block.get("options")
        if isinstance(target, type):
            try:
                return target(**(options or {}))
            except Exception as error:  # the user's constructor refused the options
                self.fail(pointer, f"agent '{name}': {target.__name__}(**options) raised {error}")
                return None
        if options is not None:
            self.fail(join(pointer, "options"), f"agent '{name}': 'options' needs a class")
        return target

    def _llm_agent(
        self,
        name: str,
        block: dict[str, Any],
        pointer: str,
        providers: dict[str, Callable[[], Provider]],
    ) -> Any:
        from asl.agents.llm.agent import LLMAgent, LLMSettings

        ok = len(self._found)
        provider_name = block.get("provider", "openai")
        factory = providers.get(provider_name) if isinstance(provider_name, str) else None
        if factory is None:
            self.fail(
                join(pointer, "provider") if "provider" in block else pointer,
                f"agent '{name}': unknown provider {provider_name!r}; use openai, anthropic "
                "or a name declared under 'providers'",
            )
        model = block.get("model")
        if not isinstance(model, str) or not model:
            self.fail(
                join(pointer, "model") if "model" in block else pointer,
                f"agent '{name}' needs 'model': the model name, e.g. gpt-4o-mini",
            )
        system = self._template(block, "system", pointer, name)
        prompt = self._template(block, "prompt", pointer, name)
        generation = self._generation(block.get("generation"), join(pointer, "generation"))
        schema = self._schema(block.get("output_schema"), join(pointer, "output_schema"))
        tools = block.get("tools")
        if tools is not None and not (
            isinstance(tools, list) and all(isinstance(t, str) for t in tools)
        ):
            self.fail(join(pointer, "tools"), "'tools' must be a list of tool names")
        counts = {}
        for field, default in (("max_tool_iterations", 10), ("max_output_retries", 2)):
            value = block.get(field, default)
            if not (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
                self.fail(join(pointer, field), f"'{field}' must be an integer >= 0")
            counts[field] = value
        stream = block.get("stream", "auto")
        if stream not in STREAM_MODES:
            self.fail(join(pointer, "stream"), f"'stream' must be one of {', '.join(STREAM_MODES)}")
        if len(self._found) > ok or factory is None:
            return None
        try:
            provider = factory()
        except _MissingKey as missing:
            self.fail(missing.pointer or pointer, missing.message)
            return None
        except ImportError as error:  # the SDK extra is not installed
            self.fail(join(pointer, "provider") if "provider" in block else pointer, str(error))
            return None
        settings = LLMSettings(
            model=str(model),
            system=system,
            prompt=prompt,
            generation=generation,
            output_schema=schema,
            tools=tuple(tools) if tools is not None else None,
            max_tool_iterations=counts["max_tool_iterations"],
            max_output_retries=counts["max_output_retries"],
            stream=stream,
        )
        return LLMAgent(provider, settings)

    def _template(self, block: dict[str, Any], field: str, pointer: str, name: str) -> Any:
        from asl.agents.llm.prompts import PromptTemplate

        value = block.get(field)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(join(pointer, field), f"agent '{name}': '{field}' must be text")
            return None
        try:
            return PromptTemplate(value)
        except ValueError as error:
            self.fail(join(pointer, field), f"agent '{name}': {error}")
            return None

    def _generation(self, value: Any, pointer: str) -> Any:
        from asl.agents.settings import Generation

        if value is None:
            return Generation()
        block = self.mapping(value, pointer, "'generation'")
        if block is None:
            return Generation()
        self.known(block, pointer, _GENERATION, "'generation'")
        temperature, top_p = block.get("temperature"), block.get("top_p")
        max_tokens, stops = block.get("max_tokens"), block.get("stop_sequences", [])
        if temperature is not None and not (_number(temperature) and 0 <= temperature <= 2):
            self.fail(join(pointer, "temperature"), "'temperature' must be a number from 0 to 2")
        if top_p is not None and not (_number(top_p) and 0 <= top_p <= 1):
            self.fail(join(pointer, "top_p"), "'top_p' must be a number from 0 to 1")
        if max_tokens is not None and not (
            isinstance(max_tokens, int) and not isinstance(max_tokens, bool) and max_tokens > 0
        ):
            self.fail(join(pointer, "max_tokens"), "'max_tokens' must be an integer > 0")
        if not (isinstance(stops, list) and all(isinstance(s, str) for s in stops)):
            self.fail(join(pointer, "stop_sequences"), "'stop_sequences' must be a list of text")
            stops = []
        return Generation(temperature, top_p, max_tokens, tuple(stops))

    def _schema(self, value: Any, pointer: str) -> Any:
        from jsonschema.exceptions import SchemaError

        from asl.agents.llm.structured import OutputSchema

        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(pointer, f"'output_schema' must be a JSON Schema object, got {_kind(value)}")
            return None
        try:
            return OutputSchema(value)
        except SchemaError as error:
            where = join(pointer, *[str(p) for p in error.absolute_path])
            self.fail(where, f"'output_schema' is not a valid JSON Schema: {error.message}")
            return None

    def _tool(self, registry: AgentRegistry, spec: Any, pointer: str) -> None:
        block = self.mapping(spec, pointer, "a tool")
        if block is None:
            return
        self.known(block, pointer, _TOOL, "a tool")
        if "builtin" in block:
            from asl.tools.builtins import BUILTIN_TOOLS

            names = [tool.name for tool in BUILTIN_TOOLS]
            if block["builtin"] not in names:
                self.fail(
                    join(pointer, "builtin"),
                    f"no built-in tool {block['builtin']!r}; the built-ins are: {', '.join(names)}",
                )
                return
            registry.register_builtin_tools(block["builtin"])
            return
        if "import" not in block:
            self.fail(pointer, "a tool needs 'import: module:function' or 'builtin: name'")
            return
        function = self._import(block["import"], join(pointer, "import"), "tool")
        if function is None:
            return
        try:
            registry.register_tool(function, block.get("name"), block.get("description"))
        except (TypeError, ValueError) as error:
            self.fail(pointer, f"tool {block['import']!r} cannot be registered: {error}")

    def _mcp(self, registry: AgentRegistry, name: str, spec: Any, pointer: str) -> None:
        block = self.mapping(spec, pointer, f"MCP server '{name}'")
        if block is None:
            return
        self.known(block, pointer, _MCP, f"MCP server '{name}'")
        command, args = block.get("command"), block.get("args", [])
        env, prefix = block.get("env"), block.get("prefix", "")
        if not isinstance(command, str) or not command:
            self.fail(pointer, f"MCP server '{name}' needs 'command': the program to start")
            return
        if not (isinstance(args, list) and all(isinstance(a, str) for a in args)):
            self.fail(join(pointer, "args"), "'args' must be a list of text")
            return
        if env is not None and not (
            isinstance(env, dict) and all(isinstance(v, str) for v in env.values())
        ):
            self.fail(join(pointer, "env"), "'env' must be a mapping of name: text")
            return
        if not isinstance(prefix, str):
            self.fail(join(pointer, "prefix"), "'prefix' must be text")
            return
        registry.register_mcp_server(command, args, env=env, prefix=prefix, name=name)

    def _import(self, spec: Any, pointer: str, what: str) -> Any:
        """``module:attribute`` imported the way ``python -m`` would (current folder first)."""
        from asl.agents.imports import ImportProblem, import_user_module

        module_name, _, attr = spec.partition(":") if isinstance(spec, str) else ("", "", "")
        if not module_name or not attr or not attr.isidentifier():
            self.fail(pointer, f"{what}: 'import' must be module:attribute, e.g. my_agents:triage")
            return None
        try:
            module = import_user_module(module_name)
        except ImportProblem as error:
            self.fail(pointer, f"{what}: {error}")
            return None
        target = getattr(module, attr, None)
        if target is None:
            self.fail(pointer, f"{what}: module '{module_name}' has no attribute '{attr}'")
        return target


class _MissingKey(Exception):
    """A provider whose API key is nowhere; reported at the provider's place in the file."""

    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(message)
        self.pointer = pointer
        self.message = message


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _positive_number(value: Any) -> bool:
    return _number(value) and value > 0


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "text", bool: "a boolean"}.get(
        type(value), "a number"
    )
