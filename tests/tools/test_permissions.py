from __future__ import annotations

from typing import Any

from asl import AgentRegistry, WorkflowEngine

from .support import call, registry, run, scripted, task, tool_events

ran: list[str] = []


def search(query: str) -> str:
    """Search."""
    ran.append(query)
    return f"found {query}"


def fs_read(path: str) -> str:
    """Read."""
    return f"read {path}"


def fs_delete(path: str) -> str:
    """Delete."""
    ran.append(f"deleted {path}")
    return "deleted"


def tools() -> AgentRegistry:
    agents = registry(search, fs_read, fs_delete)
    ran.clear()
    return agents


def outcome(document: dict[str, Any], tool: str) -> Any:
    arguments = {"query": "q"} if tool == "search" else {"path": "p"}
    result = run(document, tools(), [call(tool, **arguments)], catch=True)
    return result.output[0]


def denied(state: str, tool: str, why: str) -> dict[str, str]:
    return {
        "error": "States.Permissions",
        "cause": f"State '{state}' may not call tool '{tool}': {why}",
    }


NOT_ALLOWED = "it is not in the Tools block's Allowed list or AllowedCategories"
DENIED = "it is in the Tools block's Denied list"


def test_allowed_globs_admit_matching_tools_only() -> None:
    document = task({"Allowed": ["fs_*"]})

    assert [outcome(document, "fs_read"), outcome(document, "search")] == [
        "read p",
        denied("Work", "search", NOT_ALLOWED),
    ]


def test_denied_wins_over_allowed() -> None:
    document = task({"Allowed": ["*"], "Denied": ["fs_del*"]})

    assert [outcome(document, "fs_read"), outcome(document, "fs_delete")] == [
        "read p",
        denied("Work", "fs_delete", DENIED),
    ]
    assert ran == []


def test_no_allowed_list_means_every_tool_that_is_not_denied() -> None:
    assert [outcome(task({"Denied": ["search"]}), t) for t in ("fs_delete", "search")] == [
        "deleted",
        denied("Work", "search", DENIED),
    ]
    assert outcome(task(None), "search") == "found q"


def test_an_empty_allowed_list_allows_nothing() -> None:
    assert outcome(task({"Allowed": []}), "search") == denied(
        "Work", "search", "the Tools block's Allowed list is empty, which allows no tool"
    )


def test_categories_expand_in_allowed_categories_and_in_denied() -> None:
    document = task({"AllowedCategories": ["read_only", "web"], "Denied": ["dangerous"]})
    document["ToolCategories"] = {
        "read_only": ["fs_read", "fs_delete"],
        "web": ["search"],
        "dangerous": ["fs_delete"],
    }

    assert [outcome(document, t) for t in ("fs_read", "search", "fs_delete")] == [
        "read p",
        "found q",
        denied("Work", "fs_delete", DENIED),
    ]


def test_default_tools_denials_add_up_with_the_state_s_own() -> None:
    document = task({"Allowed": ["*"], "Denied": ["search"]})
    document["DefaultTools"] = {"Denied": ["fs_delete"], "Allowed": ["fs_read"]}

    assert [outcome(document, t) for t in ("fs_read", "fs_delete", "search")] == [
        "read p",
        denied("Work", "fs_delete", DENIED),
        denied("Work", "search", DENIED),
    ]


def test_default_tools_apply_to_a_task_without_tools() -> None:
    document = task(None)
    document["DefaultTools"] = {"Allowed": ["fs_read"]}

    assert outcome(document, "search") == denied("Work", "search", NOT_ALLOWED)


def test_a_denied_call_fails_the_task_with_a_catchable_error_and_never_runs() -> None:
    document = task({"Denied": ["fs_delete"]})
    work = document["States"]["Work"]
    del work["End"]
    work["Next"] = "Done"
    document["States"]["Done"] = {"Type": "Succeed"}
    work["Catch"] = [{"ErrorEquals": ["States.Permissions"], "Next": "Refused"}]
    document["States"]["Refused"] = {"Type": "Pass", "End": True}

    result = run(document, tools(), [call("fs_delete", path="/")])

    assert (result.status, result.output["Error"], ran) == ("SUCCEEDED", "States.Permissions", [])
    assert tool_events(result) == [
        ("ToolCallStarted", {"tool": "fs_delete"}),
        (
            "ToolCallFailed",
            {
                "tool": "fs_delete",
                "error": "States.Permissions",
                **denied("Work", "fs_delete", DENIED),
            },
        ),
    ]


def test_the_effective_tool_list_holds_only_permitted_tools_with_their_schemas() -> None:
    agents = tools()

    async def lister(parameters: Any, context: Any) -> Any:
        return [[tool["name"] for tool in await context.list_tools()], context.tools[0]]

    agents.register("Scripted", lister)
    result = WorkflowEngine(task({"Allowed": ["fs_*"], "Denied": ["fs_delete"]}), agents).run({})

    assert result.output == [
        ["fs_read"],
        {
            "name": "fs_read",
            "description": "Read.",
            "input_schema": {
                "type": "object",
                "properties": {"path": {"type": "string"}},
                "required": ["path"],
                "additionalProperties": False,
            },
        },
    ]


def test_an_unregistered_tool_fails_with_the_fix() -> None:
    assert outcome(task(None), "nothing") == {
        "error": "States.ToolNotFound",
        "cause": "State 'Work' called tool 'nothing', which is not registered; register it "
        "with registry.register_tool(fn, name='nothing')",
    }


def test_scripted_agent_is_the_one_registered() -> None:
    assert registry().bound("Scripted").call is scripted
