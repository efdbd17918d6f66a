"""How one Include state becomes runnable states: its parameters, Override, ends, wrapper.

:class:`IncludeSteps` holds the steps the expander (:mod:`.expand`) takes for each
Include, in order: :meth:`values` (the parameters given, checked against the
template's declarations and completed by defaults), :meth:`override` (the
``Override.States`` patches), :meth:`cut` (module chaining, the ``Output`` end marker,
``EntryPoint`` and ``ExitPoint``) and :meth:`wrap` (the one-branch Parallel and the
Pass that unwraps its result).  Each step reports problems at the Include, in the
file that holds it.
"""

from __future__ import annotations

import copy
from typing import Any, Final

from .fields import JSONATA
from .load import Document
from .locate import join
from .report import did_you_mean
from .template_states import Origin, free_name, merge_patch, reachable, under_first
from .templates import Dynamic, value_problem

# Fields of an Include that the Parallel it becomes takes over unchanged.
_PARALLEL_FIELDS: Final = ("Comment", "QueryLanguage", "InputPath", "Retry", "Catch", "Arguments")
_NO_CONTINUATION: Final = frozenset({"Choice", "Succeed", "Fail"})


class IncludeSteps:
    """The per-Include steps; the expander provides :meth:`problem`."""

    def problem(
        self, document: Document, pointer: str, code: str, message: str, key: bool = False
    ) -> None:
        raise NotImplementedError

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
            reached = reachable(states, machine["StartAt"])
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
            parallel["OutputPath"] = under_first(output_path)
            return {name: {**parallel, **ending}}
        if result_path != "$":
            parallel["ResultPath"] = result_path
        unwrap_name = free_name(f"{name}.Result", taken)
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
