"""Errors as RFC 9457 problem documents (``application/problem+json``), never tracebacks.

Every refusal the API makes is a :class:`Problem` raised anywhere below a route and
turned into one response here: ``type`` (a stable URN per kind), ``title``,
``status``, ``detail`` (what was wrong and the fix) and, when the request body was
at fault, ``errors`` with a JSON pointer per problem. An unexpected exception is
logged with its traceback on the server side and answered with a 500 that says
only that, with the request id to quote.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

logger = logging.getLogger("asl.service")

MEDIA_TYPE = "application/problem+json"

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class Problem(Exception):
    """A refusal: HTTP status, a short kind (the URN's last part) and the detail."""

    def __init__(
        self,
        status: int,
        kind: str,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.kind = kind
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra or {}


def problem_response(
    status: int,
    kind: str,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"urn:asl:problem:{kind}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    body.update(extra or {})
    return JSONResponse(body, status_code=status, headers=headers, media_type=MEDIA_TYPE)


def install(app: FastAPI) -> None:
    """Route every error the app can meet through :func:`problem_response`."""

    async def on_problem(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, Problem)
        return problem_response(
            error.status,
            error.kind,
            error.detail,
            errors=error.errors,
            headers=error.headers,
            extra=error.extra,
        )

    async def on_invalid(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        errors = [_pointer_error(item) for item in error.errors()]
        first = errors[0] if errors else {"pointer": "", "detail": "invalid request"}
        detail = str(first["detail"])
        if first["pointer"]:
            detail += f" at {first['pointer']}"
        if len(errors) > 1:
            detail += f" (and {len(errors) - 1} more)"
        return problem_response(422, "invalid-request", detail, errors=errors)

    async def on_http(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, StarletteHTTPException)
        detail = str(error.detail) if error.detail else TITLES.get(error.status_code, "Error")
        if error.status_code == 404:
            detail = f"No route {request.url.path}; see /openapi.json for the API"
        elif error.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}"
        headers = dict(error.headers) if error.headers else None
        return problem_response(
            error.status_code, _kind(error.status_code), detail, headers=headers
        )

    async def on_bug(request: Request, error: Exception) -> JSONResponse:
        incident = uuid.uuid4().hex[:12]
        logger.exception("unhandled error", extra={"incident": incident, "path": request.url.path})
        return problem_response(
            500,
            "internal",
            f"The server failed on this request; quote incident {incident} to its operators",
            extra={"incident": incident},
        )

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(RequestValidationError, on_invalid)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_bug)


def _kind(status: int) -> str:
    return TITLES.get(status, "error").lower().replace(" ", "-")


def _pointer_error(item: Any) -> dict[str, Any]:
    """One pydantic error as ``{pointer, detail}``: the pointer is into the JSON body."""
    location = list(item.get("loc", ()))
    where = location[0] if location else "body"
    path = location[1:]
    pointer = "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)
    message = str(item.get("msg", "invalid value"))
    if item.get("type") == "json_invalid":
        ctx = item.get("ctx") or {}
        at = f" at character {path[0]}" if path else ""
        message = f"the body is not valid JSON{at} ({ctx.get('error', 'parse error')})"
        pointer = ""
    elif where in ("query", "path", "header"):
        message = f"{where} parameter '{path[0] if path else ''}': {message}"
        pointer = ""
    return {"pointer": pointer, "detail": message}
