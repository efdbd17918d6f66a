"""Checks of a state's caching fields: the ``Cache`` block, and ``Idempotent`` with its
``IdempotencyKey``, ``CacheResult`` and ``CacheTTL``.

The idempotency fields only mean something on an idempotent Task, and the
two ways of caching exclude each other, so each field that would be ignored
is an error that says what to add or remove.
"""

from __future__ import annotations

import re
from typing import Any, Final

from .expressions import check_dynamic
from .report import describe, did_you_mean, is_int, unknown_hint
from .states import StateCheck

CACHE_SCOPES: Final = ("workflow", "execution", "global")
_CACHE_FIELDS: Final = ("Enabled", "Key", "Key.$", "TTL", "Scope")
_IDEMPOTENCY_FIELDS: Final = ("IdempotencyKey", "IdempotencyKey.$", "CacheResult", "CacheTTL")
_DURATION: Final = re.compile(r"^\s*\d+(?:\.\d+)?\s*(?:ms|s|m|h|d|w)?\s*$")

CACHING_FIELDS: Final = frozenset({"Cache", "Idempotent", *_IDEMPOTENCY_FIELDS})
"""The state fields these checks own."""


def is_ttl(value: Any) -> bool:
    """Seconds (a non-negative integer), a duration (``"30m"``, ``"24h"``, ``"7d"``) or never."""
    if is_int(value):
        return value >= 0
    return isinstance(value, str) and (value == "never" or bool(_DURATION.match(value)))


def check_caching(check: StateCheck) -> None:
    if check.has("Cache"):
        _check_cache(check)
    _check_idempotency(check)


def _check_ttl(check: StateCheck, value: Any, pointer: str, label: str) -> bool:
    if is_ttl(value):
        return True
    check.report.error(
        "INVALID_VALUE" if isinstance(value, str) else "INVALID_TYPE",
        pointer,
        f'{label} must be a duration such as "1h" or a number of seconds, got {describe(value)}',
    )
    return False


def _check_cache(check: StateCheck) -> None:
    if not check.expect_object("Cache"):
        return
    cache = check.state["Cache"]
    where = f"the Cache of state '{check.name}'"
    for name in cache:
        if name not in _CACHE_FIELDS:
            check.report.warning(
                "UNKNOWN_FIELD",
                check.at("Cache", name),
                f"{where[0].upper()}{where[1:]} has the unknown field "
                f"'{name}'{unknown_hint(name, _CACHE_FIELDS)}",
                key=True,
            )
    if "Enabled" in cache and not isinstance(cache["Enabled"], bool):
        check.report.error(
            "INVALID_TYPE",
            check.at("Cache", "Enabled"),
            f"'Enabled' of {where} must be true or false, got {describe(cache['Enabled'])}",
        )
    if "Key" in cache and "Key.$" in cache:
        check.report.error(
            "CONFLICTING_FIELDS",
            check.at("Cache", "Key.$"),
            f"{where[0].upper()}{where[1:]} has both 'Key' and 'Key.$': keep one of them",
            key=True,
        )
    if "Key" in cache and not (isinstance(cache["Key"], str) and cache["Key"]):
        check.report.error(
            "INVALID_TYPE",
            check.at("Cache", "Key"),
            f"'Key' of {where} must be a non-empty string, got {describe(cache['Key'])}",
        )
    if "Key.$" in cache:
        check_dynamic(
            check.report,
            cache["Key.$"],
            check.at("Cache", "Key.$"),
            f"'Key.$' of {where}",
            check.reads,
        )
    if "TTL" in cache:
        _check_ttl(check, cache["TTL"], check.at("Cache", "TTL"), f"'TTL' of {where}")
    scope = cache.get("Scope")
    if "Scope" in cache and scope not in CACHE_SCOPES:
        check.report.error(
            "INVALID_VALUE",
            check.at("Cache", "Scope"),
            f"'Scope' of {where} must be one of {', '.join(CACHE_SCOPES)}, got "
            f"{describe(scope)}{did_you_mean(str(scope), CACHE_SCOPES)}",
        )


def _check_idempotency(check: StateCheck) -> None:
    """Each field's own value first; what it needs of the others only once it is usable."""
    usable: list[str] = []
    for name in ("Idempotent", "CacheResult"):
        if check.has(name) and check.expect_bool(name):
            usable.append(name)
    if check.has("IdempotencyKey") and check.expect_str("IdempotencyKey"):
        usable.append("IdempotencyKey")
    if check.has("IdempotencyKey.$"):
        usable.append("IdempotencyKey.$")  # checked as a path with every other ".$" field
    if check.has("CacheTTL"):
        ttl = check.state["CacheTTL"]
        if _check_ttl(check, ttl, check.at("CacheTTL"), check.label("CacheTTL")):
            usable.append("CacheTTL")
    needing = [name for name in _IDEMPOTENCY_FIELDS if name in usable]
    if needing and check.state.get("Idempotent") is not True:
        check.report.error(
            "MISSING_FIELD",
            check.at(needing[0]),
            f"{check.label(needing[0])} has no effect unless the state is idempotent: "
            f'add "Idempotent": true',
            key=True,
        )
    elif "CacheTTL" in usable and "CacheResult" not in check.state:
        check.report.error(
            "MISSING_FIELD",
            check.at("CacheTTL"),
            f"{check.label('CacheTTL')} has no effect unless results are cached: "
            f'add "CacheResult": true',
            key=True,
        )
    if check.has("Cache") and check.state.get("CacheResult") is True:
        check.report.error(
            "CONFLICTING_FIELDS",
            check.at("CacheResult"),
            f"{check.title} caches twice, with 'Cache' and with \"CacheResult\": true: "
            "keep one of them",
            key=True,
        )
