"""The Context block: what reaches the agent, counted with the real tokenizer."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from asl import AgentContext, AgentResult
from asl.agents.base import Usage
from asl.embeddings import use_embedder
from asl.runtime.context import FittedContext
from tests.runtime.conftest import machine

# Token counts (cl100k_base): "one two three" 3, "four five six seven" 4,
# "urgent: fix the login bug" 6, "be brief" 2, "the quick brown fox jumps over the lazy dog" 9.
HISTORY = ["one two three", "four five six seven", "one two three", "four five six seven"]


def task(context: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return machine(
        ("Ask", {"Type": "Task", "Agent": "A", "Context": context, "End": True, **fields})
    )


def seeing(seen: list[FittedContext]) -> Any:
    def agent(parameters: Any, context: AgentContext) -> Any:
        seen.append(context.context)
        return "ok"

    return agent


def fit(run: Any, context: dict[str, Any], data: Any, **agents: Any) -> FittedContext:
    seen: list[FittedContext] = []
    result = run(task(context), data, {"A": seeing(seen), **agents})
    assert result.status == "SUCCEEDED", result.error
    return seen[0]


def test_sliding_window_keeps_the_newest_units_that_fit(run: Any) -> None:
    data = {"system": "be brief", "history": HISTORY, "task": "urgent: fix the login bug"}
    fitted = fit(run, {"Strategy": "sliding_window", "MaxTokens": 14}, data)
    # task 6 + history[3] 4 + history[2] 3 = 13; history[1] (4) would make 17.
    assert fitted.data == {
        "history": ["one two three", "four five six seven"],
        "task": data["task"],
    }
    assert fitted.tokens == 13
    assert fitted.dropped == ["$.system", "$.history[0]", "$.history[1]"]
    assert (fitted.max_tokens, fitted.strategy) == (14, "sliding_window")


def test_sliding_window_keeps_everything_that_fits(run: Any) -> None:
    data = {"system": "be brief", "history": HISTORY}
    fitted = fit(run, {"Strategy": "sliding_window", "MaxTokens": 100}, data)
    assert fitted.data == data
    assert fitted.tokens == 2 + 3 + 4 + 3 + 4
    assert fitted.dropped == []


def test_include_is_kept_first_and_exclude_never(run: Any) -> None:
    data = {"system": "be brief", "debug": "the quick brown fox", "history": HISTORY}
    context = {
        "Strategy": "sliding_window",
        "MaxTokens": 9,
        "Include": ["$.system"],
        "Exclude": ["$.debug"],
    }
    fitted = fit(run, context, data)
    # system 2 (included) + history[3] 4 + history[2] 3 = 9.
    assert fitted.data == {"system": "be brief", "history": HISTORY[2:]}
    assert fitted.tokens == 9
    assert fitted.dropped == ["$.debug", "$.history[0]", "$.history[1]"]


def test_include_beyond_max_tokens_is_context_overflow(run: Any) -> None:
    context = {"Strategy": "sliding_window", "MaxTokens": 5, "Include": ["$.task"]}
    result = run(task(context), {"task": "urgent: fix the login bug"}, {"A": seeing([])})
    assert result.status == "FAILED"
    assert result.error == "Agent.ContextOverflow"
    assert result.cause == (
        "An error occurred while executing the state 'Ask' (entered at the event id #2). "
        "The Include paths alone cost 6 tokens, more than Context.MaxTokens (5); "
        "raise MaxTokens or include less"
    )


def test_priority_based_offers_paths_in_order_and_skips_what_does_not_fit(run: Any) -> None:
    data = {
        "background": "the quick brown fox jumps over the lazy dog",
        "history": HISTORY,
        "task": "urgent: fix the login bug",
        "extra": "be brief",
    }
    context = {
        "Strategy": "priority_based",
        "MaxTokens": 12,
        "Priority": ["$.task", "$.background", "history"],
    }
    fitted = fit(run, context, data)
    # task 6; background 9 does not fit; history (whole, as JSON 19) does not fit; extra 2 fits.
    assert fitted.data == {"task": data["task"], "extra": "be brief"}
    assert fitted.tokens == 8
    assert fitted.dropped == ["$.background", "$.history"]


def test_the_model_picks_the_encoding(run: Any) -> None:
    seen: list[FittedContext] = []
    text = "Straße 東京 ∑"
    run(task({"MaxTokens": 100}, Model="gpt-4o"), {"t": text}, {"A": seeing(seen)})
    run(task({"MaxTokens": 100}), {"t": text}, {"A": seeing(seen)})
    from asl.language.tokens import count_tokens

    assert [f.tokens for f in seen] == [count_tokens(text, "gpt-4o"), count_tokens(text)]
    assert seen[0].tokens != seen[1].tokens


class Letters:
    """A transparent embedder: counts of the letters a, b, c."""

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return [[float(t.count("a")), float(t.count("b")), float(t.count("c"))] for t in texts]


@pytest.fixture
def letters() -> Iterator[None]:
    use_embedder(Letters())
    yield
    use_embedder(None)


def test_semantic_keeps_the_top_k_by_similarity(run: Any, letters: None) -> None:
    data = {"q": "aaa", "docs": ["bbb", "aab", "aaa", "ccc", "abc"], "note": "be brief"}
    context = {
        "Strategy": "semantic",
        "MaxTokens": 100,
        "Query.$": "$.q",
        "Candidates": ["$.docs"],
        "TopK": 2,
    }
    fitted = fit(run, context, data)
    assert fitted.data == {"q": "aaa", "docs": ["aaa", "aab"], "note": "be brief"}
    assert fitted.scores == {
        "$.docs[0]": 0.0,
        "$.docs[1]": 0.894427,
        "$.docs[2]": 1.0,
        "$.docs[3]": 0.0,
        "$.docs[4]": 0.57735,
    }
    assert fitted.dropped == ["$.docs[0]", "$.docs[3]", "$.docs[4]"]


def test_semantic_with_the_shipped_model_ranks_related_text_first(run: Any) -> None:
    data = {
        "q": "Where is my cat?",
        "docs": [
            "Quarterly revenue grew by ten percent",
            "The cat sat on the mat",
            "Interest rates rose again",
        ],
    }
    context = {
        "Strategy": "semantic",
        "MaxTokens": 100,
        "Query.$": "$.q",
        "Candidates": ["$.docs"],
        "TopK": 1,
    }
    fitted = fit(run, context, data)
    assert fitted.data == {"q": "Where is my cat?", "docs": ["The cat sat on the mat"]}
    ranked = sorted(fitted.scores, key=lambda k: -fitted.scores[k])
    assert ranked[0] == "$.docs[1]"


def test_summarize_when_tokens_exceed_replaces_the_target(run: Any) -> None:
    requests: list[Any] = []

    def summarizer(request: Any) -> Any:
        requests.append(request)
        return AgentResult("a summary", Usage(input_tokens=14, output_tokens=2))

    context = {
        "Strategy": "sliding_window",
        "MaxTokens": 10,
        "Summarize": {"When": "TokensExceed", "Using": "S", "Target": "$.history", "Ratio": 0.5},
    }
    fitted = fit(run, context, {"task": "be brief", "history": HISTORY}, S=summarizer)
    assert requests == [
        {
            "content": HISTORY,
            "text": '["one two three","four five six seven","one two three","four five six seven"]',
            "tokens": 19,
            "targetTokens": 9,
            "ratio": 0.5,
        }
    ]
    assert fitted.data == {"task": "be brief", "history": "a summary"}
    assert fitted.summarized == ["$.history"]
    assert fitted.tokens == 2 + 2


def test_summarize_is_not_called_when_the_content_fits(run: Any) -> None:
    calls: list[Any] = []
    context = {
        "MaxTokens": 100,
        "Summarize": {"When": "TokensExceed", "Using": "S", "Target": "$.history"},
    }
    fitted = fit(run, context, {"history": HISTORY}, S=calls.append)
    assert calls == []
    assert fitted.summarized == []


def test_summarize_with_an_unknown_agent_fails(run: Any) -> None:
    context = {"MaxTokens": 1, "Summarize": {"When": "Always", "Using": "Nobody", "Target": "$.h"}}
    result = run(task(context), {"h": "x"}, {"A": seeing([])})
    assert (result.status, result.error) == ("FAILED", "States.AgentNotFound")
    assert "Context.Summarize.Using names agent 'Nobody'" in result.cause


def test_parameters_are_unchanged_by_the_context(run: Any) -> None:
    seen: list[Any] = []

    def agent(parameters: Any, context: AgentContext) -> Any:
        seen.append(parameters)
        return None

    definition = task(
        {"MaxTokens": 1, "Exclude": ["$.message"]}, Parameters={"message.$": "$.message"}
    )
    run(definition, {"message": "hello"}, {"A": agent})
    assert seen == [{"message": "hello"}]


def test_nested_priority_paths_split_their_object(run: Any) -> None:
    data = {
        "userMessage": "urgent: fix the login bug",
        "userContext": {"history": HISTORY, "preferences": "be brief", "locale": "one two three"},
    }
    context = {
        "Strategy": "priority_based",
        "MaxTokens": 11,
        "Priority": ["$.userMessage", "$.userContext.preferences", "$.userContext.history"],
    }
    fitted = fit(run, context, data)
    # userMessage 6 + preferences 2; history as JSON (19) does not fit; locale 3 fits.
    assert fitted.data == {
        "userMessage": data["userMessage"],
        "userContext": {"preferences": "be brief", "locale": "one two three"},
    }
    assert fitted.tokens == 11
    assert fitted.dropped == ["$.userContext.history"]


def test_nested_include_and_exclude(run: Any) -> None:
    data = {"user": {"name": "be brief", "notes": HISTORY, "debug": "one two three"}}
    context = {
        "Strategy": "sliding_window",
        "MaxTokens": 9,
        "Include": ["$.user.name"],
        "Exclude": ["$.user.debug"],
    }
    fitted = fit(run, context, data)
    assert fitted.data == {"user": {"name": "be brief", "notes": HISTORY[2:]}}
    assert fitted.tokens == 2 + 3 + 4
    assert fitted.dropped == ["$.user.debug", "$.user.notes[0]", "$.user.notes[1]"]


def test_include_of_the_whole_input_keeps_it(run: Any) -> None:
    data = {"a": "be brief", "b": ["one two three"]}
    fitted = fit(run, {"MaxTokens": 100, "Include": ["$"]}, data)
    assert (fitted.data, fitted.tokens, fitted.dropped) == (data, 12, [])


def test_semantic_candidates_under_an_object_and_a_literal_query(run: Any, letters: None) -> None:
    data = {"kb": {"docs": ["ccc", "aaa"], "title": "be brief"}}
    context = {
        "Strategy": "semantic",
        "MaxTokens": 100,
        "Query": "a",
        "Candidates": ["$.kb.docs"],
        "TopK": 1,
    }
    fitted = fit(run, context, data)
    assert fitted.data == {"kb": {"docs": ["aaa"], "title": "be brief"}}
    assert fitted.scores == {"$.kb.docs[0]": 0.0, "$.kb.docs[1]": 1.0}


def test_summarize_strategy_summarises_always_then_windows(run: Any) -> None:
    context = {
        "Strategy": "summarize",
        "MaxTokens": 100,
        "Summarize": {"When": "Always", "Using": "S", "Target": "$.history"},
    }
    fitted = fit(run, context, {"history": HISTORY}, S=lambda request: request["targetTokens"])
    # 19 tokens × the default Ratio 0.25 → 4
    assert fitted.data == {"history": 4}
    assert fitted.summarized == ["$.history"]


def test_query_path_that_selects_nothing_fails(run: Any, letters: None) -> None:
    context = {"Strategy": "semantic", "Query.$": "$.missing", "Candidates": ["$.d"]}
    result = run(task(context), {"d": ["a"]}, {"A": seeing([])})
    assert (result.status, result.error) == ("FAILED", "States.Runtime")
    assert result.cause.endswith("Context Query.$ '$.missing' selects nothing in the state's input")


def test_a_missing_embedder_package_is_a_clear_error(
    run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "static_model", None)  # as if not installed
    context = {"Strategy": "semantic", "Query": "a", "Candidates": ["$.d"]}
    result = run(task(context), {"d": ["a"]}, {"A": seeing([])})
    assert (result.status, result.error) == ("FAILED", "States.EmbedderUnavailable")
    assert result.cause.endswith(
        "Semantic context and memory need an embedder: install "
        "'agent-state-language[embeddings]' (tokenlearn-static-model) or call "
        "asl.embeddings.use_embedder(...) with your own"
    )


def test_a_memory_read_feeds_the_context(run: Any) -> None:
    seen: list[FittedContext] = []
    definition = machine(
        ("Save", {"Type": "Pass", "Next": "Ask"}),
        (
            "Ask",
            {
                "Type": "Task",
                "Agent": "A",
                "Memory": {"Read": {"Keys": ["profile"], "Default": {"profile": "be brief"}}},
                "Context": {"Strategy": "priority_based", "MaxTokens": 8, "Priority": ["$.memory"]},
                "End": True,
            },
        ),
    )
    run(definition, {"task": "urgent: fix the login bug"}, {"A": seeing(seen)})
    # memory {"profile":"be brief"} costs 6 as JSON, task 6: only the memory fits.
    assert seen[0].data == {"memory": {"profile": "be brief"}}
    assert seen[0].dropped == ["$.task"]
