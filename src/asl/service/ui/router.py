"""``/ui``: the web console's static files, and the workflow graph it lights up.

The console is three files shipped in the package (HTML, JS, CSS), served as
they are: no CDN, no build step, nothing fetched from elsewhere, so it works on
an air-gapped host. The pages themselves are open (they hold no data); every
piece of data they show comes from the ``/v1`` API with the API key the user
typed, so the console can do exactly what that key's scopes allow.

The graph is drawn here, by Graphviz from :mod:`asl.graph`, uncoloured: the
browser colours it from the execution's event stream, so a state lights up the
moment its event arrives. The answer maps state names to the SVG's node titles
(Graphviz writes each node's DOT id as its ``<title>``), because state names can
hold any character and are not safe to search an SVG for.
"""

from __future__ import annotations

import asyncio
from importlib import resources
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from asl.graph.dot import GraphvizError, render, to_dot
from asl.graph.model import Cluster, build_graph
from asl.service import workflows
from asl.service.context import require, service
from asl.service.problems import Problem
from asl.store import UnknownExecutionError

router = APIRouter(tags=["console"])

ASSETS = {
    "console.js": "text/javascript; charset=utf-8",
    "console.css": "text/css; charset=utf-8",
}
"""The files ``/ui/assets/`` serves; any other name is a 404 (no path is ever joined)."""


def _static(name: str) -> str:
    return resources.files("asl.service.ui").joinpath("static", name).read_text("utf-8")


@router.get("/ui", include_in_schema=False)
async def console_redirect() -> RedirectResponse:
    return RedirectResponse("/ui/", status_code=307)


@router.get("/ui/", include_in_schema=False)
async def console_page() -> HTMLResponse:
    return HTMLResponse(_static("index.html"), headers=_NO_FRAMING)


@router.get("/ui/assets/{name}", include_in_schema=False)
async def console_asset(name: str) -> Response:
    media = ASSETS.get(name)
    if media is None:
        raise Problem(404, "not-found", f"The console has no file '{name}'")
    return Response(_static(name), media_type=media, headers={"Cache-Control": "no-cache"})


_NO_FRAMING = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
}
"""The page loads only its own files and may not be framed (clickjacking of Approve)."""


@router.get("/v1/executions/{execution_id}/graph", dependencies=[Depends(require("read"))])
async def execution_graph(execution_id: str, request: Request) -> dict[str, Any]:
    """The execution's workflow as SVG, with ``states``: state name to SVG node title."""
    store = service(request).store
    try:
        record = await store.load_execution(execution_id)
    except UnknownExecutionError:
        raise Problem(
            404, "unknown-execution", f"No execution '{execution_id}' in this service"
        ) from None
    document = await workflows.load_document(store, record.definition_hash)
    if document is None:
        raise Problem(409, "missing-definition", "The workflow's document is not in the store")
    drawing = build_graph(document)
    try:
        svg = await asyncio.to_thread(render, to_dot(drawing), "svg")
    except GraphvizError as error:
        raise Problem(503, "graphviz-unavailable", str(error)) from None
    return {"executionId": execution_id, "svg": svg.decode(), "states": _state_ids(drawing.root)}


def _state_ids(cluster: Cluster) -> dict[str, str]:
    found = {node.name: node.id for node in cluster.nodes if node.kind == "state"}
    for inner in cluster.clusters:
        found.update(_state_ids(inner))
    return found
