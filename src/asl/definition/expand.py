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
import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from asl.language.errors import ASLError, Diagnostic

from .fields import JSONATA
from .imports import (
    PACKAGE_SCHEME,
    ImportGraph,
    base_directory,
    load_source,
    locate_source,
    location_of,
)
from .load import Document
from .locate import join
from .report import Issue, did_you_mean
from .templates import Dynamic, check_declarations, substitute, value_problem

Origin = tuple[Document, str]

# Fields of an Include that the Parallel it becomes takes over unchanged.
_PARALLEL_FIELDS: Final = ("Comment", "QueryLanguage", "InputPath", "Retry", "Catch", "Arguments")
_MACHINE_KEYS: Final = ("ItemProcessor", "Iterator")
_NO_CONTINUATION: Final = frozenset({"Choice", "Succeed", "Fail"})
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
        for key in _MACHINE_KEYS:
            if _has_type(state.get(key), kinds):
                return True
    return False


def expand(document: Document) -> Expansion:
    """The document with its Includes expanded and its WorkflowIds resolved."""
    if not uses_composition(document.data):
        return Expansion(document, document)
    expander = _Expander(document)
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


class _Expander:
    def __init__(self, root: Document) -> None:
        self.root = root
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
            for key in _MACHINE_KEYS:
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
            errors = [d for d in validate(child, None) if d.severity == "error"]
        finally:
            _CHECKING.reset(token)
        if errors:
            first = errors[0]
            where = f"{first.source or workflow_id}:{first.line or 0}:{first.column or 0}"
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
        if not isinstance(alias, str) or not _well_typed(state):
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
                place = join(base, *_segments(pointer))
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
        renamed = _rename(machine, prefix)
        if inner_language != language:  # the template's language goes with its states
            _set_language(renamed, inner_language)
        origins[branch_at] = (template, "")
        _record_origins(machine, "", branch_at, prefix, template, inner_origins, origins)
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

    def values(
        self,
        document: Document,
        name: str,
        state: dict[str, Any],
        at: str,
        label: str,
        data: dict[str, Any],
        declarations: dict[str, dict[str, Any]],
    ) -> dict[str, Any]:
        """The parameter values of one Include: given, checked, completed by defaults."""
        given = state.get("Parameters")
        given = given if isinstance(given, dict) else {}
        declares = isinstance(data.get("Parameters"), dict)
        values: dict[str, Any] = {}
        for key, value in given.items():
            dynamic = str(key).endswith(".$")
            parameter = str(key)[:-2] if dynamic else str(key)
            pointer = join(at, "Parameters", str(key))
            if declares and parameter not in data["Parameters"]:
                names = ", ".join(data["Parameters"]) or "none"
                self.problem(
                    document,
                    pointer,
                    "UNKNOWN_PARAMETER",
                    f"State '{name}' passes '{parameter}', which {label} does not declare"
                    f"{did_you_mean(parameter, data['Parameters']) or ''} (its parameters: "
                    f"{names})",
                    key=True,
                )
                continue
            if dynamic:
                if not isinstance(value, str) or not value.startswith("$"):
                    self.problem(
                        document,
                        pointer,
                        "INVALID_VALUE",
                        f"'{key}' of state '{name}' must be a path starting with '$', because "
                        f"its name ends in '.$'",
                    )
                    continue
                values[parameter] = Dynamic(value)
                continue
            spec = declarations.get(parameter)
            wrong = value_problem(spec, value) if spec is not None else ""
            if wrong:
                self.problem(
                    document,
                    pointer,
                    "INVALID_PARAMETER",
                    f"Parameter '{parameter}' of {label} {wrong}",
                )
            values[parameter] = value
        for parameter, spec in declarations.items():
            if parameter in values:
                continue
            if spec.get("Required") is True:
                values[parameter] = None  # reported once, here, not at every placeholder
                has = "Parameters" in state
                self.problem(
                    document,
                    join(at, "Parameters") if has else at,
                    "MISSING_PARAMETER",
                    f"State '{name}' includes {label}, whose parameter '{parameter}' is "
                    f'required: add "{parameter}" to the Include\'s Parameters',
                    key=True,
                )
            elif "Default" in spec:
                values[parameter] = copy.deepcopy(spec["Default"])
        return values

    def override(
        self,
        document: Document,
        name: str,
        state: dict[str, Any],
        at: str,
        label: str,
        states: dict[str, Any],
    ) -> None:
        """Apply ``Override.States`` (a JSON merge patch per template state) in place."""
        override = state.get("Override")
        if not isinstance(override, dict):
            return
        for key in override:
            if key != "States":
                self.problem(
                    document,
                    join(at, "Override", str(key)),
                    "UNKNOWN_FIELD",
                    f"'Override' of state '{name}' takes only \"States\", got '{key}'",
                    key=True,
                )
        patches = override.get("States")
        if patches is None:
            return
        if not isinstance(patches, dict):
            self.problem(
                document,
                join(at, "Override", "States"),
                "INVALID_TYPE",
                f"'Override.States' of state '{name}' must be an object of state name to "
                f"the fields to change",
            )
            return
        for target, patch in patches.items():
            pointer = join(at, "Override", "States", str(target))
            if target not in states:
                self.problem(
                    document,
                    pointer,
                    "UNKNOWN_STATE",
                    f"'Override' of state '{name}' names '{target}', which is not a state of "
                    f"{label}{did_you_mean(str(target), states)}",
                    key=True,
                )
            elif not isinstance(patch, dict):
                self.problem(
                    document,
                    pointer,
                    "INVALID_TYPE",
                    f"The override of '{target}' in state '{name}' must be an object of the "
                    f"fields to change",
                )
            else:
                states[target] = merge_patch(states[target], patch)

    def cut(
        self,
        document: Document,
        name: str,
        state: dict[str, Any],
        at: str,
        label: str,
        data: dict[str, Any],
        machine: dict[str, Any],
        language: str,
    ) -> bool:
        """Apply Module chaining, the ``Output`` end marker, EntryPoint and ExitPoint."""
        states: dict[str, Any] = machine["States"]
        module = data.get("Module") is True
        exports = data.get("Exports") if isinstance(data.get("Exports"), list) else None
        order = list(states)
        for index, state_name in enumerate(order):
            raw = states[state_name]
            if not isinstance(raw, dict) or "Next" in raw or raw.get("End") is True:
                continue
            if str(raw.get("Type")) in _NO_CONTINUATION:
                continue
            if module and index + 1 < len(order):
                states[state_name] = {**raw, "Next": order[index + 1]}
            elif module or (language != JSONATA and isinstance(raw.get("Output"), str)):
                ended = {key: value for key, value in raw.items() if key != "Output"}
                states[state_name] = {**ended, "End": True}
        entry = state.get("EntryPoint")
        exit_point = state.get("ExitPoint")
        ok = True
        for field_name, value in (("EntryPoint", entry), ("ExitPoint", exit_point)):
            if not isinstance(value, str):
                continue
            pointer = join(at, field_name)
            if value not in states:
                self.problem(
                    document,
                    pointer,
                    "UNKNOWN_STATE",
                    f"'{field_name}' of state '{name}' names '{value}', which is not a state "
                    f"of {label}{did_you_mean(value, states)}",
                )
                ok = False
            elif exports is not None and value not in exports:
                self.problem(
                    document,
                    pointer,
                    "NOT_EXPORTED",
                    f"'{field_name}' of state '{name}' names '{value}', which {label} does "
                    f"not export (its Exports: {', '.join(map(str, exports))})",
                )
                ok = False
        if not ok:
            return False
        if isinstance(entry, str):
            machine["StartAt"] = entry
        elif not isinstance(machine.get("StartAt"), str):
            first = exports[0] if exports else order[0]
            machine["StartAt"] = first
        if isinstance(exit_point, str):
            raw = states[exit_point]
            if isinstance(raw, dict) and raw.get("Type") == "Choice":
                self.problem(
                    document,
                    join(at, "ExitPoint"),
                    "INVALID_VALUE",
                    f"'ExitPoint' of state '{name}' names the Choice state '{exit_point}', "
                    f"which cannot end a run: name the state after it",
                )
                return False
            if isinstance(raw, dict):
                states[exit_point] = {
                    **{key: value for key, value in raw.items() if key != "Next"},
                    "End": True,
                }
        if module or entry is not None or exit_point is not None:
            reached = _reachable(states, machine["StartAt"])
            if isinstance(exit_point, str) and exit_point not in reached:
                self.problem(
                    document,
                    join(at, "ExitPoint"),
                    "UNREACHABLE_STATE",
                    f"'ExitPoint' of state '{name}' names '{exit_point}', which is never "
                    f"reached from '{machine['StartAt']}' in {label}",
                )
                return False
            for state_name in order:
                if state_name not in reached:
                    del states[state_name]
        return True

    def wrap(
        self,
        document: Document,
        name: str,
        state: dict[str, Any],
        at: str,
        machine_pointer: str,
        language: str,
        branch: dict[str, Any],
        taken: set[str],
        origins: dict[str, Origin],
    ) -> dict[str, Any]:
        """The Parallel that runs the template, and the Pass that unwraps its result."""
        parallel: dict[str, Any] = {"Type": "Parallel"}
        for key in _PARALLEL_FIELDS:
            if key in state:
                parallel[key] = state[key]
        parallel["Branches"] = [branch]
        ending = {key: state[key] for key in ("Next", "End") if key in state}
        if "ResultSelector" in state:
            self.problem(
                document,
                join(at, "ResultSelector"),
                "UNSUPPORTED_FIELD",
                f"State '{name}' is an Include, which takes no 'ResultSelector': shape the "
                f"output in the template's last state, or add a Pass state after the Include",
                key=True,
            )
        if language == JSONATA:
            for key in ("Output", "Assign"):
                if key in state:
                    parallel[key] = state[key]
            parallel.setdefault("Output", "{% $states.result[0] %}")
            return {name: {**parallel, **ending}}
        result_path = state.get("ResultPath", "$")
        output_path = state.get("OutputPath")
        assign = state.get("Assign")
        if result_path is None:
            if assign is not None:
                self.problem(
                    document,
                    join(at, "Assign"),
                    "UNSUPPORTED_FIELD",
                    f"State '{name}' discards the template's output (ResultPath null), so its "
                    f"'Assign' has nothing to read: remove one of them",
                    key=True,
                )
            parallel["ResultPath"] = None
            if output_path is not None:
                parallel["OutputPath"] = output_path
            return {name: {**parallel, **ending}}
        if not isinstance(result_path, str):
            parallel["ResultPath"] = result_path  # the validator reports it
            return {name: {**parallel, **ending}}
        if result_path == "$" and assign is None:
            parallel["OutputPath"] = _under_first(output_path)
            return {name: {**parallel, **ending}}
        if result_path != "$":
            parallel["ResultPath"] = result_path
        unwrap_name = _free_name(f"{name}.Result", taken)
        unwrap: dict[str, Any] = {
            "Type": "Pass",
            "InputPath": f"{result_path}[0]",
            "ResultPath": result_path,
        }
        if assign is not None:
            unwrap["Assign"] = assign
        if output_path is not None:
            unwrap["OutputPath"] = output_path
        parallel["Next"] = unwrap_name
        origins[join(machine_pointer, "States", unwrap_name)] = (document, at)
        return {name: parallel, unwrap_name: {**unwrap, **ending}}


def _well_typed(state: dict[str, Any]) -> bool:
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


def _reachable(states: dict[str, Any], start: Any) -> set[str]:
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


def _rename(machine: dict[str, Any], prefix: str) -> dict[str, Any]:
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
                _rename(branch, prefix) if isinstance(branch, dict) else branch
                for branch in branches
            ]
        for key in _MACHINE_KEYS:
            if isinstance(new.get(key), dict):
                new[key] = _rename(new[key], prefix)
        renamed[prefix + name] = new
    return {**machine, "StartAt": local(machine.get("StartAt")), "States": renamed}


def _set_language(machine: dict[str, Any], language: str) -> None:
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
                _set_language(branch, language)
        for key in _MACHINE_KEYS:
            if isinstance(state.get(key), dict):
                _set_language(state[key], language)


def _record_origins(
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
                _record_origins(
                    branch,
                    join(at, "Branches", index),
                    join(new_at, "Branches", index),
                    prefix,
                    template,
                    {},
                    origins,
                )
        for key in _MACHINE_KEYS:
            if isinstance(state.get(key), dict):
                _record_origins(
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
        elif index < len(parts) and parts[index] in _MACHINE_KEYS:
            out.append(parts[index])
            index += 1
        else:
            out.extend(parts[index:])
            break
    return "".join(f"/{part}" for part in out)


def _escaped_prefix(prefix: str) -> str:
    return prefix.replace("~", "~0").replace("/", "~1")


def _segments(pointer: str) -> list[str]:
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer.split("/")[1:]]


def _under_first(output_path: Any) -> Any:
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


def _free_name(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    number = 2
    while f"{name}{number}" in taken:
        number += 1
    return f"{name}{number}"
