"""Validation of Cache and of Idempotent with its IdempotencyKey, CacheResult and CacheTTL."""

from __future__ import annotations

from typing import Any

import pytest

from .support import problems_of_dict, workflow


def found(**fields: Any) -> list[tuple[str, str, str, str]]:
    state = {"Type": "Task", "Agent": "A", "End": True, **fields}
    return [
        (severity, code, pointer, message)
        for severity, code, pointer, _, _, message in problems_of_dict(workflow(("S", state)))
    ]


@pytest.mark.parametrize(
    "fields",
    [
        {"Cache": {"Enabled": True, "Key.$": "States.Hash($.doc, 'SHA-256')", "TTL": "24h"}},
        {"Cache": {"Key": "daily", "TTL": 3600, "Scope": "global"}},
        {"Cache": {"TTL": "never", "Scope": "execution"}},
        {"Idempotent": True, "IdempotencyKey.$": "$.id", "CacheResult": True, "CacheTTL": "1h"},
        {"Idempotent": True, "IdempotencyKey": "nightly"},
        {"Idempotent": True, "CacheResult": False, "CacheTTL": "1h"},
    ],
    ids=["cache-key-path", "cache-key", "cache-no-key", "idempotent", "literal-key", "off"],
)
def test_good_caching_fields_are_valid(fields: dict[str, Any]) -> None:
    assert found(**fields) == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"Cache": {"Key": "k", "Key.$": "$.k"}},
            (
                "CONFLICTING_FIELDS",
                "/States/S/Cache/Key.$",
                "The Cache of state 'S' has both 'Key' and 'Key.$': keep one of them",
            ),
        ),
        (
            {"Cache": {"Key.$": "$.a..b["}},
            (
                "INVALID_PATH",
                "/States/S/Cache/Key.$",
                "'Key.$' of the Cache of state 'S' is not a valid path: unterminated '[' "
                "(at character 7)",
            ),
        ),
        (
            {"Cache": {"TTL": "forever"}},
            (
                "INVALID_VALUE",
                "/States/S/Cache/TTL",
                "'TTL' of the Cache of state 'S' must be a duration such as \"1h\" or a number "
                'of seconds, got the string "forever"',
            ),
        ),
        (
            {"Cache": {"Scope": "Workflow"}},
            (
                "INVALID_VALUE",
                "/States/S/Cache/Scope",
                "'Scope' of the Cache of state 'S' must be one of workflow, execution, global, "
                "got the string \"Workflow\": did you mean 'workflow'?",
            ),
        ),
        (
            {"Cache": {"Enabled": "yes"}},
            (
                "INVALID_TYPE",
                "/States/S/Cache/Enabled",
                "'Enabled' of the Cache of state 'S' must be true or false, got the string \"yes\"",
            ),
        ),
        (
            {"IdempotencyKey.$": "$.id", "CacheResult": True},
            (
                "MISSING_FIELD",
                "/States/S/IdempotencyKey.$",
                "'IdempotencyKey.$' of state 'S' has no effect unless the state is idempotent: "
                'add "Idempotent": true',
            ),
        ),
        (
            {"Idempotent": True, "CacheTTL": "1h"},
            (
                "MISSING_FIELD",
                "/States/S/CacheTTL",
                "'CacheTTL' of state 'S' has no effect unless results are cached: add "
                '"CacheResult": true',
            ),
        ),
        (
            {"Cache": {}, "Idempotent": True, "CacheResult": True},
            (
                "CONFLICTING_FIELDS",
                "/States/S/CacheResult",
                "Task state 'S' caches twice, with 'Cache' and with \"CacheResult\": true: "
                "keep one of them",
            ),
        ),
        (
            {"Idempotent": True, "CacheResult": True, "CacheTTL": "1 day"},
            (
                "INVALID_VALUE",
                "/States/S/CacheTTL",
                "'CacheTTL' of state 'S' must be a duration such as \"1h\" or a number of "
                'seconds, got the string "1 day"',
            ),
        ),
    ],
    ids=[
        "key-twice",
        "bad-path",
        "bad-ttl",
        "bad-scope",
        "enabled",
        "not-idempotent",
        "ttl-no-cache",
        "cache-twice",
        "bad-cache-ttl",
    ],
)
def test_a_bad_caching_field_is_one_exact_error(
    fields: dict[str, Any], expected: tuple[str, str, str]
) -> None:
    assert found(**fields) == [("error", *expected)]


def test_an_unknown_cache_field_is_a_warning_with_a_suggestion() -> None:
    assert found(Cache={"Keys": "k"}) == [
        (
            "warning",
            "UNKNOWN_FIELD",
            "/States/S/Cache/Keys",
            "The Cache of state 'S' has the unknown field 'Keys': did you mean 'Key'?",
        )
    ]
