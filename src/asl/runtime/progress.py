"""Progress: of the workflow (``Progress.WeightedProgress``), of a state, of a Map, of a Parallel.

Each tracker is an observer on the execution's event bus: it follows the
history events the run records anyway and publishes ``ProgressUpdated``
events (and milestones), so progress costs nothing to a workflow that does
not ask for it. The progress objects:

- workflow and state: ``{percentage, milestone, message, startedAt, updatedAt,
  estimatedRemaining}`` (the object of the ASL chapter on progress);
- Map: ``{total, completed, inProgress, pending, failed, percentage}``;
- Parallel: ``{percentage, branches?}`` (``branches`` with ``PerBranch``).

Every ``details`` also says its ``scope`` (``workflow``, ``state``, ``map``,
``parallel``). Percentages are rounded to one decimal.
"""

from __future__ import annotations

from typing import Any

from asl.runtime.events import MILESTONE, PROGRESS, EventBus
from asl.runtime.history import iso_timestamp


def remaining_text(seconds: float) -> str:
    """A duration as the ASL documents write them: ``42s``, ``5m``, ``2h``."""
    if seconds < 60:
        return f"{round(seconds)}s"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    return f"{round(seconds / 3600)}h"


def progress_object(
    percentage: float,
    started: float,
    updated: float,
    message: str | None = None,
    milestone: str | None = None,
) -> dict[str, Any]:
    """The progress object; ``estimatedRemaining`` extrapolates the time spent so far."""
    remaining: str | None = None
    if percentage >= 100:
        remaining = "0s"
    elif percentage > 0:
        remaining = remaining_text((updated - started) * (100 - percentage) / percentage)
    return {
        "percentage": round(percentage, 1),
        "milestone": milestone,
        "message": message,
        "startedAt": iso_timestamp(started),
        "updatedAt": iso_timestamp(updated),
        "estimatedRemaining": remaining,
    }


def enabled(block: Any) -> bool:
    """A Progress block is on unless it says ``"Enabled": false``."""
    return isinstance(block, dict) and block.get("Enabled", True) is not False


def progress_block(state: dict[str, Any]) -> Any:
    """A state's Progress block, or the one SPECIFICATION.md §11.1 puts in its Streaming.

    ``Streaming {ProgressPath, Milestones}`` reads as ``Progress {Path, Milestones}``
    when the state has no Progress block of its own.
    """
    if "Progress" in state:
        return state["Progress"]
    streaming = state.get("Streaming")
    if isinstance(streaming, dict) and ("ProgressPath" in streaming or "Milestones" in streaming):
        block: dict[str, Any] = {"Milestones": streaming.get("Milestones") or []}
        if "ProgressPath" in streaming:
            block["Path"] = streaming["ProgressPath"]
        return block
    return None


class WorkflowProgress:
    """The workflow's percentage: finished top-level states, weighted by ``WeightedProgress``.

    Unweighted, each top-level state counts one (``TotalStates`` sets the
    denominator, else the number of top-level states). A state visited twice
    counts once; a state with no weight counts zero. The execution's success
    makes it 100.
    """

    def __init__(self, block: dict[str, Any], top_states: list[str]) -> None:
        weights = block.get("WeightedProgress")
        if isinstance(weights, dict) and weights:
            self.weights = {str(k): float(v) for k, v in weights.items()}
            self.total = sum(self.weights.values())
        else:
            self.weights = dict.fromkeys(top_states, 1.0)
            self.total = float(block.get("TotalStates") or len(top_states))
        self.top = frozenset(top_states)
        self.done: set[str] = set()
        self.percentage = 0.0
        self.started: float | None = None

    def observe(self, event: dict[str, Any], at: float, bus: EventBus) -> None:
        kind = event["type"]
        if self.started is None:
            self.started = at
        state = event.get("state")
        if kind.endswith("StateExited") and state in self.top and state not in self.done:
            self.done.add(state)
            done = sum(self.weights.get(name, 0.0) for name in self.done)
            self._publish(
                bus, min(100.0, 100 * done / self.total) if self.total else 0.0, at, state
            )
        elif kind == "ExecutionSucceeded" and self.percentage < 100:
            self._publish(bus, 100.0, at, None)

    def _publish(self, bus: EventBus, percentage: float, at: float, state: str | None) -> None:
        if percentage == self.percentage and percentage != 0:
            return
        self.percentage = percentage
        started = self.started if self.started is not None else at
        details = {"scope": "workflow", **progress_object(percentage, started, at)}
        bus.emit(PROGRESS, state, details)


class StateProgress:
    """A state's own progress: 0 on entry, what its agent reports, 100 when it succeeds.

    Milestones fire once per visit, in ``At`` order, as the percentage reaches
    them. ``Emit`` names the event type of the updates (default
    ``ProgressUpdated``); a milestone's ``Emit`` names its event (default
    ``ProgressMilestone``). Concurrent Map iterations of one state share it.
    """

    def __init__(self, state: str, block: dict[str, Any], entered: str, succeeded: str) -> None:
        self.state = state
        self.entered = entered
        self.succeeded = succeeded
        milestones = block.get("Milestones") or []
        self.milestones: list[dict[str, Any]] = sorted(milestones, key=lambda m: float(m["At"]))
        self.kind = str(block.get("Emit") or PROGRESS)
        self.heartbeat_on_update = block.get("HeartbeatOnUpdate") is True
        self.current: dict[str, Any] = {}
        self.fired = 0
        self.started = 0.0

    def observe(self, event: dict[str, Any], at: float, bus: EventBus) -> None:
        if event.get("state") != self.state:
            return
        if event["type"] == self.entered:
            self.fired = 0
            self.started = at
            self.current = {}
            self._update(bus, 0.0, None, at)
        elif event["type"] == self.succeeded:
            self._update(bus, 100.0, None, at)

    def report(self, bus: EventBus, percentage: float, message: str | None) -> None:
        """An agent's ``context.report_progress``: clamped to 0-100, never backwards."""
        value = max(0.0, min(100.0, float(percentage)))
        self._update(bus, max(value, self.current.get("percentage", 0.0)), message, bus.now())

    def _update(self, bus: EventBus, percentage: float, message: str | None, at: float) -> None:
        reached: list[dict[str, Any]] = []
        while self.fired < len(self.milestones) and percentage >= self.milestones[self.fired]["At"]:
            reached.append(self.milestones[self.fired])
            self.fired += 1
        milestone = self.current.get("milestone")
        if reached:
            milestone = reached[-1].get("Name", milestone)
        if message is None:
            message = self.current.get("message")
        self.current = progress_object(percentage, self.started, at, message, milestone)
        bus.emit(self.kind, self.state, {"scope": "state", **self.current})
        for mark in reached:
            details = {"milestone": mark.get("Name"), "at": mark["At"], "percentage": percentage}
            bus.emit(str(mark.get("Emit") or MILESTONE), self.state, details, event="Milestone")

    def snapshot(self) -> dict[str, Any]:
        return dict(self.current)


class MapProgress:
    """``{total, completed, inProgress, pending, failed, percentage}`` of a Map's items.

    ``AggregateBy``: ``completed`` (default) counts succeeded items in the
    percentage, ``processed`` counts failed ones too. ``PerItem: false``
    publishes only when the Map starts and ends, not after every item.
    """

    def __init__(self, state: str, block: dict[str, Any]) -> None:
        self.state = state
        self.processed = block.get("AggregateBy") == "processed"
        self.per_item = block.get("PerItem", True) is not False
        self.counts = {"total": 0, "completed": 0, "inProgress": 0, "failed": 0}

    def observe(self, event: dict[str, Any], at: float, bus: EventBus) -> None:
        if event.get("state") != self.state:
            return
        counts, kind = self.counts, event["type"]
        if kind == "MapStateStarted":
            counts.update(total=event["details"]["length"], completed=0, inProgress=0, failed=0)
        elif kind == "MapIterationStarted":
            counts["inProgress"] += 1
        elif kind == "MapIterationSucceeded":
            counts["inProgress"] -= 1
            counts["completed"] += 1
        elif kind == "MapIterationFailed":
            counts["inProgress"] -= 1
            counts["failed"] += 1
        else:
            return
        if self.per_item or kind == "MapStateStarted" or self._finished():
            bus.emit(PROGRESS, self.state, self.snapshot())

    def _finished(self) -> bool:
        counts = self.counts
        return counts["completed"] + counts["failed"] >= counts["total"]

    def snapshot(self) -> dict[str, Any]:
        counts = self.counts
        done = counts["completed"] + (counts["failed"] if self.processed else 0)
        total = counts["total"]
        return {
            "scope": "map",
            "total": total,
            "completed": counts["completed"],
            "inProgress": counts["inProgress"],
            "pending": total - counts["completed"] - counts["failed"] - counts["inProgress"],
            "failed": counts["failed"],
            "percentage": round(100 * done / total, 1) if total else 100.0,
        }


class ParallelProgress:
    """A Parallel's percentage from its branches' progress.

    A branch's progress is the share of its states (nested ones included)
    that have finished, and 100 once a state that ends the branch finishes.
    ``Aggregation``: ``average`` (default), ``minimum``, or ``weighted`` by
    ``Weights`` (one number per branch). ``PerBranch`` adds each branch's.
    """

    def __init__(
        self,
        state: str,
        block: dict[str, Any],
        branches: list[tuple[frozenset[str], frozenset[str]]],
    ) -> None:
        self.state = state
        self.branches = branches  # (every state of the branch, the states that end it)
        self.aggregate = str(block.get("Aggregation") or "average")
        weights = block.get("Weights")
        self.weights = [float(w) for w in weights] if isinstance(weights, list) else None
        self.per_branch = block.get("PerBranch") is True
        self.done: list[set[str]] = [set() for _ in branches]
        self.ended = [False] * len(branches)
        self.owner = {name: i for i, (names, _) in enumerate(branches) for name in names}

    def observe(self, event: dict[str, Any], at: float, bus: EventBus) -> None:
        kind, state = event["type"], event.get("state")
        if state == self.state and kind == "ParallelStateStarted":
            self.done = [set() for _ in self.branches]
            self.ended = [False] * len(self.branches)
        elif state == self.state and kind == "ParallelStateSucceeded":
            self.ended = [True] * len(self.branches)
        elif kind.endswith("StateExited") and state in self.owner:
            index = self.owner[state]
            self.done[index].add(state)
            if state in self.branches[index][1]:
                self.ended[index] = True
        else:
            return
        bus.emit(PROGRESS, self.state, self.snapshot())

    def shares(self) -> list[float]:
        return [
            100.0 if ended else 100 * len(done) / max(1, len(names))
            for (names, _), done, ended in zip(self.branches, self.done, self.ended, strict=True)
        ]

    def snapshot(self) -> dict[str, Any]:
        shares = self.shares()
        if self.aggregate == "minimum":
            percentage = min(shares, default=100.0)
        elif self.aggregate == "weighted" and self.weights and sum(self.weights):
            percentage = sum(s * w for s, w in zip(shares, self.weights, strict=False)) / sum(
                self.weights
            )
        else:
            percentage = sum(shares) / len(shares) if shares else 100.0
        details: dict[str, Any] = {"scope": "parallel", "percentage": round(percentage, 1)}
        if self.per_branch:
            details["branches"] = [round(share, 1) for share in shares]
        return details
