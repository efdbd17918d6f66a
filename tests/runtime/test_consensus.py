"""The pure rules of a Debate: agreement, votes, positions, speaking order, defaults."""

from __future__ import annotations

from typing import Any

from asl.runtime.consensus import (
    agreement,
    decision_of,
    position_of,
    read_consensus,
    speaking_order,
    tally,
    vote_of,
)


def turns(*positions: Any) -> list[dict[str, Any]]:
    return [
        {"round": 1, "agent": f"A{i}", "response": {"position": p} if p is not None else "x"}
        for i, p in enumerate(positions)
    ]


def test_between_equally_common_positions_the_first_stated_wins() -> None:
    assert agreement(turns("b", "a", "a", "b"), 4) == (0.5, "b")


def test_positions_compare_as_json_values() -> None:
    assert agreement(turns(1, True, "1"), 3) == (1 / 3, 1)


def test_no_positions_is_no_agreement() -> None:
    assert agreement(turns(None, None), 2) == (0.0, None)


def test_a_position_must_be_a_scalar() -> None:
    assert [position_of(r) for r in ({"position": ["a"]}, {"position": "a"}, "a")] == [
        None,
        "a",
        None,
    ]


def test_a_tie_for_first_or_a_short_majority_has_no_winner() -> None:
    assert tally({"a": "x", "b": "y"}, 0.5) == (None, 0.5)
    assert tally({"a": "x", "b": "x", "c": "y"}, 0.7) == (None, 2 / 3)
    assert tally({"a": "x", "b": "x", "c": "y", "d": None}, 0.5) == ("x", 0.5)


def test_votes_and_decisions_are_read_from_their_members() -> None:
    assert [vote_of(r) for r in ({"vote": "x", "position": "y"}, {"position": "y"}, "z", [1])] == [
        "x",
        "y",
        "z",
        None,
    ]
    assert (decision_of({"decision": None}), decision_of("go")) == (None, "go")


def test_the_arbiter_sits_out_and_order_comes_first() -> None:
    assert speaking_order(["A", "B", "C", "J"], ["C", "X"], "J") == ["C", "A", "B"]


def test_defaults_of_the_consensus_block() -> None:
    agents = ["A", "B", "J"]
    required = read_consensus({"Required": True}, agents)
    tie = read_consensus({"TieBreaker": "Arbiter"}, agents)
    absent = read_consensus(None, agents)

    assert (required.arbiter, required.method, required.threshold) == ("J", "arbiter", 1.0)
    assert (tie.arbiter, tie.method, tie.tie_breaker) == ("J", "agreement", "J")
    assert (absent.configured, absent.arbiter, absent.method) == (False, None, "agreement")
