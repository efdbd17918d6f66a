"""Budgets and cost: pricing, accounting, limits enforced before spending, alerts, pools."""

from asl.budget.meter import BudgetPlan, Meter, load_report
from asl.budget.pools import read_pool, set_pool_limit
from asl.budget.pricing import PriceTable

__all__ = ["BudgetPlan", "Meter", "PriceTable", "load_report", "read_pool", "set_pool_limit"]
