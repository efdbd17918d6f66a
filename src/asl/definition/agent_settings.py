"""Checks of the per-state agent settings: Reasoning, Audit, Model, Generation, Metadata.

What each member may hold is what the runtime acts on (``asl.runtime.agent_settings``):
a value it could not use is an error here, with the place and the fix.
"""

from __future__ import annotations

from typing import Final

from asl.language.redact import parse_redact_path

from .blocks import Block
from .expressions import check_path, check_template
from .queries import check_jsonata_value
from .states import StateCheck

REASONING_FORMATS: Final = ("chain_of_thought", "tree_of_thoughts", "reflection", "free_form")
LOG_LEVELS: Final = ("minimal", "standard", "full", "debug")
METRICS: Final = ("latency", "tokens", "cost")


def check_agent_settings(check: StateCheck) -> None:
    """The five blocks, each only when it is an object (its type is checked elsewhere)."""
    for name, check_block in _CHECKS.items():
        if isinstance(check.state.get(name), dict):
            check_block(Block(check, name))
    if check.state.get("Model") == "":
        check.report.error(
            "INVALID_VALUE",
            check.at("Model"),
            f'{check.label("Model")} must name a model, got the string ""',
        )


def _reasoning(block: Block) -> None:
    block.known(("Required", "Format", "MinSteps", "MaxSteps", "Store"))
    if block.has("Required"):
        block.boolean("Required")
    if block.has("Format"):
        block.choice("Format", REASONING_FORMATS)
    low = block.has("MinSteps") and block.integer("MinSteps", 1)
    high = block.has("MaxSteps") and block.integer("MaxSteps", 1)
    if low and high and block.value["MinSteps"] > block.value["MaxSteps"]:
        block.report.error(
            "INVALID_VALUE",
            block.at("MinSteps"),
            f"{block.label('MinSteps')} ({block.value['MinSteps']}) is more than "
            f"'MaxSteps' ({block.value['MaxSteps']}): no trace could fit; lower MinSteps",
        )
    if block.has("Store"):
        check_path(
            block.report,
            block.value["Store"],
            block.at("Store"),
            block.label("Store"),
            "reference path",
        )
    if block.check.type == "Debate":
        block.report.warning(
            "NO_EFFECT",
            block.check.at("Reasoning"),
            f"'Reasoning' of state '{block.check.name}' has no effect: Debate turns are not "
            "checked for a reasoning trace; ask for reasoning in Parameters instead",
            key=True,
        )


def _audit(block: Block) -> None:
    block.known(("LogLevel", "Redact", "Metrics", "Trace"))
    if block.has("LogLevel"):
        block.choice("LogLevel", LOG_LEVELS)
    if block.has("Redact"):
        for index, text in enumerate(block.strings("Redact") or ()):
            try:
                parse_redact_path(text)
            except ValueError as error:
                block.report.error(
                    "INVALID_PATH",
                    block.at("Redact", index),
                    f'{block.label("Redact")} holds "{text}", which is not a redaction '
                    f"path: {error}",
                )
    if block.has("Metrics"):
        for index, metric in enumerate(block.strings("Metrics") or ()):
            if metric not in METRICS:
                block.report.error(
                    "INVALID_VALUE",
                    block.at("Metrics", index),
                    f'{block.label("Metrics")} must hold {", ".join(METRICS)}, got "{metric}"',
                )
    if block.has("Trace"):
        block.boolean("Trace")


def _model(block: Block) -> None:
    block.known(("Preferred", "Fallback", "FallbackOn"))
    if block.has("Preferred"):
        block.string("Preferred")
    fallback = block.value.get("Fallback")
    if block.has("Fallback") and not isinstance(fallback, str):
        block.strings("Fallback")
    elif block.has("Fallback"):
        block.string("Fallback")
    if block.has("FallbackOn"):
        block.strings("FallbackOn")
        if not block.has("Fallback"):
            block.no_effect("FallbackOn", 'there is no "Fallback" model to fall back to')


def _generation(block: Block) -> None:
    block.known(("Temperature", "TopP", "MaxTokens", "StopSequences"))
    if block.has("Temperature"):
        block.number("Temperature", 0, 2)
    if block.has("TopP"):
        block.number("TopP", 0, 1)
    if block.has("MaxTokens"):
        block.integer("MaxTokens", 1)
    if block.has("StopSequences"):
        block.strings("StopSequences")


def _metadata(block: Block) -> None:
    """A payload template (JSONPath) or a value with ``{% %}`` expressions (JSONata)."""
    check = block.check
    if check.jsonata:
        check_jsonata_value(
            check.report, block.value, block.at(), check.label("Metadata"), check.reads
        )
        return
    check_template(
        check.report, block.value, block.at(), f"the Metadata of state '{check.name}'", check.reads
    )


_CHECKS: Final = {
    "Reasoning": _reasoning,
    "Audit": _audit,
    "Model": _model,
    "Generation": _generation,
    "Metadata": _metadata,
}
