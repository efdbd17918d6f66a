"""Validation of the workflow's and the states' Budget blocks (the engine's own parser)."""

from __future__ import annotations

from typing import Any

import pytest

from .support import problems, problems_of_dict, workflow

WF = "the workflow's Budget"


def found(budget: Any = None, state_budget: Any = None) -> list[tuple[str, str, str, str]]:
    state: dict[str, Any] = {"Type": "Task", "Agent": "A", "End": True}
    if state_budget is not None:
        state["Budget"] = state_budget
    top = {} if budget is None else {"Budget": budget}
    return [
        (severity, code, pointer, message)
        for severity, code, pointer, _, _, message in problems_of_dict(
            workflow(("S", state), **top)
        )
    ]


@pytest.mark.parametrize(
    "budget",
    [
        {"MaxCost": "$5.00", "MaxTokens": 100000},
        {"MaxCost": 5, "MaxTokens": "210"},
        {"MaxCost": " $2 ", "OnExceed": "PauseAndNotify", "Notify": ["team@example.com"]},
        {"MaxCost.$": "$.userBudget", "MaxTokens.$": "env.MAX_WORKFLOW_TOKENS"},
        {"MaxCost.$": "env.MAX_WORKFLOW_COST", "TrackBy": "$.userId", "ResetPeriod": "daily"},
        {
            "MaxCost": "$5.00",
            "OnExceed": "UseFallback",
            "Notify": "team@example.com",
            "Fallback": {
                "Notify": True,
                "Cascade": [
                    {"When": "BudgetAt60Percent", "UseModel": "claude-sonnet-4-5"},
                    {"When": "TokensAt85Percent", "Agent": "Cheap", "Notify": ["ops"]},
                    {"When": "BudgetAt95Percent", "Action": "PauseAndNotify"},
                    {"When": "Always", "Action": "ReduceQuality", "Notify": False},
                ],
            },
            "Alerts": [
                {"At": "50%", "Notify": ["team@example.com"], "Message": "Half"},
                {"At": 80, "Notify": ["#cost"], "Channel": "slack", "Priority": "high"},
            ],
        },
        {"MaxCost": 1, "Fallback": {"When": "BudgetAt100Percent", "UseModel": "small"}},
        {"MaxCostPerHour": "$10.00", "MaxCostPerDay": 100, "OnExceed": "Throttle"},
        {"MaxCostPerHour": 1, "OnExceed": "Throttle", "ThrottleDelay": "30s"},
        {"Pool": "team", "MaxFromPool": "$50.00", "ReleaseOnComplete": False},
        {"MaxCost": 5, "Currency": "EUR", "ExchangeRate": 0.92},
        {"MaxCost": 5, "Currency": "gbp", "ExchangeRate.$": "env.GBP_PER_USD"},
        {"MaxCost": 5, "Currency": "USD", "Reserve": "0%"},
    ],
)
def test_good_workflow_budgets_are_valid(budget: dict[str, Any]) -> None:
    assert found(budget) == []


@pytest.mark.parametrize(
    ("budget", "expected"),
    [
        (
            {"MaxCost": "five dollars"},
            (
                "INVALID_VALUE",
                "/Budget/MaxCost",
                f"'MaxCost' of {WF} must be an amount such as \"$5.00\" or 5, got the string "
                '"five dollars"',
            ),
        ),
        (
            {"MaxCost": -1},
            (
                "INVALID_VALUE",
                "/Budget/MaxCost",
                f"'MaxCost' of {WF} must be an amount such as \"$5.00\" or 5, got the number -1",
            ),
        ),
        (
            {"MaxTokens": 1.5},
            (
                "INVALID_VALUE",
                "/Budget/MaxTokens",
                f"'MaxTokens' of {WF} must be a whole number of tokens, got the number 1.5",
            ),
        ),
        (
            {"MaxCost.$": "$.budget[", "MaxTokens": 10},
            (
                "INVALID_PATH",
                "/Budget/MaxCost.$",
                f"'MaxCost.$' of {WF} is not a valid path: unterminated '[' "
                '(or "env.NAME" for an environment variable)',
            ),
        ),
        (
            {"MaxTokens.$": "env.MAX-TOKENS"},
            (
                "INVALID_VALUE",
                "/Budget/MaxTokens.$",
                f"'MaxTokens.$' of {WF} is 'env.MAX-TOKENS': after 'env.' give the name of an "
                "environment variable (letters, digits and '_')",
            ),
        ),
        (
            {"MaxCost.$": 5},
            (
                "INVALID_TYPE",
                "/Budget/MaxCost.$",
                f'\'MaxCost.$\' of {WF} must be a path such as "$.limit" or "env.NAME", got '
                "the number 5",
            ),
        ),
        (
            {"MaxCost": 5, "MaxCost.$": "$.budget"},
            (
                "CONFLICTING_FIELDS",
                "/Budget/MaxCost.$",
                "The workflow's Budget has both 'MaxCost' and 'MaxCost.$': keep one of them",
            ),
        ),
        (
            {"MaxCost": 5, "Currency": "EUR"},
            (
                "MISSING_FIELD",
                "/Budget/Currency",
                f"'Currency' of {WF} is EUR, but prices are known in USD: add \"ExchangeRate\" "
                'with how many EUR one USD buys (e.g. "ExchangeRate": 0.92), or use '
                '"Currency": "USD"',
            ),
        ),
        (
            {"MaxCost": 5, "Currency": "euro"},
            (
                "INVALID_VALUE",
                "/Budget/Currency",
                f"'Currency' of {WF} must be a three-letter currency code such as \"USD\" or "
                '"EUR", got the string "euro"',
            ),
        ),
        (
            {"MaxCost": 5, "Currency": "EUR", "ExchangeRate": 0},
            (
                "INVALID_VALUE",
                "/Budget/ExchangeRate",
                f"'ExchangeRate' of {WF} must be a positive number (units of EUR per USD), got "
                "the number 0",
            ),
        ),
        (
            {"MaxCost": 5, "ExchangeRate": 0.92},
            (
                "CONFLICTING_FIELDS",
                "/Budget/ExchangeRate",
                f"'ExchangeRate' of {WF} converts USD into another Currency, but the Currency "
                'is USD: remove it, or set "Currency" to the currency of your amounts',
            ),
        ),
        (
            {"MaxCost": 5, "OnExceed": "fail"},
            (
                "INVALID_VALUE",
                "/Budget/OnExceed",
                f"'OnExceed' of {WF} must be one of Fail, PauseAndNotify, UseFallback, "
                "Continue, Throttle, got the string \"fail\": did you mean 'Fail'?",
            ),
        ),
        (
            {"MaxCost": 5, "Notify": [1]},
            (
                "INVALID_TYPE",
                "/Budget/Notify",
                f"'Notify' of {WF} must be a recipient or an array of recipients (strings), got "
                "an array of 1 item",
            ),
        ),
        (
            {"MaxCost": 5, "Fallback": "cheaper"},
            (
                "INVALID_TYPE",
                "/Budget/Fallback",
                f"'Fallback' of {WF} must be an object: {{When, UseModel}} or {{Cascade: [...]}}, "
                'got the string "cheaper"',
            ),
        ),
        (
            {"MaxCost": 5, "Fallback": {"When": "BudgetAt101Percent", "UseModel": "small"}},
            (
                "INVALID_VALUE",
                "/Budget/Fallback/When",
                f"'When' of the Fallback of {WF} must be BudgetAt<N>Percent, TokensAt<N>Percent "
                '(N from 1 to 100) or Always, got the string "BudgetAt101Percent"',
            ),
        ),
        (
            {"MaxCost": 5, "Fallback": {"When": "BudgetAt50Percent"}},
            (
                "MISSING_FIELD",
                "/Budget/Fallback",
                f'The Fallback of {WF} does nothing: add "UseModel" (a cheaper model), '
                '"Agent" (an agent to call instead) or "Action" (PauseAndNotify or ReduceQuality)',
            ),
        ),
        (
            {"MaxCost": 5, "Fallback": {"Cascade": []}},
            (
                "INVALID_TYPE",
                "/Budget/Fallback/Cascade",
                f"'Cascade' of the Fallback of {WF} must be a non-empty array of stages "
                "{When, UseModel}, got an empty array",
            ),
        ),
        (
            {"MaxCost": 5, "Fallback": {"Cascade": ["small"]}},
            (
                "INVALID_TYPE",
                "/Budget/Fallback/Cascade/0",
                f"Stage 0 of the Fallback Cascade of {WF} must be an object such as "
                '{"When": "BudgetAt80Percent", "UseModel": "..."}, got the string "small"',
            ),
        ),
        (
            {"MaxCost": 5, "Fallback": {"Cascade": [{"When": "Always", "Action": "Stop"}]}},
            (
                "INVALID_VALUE",
                "/Budget/Fallback/Cascade/0/Action",
                f"'Action' of stage 0 of the Fallback Cascade of {WF} must be one of "
                'PauseAndNotify, ReduceQuality, got the string "Stop"',
            ),
        ),
        (
            {"MaxCost": 5, "Fallback": {"Cascade": [{"UseModel": "small", "Notify": 3}]}},
            (
                "INVALID_TYPE",
                "/Budget/Fallback/Cascade/0/Notify",
                f"'Notify' of stage 0 of the Fallback Cascade of {WF} must be a recipient or an "
                "array of recipients (strings), got the number 3",
            ),
        ),
        (
            {"MaxCost": 5, "Alerts": {"At": "80%"}},
            (
                "INVALID_TYPE",
                "/Budget/Alerts",
                f'\'Alerts\' of {WF} must be an array of alerts such as {{"At": "80%"}}, got '
                "an object",
            ),
        ),
        (
            {"MaxCost": 5, "Alerts": [{"At": "lots"}]},
            (
                "INVALID_VALUE",
                "/Budget/Alerts/0/At",
                f"'At' of alert 0 of {WF} must be a share of the budget such as \"80%\" (above "
                '0, up to 100), got the string "lots"',
            ),
        ),
        (
            {"MaxCost": 5, "Alerts": [{"At": "150%"}]},
            (
                "INVALID_VALUE",
                "/Budget/Alerts/0/At",
                f"'At' of alert 0 of {WF} must be a share of the budget such as \"80%\" (above "
                '0, up to 100), got the string "150%"',
            ),
        ),
        (
            {"MaxCost": 5, "Alerts": [{"Notify": ["ops"]}]},
            (
                "MISSING_FIELD",
                "/Budget/Alerts/0",
                f"Alert 0 of {WF} has no 'At': add a share such as \"80%\"",
            ),
        ),
        (
            {"MaxCost": 5, "Alerts": [{"At": "80%", "Channel": 7}]},
            (
                "INVALID_TYPE",
                "/Budget/Alerts/0/Channel",
                f"'Channel' of alert 0 of {WF} must be a non-empty string, got the number 7",
            ),
        ),
        (
            {"MaxCostPerHour": "ten", "OnExceed": "Throttle"},
            (
                "INVALID_VALUE",
                "/Budget/MaxCostPerHour",
                f"'MaxCostPerHour' of {WF} must be an amount such as \"$5.00\" or 5, got the "
                'string "ten"',
            ),
        ),
        (
            {"MaxCostPerDay": [], "OnExceed": "Throttle", "MaxCostPerHour": 1},
            (
                "INVALID_VALUE",
                "/Budget/MaxCostPerDay",
                f"'MaxCostPerDay' of {WF} must be an amount such as \"$5.00\" or 5, got an "
                "empty array",
            ),
        ),
        (
            {"MaxCostPerHour": 1, "OnExceed": "Throttle", "ThrottleDelay": "soon"},
            (
                "INVALID_VALUE",
                "/Budget/ThrottleDelay",
                f"'ThrottleDelay' of {WF} must be a duration such as \"30s\" or a number of "
                'seconds, got the string "soon"',
            ),
        ),
        (
            {"MaxCost": 5, "TrackBy": "userId", "ResetPeriod": "daily"},
            (
                "INVALID_PATH",
                "/Budget/TrackBy",
                f"'TrackBy' of {WF} is not a valid path: a path must start with '$'",
            ),
        ),
        (
            {"MaxCost": 5, "TrackBy": 7, "ResetPeriod": "daily"},
            (
                "INVALID_TYPE",
                "/Budget/TrackBy",
                f"'TrackBy' of {WF} must be a path such as \"$.userId\", got the number 7",
            ),
        ),
        (
            {"MaxCost": 5, "Currency": "Euro", "ExchangeRate": 0.9},
            (
                "INVALID_VALUE",
                "/Budget/Currency",
                f"'Currency' of {WF} must be a three-letter currency code such as \"USD\" or "
                '"EUR", got the string "Euro"',
            ),
        ),
        (
            {"MaxCost": 5, "TrackBy": "$.userId", "ResetPeriod": "yearly"},
            (
                "INVALID_VALUE",
                "/Budget/ResetPeriod",
                f"'ResetPeriod' of {WF} must be one of hourly, daily, weekly, monthly, got the "
                'string "yearly"',
            ),
        ),
        (
            {"Pool": "team"},
            (
                "MISSING_FIELD",
                "/Budget/Pool",
                f"'Pool' of {WF} needs 'MaxFromPool': add how much one run may take from the "
                'pool, e.g. "MaxFromPool": "$50.00"',
            ),
        ),
        (
            {"Pool": "", "MaxFromPool": 5},
            (
                "INVALID_TYPE",
                "/Budget/Pool",
                f"'Pool' of {WF} must be a non-empty string, got the string \"\"",
            ),
        ),
        (
            {"MaxFromPool": 5},
            (
                "MISSING_FIELD",
                "/Budget/MaxFromPool",
                f"'MaxFromPool' of {WF} takes a share of a pool, but no 'Pool' is named: add "
                '"Pool" with the pool\'s name, or remove MaxFromPool',
            ),
        ),
        (
            {"Pool": "team", "MaxFromPool": "half"},
            (
                "INVALID_VALUE",
                "/Budget/MaxFromPool",
                f"'MaxFromPool' of {WF} must be an amount such as \"$5.00\" or 5, got the "
                'string "half"',
            ),
        ),
        (
            {"Pool": "team", "MaxFromPool": 5, "ReleaseOnComplete": "yes"},
            (
                "INVALID_TYPE",
                "/Budget/ReleaseOnComplete",
                f"'ReleaseOnComplete' of {WF} must be true or false, got the string \"yes\"",
            ),
        ),
        (
            {"MaxCost": 5, "Reserve": "100%"},
            (
                "INVALID_VALUE",
                "/Budget/Reserve",
                f'\'Reserve\' of {WF} must be a share below 100% such as "20%" (or "0%" for '
                'none), got the string "100%"',
            ),
        ),
    ],
)
def test_a_bad_workflow_budget_is_one_exact_error(
    budget: dict[str, Any], expected: tuple[str, str, str]
) -> None:
    assert found(budget) == [("error", *expected)]


@pytest.mark.parametrize(
    ("budget", "expected"),
    [
        (
            {"MaxCots": 5},
            (
                "UNKNOWN_FIELD",
                "/Budget/MaxCots",
                "The workflow's Budget has the unknown field 'MaxCots': did you mean 'MaxCost'?",
            ),
        ),
        (
            {"MaxCost": 5, "OnExceed": "Throttle"},
            (
                "NO_EFFECT",
                "/Budget/OnExceed",
                f'"OnExceed": "Throttle" of {WF} has nothing to wait for: it waits only for '
                "limits that free up over time (MaxCostPerHour, MaxCostPerDay, or TrackBy with "
                "ResetPeriod), and a crossed MaxCost or MaxTokens fails the call as with Fail; "
                "add a per-period limit or use another OnExceed",
            ),
        ),
        (
            {"MaxCost": 5, "ResetPeriod": "daily"},
            (
                "NO_EFFECT",
                "/Budget/ResetPeriod",
                f"'ResetPeriod' of {WF} applies to a TrackBy budget: add \"TrackBy\" (e.g. "
                '"$.userId") or remove ResetPeriod',
            ),
        ),
        (
            {"MaxCost": 5, "Alerts": [{"At": "80%", "Email": "ops"}]},
            (
                "UNKNOWN_FIELD",
                "/Budget/Alerts/0/Email",
                f"Alert 0 of {WF} has the unknown field 'Email': remove it or check its spelling",
            ),
        ),
    ],
)
def test_a_doubtful_workflow_budget_is_one_warning(
    budget: dict[str, Any], expected: tuple[str, str, str]
) -> None:
    assert found(budget) == [("warning", *expected)]


def test_every_problem_of_a_budget_is_reported_in_one_pass() -> None:
    budget = {
        "MaxCost": "lots",
        "OnExceed": "Panic",
        "Fallback": {"Cascade": [{"When": "Sometimes", "UseModel": "small"}, {"When": "Always"}]},
        "Alerts": [{"At": "0%"}],
    }
    assert [(code, pointer) for _, code, pointer, _ in found(budget)] == [
        ("INVALID_VALUE", "/Budget/MaxCost"),
        ("INVALID_VALUE", "/Budget/OnExceed"),
        ("INVALID_VALUE", "/Budget/Fallback/Cascade/0/When"),
        ("MISSING_FIELD", "/Budget/Fallback/Cascade/1"),
        ("INVALID_VALUE", "/Budget/Alerts/0/At"),
    ]


def test_a_budget_problem_has_its_line_and_column() -> None:
    document = workflow(
        ("S", {"Type": "Task", "Agent": "A", "End": True, "Budget": {"Priority": "urgent"}}),
        Budget={"MaxCost": "$5.00", "Currency": "EUR"},
    )
    assert [
        (code, pointer, line, column) for _, code, pointer, line, column, _ in problems(document)
    ] == [
        ("INVALID_VALUE", "/States/S/Budget/Priority", 9, 21),
        ("MISSING_FIELD", "/Budget/Currency", 15, 17),
    ]


STATE = "the Budget of state 'S'"


def test_a_good_state_budget_is_valid() -> None:
    state_budget = {
        "MaxTokens": 50000,
        "MaxCost": "$2.00",
        "MaxInputTokens": 8000,
        "MaxOutputTokens": 2000,
        "Priority": "critical",
        "Category": "analysis",
        "Tags": ["security"],
        "Attribution": {"Team": "engineering", "Project.$": "$.projectId"},
    }
    assert found(state_budget=state_budget) == []
    assert found(state_budget={"Tags": "one", "Priority": "background"}) == []


@pytest.mark.parametrize(
    ("state_budget", "expected"),
    [
        (
            {"MaxTokens": -5},
            (
                "INVALID_VALUE",
                "/States/S/Budget/MaxTokens",
                f"'MaxTokens' of {STATE} must be a whole number of tokens, got the number -5",
            ),
        ),
        (
            {"MaxCost": "2 euros"},
            (
                "INVALID_VALUE",
                "/States/S/Budget/MaxCost",
                f"'MaxCost' of {STATE} must be an amount such as \"$5.00\" or 5, got the string "
                '"2 euros"',
            ),
        ),
        (
            {"MaxInputTokens": "many"},
            (
                "INVALID_VALUE",
                "/States/S/Budget/MaxInputTokens",
                f"'MaxInputTokens' of {STATE} must be a whole number of tokens, got the string "
                '"many"',
            ),
        ),
        (
            {"MaxOutputTokens": True},
            (
                "INVALID_VALUE",
                "/States/S/Budget/MaxOutputTokens",
                f"'MaxOutputTokens' of {STATE} must be a whole number of tokens, got true",
            ),
        ),
        (
            {"Priority": "High"},
            (
                "INVALID_VALUE",
                "/States/S/Budget/Priority",
                f"'Priority' of {STATE} must be one of critical, high, normal, low, background, "
                "got the string \"High\": did you mean 'high'?",
            ),
        ),
        (
            {"Category": 3},
            (
                "INVALID_TYPE",
                "/States/S/Budget/Category",
                f"'Category' of {STATE} must be a non-empty string, got the number 3",
            ),
        ),
        (
            {"Tags": ["a", 2]},
            (
                "INVALID_TYPE",
                "/States/S/Budget/Tags",
                f"'Tags' of {STATE} must be a tag or an array of tags (strings), got an array of "
                "2 items",
            ),
        ),
        (
            {"Attribution": ["Team"]},
            (
                "INVALID_TYPE",
                "/States/S/Budget/Attribution",
                f'\'Attribution\' of {STATE} must be an object such as {{"Team": "research"}}, '
                "got an array of 1 item",
            ),
        ),
        (
            {"Attribution": {"Project.$": "projectId"}},
            (
                "INVALID_PATH",
                "/States/S/Budget/Attribution/Project.$",
                f"'Project.$' of the Attribution of {STATE} is not a valid path: a path must "
                "start with '$'",
            ),
        ),
        (
            {"Attribution": {"Project": "a", "Project.$": "$.p"}},
            (
                "CONFLICTING_FIELDS",
                "/States/S/Budget/Attribution/Project.$",
                f"The Attribution of {STATE} has both 'Project' and 'Project.$': keep one of them",
            ),
        ),
    ],
)
def test_a_bad_state_budget_is_one_exact_error(
    state_budget: dict[str, Any], expected: tuple[str, str, str]
) -> None:
    assert found(state_budget=state_budget) == [("error", *expected)]


def test_a_state_budget_that_is_not_an_object_is_one_error() -> None:
    assert found(state_budget=[1]) == [
        (
            "error",
            "INVALID_TYPE",
            "/States/S/Budget",
            "'Budget' of state 'S' must be an object, got an array of 1 item",
        )
    ]


def test_an_unknown_state_budget_field_is_a_warning() -> None:
    assert found(state_budget={"MaxCosts": 1}) == [
        (
            "warning",
            "UNKNOWN_FIELD",
            "/States/S/Budget/MaxCosts",
            "The Budget of state 'S' has the unknown field 'MaxCosts': did you mean 'MaxCost'?",
        )
    ]


def test_a_state_budget_inside_a_map_is_checked() -> None:
    inner = {"Type": "Task", "Agent": "A", "End": True, "Budget": {"Priority": "urgent"}}
    mapped = {
        "Type": "Map",
        "ItemProcessor": {"StartAt": "Inner", "States": {"Inner": inner}},
        "End": True,
    }
    assert [
        (code, pointer) for _, code, pointer, *_ in problems_of_dict(workflow(("M", mapped)))
    ] == [("INVALID_VALUE", "/States/M/ItemProcessor/States/Inner/Budget/Priority")]
