"""API keys: made once, shown once, kept only as a hash, checked with scopes on every call.

A key reads ``asl_<id>_<secret>``. The id finds the record; the store keeps the
SHA-256 of the whole key, never the key itself, so a leaked store or backup gives
no usable key. A salted slow hash (scrypt, bcrypt) protects low-entropy passwords;
these keys carry 256 random bits, so one fast hash is enough and keeps the check
to microseconds on every request. Records live in the shared store (memory
namespace :data:`KEYS`), so every instance accepts the same keys and a revoked key
stops working everywhere at once.

Scopes: ``read`` (look), ``execute`` (start, stop, redrive), ``approve`` (decide
approvals, answer task tokens) and ``admin`` (register workflows, manage keys;
implies the others).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any

from asl.service.config import SCOPES
from asl.store import Store

KEYS = "asl.service.keys"
INDEX = "_index"
"""The key, in :data:`KEYS`, of ``{key id: live?}``: what ``GET /v1/keys`` lists."""


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A key's record, as the store keeps it (no secret in it)."""

    key_id: str
    name: str
    scopes: tuple[str, ...]
    created_at: float

    def allows(self, scope: str) -> bool:
        return scope in self.scopes or "admin" in self.scopes

    def public(self) -> dict[str, Any]:
        return {
            "id": self.key_id,
            "name": self.name,
            "scopes": list(self.scopes),
            "createdAt": self.created_at,
        }


class KeyRequestError(ValueError):
    """A key request that cannot be honoured (unknown scope, empty name)."""


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def check_scopes(scopes: list[str]) -> tuple[str, ...]:
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown or not scopes:
        raise KeyRequestError(
            f"scopes must be one or more of {', '.join(SCOPES)}; got {', '.join(scopes) or 'none'}"
        )
    return tuple(dict.fromkeys(scopes))


async def create_key(store: Store, name: str, scopes: list[str]) -> tuple[str, ApiKey]:
    """A new key and its record; the key is returned here once and never stored."""
    if not name.strip():
        raise KeyRequestError("a key needs a name that says who or what uses it")
    granted = check_scopes(scopes)
    key_id = secrets.token_hex(6)
    key = f"asl_{key_id}_{secrets.token_urlsafe(32)}"
    record = ApiKey(key_id, name, granted, time.time())
    await store.set_memory(
        KEYS,
        key_id,
        {**record.public(), "hash": digest(key)},
        overwrite=False,
    )
    await store.merge_memory(KEYS, INDEX, {key_id: True})
    return key, record


VERIFIED_SECONDS = 1.0
"""How long an instance trusts a key it verified: a revocation reaches every instance
within this time, and a busy client costs one store read per second, not per request."""

_verified: dict[tuple[int, str], tuple[float, ApiKey]] = {}


async def verify_key(store: Store, key: str) -> ApiKey | None:
    """The record of a valid, unrevoked key; None for anything else."""
    now = time.monotonic()
    known = _verified.get((id(store), key))
    if known is not None and now - known[0] < VERIFIED_SECONDS:
        return known[1]
    record = await _verify(store, key)
    if record is None:
        _verified.pop((id(store), key), None)
    elif len(_verified) < 10_000:
        _verified[(id(store), key)] = (now, record)
    return record


def forget_verified() -> None:
    """Drop every cached verification (this instance revoked a key)."""
    _verified.clear()


async def _verify(store: Store, key: str) -> ApiKey | None:
    prefix, _, rest = key.partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != "asl" or not key_id or not secret:
        return None
    entry = await store.get_memory(KEYS, key_id)
    if entry is None or not isinstance(entry.value, dict):
        return None
    stored = entry.value.get("hash")
    if not isinstance(stored, str) or not hmac.compare_digest(stored, digest(key)):
        return None
    return _record(entry.value)


async def revoke_key(store: Store, key_id: str) -> bool:
    if key_id == INDEX:
        return False
    await store.merge_memory(KEYS, INDEX, {key_id: False})
    forget_verified()
    return await store.delete_memory(KEYS, key_id)


async def list_keys(store: Store) -> list[ApiKey]:
    index = await store.get_memory(KEYS, INDEX)
    live = index.value if index is not None and isinstance(index.value, dict) else {}
    found = [await get_key(store, key_id) for key_id, alive in live.items() if alive]
    return sorted((key for key in found if key is not None), key=lambda key: key.created_at)


async def get_key(store: Store, key_id: str) -> ApiKey | None:
    entry = await store.get_memory(KEYS, key_id)
    return _record(entry.value) if entry is not None and isinstance(entry.value, dict) else None


def _record(value: dict[str, Any]) -> ApiKey:
    scopes = value.get("scopes")
    return ApiKey(
        str(value.get("id")),
        str(value.get("name")),
        tuple(str(scope) for scope in scopes) if isinstance(scopes, list) else (),
        float(value.get("createdAt") or 0.0),
    )
