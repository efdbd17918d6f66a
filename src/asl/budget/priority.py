"""What a state's ``Budget.Priority`` changes in enforcement.

The ASL documents describe the levels in words (critical: never throttle, prefer
expensive models; high: prefer quality, reserve budget from the workflow total;
normal: balance; low: prefer cost savings, use only if budget is available;
background: the cheapest options). The engine turns them into these rules:

* **Models.** The Cascade's ``UseModel`` stages form a ladder from the state's own
  model down to the cheapest (the last stage). A ``normal`` state stands on the rung
  of the last stage that fired; ``high`` one rung above it (its own model until a
  second stage fires), ``low`` one rung below (the first stage's model before any
  fires), ``background`` always on the last rung, ``critical`` on none: it keeps its
  own model, ignores ``Agent`` and ``ReduceQuality`` stages, and is never switched
  by ``OnExceed: UseFallback``.
* **Reserve.** ``low`` and ``background`` calls may use the workflow's ``MaxCost``
  (or pool share) and ``MaxTokens`` only up to ``100% - Reserve`` (default 20%):
  the rest is kept for ``normal`` and higher states. A call that would cut into it
  is refused with ``States.BudgetExceeded``, whatever ``OnExceed`` says.
* **Throttle.** A ``critical`` call never waits for a per-period limit: it goes
  ahead, its spend is counted in the period, and a ``BudgetExceededWarning`` event
  records it.
"""

from __future__ import annotations

from typing import Final

from asl.budget.limits import Stage
from asl.budget.report import usd

RESERVE_BOUND: Final = frozenset({"low", "background"})
CRITICAL: Final = "critical"


def ladder_model(stages: tuple[Stage, ...], fired: list[Stage], priority: str) -> str | None:
    """The Cascade model a state of ``priority`` uses (None: its own model)."""
    ladder = [stage for stage in stages if stage.model]
    if not ladder or priority == CRITICAL:
        return None
    models = [stage.model for stage in ladder]
    # 0: the state's own model; k: the model of the k-th UseModel stage.
    rung = max((k for k, stage in enumerate(ladder, 1) if stage in fired), default=0)
    if priority == "background":
        rung = len(models)
    elif priority == "low":
        rung = min(rung + 1, len(models))
    elif priority == "high":
        rung = max(rung - 1, 0)
    return models[rung - 1] if rung else None


def beyond_share(
    priority: str,
    reserve: float,
    spent_tokens: int,
    max_tokens: int | None,
    spent_cost: float,
    cap: float | None,
    tokens: int,
    cost: float,
) -> str | None:
    """Why a low/background call would cut into the reserve (None: it fits).

    ``spent_*`` count what is spent and what calls in flight reserved.
    """
    share = 1 - reserve / 100
    kept = f"{reserve:g}% is kept for normal and higher priorities"
    if max_tokens is not None and spent_tokens + tokens > max_tokens * share:
        usable = int(max_tokens * share)
        return (
            f"the {usable} of MaxTokens {max_tokens} a {priority}-priority state may use "
            f"({kept}): {spent_tokens} used or reserved, this call needs up to {tokens}"
        )
    if cap is not None and spent_cost + cost > cap * share + 1e-12:
        return (
            f"the {usd(cap * share)} of MaxCost {usd(cap)} a {priority}-priority state may use "
            f"({kept}): {usd(spent_cost)} spent or reserved, this call needs up to {usd(cost)}"
        )
    return None
