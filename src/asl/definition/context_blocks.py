"""Checks of a state's Context block and of the semantic and episodic Memory types (spec/4).

The runtime (:mod:`asl.runtime.context`, :mod:`asl.runtime.memory_collections`)
relies on what is checked here: the strategy's own fields are present, paths
compile, numbers are in range. An unknown member is a warning, as elsewhere.
"""

from __future__ import annotations

from typing import Any

from asl.language.errors import ASLError, PathError
from asl.language.paths import compile_path
from asl.runtime.context import STRATEGIES, TRIGGERS, context_path
from asl.runtime.memory import parse_ttl
from asl.runtime.memory_collections import KINDS, ORDERS

from .block_check import Block
from .report import describe
from .states import StateCheck

CONTEXT_FIELDS = (
    "Strategy",
    "MaxTokens",
    "Priority",
    "Include",
    "Exclude",
    "Summarize",
    "Query",
    "Query.$",
    "Candidates",
    "TopK",
)
SUMMARIZE_FIELDS = ("When", "Using", "Target", "Ratio")
MEMORY_TYPES = ("key_value", *KINDS)
READ_FIELDS = {
    "semantic": ("Query", "Query.$", "Collection", "TopK", "MinScore", "InjectAt"),
    "episodic": ("Collection", "Filter", "Limit", "Order", "InjectAt"),
}
WRITE_FIELDS = {
    "semantic": ("Collection", "Value", "Value.$", "Text.$", "TTL"),
    "episodic": ("Collection", "Value", "Value.$", "TTL"),
}


def check_context_blocks(check: StateCheck) -> None:
    """The state's Context block and, for Type semantic or episodic, its Memory block."""
    state = check.state
    if isinstance(state.get("Context"), dict):
        _check_context(
            check, Block(check.report, state["Context"], check.at("Context"), _of(check))
        )
    memory = state.get("Memory")
    if isinstance(memory, dict) and "Type" in memory:
        block = Block(
            check.report, memory, check.at("Memory"), f"the Memory of state '{check.name}'"
        )
        if block.choice("Type", MEMORY_TYPES) and memory["Type"] in KINDS:
            _check_collections(block, str(memory["Type"]), check.name)


def _of(check: StateCheck) -> str:
    return f"the Context of state '{check.name}'"


def _check_context(check: StateCheck, block: Block) -> None:
    block.unknown(CONTEXT_FIELDS)
    block.choice("Strategy", STRATEGIES)
    block.integer("MaxTokens", 1)
    for name in ("Priority", "Include", "Exclude", "Candidates"):
        _context_paths(block, name)
    strategy = block.value.get("Strategy", "sliding_window")
    if strategy == "semantic":
        if "Query" not in block.value and "Query.$" not in block.value:
            _missing(block, "Query.$", 'the text to compare the Candidates with, e.g. "$.task"')
        if "Candidates" not in block.value:
            _missing(block, "Candidates", 'the paths of the items to choose from, e.g. ["$.docs"]')
    if strategy == "summarize" and "Summarize" not in block.value:
        _missing(
            block, "Summarize", 'what to shorten: {"Using": "Summarizer", "Target": "$.history"}'
        )
    if "Priority" in block.value and strategy != "priority_based":
        block.report.warning(
            "NO_EFFECT",
            block.at("Priority"),
            f"'Priority' of {block.label} is only used by Strategy \"priority_based\"",
            key=True,
        )
    block.integer("TopK", 1)
    if "Query" in block.value and not isinstance(block.value["Query"], str):
        block.error("Query", "INVALID_TYPE", "a string")
    block.path("Query.$", reference=False)
    summarize = block.value.get("Summarize")
    if "Summarize" in block.value and not isinstance(summarize, dict):
        block.error("Summarize", "INVALID_TYPE", "an object")
    for inner in block.objects("Summarize"):
        inner.unknown(SUMMARIZE_FIELDS)
        inner.choice("When", TRIGGERS)
        if inner.value.get("When", "TokensExceed") != "Never":
            if "Using" not in inner.value:
                _missing(inner, "Using", "the name of the agent that summarises")
            if "Target" not in inner.value:
                _missing(inner, "Target", 'the path to summarise, e.g. "$.history"')
        if inner.string("Using"):
            check.check_agent(inner.value["Using"], inner.at("Using"))
        if "Target" in inner.value:
            _context_path(inner, "Target", inner.value["Target"], inner.at("Target"))
        inner.number("Ratio", 0.01, 1)


def _context_paths(block: Block, name: str) -> None:
    paths = block.strings(name)
    for index, text in enumerate(paths or []):
        _context_path(block, name, text, block.at(name, index))


def _context_path(block: Block, name: str, text: Any, pointer: str) -> None:
    try:
        if not isinstance(text, str) or (not context_path(text) and name == "Target"):
            raise ValueError(f"{describe(text)} is not a path of field names such as $.history")
    except ValueError as error:
        block.report.error(
            "INVALID_PATH",
            pointer,
            f"{block.name(name)}: {error}; Context paths name fields ($.a.b), "
            "without indexes, wildcards or filters",
        )


def _missing(block: Block, name: str, what: str) -> None:
    block.report.error(
        "MISSING_FIELD",
        block.pointer,
        f"{block.label[:1].upper()}{block.label[1:]} needs '{name}': {what}",
    )


def _check_collections(block: Block, kind: str, state: str) -> None:
    read = block.value.get("Read")
    if "Read" in block.value and not isinstance(read, dict):
        block.error("Read", "INVALID_TYPE", f'an object (Memory Type "{kind}" reads a Collection)')
    for inner in block.objects("Read") if isinstance(read, dict) else ():
        inner.unknown(READ_FIELDS[kind])
        if "Collection" not in inner.value:
            _missing(inner, "Collection", "the name of the collection to read")
        inner.string("Collection")
        inner.path("InjectAt", reference=True)
        if kind == "semantic":
            if "Query" not in inner.value and "Query.$" not in inner.value:
                _missing(inner, "Query.$", 'the text to search for, e.g. "$.question"')
            inner.path("Query.$", reference=False)
            inner.integer("TopK", 1)
            inner.number("MinScore", -1, 1)
        else:
            _check_filter(inner)
            inner.integer("Limit", 1)
            inner.choice("Order", ORDERS)
    writes = block.value.get("Write")
    items = writes if isinstance(writes, list) else [writes]
    if "Write" in block.value and not all(isinstance(item, dict) for item in items):
        block.error("Write", "INVALID_TYPE", "an object or an array of objects")
        return
    for index, item in enumerate(items if "Write" in block.value else []):
        pointer = block.at("Write", index) if isinstance(writes, list) else block.at("Write")
        inner = Block(block.report, item, pointer, f"the Memory Write of state '{state}'")
        inner.unknown(WRITE_FIELDS[kind])
        if "Collection" not in item:
            _missing(inner, "Collection", "the name of the collection to add to")
        inner.string("Collection")
        if "Value" not in item and "Value.$" not in item:
            _missing(inner, "Value.$", 'what to store, e.g. "$.summary"')
        inner.path("Value.$", reference=False)
        inner.path("Text.$", reference=False)
        if "TTL" in item:
            try:
                parse_ttl(item["TTL"])
            except ASLError as error:
                block.report.error(
                    "INVALID_VALUE", inner.at("TTL"), f"{inner.name('TTL')}: {error.cause}"
                )


def _check_filter(block: Block) -> None:
    if "Filter" not in block.value:
        return
    found = block.value["Filter"]
    if not isinstance(found, dict):
        block.error("Filter", "INVALID_TYPE", 'an object such as {"userId.$": "$.userId"}')
        return
    for name, value in found.items():
        if not name.endswith(".$"):
            continue
        if not isinstance(value, str):
            block.report.error(
                "INVALID_TYPE",
                block.at("Filter", name),
                f"'{name}' of the Filter of {block.label} must be a path such as \"$.userId\", "
                f"got {describe(value)}",
            )
            continue
        try:
            compile_path(value)
        except PathError as error:
            block.report.error(
                "INVALID_PATH",
                block.at("Filter", name),
                f"'{name}' of the Filter of {block.label} is not a valid path: {error.reason}",
            )
