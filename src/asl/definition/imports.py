"""Finding and loading what a document's ``Imports`` name (spec chapter 10).

An import source is one of:

* a relative path (``./templates/validation.asl.json``), resolved against the
  directory of the importing file (the working directory for a document that came
  from a string or a dict);
* an absolute path;
* ``package://PACKAGE/PATH``: a file shipped inside an installed Python package
  (``package://acme.templates/validation.asl.json``), so templates can be
  distributed with ``pip``.

URLs and ``registry://`` sources are named by the specification but fetched by no
one here: a workflow that validates on one machine must validate on every machine,
without the network.  They are reported as unsupported, with the fix (vendor the
file).

Every imported document is loaded once per :class:`ImportGraph`, and the graph is
walked from the root so that an import cycle is found wherever it is, with the chain
of files that makes it.
"""

from __future__ import annotations

import importlib.resources
import os
from dataclasses import dataclass, field

from asl.language.errors import ASLError

from .load import Document, load_file, load_text
from .locate import join

PACKAGE_SCHEME = "package://"
_NETWORK_SCHEMES = ("http://", "https://", "registry://")


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """Why one entry of ``Imports`` cannot be used; reported at the entry."""

    document: Document
    pointer: str
    code: str
    message: str


@dataclass
class ImportGraph:
    """The documents reachable through ``Imports`` from a root, loaded once each."""

    root: Document
    documents: dict[str, Document] = field(default_factory=dict)  # location -> document
    problems: list[ImportProblem] = field(default_factory=list)
    # (importing document's location, alias) -> location of the imported document
    edges: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def build(cls, root: Document) -> ImportGraph:
        graph = cls(root)
        graph._visit(root, location_of(root), [])
        return graph

    def resolve(self, document: Document, alias: str) -> tuple[str, Document] | None:
        """The location and document an alias of ``document``'s Imports names, if loaded."""
        location = self.edges.get((location_of(document), alias))
        if location is None:
            return None
        return location, self.documents[location]

    def _visit(self, document: Document, location: str, chain: list[str]) -> None:
        imports = document.data.get("Imports")
        if not isinstance(imports, dict):
            return
        chain = [*chain, location]
        for alias, source in imports.items():
            if not isinstance(source, str) or not source:
                continue  # the validator reports the type of the entry
            pointer = join("/Imports", str(alias))
            try:
                target = locate_source(source, base_directory(document))
            except ASLError as error:
                self.problems.append(
                    ImportProblem(document, pointer, "UNSUPPORTED_IMPORT", error.cause)
                )
                continue
            if target in chain:
                cycle = " -> ".join(_shown(place) for place in [*chain[chain.index(target) :]])
                self.problems.append(
                    ImportProblem(
                        document,
                        pointer,
                        "IMPORT_CYCLE",
                        f"Import '{alias}' makes a cycle: {cycle} -> {_shown(target)}; "
                        f"templates must import each other without loops (a workflow that "
                        f"runs itself names its own file in WorkflowId instead)",
                    )
                )
                continue
            loaded = self.documents.get(target)
            if loaded is None:
                try:
                    loaded = load_source(target)
                except ASLError as error:
                    self.problems.append(
                        ImportProblem(
                            document,
                            pointer,
                            "IMPORT_NOT_FOUND" if "no such" in error.cause else "INVALID_IMPORT",
                            f"Import '{alias}' cannot be loaded: {error.cause}",
                        )
                    )
                    continue
                self.documents[target] = loaded
                self.edges[(location, str(alias))] = target
                self._visit(loaded, target, chain)
            else:
                self.edges[(location, str(alias))] = target


def location_of(document: Document) -> str:
    """The canonical location of a document: its absolute path, or a stand-in name."""
    source = document.source
    if source is None:
        return "<document>"
    if source.startswith(PACKAGE_SCHEME):
        return source
    return os.path.abspath(source)


def base_directory(document: Document) -> str:
    """Where the relative imports of ``document`` are resolved."""
    source = document.source
    if source is None or source.startswith("<"):
        return os.getcwd()
    if source.startswith(PACKAGE_SCHEME):
        return source.rsplit("/", 1)[0]
    return os.path.dirname(os.path.abspath(source))


def locate_source(source: str, base: str) -> str:
    """The canonical location a source names, seen from ``base``; ASLError if unsupported."""
    if source.startswith(_NETWORK_SCHEMES):
        scheme = source.split("://", 1)[0]
        raise ASLError(
            "States.Runtime",
            f"'{source}' is a {scheme} source, which this engine does not fetch: download "
            f"the file next to the workflow and import it by path",
        )
    if source.startswith(PACKAGE_SCHEME):
        return source
    if base.startswith(PACKAGE_SCHEME):  # a relative import inside a package's template
        return _normalise_package(f"{base}/{source}")
    return os.path.normpath(os.path.join(base, os.path.expanduser(source)))


def load_source(location: str) -> Document:
    """Load a document from a canonical location (a file path or a ``package://`` URL)."""
    if not location.startswith(PACKAGE_SCHEME):
        return load_file(_shown(location))  # diagnostics name the file as the user would
    package, _, inner = location[len(PACKAGE_SCHEME) :].partition("/")
    if not package or not inner:
        raise ASLError(
            "States.FileNotFound",
            f"{location}: no such packaged file; write package://PACKAGE/PATH, e.g. "
            f"package://acme.templates/validation.asl.json",
        )
    try:
        resource = importlib.resources.files(package).joinpath(inner)
        text = resource.read_text(encoding="utf-8-sig")
    except ModuleNotFoundError:
        raise ASLError(
            "States.FileNotFound",
            f"{location}: no such package '{package}'; install it or fix the name",
        ) from None
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise ASLError(
            "States.FileNotFound",
            f"{location}: no such file in package '{package}'; check the path inside it",
        ) from None
    except (OSError, UnicodeDecodeError, TypeError) as error:
        raise ASLError("States.FileReadError", f"{location}: cannot be read ({error})") from None
    return load_text(text, location)


def _normalise_package(location: str) -> str:
    package, _, inner = location[len(PACKAGE_SCHEME) :].partition("/")
    parts: list[str] = []
    for part in inner.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return f"{PACKAGE_SCHEME}{package}/{'/'.join(parts)}"


def _shown(location: str) -> str:
    """A location as messages show it: relative to the working directory when shorter."""
    if location.startswith(("<", PACKAGE_SCHEME)):
        return location
    relative = os.path.relpath(location)
    return relative if len(relative) < len(location) else location
