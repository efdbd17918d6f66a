"""A Task's ``Feedback`` block: ask a person to rate the result, like an Approval asks to decide.

After the Task succeeds, a feedback request (``type: "feedback"``) goes to the
engine's approval handler; an answer continues at once, None pauses the
execution, and ``engine.resume(execution_id, answer)`` continues it later
from any engine on the same store — the approval mechanism, with the request
kind ``feedback``. The paused execution keeps the Task's output, so resuming
does not call the agent again. Every answer is kept in the store with its
request (``engine.feedback()``, ``asl feedback list``).

Answers, by ``Type``: ``{"rating": N}`` (an integer within ``Scale``, default
[1, 5]), ``{"thumbs": "up" | "down"}``, ``{"choice": LABEL}`` (one of
``Labels``), ``{"text": "..."}``, or for ``structured`` one member per field of
``Fields`` (each a rating, thumbs, choice or text; required unless the field
is ``Optional``). The names listed in ``Optional`` (``["comment"]``) and ``by``
(who answered) may be added. Anything else is ``States.InvalidFeedback``.

The state's output stays the Task's output unless ``ResultPath`` places the
answer in it (a choice made here so a workflow can route on feedback).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from typing import Any

from asl.language.errors import RUNTIME, ASLError
from asl.runtime.dataflow import compile_result_path, located
from asl.runtime.execution import Scope
from asl.runtime.pause import Paused

INVALID_FEEDBACK = "States.InvalidFeedback"
TYPES = ("rating", "thumbs", "choice", "text", "structured")
FIELD_TYPES = ("rating", "thumbs", "choice", "text")
DEFAULT_SCALE = [1, 5]
DEFAULT_QUESTION = "How good was this result?"
THUMBS = ("up", "down")

Attempt = Callable[[Any, Scope, int, int], Coroutine[Any, Any, Any]]


def collects(raw: dict[str, Any]) -> bool:
    block = raw.get("Feedback")
    return isinstance(block, dict) and block.get("Collect", True) is not False


def request_shape(block: dict[str, Any]) -> dict[str, Any]:
    """What the request says about the expected answer (the parts that do not change)."""
    kind = str(block.get("Type") or "rating")
    shape: dict[str, Any] = {
        "feedbackType": kind,
        "question": str(block.get("Question") or DEFAULT_QUESTION),
        "source": str(block.get("Source") or "human"),
        "store": block.get("Store"),
        "optional": [str(name) for name in block.get("Optional") or []],
    }
    if kind == "rating":
        shape["scale"] = list(block.get("Scale") or DEFAULT_SCALE)
    if kind in ("rating", "choice") and block.get("Labels"):
        shape["labels"] = [str(label) for label in block["Labels"]]
    if kind == "structured":
        shape["fields"] = [_field_shape(field) for field in block.get("Fields") or []]
    return shape


def _field_shape(field: dict[str, Any]) -> dict[str, Any]:
    kind = str(field.get("Type") or "rating")
    shape: dict[str, Any] = {
        "name": str(field["Name"]),
        "type": kind,
        "label": str(field.get("Label") or field["Name"]),
        "optional": field.get("Optional") is True,
    }
    if kind == "rating":
        shape["scale"] = list(field.get("Scale") or DEFAULT_SCALE)
    if field.get("Labels"):
        shape["labels"] = [str(label) for label in field["Labels"]]
    return shape


def with_feedback(name: str, block: dict[str, Any], attempt: Attempt) -> Attempt:
    """``attempt`` followed by the feedback request; on resume, the answer without the agent."""
    shape = request_shape(block)
    place = None
    if "ResultPath" in block:
        place = compile_result_path({"ResultPath": block["ResultPath"]})

    async def attempt_with_feedback(data: Any, scope: Scope, entered: int, retry_count: int) -> Any:
        execution = scope.execution
        answer = execution.decisions.pop(name, None)
        if answer is not None:  # resumed with the answer: data is the Task's output
            output = data
        else:
            output = await attempt(data, scope, entered, retry_count)
            request = {
                "type": "feedback",
                "requestId": f"{execution.id}:{name}:{entered}:feedback",
                "state": name,
                **shape,
                "output": output,
            }
            answer = await _ask(execution.approval_handler, request)
            if answer is None:
                if scope.nested:
                    raise located(
                        ASLError(
                            RUNTIME,
                            "A Feedback request inside a Map or Parallel cannot pause in this "
                            "version; give the engine an approval_handler that answers at once",
                        ),
                        name,
                        entered,
                    )
                raise Paused(name, output, request)
            try:
                answer = check_answer(answer, request)
            except ASLError as error:
                raise located(error, name, entered) from None
            await _keep(execution, request, answer)
        execution.record("FeedbackReceived", name, "feedback", answer)
        if place is None:
            return output
        try:
            return place(output, answer)
        except ASLError as error:
            raise located(error, name, entered) from None

    return attempt_with_feedback


async def _ask(handler: Any, request: dict[str, Any]) -> Any:
    """The approval handler answers feedback requests too (``request["type"]`` says which).

    An object may answer them with ``request_feedback``; an object with only
    ``request_approval`` does not answer feedback (the execution pauses).
    """
    if handler is None:
        return None
    ask = getattr(handler, "request_feedback", None)
    if ask is None:
        if hasattr(handler, "request_approval"):
            return None
        ask = handler
    answer = ask(request)
    if inspect.isawaitable(answer):
        answer = await answer
    return answer


async def _keep(execution: Any, request: dict[str, Any], answer: dict[str, Any]) -> None:
    """An answer given at once is stored like one given on resume: queryable later."""
    if execution.open_store is None:
        return
    store = await execution.open_store()
    created = await store.create_request(
        execution.id, request["state"], "feedback", request, request_id=request["requestId"]
    )
    await store.decide_request(created.request_id, answer)


def check_answer(answer: Any, request: dict[str, Any]) -> dict[str, Any]:
    """The answer, if it fits the request; else ``States.InvalidFeedback`` saying what fits."""
    kind = request.get("feedbackType", "rating")
    optional = [str(name) for name in request.get("optional") or []]
    if not isinstance(answer, dict):
        raise ASLError(INVALID_FEEDBACK, f"Feedback is an object, {_expected(request)}")
    if kind == "structured":
        fields = request.get("fields") or []
        for field in fields:
            if field["name"] in answer:
                _check_value(answer[field["name"]], field["type"], field, field["name"])
            elif not field.get("optional"):
                raise ASLError(
                    INVALID_FEEDBACK,
                    f"Feedback misses the field '{field['name']}'; {_expected(request)}",
                )
        known = {field["name"] for field in fields}
    else:
        if kind not in answer:
            raise ASLError(INVALID_FEEDBACK, f"Feedback misses '{kind}'; {_expected(request)}")
        _check_value(answer[kind], kind, request, kind)
        known = {kind}
    extra = sorted(set(answer) - known - set(optional) - {"by"})
    if extra:
        raise ASLError(
            INVALID_FEEDBACK,
            f"Feedback has the unexpected member '{extra[0]}'; {_expected(request)}",
        )
    return answer


def _check_value(value: Any, kind: str, spec: dict[str, Any], name: str) -> None:
    if kind == "rating":
        low, high = spec.get("scale") or DEFAULT_SCALE
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ASLError(
                INVALID_FEEDBACK,
                f"'{name}' must be a whole number from {low} to {high}, got {value!r}",
            )
    elif kind == "thumbs":
        if value not in THUMBS:
            raise ASLError(INVALID_FEEDBACK, f'\'{name}\' must be "up" or "down", got {value!r}')
    elif kind == "choice":
        labels = spec.get("labels") or []
        if value not in labels:
            raise ASLError(
                INVALID_FEEDBACK, f"'{name}' must be one of {', '.join(labels)}, got {value!r}"
            )
    elif not isinstance(value, str):
        raise ASLError(INVALID_FEEDBACK, f"'{name}' must be text, got {value!r}")


def _expected(request: dict[str, Any]) -> str:
    kind = request.get("feedbackType", "rating")
    optional = [f'"{name}"' for name in request.get("optional") or []] + ['"by"']
    if kind == "structured":
        names = ", ".join(f'"{f["name"]}"' for f in request.get("fields") or [])
        members = f"members {names}"
    elif kind == "rating":
        low, high = request.get("scale") or DEFAULT_SCALE
        members = f'"rating" ({low} to {high})'
    elif kind == "thumbs":
        members = '"thumbs" ("up" or "down")'
    elif kind == "choice":
        members = f'"choice" (one of {", ".join(request.get("labels") or [])})'
    else:
        members = '"text"'
    return f"expected {members}, optionally {', '.join(optional)}"
