"""LLM agents: providers (Anthropic, OpenAI and compatible servers), prompts, tool use."""

from asl.agents.llm.agent import LLMAgent, LLMSettings
from asl.agents.llm.errors import ProviderError
from asl.agents.llm.messages import ModelReply, ModelRequest, Provider, ToolCall
from asl.agents.llm.prompts import PromptTemplate
from asl.agents.llm.structured import OutputSchema

__all__ = [
    "LLMAgent",
    "LLMSettings",
    "ModelReply",
    "ModelRequest",
    "OutputSchema",
    "PromptTemplate",
    "Provider",
    "ProviderError",
    "ToolCall",
]
