"""Errors a store raises; each names what went wrong and how to fix it.

::

    ASLError
    └── StoreError                      any store failure (States.StoreError)
        ├── StoreURLError               a store URL that cannot be opened
        ├── SchemaVersionError          data written by a newer engine
        ├── UnknownExecutionError       no execution with that id
        ├── UnknownRequestError         no pending request with that id
        └── StoreConflictError          a write that contradicts what is stored
            └── StaleSequenceError      a transition committed on an old view

They are ``ASLError``s so the CLI and the HTTP API report them like any other
user-facing failure: one line, no traceback.
"""

from __future__ import annotations

from asl.language.errors import ASLError

STORE_ERROR = "States.StoreError"


class StoreError(ASLError):
    """Raised when a store cannot do what was asked."""

    def __init__(self, cause: str) -> None:
        super().__init__(STORE_ERROR, cause)


class StoreURLError(StoreError):
    """Raised for a store URL with an unknown scheme or a malformed part."""


class SchemaVersionError(StoreError):
    """Raised when the stored schema is newer than this engine understands."""

    def __init__(self, where: str, found: int, supported: int) -> None:
        super().__init__(
            f"{where} has store schema version {found}, but this engine supports up to "
            f"version {supported}: upgrade agent-state-language, or use another store"
        )
        self.found = found
        self.supported = supported


class UnknownExecutionError(StoreError):
    """Raised when an operation names an execution the store does not have."""

    def __init__(self, execution_id: str) -> None:
        super().__init__(
            f"No execution '{execution_id}' in this store: check the id, or the --store URL"
        )
        self.execution_id = execution_id


class UnknownRequestError(StoreError):
    """Raised when a decision names a pending request the store does not have."""

    def __init__(self, request_id: str) -> None:
        super().__init__(
            f"No pending request '{request_id}' in this store: list the pending requests "
            "of the execution to find its id"
        )
        self.request_id = request_id


class StoreConflictError(StoreError):
    """Raised when a write contradicts what is stored (e.g. a reused execution id)."""


class StaleSequenceError(StoreConflictError):
    """Raised when a transition does not follow the last committed one.

    Two processes resuming the same execution both read sequence N; the first
    commits N + 1, the second gets this error instead of forking the history.
    """

    def __init__(self, execution_id: str, attempted: int, committed: int) -> None:
        super().__init__(
            f"Execution '{execution_id}': transition {attempted} does not follow the last "
            f"committed transition {committed}; another process has moved it on, so reload "
            "the execution before continuing"
        )
        self.execution_id = execution_id
        self.attempted = attempted
        self.committed = committed
