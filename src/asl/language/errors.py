"""The one error tree of the engine.

::

    ASLError(error, cause)              any failure with an ASL error name
    ├── AgentError                      raised by agents: a custom or Agent.* name
    ├── PathError                       a path expression that does not parse
    ├── IntrinsicError                  an intrinsic call that does not parse
    └── ValidationError(errors)         a document with problems, all of them

Runtime failures travel as ``ASLError`` carrying the AWS error name
(``States.Runtime``, ``States.TaskFailed`` ...) and an AWS-worded cause, so
Retry/Catch can match them and the result shows exactly what AWS would.
Parse errors carry the column of the offending character so that validation
can turn them into a :class:`Diagnostic` pointing into the document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# Error names AWS Step Functions defines (and the ones ASL adds).
ALL: Final = "States.ALL"
HEARTBEAT_TIMEOUT: Final = "States.HeartbeatTimeout"
TIMEOUT: Final = "States.Timeout"
TASK_FAILED: Final = "States.TaskFailed"
PERMISSIONS: Final = "States.Permissions"
RESULT_PATH_MATCH_FAILURE: Final = "States.ResultPathMatchFailure"
PARAMETER_PATH_FAILURE: Final = "States.ParameterPathFailure"
BRANCH_FAILED: Final = "States.BranchFailed"
NO_CHOICE_MATCHED: Final = "States.NoChoiceMatched"
INTRINSIC_FAILURE: Final = "States.IntrinsicFailure"
EXCEED_TOLERATED_FAILURE_THRESHOLD: Final = "States.ExceedToleratedFailureThreshold"
ITEM_READER_FAILED: Final = "States.ItemReaderFailed"
RESULT_WRITER_FAILED: Final = "States.ResultWriterFailed"
RUNTIME: Final = "States.Runtime"
DATA_LIMIT_EXCEEDED: Final = "States.DataLimitExceeded"
QUERY_EVALUATION_ERROR: Final = "States.QueryEvaluationError"
BUDGET_EXCEEDED: Final = "States.BudgetExceeded"
RATE_LIMIT_EXCEEDED: Final = "States.RateLimitExceeded"
AGENT_NOT_FOUND: Final = "States.AgentNotFound"
# Loading a document (file, JSON or YAML text).
PARSE_ERROR: Final = "States.ParseError"
FILE_NOT_FOUND: Final = "States.FileNotFound"
FILE_READ_ERROR: Final = "States.FileReadError"


class ASLError(Exception):
    """A failure with an ASL error name and a human cause."""

    def __init__(self, error: str, cause: str = "") -> None:
        super().__init__(f"{error}: {cause}" if cause else error)
        self.error = error
        self.cause = cause
        # The history event that recorded this failure, when there is one: the
        # retry or catch decision taken for the error is written into it.
        self.details: dict[str, object] | None = None


class AgentError(ASLError):
    """Raised by an agent to fail its Task with a chosen error name."""

    def __init__(self, error: str = "Agent.Error", cause: str = "") -> None:
        super().__init__(error, cause)


class PathError(ASLError):
    """A JSONPath expression that does not parse; ``column`` is 1-based in the expression."""

    def __init__(self, expression: str, reason: str, column: int | None = None) -> None:
        caret = f"\n  {expression}\n  {' ' * ((column or 1) - 1)}^" if column else ""
        super().__init__(RUNTIME, f"Invalid path '{expression}': {reason}{caret}")
        self.expression = expression
        self.reason = reason
        self.column = column


class IntrinsicError(ASLError):
    """An intrinsic function call that does not parse or names no known function."""

    def __init__(self, expression: str, reason: str, column: int | None = None) -> None:
        super().__init__(INTRINSIC_FAILURE, f"Invalid intrinsic '{expression}': {reason}")
        self.expression = expression
        self.reason = reason
        self.column = column


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in a document.

    ``pointer`` is an RFC 6901 JSON Pointer (``/States/Fetch/Next``); ``line`` and
    ``column`` are 1-based and None when the document did not come from text.
    ``severity`` is ``"error"`` or ``"warning"``; warnings do not make a document invalid.
    ``source`` names the file the problem is in when it is not the validated document
    itself (an imported template); the pointer, line and column are then that file's.
    """

    code: str
    message: str
    pointer: str
    line: int | None = None
    column: int | None = None
    severity: str = "error"
    source: str | None = None


class ValidationError(ASLError):
    """A document with problems; ``errors`` lists every one of them."""

    def __init__(self, errors: list[Diagnostic], source: str | None = None) -> None:
        self.errors = errors
        self.source = source
        where = source or "<document>"
        lines = [
            f"{d.source or where}:{d.line or 0}:{d.column or 0}: {d.code} {d.message}"
            for d in errors
        ]
        super().__init__("States.ValidationError", "\n".join(lines))
