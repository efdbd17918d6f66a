"""The ledger of one execution: what every agent call spent, summed the ways reports need.

Only sums are kept (by state, model, category, tag and attribution), so the
ledger stays small whatever the number of calls, and it round-trips through
JSON to survive a pause, a resume and a crash.
"""

from __future__ import annotations

from typing import Any

from asl.agents.base import Usage

UNKNOWN_MODEL = "unknown"


class Ledger:
    """Totals of one execution; a call of unknown price adds tokens but no cost."""

    __slots__ = (
        "by_attribution",
        "by_category",
        "by_model",
        "by_state",
        "by_tag",
        "cache_read_tokens",
        "cache_write_tokens",
        "calls",
        "cost",
        "input_tokens",
        "output_tokens",
        "unpriced",
    )

    def __init__(self) -> None:
        self.calls = 0
        self.input_tokens = 0
        self.output_tokens = 0
        self.cache_read_tokens = 0
        self.cache_write_tokens = 0
        self.cost = 0.0
        # name -> [cost, tokens, calls]
        self.by_state: dict[str, list[float]] = {}
        self.by_model: dict[str, list[float]] = {}
        self.by_category: dict[str, list[float]] = {}
        self.by_tag: dict[str, list[float]] = {}
        self.by_attribution: dict[str, dict[str, list[float]]] = {}
        # model -> [calls, tokens] of calls whose price is unknown
        self.unpriced: dict[str, list[int]] = {}

    @property
    def tokens(self) -> int:
        return self.input_tokens + self.output_tokens

    def record(
        self,
        state: str | None,
        usage: Usage,
        cost: float | None,
        category: str | None = None,
        tags: tuple[str, ...] = (),
        attribution: dict[str, str] | None = None,
    ) -> None:
        tokens = usage.input_tokens + usage.output_tokens
        self.calls += 1
        self.input_tokens += usage.input_tokens
        self.output_tokens += usage.output_tokens
        self.cache_read_tokens += usage.cache_read_tokens
        self.cache_write_tokens += usage.cache_write_tokens
        model = usage.model or UNKNOWN_MODEL
        if cost is None:
            entry = self.unpriced.setdefault(model, [0, 0])
            entry[0] += 1
            entry[1] += tokens
            cost = 0.0
        else:
            self.cost += cost
        _add(self.by_state, state or "", cost, tokens)
        _add(self.by_model, model, cost, tokens)
        if category is not None:
            _add(self.by_category, category, cost, tokens)
        for tag in tags:
            _add(self.by_tag, tag, cost, tokens)
        if attribution:
            for key, value in attribution.items():
                _add(self.by_attribution.setdefault(key, {}), value, cost, tokens)

    def state_totals(self, state: str) -> tuple[float, int]:
        entry = self.by_state.get(state)
        return (entry[0], int(entry[1])) if entry is not None else (0.0, 0)

    def snapshot(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "inputTokens": self.input_tokens,
            "outputTokens": self.output_tokens,
            "cacheReadTokens": self.cache_read_tokens,
            "cacheWriteTokens": self.cache_write_tokens,
            "cost": self.cost,
            "byState": self.by_state,
            "byModel": self.by_model,
            "byCategory": self.by_category,
            "byTag": self.by_tag,
            "byAttribution": self.by_attribution,
            "unpriced": self.unpriced,
        }

    @classmethod
    def restore(cls, saved: dict[str, Any]) -> Ledger:
        ledger = cls()
        ledger.calls = int(saved.get("calls", 0))
        ledger.input_tokens = int(saved.get("inputTokens", 0))
        ledger.output_tokens = int(saved.get("outputTokens", 0))
        ledger.cache_read_tokens = int(saved.get("cacheReadTokens", 0))
        ledger.cache_write_tokens = int(saved.get("cacheWriteTokens", 0))
        ledger.cost = float(saved.get("cost", 0.0))
        ledger.by_state = dict(saved.get("byState", {}))
        ledger.by_model = dict(saved.get("byModel", {}))
        ledger.by_category = dict(saved.get("byCategory", {}))
        ledger.by_tag = dict(saved.get("byTag", {}))
        ledger.by_attribution = {k: dict(v) for k, v in saved.get("byAttribution", {}).items()}
        ledger.unpriced = dict(saved.get("unpriced", {}))
        return ledger


def _add(table: dict[str, list[float]], key: str, cost: float, tokens: int) -> None:
    entry = table.get(key)
    if entry is None:
        table[key] = [cost, tokens, 1]
    else:
        entry[0] += cost
        entry[1] += tokens
        entry[2] += 1
