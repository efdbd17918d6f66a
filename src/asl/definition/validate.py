"""Validation of a whole workflow document: every problem, in one pass.

What AWS Step Functions rejects at CreateStateMachine time is an error here too
(unknown targets, unreachable states, misplaced fields, bad paths ...), checked per
(sub)machine: a Parallel branch and a Map processor are scopes of their own whose
states can only move to each other, while state names are unique across the whole
document.  ASL's own state types and agent-native blocks are known fields; a field
nobody knows is a warning, because documents are open to extensions.

``validate`` never raises for a bad document: it returns the list of
:class:`Diagnostic`, each with a JSON pointer and, when the document came from text,
the line and column.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from asl.language.errors import Diagnostic

from .budget_block import check_budget
from .expand import Expansion, expand
from .fields import (
    AGENT_TOP_LEVEL_FIELDS,
    JSONATA,
    JSONPATH,
    MAX_STATE_NAME_LENGTH,
    QUERY_LANGUAGES,
    TOP_LEVEL_FIELDS,
)
from .load import Document
from .locate import join
from .report import Report, describe, did_you_mean, expect_int, unknown_hint
from .scopes import Machine, check_variables
from .states import Context, StateFacts, check_state
from .tools_block import check_tools_block
from .workflow_events import check_workflow_event_blocks

# A member of a machine's States object: the top level, a branch or a Map processor.
_STATE_MEMBER = re.compile(r"^(?:|.*/(?:Branches/[0-9]+|ItemProcessor|Iterator))/States/[^/]+$")

_TOP_LEVEL_BLOCKS = (
    "Budget",
    "Checkpointing",
    "DefaultTools",
    "Memory",
    "Progress",
    "Events",
    "RealTime",
    "Metadata",
    "Observability",
    "_lock",
    "Parameters",
)


def validate(document: Document, agents: Collection[str] | None = None) -> list[Diagnostic]:
    """Every error and warning of ``document``; ``agents=None`` skips the agent-name check."""
    report = Report()
    known_agents = None if agents is None else frozenset(a for a in agents if isinstance(a, str))
    expansion = Expansion(document, document)
    try:
        expansion = expand(document, known_agents)  # Imports and Include states (composition)
        _Walk(expansion.document, known_agents, report).run()
    except RecursionError:
        report.error(
            "INVALID_DOCUMENT",
            "",
            "The document is nested too deeply to validate; "
            "flatten its Map and Parallel states or its payload templates",
        )
    if expansion.changed:
        return expansion.diagnostics(report.issues)
    return report.diagnostics(document)


class _Walk:
    """One validation run: the top level, then each (sub)machine, then the targets."""

    def __init__(self, document: Document, agents: frozenset[str] | None, report: Report) -> None:
        self.document = document
        self.agents = agents
        self.report = report
        self.names: dict[str, str] = {}  # state name -> pointer of its first definition
        self.targets: list[tuple[str, str, str, frozenset[str], str]] = []
        self.context: Context | None = None

    def run(self) -> None:
        data = self.document.data
        if not isinstance(data, dict):
            self.report.error(
                "INVALID_DOCUMENT",
                "",
                f"The workflow must be an object with StartAt and States, got {describe(data)}",
            )
            return
        language = self._check_top_level(data)
        check_workflow_event_blocks(self.report, data)
        imports = data.get("Imports")
        self.context = Context(
            self.report, self.agents, imports if isinstance(imports, dict) else None, language
        )
        self._check_duplicate_keys()
        top = self._machine(data, "", "The workflow", top=True, module=data.get("Module") is True)
        self._check_targets()
        self._check_exports(data)
        if top is not None:
            check_variables(self.report, top)

    # --- the top level -----------------------------------------------------------------

    def _check_top_level(self, data: dict[Any, Any]) -> str:
        known = TOP_LEVEL_FIELDS | AGENT_TOP_LEVEL_FIELDS
        for raw in data:
            key = str(raw)
            if key not in known:
                hint = unknown_hint(key, known)
                self.report.warning(
                    "UNKNOWN_FIELD",
                    join("", key),
                    f"The workflow has the unknown top-level field '{key}'{hint}",
                    key=True,
                )
        for name in ("Comment", "Version"):
            if name in data and not isinstance(data[name], str):
                self.report.error(
                    "INVALID_TYPE",
                    join("", name),
                    f"The workflow's '{name}' must be a string, got {describe(data[name])}",
                )
        if "TimeoutSeconds" in data:
            expect_int(
                self.report,
                data["TimeoutSeconds"],
                "/TimeoutSeconds",
                "The workflow's 'TimeoutSeconds'",
                1,
            )
        for name in _TOP_LEVEL_BLOCKS:
            if name in data and not isinstance(data[name], dict):
                self.report.error(
                    "INVALID_TYPE",
                    join("", name),
                    f"The workflow's '{name}' must be an object, got {describe(data[name])}",
                )
        if isinstance(data.get("Budget"), dict):
            check_budget(self.report, data["Budget"], "/Budget", None)
        self._check_string_map(
            data, "Imports", 'an import source such as "./templates/validation.asl.json"'
        )
        if isinstance(data.get("DefaultTools"), dict):
            check_tools_block(
                self.report, data["DefaultTools"], "/DefaultTools", "The workflow's DefaultTools"
            )
        categories = data.get("ToolCategories")
        if isinstance(categories, dict):
            for category, tools in categories.items():
                at = join("/ToolCategories", str(category))
                if not isinstance(tools, list):
                    self.report.error(
                        "INVALID_TYPE",
                        at,
                        f"Tool category '{category}' must be "
                        f"an array of tool names, got {describe(tools)}",
                    )
                    continue
                for index, tool in enumerate(tools):
                    if not isinstance(tool, str):
                        self.report.error(
                            "INVALID_TYPE",
                            join(at, index),
                            f"Tool category "
                            f"'{category}' must list tool names (strings), got "
                            f"{describe(tool)}",
                        )
        elif "ToolCategories" in data:
            self.report.error(
                "INVALID_TYPE",
                "/ToolCategories",
                f"The workflow's 'ToolCategories' must be an object, got {describe(categories)}",
            )
        if "Module" in data and not isinstance(data["Module"], bool):
            self.report.error(
                "INVALID_TYPE",
                "/Module",
                f"The workflow's 'Module' must be true or false, got {describe(data['Module'])}",
            )
        language = data.get("QueryLanguage", JSONPATH)
        if language not in QUERY_LANGUAGES:
            hint = did_you_mean(language, QUERY_LANGUAGES) if isinstance(language, str) else ""
            self.report.error(
                "INVALID_VALUE",
                "/QueryLanguage",
                f"The workflow's "
                f'\'QueryLanguage\' must be "JSONPath" or "JSONata", got '
                f"{describe(language)}{hint}",
            )
        # Like AWS: only "JSONPath" (or no field) means JSONPath; any other value, JSONata.
        return JSONPATH if language == JSONPATH else JSONATA

    def _check_string_map(self, data: dict[Any, Any], name: str, what: str) -> None:
        value = data.get(name)
        if name not in data:
            return
        if not isinstance(value, dict):
            self.report.error(
                "INVALID_TYPE",
                join("", name),
                f"The workflow's '{name}' must be an object, got {describe(value)}",
            )
            return
        for key, item in value.items():
            if not isinstance(item, str) or not item:
                self.report.error(
                    "INVALID_TYPE",
                    join("", name, str(key)),
                    f"'{key}' in the workflow's '{name}' must be {what}, got {describe(item)}",
                )

    def _check_exports(self, data: dict[Any, Any]) -> None:
        if "Exports" not in data:
            return
        exports = data["Exports"]
        states = data.get("States")
        if not isinstance(exports, list):
            self.report.error(
                "INVALID_TYPE",
                "/Exports",
                f"The workflow's 'Exports' must be an "
                f"array of state names, got {describe(exports)}",
            )
            return
        for index, name in enumerate(exports):
            if isinstance(states, dict) and isinstance(name, str) and name not in states:
                self.report.error(
                    "MISSING_TRANSITION_TARGET",
                    join("/Exports", index),
                    f"'Exports' names '{name}', which is not a state of the "
                    f"module{did_you_mean(name, states)}",
                )
            elif not isinstance(name, str):
                self.report.error(
                    "INVALID_TYPE",
                    join("/Exports", index),
                    f"'Exports' must list state names, got {describe(name)}",
                )

    def _check_duplicate_keys(self) -> None:
        for duplicate in self.document.duplicate_keys():
            name = duplicate.pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
            lines = f"lines {duplicate.first[0]} and {duplicate.later[0]}"
            if _STATE_MEMBER.match(duplicate.pointer):
                self.report.error(
                    "DUPLICATE_STATE_NAME",
                    duplicate.pointer,
                    f"State '{name}' is defined "
                    f"twice in the same States object ({lines}); JSON keeps only the later "
                    f"definition: rename or remove one of them",
                    position=duplicate.first,
                )
            else:
                self.report.warning(
                    "DUPLICATE_KEY",
                    duplicate.pointer,
                    f"The key '{name}' appears twice in "
                    f"the same object ({lines}); only the later value counts: remove one",
                    position=duplicate.first,
                )

    # --- machines ----------------------------------------------------------------------

    def _machine(
        self,
        machine: Any,
        pointer: str,
        label: str,
        *,
        top: bool = False,
        module: bool = False,
        fields: frozenset[str] = frozenset(),
    ) -> Machine | None:
        """Check one (sub)machine and those nested in it; None when it has no states."""
        report = self.report
        if not isinstance(machine, dict):
            report.error(
                "INVALID_TYPE",
                pointer,
                f"{label} must be an object with StartAt and States, got {describe(machine)}",
            )
            return None
        if not top:
            self._check_machine_fields(machine, pointer, label, fields)
        start = machine.get("StartAt")
        if "StartAt" not in machine:
            if not module:
                report.error(
                    "MISSING_FIELD",
                    pointer,
                    f"{label} has no 'StartAt': add "
                    f'"StartAt" with the name of the first state to run',
                    key=True,
                )
        elif not isinstance(start, str) or not start:
            report.error(
                "INVALID_VALUE" if isinstance(start, str) else "INVALID_TYPE",
                join(pointer, "StartAt"),
                f"'StartAt' of {_lower(label)} must be a state name, got {describe(start)}",
            )
        states = machine.get("States")
        if "States" not in machine:
            report.error(
                "MISSING_FIELD",
                pointer,
                f"{label} has no 'States': add a \"States\" object that maps state names to states",
                key=True,
            )
            return None
        if not isinstance(states, dict):
            report.error(
                "INVALID_TYPE",
                join(pointer, "States"),
                f"'States' of {_lower(label)} "
                f"must be an object that maps state names to states, got "
                f"{describe(states)}",
            )
            return None
        if not states:
            report.error(
                "INVALID_VALUE",
                join(pointer, "States"),
                f"{label} has no states: add at least one state to 'States'",
            )
            return None
        names = frozenset(str(name) for name in states)
        all_facts = [
            self._state(str(name), state, join(pointer, "States", str(name)))
            for name, state in states.items()
        ]
        checked = Machine(
            pointer,
            label,
            start if isinstance(start, str) and start and not module else None,
            {str(name): facts for name, facts in zip(states, all_facts, strict=True)},
        )
        scope = _lower(label)
        referenced: set[str] = set()
        for facts in all_facts:
            for target, at, what in facts.targets:
                referenced.add(target)
                self.targets.append((target, at, what, names, scope))
        if isinstance(start, str) and start:
            self.targets.append(
                (start, join(pointer, "StartAt"), f"'StartAt' of {scope}", names, scope)
            )
            if not module:
                order = [str(name) for name in states]
                self._check_reachable(pointer, order, referenced | {start})
        if all(f.typed for f in all_facts) and not any(f.terminal for f in all_facts):
            report.error(
                "MISSING_END_STATE",
                join(pointer, "States"),
                f"{label} has no state "
                f'that ends it: give a state "End": true, or add a Succeed or Fail '
                f"state",
                key=True,
            )
        for name, facts in checked.states.items():
            for sub in facts.sub_machines:
                child = self._machine(sub.machine, sub.pointer, sub.label, fields=sub.fields)
                if child is not None:
                    checked.children.append((name, sub, child))
        return checked

    def _state(self, name: str, state: Any, pointer: str) -> StateFacts:
        if not name:
            self.report.error(
                "INVALID_STATE_NAME",
                pointer,
                "A state has an empty name: give it a name of 1 to 80 characters",
                key=True,
            )
        elif len(name) > MAX_STATE_NAME_LENGTH:
            self.report.error(
                "INVALID_STATE_NAME",
                pointer,
                f"State name '{name}' is "
                f"{len(name)} characters long: AWS allows at most "
                f"{MAX_STATE_NAME_LENGTH}; shorten it",
                key=True,
            )
        first = self.names.get(name)
        if first is None:
            self.names[name] = pointer
        else:
            self.report.error(
                "DUPLICATE_STATE_NAME",
                pointer,
                f"State name '{name}' is already "
                f"used at {first}: names must be unique in the whole workflow, "
                f"Parallel branches and Map processors included; rename one",
                key=True,
            )
        assert self.context is not None
        return check_state(name, state, pointer, self.context)

    def _check_machine_fields(
        self, machine: dict[Any, Any], pointer: str, label: str, fields: frozenset[str]
    ) -> None:
        for raw in machine:
            key = str(raw)
            if key not in fields and key in TOP_LEVEL_FIELDS:
                self.report.error(
                    "UNSUPPORTED_FIELD",
                    join(pointer, key),
                    f"{label} cannot set '{key}': only the workflow's top level takes it "
                    f"(a branch or processor has StartAt, States and Comment"
                    f"{', and ProcessorConfig' if 'ProcessorConfig' in fields else ''})",
                    key=True,
                )
            elif key not in fields:
                hint = unknown_hint(key, fields)
                self.report.warning(
                    "UNKNOWN_FIELD",
                    join(pointer, key),
                    f"{label} has the unknown field '{key}'{hint}",
                    key=True,
                )
        if "Comment" in machine and not isinstance(machine["Comment"], str):
            self.report.error(
                "INVALID_TYPE",
                join(pointer, "Comment"),
                f"'Comment' of "
                f"{_lower(label)} must be a string, got "
                f"{describe(machine['Comment'])}",
            )

    def _check_reachable(self, pointer: str, names: list[str], referenced: set[str]) -> None:
        """AWS's rule: a state is reachable when some transition of its machine names it."""
        for name in (n for n in names if n not in referenced):
            self.report.error(
                "UNREACHABLE_STATE",
                join(pointer, "States", name),
                f"State '{name}' is never "
                f"reached: no StartAt, Next, Default, choice rule or catcher names it; connect "
                f"it or remove it",
                key=True,
            )

    def _check_targets(self) -> None:
        """Targets are checked last, once every state name of the document is known."""
        for target, at, what, names, scope in self.targets:
            if target in names:
                continue
            hint = did_you_mean(target, names)
            if not hint and target in self.names:
                hint = (
                    f": '{target}' is at {self.names[target]}, and a state can only move "
                    f"to states of its own machine (a Parallel branch or a Map processor is "
                    f"a machine of its own)"
                )
            elif not hint:
                hint = f": add a state named '{target}' or fix the name"
            self.report.error(
                "MISSING_TRANSITION_TARGET",
                at,
                f"{what} names '{target}', which is not a state of {scope}{hint}",
            )


def _lower(label: str) -> str:
    return label[:1].lower() + label[1:]
