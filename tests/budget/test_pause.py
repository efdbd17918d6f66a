"""OnExceed PauseAndNotify: a pending request lets a person raise the limit or stop."""

from __future__ import annotations

from pathlib import Path

import pytest

from asl import ASLError
from tests.budget.scripted import Recorder, Scripted, calls_workflow, engine

BUDGET = {"MaxCost": "$2.50", "OnExceed": "PauseAndNotify", "Notify": ["lead@example.com"]}


def test_pause_then_raise_the_limit_and_finish(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/asl.db"
    notifier = Recorder()
    first = Scripted()
    paused = engine(calls_workflow(BUDGET, count=4), first, store=store, notifier=notifier).run(
        {}, execution_id="run-1"
    )
    assert (paused.status, paused.paused_at_state) == ("PAUSED", "Call3")
    assert [state for state, _ in first.calls] == ["Call1", "Call2"]
    assert paused.pending_input == {
        "type": "budget",
        "requestId": "run-1:Call3:12:budget",
        "state": "Call3",
        "prompt": "The budget is exhausted at 'Call3': MaxCost $2.50: $2.00 spent, $0.00 "
        "reserved by calls in flight, this call needs up to $1.00. Raise the limit "
        '({"approval": "raise", "maxCost": "$10.00", "maxTokens": 50000}) or stop.',
        "options": ["raise", "stop"],
        "budget": {
            "maxCost": 2.5,
            "maxTokens": None,
            "remainingCost": 0.5,
            "remainingTokens": None,
        },
    }
    assert [(to, details["requestId"]) for to, _, details in notifier.sent] == [
        (["lead@example.com"], "run-1:Call3:12:budget")
    ]
    assert (paused.cost, paused.tokens_used) == (2.0, 210)

    second = Scripted()  # another engine, as another process would build it
    resumed = engine(calls_workflow(BUDGET, count=4), second, store=store).resume(
        "run-1", {"approval": "raise", "maxCost": "$4.00", "approver": "lead"}
    )
    assert resumed.status == "SUCCEEDED", resumed.cause
    assert [state for state, _ in second.calls] == ["Call3", "Call4"]
    assert (resumed.cost, resumed.tokens_used) == (4.0, 420)
    assert resumed.cost_report is not None
    assert resumed.cost_report["budget"] == {
        "maxCost": 4.0,
        "maxTokens": None,
        "remainingCost": 0.0,
        "remainingTokens": None,
    }


def test_raise_pauses_again_at_the_new_limit_then_stop_fails_it(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/asl.db"
    document = calls_workflow(BUDGET, count=5)
    engine(document, Scripted(), store=store).run({}, execution_id="run-2")
    second = engine(document, Scripted(), store=store).resume(
        "run-2", {"approval": "raise", "maxCost": 3}
    )
    assert (second.status, second.paused_at_state, second.cost) == ("PAUSED", "Call4", 3.0)
    stopped = engine(document, Scripted(), store=store).resume(
        "run-2", {"approval": "stop", "approver": "lead"}
    )
    assert (stopped.status, stopped.error, stopped.cause) == (
        "FAILED",
        "States.BudgetExceeded",
        "An error occurred while executing the state 'Call4' (entered at the event id #26). "
        "The budget was exhausted and lead chose to stop",
    )
    assert stopped.cost == 3.0
    assert stopped.cost_report is not None
    assert stopped.cost_report["costs"]["byState"] == {"Call1": 1.0, "Call2": 1.0, "Call3": 1.0}


def test_a_decision_outside_the_options_is_refused(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/asl.db"
    document = calls_workflow(BUDGET, count=4)
    engine(document, Scripted(), store=store).run({}, execution_id="run-3")
    with pytest.raises(ASLError) as raised:
        engine(document, Scripted(), store=store).resume("run-3", {"approval": "approve"})
    assert raised.value.cause == "'approve' is not one of this approval's options: raise, stop"


def test_cascade_pause_then_continue_on_the_cheaper_model() -> None:
    budget = {
        "MaxCost": 10,
        "Fallback": {
            "Cascade": [
                {"When": "BudgetAt10Percent", "UseModel": "small"},
                {"When": "BudgetAt11Percent", "Action": "PauseAndNotify"},
            ]
        },
    }
    document = calls_workflow(budget, count=4)
    first = Scripted()
    paused = engine(document, first).run({}, execution_id="cascade-1")
    # $1 (10%: small from now), $0.10 (11%: pause before the third call)
    assert first.calls == [("Call1", "big"), ("Call2", "small")]
    assert paused.paused_at_state == "Call3"
    second = Scripted()
    done = engine(document, second).resume("cascade-1", {"approval": "raise"})
    assert done.status == "SUCCEEDED"
    assert second.calls == [("Call3", "small"), ("Call4", "small")]
    assert round(done.cost, 9) == 1.3
