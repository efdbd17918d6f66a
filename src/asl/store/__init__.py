"""Persistence for durable executions: one ``Store`` contract, three backends.

``await open_store(url)`` opens ``memory://``, ``sqlite:///path`` or
``redis://host:port/db``. Backends load on first use, so importing this package
costs no Redis or SQLite import (the CLI's start-up time stays small).
"""

from __future__ import annotations

from asl.store.base import Store
from asl.store.errors import (
    SchemaVersionError,
    StaleSequenceError,
    StoreConflictError,
    StoreError,
    StoreURLError,
    UnknownExecutionError,
    UnknownRequestError,
)
from asl.store.records import (
    JSON,
    Checkpoint,
    ExecutionPage,
    ExecutionRecord,
    ExecutionStatus,
    FinalStatus,
    MemoryEntry,
    PendingRequest,
    RequestKind,
    Transition,
)
from asl.store.urls import default_sqlite_path, default_sqlite_url, open_store, process_store

__all__ = [
    "JSON",
    "Checkpoint",
    "ExecutionPage",
    "ExecutionRecord",
    "ExecutionStatus",
    "FinalStatus",
    "MemoryEntry",
    "PendingRequest",
    "RequestKind",
    "SchemaVersionError",
    "StaleSequenceError",
    "Store",
    "StoreConflictError",
    "StoreError",
    "StoreURLError",
    "Transition",
    "UnknownExecutionError",
    "UnknownRequestError",
    "default_sqlite_path",
    "default_sqlite_url",
    "open_store",
    "process_store",
]
