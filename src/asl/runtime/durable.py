"""Saving a paused execution to a store, and loading it back to resume.

An execution that pauses (an Approval with no one to decide at once) is
written to the engine's store: the document it runs (kept once per hash in
the memory namespace :data:`DEFINITIONS`), the execution, one transition
holding the paused state's input, the history so far, the usage and the
variables, and the pending request with its own id. Any engine built on the
same document and store resumes it, in this process or another, days later.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asl.language.errors import ASLError
from asl.runtime.branches import PARKED, branches_request
from asl.runtime.execution import Execution
from asl.runtime.history import Event, materialize
from asl.runtime.pause import Paused
from asl.store import PendingRequest, RequestKind, Store, Transition, UnknownExecutionError

DEFINITIONS = "asl.definitions"
INVALID_RESUME = "States.InvalidResume"


def definition_hash(document: dict[str, Any]) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def save_pause(
    store: Store,
    execution: Execution,
    document: dict[str, Any],
    digest: str,
    start_at: str,
    paused: Paused,
    committed_events: int,
    prior: tuple[Any] | None = None,
) -> None:
    """Store the execution at the paused state and open its request (one per parked branch).

    ``prior`` is the output the last commit stored, when the caller's journal knows it.
    """
    await store.set_memory(DEFINITIONS, digest, document)
    await store.create_execution(execution.id, digest, execution.input, start_at)
    record = await store.load_execution(execution.id)
    variables = execution.top_variables
    await store.commit_transition(
        Transition(
            execution_id=execution.id,
            sequence=record.sequence + 1,
            state=paused.state,
            output=paused.state_input,
            next_state=paused.state,
            events=materialize(execution.events)[committed_events:],
            tokens=execution.tokens_used,
            cost=execution.cost,
            variables=dict(variables),
            prior=(execution.input,) if record.sequence == 0 else prior,
        )
    )
    await store.pause_execution(execution.id)
    if paused.group is None:
        await _open_request(store, execution.id, paused.state, paused.request)
        return
    await store.set_memory(PARKED, execution.id, {**paused.group, "sequence": record.sequence + 1})
    for parked in paused.group["parked"].values():  # one request per waiting branch
        await _open_request(store, execution.id, paused.state, parked["request"])


async def _open_request(store: Store, execution_id: str, state: str, request: Any) -> None:
    await store.create_request(
        execution_id, state, request_kind(request), request, request_id=request["requestId"]
    )


def request_kind(request: dict[str, Any]) -> RequestKind:
    """The store's kind of a pause's request: a callback, feedback, or an approval."""
    kind = request.get("type")
    return kind if kind in ("callback", "feedback") else "approval"


@dataclass(frozen=True, slots=True)
class Resumption:
    """What a paused execution resumes with."""

    state: str
    data: Any
    input: Any
    events: list[Event]
    tokens: int
    cost: float
    variables: dict[str, Any]
    requests: list[PendingRequest]
    """The requests the pause opened: one, or one per parked branch of a Map or Parallel."""
    group: dict[str, Any] | None
    """The parked branches (see :mod:`asl.runtime.branches`), or None."""
    sequence: int
    """The pause transition's sequence: where the resumed run's journal goes on."""

    @property
    def pending(self) -> list[PendingRequest]:
        """The requests still undecided. None left: a resume decided them and its process
        died before its first commit; the next resume continues with those decisions."""
        return [request for request in self.requests if request.pending]

    @property
    def pending_input(self) -> Any:
        """What the execution waits for, as ``WorkflowResult.pending_input`` shows it."""
        if self.group is None:
            return self.requests[0].payload
        return branches_request(self.state, [request.payload for request in self.pending])


async def load_pause(store: Store, execution_id: str, digest: str) -> Resumption:
    try:
        record = await store.load_execution(execution_id)
    except UnknownExecutionError:
        raise ASLError(
            INVALID_RESUME, f"No execution '{execution_id}' in this store: check the id and --store"
        ) from None
    if record.status != "PAUSED":
        raise ASLError(
            INVALID_RESUME,
            f"Execution '{execution_id}' is {record.status}; only a PAUSED execution resumes",
        )
    if record.definition_hash != digest:
        raise ASLError(
            INVALID_RESUME,
            f"Execution '{execution_id}' started with another version of the workflow "
            f"(definition {record.definition_hash[:12]}); resume it with that document",
        )
    transitions = await store.history(execution_id)
    last = transitions[-1]
    named = _paused_on(last)
    requests = [
        request
        for request in await store.list_requests(execution_id, pending_only=False)
        if request.request_id in named
    ]
    if not requests or last.next_state is None:
        raise ASLError(INVALID_RESUME, f"Execution '{execution_id}' waits on no pending request")
    group = await load_group(store, execution_id, last)
    return Resumption(
        last.next_state,
        last.output,
        record.input,
        stored_events(transitions),
        last.tokens,
        last.cost,
        dict(last.variables),
        requests,
        group,
        last.sequence,
    )


def _paused_on(last: Transition) -> set[str]:
    """The ids of the requests a pause transition opened (its last event says)."""
    event = last.events[-1] if last.events else {}
    details = event.get("details") if event.get("type") == "ExecutionPaused" else None
    request = details.get("request") if isinstance(details, dict) else None
    if not isinstance(request, dict):
        return set()
    listed = request.get("requests") if request.get("type") == "branches" else [request]
    if not isinstance(listed, list):
        return set()
    return {str(item.get("requestId")) for item in listed if isinstance(item, dict)}


async def load_group(store: Store, execution_id: str, last: Transition) -> dict[str, Any] | None:
    """The parked branches the last transition paused with, if it paused a container."""
    entry = await store.get_memory(PARKED, execution_id)
    group = entry.value if entry is not None else None
    if (
        isinstance(group, dict)
        and group.get("sequence") == last.sequence
        and group.get("state") == last.next_state
    ):
        return group
    return None


def timed_out(request: PendingRequest, now: float) -> bool:
    """Whether the request's ``expiresAt`` (set from the engine's clock) has passed."""
    payload = request.payload if isinstance(request.payload, dict) else {}
    expires = payload.get("expiresAt")
    if not isinstance(expires, str):
        return False
    return now >= datetime.fromisoformat(expires.replace("Z", "+00:00")).timestamp()


async def load_definition(store: Store, execution_id: str) -> dict[str, Any]:
    """The document an execution started with (for ``asl resume ID`` without the file)."""
    try:
        record = await store.load_execution(execution_id)
    except UnknownExecutionError:
        raise ASLError(
            INVALID_RESUME, f"No execution '{execution_id}' in this store: check the id and --store"
        ) from None
    entry = await store.get_memory(DEFINITIONS, record.definition_hash)
    if entry is None or not isinstance(entry.value, dict):
        raise ASLError(
            INVALID_RESUME, f"The workflow of execution '{execution_id}' is not in this store"
        )
    return entry.value


def stored_events(transitions: list[Transition]) -> list[Event]:
    """The history committed with ``transitions``, back in the engine's event form."""
    return [_event(event) for transition in transitions for event in transition.events]


def _event(stored: dict[str, Any]) -> Event:
    moment = datetime.fromisoformat(str(stored["timestamp"]).replace("Z", "+00:00"))
    return (
        str(stored["type"]),
        moment.timestamp(),
        stored.get("state"),
        None,
        stored.get("details"),
    )
