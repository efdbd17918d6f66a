"""Deterministic stand-ins for the three reviewers: line rules instead of an LLM.

Each returns ``{"reviewer", "verdict", "comments"}``. ``StyleReviewer`` also reports
usage through :class:`AgentResult`, the way a model-backed agent would, so the run's
``tokens_used`` is not zero.
"""

from __future__ import annotations

from typing import Any

from asl import AgentContext, AgentRegistry, AgentResult, Usage

SECRET_MARKERS = ("password", "secret", "api_key")
MAX_LINE = 79


def _added_lines(diff: str) -> list[tuple[int, str]]:
    return [
        (number, line[1:])
        for number, line in enumerate(diff.splitlines(), start=1)
        if line.startswith("+")
    ]


def _verdict(reviewer: str, comments: list[str]) -> dict[str, Any]:
    verdict = "request_changes" if comments else "approve"
    return {"reviewer": reviewer, "verdict": verdict, "comments": comments}


def review_security(parameters: dict[str, Any], context: AgentContext) -> dict[str, Any]:
    comments = [
        f"line {number}: possible hard-coded secret"
        for number, line in _added_lines(parameters["diff"])
        if any(marker in line.lower() for marker in SECRET_MARKERS)
    ]
    return _verdict(context.state_name, comments)


async def review_style(parameters: dict[str, Any]) -> AgentResult:
    added = _added_lines(parameters["diff"])
    comments = [
        f"line {number}: longer than {MAX_LINE} characters"
        for number, line in added
        if len(line) > MAX_LINE
    ]
    usage = Usage(input_tokens=len(parameters["diff"].split()), output_tokens=len(comments))
    return AgentResult(_verdict("StyleReview", comments), usage=usage)


def review_tests(parameters: dict[str, Any]) -> dict[str, Any]:
    has_tests = any(path.rsplit("/", 1)[-1].startswith("test_") for path in parameters["files"])
    return _verdict("TestReview", [] if has_tests else ["no test file changed"])


def register(registry: AgentRegistry) -> None:
    registry.register("SecurityReviewer", review_security)
    registry.register("StyleReviewer", review_style)
    registry.register("TestReviewer", review_tests)
