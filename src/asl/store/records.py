"""The values a store keeps: frozen records, JSON inside, nothing pickled.

Every record is immutable so that a value read from a store can be handed to
the runtime (or to several tasks) without anyone changing what another holds.
Times are seconds since the epoch (``time.time()``), because they must mean the
same thing in every process that opens the same SQLite file or Redis database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias

JSON: TypeAlias = "dict[str, JSON] | list[JSON] | str | int | float | bool | None"
"""A JSON value: what every payload in a store must be (it is stored as JSON text)."""

ExecutionStatus = Literal["RUNNING", "PAUSED", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]
"""Where an execution is in its lifecycle.

- ``RUNNING``: created, or resumed, and not finished; transitions may be committed.
  After a crash a RUNNING execution whose lease has expired is the one to resume.
- ``PAUSED``: waiting for something outside the workflow (an Approval decision, a
  callback); the next committed transition makes it RUNNING again.
- ``SUCCEEDED``: reached a Succeed state or an End; ``output`` is the final output.
- ``FAILED``: ended with an error no Catch handled; ``error`` and ``cause`` say why.
- ``TIMED_OUT``: the workflow's ``TimeoutSeconds`` elapsed (``States.Timeout``).
- ``ABORTED``: stopped from outside (a user or an operator), not by the workflow.

The last four are final: nothing may be committed to a finished execution.
"""

FinalStatus = Literal["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]
"""The statuses :meth:`Store.finish_execution` accepts; an execution never leaves them."""

FINAL_STATUSES: frozenset[str] = frozenset({"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"})

RequestKind = Literal["approval", "callback", "feedback"]
"""What a pending request waits for: a human decision (Approval state), a task token, or
a person's feedback on a Task's result (a Feedback block)."""


@dataclass(frozen=True, slots=True)
class ExecutionRecord:
    """One execution as the store knows it: the row resume starts from."""

    execution_id: str
    definition_hash: str
    """Hash of the workflow document: resume refuses to continue under another definition."""
    status: ExecutionStatus
    input: JSON
    position: str | None
    """The state to run next; None once the last transition had no next state."""
    sequence: int
    """How many transitions are committed; the next commit must carry ``sequence + 1``."""
    tokens: int
    """Input plus output tokens used so far, as of the last committed transition."""
    cost: float
    created_at: float
    updated_at: float
    output: JSON = None
    error: str | None = None
    cause: str | None = None


@dataclass(frozen=True, slots=True)
class Transition:
    """One state left and the next chosen, committed atomically with the usage totals.

    ``sequence`` numbers an execution's transitions from 1 without gaps; it is also
    the optimistic-concurrency token that keeps two resumers from forking history.
    """

    execution_id: str
    sequence: int
    state: str
    output: JSON
    """The state's output: the input of ``next_state``."""
    next_state: str | None
    """None when ``state`` ended the workflow."""
    events: list[dict[str, JSON]] = field(default_factory=list)
    """The history events the state produced (each with ``type`` and ``timestamp``)."""
    tokens: int = 0
    """Total tokens of the execution after this state (a running total, not a delta)."""
    cost: float = 0.0
    """Total cost of the execution after this state (a running total, not a delta)."""
    variables: dict[str, JSON] = field(default_factory=dict)
    """Workflow variables in scope after the state, so a resumed run sees its ``Assign``s."""
    prior: tuple[JSON] | None = field(default=None, compare=False, repr=False)
    """``(output of the previous transition,)`` (the execution input before the first),
    when the committer knows it. A store then keeps the events that repeat it, or
    ``output``, as references instead of copies; history reads rebuild them."""


@dataclass(frozen=True, slots=True)
class ExecutionPage:
    """One page of :meth:`Store.list_executions`, newest first."""

    executions: list[ExecutionRecord]
    next_cursor: str | None
    """Pass it back to get the next page; None on the last page."""


@dataclass(frozen=True, slots=True)
class PendingRequest:
    """A question an execution waits on (an approval, a callback), answered once."""

    request_id: str
    execution_id: str
    state: str
    kind: RequestKind
    payload: JSON
    """What the request shows to whoever decides (the prompt, the options ...)."""
    created_at: float
    decision: JSON = None
    decided_at: float | None = None
    """None while the request is pending; the time of the one decision that counted."""

    @property
    def pending(self) -> bool:
        """True until the request is decided."""
        return self.decided_at is None


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A named save point of an execution, kept until ``expires_at`` (None: forever)."""

    execution_id: str
    name: str
    data: JSON
    created_at: float
    expires_at: float | None = None


@dataclass(frozen=True, slots=True)
class MemoryEntry:
    """A value of the shared memory, under a namespace, kept until ``expires_at``."""

    namespace: str
    key: str
    value: JSON
    updated_at: float
    expires_at: float | None = None
