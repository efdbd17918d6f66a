"""agents.yaml / agents.json: what it builds, and each mistake reported at its file:line:col."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from asl import WorkflowEngine
from asl.agents.config import AgentsConfigError, load_agents_config
from asl.agents.llm import LLMAgent
from tests.agents.servers import ModelServer, Reply, openai_completion


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(AgentsConfigError) as raised:
        load_agents_config(path)
    return raised.value.problems


def test_llm_agent_with_env_key_runs_a_workflow(
    tmp_path: Path, server: ModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOCAL_KEY", "sk-local-1")
    config = write(
        tmp_path,
        "agents.yaml",
        f"""
providers:
  local:
    type: openai
    base_url: {server.url}/v1
    api_key_env: LOCAL_KEY
agents:
  Writer:
    provider: local
    model: llama3
    system: Be brief.
    prompt: "Title for {{{{ topic }}}}"
    generation:
      temperature: 0.5
      max_tokens: 20
""",
    )
    registry = load_agents_config(config)
    assert registry.names() == ["Writer"]
    agent = registry.get("Writer")
    assert isinstance(agent, LLMAgent)
    assert "sk-local-1" not in repr(agent.provider)
    server.queue(Reply(body=openai_completion("Bright Days")))
    document = {"StartAt": "A", "States": {"A": {"Type": "Task", "Agent": "Writer", "End": True}}}
    result = WorkflowEngine(document, registry).run({"topic": "sun"})
    assert result.output == "Bright Days"
    seen = server.requests[0]
    assert seen.headers["authorization"] == "Bearer sk-local-1"
    assert seen.body == {
        "model": "llama3",
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Title for sun"},
        ],
        "temperature": 0.5,
        "max_tokens": 20,
    }


def test_key_from_secrets_file_and_json_config(tmp_path: Path, server: ModelServer) -> None:
    write(tmp_path, "secrets.yaml", "claude: sk-ant-from-file\n")
    config = write(
        tmp_path,
        "agents.json",
        json.dumps(
            {
                "secrets_file": "secrets.yaml",
                "providers": {
                    "claude": {
                        "type": "anthropic",
                        "base_url": server.url,
                        "api_key_secret": "claude",
                    }
                },
                "agents": {"Critic": {"provider": "claude", "model": "claude-test"}},
            }
        ),
    )
    registry = load_agents_config(config)
    from tests.agents.servers import anthropic_message

    server.queue(Reply(body=anthropic_message("Fine.")))
    document = {"StartAt": "A", "States": {"A": {"Type": "Task", "Agent": "Critic", "End": True}}}
    assert WorkflowEngine(document, registry).run({}).output == "Fine."
    assert server.requests[0].headers["authorization"] == "Bearer sk-ant-from-file"


def test_python_agents_and_tools_by_import_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        tmp_path,
        "cfg_agents_mod.py",
        '''
class Greeter:
    def __init__(self, greeting):
        self.greeting = greeting

    def execute(self, parameters):
        return f"{self.greeting}, {parameters['name']}"


def shout(parameters):
    return parameters["name"].upper()


def word_count(text: str) -> int:
    """Count the words of a text."""
    return len(text.split())
''',
    )
    monkeypatch.chdir(tmp_path)
    config = write(
        tmp_path,
        "agents.yaml",
        """
agents:
  Greet:
    type: python
    import: cfg_agents_mod:Greeter
    options: {greeting: Hello}
  Shout:
    type: python
    import: cfg_agents_mod:shout
tools:
  - import: cfg_agents_mod:word_count
  - builtin: read_file
""",
    )
    registry = load_agents_config(config)
    assert registry.names() == ["Greet", "Shout"]
    assert registry.get("Greet").execute({"name": "Ada"}) == "Hello, Ada"
    assert registry.get("Shout")({"name": "Ada"}) == "ADA"
    assert sorted(tool.name for tool in registry.tools) == ["read_file", "word_count"]


def test_every_mistake_is_reported_with_its_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    config = write(
        tmp_path,
        "agents.yaml",
        """providers:
  local:
    type: ollama
agents:
  A:
    model: gpt-4o
  B:
    provider: nowhere
    model: m
    colour: red
  C:
    model: m
    provider: openai
    generation:
      temperature: 3
    output_schema: {type: objekt}
    stream: sometimes
  D:
    type: python
    import: no_such_module_xyz:thing
mcp_servers:
  fs:
    args: [x]
""",
    )
    path = str(config)
    assert problems(config) == [
        f"{path}:3:11: provider 'local' needs 'type': one of openai, anthropic",
        f"{path}:6:5: provider 'openai' has no API key: set the environment variable "
        "OPENAI_API_KEY, or give 'api_key_secret' and 'secrets_file'",
        f"{path}:8:15: agent 'B': unknown provider 'nowhere'; use openai, anthropic or a name "
        "declared under 'providers'",
        f"{path}:10:13: llm agent 'B' has no field 'colour'; the fields are: type, provider, "
        "model, system, prompt, generation, output_schema, tools, max_tool_iterations, "
        "max_output_retries, stream",
        f"{path}:15:20: 'temperature' must be a number from 0 to 2",
        f"{path}:16:27: 'output_schema' is not a valid JSON Schema: 'objekt' is not valid under "
        "any of the given schemas",
        f"{path}:17:13: 'stream' must be one of auto, always, never",
        f"{path}:20:13: agent 'D': no module named 'no_such_module_xyz' in the current "
        f"directory ({Path.cwd()}) or on the Python path; run asl from the folder that "
        "contains it, or install it.",
        f"{path}:23:5: MCP server 'fs' needs 'command': the program to start",
    ]


def test_missing_api_key_names_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    config = write(tmp_path, "agents.yaml", "agents:\n  A:\n    model: gpt-4o\n")
    assert problems(config) == [
        f"{config}:3:5: provider 'openai' has no API key: set the environment variable "
        "OPENAI_API_KEY, or give 'api_key_secret' and 'secrets_file'"
    ]


def test_syntax_errors_and_wrong_shapes(tmp_path: Path) -> None:
    bad_yaml = write(tmp_path, "a.yaml", "agents:\n  A: [1,\n")
    assert problems(bad_yaml)[0].startswith(f"{bad_yaml}:3:1: invalid YAML: ")
    bad_json = write(tmp_path, "a.json", '{"agents": }')
    assert problems(bad_json) == [f"{bad_json}:1:12: invalid JSON: Expecting value"]
    empty = write(tmp_path, "e.yaml", "agents: {}\n")
    assert problems(empty) == [f"{empty}:1:9: no agents: add an 'agents' mapping"]
    missing = tmp_path / "none.yaml"
    assert problems(missing) == [
        f"{missing}: cannot read the agents config (No such file or directory)"
    ]


def test_openai_responses_api_is_chosen_by_api(tmp_path: Path, server: ModelServer) -> None:
    from asl.agents.llm.responses_provider import ResponsesProvider
    from tests.agents.servers import openai_response

    config = write(
        tmp_path,
        "agents.yaml",
        f"providers:\n  r:\n    type: openai\n    api: responses\n    base_url: {server.url}/v1\n"
        "  c:\n    type: anthropic\n    api: responses\n"
        "agents:\n  A:\n    provider: r\n    model: gpt-test\n",
    )
    assert problems(config) == [
        f"{config}:8:10: 'api' is for type openai: chat_completions (the default) or responses"
    ]
    config.write_text(
        config.read_text().replace("  c:\n    type: anthropic\n    api: responses\n", "")
    )
    registry = load_agents_config(config)
    assert isinstance(registry.get("A").provider, ResponsesProvider)
    server.queue(Reply(body=openai_response("via responses")))
    document = {"StartAt": "A", "States": {"A": {"Type": "Task", "Agent": "A", "End": True}}}
    assert WorkflowEngine(document, registry).run({}).output == "via responses"
    assert server.requests[0].path == "/v1/responses"


def test_secrets_file_problems_never_echo_its_content(tmp_path: Path) -> None:
    write(tmp_path, "secrets.yaml", "key: [sk-very-secret\n")
    config = write(
        tmp_path,
        "agents.yaml",
        "secrets_file: secrets.yaml\nproviders:\n  p:\n    type: openai\n"
        "    api_key_secret: key\nagents:\n  A:\n    provider: p\n    model: m\n",
    )
    found = problems(config)
    assert found[0] == (
        f"{config}:1:15: the secrets file {tmp_path / 'secrets.yaml'} is not YAML or JSON"
    )
    assert "sk-very-secret" not in "\n".join(found)
    write(tmp_path, "secrets.yaml", "other: sk-very-secret\n")
    assert problems(config) == [
        f"{config}:4:5: provider 'p': the secrets file has no 'key'; add it, or set "
        "'secrets_file' to the file that has it"
    ]


def test_empty_placeholder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    config = write(tmp_path, "agents.yaml", "agents:\n  A:\n    model: m\n    prompt: 'Hi {{ }}'\n")
    assert problems(config) == [
        f"{config}:4:13: agent 'A': a placeholder names no value: write {{{{ name }}}} or "
        "{{ $ }}"
    ]
