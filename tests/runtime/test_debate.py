"""The Debate state: turns, visibility, agreement and early stop, arbiter, voting, usage."""

from __future__ import annotations

import asyncio
from typing import Any

from asl import AgentContext, AgentError, AgentResult, Usage
from tests.runtime.conftest import machine


class Debater:
    """An agent answering from a script (one answer per call) and keeping what it was given."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.seen: list[dict[str, Any]] = []

    def __call__(self, payload: dict[str, Any]) -> Any:
        self.seen.append(payload)
        return self.answers[min(len(self.seen), len(self.answers)) - 1]


def debate(**fields: Any) -> dict[str, Any]:
    return machine(("Debate", {"Type": "Debate", "Agents": ["Pro", "Con"], "End": True, **fields}))


def said(agent: str, round_: int, position: str | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"text": f"{agent} {round_}"}
    if position is not None:
        answer["position"] = position
    return answer


def test_every_participant_speaks_once_a_round_in_order(run: Any) -> None:
    pro = Debater(said("Pro", 1), said("Pro", 2))
    con = Debater(said("Con", 1), said("Con", 2))

    result = run(debate(Topic="Tabs or spaces", Rounds=2), {}, {"Pro": pro, "Con": con})

    assert result.output == {
        "topic": "Tabs or spaces",
        "rounds": 2,
        "participants": ["Pro", "Con"],
        "history": [
            {"round": 1, "agent": "Pro", "response": said("Pro", 1)},
            {"round": 1, "agent": "Con", "response": said("Con", 1)},
            {"round": 2, "agent": "Pro", "response": said("Pro", 2)},
            {"round": 2, "agent": "Con", "response": said("Con", 2)},
        ],
        "responses": [
            {"round": 2, "agent": "Pro", "response": said("Pro", 2)},
            {"round": 2, "agent": "Con", "response": said("Con", 2)},
        ],
        "agreement": 0.0,
        "consensus": False,
        "votes": None,
        "decision": None,
        "decidedBy": None,
        "usage": {"inputTokens": 0, "outputTokens": 0, "cost": 0.0},
    }


def test_a_participant_receives_topic_round_and_the_turns_before_it(run: Any) -> None:
    pro, con = Debater(said("Pro", 1)), Debater(said("Con", 1))

    run(debate(Topic="Tabs", Rounds=1), {}, {"Pro": pro, "Con": con})

    assert con.seen == [
        {
            "prompt": "Debate on: Tabs\nRound 1 of 1. You are Con. Give your argument; add a "
            '"position" member to say where you stand.',
            "topic": "Tabs",
            "agent": "Con",
            "participants": ["Pro", "Con"],
            "history": [{"round": 1, "agent": "Pro", "response": said("Pro", 1)}],
            "round": 1,
            "rounds": 1,
        }
    ]


def test_rounds_default_to_three_and_topic_to_general_discussion(run: Any) -> None:
    pro, con = Debater("p"), Debater("c")

    result = run(debate(), {}, {"Pro": pro, "Con": con})

    assert (result.output["rounds"], result.output["topic"], len(pro.seen)) == (
        3,
        "General discussion",
        3,
    )


def test_topic_from_topic_dollar_and_from_topic_path(run: Any) -> None:
    agents = {"Pro": Debater("p"), "Con": Debater("c")}

    dynamic = {"Topic.$": "States.Format('Is {} fast?', $.lang)"}
    by_dollar = run(debate(**dynamic, Rounds=1), {"lang": "Go"}, agents)
    by_path = run(debate(TopicPath="$.q.text", Rounds=1), {"q": {"text": "Why?"}}, agents)

    assert (by_dollar.output["topic"], by_path.output["topic"]) == ("Is Go fast?", "Why?")


def test_a_missing_topic_path_fails_the_state(run: Any) -> None:
    agents = {"Pro": Debater("p"), "Con": Debater("c")}

    result = run(debate(TopicPath="$.question"), {}, agents)

    assert (result.error, result.cause) == (
        "States.Runtime",
        "An error occurred while executing the state 'Debate' (entered at the event id #2). "
        "Invalid path '$.question' : No results for path: $['question']",
    )


def test_parameters_reach_every_participant_but_cannot_replace_the_debate_members(
    run: Any,
) -> None:
    pro, con = Debater("p"), Debater("c")
    parameters = {"proposal.$": "$.proposal", "round": 99, "style": "short"}

    run(debate(Rounds=1, Parameters=parameters), {"proposal": "Rust"}, {"Pro": pro, "Con": con})

    assert {k: pro.seen[0][k] for k in ("proposal", "round", "style")} == {
        "proposal": "Rust",
        "round": 1,
        "style": "short",
    }


def test_communication_order_sets_who_speaks_first(run: Any) -> None:
    pro, con = Debater(said("Pro", 1)), Debater(said("Con", 1))

    result = run(
        debate(Rounds=1, Communication={"Order": ["Con", "Pro"]}), {}, {"Pro": pro, "Con": con}
    )

    assert [entry["agent"] for entry in result.output["history"]] == ["Con", "Pro"]
    assert result.output["participants"] == ["Con", "Pro"]


def _histories(visible: str, style: str = "turn_based") -> list[list[tuple[int, str]]]:
    """What Con saw in each of three rounds, as (round, agent) pairs."""
    from asl import AgentRegistry, WorkflowEngine

    pro, con = Debater("p"), Debater("c")
    document = debate(Rounds=3, Communication={"Style": style, "VisibleHistory": visible})
    WorkflowEngine(document, AgentRegistry({"Pro": pro, "Con": con})).run({})
    return [[(e["round"], e["agent"]) for e in payload["history"]] for payload in con.seen]


def test_visible_history_all_none_own_and_previous_only() -> None:
    assert _histories("all")[2] == [(1, "Pro"), (1, "Con"), (2, "Pro"), (2, "Con"), (3, "Pro")]
    assert _histories("none") == [[], [], []]
    assert _histories("own") == [[], [(1, "Con")], [(1, "Con"), (2, "Con")]]
    assert _histories("own_only") == _histories("own")
    assert _histories("previous_only") == [[(1, "Pro")], [(2, "Pro")], [(3, "Pro")]]


def test_simultaneous_participants_see_only_earlier_rounds() -> None:
    assert _histories("all", "simultaneous") == [
        [],
        [(1, "Pro"), (1, "Con")],
        [(1, "Pro"), (1, "Con"), (2, "Pro"), (2, "Con")],
    ]
    assert _histories("previous_only", "simultaneous") == [
        [],
        [(1, "Pro"), (1, "Con")],
        [(2, "Pro"), (2, "Con")],
    ]


def test_simultaneous_turns_run_at_the_same_time(run: Any) -> None:
    started: list[str] = []
    both = asyncio.Event()

    def speaker(name: str) -> Any:
        async def speak(payload: dict[str, Any]) -> Any:
            started.append(name)
            if len(started) == 2:
                both.set()
            await asyncio.wait_for(both.wait(), 5)  # waits for the other one to start
            return name

        return speak

    result = run(
        debate(Rounds=1, Communication={"Style": "simultaneous"}),
        {},
        {"Pro": speaker("Pro"), "Con": speaker("Con")},
    )

    assert [entry["response"] for entry in result.output["history"]] == ["Pro", "Con"]


def test_agreement_at_the_threshold_ends_the_debate_early(run: Any) -> None:
    pro = Debater(said("Pro", 1, "yes"), said("Pro", 2, "yes"))
    con = Debater(said("Con", 1, "no"), said("Con", 2, "yes"))

    result = run(debate(Rounds=5, Consensus={"Threshold": 1.0}), {}, {"Pro": pro, "Con": con})

    output = result.output
    assert (output["rounds"], output["agreement"], output["consensus"]) == (2, 1.0, True)
    assert (output["decision"], output["decidedBy"]) == ("yes", "agreement")
    assert [e["details"] for e in result.trace if e["type"] == "DebateRoundEnded"] == [
        {"round": 1, "agreement": 0.5, "position": "yes", "consensus": False},
        {"round": 2, "agreement": 1.0, "position": "yes", "consensus": True},
    ]


def test_without_a_consensus_block_every_round_is_played(run: Any) -> None:
    pro, con = Debater(said("Pro", 1, "yes")), Debater(said("Con", 1, "yes"))

    result = run(debate(Rounds=3), {}, {"Pro": pro, "Con": con})

    assert (result.output["rounds"], result.output["consensus"], result.output["decision"]) == (
        3,
        False,
        None,
    )


def test_threshold_counts_participants_without_a_position_against_agreement(run: Any) -> None:
    agents = {
        "A": Debater({"position": "x"}),
        "B": Debater({"position": "x"}),
        "C": Debater("no position"),
    }
    document = machine(
        (
            "Debate",
            {
                "Type": "Debate",
                "Agents": ["A", "B", "C"],
                "Rounds": 1,
                "Consensus": {"Threshold": 0.6},
                "End": True,
            },
        )
    )

    output = run(document, {}, agents).output

    assert (output["agreement"], output["consensus"], output["decision"]) == (2 / 3, True, "x")


def test_more_rounds_up_to_max_rounds_for_consensus(run: Any) -> None:
    pro = Debater(said("Pro", 1, "yes"))
    con = Debater(*[said("Con", n, "no") for n in (1, 2, 3)], said("Con", 4, "yes"))

    result = run(
        debate(Rounds=2, Consensus={"MaxRoundsForConsensus": 6}), {}, {"Pro": pro, "Con": con}
    )

    assert (result.output["rounds"], result.output["decision"]) == (4, "yes")
    assert pro.seen[3]["prompt"].splitlines()[1].startswith("Round 4 (extra).")


def test_required_consensus_makes_the_last_agent_the_arbiter(run: Any) -> None:
    pro, con = Debater(said("Pro", 1, "a")), Debater(said("Con", 1, "b"))
    judge = Debater({"decision": "adopt", "why": "better"})
    document = machine(
        (
            "Debate",
            {
                "Type": "Debate",
                "Agents": ["Pro", "Con", "Judge"],
                "Topic": "T",
                "Rounds": 1,
                "Consensus": {"Required": True},
                "End": True,
            },
        )
    )

    output = run(document, {}, {"Pro": pro, "Con": con, "Judge": judge}).output

    assert (output["participants"], output["decision"], output["decidedBy"]) == (
        ["Pro", "Con"],
        "adopt",
        "Judge",
    )
    assert judge.seen == [
        {
            "prompt": "Debate on: T\nThe rounds are over. You are Judge, who decides. Answer "
            'with a "decision" member.',
            "topic": "T",
            "agent": "Judge",
            "participants": ["Pro", "Con"],
            "history": output["history"],
            "rounds": 1,
            "agreement": 0.5,
            "position": "a",
            "consensus": False,
            "votes": None,
        }
    ]


def test_an_arbiter_answer_without_decision_is_the_decision(run: Any) -> None:
    agents = {"Pro": Debater("p"), "Con": Debater("c"), "Judge": Debater("go ahead")}

    output = run(debate(Rounds=1, Consensus={"Arbiter": "Judge"}), {}, agents).output

    assert (output["decision"], output["decidedBy"]) == ("go ahead", "Judge")


def test_a_tie_breaker_decides_only_without_agreement(run: Any) -> None:
    def agents(con_position: str) -> dict[str, Any]:
        return {
            "Pro": Debater(said("Pro", 1, "yes")),
            "Con": Debater(said("Con", 1, con_position)),
            "Judge": Debater({"decision": "judge says no"}),
        }

    consensus = {"Arbiter": "Judge", "TieBreaker": "Arbiter"}
    agreed = run(debate(Rounds=1, Consensus=consensus), {}, agents("yes")).output
    split = run(debate(Rounds=1, Consensus=consensus), {}, agents("no")).output

    assert (agreed["decision"], agreed["decidedBy"]) == ("yes", "agreement")
    assert (split["decision"], split["decidedBy"]) == ("judge says no", "Judge")


def test_voting_takes_the_majority_of_the_voting_agents(run: Any) -> None:
    agents = {
        "Pro": Debater(said("Pro", 1, "rust"), {"vote": "rust"}),
        "Con": Debater(said("Con", 1, "go"), {"vote": "rust"}),
        "Expert": Debater({"vote": "go"}),
    }
    consensus = {
        "Method": "voting",
        "RequiredMajority": 0.66,
        "VotingAgents": ["Pro", "Con", "Expert"],
    }

    output = run(debate(Rounds=1, Consensus=consensus), {}, agents).output

    assert output["votes"] == {"Pro": "rust", "Con": "rust", "Expert": "go"}
    assert (output["decision"], output["decidedBy"]) == ("rust", "voting")
    assert agents["Expert"].seen[0]["options"] == ["rust", "go"]


def test_a_vote_short_of_the_majority_goes_to_the_tie_breaker(run: Any) -> None:
    agents = {
        "Pro": Debater(said("Pro", 1, "rust"), {"vote": "rust"}),
        "Con": Debater(said("Con", 1, "go"), {"vote": "go"}),
        "Senior": Debater({"decision": "go"}),
    }
    consensus = {"Method": "voting", "TieBreaker": "Senior"}

    output = run(debate(Rounds=1, Consensus=consensus), {}, agents).output

    assert (output["votes"], output["decision"], output["decidedBy"]) == (
        {"Pro": "rust", "Con": "go"},
        "go",
        "Senior",
    )


def test_required_consensus_without_a_decision_fails(run: Any) -> None:
    agents = {"Pro": Debater(said("Pro", 1, "a")), "Con": Debater(said("Con", 1, "b"))}
    consensus = {"Required": True, "Method": "agreement", "Threshold": 0.8}

    result = run(debate(Rounds=2, Consensus=consensus), {}, agents)

    assert (result.error, result.cause) == (
        "States.ConsensusNotReached",
        "The debate 'Debate' ended after 2 rounds without a decision (agreement 0.5, "
        'Threshold 0.8) and Consensus.Required is true; add an "Arbiter" or a "TieBreaker", '
        'or lower "Threshold"',
    )


def test_tokens_and_cost_of_every_turn_are_counted(run: Any) -> None:
    def paid(tokens: int) -> Any:
        return lambda payload: AgentResult({"position": "x"}, Usage(tokens, 1, model="m", cost=0.5))

    document = machine(
        (
            "Debate",
            {
                "Type": "Debate",
                "Agents": ["Pro", "Con", "Judge"],
                "Rounds": 2,
                "Consensus": {"Arbiter": "Judge", "Threshold": 1.0},
                "ResultPath": "$.debate",
                "End": True,
            },
        )
    )

    result = run(document, {}, {"Pro": paid(10), "Con": paid(20), "Judge": paid(5)})

    # one round (agreement stops it), then the arbiter: 10+1, 20+1, 5+1
    assert (result.tokens_used, result.cost) == (38, 1.5)
    assert result.output["debate"]["usage"] == {
        "inputTokens": 35,
        "outputTokens": 3,
        "cost": 1.5,
    }
    turns = [e["details"] for e in result.trace if e["type"] == "DebateTurnSucceeded"]
    assert turns[0] == {
        "phase": "round",
        "round": 1,
        "agent": "Pro",
        "output": {"position": "x"},
        "usage": {"inputTokens": 10, "outputTokens": 1, "cost": 0.5, "model": "m"},
    }
    assert [t["phase"] for t in turns] == ["round", "round", "decision"]


def test_a_failing_turn_fails_the_state_and_retry_runs_the_debate_again(run: Any) -> None:
    calls: list[int] = []

    def flaky(payload: dict[str, Any]) -> Any:
        calls.append(payload["round"])
        if len(calls) == 1:
            raise AgentError("Agent.ModelError", "overloaded")
        return "ok"

    retry = [{"ErrorEquals": ["Agent.ModelError"], "IntervalSeconds": 1}]
    result = run(debate(Rounds=1, Retry=retry), {}, {"Pro": flaky, "Con": Debater("c")})

    assert (result.status, calls) == ("SUCCEEDED", [1, 1])
    failed = [e["details"] for e in result.trace if e["type"] == "DebateTurnFailed"]
    assert failed == [
        {
            "phase": "round",
            "round": 1,
            "agent": "Pro",
            "error": "Agent.ModelError",
            "cause": "overloaded",
            "retry": {"attempt": 1, "delaySeconds": 1.0},
        }
    ]


def test_an_agent_exception_is_caught_as_task_failed(run: Any) -> None:
    def broken(payload: dict[str, Any]) -> Any:
        raise ValueError("no idea")

    catch = [{"ErrorEquals": ["States.TaskFailed"], "Next": "Fallback", "ResultPath": "$.err"}]
    document = machine(
        ("Debate", {"Type": "Debate", "Agents": ["Pro", "Con"], "Catch": catch, "End": True}),
        ("Fallback", {"Type": "Pass", "End": True}),
    )

    result = run(document, {}, {"Pro": broken, "Con": Debater("c")})

    assert result.output == {"err": {"Error": "States.TaskFailed", "Cause": "no idea"}}


def test_an_unregistered_debater_fails_with_agent_not_found(run: Any) -> None:
    result = run(debate(), {}, {"Pro": Debater("p")})

    assert (result.error, result.cause) == (
        "States.AgentNotFound",
        "State 'Debate' names the agent 'Con', which is not registered; "
        "register it with registry.register('Con', agent)",
    )


def test_result_selector_result_path_and_output_path_shape_the_output(run: Any) -> None:
    agents = {"Pro": Debater({"position": "y"}), "Con": Debater({"position": "y"})}
    document = debate(
        Rounds=1,
        Consensus={},
        ResultSelector={"decision.$": "$.decision", "rounds.$": "$.rounds"},
        ResultPath="$.outcome",
        OutputPath="$.outcome",
    )

    assert run(document, {"q": 1}, agents).output == {"decision": "y", "rounds": 1}


def test_debaters_taking_a_context_get_one_per_turn(run: Any) -> None:
    seen: list[tuple[str, int, str]] = []

    def agent(payload: dict[str, Any], context: AgentContext) -> Any:
        seen.append((context.state_name, context.attempt, context.idempotency_key))
        return "ok"

    run(debate(Rounds=1), {}, {"Pro": agent, "Con": agent})

    assert seen == [
        ("Debate", 1, "exec-1:Debate:2:round:1:Pro"),
        ("Debate", 1, "exec-1:Debate:2:round:1:Con"),
    ]


def test_a_jsonata_debate_reads_topic_and_arguments_as_expressions(run: Any) -> None:
    pro, con = Debater("p"), Debater("c")
    document = debate(
        QueryLanguage="JSONata",
        Topic="{% 'Adopt ' & $states.input.tool & '?' %}",
        Arguments={"budget": "{% $states.input.budget * 2 %}"},
        Rounds=1,
        Output="{% $states.result.topic %}",
    )

    result = run(document, {"tool": "Rust", "budget": 5}, {"Pro": pro, "Con": con})

    assert (result.output, pro.seen[0]["budget"]) == ("Adopt Rust?", 10)
