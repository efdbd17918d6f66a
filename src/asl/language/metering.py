"""What the cost intrinsics ask of the running execution's budget.

The runtime answers the context key :data:`METER` (not a string, so no ``$$``
path reaches it) with the execution's meter; the language layer knows only
this protocol, so it imports nothing that prices or enforces.
"""

from __future__ import annotations

from typing import Any, Final, Protocol


class _MeterKey:
    __slots__ = ()

    def __repr__(self) -> str:
        return "METER"


METER: Final = _MeterKey()


class Meter(Protocol):
    def estimate_cost(self, value: Any, model: str) -> float | None:
        """The input price of ``value`` sent to ``model``; None when unknown."""

    def remaining_budget(self) -> float | None:
        """Money left under MaxCost; None when there is no MaxCost."""
