"""``/v1/keys`` (admin): create (the key is shown once), list and revoke API keys."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response

from asl.service import auth
from asl.service.context import require, service
from asl.service.problems import Problem
from asl.service.routes.models import CreateKey

router = APIRouter(prefix="/v1/keys", tags=["keys"], dependencies=[Depends(require("admin"))])


@router.post("", status_code=201)
async def create_key(body: CreateKey, request: Request) -> dict[str, Any]:
    try:
        key, record = await auth.create_key(service(request).store, body.name, body.scopes)
    except auth.KeyRequestError as refused:
        raise Problem(422, "invalid-key-request", str(refused)) from None
    return {**record.public(), "key": key}


@router.get("")
async def list_keys(request: Request) -> dict[str, Any]:
    records = await auth.list_keys(service(request).store)
    return {"keys": [record.public() for record in records]}


@router.delete("/{key_id}", status_code=204)
async def revoke_key(key_id: str, request: Request) -> Response:
    if not await auth.revoke_key(service(request).store, key_id):
        raise Problem(404, "unknown-key", f"No key '{key_id}'")
    return Response(status_code=204)
