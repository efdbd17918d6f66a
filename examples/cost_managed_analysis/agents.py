"""Stand-ins for model-backed agents that report usage the way a provider does.

Each one counts its input with the engine's tokenizer, answers with a fixed
number of output tokens, and reports both with the model it ran on: the one
the workflow's Budget chose (``context.model``: a fallback once the budget is
half spent), else its own default. Their costs come from the bundled price data.
"""

from __future__ import annotations

from typing import Any

from asl import AgentContext, AgentRegistry, AgentResult, Usage
from asl.language.tokens import count_tokens

ANALYSIS_TOKENS = 800
SUMMARY_TOKENS = 300


def analyze(parameters: dict[str, Any], context: AgentContext) -> AgentResult:
    model = context.model or "claude-opus-4-5"
    section = parameters["section"]
    words = len(section["text"].split())
    analysis = {"title": section["title"], "words": words, "model": model}
    usage = Usage(count_tokens(parameters, model), ANALYSIS_TOKENS, model, provider="anthropic")
    return AgentResult(analysis, usage)


def summarize(parameters: dict[str, Any], context: AgentContext) -> AgentResult:
    model = context.model or "claude-haiku-4-5"
    titles = [analysis["title"] for analysis in parameters["analyses"]]
    summary = {"summary": "Sections: " + ", ".join(titles), "model": model}
    usage = Usage(count_tokens(parameters, model), SUMMARY_TOKENS, model, provider="anthropic")
    return AgentResult(summary, usage)


def register(registry: AgentRegistry) -> None:
    registry.register("Analyst", analyze)
    registry.register("Summarizer", summarize)
