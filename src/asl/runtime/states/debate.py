"""The Debate state (ASL): agents argue in rounds, then the debate reaches a decision.

Each round every participant (``Agents`` minus the arbiter, in
``Communication.Order``) is called once with the topic, the round and the
earlier turns it may see (``Communication.VisibleHistory``); ``turn_based``
participants speak one after another, ``simultaneous`` ones all at once.
After each round the share of participants holding the same ``position`` is
the agreement; with a ``Consensus`` block, agreement at ``Threshold`` ends
the debate early. The decision comes from the agreement, a vote, or the
arbiter (``Consensus.Method``); see :mod:`asl.runtime.consensus`.

Every call is recorded (``DebateTurnSucceeded`` / ``DebateTurnFailed``) with
the usage it reported, which is added to the execution's totals as a Task's
is. An agent's failure fails the state with its error, so the state's Retry
and Catch apply (a retry runs the whole debate again).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, Final

from asl.agents.base import AgentContext, AgentResult
from asl.agents.registry import BoundAgent
from asl.language.errors import AGENT_NOT_FOUND, RUNTIME, TASK_FAILED, ASLError
from asl.language.paths import compile_path
from asl.language.payload import compile_payload
from asl.runtime.agent_settings import agent_settings
from asl.runtime.audit import audited
from asl.runtime.concurrent import call_agent, run_all
from asl.runtime.consensus import (
    VISIBILITY,
    Entry,
    agreement,
    decision_of,
    position_of,
    read_consensus,
    speaking_order,
    tally,
    visible,
    vote_of,
)
from asl.runtime.dataflow import located, path_selector
from asl.runtime.execution import Scope
from asl.runtime.flow import (
    NO_CONTEXT,
    jsonata_template,
    path_text_mode,
    payload_mode,
    plain,
    variables_of,
)
from asl.runtime.payload_size import check_payload
from asl.runtime.states.base import RecoverableState
from asl.runtime.states.task import idempotency_key

DEFAULT_TOPIC: Final = "General discussion"
DEFAULT_ROUNDS: Final = 3
CONSENSUS_NOT_REACHED: Final = "States.ConsensusNotReached"

agent_logger = logging.getLogger("asl.agent")

Evaluate = Callable[[Any, Any], Any]


class DebateState(RecoverableState):
    type = "Debate"
    entered_event = "DebateStateEntered"
    exited_event = "DebateStateExited"
    has_parameters = False  # Parameters are every participant's extra input, read here

    def __init__(self, name: str, raw: dict[str, Any], language: str = "JSONPath") -> None:
        super().__init__(name, raw, language)
        self.agents: list[str] = list(raw["Agents"])
        self.rounds: int = raw.get("Rounds", DEFAULT_ROUNDS)
        communication = raw.get("Communication")
        if not isinstance(communication, dict):
            communication = {}
        self.simultaneous = communication.get("Style") == "simultaneous"
        self.visibility = VISIBILITY.get(communication.get("VisibleHistory", "all"), "all")
        self.consensus = read_consensus(raw.get("Consensus"), self.agents)
        self.participants = speaking_order(
            self.agents, communication.get("Order"), self.consensus.arbiter
        )
        self.topic, topic_mode = _topic(raw, self.jsonata)
        self.extra, extra_mode = _extra(raw, self.jsonata)
        self.needs(max(topic_mode, extra_mode))
        self.settings = agent_settings(raw, self.jsonata)
        if self.settings is not None:
            self.needs(self.settings.context_mode)
            if self.settings.audit is not None:
                audited(self, self.settings.audit)

    async def attempt(self, data: Any, scope: Scope, entered: int, retry_count: int) -> Any:
        context = self.environment(scope, entered, retry_count) if self.context_mode else None
        effective = self.prepare(data, context, entered)
        try:
            topic = self.topic(effective, context)
            extra = self.extra(effective, context) if self.extra is not None else {}
            if not isinstance(extra, dict):
                raise ASLError(
                    RUNTIME,
                    f"The Arguments of Debate state '{self.name}' must give an object, "
                    f"got {json.dumps(extra)}",
                )
            metadata = self.settings.resolve_metadata(data, context) if self.settings else None
        except ASLError as error:
            raise located(error, self.name, entered) from None
        debate = _Debate(self, scope, entered, retry_count, data, topic, extra, metadata)
        return self.finish(data, await debate.run(), context, entered)


class _Debate:
    """One run of a Debate state: its history, its usage, and the calls it makes."""

    def __init__(
        self,
        state: DebateState,
        scope: Scope,
        entered: int,
        retry_count: int,
        data: Any,
        topic: Any,
        extra: dict[str, Any],
        metadata: dict[str, Any] | None,
    ) -> None:
        self.state = state
        self.scope = scope
        self.execution = scope.execution
        self.entered = entered
        self.retry_count = retry_count
        self.data = data
        self.topic = topic
        self.topic_text = topic if isinstance(topic, str) else json.dumps(topic)
        self.extra = extra
        self.metadata = metadata
        self.history: list[Entry] = []
        self.input_tokens = 0
        self.output_tokens = 0
        self.cost = 0.0

    async def run(self) -> dict[str, Any]:
        last, played, share, position, reached = await self._rounds()
        consensus = self.state.consensus
        votes: dict[str, Any] | None = None
        decision: Any = None
        decided_by: str | None = None
        if reached and consensus.method == "agreement":
            decision, decided_by = position, "agreement"
        elif consensus.method == "voting":
            votes = await self._votes(played)
            decision, _ = tally(votes, consensus.required_majority)
            decided_by = "voting" if decision is not None else None
        judge = consensus.arbiter if consensus.method == "arbiter" else None
        if judge is None and decision is None:
            judge = consensus.tie_breaker
        if judge is not None:
            facts = {"agreement": share, "position": position, "consensus": reached}
            decision = decision_of(await self._decide(judge, played, {**facts, "votes": votes}))
            decided_by = judge
        if decision is None and consensus.required:
            self._fail_without_decision(played, share)
        return {
            "topic": self.topic,
            "rounds": played,
            "participants": list(self.state.participants),
            "history": self.history,
            "responses": last,
            "agreement": share,
            "consensus": reached,
            "votes": votes,
            "decision": decision,
            "decidedBy": decided_by,
            "usage": {
                "inputTokens": self.input_tokens,
                "outputTokens": self.output_tokens,
                "cost": self.cost,
            },
        }

    async def _rounds(self) -> tuple[list[Entry], int, float, Any, bool]:
        """Play rounds until ``Rounds`` (or ``MaxRoundsForConsensus``) or agreement.

        Returns the last round's turns, the rounds played, the last agreement and
        its position, and whether that agreement reached ``Threshold``.
        """
        state, consensus = self.state, self.state.consensus
        last: list[Entry] = []
        reached, share, position, played = False, 0.0, None, 0
        for number in range(1, max(state.rounds, consensus.max_rounds or 0) + 1):
            last = await self._round(number)
            played = number
            share, position = agreement(last, len(state.participants))
            reached = consensus.configured and position is not None
            reached = reached and share >= consensus.threshold
            self.execution.record(
                "DebateRoundEnded",
                state.name,
                None,
                {"round": number, "agreement": share, "position": position, "consensus": reached},
            )
            if reached:
                break
        return last, played, share, position, reached

    async def _round(self, number: int) -> list[Entry]:
        participants = self.state.participants
        mode = self.state.visibility
        if self.state.simultaneous:
            seen = [visible(self.history, agent, mode, number) for agent in participants]
            entries: list[Entry] = await run_all(
                len(participants), 0, lambda i: self._turn(number, participants[i], seen[i])
            )
            self.history.extend(entries)
            return entries
        entries = []
        for agent in participants:
            entry = await self._turn(number, agent, visible(self.history, agent, mode, None))
            self.history.append(entry)
            entries.append(entry)
        return entries

    async def _turn(self, number: int, agent: str, seen: list[Entry]) -> Entry:
        rounds = self.state.rounds
        when = f"Round {number} of {rounds}" if number <= rounds else f"Round {number} (extra)"
        prompt = (
            f"Debate on: {self.topic_text}\n{when}. You are {agent}. Give your argument; "
            'add a "position" member to say where you stand.'
        )
        payload = self._payload(agent, prompt, history=seen, round=number, rounds=rounds)
        response = await self._call(agent, payload, {"phase": "round", "round": number})
        return {"round": number, "agent": agent, "response": response}

    async def _votes(self, played: int) -> dict[str, Any]:
        consensus = self.state.consensus
        voters = consensus.voting_agents or tuple(self.state.participants)
        options = list(
            {
                json.dumps(p): p
                for p in (position_of(e["response"]) for e in self.history)
                if p is not None
            }.values()
        )
        votes: dict[str, Any] = {}
        for voter in voters:
            prompt = (
                f"Debate on: {self.topic_text}\nThe rounds are over. You are {voter}. "
                'Vote: answer with a "vote" member.'
            )
            payload = self._payload(voter, prompt, history=self.history, rounds=played)
            payload["options"] = options
            votes[voter] = vote_of(await self._call(voter, payload, {"phase": "vote"}))
        return votes

    async def _decide(self, judge: str, played: int, facts: dict[str, Any]) -> Any:
        prompt = (
            f"Debate on: {self.topic_text}\nThe rounds are over. You are {judge}, who decides. "
            'Answer with a "decision" member.'
        )
        payload = self._payload(judge, prompt, history=self.history, rounds=played)
        payload.update(facts)
        return await self._call(judge, payload, {"phase": "decision"})

    def _payload(self, agent: str, prompt: str, **members: Any) -> dict[str, Any]:
        """What an agent receives: the Parameters, then the debate's own members (they win)."""
        return {
            **self.extra,
            "prompt": prompt,
            "topic": self.topic,
            "agent": agent,
            "participants": list(self.state.participants),
            **members,
        }

    async def _call(self, agent: str, payload: dict[str, Any], facts: dict[str, Any]) -> Any:
        execution = self.execution
        name = self.state.name
        facts = {**facts, "agent": agent}
        bound = execution.registry.find(agent)
        try:
            if bound is None:
                raise ASLError(
                    AGENT_NOT_FOUND,
                    f"State '{name}' names the agent '{agent}', which is not registered; "
                    f"register it with registry.register('{agent}', agent)",
                )
            result = await self._invoke(bound, payload, facts)
            usage = None
            if type(result) is AgentResult:
                usage = result.usage
                execution.add_usage(usage, self.state.name)
                self.input_tokens += usage.input_tokens
                self.output_tokens += usage.output_tokens
                self.cost += usage.cost
                result = result.output
            check_payload(result, execution.payload_limit, agent)
        except ASLError as error:
            self._record_failure(error, facts)
            raise
        except Exception as error:  # an agent's own failure becomes States.TaskFailed
            failed = ASLError(TASK_FAILED, str(error) or type(error).__name__)
            self._record_failure(failed, facts)
            raise failed from error
        details = {**facts, "output": result}
        if usage is not None:
            details["usage"] = {
                "inputTokens": usage.input_tokens,
                "outputTokens": usage.output_tokens,
                "cost": usage.cost,
                "model": usage.model,
            }
        execution.record("DebateTurnSucceeded", name, None, details)
        return result

    async def _invoke(self, bound: BoundAgent, payload: Any, facts: dict[str, Any]) -> Any:
        execution = self.execution
        state = self.state
        args: tuple[Any, ...] = (payload,)
        base: AgentContext | None = None
        if bound.wants_context:
            turn = ":".join(str(value) for value in facts.values())
            key = idempotency_key(execution.id, self.scope.path, state.name, self.entered)
            base = AgentContext(
                execution.id, state.name, self.retry_count + 1, f"{key}:{turn}", agent_logger
            )
            args = (payload, base)
        settings = state.settings

        async def once(model: str | None) -> Any:
            call_args = args
            if settings is not None and base is not None:
                call_args = (
                    payload,
                    settings.context(base, model, self.metadata, self.data, payload),
                )
            return await call_agent(bound, *call_args)

        if settings is None:
            return await once(None)
        return await settings.call(
            once,
            lambda details: execution.record(
                "ModelFallback", state.name, None, {**facts, **details}
            ),
        )

    def _record_failure(self, error: ASLError, facts: dict[str, Any]) -> None:
        details: dict[str, object] = {**facts, "error": error.error, "cause": error.cause}
        error.details = details  # the retry or catch decision is written into it
        self.execution.record("DebateTurnFailed", self.state.name, None, details)

    def _fail_without_decision(self, played: int, share: float) -> None:
        consensus = self.state.consensus
        error = ASLError(
            CONSENSUS_NOT_REACHED,
            f"The debate '{self.state.name}' ended after {played} "
            f"round{'s' if played != 1 else ''} without a decision (agreement {share:g}, "
            f"Threshold {consensus.threshold:g}) and Consensus.Required is true; add an "
            '"Arbiter" or a "TieBreaker", or lower "Threshold"',
        )
        details: dict[str, object] = {"error": error.error, "cause": error.cause}
        error.details = details
        self.execution.record("DebateFailed", self.state.name, None, details)
        raise error


def _topic(raw: dict[str, Any], jsonata: bool) -> tuple[Evaluate, int]:
    """``Topic`` (static, or a JSONata template), ``Topic.$`` or ``TopicPath``."""
    if jsonata and "Topic" in raw:
        template, mode = jsonata_template(raw, "Topic")
        assert template is not None
        evaluate = template.evaluate
        return (
            lambda data, context: evaluate(
                {"input": data, "context": plain(context)}, variables_of(context)
            )
        ), mode
    if "Topic.$" in raw:
        payload = compile_payload({"Topic.$": raw["Topic.$"]})
        build = payload.evaluate
        return (lambda data, context: build(data, context)["Topic"]), payload_mode(payload)
    if "TopicPath" in raw:
        return path_selector(compile_path(raw["TopicPath"])), path_text_mode(raw["TopicPath"])
    topic = raw.get("Topic", DEFAULT_TOPIC)
    return (lambda data, context: topic), NO_CONTEXT


def _extra(raw: dict[str, Any], jsonata: bool) -> tuple[Evaluate | None, int]:
    """Every participant's extra input: ``Parameters`` (JSONPath) or ``Arguments`` (JSONata)."""
    if jsonata:
        template, mode = jsonata_template(raw, "Arguments")
        if template is None:
            return None, NO_CONTEXT
        evaluate = template.evaluate
        return (
            lambda data, context: evaluate(
                {"input": data, "context": plain(context)}, variables_of(context)
            )
        ), mode
    if "Parameters" not in raw:
        return None, NO_CONTEXT
    payload = compile_payload(raw["Parameters"])
    return payload.evaluate, payload_mode(payload)
