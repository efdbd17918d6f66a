"""The Context block of a Task state (ASL spec/4): fit the state's data into a token budget.

The block works on the state's input (after a Memory Read injected into it) and
hands the agent a :class:`FittedContext` through ``AgentContext.context``; the
state's ``Parameters`` are not changed, so a path there still finds its data.

Content is measured in *units*: a top-level field of the input, or, for a field
holding an array, each element (``$.history[3]``). A unit costs the tokens of
its value (text as it is, anything else as compact JSON) in the encoding of the
state's ``Model`` (``cl100k_base`` when none is named); key names are free.
``Exclude`` paths are removed first, then ``Summarize`` may shrink its
``Target``, then the ``Include`` paths are kept whatever they cost (more than
``MaxTokens`` fails with ``Agent.ContextOverflow``), and the strategy fills the
rest of the budget:

* ``sliding_window`` keeps the newest units: walking from the last unit back,
  it keeps units while they fit and stops at the first one that does not.
* ``priority_based`` offers the ``Priority`` paths in order (each path's whole
  value as one unit), then the remaining units in document order; a unit that
  does not fit is left out and the next one is tried.
* ``summarize`` (tutorial 06) is ``sliding_window`` whose ``Summarize`` block is
  required: old content is shortened first, then windowed if still too long.
* ``semantic`` scores each element of the ``Candidates`` paths by cosine
  similarity of its embedding with the ``Query.$`` text, keeps the ``TopK``
  best that fit (highest score first, arrays rebuilt in score order), then
  offers the remaining units in document order.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass, field
from typing import Any

from asl.embeddings import as_text, cosine, default_embedder
from asl.language.errors import AGENT_NOT_FOUND, ASLError
from asl.language.paths import NoResults, compile_path
from asl.language.tokens import count_tokens

CONTEXT_OVERFLOW = "Agent.ContextOverflow"
STRATEGIES = ("sliding_window", "priority_based", "semantic", "summarize")
TRIGGERS = ("TokensExceed", "Always", "Never")
DEFAULT_MAX_TOKENS = 8000
DEFAULT_TOP_K = 5
DEFAULT_RATIO = 0.25
_SIMPLE_PATH = re.compile(r"^\$(?:\.[A-Za-z_][A-Za-z0-9_-]*)*$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


@dataclass(frozen=True, slots=True)
class FittedContext:
    """What the Context block kept for the agent, and why.

    ``data`` is shaped like the state's input, holding only what was kept;
    ``tokens`` is what it costs; ``dropped`` and ``summarized`` name the parts
    left out or shortened (JSONPaths such as ``$.history[0]``); ``scores`` maps
    each semantic candidate that was scored to its similarity to the query.
    """

    data: Any
    tokens: int
    max_tokens: int
    strategy: str
    dropped: list[str] = field(default_factory=list)
    summarized: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)


def context_path(text: str) -> tuple[str, ...]:
    """The field names of a Context path: ``$.a.b`` (or a bare top-level name ``a``)."""
    if _NAME.match(text):
        return (text,)
    if not _SIMPLE_PATH.match(text):
        raise ValueError(f"'{text}' is not a path of field names such as $.history")
    return tuple(text.split(".")[1:])


def _render(segments: tuple[str, ...]) -> str:
    return "$" + "".join("." + name for name in segments)


@dataclass(slots=True)
class _Unit:
    path: tuple[str, ...]
    index: int | None  # the element's index when the unit is one element of an array
    value: Any
    tokens: int

    @property
    def label(self) -> str:
        return _render(self.path) + (f"[{self.index}]" if self.index is not None else "")


class _Summarize:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.when = str(raw.get("When", "TokensExceed"))
        self.using = raw.get("Using")
        self.target = context_path(str(raw["Target"]))
        self.ratio = float(raw.get("Ratio", DEFAULT_RATIO))


class ContextBlock:
    """A state's ``Context``, compiled once."""

    def __init__(self, raw: dict[str, Any], state: str, model: str | None = None) -> None:
        self.state = state
        self.model = model
        self.strategy = str(raw.get("Strategy", "sliding_window"))
        self.max_tokens = int(raw.get("MaxTokens", DEFAULT_MAX_TOKENS))
        self.priority = [context_path(p) for p in raw.get("Priority", [])]
        self.include = [context_path(p) for p in raw.get("Include", [])]
        self.exclude = [context_path(p) for p in raw.get("Exclude", [])]
        self.candidates = [context_path(p) for p in raw.get("Candidates", [])]
        query = raw.get("Query.$")
        self.query = compile_path(query) if isinstance(query, str) else None
        self.query_text = raw.get("Query")
        self.top_k = int(raw.get("TopK", DEFAULT_TOP_K))
        summarize = raw.get("Summarize")
        self.summarize = _Summarize(summarize) if isinstance(summarize, dict) else None
        self.splits = [*self.include, *self.priority, *self.candidates]

    def _tokens(self, value: Any) -> int:
        return count_tokens(value, self.model)

    async def fit(self, data: Any, context: Any, execution: Any) -> FittedContext:
        """Fit ``data`` (the state's input) into MaxTokens; may call the Summarize agent."""
        if not isinstance(data, dict):
            tokens = self._tokens(data)
            if tokens > self.max_tokens:
                raise self._overflow(f"the state's input alone costs {tokens} tokens")
            return FittedContext(data, tokens, self.max_tokens, self.strategy)
        content = copy.deepcopy(data)
        dropped = [_render(path) for path in self.exclude if _remove(content, path)]
        summarized: list[str] = []
        if self.summarize is not None and self.summarize.when != "Never":
            over = self._tokens_of(content) > self.max_tokens
            if (self.summarize.when == "Always" or over) and await self._summarize(
                content, execution
            ):
                summarized.append(_render(self.summarize.target))
        kept: dict[tuple[str, ...], Any] = {}
        used = 0
        for path in self.include:
            found, value = _get(content, path)
            if found:
                kept[path] = value
                used += self._tokens(value)
        if used > self.max_tokens:
            raise self._overflow(f"the Include paths alone cost {used} tokens")
        units = [u for u in self._units(content) if not _covered(u.path, self.include)]
        scores: dict[str, float] = {}
        offered = units
        if self.strategy in ("sliding_window", "summarize"):
            chosen, used = self._sliding(units, used)
        elif self.strategy == "priority_based":
            offered = self._prioritised(content, units)
            chosen, used = self._greedy(offered, used)
        else:
            chosen, used, scores = self._semantic(content, context, units, used)
        labels = {id(unit) for unit in chosen}
        dropped += [unit.label for unit in offered if id(unit) not in labels]
        fitted = _assemble(content, kept, chosen)
        return FittedContext(
            fitted, used, self.max_tokens, self.strategy, dropped, summarized, scores
        )

    def _overflow(self, why: str) -> ASLError:
        return ASLError(
            CONTEXT_OVERFLOW,
            f"{why[:1].upper()}{why[1:]}, more than Context.MaxTokens ({self.max_tokens}); "
            "raise MaxTokens or include less",
        )

    def _tokens_of(self, content: dict[str, Any]) -> int:
        return sum(unit.tokens for unit in self._units(content))

    def _units(self, node: dict[str, Any], path: tuple[str, ...] = ()) -> list[_Unit]:
        """The units of ``node`` in document order; an object that holds a path of the
        block (``$.user.profile`` under ``$.user``) is split into its fields."""
        units = []
        for key, value in node.items():
            here = (*path, key)
            if isinstance(value, dict) and any(
                len(split) > len(here) and split[: len(here)] == here for split in self.splits
            ):
                units += self._units(value, here)
            elif isinstance(value, list):
                units += [_Unit(here, i, item, self._tokens(item)) for i, item in enumerate(value)]
            else:
                units.append(_Unit(here, None, value, self._tokens(value)))
        return units

    def _sliding(self, units: list[_Unit], used: int) -> tuple[list[_Unit], int]:
        chosen: list[_Unit] = []
        for unit in reversed(units):
            if used + unit.tokens > self.max_tokens:
                break
            chosen.append(unit)
            used += unit.tokens
        chosen.reverse()
        return chosen, used

    def _greedy(self, offered: list[_Unit], used: int) -> tuple[list[_Unit], int]:
        chosen = []
        for unit in offered:
            if used + unit.tokens <= self.max_tokens:
                chosen.append(unit)
                used += unit.tokens
        return chosen, used

    def _prioritised(self, content: dict[str, Any], units: list[_Unit]) -> list[_Unit]:
        """The Priority paths' values in order, then the other units in document order."""
        offered: list[_Unit] = []
        for path in self.priority:
            found, value = _get(content, path)
            if found and not _covered(path, self.include):
                offered.append(_Unit(path, None, value, self._tokens(value)))
        return offered + [u for u in units if not _covered(u.path, self.priority)]

    def _semantic(
        self, content: dict[str, Any], context: Any, units: list[_Unit], used: int
    ) -> tuple[list[_Unit], int, dict[str, float]]:
        query: Any = self.query_text
        if self.query is not None:
            try:
                query = self.query.evaluate(content, context)
            except NoResults:
                raise ASLError(
                    "States.Runtime",
                    f"Context Query.$ '{self.query.text}' selects nothing in the state's input",
                ) from None
        pool = [u for u in units if _covered(u.path, self.candidates)]
        scores: dict[str, float] = {}
        if pool:
            vectors = default_embedder().embed([as_text(query), *(as_text(u.value) for u in pool)])
            for unit, vector in zip(pool, vectors[1:], strict=True):
                scores[unit.label] = _rounded(cosine(vectors[0], vector))
        ranked = sorted(pool, key=lambda u: -scores[u.label])[: self.top_k]
        chosen, used = self._greedy(ranked, used)
        rest = [u for u in units if not _covered(u.path, self.candidates)]
        others, used = self._greedy(rest, used)
        return chosen + others, used, scores

    async def _summarize(self, content: dict[str, Any], execution: Any) -> bool:
        """Replace the Target's value with what the Using agent returns; False if absent."""
        assert self.summarize is not None
        target = self.summarize.target
        found, value = _get(content, target)
        if not found:
            return False
        agent = execution.registry.find(str(self.summarize.using))
        if agent is None:
            raise ASLError(
                AGENT_NOT_FOUND,
                f"Context.Summarize.Using names agent "
                f"'{self.summarize.using}', which is not registered",
            )
        tokens = self._tokens(value)
        request = {
            "content": value,
            "text": as_text(value),
            "tokens": tokens,
            "targetTokens": max(1, math.floor(tokens * self.summarize.ratio)),
            "ratio": self.summarize.ratio,
        }
        result = await agent.call(request) if agent.is_async else agent.call(request)
        if hasattr(result, "usage") and hasattr(result, "output"):
            execution.add_usage(result.usage, self.state, None)
            result = result.output
        _put(content, target, result)
        return True


def _rounded(score: float) -> float:
    return round(score, 6)


def _covered(path: tuple[str, ...], prefixes: list[tuple[str, ...]]) -> bool:
    """Whether ``path`` is one of ``prefixes`` or lies inside one."""
    return any(path[: len(prefix)] == prefix for prefix in prefixes)


def _get(content: Any, path: tuple[str, ...]) -> tuple[bool, Any]:
    node = content
    for name in path:
        if not isinstance(node, dict) or name not in node:
            return False, None
        node = node[name]
    return True, node


def _put(content: dict[str, Any], path: tuple[str, ...], value: Any) -> Any:
    if not path:
        return value
    node = content
    for name in path[:-1]:
        node = node.setdefault(name, {})
    node[path[-1]] = value
    return content


def _remove(content: dict[str, Any], path: tuple[str, ...]) -> bool:
    found, parent = _get(content, path[:-1])
    if path and found and isinstance(parent, dict) and path[-1] in parent:
        del parent[path[-1]]
        return True
    return False


def _assemble(
    content: dict[str, Any], kept: dict[tuple[str, ...], Any], chosen: list[_Unit]
) -> dict[str, Any]:
    """The kept values, shaped like the input, fields in the input's order."""
    if () in kept:
        return content
    out: dict[str, Any] = {}
    for path, value in kept.items():
        _put(out, path, value)
    for unit in chosen:
        if unit.index is None:
            _put(out, unit.path, unit.value)
        else:
            found, items = _get(out, unit.path)
            if not found:
                items = []
                _put(out, unit.path, items)
            items.append(unit.value)
    return _ordered(out, content)


def _ordered(out: dict[str, Any], like: dict[str, Any]) -> dict[str, Any]:
    """``out`` with its fields, and those of its objects, in the order of ``like``."""
    return {
        key: _ordered(out[key], like[key])
        if isinstance(out[key], dict) and isinstance(like[key], dict)
        else out[key]
        for key in like
        if key in out
    }


def context_block(raw: dict[str, Any], state: str, model: str | None) -> ContextBlock | None:
    """The state's compiled Context block, or None when it has none."""
    block = raw.get("Context")
    return ContextBlock(block, state, model) if isinstance(block, dict) else None
