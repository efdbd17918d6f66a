"""The cost report of an execution, as ``result.cost_report`` and the CLI show it.

Money is rounded to nano-dollars (9 decimals) so sums of float prices read
as the amounts they are; calls whose price is unknown are listed under
``unpriced`` and make ``complete`` false instead of counting as free.
"""

from __future__ import annotations

from typing import Any

from asl.budget.accounting import Ledger
from asl.budget.limits import Limits

DECIMALS = 9


def money(value: float) -> float:
    return round(value, DECIMALS)


def usd(value: float) -> str:
    """``$3.00``, or as many decimals as a fraction of a cent needs (``$0.000105``)."""
    cents = value * 100
    if abs(cents - round(cents)) < 1e-7:
        return f"${value:.2f}"
    return "$" + f"{value:.9f}".rstrip("0")


def cost_report(ledger: Ledger, limits: Limits | None, currency: str = "USD") -> dict[str, Any]:
    """The report; money in the Budget's currency (USD amounts times its exchange rate)."""
    factor = limits.rate if limits is not None else 1.0

    def converted(amount: float) -> float:
        return money(amount * factor)

    def costs(table: dict[str, list[float]]) -> dict[str, float]:
        return {name: converted(entry[0]) for name, entry in table.items()}

    def tokens(table: dict[str, list[float]]) -> dict[str, int]:
        return {name: int(entry[1]) for name, entry in table.items()}

    report: dict[str, Any] = {
        "currency": currency,
        "complete": not ledger.unpriced,
        "calls": ledger.calls,
        "costs": {
            "total": converted(ledger.cost),
            "byState": costs(ledger.by_state),
            "byModel": costs(ledger.by_model),
            "byCategory": costs(ledger.by_category),
            "byTag": costs(ledger.by_tag),
            "byAttribution": {key: costs(table) for key, table in ledger.by_attribution.items()},
        },
        "tokens": {
            "total": ledger.tokens,
            "input": ledger.input_tokens,
            "output": ledger.output_tokens,
            "cacheRead": ledger.cache_read_tokens,
            "cacheWrite": ledger.cache_write_tokens,
            "byState": tokens(ledger.by_state),
            "byModel": tokens(ledger.by_model),
        },
        "unpriced": {
            model: {"calls": entry[0], "tokens": entry[1]}
            for model, entry in ledger.unpriced.items()
        },
    }
    if factor != 1.0:
        report["exchangeRate"] = factor
    if limits is not None and (limits.max_cost is not None or limits.max_tokens is not None):
        report["budget"] = {
            "maxCost": None if limits.max_cost is None else converted(limits.max_cost),
            "maxTokens": limits.max_tokens,
            "remainingCost": None
            if limits.max_cost is None
            else converted(max(limits.max_cost - ledger.cost, 0.0)),
            "remainingTokens": None
            if limits.max_tokens is None
            else max(limits.max_tokens - ledger.tokens, 0),
        }
    return report


def summary_lines(report: dict[str, Any]) -> list[str]:
    """The report as a few human lines (``asl run`` writes them on stderr)."""
    costs = report["costs"]
    sign = "$" if report["currency"] == "USD" else ""
    total = f"{sign}{costs['total']:.6f}" + ("" if report["complete"] else " (+ unpriced calls)")
    lines = [
        f"cost: {total} {report['currency']}, {report['tokens']['total']} tokens, "
        f"{report['calls']} agent calls"
    ]
    for state, amount in costs["byState"].items():
        lines.append(
            f"  state {state}: {sign}{amount:.6f}, {report['tokens']['byState'][state]} tokens"
        )
    for model, amount in costs["byModel"].items():
        lines.append(f"  model {model}: {sign}{amount:.6f}")
    for model, entry in report["unpriced"].items():
        lines.append(f"  unpriced {model}: {entry['calls']} calls, {entry['tokens']} tokens")
    budget = report.get("budget")
    if budget is not None:
        lines.append(
            f"  budget: maxCost {budget['maxCost']}, maxTokens {budget['maxTokens']}, "
            f"remaining {sign}{budget['remainingCost']} / {budget['remainingTokens']} tokens"
        )
    return lines
