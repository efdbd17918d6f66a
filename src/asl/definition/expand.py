"""Expanding ``Imports`` and ``Include`` states into a plain document.

Validation and compilation see only AWS's and ASL's runnable state types: before
either runs, every Include state is replaced by what it stands for, and every
``WorkflowId`` that names an import is replaced by the imported file's location.

An Include ``X`` of a template becomes a **Parallel state ``X`` with one branch**
holding the template's states, renamed ``X.<name>`` (state names are unique in a
whole workflow, and a template may be included twice).  The branch gets the
Include's input (after ``InputPath``); the Include's ``Retry`` and ``Catch`` wrap
the whole template; a template's own transitions stay inside it.  A Parallel's
result is a one-item array, so the template's output is unwrapped: by
``OutputPath: "$[0]"`` when the result replaces the input, else by a Pass state
``X.Result`` placing it at the Include's ``ResultPath`` (where ``Assign`` and
``OutputPath`` then apply).

Problems found while expanding (an import that cannot be loaded, a cycle, a missing
or ill-typed parameter, an unknown EntryPoint ...) are diagnostics located in the
file where the fix belongs; problems the validator later finds inside an expanded
template are moved back to the template file's line and column through
:attr:`Expansion.origins`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, Final

from asl.language.errors import ASLError, Diagnostic

from .imports import (
    PACKAGE_SCHEME,
    ImportGraph,
    base_directory,
    load_source,
    locate_source,
    location_of,
)
from .include import IncludeSteps
from .load import Document
from .locate import join
from .report import Issue, did_you_mean
from .template_states import (
    MACHINE_KEYS,
    Origin,
    record_origins,
    rename_states,
    segments,
    set_language,
    well_typed,
)
from .templates import check_declarations, substitute

_PATH_SUFFIXES: Final = (".json", ".yaml", ".yml")

# Child workflows being validated right now (a workflow may run itself).
_CHECKING: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar(
    "asl_checking_workflows", default=frozenset()
)


@dataclass
class Expansion:
    """The plain document, the problems met making it, and where its states came from."""

    root: Document
    document: Document
    problems: list[Diagnostic] = field(default_factory=list)
    origins: dict[str, Origin] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.document is not self.root

    def origin(self, pointer: str) -> Origin:
        """The document and pointer a pointer of the expanded document stands for."""
        best = ""
        for prefix in self.origins:
            if len(prefix) > len(best) and (pointer == prefix or pointer.startswith(prefix + "/")):
                best = prefix
        if not best:
            return self.root, pointer
        document, original = self.origins[best]
        return document, original + pointer[len(best) :]

    def diagnostics(self, issues: list[Issue]) -> list[Diagnostic]:
        """The expansion's problems and the validator's issues, each in the file it is about.

        The root document's come first, in text order; then each template's.
        """
        found = list(self.problems)
        for issue in issues:
            document, pointer = self.origin(issue.pointer)
            position = issue.position if document is self.root else None
            if position is None and issue.char is not None:
                position = document.locate_char(pointer, issue.char)
            if position is None:
                position = document.locate(pointer, key=issue.at_key)
            line, column = position if position is not None else (None, None)
            source = None if document is self.root else document.source
            found.append(
                Diagnostic(issue.code, issue.message, pointer, line, column, issue.severity, source)
            )
        if self.root.text is None:
            return found
        return sorted(
            found,
            key=lambda d: (d.source is not None, d.source or "", d.line or 0, d.column or 0),
        )


def uses_composition(data: Any) -> bool:
    """Whether a document has anything to expand (cheap: most documents have not)."""
    if not isinstance(data, dict):
        return False
    return "Imports" in data or _has_type(data, ("Include", "Workflow"))


def _has_type(machine: Any, kinds: tuple[str, ...]) -> bool:
    states = machine.get("States") if isinstance(machine, dict) else None
    if not isinstance(states, dict):
        return False
    for state in states.values():
        if not isinstance(state, dict):
            continue
        if state.get("Type") in kinds:
            return True
        branches = state.get("Branches")
        if isinstance(branches, list) and any(_has_type(b, kinds) for b in branches):
            return True
        for key in MACHINE_KEYS:
            if _has_type(state.get(key), kinds):
                return True
    return False


def expand(document: Document, agents: Collection[str] | None = None) -> Expansion:
    """The document with its Includes expanded and its WorkflowIds resolved.

    ``agents``, when given, are the registered names child workflows are checked against.
    """
    if not uses_composition(document.data):
        return Expansion(document, document)
    expander = _Expander(document, agents)
    data = expander.document(document)
    if _imports_spent(data, expander):  # all imported is now inline or resolved to a file
        data = {key: value for key, value in data.items() if key not in ("Imports", "_lock")}
    expanded = Document(
        data=data,
        source=document.source,
        text=document.text,
        syntax=document.syntax,
        _lazy=document._lazy,  # the root's duplicate keys are still the root's
    )
    return Expansion(document, expanded, expander.diagnostics(), expander.origins)


def _imports_spent(data: dict[str, Any], expander: _Expander) -> bool:
    """Whether the expanded document no longer needs its Imports (so a stored copy runs
    anywhere): nothing went wrong and no Include is left to report on."""
    imports = data.get("Imports")
    return (
        not expander.issues
        and isinstance(imports, dict)
        and all(isinstance(source, str) and source for source in imports.values())
        and not _has_type(data, ("Include",))
    )


class _Expander(IncludeSteps):
    """One expansion: the import graph, the problems met, the origins of expanded states."""

    def __init__(self, root: Document, agents: Collection[str] | None) -> None:
        self.root = root
        self.agents = agents
        self.graph = ImportGraph.build(root)
        self.issues: list[tuple[Document, str, str, str, bool]] = []
        self.origins: dict[str, Origin] = {}
        self.declared: dict[str, dict[str, dict[str, Any]]] = {}  # location -> declarations
        for problem in self.graph.problems:
            self.issues.append(
                (problem.document, problem.pointer, problem.code, problem.message, False)
            )

    def problem(
        self, document: Document, pointer: str, code: str, message: str, key: bool = False
    ) -> None:
        self.issues.append((document, pointer, code, message, key))

    def diagnostics(self) -> list[Diagnostic]:
        result = []
        for document, pointer, code, message, key in self.issues:
            position = document.locate(pointer, key=key)
            line, column = position if position is not None else (None, None)
            source = None if document is self.root else document.source
            result.append(Diagnostic(code, message, pointer, line, column, "error", source))
        return result

    # -- walking machines -----------------------------------------------------------

    def document(self, document: Document) -> dict[str, Any]:
        data = document.data
        language = data.get("QueryLanguage", "JSONPath")
        expanded, origins = self.machine(
            document, data, "", language if isinstance(language, str) else "JSONPath"
        )
        self.origins.update(origins)
        return expanded

    def machine(
        self, document: Document, machine: dict[str, Any], pointer: str, language: str
    ) -> tuple[dict[str, Any], dict[str, Origin]]:
        """A machine with its Includes expanded; origins in ``document``'s pointer space."""
        states = machine.get("States")
        origins: dict[str, Origin] = {}
        if not isinstance(states, dict):
            return machine, origins
        result: dict[str, Any] = {}
        changed = False
        for name, state in states.items():
            at = join(pointer, "States", str(name))
            if not isinstance(state, dict):
                result[name] = state
                continue
            own = state.get("QueryLanguage", language)
            own = own if isinstance(own, str) else language
            kind = state.get("Type")
            if kind == "Include":
                replaced = self.include(
                    document, str(name), state, at, pointer, own, set(states) | set(result), origins
                )
                if replaced is not None:
                    result.update(replaced)
                    changed = True
                    continue
            elif kind == "Workflow":
                resolved = self.workflow(document, state, at)
                if resolved is not state:
                    changed = True
                result[name] = resolved
                continue
            new_state = state
            branches = state.get("Branches")
            if isinstance(branches, list):
                new_branches = []
                for index, branch in enumerate(branches):
                    if isinstance(branch, dict):
                        sub, sub_origins = self.machine(
                            document, branch, join(at, "Branches", index), own
                        )
                        origins.update(sub_origins)
                        new_branches.append(sub)
                    else:
                        new_branches.append(branch)
                if any(a is not b for a, b in zip(new_branches, branches, strict=True)):
                    new_state = {**new_state, "Branches": new_branches}
            for key in MACHINE_KEYS:
                processor = state.get(key)
                if isinstance(processor, dict):
                    sub, sub_origins = self.machine(document, processor, join(at, key), own)
                    origins.update(sub_origins)
                    if sub is not processor:
                        new_state = {**new_state, key: sub}
            changed = changed or new_state is not state
            result[name] = new_state
        if not changed:
            return machine, origins
        return {**machine, "States": result}, origins

    # -- Workflow states ---------------------------------------------------------------

    def workflow(self, document: Document, state: dict[str, Any], at: str) -> dict[str, Any]:
        """The state with ``WorkflowId`` naming a file location; the child checked."""
        workflow_id = state.get("WorkflowId")
        if not isinstance(workflow_id, str) or not workflow_id:
            return state  # the validator reports it
        pointer = join(at, "WorkflowId")
        imports = document.data.get("Imports")
        if isinstance(imports, dict) and workflow_id in imports:
            resolved = self.graph.resolve(document, workflow_id)
            if resolved is None:
                return state  # the import's own problem is reported at the import
            location, child = resolved
        elif workflow_id.endswith(_PATH_SUFFIXES) or workflow_id.startswith(PACKAGE_SCHEME):
            try:
                location = locate_source(workflow_id, base_directory(document))
                child = self.graph.documents.get(location) or load_source(location)
            except ASLError as error:
                self.problem(
                    document,
                    pointer,
                    "UNKNOWN_WORKFLOW",
                    f"'WorkflowId' names '{workflow_id}', which cannot be loaded: {error.cause}",
                )
                return state
        else:
            hint = did_you_mean(workflow_id, imports) if isinstance(imports, dict) else ""
            self.problem(
                document,
                pointer,
                "UNKNOWN_WORKFLOW",
                f"'WorkflowId' names '{workflow_id}', which is neither an alias in 'Imports' "
                f"nor a workflow file{hint or ': add it to Imports or give the path of its file'}",
            )
            return state
        self.check_child(document, pointer, workflow_id, location, child)
        return {**state, "WorkflowId": location}

    def check_child(
        self, document: Document, pointer: str, workflow_id: str, location: str, child: Document
    ) -> None:
        checking = _CHECKING.get()
        if location in checking or location == location_of(self.root):
            return  # a workflow that runs itself (recursion) is checked once
        from .validate import validate  # validation expands; expansion validates children

        token = _CHECKING.set(checking | {location_of(self.root), location})
        try:
            errors = [d for d in validate(child, self.agents) if d.severity == "error"]
        finally:
            _CHECKING.reset(token)
        if errors:
            first = errors[0]
            place = first.source or child.source or workflow_id
            where = f"{place}:{first.line or 0}:{first.column or 0}"
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            self.problem(
                document,
                pointer,
                "INVALID_WORKFLOW",
                f"The workflow '{workflow_id}' cannot run: {where}: {first.code} "
                f"{first.message}{more}",
            )

    # -- Include states ------------------------------------------------------------------

    def include(
        self,
        document: Document,
        name: str,
        state: dict[str, Any],
        at: str,
        machine_pointer: str,
        language: str,
        taken: set[str],
        origins: dict[str, Origin],
    ) -> dict[str, Any] | None:
        """The states an Include becomes (by name), or None to leave it for the validator."""
        alias = state.get("Template")
        if not isinstance(alias, str) or not well_typed(state):
            return None  # the validator reports the Include's fields as they are
        resolved = self.graph.resolve(document, alias)
        if resolved is None:
            return None
        location, template = resolved
        data = template.data
        label = f"template '{alias}' ({document.data['Imports'][alias]})"
        if not isinstance(data.get("States"), dict) or not data["States"]:
            self.problem(
                document,
                join(at, "Template"),
                "INVALID_TEMPLATE",
                f"State '{name}' includes {label}, which has no states: a template needs a "
                f'"States" object',
            )
            return None
        declarations = self.declarations(location, template)
        values = self.values(document, name, state, at, label, data, declarations)
        inner_language = data.get("QueryLanguage", "JSONPath")
        inner_language = inner_language if isinstance(inner_language, str) else "JSONPath"

        def reporter(base: str) -> Callable[[str, str, str], None]:
            def report(code: str, pointer: str, message: str) -> None:
                place = join(base, *segments(pointer))
                self.problem(
                    document,
                    at,
                    code,
                    f"State '{name}' includes {label}: at {place}: {message}",
                    key=True,
                )

            return report

        states = substitute(data["States"], values, reporter("/States"))
        start = substitute(data.get("StartAt"), values, reporter("/StartAt"))
        machine: dict[str, Any] = {"StartAt": start, "States": states}
        self.override(document, name, state, at, label, states)
        if not self.cut(document, name, state, at, label, data, machine, inner_language):
            return None
        machine, inner_origins = self.machine(template, machine, "", inner_language)
        prefix = f"{name}."
        branch_at = join(at, "Branches", 0)
        renamed = rename_states(machine, prefix)
        if inner_language != language:  # the template's language goes with its states
            set_language(renamed, inner_language)
        origins[branch_at] = (template, "")
        record_origins(machine, "", branch_at, prefix, template, inner_origins, origins)
        return self.wrap(
            document, name, state, at, machine_pointer, language, renamed, taken, origins
        )

    def declarations(self, location: str, template: Document) -> dict[str, dict[str, Any]]:
        known = self.declared.get(location)
        if known is None:

            def report(code: str, pointer: str, message: str) -> None:
                on_key = code in ("UNKNOWN_FIELD", "INVALID_PARAMETER")  # a name is wrong
                self.problem(template, pointer, code, message, key=on_key)

            known = check_declarations(template.data.get("Parameters"), report)
            self.declared[location] = known
        return known
