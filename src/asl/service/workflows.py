"""Versioned workflow definitions, shared by every instance through the store.

Registering a name stores the document (once per content hash, where the engine
keeps documents: :data:`asl.runtime.durable.DEFINITIONS`) and gives it the next
version number. Versions are immutable: an execution names the version it ran,
and a new version never changes what an old execution resumes with. Registering
the same content as the latest version again returns that version (a deploy
script can re-run). Version numbers are allocated with the store's
insert-if-absent, so two instances registering at once get two versions, never
one overwritten.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from asl.runtime.durable import DEFINITIONS, definition_hash
from asl.store import Store

WORKFLOWS = "asl.service.workflows"
CACHE_LIMIT = 10_000
INDEX = "_index"
"""The key, in :data:`WORKFLOWS`, of ``{name: latest version}`` (names cannot start with _)."""


@dataclass(frozen=True, slots=True)
class WorkflowVersion:
    name: str
    version: int
    definition_hash: str
    created_at: float

    def public(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "definitionHash": self.definition_hash,
            "createdAt": self.created_at,
        }


async def register(
    store: Store, name: str, document: dict[str, Any]
) -> tuple[WorkflowVersion, bool]:
    """The version holding ``document`` under ``name``, and whether this call created it."""
    digest = definition_hash(document)
    latest = await _latest_in_store(store, name)
    if latest is not None and latest.definition_hash == digest:
        return latest, False
    await store.set_memory(DEFINITIONS, digest, document)
    version = (latest.version if latest is not None else 0) + 1
    while True:
        record = WorkflowVersion(name, version, digest, time.time())
        if await store.set_memory(WORKFLOWS, _key(name, version), record.public(), overwrite=False):
            break
        version += 1  # another instance took this number first
    await store.merge_memory(WORKFLOWS, INDEX, {name: version})
    _latest[(id(store), name)] = (time.monotonic(), record)
    return record, True


# Versions and documents never change once stored, so each process keeps what it read
# (per store object: a process may open several).
_versions: dict[tuple[int, str, int], WorkflowVersion] = {}
_documents: dict[tuple[int, str], dict[str, Any]] = {}


async def get_version(store: Store, name: str, version: int) -> WorkflowVersion | None:
    known = _versions.get((id(store), name, version))
    if known is not None:
        return known
    entry = await store.get_memory(WORKFLOWS, _key(name, version))
    if entry is None or not isinstance(entry.value, dict):
        return None
    value = entry.value
    found = WorkflowVersion(
        name,
        version,
        str(value["definitionHash"]),
        float(value["createdAt"]),  # type: ignore[arg-type]
    )
    if len(_versions) < CACHE_LIMIT:
        _versions[(id(store), name, version)] = found
    return found


LATEST_SECONDS = 1.0
"""How long an instance keeps the answer to "latest version of NAME": a version
registered on another instance becomes the default within this time (at once on
the instance that registered it)."""

_latest: dict[tuple[int, str], tuple[float, WorkflowVersion]] = {}


async def latest_version(store: Store, name: str) -> WorkflowVersion | None:
    """The highest version (as of at most :data:`LATEST_SECONDS` ago)."""
    now = time.monotonic()
    known = _latest.get((id(store), name))
    if known is not None and now - known[0] < LATEST_SECONDS:
        return known[1]
    found = await _latest_in_store(store, name)
    if found is not None and len(_latest) < CACHE_LIMIT:
        _latest[(id(store), name)] = (now, found)
    return found


async def _latest_in_store(store: Store, name: str) -> WorkflowVersion | None:
    """The index may lag a concurrent registration, so probe past it."""
    index = await store.get_memory(WORKFLOWS, INDEX)
    known = index.value.get(name) if index is not None and isinstance(index.value, dict) else None
    version = known if isinstance(known, int) else 0
    found = await get_version(store, name, version) if version else None
    while True:
        following = await get_version(store, name, version + 1)
        if following is None:
            return found
        found, version = following, version + 1


async def list_workflows(store: Store) -> dict[str, int]:
    index = await store.get_memory(WORKFLOWS, INDEX)
    if index is None or not isinstance(index.value, dict):
        return {}
    return {str(name): int(v) for name, v in sorted(index.value.items()) if isinstance(v, int)}


async def load_document(store: Store, digest: str) -> dict[str, Any] | None:
    """The document with this content hash (callers must not change it: it is shared)."""
    known = _documents.get((id(store), digest))
    if known is not None:
        return known
    entry = await store.get_memory(DEFINITIONS, digest)
    if entry is None or not isinstance(entry.value, dict):
        return None
    if len(_documents) < CACHE_LIMIT:
        _documents[(id(store), digest)] = entry.value
    return entry.value


def _key(name: str, version: int) -> str:
    return f"{name}@{version}"
