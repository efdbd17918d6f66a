"""The pii detectors: what each kind finds, and what its checksum keeps it from finding."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asl.guardrails.pii import detect, iban_valid, luhn_valid


def found(text: str, *kinds: str) -> list[tuple[str, str]]:
    findings = detect(text, kinds) if kinds else detect(text)
    return [(f.kind, text[f.start : f.end]) for f in findings]


@pytest.mark.parametrize("number", ["4111111111111111", "79927398713", "5500005555555559"])
def test_luhn_accepts_valid_numbers(number: str) -> None:
    assert luhn_valid(number)


@pytest.mark.parametrize("number", ["4111111111111112", "79927398710", "1234567812345678"])
def test_luhn_rejects_a_wrong_check_digit(number: str) -> None:
    assert not luhn_valid(number)


@pytest.mark.parametrize(
    "iban", ["GB82 WEST 1234 5698 7654 32", "DE89370400440532013000", "fr1420041010050500013m02606"]
)
def test_iban_mod_97_accepts_valid_ibans(iban: str) -> None:
    assert iban_valid(iban)


@pytest.mark.parametrize("iban", ["GB82 WEST 1234 5698 7654 33", "DE8937040044", "XX00"])
def test_iban_mod_97_rejects_wrong_or_short_ibans(iban: str) -> None:
    assert not iban_valid(iban)


def test_every_kind_is_found_in_order_of_position() -> None:
    text = (
        "Mail ada@example.com, call +44 20 7946 0958, pay 4111 1111 1111 1111 "
        "to GB82 WEST 1234 5698 7654 32 with key sk-ant-abcdefghijklmnopqrstuvwx"
    )
    assert found(text) == [
        ("email", "ada@example.com"),
        ("phone", "+44 20 7946 0958"),
        ("credit_card", "4111 1111 1111 1111"),
        ("iban", "GB82 WEST 1234 5698 7654 32"),
        ("api_key", "sk-ant-abcdefghijklmnopqrstuvwx"),
    ]


@pytest.mark.parametrize(
    "key",
    [
        "AKIAIOSFODNN7EXAMPLE",
        "ghp_" + "a1" * 18,
        "sk_live_" + "Z9" * 10,
        "xoxb-1234567890-abcdef",
        "AIza" + "B" * 35,
    ],
)
def test_api_key_shapes(key: str) -> None:
    assert found(f"token: {key}.") == [("api_key", key)]


def test_a_number_failing_luhn_is_not_a_card_nor_a_phone() -> None:
    assert found("ref 4111 1111 1111 1112") == []


def test_dates_amounts_and_short_numbers_are_not_personal_data() -> None:
    assert found("On 2024-01-15 at 10:30 order 12345 cost 1,234.50 EUR") == []


def test_a_local_phone_number_has_ten_digits() -> None:
    assert found("Call (555) 123-4567 or 555 1234") == [("phone", "(555) 123-4567")]


def test_only_the_kinds_asked_for_are_found() -> None:
    assert found("ada@example.com 4111111111111111", "credit_card") == [
        ("credit_card", "4111111111111111")
    ]


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_findings_are_ordered_disjoint_and_inside_the_text(text: str) -> None:
    findings = detect(text)

    assert all(0 <= f.start < f.end <= len(text) for f in findings)
    assert all(a.end <= b.start for a, b in pairwise(findings))


@given(st.text(alphabet="0123456789 -+()@.abcXYZ", max_size=60))
def test_checksums_never_raise(text: str) -> None:
    assert isinstance(iban_valid(text), bool)
    digits = "".join(c for c in text if c.isdigit())
    assert isinstance(luhn_valid(digits), bool)
