"""``/v1/workflows``: register (admin), validate, list and read versioned definitions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from asl.language.errors import ASLError, Diagnostic
from asl.runtime.engine import WorkflowEngine
from asl.service import workflows
from asl.service.context import require, service
from asl.service.problems import Problem
from asl.service.routes.models import RegisterWorkflow, ValidateWorkflow

router = APIRouter(prefix="/v1/workflows", tags=["workflows"])


def diagnostics(request: Request, definition: dict[str, Any]) -> list[Diagnostic]:
    """Every problem of the document, agent names checked against this server's agents."""
    try:
        engine = WorkflowEngine(definition, service(request).registry)
        return engine.diagnostics()
    except ASLError as error:
        return [Diagnostic(error.error or "States.Runtime", error.cause or str(error), "")]


def as_json(found: list[Diagnostic]) -> list[dict[str, Any]]:
    return [
        {
            "code": d.code,
            "detail": d.message,
            "pointer": d.pointer,
            "severity": d.severity,
        }
        for d in found
    ]


@router.post("", status_code=201, dependencies=[Depends(require("admin"))])
async def register_workflow(body: RegisterWorkflow, request: Request) -> JSONResponse:
    """Store a new version of ``name`` (the latest again if the content is unchanged)."""
    found = diagnostics(request, body.definition)
    errors = [d for d in found if d.severity == "error"]
    if errors:
        first = errors[0]
        raise Problem(
            422,
            "invalid-workflow",
            f"The definition has {len(errors)} problem(s); first: {first.code} "
            f"{first.message} at {first.pointer or '/'}",
            errors=as_json(errors),
        )
    version, created = await workflows.register(service(request).store, body.name, body.definition)
    return JSONResponse(version.public(), status_code=201 if created else 200)


@router.post("/validate", dependencies=[Depends(require("read"))])
async def validate_workflow(body: ValidateWorkflow, request: Request) -> dict[str, Any]:
    """Check a document without storing it: ``valid`` and every diagnostic."""
    found = diagnostics(request, body.definition)
    return {
        "valid": not any(d.severity == "error" for d in found),
        "diagnostics": as_json(found),
    }


@router.get("", dependencies=[Depends(require("read"))])
async def list_workflows(request: Request) -> dict[str, Any]:
    names = await workflows.list_workflows(service(request).store)
    return {"workflows": [{"name": n, "latestVersion": v} for n, v in names.items()]}


@router.get("/{name}", dependencies=[Depends(require("read"))])
async def latest_workflow(name: str, request: Request) -> dict[str, Any]:
    store = service(request).store
    version = await workflows.latest_version(store, name)
    if version is None:
        raise Problem(404, "unknown-workflow", f"No workflow named '{name}' is registered")
    return await _with_definition(request, version)


@router.get("/{name}/versions/{version}", dependencies=[Depends(require("read"))])
async def workflow_version(name: str, version: int, request: Request) -> dict[str, Any]:
    found = await workflows.get_version(service(request).store, name, version)
    if found is None:
        raise Problem(404, "unknown-workflow", f"Workflow '{name}' has no version {version}")
    return await _with_definition(request, found)


async def _with_definition(request: Request, version: workflows.WorkflowVersion) -> dict[str, Any]:
    document = await workflows.load_document(service(request).store, version.definition_hash)
    return {**version.public(), "definition": document}
