"""Deterministic stand-ins for the pipeline's agents: text rules instead of an LLM.

``Summarizer`` is async, the shape a real model call has; the Map runs at most two
of them at once (``MaxConcurrency``) and keeps the documents' order in its result.
"""

from __future__ import annotations

from typing import Any

from asl import AgentRegistry


async def summarize(parameters: dict[str, Any]) -> dict[str, Any]:
    document = parameters["document"]
    text = document["text"]
    first_sentence = text.split(". ")[0].rstrip(".") + "."
    return {
        "id": document["id"],
        "position": parameters["position"],
        "language": parameters["language"],
        "summary": first_sentence,
        "words": len(text.split()),
    }


def build_index(parameters: dict[str, Any]) -> dict[str, Any]:
    summaries = parameters["summaries"]
    return {
        "batch": parameters["batch"],
        "documents": parameters["count"],
        "totalWords": sum(summary["words"] for summary in summaries),
        "summaries": {summary["id"]: summary["summary"] for summary in summaries},
    }


def register(registry: AgentRegistry) -> None:
    registry.register("Summarizer", summarize)
    registry.register("Indexer", build_index)
