"""MkDocs hook: the HTTP API page is generated from the service's own OpenAPI document.

The page ``http-api.md`` holds a ``<!-- openapi: operations -->`` line that becomes
the table of every operation, and the document itself is published beside the page
as ``openapi.json``, so neither can drift from the routes ``asl serve`` really has.
"""

from __future__ import annotations

import json
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

MARK = "<!-- openapi: operations -->"


def _document() -> dict[str, Any]:
    from asl.service.app import create_app
    from asl.service.config import Settings

    return create_app(Settings(store="memory://")).openapi()


def on_files(files: Files, config: MkDocsConfig) -> Files:
    text = json.dumps(_document(), indent=2, sort_keys=True) + "\n"
    files.append(File.generated(config, "openapi.json", content=text))
    return files


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0].replace("``", "`").replace("|", "\\|") if text else ""


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri != "http-api.md":
        return markdown
    rows = ["| Method and path | Operation | Key needed | Answers |", "|---|---|---|---|"]
    for path, operations in _document()["paths"].items():
        for method, operation in operations.items():
            what = operation.get("summary", "")
            detail = _first_line(operation.get("description", ""))
            key = "yes" if operation.get("security") else "no"
            codes = ", ".join(sorted(operation.get("responses", {})))
            summary = f"{what}: {detail}" if detail else what
            rows.append(f"| `{method.upper()} {path}` | {summary} | {key} | {codes} |")
    return markdown.replace(MARK, "\n".join(rows))
