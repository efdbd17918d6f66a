"""Paused executions through the CLI: run pauses, approve/resume continue, executions inspect.

Every test uses its own SQLite file; each command is a fresh invocation (and one test
uses separate processes), so nothing is carried over but what the store holds.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import asl.cli_store
import asl.store
from asl.cli import main

REVIEW = {
    "Comment": "Draft, ask a person, then publish or shelve.",
    "StartAt": "Draft",
    "States": {
        "Draft": {"Type": "Pass", "Parameters": {"title.$": "$.title"}, "Next": "Review"},
        "Review": {
            "Type": "Approval",
            "Prompt": "Publish '{{$.title}}'?",
            "Options": ["approve", "reject"],
            "ResultPath": "$.review",
            "Choices": [
                {"Variable": "$.review.approval", "StringEquals": "approve", "Next": "Publish"}
            ],
            "Default": "Shelve",
        },
        "Publish": {
            "Type": "Pass",
            "Parameters": {
                "title.$": "$.title",
                "status": "published",
                "by.$": "$.review.approver",
            },
            "End": True,
        },
        "Shelve": {
            "Type": "Pass",
            "Parameters": {"title.$": "$.title", "status": "shelved"},
            "End": True,
        },
    },
}

PENDING = {
    "type": "approval",
    "requestId": "rev-1:Review:4",
    "state": "Review",
    "prompt": "Publish 'Dune'?",
    "options": ["approve", "reject"],
    "timeout": None,
    "editable": None,
    "input": {"title": "Dune"},
}
PAUSED = (
    json.dumps(
        {"status": "PAUSED", "executionId": "rev-1", "pausedAt": "Review", "pending": PENDING}
    )
    + "\n"
)
PUBLISHED = '{"title": "Dune", "status": "published", "by": "ada"}\n'
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
SECONDS = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


@pytest.fixture(autouse=True)
def no_store_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASL_STORE", raising=False)


@pytest.fixture
def store(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/asl.db"


@pytest.fixture
def review(tmp_path: Path) -> str:
    return _write(tmp_path, "review.asl.json", REVIEW)


def _write(folder: Path, name: str, document: Any) -> str:
    path = folder / name
    path.write_text(json.dumps(document, indent=2))
    return str(path)


def cli(*args: str, env: dict[str, str] | None = None) -> Result:
    """Each command in a fresh runner: only the store links two invocations."""
    return CliRunner().invoke(main, list(args), env=env)


def pause(review: str, store: str, execution_id: str = "rev-1", title: str = "Dune") -> Result:
    result = cli(
        "run", review, "--input", json.dumps({"title": title}), "--execution-id", execution_id,
        "--store", store,
    )  # fmt: skip
    assert result.exit_code == 3, result.output
    return result


def outcome(result: Result) -> tuple[int, str, str]:
    return result.exit_code, result.stdout, result.stderr


# --- run: a real pause -------------------------------------------------------------------


def test_run_pauses_at_the_approval_with_exit_3_and_what_it_waits_for(
    review: str, store: str
) -> None:
    result = cli(
        "run", review, "--input", '{"title": "Dune"}', "--execution-id", "rev-1", "--store", store
    )

    assert outcome(result) == (3, PAUSED, "")


def test_approve_in_a_fresh_invocation_continues_to_the_end(review: str, store: str) -> None:
    pause(review, store)

    result = cli("approve", "rev-1", "--approver", "ada", "--store", store)

    assert outcome(result) == (0, PUBLISHED, "")


def test_approver_defaults_to_the_login_name(review: str, store: str) -> None:
    pause(review, store)

    result = cli("approve", "rev-1", "--store", store, env={"LOGNAME": "grace"})

    assert outcome(result) == (0, '{"title": "Dune", "status": "published", "by": "grace"}\n', "")


def test_resume_with_a_reject_decision_takes_the_default_route(review: str, store: str) -> None:
    pause(review, store)

    result = cli("resume", "rev-1", "--data", '{"approval": "reject"}', "--store", store)

    assert outcome(result) == (0, '{"title": "Dune", "status": "shelved"}\n', "")


def test_reject_is_approve_with_reject(review: str, store: str) -> None:
    pause(review, store)

    result = cli("reject", "rev-1", "--comment", "not now", "--store", store)

    assert outcome(result) == (0, '{"title": "Dune", "status": "shelved"}\n', "")


def test_resume_without_a_decision_leaves_it_paused(review: str, store: str) -> None:
    pause(review, store)

    result = cli("resume", "rev-1", "--store", store)

    assert outcome(result) == (3, PAUSED, "")


def test_resume_after_the_timeout_takes_the_timeout_route(tmp_path: Path, store: str) -> None:
    document = json.loads(json.dumps(REVIEW))
    document["States"]["Review"]["Timeout"] = "0s"
    workflow = _write(tmp_path, "timeout.asl.json", document)
    paused = pause(workflow, store)
    assert json.loads(paused.stdout)["pending"]["timeout"] == "0s"

    result = cli("resume", "rev-1", "--store", store)

    assert outcome(result) == (0, '{"title": "Dune", "status": "shelved"}\n', "")


def test_edited_content_reaches_the_workflow(tmp_path: Path, store: str) -> None:
    document = json.loads(json.dumps(REVIEW))
    document["States"]["Review"]["Editable"] = {"Fields": ["title"], "ResultPath": "$.edited"}
    document["States"]["Publish"]["Parameters"]["title.$"] = "$.edited.title"
    workflow = _write(tmp_path, "edit.asl.json", document)
    pause(workflow, store)

    result = cli(
        "approve", "rev-1", "--edited", '{"title": "Dune Messiah"}', "--approver", "ada",
        "--store", store,
    )  # fmt: skip

    assert outcome(result) == (
        0,
        '{"title": "Dune Messiah", "status": "published", "by": "ada"}\n',
        "",
    )


def test_the_store_comes_from_asl_store(review: str, store: str) -> None:
    env = {"ASL_STORE": store}
    ran = cli("run", review, "--input", '{"title": "Dune"}', "--execution-id", "rev-1", env=env)

    result = cli("approve", "rev-1", "--approver", "ada", env=env)

    assert (ran.exit_code, ran.stdout) == (3, PAUSED)
    assert outcome(result) == (0, PUBLISHED, "")


def test_the_default_store_is_the_users_sqlite_file(
    review: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = tmp_path / "data" / "asl.db"
    monkeypatch.setattr(asl.store, "default_sqlite_url", lambda: f"sqlite:///{default}")
    ran = cli("run", review, "--input", '{"title": "Dune"}', "--execution-id", "rev-1")

    result = cli("approve", "rev-1", "--approver", "ada")

    assert (ran.exit_code, default.exists()) == (3, True)
    assert outcome(result) == (0, PUBLISHED, "")


def test_a_memory_store_pause_warns_that_it_is_lost(review: str) -> None:
    result = cli("run", review, "--input", '{"title": "Dune"}', "--execution-id", "rev-1",
                 "--store", "memory://")  # fmt: skip

    assert (result.exit_code, result.stdout) == (3, PAUSED)
    assert result.stderr == (
        "Warning: execution 'rev-1' paused in memory://, which is gone when asl exits; "
        "use a persistent --store (sqlite:///path.db) to resume it.\n"
    )


# --- refusals: exit 2, nothing changed -------------------------------------------------


def test_a_decision_that_is_not_an_option_exits_2_and_changes_nothing(
    review: str, store: str
) -> None:
    pause(review, store)

    refused = cli("approve", "rev-1", "maybe", "--store", store)
    later = cli("approve", "rev-1", "--approver", "ada", "--store", store)

    assert outcome(refused) == (
        2,
        "",
        "Error: 'maybe' is not one of this approval's options: approve, reject\n",
    )
    assert outcome(later) == (0, PUBLISHED, "")


def test_a_decision_that_is_not_an_object_exits_2(review: str, store: str) -> None:
    pause(review, store)

    result = cli("resume", "rev-1", "--data", '"approve"', "--store", store)

    assert outcome(result) == (
        2,
        "",
        'Error: A decision is an object with "approval" set to one of approve, reject\n',
    )


def test_malformed_data_json_names_the_flag(review: str, store: str) -> None:
    result = cli("resume", "rev-1", "--data", "{approval}", "--store", store)

    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: Invalid value for '--data': not valid JSON: Expecting property name enclosed "
        "in double quotes at line 1, column 2. Quote the whole document for your shell, "
        'e.g. --data \'{"approval": "approve"}\'.\n'
    )


def test_resuming_an_unknown_execution_exits_2(store: str) -> None:
    result = cli("approve", "nope", "--store", store)

    assert outcome(result) == (
        2,
        "",
        "Error: No execution 'nope' in this store: check the id and --store\n",
    )


def test_a_finished_execution_accepts_its_decision_again_but_no_other(
    review: str, store: str
) -> None:
    pause(review, store)
    cli("approve", "rev-1", "--approver", "ada", "--store", store)

    again = cli("approve", "rev-1", "--approver", "ada", "--store", store)
    other = cli("reject", "rev-1", "--store", store)

    assert outcome(again) == (0, PUBLISHED, "")
    assert outcome(other) == (
        2,
        "",
        "Error: Execution 'rev-1' is SUCCEEDED; only a PAUSED execution resumes\n",
    )


def test_resume_refuses_before_deciding_when_agents_are_missing(
    tmp_path: Path, store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "shelf_agents.py").write_text(
        "def register(registry):\n    registry.register('Shelver', lambda p: {'shelved': True})\n"
    )
    document = json.loads(json.dumps(REVIEW))
    document["States"]["Shelve"] = {"Type": "Task", "Agent": "Shelver", "End": True}
    workflow = _write(tmp_path, "agents.asl.json", document)
    ran = cli("run", workflow, "--input", '{"title": "Dune"}', "--execution-id", "rev-1",
              "--agents", "shelf_agents", "--store", store)  # fmt: skip

    refused = cli("reject", "rev-1", "--store", store)
    done = cli("reject", "rev-1", "--agents", "shelf_agents", "--store", store)

    assert (ran.exit_code, ran.stdout) == (3, PAUSED)
    assert outcome(refused) == (
        2,
        "",
        "Error: Execution 'rev-1' cannot continue with these agents; nothing changed:\n"
        "  UNKNOWN_AGENT State 'Shelve' names the agent 'Shelver', which is not registered: "
        "register it or fix the name\n"
        "Give the agents it ran with: --agents MODULE[:ATTR] (see 'asl run --help').\n",
    )
    assert outcome(done) == (0, '{"shelved": true}\n', "")


def test_run_refuses_an_execution_id_already_in_the_store(review: str, store: str) -> None:
    pause(review, store)

    result = cli("run", review, "--input", '{"title": "Other"}', "--execution-id", "rev-1",
                 "--store", store)  # fmt: skip

    assert outcome(result) == (
        2,
        "",
        "Error: Execution 'rev-1' already exists in the store (PAUSED): resume it with "
        "'asl resume rev-1', or choose another --execution-id.\n",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["executions", "list", "--store", "sqlite://asl.db"],
            "Store URL 'sqlite://asl.db': a SQLite URL has three slashes before the path, "
            "e.g. sqlite:///asl.db",
        ),
        (
            ["approve", "rev-1", "--store", "postgres://db"],
            "Unknown store URL scheme 'postgres' in 'postgres://db': use memory://, "
            "sqlite:///relative/path.db, sqlite:////absolute/path.db or redis://host:port/db",
        ),
        (
            ["executions", "show", "rev-1", "--store", "memory://x"],
            "Store URL 'memory://x': memory:// takes nothing after it",
        ),
    ],
)
def test_a_bad_store_url_exits_2_naming_the_fix(args: list[str], message: str) -> None:
    assert outcome(cli(*args)) == (2, "", f"Error: {message}\n")


def test_a_bad_store_url_fails_before_anything_runs(tmp_path: Path) -> None:
    echo = _write(
        tmp_path, "echo.asl.json", {"StartAt": "E", "States": {"E": {"Type": "Pass", "End": True}}}
    )

    result = cli("run", echo, "--input", "{}", env={"ASL_STORE": "asl.db"})

    assert outcome(result) == (
        2,
        "",
        "Error: Store URL 'asl.db' has no scheme: use memory://, sqlite:///relative/path.db, "
        "sqlite:////absolute/path.db or redis://host:port/db (the URL comes from the "
        "ASL_STORE environment variable)\n",
    )


# --- executions list | show | history ------------------------------------------------------


def _untimed(text: str) -> str:
    return SECONDS.sub("<time>", TIME.sub("<time>", text))


def _two_executions(review: str, store: str) -> None:
    pause(review, store, "rev-1", "Dune")
    pause(review, store, "rev-2", "Emma")
    cli("approve", "rev-1", "--approver", "ada", "--comment", "classic", "--store", store)


def test_list_prints_one_json_line_per_execution_newest_first(review: str, store: str) -> None:
    _two_executions(review, store)

    result = cli("executions", "list", "--store", store)

    assert (result.exit_code, result.stderr) == (0, "")
    assert _untimed(result.stdout) == (
        '{"executionId": "rev-2", "status": "PAUSED", "state": "Review", '
        '"createdAt": "<time>", "updatedAt": "<time>"}\n'
        '{"executionId": "rev-1", "status": "SUCCEEDED", "state": null, '
        '"createdAt": "<time>", "updatedAt": "<time>"}\n'
    )


def test_list_filters_by_status_and_says_when_the_limit_hides_some(review: str, store: str) -> None:
    _two_executions(review, store)

    paused = cli("executions", "list", "--status", "paused", "--store", store)
    newest = cli("executions", "list", "--limit", "1", "--store", store)

    assert [json.loads(line)["executionId"] for line in paused.stdout.splitlines()] == ["rev-2"]
    assert [json.loads(line)["executionId"] for line in newest.stdout.splitlines()] == ["rev-2"]
    assert newest.stderr == "(the newest 1 shown; there are more: raise --limit)\n"


def test_list_of_an_empty_store_prints_nothing(store: str) -> None:
    assert outcome(cli("executions", "list", "--store", store)) == (0, "", "")


def test_list_draws_a_table_for_a_terminal(
    review: str, store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _two_executions(review, store)
    monkeypatch.setattr(asl.cli_store, "_stdout_is_terminal", lambda: True)

    result = cli("executions", "list", "--store", store)

    assert result.exit_code == 0
    assert _untimed(result.stdout) == (
        "EXECUTION ID  STATUS     STATE   CREATED (UTC)        UPDATED (UTC)\n"
        "rev-2         PAUSED     Review  <time>  <time>\n"
        "rev-1         SUCCEEDED  -       <time>  <time>\n"
    )


def test_show_prints_the_record_with_its_requests(review: str, store: str) -> None:
    _two_executions(review, store)

    paused = cli("executions", "show", "rev-2", "--store", store)
    decided = cli("executions", "show", "rev-1", "--store", store)

    assert (paused.exit_code, decided.exit_code) == (0, 0)
    shown = json.loads(paused.stdout)
    assert len(shown.pop("definitionHash")) == 64
    assert _untimed(json.dumps(shown)) == json.dumps(
        {
            "executionId": "rev-2",
            "status": "PAUSED",
            "state": "Review",
            "input": {"title": "Emma"},
            "output": None,
            "error": None,
            "cause": None,
            "tokens": 0,
            "cost": 0.0,
            "createdAt": "<time>",
            "updatedAt": "<time>",
            "requests": [
                {
                    "requestId": "rev-2:Review:4",
                    "state": "Review",
                    "kind": "approval",
                    "pending": True,
                    "request": {**PENDING, "requestId": "rev-2:Review:4", "prompt":
                                "Publish 'Emma'?", "input": {"title": "Emma"}},
                    "createdAt": "<time>",
                    "decision": None,
                    "decidedAt": None,
                }
            ],
        }
    )  # fmt: skip
    record = json.loads(decided.stdout)
    assert (record["status"], record["output"]) == ("SUCCEEDED", json.loads(PUBLISHED))
    assert record["requests"][0]["decision"] == {
        "approval": "approve",
        "approver": "ada",
        "comment": "classic",
    }
    assert TIME.fullmatch(record["requests"][0]["decidedAt"])


def test_history_prints_the_stored_events_one_per_line(review: str, store: str) -> None:
    pause(review, store)

    result = cli("executions", "history", "rev-1", "--store", store)

    assert (result.exit_code, result.stderr) == (0, "")
    events = [json.loads(line) for line in _untimed(result.stdout).splitlines()]
    assert events == [
        {"id": 1, "type": "ExecutionStarted", "timestamp": "<time>",
         "details": {"input": {"title": "Dune"}}},
        {"id": 2, "type": "PassStateEntered", "timestamp": "<time>", "state": "Draft",
         "details": {"input": {"title": "Dune"}}},
        {"id": 3, "type": "PassStateExited", "timestamp": "<time>", "state": "Draft",
         "details": {"output": {"title": "Dune"}}},
        {"id": 4, "type": "ApprovalStateEntered", "timestamp": "<time>", "state": "Review",
         "details": {"input": {"title": "Dune"}}},
        {"id": 5, "type": "ExecutionPaused", "timestamp": "<time>", "state": "Review",
         "details": {"request": PENDING}},
    ]  # fmt: skip


@pytest.mark.parametrize("command", ["show", "history"])
def test_an_unknown_execution_exits_1(command: str, store: str) -> None:
    result = cli("executions", command, "nope", "--store", store)

    assert outcome(result) == (
        1,
        "",
        "Error: No execution 'nope' in this store: check the id, or the --store URL\n",
    )


# --- across processes ----------------------------------------------------------------------


def _command() -> list[str]:
    script = Path(sysconfig.get_path("scripts")) / "asl"
    return [str(script)] if script.exists() else [sys.executable, "-m", "asl.cli"]


def test_a_pause_in_one_process_is_approved_in_another(review: str, store: str) -> None:
    env = {key: value for key, value in os.environ.items() if key != "ASL_STORE"}
    env["ASL_STORE"] = store

    def process(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [*_command(), *args], env=env, capture_output=True, timeout=60, check=False
        )

    ran = process("run", review, "--input", '{"title": "Dune"}', "--execution-id", "rev-1")
    approved = process("approve", "rev-1", "--approver", "ada")

    assert (ran.returncode, ran.stdout, ran.stderr) == (3, PAUSED.encode(), b"")
    assert (approved.returncode, approved.stdout, approved.stderr) == (0, PUBLISHED.encode(), b"")


def test_executions_checkpoints_lists_the_named_checkpoints(tmp_path: Path) -> None:
    from asl import WorkflowEngine

    url = f"sqlite:///{tmp_path}/cp.db"
    document = {
        "StartAt": "Save",
        "States": {
            "Save": {"Type": "Checkpoint", "Name": "half-way", "TTL": "1h", "Next": "End"},
            "End": {"Type": "Succeed"},
        },
    }
    WorkflowEngine(document, store=url).run({}, execution_id="cp-1")
    result = CliRunner().invoke(main, ["executions", "checkpoints", "cp-1", "--store", url])
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["name"] for line in lines] == ["half-way"]
    assert lines[0]["expiresAt"] - lines[0]["createdAt"] == 3600


def test_redrive_continues_a_failed_run_from_the_failed_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the agents module sits there
    url = f"sqlite:///{tmp_path}/rd.db"
    flow = tmp_path / "flow.asl.json"
    flow.write_text(
        json.dumps(
            {"StartAt": "Ship", "States": {"Ship": {"Type": "Task", "Agent": "Ship", "End": True}}}
        )
    )
    agents = tmp_path / "redrive_agents.py"
    agents.write_text(
        "import os\n"
        "def register(registry):\n"
        "    def ship(p):\n"
        "        if os.environ.get('CARRIER') != 'up':\n"
        "            raise RuntimeError('carrier down')\n"
        "        return 'sent'\n"
        "    registry.register('Ship', ship)\n"
    )
    env: dict[str, str | None] = {"CARRIER": None}
    runner = CliRunner()
    failed = runner.invoke(
        main,
        [
            "run",
            str(flow),
            "--agents",
            "redrive_agents",
            "--store",
            url,
            "--execution-id",
            "rd-1",
            "--input",
            "{}",
        ],
        env=env,
    )
    assert (failed.exit_code, failed.stdout) == (
        1,
        '{"error": "States.TaskFailed", "cause": "carrier down"}\n',
    )
    done = runner.invoke(
        main,
        ["redrive", "rd-1", "--agents", "redrive_agents", "--store", url],
        env={**env, "CARRIER": "up"},
    )
    assert (done.exit_code, done.stdout) == (0, '"sent"\n')
    again = runner.invoke(
        main, ["redrive", "rd-1", "--agents", "redrive_agents", "--store", url], env=env
    )
    assert again.exit_code == 2


def test_unusable_default_store_falls_back_to_memory_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder would go")
    monkeypatch.delenv("ASL_STORE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))
    flow = tmp_path / "hello.asl.json"
    flow.write_text(
        json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "hi", "End": True}}})
    )
    result = CliRunner().invoke(main, ["run", str(flow), "--input", "{}"])
    assert (result.exit_code, result.stdout) == (0, '"hi"\n')
    assert "cannot be used, so this run is kept in memory only" in result.stderr


def test_unusable_named_store_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    flow = tmp_path / "hello.asl.json"
    flow.write_text(
        json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "hi", "End": True}}})
    )
    url = f"sqlite:///{blocker}/asl.db"
    result = CliRunner().invoke(main, ["run", str(flow), "--input", "{}", "--store", url])
    assert result.exit_code == 2
    assert "Cannot open the SQLite store" in result.stderr


# --- approvals in the branches of a Parallel ------------------------------------------------

TWO_REVIEWS = {
    "StartAt": "Both",
    "States": {
        "Both": {
            "Type": "Parallel",
            "Branches": [
                {
                    "StartAt": f"Review {side}",
                    "States": {
                        f"Review {side}": {
                            "Type": "Approval",
                            "Prompt": f"Is the {side} fine?",
                            "ResultPath": "$.ok",
                            "OutputPath": "$.ok.approval",
                            "End": True,
                        }
                    },
                }
                for side in ("legal", "style")
            ],
            "End": True,
        }
    },
}


def test_approve_names_one_of_several_waiting_requests(tmp_path: Path, store: str) -> None:
    document = _write(tmp_path, "two.asl.json", TWO_REVIEWS)
    paused = cli("run", document, "--execution-id", "two", "--store", store)
    pending = json.loads(paused.stdout)["pending"]
    assert [r["requestId"] for r in pending["requests"]] == [
        "two:Both:2[0]/Review legal:0",
        "two:Both:2[1]/Review style:0",
    ]

    unnamed = cli("approve", "two", "--store", store)
    assert (unnamed.exit_code, unnamed.stdout) == (2, "")
    assert "waits on 2 requests" in unnamed.stderr

    first = cli("reject", "two", "--request", "two:Both:2[1]/Review style:0", "--store", store)
    assert first.exit_code == 3
    assert [r["requestId"] for r in json.loads(first.stdout)["pending"]["requests"]] == [
        "two:Both:2[0]/Review legal:0"
    ]
    last = cli("approve", "two", "--request", "two:Both:2[0]/Review legal:0", "--store", store)
    assert outcome(last) == (0, '["approve", "reject"]\n', "")
