"""Timestamps as AWS reads them (Java's ISO-8601 extended offset date-time)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asl.language.timestamps import (
    datetime_nanos,
    invalid_timestamp_path_cause,
    parse_timestamp,
    timestamp_nanos,
)

_T = 1_349_809_255_000_000_000  # 2012-10-09T19:00:55Z


@pytest.mark.parametrize(
    ("text", "nanos"),
    [
        # Suffixes AWS accepted in a Wait TimestampPath (test_wait.snapshot.json).
        ("2012-10-09T19:00:55Z", _T),
        ("2012-10-09T19:00:55.000000Z", _T),
        ("2012-10-09T19:00:55.000Z", _T),
        ("2012-10-09T19:00:55.0000000Z", _T),
        ("2012-10-09T19:00:55.00Z", _T),
        # Offsets name the same instant.
        ("2012-10-09T20:00:55+01:00", _T),
        ("2012-10-09T14:30:55-04:30", _T),
        ("2012-10-09T20:00:55+0100", _T),
        ("2012-10-09T20:00:55+01", _T),
        ("2012-10-09T20:00:56+01:00:01", _T),
        ("2012-10-09T19:00:55-00:00", _T),
        ("2012-10-10T13:00:55+18:00", _T),
        # The parser ignores case; seconds are optional.
        ("2012-10-09t19:00:55z", _T),
        ("2012-10-09T19:00Z", _T - 55_000_000_000),
        # Fractions to the nanosecond.
        ("2012-10-09T19:00:55.5Z", _T + 500_000_000),
        ("2012-10-09T19:00:55.123456789Z", _T + 123_456_789),
        # Calendar edges.
        ("1970-01-01T00:00:00Z", 0),
        ("1969-12-31T23:59:59.999999999Z", -1),
        ("2024-02-29T00:00:00Z", 1_709_164_800_000_000_000),
        ("2000-02-29T00:00:00Z", 951_782_400_000_000_000),
        ("0001-01-01T00:00:00Z", -62_135_596_800_000_000_000),
        ("9999-12-31T23:59:59Z", 253_402_300_799_000_000_000),
    ],
)
def test_timestamp_names_an_instant(text: str, nanos: int) -> None:
    assert timestamp_nanos(text) == nanos


@pytest.mark.parametrize(
    "text",
    [
        # Rejected by AWS in a Wait TimestampPath (test_wait.snapshot.json): no zone.
        "2012-10-09T19:00:55",
        "2012-10-09T19:00:55.000000",
        "2012-10-09T19:00:55.000",
        # Not the extended date-time form.
        "2023-02-24",
        "2023-02-24 12:15:56.832957",
        "2012-10-09 19:00:55Z",
        "20121009T190055Z",
        "2012-10-09T19Z",
        "2012-10-09T19:00:55.Z",
        "2012-10-09T19:00:55.1234567890Z",
        "2012-10-09T19:00:55ZZ",
        " 2012-10-09T19:00:55Z",
        "2012-10-09T19:00:55Z\n",
        "+2012-10-09T19:00:55Z",
        "12-10-09T19:00:55Z",
        "２０１２-10-09T19:00:55Z",
        "",
        # Out of range.
        "2023-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2012-04-31T00:00:00Z",
        "2012-13-01T00:00:00Z",
        "2012-00-01T00:00:00Z",
        "2012-01-00T00:00:00Z",
        "2012-10-09T24:00:00Z",
        "2012-10-09T19:60:00Z",
        "2012-10-09T19:00:60Z",
        "2012-10-09T19:00:55+18:01",
        "2012-10-09T19:00:55+19:00",
        "2012-10-09T19:00:55+01:60",
        "2012-10-09T19:00:55+01:0000",
        "2012-10-09T19:00:55+1",
    ],
)
def test_text_that_is_no_timestamp(text: str) -> None:
    assert timestamp_nanos(text) is None
    assert parse_timestamp(text) is None


def test_parse_keeps_the_offset_of_the_text() -> None:
    parsed = parse_timestamp("2012-10-09T20:00:55.123456789+01:00")

    assert parsed == datetime(2012, 10, 9, 20, 0, 55, 123456, tzinfo=timezone(timedelta(hours=1)))
    assert parsed is not None and parsed.utcoffset() == timedelta(hours=1)


def test_parse_gives_utc_for_z() -> None:
    assert parse_timestamp("2016-08-18T17:33:00Z") == datetime(2016, 8, 18, 17, 33, tzinfo=UTC)


def test_parse_gives_none_for_year_zero_that_datetime_cannot_hold() -> None:
    assert timestamp_nanos("0000-06-01T00:00:00Z") is not None
    assert parse_timestamp("0000-06-01T00:00:00Z") is None


def test_datetime_nanos_takes_a_naive_datetime_as_utc() -> None:
    assert datetime_nanos(datetime(2012, 10, 9, 19, 0, 55)) == _T
    assert (
        datetime_nanos(datetime(2012, 10, 9, 20, 0, 55, tzinfo=timezone(timedelta(hours=1)))) == _T
    )


def test_invalid_timestamp_path_cause_shows_a_string_as_is() -> None:
    assert invalid_timestamp_path_cause("$.start_at", "2012-10-09T19:00:55") == (
        "The TimestampPath parameter does not reference a valid ISO-8601 extended offset "
        "date-time format string: $.start_at == 2012-10-09T19:00:55"
    )


def test_invalid_timestamp_path_cause_shows_other_values_as_json() -> None:
    assert invalid_timestamp_path_cause("$.at", {"a": [1, None]}) == (
        "The TimestampPath parameter does not reference a valid ISO-8601 extended offset "
        'date-time format string: $.at == {"a":[1,null]}'
    )


@given(st.datetimes(timezones=st.timezones() | st.just(UTC)))
def test_formatted_datetimes_round_trip(moment: datetime) -> None:
    text = moment.isoformat()

    assert timestamp_nanos(text) == datetime_nanos(moment)


@given(st.text(max_size=40))
def test_any_text_parses_or_gives_none(text: str) -> None:
    nanos = timestamp_nanos(text)
    parsed = parse_timestamp(text)

    assert nanos is None or isinstance(nanos, int)
    if parsed is not None:
        assert nanos is not None and datetime_nanos(parsed) == nanos - nanos % 1000
