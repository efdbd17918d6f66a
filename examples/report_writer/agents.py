"""Deterministic stand-ins for the report agents: they stream and report progress like an LLM would.

``SectionWriter`` reports its progress per section; ``Summarizer`` streams its summary
sentence by sentence through ``context.emit`` and reports when half of it is written.
Nobody listening costs them nothing: ``emit`` and ``report_progress`` then do nothing.
"""

from __future__ import annotations

from typing import Any

from asl import AgentContext, AgentRegistry

SECTIONS = ["Context", "Findings", "Next steps"]


def outline(parameters: dict[str, Any]) -> dict[str, list[str]]:
    return {"sections": list(SECTIONS)}


def write_section(section: str, context: AgentContext) -> dict[str, str]:
    context.report_progress(50, f"writing {section}")
    return {"title": section, "text": f"{section}: three points about it."}


def summarize(parameters: dict[str, Any], context: AgentContext) -> dict[str, Any]:
    titles = [section["title"] for section in parameters["sections"]]
    sentences = [
        f"This report covers {parameters['topic'].lower()}. ",
        f"It has {len(titles)} sections: {', '.join(titles)}. ",
        "The roof can carry the panels.",
    ]
    for index, sentence in enumerate(sentences):
        for word in sentence.split(" "):  # an LLM streams tokens, not sentences
            context.emit(word + " " if word else "")
        if index == 1:
            context.report_progress(50, "summary drafted")
    text = "".join(sentences)
    return {"text": text, "words": len(text.split())}


def register(registry: AgentRegistry) -> None:
    registry.register("Outliner", outline)
    registry.register("SectionWriter", write_section)
    registry.register("Summarizer", summarize)
