"""Variable scopes: who may assign a variable, and whether a read can find a value.

AWS's model of workflow variables, checked over the whole document once every state
is checked:

- The top-level states share one scope; each Parallel branch and each Map processor
  is a scope of its own, nested in the scope of the state that holds it.
- A variable belongs to the scope whose states assign it.  An inner scope reads the
  variables of the scopes around it, but AWS refuses a definition where an inner scope
  assigns a variable that an outer scope also assigns (``OUTER_VARIABLE_ASSIGNED``).
  A Map's or Parallel's own Assign, and its catchers', belong to the outer scope.
- Variables assigned in a branch or processor are gone when it ends: neither the states
  after the Parallel or Map nor the sibling branches see them.  A distributed Map's
  processor does not see outer variables at all.
- A state's Assign takes effect when the state ends, all at once: the state's own
  fields read the values from before.  A matched choice rule's Assign replaces the
  Choice state's (which applies on Default); a catcher's Assign applies when it catches.

AWS accepts a definition that reads a variable no Assign can have set (the read fails
when it runs), so such a read is a warning here (``UNDEFINED_VARIABLE``): a state
reads ``$x``, and no path from the scope's StartAt to that state goes through an Assign
of ``x`` (the enclosing scopes counted up to the state that opens this one).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from .report import Report, did_you_mean
from .states import StateFacts, SubMachine


@dataclass
class Machine:
    """A checked (sub)machine: its states' facts and the machines nested in them."""

    pointer: str
    label: str
    start: str | None
    states: dict[str, StateFacts] = field(default_factory=dict)
    children: list[tuple[str, SubMachine, Machine]] = field(default_factory=list)


def check_variables(report: Report, top: Machine) -> None:
    """Report assignments to outer variables and reads that can find no value."""
    everywhere: dict[str, str] = {}
    for machine in _machines(top):
        for facts in machine.states.values():
            for name, at in _assignments(facts):
                everywhere.setdefault(name, at)
    _Scopes(report, everywhere).scope(top, frozenset(), {}, flow=top.start is not None)


def _machines(machine: Machine) -> Iterator[Machine]:
    pending = [machine]
    while pending:
        current = pending.pop()
        yield current
        pending.extend(child for _, _, child in current.children)


def _assignments(facts: StateFacts) -> Iterator[tuple[str, str]]:
    yield from facts.assigns.items()
    yield from facts.other_assigns.items()


class _Scopes:
    def __init__(self, report: Report, everywhere: dict[str, str]) -> None:
        self.report = report
        self.everywhere = everywhere

    def scope(
        self,
        machine: Machine,
        visible: frozenset[str],
        outer: dict[str, str],
        *,
        flow: bool,
        distributed: bool = False,
    ) -> None:
        """One scope: ``visible`` outer variables, ``outer`` the names outer scopes assign."""
        own: dict[str, str] = {}
        for name, facts in machine.states.items():
            for variable, at in _assignments(facts):
                own.setdefault(variable, at)
                if variable in outer:
                    self._outer_assigned(variable, at, name, machine, outer[variable])
        entry = self._flow(machine) if flow else {}
        for name, before in entry.items():
            available = before | visible
            for variable, (at, char) in machine.states[name].reads.first.items():
                if variable not in available:
                    self._undefined(variable, at, char, name, own, outer, distributed)
        inner_outer = {**outer, **own}
        for name, sub, child in machine.children:
            reached = name in entry
            inner_visible = frozenset() if sub.distributed else visible | entry.get(name, set())
            self.scope(
                child,
                inner_visible,
                inner_outer,
                flow=reached and child.start is not None,
                distributed=sub.distributed,
            )

    @staticmethod
    def _flow(machine: Machine) -> dict[str, set[str]]:
        """For each reachable state, the variables some path may have set before it."""
        start = machine.start
        if start is None or start not in machine.states:
            return {}
        entry: dict[str, set[str]] = {start: set()}
        pending = [start]
        while pending:
            name = pending.pop()
            facts = machine.states[name]
            for edge in facts.edges:
                if edge.target not in machine.states:
                    continue
                after = entry[name] | edge.assigns
                if edge.state_assign:
                    after.update(facts.assigns)
                known = entry.get(edge.target)
                if known is None:
                    entry[edge.target] = after
                    pending.append(edge.target)
                elif not after <= known:
                    known |= after
                    pending.append(edge.target)
        return entry

    def _outer_assigned(
        self, variable: str, at: str, state: str, machine: Machine, outer_at: str
    ) -> None:
        self.report.error(
            "OUTER_VARIABLE_ASSIGNED",
            at,
            f"State '{state}' in {_lower(machine.label)} assigns '${variable}', which the "
            f"enclosing workflow also assigns (at {outer_at}); a Parallel branch or Map "
            f"processor may read the variables around it but not assign them: give the "
            f"inner variable another name, or hand the value out through 'Output'",
            key=True,
        )

    def _undefined(
        self,
        variable: str,
        at: str,
        char: int | None,
        state: str,
        own: dict[str, str],
        outer: dict[str, str],
        distributed: bool,
    ) -> None:
        where = f"State '{state}' reads '${variable}'"
        if variable in own:
            why = (
                f", but no path from the start to '{state}' goes through a state that "
                f"assigns it (it is assigned at {own[variable]}), so the read fails when it "
                f"runs: assign it earlier"
            )
        elif variable in outer and distributed:
            why = (
                f", which is assigned outside this distributed Map (at {outer[variable]}); a "
                f"distributed Map's processor cannot read outer variables: pass the value "
                f"in through 'ItemSelector'"
            )
        elif variable in outer:
            why = (
                f", but the enclosing workflow assigns it (at {outer[variable]}) only after "
                f"this branch or processor starts, so the read fails when it runs: assign "
                f"it before the Parallel or Map state"
            )
        elif variable in self.everywhere:
            why = (
                f", which is only assigned at {self.everywhere[variable]}, in a Parallel "
                f"branch or Map processor this state cannot see (their variables end with "
                f"them): hand the value out through 'Output', or assign it in this scope"
            )
        else:
            hint = did_you_mean(variable, self.everywhere)
            why = (
                f", but no Assign in the workflow sets it, so the read fails when it runs"
                f"{hint or ': assign it in an earlier state'}"
            )
        self.report.warning("UNDEFINED_VARIABLE", at, where + why, char=char)


def _lower(label: str) -> str:
    return label[:1].lower() + label[1:]
