"""Request bodies: strict pydantic models (unknown fields refused, types not coerced).

A body that does not fit becomes a 422 problem document listing each problem
with the JSON pointer of the offending field (see :mod:`asl.service.problems`).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$"
EXECUTION_ID = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class RegisterWorkflow(Strict):
    name: str = Field(pattern=NAME, description="Letters, digits, _ . -; up to 80")
    definition: dict[str, Any] = Field(description="The ASL document")


class ValidateWorkflow(Strict):
    definition: dict[str, Any]


class StartExecution(Strict):
    workflow: str = Field(pattern=NAME)
    version: int | None = Field(default=None, ge=1, description="Default: the latest")
    input: Any = Field(default_factory=dict)
    executionId: str | None = Field(
        default=None, pattern=EXECUTION_ID, description="Default: a new UUID; reuse is idempotent"
    )
    waitSeconds: float = Field(
        default=0, ge=0, description="Wait up to this long (capped by ASL_MAX_WAIT_SECONDS)"
    )


class StopExecution(Strict):
    error: str | None = Field(default=None, max_length=256)
    cause: str | None = Field(default=None, max_length=32768)


class Decision(BaseModel):
    """An approval decision; fields beyond these are kept (an Approval may read them)."""

    model_config = ConfigDict(extra="allow", strict=True)
    approval: str = Field(min_length=1, max_length=256)
    approver: str | None = Field(default=None, max_length=256)
    comment: str | None = Field(default=None, max_length=32768)


class TaskSuccess(Strict):
    output: Any


class TaskFailure(Strict):
    error: str = Field(min_length=1, max_length=256)
    cause: str = Field(default="", max_length=32768)


class CreateKey(Strict):
    name: str = Field(min_length=1, max_length=80)
    scopes: list[str] = Field(min_length=1)
