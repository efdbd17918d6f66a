"""Which strings are JSONata expressions, and what AWS says when one does not parse.

AWS's rule, recorded: a string is an expression when it *starts* with ``{%`` and *ends*
with ``%}`` -- ``" {% states.input %} "`` (blank before or after) is a literal string
and is passed through unchanged. What lies between the delimiters is the expression;
AWS quotes it in causes without its surrounding blanks.

Syntax messages must be JSONata's reference wording (AWS returns them verbatim from
``ValidateStateMachineDefinition``: ``Expected "]", got ","``, ``The symbol "}" cannot
be used as a unary operator``, an empty expression is ``Unexpected end of expression``).
jsonata-python's parser is a line-by-line port of the reference parser, so its error
codes, tokens and positions are the reference's; the message is re-rendered from the
reference templates (:mod:`asl.language.jsonata.messages`).
"""

from __future__ import annotations

from typing import Any, Final

import jsonata as _jsonata_python  # type: ignore[import-untyped]

from asl.language.jsonata.errors import JsonataSyntaxError
from asl.language.jsonata.messages import render

OPEN: Final = "{%"
CLOSE: Final = "%}"
_BODY_OFFSET: Final = len(OPEN)


def is_expression(value: Any) -> bool:
    """True for a string that is one whole ``{% ... %}`` expression (AWS's rule)."""
    return (
        isinstance(value, str)
        and len(value) >= len(OPEN) + len(CLOSE)
        and value.startswith(OPEN)
        and value.endswith(CLOSE)
    )


def body_of(text: str) -> str:
    """The expression between the delimiters, blanks kept (positions stay true)."""
    return text[_BODY_OFFSET : len(text) - len(CLOSE)]


def check_syntax(text: str) -> None:
    """Raise :class:`JsonataSyntaxError` if the expression of ``text`` does not parse."""
    body = body_of(text)
    try:
        _jsonata_python.Jsonata(body)
    except _jsonata_python.JException as error:
        code = str(error.error)
        details = [error.current, error.expected, error.extra]
        while details and details[-1] is None:
            details.pop()
        reason = render(code, details) or str(error)
        position = error.location if isinstance(error.location, int) else len(body)
        raise JsonataSyntaxError(text, reason, _clamp(position, body), code) from None
    except RecursionError:
        raise JsonataSyntaxError(
            text, "The expression is nested too deeply", len(body) + _BODY_OFFSET
        ) from None
    except Exception as error:  # the port's own defects: still a refusal, never a crash
        raise JsonataSyntaxError(text, str(error) or type(error).__name__,
                                 len(body) + _BODY_OFFSET) from None


def syntax_error(text: str, reason: str, position: int | None,
                 code: str | None) -> JsonataSyntaxError:
    """A refusal found after the reference parser accepted the text (the evaluator's parser)."""
    body = body_of(text)
    where = position if position is not None else len(body)
    return JsonataSyntaxError(text, reason, _clamp(where, body), code)


def _clamp(position: int, body: str) -> int:
    return max(0, min(position, len(body))) + _BODY_OFFSET

