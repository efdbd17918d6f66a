"""The size ("10M") and duration ("30s") strings of Tools blocks."""

from __future__ import annotations

import re
from typing import Any

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_DURATION_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, None: 1.0}


def parse_size(value: Any) -> int | None:
    """Bytes for ``1048576``, ``"512K"``, ``"10M"``, ``"1GB"``; None when not a size."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value >= 0 else None
    if not isinstance(value, str):
        return None
    match = _SIZE.match(value)
    if match is None:
        return None
    return int(float(match.group(1)) * _SIZE_UNITS[match.group(2).upper()])


def parse_seconds(value: Any) -> float | None:
    """Seconds for ``30``, ``"30s"``, ``"500ms"``, ``"5m"``, ``"1h"``; None when invalid."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) if value > 0 else None
    if not isinstance(value, str):
        return None
    match = _DURATION.match(value)
    if match is None:
        return None
    seconds = float(match.group(1)) * _DURATION_UNITS[match.group(2)]
    return seconds if seconds > 0 else None


def format_size(size: int) -> str:
    for unit in ("T", "G", "M", "K"):
        if size >= _SIZE_UNITS[unit] and size % _SIZE_UNITS[unit] == 0:
            return f"{size // _SIZE_UNITS[unit]}{unit}"
    return f"{size} bytes"
