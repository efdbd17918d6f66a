"""The HTTP API of one ``asl serve`` (no broker: it runs executions itself), over loopback."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

from tests.service.support import (
    WORKFLOW_APPROVAL,
    WORKFLOW_CALLBACK,
    WORKFLOW_EXPIRING,
    WORKFLOW_FLAKY,
    WORKFLOW_THREE,
    Process,
    bearer,
    make_keys,
    service_env,
    sse_events,
    start_server,
)


class Api:
    def __init__(self, url: str, keys: dict[str, str], process: Process) -> None:
        self.url = url
        self.keys = keys
        self.process = process
        self.client = httpx2.Client(base_url=url, timeout=15)

    def call(self, method: str, path: str, scope: str = "admin", **kwargs: Any) -> httpx2.Response:
        return self.client.request(method, path, headers=bearer(self.keys[scope]), **kwargs)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    folder: Path = tmp_path_factory.mktemp("api")
    store = f"sqlite:///{folder}/service.db"
    keys = make_keys(store)
    env = service_env(
        store=store,
        rate_limit_per_second=1000,
        rate_limit_burst=1000,
        max_body_bytes=65536,
        recovery_interval_seconds=0.2,
        trace_exporter="console",
    )
    process, url = start_server(env, folder / "serve.log")
    api = Api(url, keys, process)
    try:
        for name, document in (
            ("three", WORKFLOW_THREE),
            ("review", WORKFLOW_APPROVAL),
            ("flaky", WORKFLOW_FLAKY),
            ("vendor", WORKFLOW_CALLBACK),
            ("expiring", WORKFLOW_EXPIRING),
        ):
            registered = api.call(
                "POST", "/v1/workflows", json={"name": name, "definition": document}
            )
            assert registered.status_code == 201, registered.text
        yield api
    finally:
        api.client.close()
        process.stop()


def start(api: Api, workflow: str, input: Any, **extra: Any) -> httpx2.Response:
    body = {"workflow": workflow, "input": input, **extra}
    return api.call("POST", "/v1/executions", "execute", json=body)


def settle(api: Api, execution_id: str, *statuses: str) -> dict[str, Any]:
    deadline = time.monotonic() + 15
    while True:
        described: dict[str, Any] = api.call("GET", f"/v1/executions/{execution_id}", "read").json()
        if described["status"] in statuses:
            return described
        assert time.monotonic() < deadline, described
        time.sleep(0.02)


# --- workflows ------------------------------------------------------------------------


def test_registering_the_same_definition_again_returns_its_version(api: Api) -> None:
    again = api.call("POST", "/v1/workflows", json={"name": "three", "definition": WORKFLOW_THREE})
    assert again.status_code == 200
    assert again.json()["version"] == 1


def test_a_changed_definition_becomes_the_next_version(api: Api) -> None:
    changed = {**WORKFLOW_THREE, "Comment": "v2"}
    first = api.call(
        "POST", "/v1/workflows", json={"name": "versioned", "definition": WORKFLOW_THREE}
    )
    second = api.call("POST", "/v1/workflows", json={"name": "versioned", "definition": changed})
    assert (first.status_code, first.json()["version"]) == (201, 1)
    assert (second.status_code, second.json()["version"]) == (201, 2)
    latest = api.call("GET", "/v1/workflows/versioned", "read").json()
    assert latest["version"] == 2
    assert latest["definition"] == changed
    old = api.call("GET", "/v1/workflows/versioned/versions/1", "read").json()
    assert old["definition"] == WORKFLOW_THREE
    listed = api.call("GET", "/v1/workflows", "read").json()["workflows"]
    assert {"name": "versioned", "latestVersion": 2} in listed


def test_an_invalid_definition_is_refused_with_every_diagnostic(api: Api) -> None:
    bad = {"StartAt": "A", "States": {"A": {"Type": "Task", "Agent": "Nobody", "End": True}}}
    refused = api.call("POST", "/v1/workflows", json={"name": "bad", "definition": bad})
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    body = refused.json()
    assert body["type"] == "urn:asl:problem:invalid-workflow"
    assert body["errors"] == [
        {
            "code": "UNKNOWN_AGENT",
            "detail": "State 'A' names the agent 'Nobody', which is not registered: "
            "register it or fix the name",
            "pointer": "/States/A/Agent",
            "severity": "error",
        }
    ]
    assert api.call("GET", "/v1/workflows/bad", "read").status_code == 404


def test_validate_reports_without_storing(api: Api) -> None:
    checked = api.call(
        "POST",
        "/v1/workflows/validate",
        "read",
        json={"definition": {"StartAt": "X", "States": {}}},
    )
    assert checked.status_code == 200
    body = checked.json()
    assert body["valid"] is False
    assert body["diagnostics"][0]["code"] == "INVALID_VALUE"
    assert body["diagnostics"][0]["pointer"] == "/States"


# --- executions -----------------------------------------------------------------------


def test_start_and_wait_returns_the_output(api: Api) -> None:
    answer = start(api, "three", {"text": "hi"}, waitSeconds=10, executionId="wait-1")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["executionId"], body["status"], body["workflow"], body["version"]) == (
        "wait-1",
        "SUCCEEDED",
        "three",
        1,
    )
    assert body["output"] == {"text": "HI", "kept": True}
    assert len(body["traceId"]) == 32  # the execution's trace, exported by the server
    deadline = time.monotonic() + 10
    while f'"trace_id": "0x{body["traceId"]}"' not in api.process.logs():
        assert time.monotonic() < deadline, "the spans were not exported"
        time.sleep(0.1)
    assert '"name": "invoke_workflow three"' in api.process.logs()
    assert '"name": "invoke_agent Upper"' in api.process.logs()


def test_start_without_waiting_answers_202_then_the_execution_succeeds(api: Api) -> None:
    answer = start(api, "three", {"text": "later"})
    assert answer.status_code == 202
    assert answer.json()["status"] == "RUNNING"
    done = settle(api, answer.json()["executionId"], "SUCCEEDED")
    assert done["output"] == {"text": "LATER", "kept": True}


def test_starting_the_same_id_with_the_same_input_is_idempotent(api: Api) -> None:
    first = start(api, "three", {"text": "a"}, executionId="same-1", waitSeconds=10)
    again = start(api, "three", {"text": "a"}, executionId="same-1", waitSeconds=10)
    assert first.json()["output"] == again.json()["output"] == {"text": "A", "kept": True}
    other = start(api, "three", {"text": "b"}, executionId="same-1")
    assert other.status_code == 409
    assert other.json()["type"] == "urn:asl:problem:execution-exists"


def test_an_unknown_workflow_or_version_is_404(api: Api) -> None:
    assert start(api, "nothing", {}).status_code == 404
    missing = start(api, "three", {}, version=9)
    assert missing.status_code == 404
    assert missing.json()["detail"] == (
        "No version 9 of workflow 'three' is registered; POST it to /v1/workflows"
    )


def test_history_lists_the_events_and_after_skips_the_seen_ones(api: Api) -> None:
    start(api, "three", {"text": "h"}, executionId="history-1", waitSeconds=10)
    events = api.call("GET", "/v1/executions/history-1/history", "read").json()["events"]
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSucceeded",
        "TaskStateExited",
        "PassStateEntered",
        "PassStateExited",
        "SucceedStateEntered",
        "SucceedStateExited",
        "ExecutionSucceeded",
    ]
    assert [e["id"] for e in events] == list(range(1, 12))
    later = api.call("GET", "/v1/executions/history-1/history?after=9", "read").json()["events"]
    assert [e["id"] for e in later] == [10, 11]


def test_list_filters_by_status_and_workflow_and_pages_with_a_cursor(api: Api) -> None:
    for n in range(3):
        start(api, "flaky", {"fail": True}, executionId=f"list-fail-{n}", waitSeconds=10)
    page = api.call("GET", "/v1/executions?status=FAILED&workflow=flaky&limit=2", "read").json()
    assert [e["executionId"] for e in page["executions"]] == ["list-fail-2", "list-fail-1"]
    rest = api.call(
        "GET",
        f"/v1/executions?status=FAILED&workflow=flaky&limit=2&cursor={page['nextCursor']}",
        "read",
    ).json()
    assert [e["executionId"] for e in rest["executions"]][:1] == ["list-fail-0"]
    bad = api.call("GET", "/v1/executions?limit=500", "read")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["detail"].startswith("query parameter 'limit':")
    cursor = api.call("GET", "/v1/executions?cursor=nonsense", "read")
    assert cursor.status_code == 400


def test_a_failed_execution_shows_error_and_cause_and_can_be_redriven(api: Api) -> None:
    failed = start(api, "flaky", {"fail": True}, executionId="redrive-1", waitSeconds=10).json()
    assert (failed["status"], failed["error"], failed["cause"]) == (
        "FAILED",
        "Vendor.Down",
        "the vendor is down",
    )
    redriven = api.call("POST", "/v1/executions/redrive-1/redrive", "execute")
    assert redriven.status_code == 202
    again = settle(api, "redrive-1", "FAILED", "SUCCEEDED")
    assert again["status"] == "FAILED"  # the input still says fail: it fails again, once more
    succeeded = start(api, "three", {"text": "x"}, executionId="redrive-2", waitSeconds=10)
    assert succeeded.json()["status"] == "SUCCEEDED"
    refused = api.call("POST", "/v1/executions/redrive-2/redrive", "execute")
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "Execution 'redrive-2' is SUCCEEDED; only a FAILED, TIMED_OUT or ABORTED execution "
        "can be redriven"
    )


def test_stop_aborts_a_paused_execution_with_error_and_cause(api: Api) -> None:
    paused = start(api, "review", {"text": "s"}, executionId="stop-1", waitSeconds=10).json()
    assert paused["status"] == "PAUSED"
    stopped = api.call(
        "POST", "/v1/executions/stop-1/stop", "execute", json={"error": "Ops", "cause": "no"}
    )
    assert stopped.status_code == 200
    assert (stopped.json()["status"], stopped.json()["error"], stopped.json()["cause"]) == (
        "ABORTED",
        "Ops",
        "no",
    )
    again = api.call("POST", "/v1/executions/stop-1/stop", "execute")
    assert again.status_code == 409
    listed = api.call("GET", "/v1/approvals?executionId=stop-1", "read").json()
    assert listed == {"approvals": []}


# --- approvals and callbacks ----------------------------------------------------------


def test_an_approval_is_listed_decided_once_and_the_execution_continues(api: Api) -> None:
    paused = start(api, "review", {"text": "pub"}, executionId="approve-1", waitSeconds=10).json()
    assert paused["status"] == "PAUSED"
    approvals = api.call("GET", "/v1/approvals?executionId=approve-1", "read").json()["approvals"]
    assert len(approvals) == 1
    request = approvals[0]
    assert request["state"] == "Review"
    assert request["request"]["prompt"] == "Publish 'PUB'?"
    wrong = api.call(
        "POST",
        f"/v1/approvals/{request['requestId']}/decision",
        "approve",
        json={"approval": "maybe"},
    )
    assert wrong.status_code == 422
    assert (
        wrong.json()["detail"] == "'maybe' is not one of this approval's options: approve, reject"
    )
    decided = api.call(
        "POST",
        f"/v1/approvals/{request['requestId']}/decision",
        "approve",
        json={"approval": "approve", "approver": "ada"},
    )
    assert decided.status_code == 202
    done = settle(api, "approve-1", "SUCCEEDED")
    assert done["output"]["review"]["approval"] == "approve"
    late = api.call(
        "POST",
        f"/v1/approvals/{request['requestId']}/decision",
        "approve",
        json={"approval": "reject"},
    )
    assert late.status_code == 409


def test_an_approval_nobody_decides_takes_its_timeout_route(api: Api) -> None:
    paused = start(api, "expiring", {}, executionId="expire-1", waitSeconds=10).json()
    assert paused["status"] == "PAUSED"
    ended = settle(api, "expire-1", "FAILED")
    assert (ended["error"], ended["cause"]) == ("Expired", "nobody decided")


def test_task_token_success_and_failure_end_the_callback_task(api: Api) -> None:
    waiting = start(api, "vendor", {}, executionId="callback-1", waitSeconds=10).json()
    token = waiting["pending"][0]["requestId"]
    beat = api.call("POST", f"/v1/callbacks/{token}/heartbeat", "approve")
    assert beat.status_code == 200
    ok = api.call("POST", f"/v1/callbacks/{token}/success", "approve", json={"output": {"n": 1}})
    assert ok.status_code == 202
    assert settle(api, "callback-1", "SUCCEEDED")["output"] == {"n": 1}
    second = start(api, "vendor", {}, executionId="callback-2", waitSeconds=10).json()
    token2 = second["pending"][0]["requestId"]
    no = api.call(
        "POST",
        f"/v1/callbacks/{token2}/failure",
        "approve",
        json={"error": "Vendor.Declined", "cause": "out of stock"},
    )
    assert no.status_code == 202
    failed = settle(api, "callback-2", "FAILED")
    assert (failed["error"], failed["cause"]) == ("Declined", "the vendor said no")
    unknown = api.call("POST", "/v1/callbacks/nope/success", "approve", json={"output": 1})
    assert unknown.status_code == 404


# --- the event stream -------------------------------------------------------------------


def test_the_stream_replays_history_and_resumes_after_last_event_id(api: Api) -> None:
    start(api, "three", {"text": "s"}, executionId="stream-1", waitSeconds=10)
    whole = api.call("GET", "/v1/executions/stream-1/events", "read")
    assert whole.headers["content-type"].startswith("text/event-stream")
    frames = sse_events(whole.text)
    assert [f.get("id") for f in frames[:-1]] == [str(n) for n in range(1, 12)]
    assert frames[-1]["event"] == "end"
    assert frames[-1]["data"]["status"] == "SUCCEEDED"
    resumed = api.client.get(
        "/v1/executions/stream-1/events",
        headers={**bearer(api.keys["read"]), "Last-Event-ID": "9"},
    )
    assert [f.get("id") for f in sse_events(resumed.text)] == ["10", "11", None]


def test_the_stream_of_a_paused_execution_follows_it_to_the_end(api: Api) -> None:
    start(api, "review", {"text": "f"}, executionId="stream-2", waitSeconds=10)
    request = api.call("GET", "/v1/approvals?executionId=stream-2", "read").json()["approvals"][0]
    with api.client.stream(
        "GET", "/v1/executions/stream-2/events", headers=bearer(api.keys["read"])
    ) as stream:
        lines = stream.iter_lines()
        seen = []
        for line in lines:
            seen.append(line)
            if line == "event: ExecutionPaused":
                api.call(
                    "POST",
                    f"/v1/approvals/{request['requestId']}/decision",
                    "approve",
                    json={"approval": "reject"},
                )
            if line == "event: end":
                break
    types = [line.removeprefix("event: ") for line in seen if line.startswith("event: ")]
    assert types[-3:] == ["SucceedStateExited", "ExecutionSucceeded", "end"]
    assert "ApprovalStateExited" in types


# --- errors, limits, security --------------------------------------------------------------


def test_a_malformed_body_gets_a_problem_document_naming_the_place(api: Api) -> None:
    broken = api.client.post(
        "/v1/executions",
        content=b'{"workflow": "three",',
        headers={**bearer(api.keys["execute"]), "Content-Type": "application/json"},
    )
    assert broken.status_code == 422
    assert broken.headers["content-type"] == "application/problem+json"
    assert broken.json()["detail"].startswith("the body is not valid JSON at character 21")
    typed = start(api, "three", {}, version="1", surprise=True)
    assert typed.json()["errors"] == [
        {"pointer": "/version", "detail": "Input should be a valid integer"},
        {"pointer": "/surprise", "detail": "Extra inputs are not permitted"},
    ]
    text = api.client.post(
        "/v1/executions",
        content=b"workflow=three",
        headers={
            **bearer(api.keys["execute"]),
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert text.status_code == 415
    assert text.json()["type"] == "urn:asl:problem:unsupported-media-type"


def test_a_body_above_the_limit_is_refused_before_parsing(api: Api) -> None:
    big = {"workflow": "three", "input": {"text": "x" * 70000}}
    refused = api.call("POST", "/v1/executions", "execute", json=big)
    assert refused.status_code == 413
    assert refused.json()["detail"] == (
        "The request body is larger than 65536 bytes (ASL_MAX_BODY_BYTES); send a smaller document"
    )

    def chunks() -> Iterator[bytes]:
        yield b'{"workflow": "three", "input": {"text": "'
        for _ in range(80):
            yield b"y" * 1000
        yield b'"}}'

    chunked = api.client.post(
        "/v1/executions",
        content=chunks(),
        headers={**bearer(api.keys["execute"]), "Content-Type": "application/json"},
    )
    assert chunked.status_code == 413


def test_errors_carry_no_stack_trace_and_unknown_routes_are_problems(api: Api) -> None:
    missing = api.client.get("/v1/nowhere")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "No route /v1/nowhere; see /openapi.json for the API"
    unknown = api.call("GET", "/v1/executions/no-such-id", "read")
    assert unknown.json() == {
        "type": "urn:asl:problem:unknown-execution",
        "title": "Not Found",
        "status": 404,
        "detail": "No execution 'no-such-id' in this service",
    }
    assert "Traceback" not in api.process.logs() or "unhandled error" in api.process.logs()


def test_cors_is_off_by_default(api: Api) -> None:
    preflight = api.client.options(
        "/v1/executions",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers
    plain = api.client.get(
        "/v1/workflows", headers={**bearer(api.keys["read"]), "Origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in plain.headers


def test_health_readiness_metrics_and_openapi_are_open(api: Api) -> None:
    assert api.client.get("/healthz").json() == {"status": "ok"}
    assert api.client.get("/readyz").json() == {"status": "ready"}
    start(api, "three", {"text": "m"}, executionId="metrics-1", waitSeconds=10)
    metrics = api.client.get("/metrics").text
    assert 'asl_executions_total{status="SUCCEEDED",workflow="three"}' in metrics
    assert 'asl_state_transitions_total{workflow="three"}' in metrics
    assert "asl_queue_depth" in metrics
    document = api.client.get("/openapi.json").json()
    assert document["components"]["securitySchemes"]["bearerKey"]["scheme"] == "bearer"
    assert document["paths"]["/v1/executions"]["post"]["security"] == [{"bearerKey": []}]


SCOPE_OF = {
    ("post", "/v1/workflows"): "admin",
    ("post", "/v1/workflows/validate"): "read",
    ("get", "/v1/workflows"): "read",
    ("get", "/v1/workflows/{name}"): "read",
    ("get", "/v1/workflows/{name}/versions/{version}"): "read",
    ("post", "/v1/executions"): "execute",
    ("get", "/v1/executions"): "read",
    ("get", "/v1/executions/{execution_id}"): "read",
    ("get", "/v1/executions/{execution_id}/history"): "read",
    ("get", "/v1/executions/{execution_id}/events"): "read",
    ("get", "/v1/executions/{execution_id}/graph"): "read",
    ("post", "/v1/executions/{execution_id}/stop"): "execute",
    ("post", "/v1/executions/{execution_id}/redrive"): "execute",
    ("get", "/v1/approvals"): "read",
    ("post", "/v1/approvals/{request_id}/decision"): "approve",
    ("post", "/v1/callbacks/{token}/success"): "approve",
    ("post", "/v1/callbacks/{token}/failure"): "approve",
    ("post", "/v1/callbacks/{token}/heartbeat"): "approve",
    ("post", "/v1/keys"): "admin",
    ("get", "/v1/keys"): "admin",
    ("delete", "/v1/keys/{key_id}"): "admin",
}


def test_every_endpoint_refuses_a_missing_wrong_or_under_scoped_key(api: Api) -> None:
    document = api.client.get("/openapi.json").json()
    operations = {
        (method, path)
        for path, item in document["paths"].items()
        if path.startswith("/v1/")
        for method in item
    }
    assert operations == set(SCOPE_OF)  # a new endpoint must be added here with its scope
    for (method, template), scope in SCOPE_OF.items():
        path = template.format(
            name="three", version=1, execution_id="x", request_id="x", token="x", key_id="x"
        )
        missing = api.client.request(method.upper(), path, json={})
        assert missing.status_code == 401, (method, path)
        assert missing.headers["www-authenticate"] == 'Bearer realm="asl"'
        wrong = api.client.request(
            method.upper(), path, json={}, headers=bearer("asl_000000000000_not-a-real-secret")
        )
        assert wrong.status_code == 401, (method, path)
        assert wrong.json()["detail"] == "The API key is not valid (unknown, revoked or mistyped)"
        for other in ("read", "execute", "approve"):
            if other == scope:
                continue
            under = api.call(method.upper(), path, other, json={})
            assert under.status_code == 403, (method, path, other)
            assert under.json()["detail"].endswith(f"(it has: {other})")


def test_keys_are_created_once_listed_without_secret_and_revoked(api: Api) -> None:
    made = api.call("POST", "/v1/keys", json={"name": "ci", "scopes": ["read"]})
    assert made.status_code == 201
    key = made.json()["key"]
    assert api.client.get("/v1/workflows", headers=bearer(key)).status_code == 200
    listed = api.call("GET", "/v1/keys").json()["keys"]
    assert {"id": made.json()["id"], "name": "ci", "scopes": ["read"]}.items() <= next(
        k for k in listed if k["name"] == "ci"
    ).items()
    assert all("key" not in k and "hash" not in k for k in listed)
    bad = api.call("POST", "/v1/keys", json={"name": "x", "scopes": ["root"]})
    assert bad.status_code == 422
    assert api.call("DELETE", f"/v1/keys/{made.json()['id']}").status_code == 204
    assert api.client.get("/v1/workflows", headers=bearer(key)).status_code == 401
