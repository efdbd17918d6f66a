"""Deterministic stand-ins for the fulfilment agents: a stock table and a fake carrier."""

from __future__ import annotations

from typing import Any

from asl import AgentRegistry

STOCK = {"mug": (12, 8.5), "tee": (3, 19.0), "poster": (0, 12.0)}


def reserve(parameters: dict[str, Any]) -> dict[str, Any]:
    available, unit_price = STOCK.get(parameters["sku"], (0, 0.0))
    return {"reserved": available >= parameters["quantity"], "unitPrice": unit_price}


async def ship(parameters: dict[str, Any]) -> dict[str, Any]:
    return {"tracking": f"TRK-{parameters['orderId']}-{parameters['shipping'][0].upper()}"}


def register(registry: AgentRegistry) -> None:
    registry.register("Warehouse", reserve)
    registry.register("Carrier", ship)
