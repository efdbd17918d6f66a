"""One execution's budget: accounting after every agent call, enforcement before it.

Before a call (:meth:`Meter.admit`) the input is counted with a real tokenizer
and the worst-case output taken from the state's ``MaxOutputTokens``; the call
goes ahead only if what is spent, plus what calls in flight have reserved,
plus this estimate stays within every limit. The estimate is reserved in the
same step (no ``await`` in between, so concurrent Map items and Parallel
branches cannot all pass the same check), and released when the call settles
with the usage it reports (:meth:`Meter.account`, :meth:`Meter.after_call`).
So a budget is overspent only by what a call uses beyond its own estimate.

Limits shared with other executions (pools, per-period and per-``TrackBy``
limits) are reserved the same way in the store (:mod:`asl.budget.pools`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

from asl.agents.base import Usage
from asl.budget.accounting import Ledger
from asl.budget.alerts import deliver
from asl.budget.limits import (
    Limits,
    Stage,
    StateBudget,
    WorkflowBudget,
    compile_state_budget,
    compile_workflow_budget,
    parse_count,
    parse_money,
    resolve_limits,
)
from asl.budget.pools import Counters, counters_for, pool_key
from asl.budget.pricing import PriceTable
from asl.budget.priority import CRITICAL, RESERVE_BOUND, beyond_share, ladder_model
from asl.budget.report import cost_report, money, usd
from asl.language.errors import BUDGET_EXCEEDED, RUNTIME, ASLError
from asl.language.tokens import count_text, count_tokens, token_bound, token_text
from asl.runtime.dataflow import located
from asl.runtime.pause import Paused

logger = logging.getLogger("asl.budget")

SNAPSHOTS = "asl.budget"  # memory namespace: each execution's budget state, by id
DECISION_OPTIONS = ["raise", "stop"]
HOUR, DAY = 3600.0, 86400.0


class BudgetPlan:
    """What an engine knows about budgets: the workflow's Budget, prices, state Budgets."""

    def __init__(self, definition: dict[str, Any], prices: PriceTable) -> None:
        # A Budget that cannot be used fails each execution at its start, with the reason.
        self.error: ASLError | None = None
        self.workflow: WorkflowBudget | None = None
        try:
            self.workflow = compile_workflow_budget(definition.get("Budget"))
        except ASLError as error:
            self.error = error
        self.prices = prices
        self._states: dict[str, StateBudget | None] = {}

    def state(self, name: str, raw: Any) -> StateBudget | None:
        try:
            return self._states[name]
        except KeyError:
            found = self._states[name] = compile_state_budget(name, raw)
            return found


@dataclass(slots=True, eq=False)  # compared and hashed by identity (Meter._loose)
class Admission:
    """A call that may go ahead: the model and agent it uses and what it reserved."""

    state: str
    model: str | None
    agent: str | None = None
    reduce_quality: bool = False
    tokens: int = 0
    cost: float = 0.0
    calls: str = ""  # the agent called
    category: str | None = None
    tags: tuple[str, ...] = ()
    attribution: dict[str, str] | None = None
    shared: list[tuple[str, float]] | None = None  # store counters reserved
    # While the reservation counts the input's bytes, not its tokens: what an exact
    # count needs (the input's text, the model priced, the worst-case output).
    pending: tuple[str, str | None, int] | None = None


class Meter:
    """The budget of one execution; the runtime calls it around every agent call."""

    def __init__(
        self,
        plan: BudgetPlan,
        execution: Any,
        store: Callable[[], Awaitable[Any]],
        notifier: Any,
    ) -> None:
        self.plan = plan
        self.prices = plan.prices
        self.workflow = plan.workflow
        self.execution = execution
        self._store = store
        self.notifier = notifier
        self.ledger = Ledger()
        self._cap: float | None = None
        # Below these spent totals (cost, tokens) no fallback stage has fired, and no
        # alert is due (see the limits setter and _next_alert).
        self._stages_below: tuple[float, float] = (INF, INF)
        self._alert_below: tuple[float, float] = (INF, INF)
        self.reserved_tokens = 0
        self.reserved_cost = 0.0
        self.state_reserved: dict[str, list[float]] = {}
        self.alerts_sent: list[float] = []
        self.stages_seen: list[int] = []
        self.stages_acknowledged: list[int] = []
        self.warned = False
        self.pool_held = False
        self.models_seen: dict[str, str] = {}
        # Whether calls also reserve from store counters (per-period and TrackBy limits).
        self.shares = False
        # Set once OnExceed UseFallback had to switch: every later call uses it too.
        self.forced_model: str | None = None
        self._counters: Counters | None = None
        self._notices: list[tuple[tuple[str, ...], str, dict[str, Any], str]] = []
        # Calls in flight whose reservation is still a byte bound (see admit).
        self._loose: set[Admission] = set()
        self.limits = None

    # -- the run --------------------------------------------------------------------------

    async def begin(self, resumed: bool) -> None:
        """Resolve the limits (or load them back on resume) and take the pool share."""
        if self.plan.error is not None:
            raise self.plan.error
        if resumed and await self._load():
            return
        if self.workflow is None:
            return
        self.limits = resolve_limits(self.workflow, self.execution.input)
        self.shares = _shares(self.workflow, self.limits)
        if self.workflow.pool is not None and self.limits.from_pool is not None:
            counters = await self._shared()
            taken = await counters.reserve(
                pool_key(self.workflow.pool), self.limits.from_pool, None, None
            )
            if not taken:
                raise ASLError(
                    BUDGET_EXCEEDED,
                    f"The budget pool '{self.workflow.pool}' cannot give "
                    f"{usd(self.limits.from_pool)} (MaxFromPool): it is used up or not created",
                )
            self.pool_held = True
            await self.save()  # a recovery after a crash must not take the share twice

    async def end(self, status: str) -> None:
        """Return the pool share (unless paused) and save the final budget state."""
        await self.flush()  # what a pause or a failure had to tell
        if self.pool_held and status != "PAUSED" and self.workflow is not None:
            assert self.limits is not None and self.limits.from_pool is not None
            share = self.limits.from_pool
            used = self.ledger.cost if self.workflow.release_on_complete else share
            await (await self._shared()).settle(pool_key(self.workflow.pool or ""), share, used)
            self.pool_held = False
        stored = status == "PAUSED" or self.execution.durable is not None
        if stored and (self.ledger.calls or self.workflow is not None):
            await self.save()

    # -- accounting -----------------------------------------------------------------------

    def account(self, state: str | None, usage: Usage, admission: Admission | None = None) -> float:
        """Record a call's usage; returns its cost (0 when unknown: listed as unpriced)."""
        if usage.cost:
            cost: float | None = usage.cost
        elif usage.input_tokens or usage.output_tokens:
            cost = self.prices.cost(usage)
        else:
            cost = 0.0
        if admission is not None:
            if usage.model is not None:
                self.models_seen[admission.calls] = usage.model
            self.ledger.record(
                state, usage, cost, admission.category, admission.tags, admission.attribution
            )
            below_cost, below_tokens = self._alert_below
            ledger = self.ledger
            if ledger.cost >= below_cost or ledger.tokens >= below_tokens:
                self._check_alerts()
                self._next_alert()
        else:
            self.ledger.record(state, usage, cost)
        return cost or 0.0

    # -- enforcement ----------------------------------------------------------------------

    async def admit(
        self, task: Any, data: Any, parameters: Any, scope: Any, entered: int
    ) -> Admission:
        """Decide whether a Task's call may run, with which model, and reserve its estimate."""
        name = task.name
        execution = self.execution
        state_budget = self.plan.state(name, task.budget_block)
        if execution.decisions:
            decision = execution.decisions.get(name)
            if isinstance(decision, dict) and decision.get("approval") in DECISION_OPTIONS:
                execution.decisions.pop(name)
                self._decided(name, decision, entered)
        priority = state_budget.priority if state_budget is not None else "normal"
        critical = priority == CRITICAL  # keeps its model: no fallback, forced or staged
        model = task.model_hint if critical else self.forced_model or task.model_hint
        agent = None
        reduce = False
        ledger = self.ledger
        below_cost, below_tokens = self._stages_below
        workflow = self.workflow
        if (
            workflow is not None
            and workflow.stages
            # low and background move down the ladder before any stage fires
            and (
                priority in RESERVE_BOUND
                or ledger.cost >= below_cost
                or ledger.tokens >= below_tokens
            )
        ):
            fired = self._fired_stages(name)
            if fired or priority in RESERVE_BOUND:
                staged = ladder_model(workflow.stages, fired, priority)
                if not critical:
                    model = self.forced_model or staged or task.model_hint
                    agent = next((st.agent for st in reversed(fired) if st.agent), None)
                    reduce = any(st.action == "ReduceQuality" for st in fired)
                waiting = [st for st in fired if st.action == "PauseAndNotify"]
                if waiting and waiting[-1].index not in self.stages_acknowledged:
                    raise self._pause(task, data, scope, entered, "the fallback cascade pauses")
        # Without a model named, the model this agent reported last time is priced.
        calls = agent or task.agent_name
        priced = model or self.models_seen.get(calls)
        output_tokens = state_budget.max_output_tokens if state_budget else None
        worst_output = output_tokens or 0
        # The input's UTF-8 bytes bound its tokens from above: when the bound fits every
        # limit, so does the exact count, and tokenizing can wait until some call does
        # not fit (_tighten). A store counter holds the estimate itself: exact at once.
        text = token_text(parameters)
        pending: tuple[str, str | None, int] | None = None
        if self.shares:
            input_tokens = count_text(text, priced)
        else:
            input_tokens = token_bound(text)
            pending = (text, priced, worst_output)
        tokens = input_tokens + worst_output
        cost = self.prices.estimate(priced, input_tokens, worst_output) or 0.0
        verdict = self._verdict(name, state_budget, priority, input_tokens, tokens, cost)
        if verdict is not None and pending is not None:
            self._tighten()
            pending = None
            input_tokens = count_text(text, priced)
            tokens = input_tokens + worst_output
            cost = self.prices.estimate(priced, input_tokens, worst_output) or 0.0
            verdict = self._verdict(name, state_budget, priority, input_tokens, tokens, cost)
        if verdict is not None:
            of_state, problem = verdict
            if of_state:
                raise located(
                    ASLError(BUDGET_EXCEEDED, f"The call would exceed {problem}"), name, entered
                )
            model, cost = self._over_limit(
                task, data, parameters, scope, entered, problem, model, worst_output, critical
            )
        category: str | None = None
        tags: tuple[str, ...] = ()
        attribution: dict[str, str] | None = None
        if state_budget is not None:
            category, tags = state_budget.category, state_budget.tags
            if state_budget.attribution:
                try:
                    attribution = {
                        key: str(setting.resolve(data))
                        for key, setting in state_budget.attribution.items()
                    }
                except ASLError as error:
                    raise located(error, name, entered) from None
        # Positional: a dataclass's keyword arguments cost more than all the rest of it.
        admission = Admission(
            name,
            model,
            agent,
            reduce,
            tokens,
            cost,
            calls,
            category,
            tags,
            attribution,
            None,
            pending,
        )
        self._hold(name, tokens, cost)
        if pending is not None:
            self._loose.add(admission)
        if self.shares:
            await self._reserve_shared(admission, task, entered, critical)
        return admission

    async def after_call(self, admission: Admission, usage: Usage | None) -> None:
        """Release the call's reservation (its usage was accounted) and send notices."""
        self.reserved_tokens -= admission.tokens
        self.reserved_cost -= admission.cost
        held = self.state_reserved[admission.state]
        held[0] -= admission.cost
        held[1] -= admission.tokens
        if admission.pending is not None:
            self._loose.remove(admission)
        if admission.shared:
            counters = await self._shared()
            spent = 0.0
            if usage is not None:
                spent = usage.cost or (self.prices.cost(usage) or 0.0)
            for key, amount in admission.shared:
                await counters.settle(key, amount, spent)
        if self._notices:
            await self.flush()
        if self.execution.durable is not None:
            await self.save()

    def _hold(self, state: str, tokens: int, cost: float) -> None:
        """Add to the reservations of the run and of the state (a negative amount releases)."""
        self.reserved_tokens += tokens
        self.reserved_cost += cost
        held = self.state_reserved.get(state)
        if held is None:
            self.state_reserved[state] = [cost, tokens]
        else:
            held[0] += cost
            held[1] += tokens

    def _tighten(self) -> None:
        """Count the inputs of the calls in flight exactly, shrinking their reservations."""
        for admission in self._loose:
            assert admission.pending is not None
            text, priced, worst_output = admission.pending
            input_tokens = count_text(text, priced)
            tokens = input_tokens + worst_output
            cost = self.prices.estimate(priced, input_tokens, worst_output) or 0.0
            self._hold(admission.state, tokens - admission.tokens, cost - admission.cost)
            admission.tokens, admission.cost, admission.pending = tokens, cost, None
        self._loose.clear()

    def _verdict(
        self,
        name: str,
        budget: StateBudget | None,
        priority: str,
        input_tokens: int,
        tokens: int,
        cost: float,
    ) -> tuple[bool, str] | None:
        """None when the call fits; else whether the call is refused whatever OnExceed
        says (a state limit, or the reserve a low-priority call may not touch), and why."""
        if budget is not None and (
            budget.max_tokens is not None
            or budget.max_cost is not None
            or budget.max_input_tokens is not None
        ):
            problem = self._state_problem(name, budget, input_tokens, tokens, cost)
            if problem is not None:
                return True, problem
        if priority in RESERVE_BOUND:
            problem = self._reserve_problem(priority, tokens, cost)
            if problem is not None:
                return True, problem
        problem = self._exceeds(tokens, cost)
        return None if problem is None else (False, problem)

    def _exceeds(self, tokens: int, cost: float) -> str | None:
        limits = self._limits
        if limits is None:
            return None
        ledger = self.ledger
        spent_tokens = ledger.input_tokens + ledger.output_tokens + self.reserved_tokens
        if limits.max_tokens is not None and spent_tokens + tokens > limits.max_tokens:
            return (
                f"MaxTokens {limits.max_tokens}: {self.ledger.tokens} used, "
                f"{self.reserved_tokens} reserved by calls in flight, "
                f"this call needs up to {tokens}"
            )
        cap = self._cap
        spent = ledger.cost + self.reserved_cost
        if cap is not None and spent + cost > cap + 1e-12:
            return (
                f"MaxCost {usd(cap)}: {usd(self.ledger.cost)} spent, "
                f"{usd(self.reserved_cost)} reserved by calls in flight, "
                f"this call needs up to {usd(cost)}"
            )
        return None

    @property
    def limits(self) -> Limits | None:
        return self._limits

    @limits.setter
    def limits(self, limits: Limits | None) -> None:
        """Also keep the money limit in force: MaxCost, or the pool share if smaller,
        and the spent cost and tokens from which a fallback stage may have fired."""
        self._limits = limits
        caps = [] if limits is None else [limits.max_cost, limits.from_pool]
        given = [cap for cap in caps if cap is not None]
        self._cap = min(given) if given else None
        below_cost, below_tokens = INF, INF
        for stage in self.workflow.stages if self.workflow is not None else ():
            when = stage.when
            if when.kind == "always":
                below_cost = -INF
            elif limits is None:
                continue
            elif when.kind == "cost" and self._cap is not None:  # as _fired compares
                below_cost = min(below_cost, self._cap * when.percent / 100 - 1e-12)
            elif when.kind == "tokens" and limits.max_tokens is not None:
                below_tokens = min(below_tokens, limits.max_tokens * when.percent / 100)
        self._stages_below = (below_cost, below_tokens)
        self._next_alert()

    def _max_cost(self) -> float | None:
        return self._cap

    def _over_limit(
        self,
        task: Any,
        data: Any,
        parameters: Any,
        scope: Any,
        entered: int,
        problem: str,
        model: str | None,
        output_tokens: int,
        critical: bool = False,
    ) -> tuple[str | None, float]:
        """OnExceed: fail, pause, fall back to a cheaper model, or continue with a warning."""
        assert self.workflow is not None
        action = self.workflow.on_exceed
        name = task.name
        if action == "Continue":
            if not self.warned:
                self.warned = True
                logger.warning(
                    "execution %s: budget exceeded at %s: %s", self.execution.id, name, problem
                )
                self.execution.record("BudgetExceededWarning", name, None, {"reason": problem})
            estimate = self.prices.estimate(model, count_tokens(parameters, model), output_tokens)
            return model, estimate or 0.0
        if action == "UseFallback" and critical:
            problem += "; a critical state is not moved to a cheaper fallback model"
        elif action == "UseFallback":
            for stage in reversed(self.workflow.stages):
                if stage.model and stage.model != model:
                    tokens = count_tokens(parameters, stage.model)
                    cost = self.prices.estimate(stage.model, tokens, output_tokens) or 0.0
                    if self._exceeds(tokens + output_tokens, cost) is None:
                        self.forced_model = stage.model
                        self.execution.record(
                            "BudgetFallback", name, None, {"model": stage.model, "reason": problem}
                        )
                        return stage.model, cost
                    break
        if action == "PauseAndNotify":
            raise self._pause(task, data, scope, entered, problem)
        if action == "Throttle":
            problem += (
                "; OnExceed Throttle waits only for per-period limits, and this limit does "
                "not free up over time"
            )
        raise located(ASLError(BUDGET_EXCEEDED, f"The call would exceed {problem}"), name, entered)

    def _state_problem(
        self,
        name: str,
        budget: StateBudget,
        input_tokens: int,
        tokens: int,
        cost: float,
    ) -> str | None:
        problem = None
        spent_cost, spent_tokens = self.ledger.state_totals(name)
        held = self.state_reserved.get(name) or _NOTHING_HELD
        if budget.max_input_tokens is not None and input_tokens > budget.max_input_tokens:
            problem = (
                f"the state's MaxInputTokens {budget.max_input_tokens}: the input has "
                f"{input_tokens} tokens"
            )
        elif budget.max_tokens is not None and spent_tokens + held[1] + tokens > budget.max_tokens:
            problem = (
                f"the state's MaxTokens {budget.max_tokens}: {spent_tokens} used, this call "
                f"needs up to {tokens}"
            )
        elif budget.max_cost is not None and spent_cost + held[0] + cost > budget.max_cost + 1e-12:
            problem = (
                f"the state's MaxCost {usd(budget.max_cost)}: {usd(spent_cost)} spent, this "
                f"call needs up to {usd(cost)}"
            )
        return problem

    def _reserve_problem(self, priority: str, tokens: int, cost: float) -> str | None:
        """A low/background call may not cut into the reserve kept for the others."""
        limits = self.limits
        if limits is None or self.workflow is None:
            return None
        return beyond_share(
            priority,
            self.workflow.reserve,
            self.ledger.tokens + self.reserved_tokens,
            limits.max_tokens,
            self.ledger.cost + self.reserved_cost,
            self._max_cost(),
            tokens,
            cost,
        )

    def _fired_stages(self, state: str) -> list[Stage]:
        """The fallback stages whose triggers have fired, in cascade order."""
        if self.workflow is None or not self.workflow.stages:
            return []
        fired = [stage for stage in self.workflow.stages if self._fired(stage)]
        for stage in fired:
            if stage.index not in self.stages_seen:
                self._activated(state, stage)
        return fired

    def _activated(self, state: str, stage: Stage) -> None:
        assert self.workflow is not None
        self.stages_seen.append(stage.index)
        details = {
            "stage": stage.index,
            "model": stage.model,
            "agent": stage.agent,
            "action": stage.action,
        }
        self.execution.record("BudgetFallbackActivated", state, None, details)
        if stage.notify:
            recipients = self.workflow.notify if stage.notify == ("*",) else stage.notify
            what = stage.model or stage.agent or stage.action or ""
            request_id = f"{self.execution.id}:budget-fallback:{stage.index}"
            self._notices.append(
                (
                    recipients,
                    f"Budget fallback activated at {state}: {what}",
                    {**details, "requestId": request_id},
                    "log",
                )
            )

    def _fired(self, stage: Stage) -> bool:
        when = stage.when
        if when.kind == "always":
            return True
        limits = self.limits
        if limits is None:
            return False
        if when.kind == "cost":
            cap = self._max_cost()
            return cap is not None and self.ledger.cost >= cap * when.percent / 100 - 1e-12
        return (
            limits.max_tokens is not None
            and self.ledger.tokens >= limits.max_tokens * when.percent / 100
        )

    def _next_alert(self) -> None:
        """Where the first alert not sent yet is due, as _check_alerts compares."""
        self._alert_below = (INF, INF)
        if self.workflow is None or self.limits is None:
            return
        cap = self._max_cost()
        for alert in self.workflow.alerts:
            if alert.percent in self.alerts_sent:
                continue
            if cap is not None:
                self._alert_below = (cap * alert.percent / 100 - 1e-12, INF)
            elif self.limits.max_tokens is not None:
                self._alert_below = (INF, self.limits.max_tokens * alert.percent / 100)
            return

    def _check_alerts(self) -> None:
        if self.workflow is None or not self.workflow.alerts or self.limits is None:
            return
        cap = self._max_cost()
        for alert in self.workflow.alerts:
            if alert.percent in self.alerts_sent:
                continue
            if cap is not None:
                if self.ledger.cost < cap * alert.percent / 100 - 1e-12:
                    return  # alerts are sorted: no later one is reached either
                measure = f"{usd(self.ledger.cost)} of {usd(cap)}"
            elif self.limits.max_tokens is not None:
                if self.ledger.tokens < self.limits.max_tokens * alert.percent / 100:
                    return
                measure = f"{self.ledger.tokens} of {self.limits.max_tokens} tokens"
            else:
                return
            self.alerts_sent.append(alert.percent)
            at = f"{alert.percent:g}%"
            message = alert.message or f"Budget at {at}: {measure}"
            details = {
                "requestId": f"{self.execution.id}:budget-alert:{at}",
                "executionId": self.execution.id,
                "at": at,
                "cost": money(self.ledger.cost),
                "tokens": self.ledger.tokens,
                "channel": alert.channel,
                "priority": alert.priority,
            }
            self.execution.record("BudgetAlert", None, None, {"at": at, "message": message})
            self._notices.append(
                (alert.notify or self.workflow.notify, message, details, alert.channel)
            )

    async def flush(self) -> None:
        notices, self._notices = self._notices, []
        for recipients, message, details, channel in notices:
            await deliver(self.notifier, channel, list(recipients), message, details)

    # -- pausing for a person -------------------------------------------------------------

    def _pause(self, task: Any, data: Any, scope: Any, entered: int, problem: str) -> Exception:
        if scope.nested:
            return located(
                ASLError(
                    RUNTIME,
                    f"The budget would pause inside a Map or Parallel ({problem}); a budget "
                    "with OnExceed PauseAndNotify pauses only at top-level states",
                ),
                task.name,
                entered,
            )
        request = {
            "type": "budget",
            "requestId": f"{self.execution.id}:{task.name}:{entered}:budget",
            "state": task.name,
            "prompt": f"The budget is exhausted at '{task.name}': {problem}. Raise the limit "
            '({"approval": "raise", "maxCost": "$10.00", "maxTokens": 50000}) or stop.',
            "options": DECISION_OPTIONS,
            "budget": cost_report(self.ledger, self.limits).get("budget"),
        }
        recipients = self.workflow.notify if self.workflow is not None else ()
        self._notices.append((recipients, request["prompt"], request, "log"))
        return Paused(task.name, data, request)

    def _decided(self, state: str, decision: dict[str, Any], entered: int) -> None:
        if decision["approval"] == "stop":
            who = decision.get("approver", "a person")
            raise located(
                ASLError(BUDGET_EXCEEDED, f"The budget was exhausted and {who} chose to stop"),
                state,
                entered,
            )
        limits = self.limits or Limits(None, None)
        if "maxCost" in decision:  # in the Budget's currency, like MaxCost
            raised = parse_money(decision["maxCost"], "maxCost") / limits.rate
            limits = replace(limits, max_cost=raised)
        if "maxTokens" in decision:
            limits = replace(limits, max_tokens=parse_count(decision["maxTokens"], "maxTokens"))
        self.limits = limits
        for stage in self.workflow.stages if self.workflow else ():
            if stage.action == "PauseAndNotify" and self._fired(stage):
                self.stages_acknowledged.append(stage.index)
        self.execution.record(
            "BudgetRaised",
            state,
            None,
            {"maxCost": limits.max_cost, "maxTokens": limits.max_tokens},
        )

    # -- shared limits ------------------------------------------------------------------

    async def _shared(self) -> Counters:
        if self._counters is None:
            self._counters = counters_for(await self._store())
        return self._counters

    async def _reserve_shared(
        self, admission: Admission, task: Any, entered: int, critical: bool = False
    ) -> None:
        workflow, limits = self.workflow, self.limits
        if workflow is None or limits is None:
            return
        now = self.execution.clock.time()
        scope = limits.tracked or self.execution.machine_name
        wanted: list[tuple[str, float, float]] = []
        if limits.per_hour is not None:
            wanted.append((f"rate:{scope}:hour:{int(now // HOUR)}", limits.per_hour, HOUR))
        if limits.per_day is not None:
            wanted.append((f"rate:{scope}:day:{int(now // DAY)}", limits.per_day, DAY))
        if limits.tracked is not None and workflow.reset_period and limits.max_cost is not None:
            period = workflow.reset_period
            wanted.append(
                (f"track:{limits.tracked}:{period:g}:{int(now // period)}", limits.max_cost, period)
            )
        if not wanted:
            return
        counters = await self._shared()
        for key, limit, period in wanted:
            reserved = admission.cost
            while not await counters.reserve(key, admission.cost, limit, period * 2):
                action = workflow.on_exceed
                beyond = f"the limit of {usd(limit)} per {_period_name(period)} ({key})"
                if action == "Continue" or (action == "Throttle" and critical):
                    # It goes ahead: nothing reserved, its spend still counts in the period.
                    reserved = 0.0
                    if action == "Throttle" or not self.warned:
                        self.warned = self.warned or action == "Continue"
                        reason = beyond if action == "Continue" else f"{beyond}; critical"
                        self.execution.record(
                            "BudgetExceededWarning", task.name, None, {"reason": reason}
                        )
                    break
                if action == "Throttle" and admission.cost > limit + 1e-12:
                    beyond += (
                        f": this call alone needs up to {usd(admission.cost)}, so throttling "
                        "cannot help"
                    )
                elif action == "Throttle":
                    self.execution.record("BudgetThrottled", task.name, None, {"key": key})
                    await self.execution.clock.sleep(workflow.throttle_delay)
                    now = self.execution.clock.time()
                    key = key.rsplit(":", 1)[0] + f":{int(now // period)}"
                    continue
                await self.after_call(admission, None)
                raise located(
                    ASLError(BUDGET_EXCEEDED, f"The call would exceed {beyond}"),
                    task.name,
                    entered,
                )
            if admission.shared is None:
                admission.shared = []
            admission.shared.append((key, reserved))

    # -- persistence ----------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        limits = self.limits
        return {
            "ledger": self.ledger.snapshot(),
            "limits": None
            if limits is None
            else {
                "maxCost": limits.max_cost,
                "maxTokens": limits.max_tokens,
                "perHour": limits.per_hour,
                "perDay": limits.per_day,
                "tracked": limits.tracked,
                "fromPool": limits.from_pool,
                "rate": limits.rate,
            },
            "currency": self.workflow.currency if self.workflow is not None else "USD",
            "alertsSent": self.alerts_sent,
            "stagesSeen": self.stages_seen,
            "stagesAcknowledged": self.stages_acknowledged,
            "warned": self.warned,
            "poolHeld": self.pool_held,
            "forcedModel": self.forced_model,
        }

    async def save(self) -> None:
        store = await self._store()
        await store.set_memory(SNAPSHOTS, self.execution.id, self.snapshot())

    async def _load(self) -> bool:
        store = await self._store()
        entry = await store.get_memory(SNAPSHOTS, self.execution.id)
        if entry is None or not isinstance(entry.value, dict):
            return False
        saved = entry.value
        self.ledger = Ledger.restore(saved.get("ledger") or {})
        limits = saved.get("limits")
        if isinstance(limits, dict):
            self.limits = Limits(
                limits.get("maxCost"),
                limits.get("maxTokens"),
                limits.get("perHour"),
                limits.get("perDay"),
                limits.get("tracked"),
                limits.get("fromPool"),
                limits.get("rate", 1.0),
            )
        if self.workflow is not None and self.limits is not None:
            self.shares = _shares(self.workflow, self.limits)
        self.alerts_sent = list(saved.get("alertsSent", []))
        self._next_alert()
        self.stages_seen = list(saved.get("stagesSeen", []))
        self.stages_acknowledged = list(saved.get("stagesAcknowledged", []))
        self.warned = bool(saved.get("warned"))
        self.pool_held = bool(saved.get("poolHeld"))
        self.forced_model = saved.get("forcedModel")
        execution = self.execution
        execution.input_tokens = self.ledger.input_tokens
        execution.output_tokens = self.ledger.output_tokens
        execution.cost = self.ledger.cost
        return True

    # -- intrinsics and reports -----------------------------------------------------------

    def estimate_cost(self, value: Any, model: str) -> float | None:
        cost = self.prices.estimate(model, count_tokens(value, model), 0)
        return None if cost is None else money(cost)

    def remaining_budget(self) -> float | None:
        cap = self._max_cost()
        if cap is None:
            return None
        rate = self.limits.rate if self.limits is not None else 1.0
        return money(max(cap - self.ledger.cost, 0.0) * rate)  # in the Budget's currency

    def report(self) -> dict[str, Any]:
        currency = self.workflow.currency if self.workflow is not None else "USD"
        return cost_report(self.ledger, self.limits, currency)


_NOTHING_HELD = (0.0, 0)
INF = float("inf")


def _shares(workflow: WorkflowBudget, limits: Limits) -> bool:
    tracked = limits.tracked is not None and workflow.reset_period is not None
    return limits.per_hour is not None or limits.per_day is not None or tracked


def _period_name(seconds: float) -> str:
    return {HOUR: "hour", DAY: "day"}.get(seconds, f"{seconds:g} s")


async def load_report(store: Any, execution_id: str) -> dict[str, Any] | None:
    """The cost report an execution saved in a store (``asl executions show``)."""
    entry = await store.get_memory(SNAPSHOTS, execution_id)
    if entry is None or not isinstance(entry.value, dict):
        return None
    saved = entry.value
    limits = saved.get("limits")
    resolved = None
    if isinstance(limits, dict):
        rate = limits.get("rate", 1.0)
        resolved = Limits(limits.get("maxCost"), limits.get("maxTokens"), rate=rate)
    ledger = Ledger.restore(saved.get("ledger") or {})
    return cost_report(ledger, resolved, saved.get("currency", "USD"))
