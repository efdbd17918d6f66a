"""What one execution carries while it runs: ids, history, totals and the context object.

An :class:`Execution` is shared by every branch and Map item of a run; a
:class:`Scope` is what differs between them (the Map item being processed).
The context object (``$$``) is built only for states that read it.
"""

from __future__ import annotations

import logging
from collections import ChainMap
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

from asl.agents.base import Usage
from asl.agents.registry import AgentRegistry
from asl.language.metering import METER
from asl.language.variables import VARIABLES
from asl.runtime.clock import Clock
from asl.runtime.history import Event, iso_timestamp

StateEnterHook = Callable[[str, Any], None]
StateExitHook = Callable[[str, Any, float], None]

logger = logging.getLogger("asl.execution")

# ``$$.Execution.RoleArn``: AWS's member, with no IAM role behind it here.
ROLE_ARN = "arn:aws:iam::000000000000:role/asl-engine"


class Concurrency:
    """How many executions, branches and Map items are running in this process.

    A synchronous agent is called inline while it is the only thing running
    (no thread hop for a cheap agent) and in a worker thread as soon as
    anything else could make progress meanwhile.
    """

    active = 0


class Execution:
    """The mutable record of one run."""

    __slots__ = (
        "_time",
        "approval_handler",
        "budget",
        "bus",
        "checkpoints",
        "clock",
        "cost",
        "decisions",
        "durable",
        "events",
        "id",
        "input",
        "input_tokens",
        "machine_name",
        "max_events",
        "memory",
        "on_enter",
        "on_exit",
        "open_store",
        "output_tokens",
        "payload_limit",
        "record",
        "redrive_count",
        "registry",
        "resuming",
        "start_time",
        "top_variables",
    )

    def __init__(
        self,
        execution_id: str,
        machine_name: str,
        execution_input: Any,
        registry: AgentRegistry,
        clock: Clock,
        payload_limit: int,
        on_enter: list[StateEnterHook],
        on_exit: list[StateExitHook],
        max_events: int,
        bus: Any = None,
    ) -> None:
        self.id = execution_id
        self.machine_name = machine_name
        self.input = execution_input
        self.registry = registry
        self.clock = clock
        self._time = clock.time
        self.payload_limit = payload_limit
        self.max_events = max_events
        # Human decisions: who decides at once, and decisions brought by a resume.
        self.approval_handler: Any = None
        # Saves a named checkpoint (name, data, ttl seconds) in the engine's store.
        self.checkpoints: Any = None
        # The store of a durable execution: finished Map items and Parallel branches
        # of top-level states are recorded there, so a resume does not run them again.
        self.durable: Any = None
        # The workflow's Memory settings and the store its Memory blocks use.
        self.memory: tuple[dict[str, Any], Any] = ({}, None)
        # Opens the engine's store, for what states keep there (cached results, Feedback).
        self.open_store: Any = None
        # Decisions brought by a resume: by state name at the top level, by request id
        # inside a branch; and the parked branches of the Map/Parallel a resume re-enters.
        self.decisions: dict[str, Any] = {}
        self.resuming: dict[str, dict[str, Any]] = {}
        self.redrive_count = 0  # $$.Execution.RedriveCount
        # The run's cost accounting and Budget enforcement (asl.budget.Meter), if any.
        self.budget: Any = None
        self.top_variables: MutableMapping[str, Any] = {}
        self.on_enter = on_enter
        self.on_exit = on_exit
        self.start_time = clock.time()
        # The event bus (asl.runtime.events), only when someone listens: then the
        # history publishes what is appended to it.
        self.bus = bus
        self.events: list[Event] = [] if bus is None else bus.history()
        self.input_tokens = 0
        self.output_tokens = 0
        self.cost = 0.0
        events = self.events
        now = self._time

        def record(kind: str, state: str | None, key: str | None, value: Any) -> int:
            events.append((kind, now(), state, key, value))
            return len(events)

        self.record = record

    @property
    def tokens_used(self) -> int:
        return self.input_tokens + self.output_tokens

    def add_usage(self, usage: Usage, state: str | None = None, admission: Any = None) -> None:
        budget = self.budget
        cost = usage.cost if budget is None else budget.account(state, usage, admission)
        self.input_tokens += usage.input_tokens
        self.output_tokens += usage.output_tokens
        self.cost += cost

    def entered_time(self, event_id: int) -> float:
        return self.events[event_id - 1][1]


class ContextObject(dict[str, Any]):
    """The ``$$`` object; it also carries the variables visible to the state.

    Variables are read through the non-string key ``VARIABLES`` (see
    :mod:`asl.language.variables`), answered by ``__missing__`` so they are
    never a member of the object: ``$$`` dumps only AWS's members.
    """

    __slots__ = ("meter", "variables")

    def __init__(
        self, members: dict[str, Any], variables: Mapping[str, Any], meter: Any = None
    ) -> None:
        super().__init__(members)
        self.variables = variables
        self.meter = meter

    def __missing__(self, key: Any) -> Any:
        if key is VARIABLES:
            return self.variables
        if key is METER and self.meter is not None:
            return self.meter
        raise KeyError(key)


Variables = MutableMapping[str, Any]


class Scope:
    """Where in the run a state executes: its Map item (if any) and the variables it sees.

    A Map iteration or Parallel branch that assigns variables gets a child
    scope: it reads the outer variables, and what it assigns stays its own.
    """

    __slots__ = ("branch", "execution", "map_index", "map_value", "nested", "path", "variables")

    def __init__(
        self,
        execution: Execution,
        map_index: int | None = None,
        map_value: Any = None,
        variables: Variables | None = None,
        nested: bool = False,
        path: str = "",
    ) -> None:
        self.execution = execution
        self.map_index = map_index
        self.map_value = map_value
        self.variables: Variables = {} if variables is None else variables
        self.nested = nested  # inside a Map iteration or Parallel branch
        # Where in the run: "Fan[1]/Each[3]/" for a Map item inside a Parallel branch.
        self.path = path
        # Set on the branches of a top-level Map or Parallel: where a state in it may pause.
        self.branch: Any = None

    def child(self, map_index: int | None, map_value: Any, assigns: bool, label: str = "") -> Scope:
        """The scope of a branch or iteration; own variables only when it assigns some."""
        variables = ChainMap({}, self.variables) if assigns else self.variables
        return Scope(
            self.execution,
            map_index,
            map_value,
            variables,
            nested=True,
            path=f"{self.path}{label}/",
        )

    def task_token(self, state: str, entered: int) -> str:
        """``$$.Task.Token`` of a ``.waitForTaskToken`` Task: names the request that ends it."""
        if self.branch is not None:  # a branch of a top-level Map or Parallel
            return f"{self.branch.request_id(self.execution.id, state)}:token"
        return f"{self.execution.id}:{state}:{entered}:token"

    def variables_only(self) -> ContextObject:
        """A context for a state that reads variables but not ``$$``."""
        return ContextObject({}, self.variables)

    def context_object(
        self,
        state_name: str,
        entered_event: int,
        retry_count: int | None = None,
        token: bool = False,
    ) -> ContextObject:
        """The ``$$`` object with AWS's members in AWS's order, plus ASL's usage totals.

        ``State.RetryCount`` exists only for states that retry (Task, Map, Parallel).
        """
        execution = self.execution
        state: dict[str, Any] = {
            "Name": state_name,
            "EnteredTime": iso_timestamp(execution.entered_time(entered_event)),
        }
        if retry_count is not None:
            state["RetryCount"] = retry_count
        context: dict[str, Any] = {
            "Execution": {
                "Id": execution.id,
                "Input": execution.input,
                "StartTime": iso_timestamp(execution.start_time),
                "Name": execution.id,
                "RoleArn": ROLE_ARN,
                "RedriveCount": execution.redrive_count,
                "Cost": execution.cost,
                "TokensUsed": execution.tokens_used,
            },
            "StateMachine": {"Id": execution.machine_name, "Name": execution.machine_name},
            "State": state,
        }
        if self.map_index is not None:
            context["Map"] = {"Item": {"Index": self.map_index, "Value": self.map_value}}
        if token:  # a .waitForTaskToken Task: what the callback sends back
            context["Task"] = {"Token": self.task_token(state_name, entered_event)}
        return ContextObject(context, self.variables, execution.budget)
