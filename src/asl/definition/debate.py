"""Checks of a Debate's ``Communication`` and ``Consensus`` blocks and their cross-references.

Every agent named in them must be registered (when the registry is known);
``Communication.Order`` may only name the debate's own ``Agents``; the
arbiter must leave at least two participants. The values accepted are those
the runtime implements (``asl.runtime.consensus``).
"""

from __future__ import annotations

from typing import Final

from .blocks import Block
from .report import describe
from .states import StateCheck

STYLES: Final = ("turn_based", "simultaneous")
VISIBLE_HISTORY: Final = ("all", "none", "own", "own_only", "previous_only")
METHODS: Final = ("arbiter", "agreement", "voting")
ARBITER: Final = "Arbiter"


def check_debate_blocks(check: StateCheck) -> None:
    agents = check.state.get("Agents")
    names = [a for a in agents if isinstance(a, str)] if isinstance(agents, list) else None
    if isinstance(check.state.get("Communication"), dict):
        _communication(Block(check, "Communication"), names)
    if isinstance(check.state.get("Consensus"), dict):
        _consensus(Block(check, "Consensus"), names)


def _communication(block: Block, agents: list[str] | None) -> None:
    block.known(("Style", "Order", "VisibleHistory"))
    if block.has("Style"):
        block.choice("Style", STYLES)
    if block.has("VisibleHistory"):
        block.choice("VisibleHistory", VISIBLE_HISTORY)
    if not block.has("Order"):
        return
    order = block.strings("Order")
    if order is None or agents is None:
        return
    seen: set[str] = set()
    for index, name in enumerate(order):
        if name not in agents:
            block.report.error(
                "UNKNOWN_AGENT",
                block.at("Order", index),
                f"{block.label('Order')} names '{name}', which is not one of the debate's "
                f'Agents ({", ".join(agents)}): add it to "Agents" or remove it',
            )
        elif name in seen:
            block.report.error(
                "INVALID_VALUE",
                block.at("Order", index),
                f"{block.label('Order')} names '{name}' twice: each agent speaks once a round",
            )
        seen.add(name)


def _consensus(block: Block, agents: list[str] | None) -> None:
    block.known(
        (
            "Required",
            "Threshold",
            "Arbiter",
            "Method",
            "TieBreaker",
            "RequiredMajority",
            "VotingAgents",
            "MaxRoundsForConsensus",
        )
    )
    check = block.check
    value = block.value
    if block.has("Required"):
        block.boolean("Required")
    if block.has("Threshold"):
        block.number("Threshold", 0, 1)
    if block.has("Arbiter"):
        arbiter = value["Arbiter"]
        if isinstance(arbiter, str) and arbiter:
            check.check_agent(arbiter, block.at("Arbiter"))
        else:
            block.report.error(
                "INVALID_TYPE",
                block.at("Arbiter"),
                f"'Arbiter' of state '{check.name}' must be an agent name, got {describe(arbiter)}",
            )
    method = value.get("Method")
    if block.has("Method"):
        block.choice("Method", METHODS)
    if block.has("TieBreaker") and block.string("TieBreaker"):
        if value["TieBreaker"] != ARBITER:
            check.check_agent(value["TieBreaker"], block.at("TieBreaker"))
        if method == "arbiter":
            block.no_effect("TieBreaker", 'with "Method": "arbiter" the arbiter always decides')
    if block.has("RequiredMajority"):
        block.number("RequiredMajority", 0, 1)
        if method != "voting":
            block.no_effect("RequiredMajority", 'it counts votes: set "Method": "voting"')
    if block.has("VotingAgents"):
        for index, voter in enumerate(block.strings("VotingAgents") or ()):
            check.check_agent(voter, block.at("VotingAgents", index))
        if method != "voting":
            block.no_effect("VotingAgents", 'they vote only with "Method": "voting"')
    if block.has("MaxRoundsForConsensus") and block.integer("MaxRoundsForConsensus", 1):
        rounds = check.state.get("Rounds", 3)
        if isinstance(rounds, int) and value["MaxRoundsForConsensus"] <= rounds:
            block.no_effect(
                "MaxRoundsForConsensus",
                f"it allows rounds after 'Rounds' ({rounds}) until the debate agrees; "
                "make it larger than Rounds",
            )
    _participants_left(block, agents)


def _participants_left(block: Block, agents: list[str] | None) -> None:
    """The arbiter sits out the rounds: at least two agents must still debate."""
    if agents is None or len(agents) < 2:
        return  # too few agents is reported on "Agents"
    value = block.value
    arbiter = value.get("Arbiter")
    if arbiter is None and (
        value.get("Method") == "arbiter"
        or value.get("TieBreaker") == ARBITER
        or (value.get("Required") is True and "Method" not in value)
    ):
        arbiter = agents[-1]
    left = [name for name in dict.fromkeys(agents) if name != arbiter]
    if len(left) < 2:
        where = "named by 'Arbiter'" if "Arbiter" in value else "the last of 'Agents'"
        block.report.error(
            "INVALID_VALUE",
            block.check.at("Agents"),
            f"Debate state '{block.check.name}' leaves only {len(left)} agent to debate: its "
            f'arbiter ({where}) sits out the rounds; add another agent to "Agents"',
        )
