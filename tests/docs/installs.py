"""``pip install`` as the doc tests run it: a check, offline, of what it would install.

The tests must neither reach a package index nor change the environment they run
in, and an editable install cannot even be dry-run offline here (building its
metadata needs the ``wheel`` package from an index). So a page's ``pip install``
line is checked instead: each thing it names must be this project (``.``, ``-e .``
or ``agent-state-language``, with extras that ``pyproject.toml`` defines) or a
distribution, and every requirement it brings (the project's dependencies and
those of the extras named, for this Python and platform) must be installed in a
version the requirement allows. What would be missing is printed, and the exit
code is 1, so the page's test fails naming it.

    python -m tests.docs.installs install -e '.[bench]'
"""

from __future__ import annotations

import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

PROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def project_requirements(extras: set[str]) -> list[Requirement]:
    """The project's dependencies and those of ``extras``, which must all exist."""
    project = tomllib.loads(PROJECT.read_text())["project"]
    optional = project.get("optional-dependencies", {})
    unknown = extras - set(optional)
    if unknown:
        raise SystemExit(f"pyproject.toml defines no extra {sorted(unknown)}")
    texts = project["dependencies"] + [text for extra in extras for text in optional[extra]]
    return [Requirement(text) for text in texts]


def requirements(spec: str) -> list[Requirement]:
    """What installing ``spec`` (``.[a,b]``, ``agent-state-language[a]``, ``pkg>=1``) needs."""
    if spec.startswith("."):
        extras = spec[1:].strip("[]")
        return project_requirements({e for e in extras.split(",") if e})
    requirement = Requirement(spec)
    if requirement.name == "agent-state-language":
        return project_requirements(set(requirement.extras))
    return [requirement]


def missing(requirement: Requirement) -> str | None:
    """Why ``requirement`` is not met here, or None when it is (or does not apply here)."""
    if requirement.marker is not None and not requirement.marker.evaluate():
        return None
    try:
        version = metadata.version(requirement.name)
    except metadata.PackageNotFoundError:
        return f"{requirement}: not installed"
    if requirement.specifier and not requirement.specifier.contains(version, prereleases=True):
        return f"{requirement}: {version} is installed"
    return None


def main(arguments: list[str]) -> int:
    if arguments[:1] != ["install"]:
        print(f"only 'pip install' is checked, not: pip {' '.join(arguments)}", file=sys.stderr)
        return 2
    specs = [a for a in arguments[1:] if not a.startswith("-")]
    problems = [p for spec in specs for r in requirements(spec) if (p := missing(r))]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems or not specs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
