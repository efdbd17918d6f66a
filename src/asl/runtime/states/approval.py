"""The Approval state (ASL): a person decides, possibly days later.

The approval handler (``WorkflowEngine(approval_handler=...)``) sees the
request and returns a decision at once, or None to pause the execution; a
paused execution resumes with ``engine.resume(id, decision)``. The decision
becomes the approval object ``{approval, approver, timestamp, comment?}``,
placed with ``ResultPath`` (default ``$``); ``Choices`` route on it through the
full Choice evaluator, then ``Default``, then ``Next``/``End``.
``Timeout`` bounds the wait: a resume after it takes the timeout route
(``approval: "timeout"``, to ``Default``).
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable
from typing import Any

from asl.language.choice import compile_rule
from asl.language.errors import RUNTIME, TIMEOUT, ASLError
from asl.language.intrinsics import compile_intrinsic, is_intrinsic
from asl.language.paths import NoResults, compile_path
from asl.language.payload import compile_payload
from asl.runtime.dataflow import compile_result_path, located
from asl.runtime.execution import Scope
from asl.runtime.flow import FULL_CONTEXT
from asl.runtime.history import iso_timestamp
from asl.runtime.pause import Paused, parse_duration
from asl.runtime.states.base import State, Transition

DEFAULT_OPTIONS = ["approve", "reject"]
NESTED_WAIT = (
    "A state that waits (an Approval with no decision, a .waitForTaskToken Task) can pause "
    "only at the top level or directly in a branch of a top-level Map or Parallel; give the "
    "engine an approval_handler that decides at once, or move the state up"
)
_PLACEHOLDER = re.compile(r"\{\{\s*(\$[^}]*?)\s*\}\}")

Renderer = Callable[[Any, Any], Any]


class ApprovalState(State):
    type = "Approval"
    is_sync = False
    entered_event = "ApprovalStateEntered"
    exited_event = "ApprovalStateExited"

    def __init__(self, name: str, raw: dict[str, Any], language: str = "JSONPath") -> None:
        super().__init__(name, raw, language)
        self.prompt = _prompt(raw)
        self.options: list[str] = list(raw.get("Options") or DEFAULT_OPTIONS)
        self.timeout_text = raw.get("Timeout")
        self.timeout = parse_duration(self.timeout_text) if self.timeout_text else None
        editable = raw.get("Editable")
        self.editable_fields: list[str] | None = None
        self.edited_path: Callable[[Any, Any], Any] | None = None
        if isinstance(editable, dict):
            self.editable_fields = list(editable.get("Fields") or [])
            place = compile_result_path(
                {"ResultPath": editable.get("ResultPath", "$.editedContent")}
            )
            # "$": the edited content replaces the data (compile_result_path gives None).
            self.edited_path = place or (lambda data, edited: edited)
        self.result_path = compile_result_path(raw)
        self.rules = [
            (compile_rule(rule, f"/States/{name}/Choices/{index}"), rule["Next"])
            for index, rule in enumerate(raw.get("Choices") or [])
        ]
        self.default: str | None = raw.get("Default")
        self.escalation = _escalation(raw.get("Escalation"))
        self.needs(FULL_CONTEXT)  # prompts and rules may read $$ and variables

    async def run(self, data: Any, scope: Scope, entered: int) -> Transition:
        execution = scope.execution
        context = self.environment(scope, entered)
        effective = self.prepare(data, context, entered)
        place = scope.branch
        request_id = (
            self.request_id(execution.id, entered)
            if place is None
            else place.request_id(execution.id, self.name)
        )
        decision = execution.decisions.pop(self.name if place is None else request_id, None)
        if decision is None:
            request = self._request(effective, context, request_id, entered)
            if place is not None:
                request["branch"] = place.label
            now = execution.clock.time()
            if self.timeout is not None:
                request["expiresAt"] = iso_timestamp(now + self.timeout)
            if self.escalation is not None:  # what engine.sweep() escalates from
                request["requestedAt"] = iso_timestamp(now)
                request["escalation"] = self.escalation
            decision = await self._ask(execution.approval_handler, request)
            if decision is None:
                if scope.nested and place is None:
                    raise located(ASLError(RUNTIME, NESTED_WAIT), self.name, entered)
                raise Paused(self.name, data, request)
            decision = {"approver": "handler", **decision}
        if place is not None:
            place.pauses += 1
        try:
            output, following = self._decided(effective, decision, context, execution.clock.time())
        except ASLError as error:
            raise located(error, self.name, entered) from None
        return self.finish(data, output, context, entered), following

    def request_id(self, execution_id: str, entered: int) -> str:
        return f"{execution_id}:{self.name}:{entered}"

    def _request(
        self, effective: Any, context: Any, request_id: str, entered: int
    ) -> dict[str, Any]:
        try:
            prompt = self.prompt(effective, context)
        except ASLError as error:
            raise located(error, self.name, entered) from None
        return {
            "type": "approval",
            "requestId": request_id,
            "state": self.name,
            "prompt": prompt,
            "options": self.options,
            "timeout": self.timeout_text,
            "editable": self.editable_fields,
            "input": effective,
        }

    @staticmethod
    async def _ask(handler: Any, request: dict[str, Any]) -> dict[str, Any] | None:
        if handler is None:
            return None
        decide = getattr(handler, "request_approval", handler)
        decision = decide(request)
        if inspect.isawaitable(decision):
            decision = await decision
        return check_decision(decision, request["options"]) if decision is not None else None

    def _decided(
        self, effective: Any, decision: dict[str, Any], context: Any, now: float
    ) -> Transition:
        timed_out = decision.get("approval") == "timeout"
        approval: dict[str, Any] = {
            "approval": decision["approval"],
            "approver": decision.get("approver", "user"),
            "timestamp": decision.get("timestamp") or iso_timestamp(now),
        }
        if decision.get("comment") is not None:
            approval["comment"] = decision["comment"]
        target = effective
        edited = decision.get("edited_content", decision.get("editedContent"))
        if edited is not None and self.edited_path is not None:
            target = self.edited_path(target, edited)
        output = approval if self.result_path is None else self.result_path(target, approval)
        following = self.default if timed_out and self.default else None
        if following is None:
            for rule, rule_target in self.rules:
                if rule.evaluate(output, context):
                    following = rule_target
                    break
        if following is None:
            following = self.default or self.next
        if timed_out and following is None:
            raise ASLError(TIMEOUT, f"The approval '{self.name}' timed out with no Default")
        return output, following


def check_decision(decision: Any, options: list[str]) -> dict[str, Any]:
    """A decision must be an object whose ``approval`` is one of the options."""
    if not isinstance(decision, dict) or not isinstance(decision.get("approval"), str):
        raise ASLError(
            "States.InvalidDecision",
            'A decision is an object with "approval" set to one of ' + ", ".join(options),
        )
    if decision["approval"] not in options:  # "timeout" comes from the engine only
        raise ASLError(
            "States.InvalidDecision",
            f"'{decision['approval']}' is not one of this approval's options: "
            + ", ".join(options),
        )
    return decision


def _prompt(raw: dict[str, Any]) -> Renderer:
    """Prompt, ``Prompt.$`` (a path or an intrinsic), an object prompt, or ``{{$.x}}`` text."""
    dynamic = raw.get("Prompt.$")
    if isinstance(dynamic, str):
        if is_intrinsic(dynamic):
            return compile_intrinsic(dynamic).evaluate
        path = compile_path(dynamic)
        return lambda data, context: _select(path, data, context)
    prompt = raw.get("Prompt", "")
    if isinstance(prompt, dict | list):
        return compile_payload(prompt).evaluate
    text = str(prompt)
    parts = [
        (match.group(0), compile_path(match.group(1))) for match in _PLACEHOLDER.finditer(text)
    ]
    if not parts:
        return lambda data, context: text

    def render(data: Any, context: Any) -> str:
        rendered = text
        for placeholder, path in parts:
            value = _select(path, data, context)
            shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            rendered = rendered.replace(placeholder, shown, 1)
        return rendered

    return render


def _select(path: Any, data: Any, context: Any) -> Any:
    try:
        return path.evaluate(data, context)
    except NoResults:
        raise ASLError(RUNTIME, f"The Prompt path '{path.text}' selects nothing") from None


def _escalation(raw: Any) -> dict[str, Any] | None:
    """``Escalation {After, Notify, Message, Repeat {Every, MaxTimes}}`` as plain numbers."""
    if not isinstance(raw, dict):
        return None
    after = parse_duration(raw.get("After"))
    if after is None:
        return None
    repeat = raw.get("Repeat")
    every = parse_duration(repeat.get("Every")) if isinstance(repeat, dict) else None
    times = repeat.get("MaxTimes", 1) if isinstance(repeat, dict) else 0
    notify = raw.get("Notify") or []
    return {
        "after": after,
        "notify": [str(n) for n in (notify if isinstance(notify, list) else [notify])],
        "message": str(raw.get("Message") or "An approval is still waiting for a decision"),
        "every": every,
        "repeats": int(times) if isinstance(times, int) and every else 0,
    }
