"""Operations on a template's states while it is included: pure functions on JSON.

Renaming every state of a machine (nested machines too) with the Include's prefix,
finding the states reachable from an entry point, applying an ``Override`` as a JSON
merge patch, and remembering which template pointer each expanded state came from,
so diagnostics can be placed in the template file.
"""

from __future__ import annotations

import copy
from typing import Any, Final

from .load import Document
from .locate import join

Origin = tuple[Document, str]
"""The document and JSON pointer an expanded state (or machine) came from."""

MACHINE_KEYS: Final = ("ItemProcessor", "Iterator")


def well_typed(state: dict[str, Any]) -> bool:
    """The Include's own fields have the types expanding needs."""
    expected = (("Parameters", dict), ("Override", dict), ("EntryPoint", str), ("ExitPoint", str))
    return all(
        key not in state or (isinstance(state[key], kind) and state[key] != "")
        for key, kind in expected
    )


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch: objects merge member by member, null removes a member."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _targets(state: dict[str, Any]) -> list[Any]:
    found = [state.get("Next"), state.get("Default")]
    for key in ("Choices", "Catch"):
        items = state.get(key)
        if isinstance(items, list):
            found.extend(item.get("Next") for item in items if isinstance(item, dict))
    return found


def reachable(states: dict[str, Any], start: Any) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        current = todo.pop()
        if not isinstance(current, str) or current in seen or current not in states:
            continue
        seen.add(current)
        raw = states[current]
        if isinstance(raw, dict):
            todo.extend(_targets(raw))
    return seen


def rename_states(machine: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The machine with every state name (nested machines too) given ``prefix``."""
    states = machine.get("States")
    if not isinstance(states, dict):
        return machine
    names = set(states)

    def local(value: Any) -> Any:
        return prefix + value if isinstance(value, str) and value in names else value

    renamed: dict[str, Any] = {}
    for name, state in states.items():
        if not isinstance(state, dict):
            renamed[prefix + name] = state
            continue
        new = dict(state)
        for key in ("Next", "Default"):
            if key in new:
                new[key] = local(new[key])
        for key in ("Choices", "Catch"):
            items = new.get(key)
            if isinstance(items, list):
                new[key] = [
                    {**item, "Next": local(item["Next"])}
                    if isinstance(item, dict) and "Next" in item
                    else item
                    for item in items
                ]
        branches = new.get("Branches")
        if isinstance(branches, list):
            new["Branches"] = [
                rename_states(branch, prefix) if isinstance(branch, dict) else branch
                for branch in branches
            ]
        for key in MACHINE_KEYS:
            if isinstance(new.get(key), dict):
                new[key] = rename_states(new[key], prefix)
        renamed[prefix + name] = new
    return {**machine, "StartAt": local(machine.get("StartAt")), "States": renamed}


def set_language(machine: dict[str, Any], language: str) -> None:
    """Give every state of a machine (nested ones too) an explicit QueryLanguage."""
    states = machine.get("States")
    if not isinstance(states, dict):
        return
    for state in states.values():
        if not isinstance(state, dict):
            continue
        state.setdefault("QueryLanguage", language)
        branches = state.get("Branches")
        for branch in branches if isinstance(branches, list) else ():
            if isinstance(branch, dict):
                set_language(branch, language)
        for key in MACHINE_KEYS:
            if isinstance(state.get(key), dict):
                set_language(state[key], language)


def record_origins(
    machine: dict[str, Any],
    pointer: str,
    expanded_pointer: str,
    prefix: str,
    template: Document,
    inner: dict[str, Origin],
    origins: dict[str, Origin],
) -> None:
    """Map the expanded pointers of a template's states to the template's own pointers."""
    for key, origin in inner.items():
        origins[expanded_pointer + _translate(key, prefix)] = origin
    states = machine.get("States")
    if not isinstance(states, dict):
        return
    for name, state in states.items():
        at = join(pointer, "States", str(name))
        new_at = join(expanded_pointer, "States", prefix + str(name))
        origins.setdefault(new_at, inner.get(at, (template, at)))
        if not isinstance(state, dict):
            continue
        branches = state.get("Branches")
        for index, branch in enumerate(branches if isinstance(branches, list) else ()):
            if isinstance(branch, dict):
                record_origins(
                    branch,
                    join(at, "Branches", index),
                    join(new_at, "Branches", index),
                    prefix,
                    template,
                    {},
                    origins,
                )
        for key in MACHINE_KEYS:
            if isinstance(state.get(key), dict):
                record_origins(
                    state[key], join(at, key), join(new_at, key), prefix, template, {}, origins
                )


def _translate(pointer: str, prefix: str) -> str:
    """A pointer into a template's expanded states, after its state names got ``prefix``."""
    parts = pointer.split("/")[1:]
    out: list[str] = []
    index = 0
    while index < len(parts):
        if parts[index] != "States" or index + 1 >= len(parts):
            out.extend(parts[index:])
            break
        out.extend(["States", _escaped_prefix(prefix) + parts[index + 1]])
        index += 2
        if index < len(parts) and parts[index] == "Branches" and index + 1 < len(parts):
            out.extend(parts[index : index + 2])
            index += 2
        elif index < len(parts) and parts[index] in MACHINE_KEYS:
            out.append(parts[index])
            index += 1
        else:
            out.extend(parts[index:])
            break
    return "".join(f"/{part}" for part in out)


def _escaped_prefix(prefix: str) -> str:
    return prefix.replace("~", "~0").replace("/", "~1")


def segments(pointer: str) -> list[str]:
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer.split("/")[1:]]


def under_first(output_path: Any) -> Any:
    """The Include's OutputPath, applied to the template's output inside ``[output]``."""
    if output_path is None:
        return "$[0]"
    if (
        isinstance(output_path, str)
        and output_path.startswith("$")
        and not output_path.startswith("$$")
    ):
        return "$[0]" + output_path[1:]
    return output_path


def free_name(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    number = 2
    while f"{name}{number}" in taken:
        number += 1
    return f"{name}{number}"
