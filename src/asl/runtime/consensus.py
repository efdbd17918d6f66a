"""How a Debate agrees: visibility of earlier turns, agreement, votes, who decides.

Pure functions over the debate's history, so the rules can be read (and
tested) apart from the calls to the agents. A history entry is
``{"round": n, "agent": name, "response": answer}``; an answer takes a
*position* when it is an object with a scalar ``position`` member.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

STYLES: Final = ("turn_based", "simultaneous")
VISIBILITY: Final = {
    "all": "all",
    "none": "none",
    "own": "own",
    "own_only": "own",
    "previous_only": "previous",
}
METHODS: Final = ("arbiter", "agreement", "voting")
ARBITER: Final = "Arbiter"  # TieBreaker: "Arbiter" names the debate's arbiter

Entry = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Consensus:
    """The ``Consensus`` block, with its defaults made explicit.

    ``configured``: the block is there (only then does agreement stop the
    debate early). ``arbiter``: the agent that sits out the rounds and decides
    (``Arbiter``; the last of ``Agents`` when ``Required``, ``Method: "arbiter"``
    or ``TieBreaker: "Arbiter"`` ask for one without naming it).
    """

    configured: bool
    required: bool
    threshold: float
    method: str
    arbiter: str | None
    tie_breaker: str | None
    required_majority: float
    voting_agents: tuple[str, ...] | None
    max_rounds: int | None


def read_consensus(raw: Any, agents: Sequence[str]) -> Consensus:
    block: dict[str, Any] = raw if isinstance(raw, dict) else {}
    required = block.get("Required") is True
    method = block.get("Method")
    tie_breaker = block.get("TieBreaker")
    arbiter = block.get("Arbiter")
    wants_arbiter = method == "arbiter" or tie_breaker == ARBITER or (required and method is None)
    if arbiter is None and wants_arbiter:
        arbiter = agents[-1]
    if method is None:
        method = "arbiter" if arbiter is not None and tie_breaker is None else "agreement"
    if tie_breaker == ARBITER:
        tie_breaker = arbiter
    voting = block.get("VotingAgents")
    return Consensus(
        configured=isinstance(raw, dict),
        required=required,
        threshold=float(block.get("Threshold", 1.0)),
        method=method,
        arbiter=arbiter,
        tie_breaker=tie_breaker,
        required_majority=float(block.get("RequiredMajority", 0.5)),
        voting_agents=tuple(voting) if isinstance(voting, list) else None,
        max_rounds=block.get("MaxRoundsForConsensus"),
    )


def speaking_order(agents: Sequence[str], order: Any, arbiter: str | None) -> list[str]:
    """``Communication.Order`` first, then the other agents as listed; never the arbiter."""
    named = [name for name in order if name in agents] if isinstance(order, list) else []
    rest = [name for name in agents if name not in named]
    return [name for name in dict.fromkeys(named + rest) if name != arbiter]


def visible(history: list[Entry], agent: str, mode: str, before_round: int | None) -> list[Entry]:
    """The earlier turns ``agent`` sees.

    ``before_round`` is set for simultaneous rounds: then "previous" means the
    turns of the round before, as nobody in this round has spoken yet.
    """
    if mode == "all":
        return list(history)
    if mode == "own":
        return [entry for entry in history if entry["agent"] == agent]
    if mode == "previous":
        if before_round is not None:
            return [entry for entry in history if entry["round"] == before_round - 1]
        return history[-1:]
    return []


def position_of(response: Any) -> Any:
    """The position an answer takes: its ``position`` member, when that is a scalar."""
    if isinstance(response, dict):
        position = response.get("position")
        if isinstance(position, str | int | float | bool):
            return position
    return None


def agreement(entries: list[Entry], participants: int) -> tuple[float, Any]:
    """The share of participants holding the most common position, and that position.

    Participants without a position count against agreement; between equally
    common positions the one stated first wins.
    """
    positions = [position_of(entry["response"]) for entry in entries]
    counts = Counter(_key(p) for p in positions if p is not None)
    if not counts or participants == 0:
        return 0.0, None
    best = max(counts.values())
    first = next(p for p in positions if p is not None and counts[_key(p)] == best)
    return best / participants, first


def vote_of(response: Any) -> Any:
    """A voter's choice: its ``vote`` member, else its position, else a scalar answer."""
    if isinstance(response, dict):
        vote = response.get("vote")
        if isinstance(vote, str | int | float | bool):
            return vote
        return position_of(response)
    if isinstance(response, str | int | float | bool):
        return response
    return None


def tally(votes: dict[str, Any], required_majority: float) -> tuple[Any, float]:
    """The winning choice (None: a tie for first, or short of the majority) and its share."""
    counts = Counter(_key(v) for v in votes.values() if v is not None)
    if not votes or not counts:
        return None, 0.0
    ranked = counts.most_common()
    top, count = ranked[0]
    share = count / len(votes)
    if (len(ranked) > 1 and ranked[1][1] == count) or share < required_majority:
        return None, share
    return next(v for v in votes.values() if v is not None and _key(v) == top), share


def decision_of(response: Any) -> Any:
    """An arbiter's decision: its ``decision`` member, else its whole answer."""
    if isinstance(response, dict) and "decision" in response:
        return response["decision"]
    return response


def _key(value: Any) -> tuple[str, Any]:
    """Positions compare as JSON values: ``1`` and ``true`` and ``"1"`` differ."""
    return (type(value).__name__, value)
