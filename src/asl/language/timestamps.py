"""Timestamps as AWS Step Functions reads them.

AWS parses the timestamps of Choice rules and of the Wait state with Java's
ISO-8601 *extended offset date-time* parser (the Wait state's error cause names it
outright). So a timestamp here is what that parser accepts, not what
``datetime.fromisoformat`` accepts:

* ``YYYY-MM-DDThh:mm`` with optional ``:ss`` and an optional fraction of 1 to 9
  digits (AWS accepted ``.00Z``, ``.000Z``, ``.000000Z`` and ``.0000000Z``);
* a zone is **required**: ``Z`` or a numeric offset ``+hh``, ``+hh:mm``,
  ``+hhmm``, ``+hh:mm:ss`` or ``+hhmmss`` of at most 18 hours (AWS rejected the
  same instant written without a zone, with or without a fraction);
* the parser ignores case, so ``t`` and ``z`` work like ``T`` and ``Z``;
* dates are checked strictly (no 30 February, no hour 24, no leap second).

Comparisons use the instant as integer nanoseconds since the epoch: a ``datetime``
keeps only microseconds, and Java compares all nine digits.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Final

_TIMESTAMP: Final = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)(?:T|(?P<t>t))"
    r"(?P<hour>\d\d):(?P<minute>\d\d)(?::(?P<second>\d\d)(?:\.(?P<fraction>\d{1,9}))?)?"
    r"(?:Z|(?P<z>z)|(?P<sign>[+-])(?P<oh>\d\d)"
    r"(?:(?P<colon>:?)(?P<om>\d\d)(?:(?P=colon)(?P<os>\d\d))?)?)",
    re.ASCII,
)
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_NO_OFFSET: Final = timedelta(0)
_MAX_OFFSET: Final = timedelta(hours=18)
_NANOS_PER_SECOND: Final = 1_000_000_000
_SECONDS_PER_DAY: Final = 86_400
_MAX_OFFSET_SECONDS: Final = 18 * 3600
_DAYS_IN_MONTH: Final = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's method)."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146_097 + day_of_era - 719_468


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _fields(text: str) -> tuple[int, int, int, int, int, int, int, int] | None:
    """Year, month, day, hour, minute, second, nanosecond, offset seconds; None if invalid."""
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        return None
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    hour, minute = int(match["hour"]), int(match["minute"])
    second = int(match["second"] or 0)
    fraction = match["fraction"]
    nanos = int(fraction.ljust(9, "0")) if fraction else 0
    if not 1 <= month <= 12 or hour > 23 or minute > 59 or second > 59:
        return None
    last_day = 29 if month == 2 and _is_leap(year) else _DAYS_IN_MONTH[month]
    if not 1 <= day <= last_day:
        return None
    offset = 0
    if match["sign"]:
        off_minutes, off_seconds = int(match["om"] or 0), int(match["os"] or 0)
        offset = int(match["oh"]) * 3600 + off_minutes * 60 + off_seconds
        if off_minutes > 59 or off_seconds > 59 or offset > _MAX_OFFSET_SECONDS:
            return None
        if match["sign"] == "-":
            offset = -offset
    return year, month, day, hour, minute, second, nanos, offset


def timestamp_nanos(text: str) -> int | None:
    """The instant ``text`` names, in nanoseconds since the epoch; None if not a timestamp.

    This is the comparison key of the ``Timestamp*`` Choice operators: two timestamps
    are equal when they name the same instant, whatever their offsets. The pattern
    decides what is a timestamp; ``datetime.fromisoformat`` (in C) then does the
    arithmetic for the common case, and the exact Python path handles the rest.
    """
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        return None
    try:
        lower = match["t"] is not None or match["z"] is not None
        moment = datetime.fromisoformat(text.upper() if lower else text)
    except ValueError:  # year 0, or a field out of range
        return _exact_nanos(text)
    if match["sign"] is not None and (
        abs(moment.utcoffset() or _NO_OFFSET) > _MAX_OFFSET
        or (match["om"] or "") > "59"
        or (match["os"] or "") > "59"
    ):
        return None
    delta = moment - _EPOCH
    fraction = match["fraction"]
    nanos = (
        int(fraction.ljust(9, "0")) if fraction and len(fraction) > 6 else delta.microseconds * 1000
    )
    return (delta.days * _SECONDS_PER_DAY + delta.seconds) * _NANOS_PER_SECOND + nanos


def _exact_nanos(text: str) -> int | None:
    fields = _fields(text)
    if fields is None:
        return None
    year, month, day, hour, minute, second, nanos, offset = fields
    seconds = (
        _days_from_civil(year, month, day) * _SECONDS_PER_DAY
        + hour * 3600
        + minute * 60
        + second
        - offset
    )
    return seconds * _NANOS_PER_SECOND + nanos


def parse_timestamp(text: str) -> datetime | None:
    """The aware datetime ``text`` names (in its own offset); None if not a timestamp.

    Digits beyond the sixth of the fraction are dropped, as a datetime cannot hold
    them; compare with :func:`timestamp_nanos` when they matter. Year 0, which Java
    accepts but a datetime cannot hold, gives None.
    """
    fields = _fields(text)
    if fields is None or fields[0] == 0:
        return None
    year, month, day, hour, minute, second, nanos, offset = fields
    zone = UTC if offset == 0 else timezone(timedelta(seconds=offset))
    return datetime(year, month, day, hour, minute, second, nanos // 1000, tzinfo=zone)


def datetime_nanos(moment: datetime) -> int:
    """Nanoseconds since the epoch of ``moment``; a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * _SECONDS_PER_DAY + delta.seconds) * _NANOS_PER_SECOND + (
        delta.microseconds * 1000
    )


def invalid_timestamp_path_cause(path: str, value: Any) -> str:
    """AWS's cause when a Wait ``TimestampPath`` selects no valid timestamp (``States.Runtime``).

    Recorded on AWS for a string value: the value follows ``==`` as is, without quotes.
    The runtime adds its usual "An error occurred while executing the state ..." prefix.
    """
    shown = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return (
        "The TimestampPath parameter does not reference a valid ISO-8601 extended offset "
        f"date-time format string: {path} == {shown}"
    )
