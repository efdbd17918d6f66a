"""http_fetch under Domains rules, against a real HTTP server on 127.0.0.2."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from .support import call, registry, run, task


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        port = self.server.server_address[1]
        redirects = {
            "/to-loopback": f"http://127.0.0.1:{port}/ok",
            "/to-ok": "/ok",
        }
        if self.path in redirects:
            self.send_response(302)
            self.send_header("Location", redirects[self.path])
            self.end_headers()
            return
        body = f"fine {self.headers['Host']}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.2", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def fetch(url: str, domains: dict[str, Any] | None) -> Any:
    tools = {} if domains is None else {"Domains": domains}
    agents = registry().register_builtin_tools("http_fetch")
    return run(task(tools), agents, [call("http_fetch", url=url)], catch=True).output[0]


def refused(url: str, why: str) -> dict[str, str]:
    return {"error": "States.Permissions", "cause": f"http_fetch refused '{url}': {why}"}


def test_an_exactly_allowed_host_is_fetched(port: int) -> None:
    url = f"http://127.0.0.2:{port}/ok"

    assert fetch(url, {"Allowed": ["127.0.0.2"]}) == {
        "url": url,
        "status": 200,
        "contentType": "text/plain",
        "body": f"fine 127.0.0.2:{port}",
    }


def test_a_redirect_to_the_same_allowed_host_is_followed(port: int) -> None:
    assert fetch(f"http://127.0.0.2:{port}/to-ok", {"Allowed": ["127.0.0.2"]})["url"] == (
        f"http://127.0.0.2:{port}/ok"
    )


def test_a_redirect_to_127_0_0_1_is_refused(port: int) -> None:
    assert fetch(f"http://127.0.0.2:{port}/to-loopback", {"Allowed": ["127.0.0.2"]}) == refused(
        f"http://127.0.0.1:{port}/ok", "the host '127.0.0.1' is not in Domains Allowed"
    )


def test_ipv6_loopback_literal_is_refused_even_when_every_host_is_allowed(port: int) -> None:
    assert fetch(f"http://[::1]:{port}/", {"Allowed": ["*"]}) == refused(
        f"http://[::1]:{port}/",
        "'::1' resolves to the non-public address ::1; list the host by its exact name in "
        "Domains Allowed to reach it",
    )


def test_other_spellings_of_loopback_are_refused_without_an_allowlist(port: int) -> None:
    for spelling in ("2130706433", "0x7f000001", "127.1", "[::ffff:127.0.0.1]"):
        url = f"http://{spelling}:{port}/"
        outcome = fetch(url, None)
        assert (
            outcome["error"],
            "resolves to the non-public address 127.0.0.1" in outcome["cause"],
        ) == (
            "States.Permissions",
            True,
        ), spelling


def test_localhost_is_refused_without_an_exact_allow(port: int) -> None:
    outcome = fetch(f"http://localhost:{port}/", {"Allowed": ["local*"]})

    assert outcome["error"] == "States.Permissions"
    assert "'localhost' resolves to the non-public address" in outcome["cause"]


def test_a_wildcard_does_not_open_a_private_address(port: int) -> None:
    assert fetch(f"http://127.0.0.2:{port}/ok", {"Allowed": ["127.0.0.*"]}) == refused(
        f"http://127.0.0.2:{port}/ok",
        "'127.0.0.2' resolves to the non-public address 127.0.0.2; list the host by its exact "
        "name in Domains Allowed to reach it",
    )


def test_denied_wins_and_matches_wildcards(port: int) -> None:
    url = f"http://127.0.0.2:{port}/ok"

    assert fetch(url, {"Allowed": ["127.0.0.2"], "Denied": ["127.0.0.*"]}) == refused(
        url, "the host '127.0.0.2' matches Domains Denied"
    )


def test_the_tutorial_s_network_block_is_read_the_same_way(port: int) -> None:
    url = f"http://127.0.0.2:{port}/ok"
    agents = registry().register_builtin_tools("http_fetch")
    tools = {"Network": {"AllowedDomains": ["example.com"]}}

    assert run(task(tools), agents, [call("http_fetch", url=url)], catch=True).output[0] == refused(
        url, "the host '127.0.0.2' is not in Domains Allowed"
    )


def test_only_http_urls_are_fetched() -> None:
    assert fetch("file:///etc/passwd", None) == refused("file:///etc/passwd", "only http(s) URLs")
