"""Provider failures as ASL error names, so a state's Retry and Catch can handle them.

=====================================  ==============================================
What the provider said                 ASL error
=====================================  ==============================================
HTTP 429 (rate limited)                ``States.RateLimitExceeded`` (cause: retry-after)
HTTP 529 / 503, ``overloaded_error``   ``Agent.ModelOverloaded``
prompt longer than the context window  ``Agent.ContextOverflow``
the request timed out                  ``States.Timeout``
anything else (500, malformed body…)   ``Agent.ModelError``
=====================================  ==============================================

Causes never carry the API key: the provider's message is scrubbed of it.
"""

from __future__ import annotations

from typing import Any, Final

from asl.language.errors import RATE_LIMIT_EXCEEDED, TIMEOUT, AgentError

MODEL_ERROR: Final = "Agent.ModelError"
MODEL_OVERLOADED: Final = "Agent.ModelOverloaded"
CONTEXT_OVERFLOW: Final = "Agent.ContextOverflow"
INVALID_OUTPUT: Final = "Agent.InvalidOutput"
INVALID_INPUT: Final = "Agent.InvalidInput"
TOOL_ERROR: Final = "Agent.ToolError"

# Words the vendors use when a prompt does not fit the model's window.
_OVERFLOW_HINTS = (
    "context_length_exceeded",
    "context length",
    "context window",
    "prompt is too long",
    "maximum context",
    "too many tokens",
)


class ProviderError(AgentError):
    """A failed model call; ``retry_after`` is the server's advice in seconds, if any."""

    def __init__(self, error: str, cause: str, retry_after: float | None = None) -> None:
        super().__init__(error, cause)
        self.retry_after = retry_after


def map_provider_error(provider: str, error: BaseException, secret: str | None) -> ProviderError:
    """The ASL error for an exception the provider's SDK raised (or a malformed reply)."""
    kind = type(error).__name__
    if kind in ("APITimeoutError", "TimeoutException", "ReadTimeout"):
        return ProviderError(TIMEOUT, f"{provider}: the model call timed out")
    status = getattr(error, "status_code", None)
    message = _scrub(_message(error), secret)
    if status is None:
        if kind == "APIConnectionError":
            return ProviderError(MODEL_ERROR, f"{provider}: could not connect: {message}")
        return ProviderError(MODEL_ERROR, f"{provider}: malformed reply ({kind}: {message})")
    if status == 429:
        retry_after = _retry_after(getattr(error, "response", None))
        advice = f"; retry after {retry_after:g} s" if retry_after is not None else ""
        return ProviderError(
            RATE_LIMIT_EXCEEDED,
            f"{provider} rate limited the call (HTTP 429){advice}: {message}",
            retry_after,
        )
    if status in (503, 529) or "overloaded" in message.lower():
        return ProviderError(
            MODEL_OVERLOADED, f"{provider} is overloaded (HTTP {status}): {message}"
        )
    lowered = message.lower()
    if status in (400, 413) and any(hint in lowered for hint in _OVERFLOW_HINTS):
        return ProviderError(
            CONTEXT_OVERFLOW, f"{provider}: the prompt does not fit the model: {message}"
        )
    return ProviderError(MODEL_ERROR, f"{provider} failed the call (HTTP {status}): {message}")


def _message(error: BaseException) -> str:
    """The vendor's own error text when the body carries one, else the exception's."""
    body: Any = getattr(error, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            code = inner.get("code") or inner.get("type")
            return f"{inner['message']} ({code})" if isinstance(code, str) else inner["message"]
    return str(error) or type(error).__name__


def _retry_after(response: Any) -> float | None:
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    for name in ("retry-after-ms", "retry-after"):
        raw = headers.get(name)
        if raw is None:
            continue
        try:
            seconds = float(raw)
        except ValueError:
            continue  # an HTTP date: not worth parsing, the cause still says 429
        return seconds / 1000 if name == "retry-after-ms" else seconds
    return None


def _scrub(text: str, secret: str | None) -> str:
    return text.replace(secret, "***") if secret else text
