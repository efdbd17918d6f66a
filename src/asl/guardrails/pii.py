"""Detectors of personal data and secrets in text, for the ``pii`` guardrail rule.

Each kind is a regular expression that finds candidates and, where the data
has one, a checksum that confirms them: a card number must pass the Luhn
check and an IBAN the ISO 7064 mod-97 check, so an order number or a
timestamp is not mistaken for either. Kinds are tried in a fixed order and an
earlier kind's match wins where two overlap (a card number is not also a
phone number).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

EMAIL: Final = "email"
PHONE: Final = "phone"
CREDIT_CARD: Final = "credit_card"
IBAN: Final = "iban"
API_KEY: Final = "api_key"

KINDS: Final = (API_KEY, EMAIL, IBAN, CREDIT_CARD, PHONE)
"""Every kind, in the order they are detected."""

DESCRIPTIONS: Final = {
    EMAIL: "an email address",
    PHONE: "a phone number",
    CREDIT_CARD: "a card number",
    IBAN: "an IBAN",
    API_KEY: "an API key",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """Where in a text one piece of personal data or one secret is."""

    kind: str
    start: int
    end: int


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum that every payment card number carries in its last digit."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def iban_valid(text: str) -> bool:
    """ISO 13616: move the first four characters to the end, letters to numbers, mod 97 == 1."""
    compact = text.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34 or not (compact.isascii() and compact.isalnum()):
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(char, 36)) for char in rearranged)
    return int(number) % 97 == 1


def _digits(text: str) -> str:
    return "".join(char for char in text if char.isdigit())


def _card(text: str) -> bool:
    digits = _digits(text)
    return 13 <= len(digits) <= 19 and luhn_valid(digits)


def _phone(text: str) -> bool:
    """Ten to fifteen digits (E.164), or eight and more after an international ``+``."""
    count = len(_digits(text))
    return 10 <= count <= 15 or (text.startswith("+") and 8 <= count <= 15)


def _always(text: str) -> bool:
    return True


_PATTERNS: Final[dict[str, tuple[re.Pattern[str], Callable[[str], bool]]]] = {
    API_KEY: (
        re.compile(
            r"(?<![\w-])(?:"
            r"sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}"  # OpenAI, Anthropic
            r"|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}"  # Stripe
            r"|AKIA[0-9A-Z]{16}"  # AWS access key id
            r"|gh[pousr]_[A-Za-z0-9]{36,}"  # GitHub
            r"|github_pat_[A-Za-z0-9_]{40,}"
            r"|xox[abprs]-[A-Za-z0-9-]{10,}"  # Slack
            r"|AIza[0-9A-Za-z_-]{35}"  # Google
            r")(?![\w-])"
        ),
        _always,
    ),
    EMAIL: (
        re.compile(
            r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
        ),
        _always,
    ),
    IBAN: (
        re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])"),
        iban_valid,
    ),
    CREDIT_CARD: (re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])"), _card),
    PHONE: (
        re.compile(
            r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?"
            r"\d{2,5}(?:[ .-]?\d{2,5}){1,4}(?!\w)"
        ),
        _phone,
    ),
}


_API_KEY_PREFIXES: Final = ("sk-", "sk_", "rk_", "AKIA", "gh", "github_pat_", "xox", "AIza")
_NOT_DIGITS: Final = re.compile(r"\D+")


def _candidates(text: str, kinds: tuple[str, ...]) -> list[str]:
    """The kinds that can occur in ``text`` at all: cheap tests spare most regex scans."""
    digits = len(_NOT_DIGITS.sub("", text))
    possible = {
        API_KEY: any(prefix in text for prefix in _API_KEY_PREFIXES),
        EMAIL: "@" in text,
        IBAN: digits >= 2 and len(text) >= 15,
        CREDIT_CARD: digits >= 13,
        PHONE: digits >= 8,
    }
    return [kind for kind in KINDS if kind in kinds and possible[kind]]


def detect(text: str, kinds: tuple[str, ...] = KINDS) -> list[Finding]:
    """Every finding of the given kinds, by position, none overlapping another."""
    found: list[Finding] = []
    for kind in _candidates(text, kinds):
        pattern, confirm = _PATTERNS[kind]
        for match in pattern.finditer(text):
            start, end = match.span()
            if confirm(match.group(0)) and not any(
                start < other.end and other.start < end for other in found
            ):
                found.append(Finding(kind, start, end))
    return sorted(found, key=lambda finding: finding.start)
