"""The console's HTTP side: its files (nothing from elsewhere) and the graph endpoint."""

from __future__ import annotations

import re
from importlib import resources

import httpx2

from tests.console.conftest import Console

FILES = ("index.html", "console.js", "console.css")


def test_ui_redirects_to_the_page_which_loads_only_its_own_files(console: Console) -> None:
    redirect = console.client.get("/ui")
    assert (redirect.status_code, redirect.headers["location"]) == (307, "/ui/")
    page = console.client.get("/ui/")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["content-security-policy"] == (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"
    )
    assert re.findall(r'(?:src|href)="([^"#]+)"', page.text) == [
        "data:,",
        "/ui/assets/console.css",
        "/ui/assets/console.js",
    ]
    script = console.client.get("/ui/assets/console.js")
    assert script.headers["content-type"] == "text/javascript; charset=utf-8"
    style = console.client.get("/ui/assets/console.css")
    assert style.headers["content-type"] == "text/css; charset=utf-8"


def test_no_file_of_the_console_refers_to_another_host() -> None:
    folder = resources.files("asl.service.ui").joinpath("static")
    for name in FILES:
        text = folder.joinpath(name).read_text("utf-8")
        assert re.findall(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", text) == [], name


def test_an_unknown_console_file_is_a_404_problem(console: Console) -> None:
    for name in ("other.js", "index.html"):
        missing = console.client.get(f"/ui/assets/{name}")
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"
        assert missing.json()["detail"] == f"The console has no file '{name}'"
    outside = console.client.get("/ui/assets/..%2Fapp.py")
    assert outside.status_code == 404
    assert (
        outside.json()["detail"] == "No route /ui/assets/../app.py; see /openapi.json for the API"
    )


def test_the_graph_is_svg_with_every_state_mapped_to_its_node_title(console: Console) -> None:
    execution_id = console.start("three", {"text": "graph"})
    drawn = console.call("GET", f"/v1/executions/{execution_id}/graph", "read")
    assert drawn.status_code == 200
    body = drawn.json()
    assert body["executionId"] == execution_id
    assert body["states"] == {"Shout": "n0", "Keep": "n1", "Done": "n2"}
    titles = re.findall(r'<g id="node\d+" class="node">\s*<title>([^<]+)</title>', body["svg"])
    assert titles == ["begin", "n0", "n1", "n2", "finish"]


def test_the_graph_needs_a_key_and_a_known_execution(console: Console) -> None:
    anonymous = httpx2.get(f"{console.url}/v1/executions/x/graph")
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == 'Bearer realm="asl"'
    unknown = console.call("GET", "/v1/executions/nope/graph", "read")
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "No execution 'nope' in this service"
