"""What an agent call costs: a user's override table first, then genai-prices' snapshot.

genai-prices ships a price snapshot, used offline only (its network update is
never called, so a run's costs never depend on a download). Its exact
calculation takes about 0.2 ms, too slow for every agent call, so each model's
per-million-token rates are resolved once and applied in plain arithmetic;
the exact calculation is still used where the snapshot's prices depend on the
request (time-of-day prices, or tiers that start at a prompt size).

A model that neither table knows has an unknown price: ``None``, never 0.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from asl.agents.base import Usage
from asl.language.errors import ASLError

PER_MILLION = 1_000_000
NO_TIER = 1 << 62
OVERRIDE_FIELDS = {
    "input": "input",
    "output": "output",
    "cacheRead": "cache_read",
    "cacheWrite": "cache_write",
}


@dataclass(frozen=True, slots=True)
class Rates:
    """USD per million tokens of one model; ``tier_start``: where flat rates stop applying."""

    input: float
    output: float
    cache_read: float
    cache_write: float
    tier_start: int = NO_TIER
    exact: Any = None  # genai-prices' (provider, model) when the flat rates are not enough

    def estimate(self, input_tokens: int, output_tokens: int) -> float:
        if input_tokens >= self.tier_start:
            return _exact(self.exact, Usage(input_tokens, output_tokens))
        return (input_tokens * self.input + output_tokens * self.output) / PER_MILLION

    def cost(self, usage: Usage) -> float:
        if usage.input_tokens >= self.tier_start:
            return _exact(self.exact, usage)
        cached = usage.cache_read_tokens + usage.cache_write_tokens
        if not cached:  # the same sum without its zero terms
            return (
                max(usage.input_tokens, 0) * self.input + usage.output_tokens * self.output
            ) / PER_MILLION
        return (
            max(usage.input_tokens - cached, 0) * self.input
            + usage.cache_read_tokens * self.cache_read
            + usage.cache_write_tokens * self.cache_write
            + usage.output_tokens * self.output
        ) / PER_MILLION


class PriceTable:
    """Prices for every model: ``overrides`` (``{model: {input, output, cacheRead,
    cacheWrite}}`` in USD per million tokens) win over the bundled snapshot."""

    def __init__(self, overrides: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self._overrides = {
            str(model).lower(): _override_rates(str(model), prices)
            for model, prices in (overrides or {}).items()
        }
        # By model name, or by (model, provider) when the provider is given.
        self._cache: dict[str | tuple[str, str], Rates | None] = {}

    def rates(self, model: str | None, provider: str | None = None) -> Rates | None:
        if model is None:
            return None
        key = model if provider is None else (model, provider)
        try:
            return self._cache[key]
        except KeyError:
            pass
        found = self._overrides.get(model.lower()) or _snapshot_rates(model, provider)
        self._cache[key] = found
        return found

    def cost(self, usage: Usage) -> float | None:
        """The price of a call; None when its model is unknown to both tables."""
        rates = self.rates(usage.model, usage.provider)
        return None if rates is None else rates.cost(usage)

    def estimate(self, model: str | None, input_tokens: int, output_tokens: int) -> float | None:
        """The price of a call before it is made (no cache hits assumed)."""
        rates = self.rates(model)
        return None if rates is None else rates.estimate(input_tokens, output_tokens)


def _override_rates(model: str, prices: Any) -> Rates:
    if not isinstance(prices, Mapping) or not {"input", "output"} <= prices.keys():
        raise ASLError(
            "States.Runtime",
            f"The price of '{model}' needs 'input' and 'output' (USD per million tokens), "
            "and may give 'cacheRead' and 'cacheWrite'",
        )
    values: dict[str, float] = {}
    for name, field in OVERRIDE_FIELDS.items():
        value = prices.get(name, prices["input"])
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ASLError(
                "States.Runtime",
                f"The price '{name}' of '{model}' must be a number of USD per million tokens",
            )
        values[field] = float(value)
    return Rates(values["input"], values["output"], values["cache_read"], values["cache_write"])


def _snapshot_rates(model: str, provider: str | None) -> Rates | None:
    from genai_prices import types as genai_types

    snapshot = _snapshot()
    try:
        found_provider, info = snapshot.find_provider_model(model, None, provider, None)
    except LookupError:
        return None
    exact = (found_provider, info)
    if not isinstance(info.prices, genai_types.ModelPrice):  # prices that change with time
        return Rates(0.0, 0.0, 0.0, 0.0, tier_start=0, exact=exact)
    price = info.prices
    fields = {
        "input": price.input_mtok,
        "output": price.output_mtok,
        "cache_read": price.cache_read_mtok,
        "cache_write": price.cache_write_mtok,
    }
    tier_start = NO_TIER
    flat: dict[str, float] = {}
    for field, value in fields.items():
        if value is None:
            value = fields["input"] if field.startswith("cache") else Decimal(0)
        if isinstance(value, genai_types.TieredPrices):
            tier_start = min([tier_start, *(tier.start for tier in value.tiers)])
            value = value.base
        flat[field] = float(value or 0)
    return Rates(
        flat["input"],
        flat["output"],
        flat["cache_read"],
        flat["cache_write"],
        tier_start=tier_start,
        exact=exact,
    )


@functools.cache
def _snapshot() -> Any:
    """genai-prices' bundled snapshot, loaded on first use (it takes most of a second).

    Its tens of thousands of objects live as long as the process, so they are moved
    out of the garbage collector's reach (``gc.freeze``, after a collection): otherwise
    every full collection walks them again, which stalls a busy process for tens of
    milliseconds each time.
    """
    from genai_prices import data_snapshot

    snapshot = data_snapshot.get_snapshot()
    gc.collect()
    gc.freeze()
    return snapshot


def _exact(exact: Any, usage: Usage) -> float:
    import genai_prices

    provider, info = exact
    genai_usage = genai_prices.Usage(
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cache_read_tokens=usage.cache_read_tokens,
        cache_write_tokens=usage.cache_write_tokens,
    )
    calculation = info.calc_price(genai_usage, provider, genai_request_timestamp=datetime.now(UTC))
    return float(calculation.total_price)
