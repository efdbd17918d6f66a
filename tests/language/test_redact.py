"""Redaction paths: what they select, what they replace, and the paths they refuse."""

from __future__ import annotations

from typing import Any

import pytest

from asl.language.redact import parse_redact_path, redact, redacted_values

DOCUMENT = {
    "user": {"name": "ada", "password": "pw-1234"},
    "cards": [{"number": "4111", "cvv": 123}, {"number": "5500", "cvv": 456}],
    "nested": {"deep": {"token": "t-1"}, "list": [{"token": "t-2"}]},
    "odd key": "x",
}


def hide(*paths: str) -> Any:
    return redact(DOCUMENT, tuple(parse_redact_path(p) for p in paths))


def test_a_member_path_replaces_that_value_only() -> None:
    assert hide("$.user.password")["user"] == {"name": "ada", "password": "[REDACTED]"}


def test_wildcards_and_indices() -> None:
    assert hide("$.cards[*].cvv")["cards"] == [
        {"number": "4111", "cvv": "[REDACTED]"},
        {"number": "5500", "cvv": "[REDACTED]"},
    ]
    assert hide("$.cards[-1].number")["cards"][1] == {"number": "[REDACTED]", "cvv": 456}
    assert hide("$.user.*")["user"] == {"name": "[REDACTED]", "password": "[REDACTED]"}


def test_descendant_members_at_any_depth() -> None:
    assert hide("$..token")["nested"] == {
        "deep": {"token": "[REDACTED]"},
        "list": [{"token": "[REDACTED]"}],
    }


def test_bracketed_names() -> None:
    assert hide("$['odd key']")["odd key"] == "[REDACTED]"
    assert hide('$["user"]["name"]')["user"]["name"] == "[REDACTED]"


def test_a_path_that_matches_nothing_leaves_the_document_alone() -> None:
    assert hide("$.missing.member", "$.cards[7]", "$.user.name.first") == DOCUMENT


def test_the_document_itself_is_never_changed() -> None:
    before = repr(DOCUMENT)
    hide("$.user.password", "$..token", "$.cards[*].cvv")
    assert repr(DOCUMENT) == before


def test_redacted_values_lists_the_scalars_selected() -> None:
    paths = (parse_redact_path("$.user"), parse_redact_path("$.cards[*].cvv"))
    assert redacted_values(DOCUMENT, paths) == ["ada", "pw-1234", "123", "456"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("user.password", "a redaction path starts with '$' (the recorded document)"),
        ("$$.Execution.Input", "a redaction path starts with '$' (the recorded document)"),
        ("$", "'$' would redact the whole document; name the members to hide"),
        (
            "$.a[?(@.b)]",
            "cannot read the path from column 4 ('[?(@.b)]'); use .name, ['name'], [0], [*] "
            "or ..name",
        ),
    ],
)
def test_paths_that_are_refused(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_redact_path(text)
    assert str(raised.value) == reason
