"""The console in headless Chromium against a real service: sign in, find, watch, approve."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.console.conftest import Console


@pytest.fixture
def page_errors() -> list[str]:
    """What the page logged as errors; a test that expects one removes it."""
    return []


@pytest.fixture
def page(browser: Any, page_errors: list[str]) -> Iterator[Page]:
    """A fresh tab; any error the page logs (a script error, a CSP refusal) fails the test."""
    opened: Page = browser.new_page()
    opened.on(
        "console",
        lambda message: page_errors.append(message.text) if message.type == "error" else None,
    )
    opened.on("pageerror", lambda error: page_errors.append(str(error)))
    yield opened
    opened.close()
    assert page_errors == [], page_errors


def logged(page: Page, page_errors: list[str], count: int) -> list[str]:
    """The page's errors once ``count`` have arrived (or after 5 s): the text on the page
    can show before the console event of a second failed request reaches the test."""
    for _ in range(250):
        if len(page_errors) >= count:
            break
        page.wait_for_timeout(20)
    return page_errors


def sign_in(page: Page, console: Console, key: str, approver: str = "") -> None:
    page.goto(f"{console.url}/ui/")
    page.fill("#key", key)
    page.fill("#approver", approver)
    page.click("#login button[type=submit]")
    expect(page.locator("#list-view")).to_be_visible()


def test_a_reviewer_approves_in_the_console_and_sees_the_execution_succeed(
    console: Console, page: Page, artefacts: Path
) -> None:
    execution_id = console.start("review", {"text": "hi"})
    console.settle(execution_id, "PAUSED")
    sign_in(page, console, console.keys["reviewer"], approver="Ada")
    expect(page.locator("#who")).to_have_text("Ada")
    row = page.locator(f'#executions tr[data-execution="{execution_id}"]')
    expect(row.locator("td").nth(1)).to_have_text("review")
    expect(row.locator(".status")).to_have_text("PAUSED")
    listed = page.locator(f'#approvals [data-request="{execution_id}:Review:7"]')
    expect(listed.locator(".prompt")).to_have_text("Publish 'HI'?")
    page.screenshot(path=str(artefacts / "list.png"), full_page=True)

    row.locator("a").click()
    node = page.locator("#graph g.node[data-state]")
    expect(page.locator('#graph [data-state="Shout"]')).to_have_attribute(
        "data-outcome", "SUCCEEDED"
    )
    expect(page.locator('#graph [data-state="Review"]')).to_have_attribute(
        "data-outcome", "IN_PROGRESS"
    )
    expect(page.locator('#graph [data-state="Done"]')).to_have_attribute("data-outcome", "NOT_RUN")
    expect(node).to_have_count(3)
    expect(page.locator('#graph [data-state="Shout"] path')).to_have_attribute("fill", "#c8e6c9")
    shout = page.locator('#states tr[data-state="Shout"] pre')
    assert [json.loads(text) for text in shout.all_text_contents()] == [
        {"text": "hi"},
        {"text": "HI"},
    ]
    expect(page.locator("#timeline tbody tr")).to_have_count(8)
    expect(page.locator("#timeline tbody tr").last).to_have_attribute(
        "data-event", "ExecutionPaused"
    )
    expect(page.locator("#cost-total")).to_have_text("Total: $0.000000, 0 tokens")
    page.screenshot(path=str(artefacts / "paused.png"), full_page=True)

    page.locator("#pending").get_by_role("button", name="Approve").click()
    expect(page.locator("#execution-status")).to_have_text("SUCCEEDED")
    expect(page.locator('#graph [data-state="Review"]')).to_have_attribute(
        "data-outcome", "SUCCEEDED"
    )
    expect(page.locator('#graph [data-state="Done"]')).to_have_attribute(
        "data-outcome", "SUCCEEDED"
    )
    expect(page.locator("#timeline tbody tr").last).to_have_attribute(
        "data-event", "ExecutionSucceeded"
    )
    expect(page.locator("#pending .approval")).to_have_count(0)
    page.screenshot(path=str(artefacts / "approved.png"), full_page=True)

    described = console.settle(execution_id, "SUCCEEDED")
    assert described["output"]["text"] == "HI"
    assert described["output"]["review"]["approval"] == "approve"
    assert described["output"]["review"]["approver"] == "Ada"
    assert json.loads(page.locator("#output").text_content() or "") == described["output"]


def test_a_running_state_lights_up_and_turns_green_as_its_events_arrive(
    console: Console, page: Page, artefacts: Path
) -> None:
    sign_in(page, console, console.keys["read"])
    execution_id = console.start("slow", {}, wait=False)
    page.goto(f"{console.url}/ui/#/executions/{execution_id}")
    sleep = page.locator('#graph [data-state="Sleep"]')
    expect(sleep).to_have_attribute("data-outcome", "IN_PROGRESS")
    expect(page.locator('#graph [data-state="After"]')).to_have_attribute("data-outcome", "NOT_RUN")
    expect(page.locator("#stream-state")).to_have_text("(live)")
    page.screenshot(path=str(artefacts / "running.png"), full_page=True)
    expect(sleep).to_have_attribute("data-outcome", "SUCCEEDED", timeout=15_000)
    expect(page.locator('#graph [data-state="After"]')).to_have_attribute(
        "data-outcome", "SUCCEEDED"
    )
    expect(page.locator("#execution-status")).to_have_text("SUCCEEDED")
    expect(page.locator("#stream-state")).to_have_text("")
    assert json.loads(page.locator("#output").text_content() or "") == {
        "slept": 2,
        "pid": "hidden",
        "note": "finished",
    }


def test_the_cost_report_shows_the_total_and_the_usage_events_report_by_state(
    console: Console, page: Page
) -> None:
    execution_id = console.start("priced", {})
    described = console.settle(execution_id, "SUCCEEDED")
    assert (described["cost"], described["tokens"]) == (0.27, 150)
    sign_in(page, console, console.keys["read"])
    page.goto(f"{console.url}/ui/#/executions/{execution_id}")
    expect(page.locator("#cost-total")).to_have_text("Total: $0.270000, 150 tokens")
    rows = page.locator("#cost tbody tr")
    expect(rows).to_have_count(1)
    assert rows.locator("td").all_text_contents() == ["Argue", "30", "$0.020000"]


def test_a_key_without_the_approve_scope_is_told_why_the_decision_was_refused(
    console: Console, page: Page, artefacts: Path, page_errors: list[str]
) -> None:
    execution_id = console.start("review", {"text": "no"})
    console.settle(execution_id, "PAUSED")
    sign_in(page, console, console.keys["read"])
    page.goto(f"{console.url}/ui/#/executions/{execution_id}")
    page.locator("#pending").get_by_role("button", name="Reject").click()
    expect(page.locator("#pending .approval .error")).to_have_text(
        "The key 'test-read' lacks the 'approve' scope this endpoint needs (it has: read)"
    )
    expect(page.locator("#pending").get_by_role("button", name="Reject")).to_be_enabled()
    page.screenshot(path=str(artefacts / "refused.png"), full_page=True)
    assert page_errors == [
        "Failed to load resource: the server responded with a status of 403 (Forbidden)"
    ]
    page_errors.clear()
    assert console.settle(execution_id, "PAUSED")["status"] == "PAUSED"


def test_the_list_filters_by_status_and_workflow(console: Console, page: Page) -> None:
    done = console.start("three", {"text": "a"})
    console.settle(done, "SUCCEEDED")
    waiting = console.start("review", {"text": "b"})
    console.settle(waiting, "PAUSED")
    sign_in(page, console, console.keys["read"])
    expect(page.locator(f'#executions tr[data-execution="{done}"]')).to_have_count(1)
    expect(page.locator(f'#executions tr[data-execution="{waiting}"]')).to_have_count(1)

    page.select_option("#filter-status", "SUCCEEDED")
    page.click("#filters button[type=submit]")
    expect(page.locator(f'#executions tr[data-execution="{waiting}"]')).to_have_count(0)
    expect(page.locator(f'#executions tr[data-execution="{done}"]')).to_have_count(1)
    statuses = page.locator("#executions tbody .status").all_text_contents()
    assert set(statuses) == {"SUCCEEDED"}

    page.select_option("#filter-status", "")
    page.fill("#filter-workflow", "review")
    page.click("#filters button[type=submit]")
    expect(page.locator(f'#executions tr[data-execution="{waiting}"]')).to_have_count(1)
    expect(page.locator(f'#executions tr[data-execution="{done}"]')).to_have_count(0)

    page.fill("#filter-workflow", "")
    page.fill("#filter-after", "2999-01-01T00:00")
    page.click("#filters button[type=submit]")
    expect(page.locator("#executions tbody tr")).to_have_count(0)


def test_a_wrong_key_is_refused_at_sign_in_with_the_reason(
    console: Console, page: Page, page_errors: list[str]
) -> None:
    page.goto(f"{console.url}/ui/")
    page.fill("#key", "asl_nothing_wrong")
    page.click("#login button[type=submit]")
    expect(page.locator("#login-error")).to_have_text(
        "The API key is not valid (unknown, revoked or mistyped)"
    )
    expect(page.locator("#list-view")).to_be_hidden()
    assert page_errors == [
        "Failed to load resource: the server responded with a status of 401 (Unauthorized)"
    ]
    page_errors.clear()


def test_an_unknown_execution_says_so(console: Console, page: Page, page_errors: list[str]) -> None:
    sign_in(page, console, console.keys["read"])
    page.goto(f"{console.url}/ui/#/executions/nope")
    expect(page.locator("#execution-error")).to_have_text("No execution 'nope' in this service")
    assert (
        logged(page, page_errors, 2)
        == ["Failed to load resource: the server responded with a status of 404 (Not Found)"] * 2
    )
    page_errors.clear()
