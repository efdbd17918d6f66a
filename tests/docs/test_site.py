"""The documentation site builds with MkDocs in strict mode: any warning fails the build.

Strict mode turns broken links, pages missing from the nav, unknown anchors and
docstrings mkdocstrings cannot render into failures, which is what CI must catch.
The HTTP API page and ``openapi.json`` are generated from the service's own OpenAPI
document (docs/hooks/openapi.py), so they are checked against it. The theme uses no
web fonts and the ``offline`` plugin, so the build reads nothing
from the network.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from asl.service.app import create_app
from asl.service.config import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_the_site_builds_without_warnings(tmp_path: Path) -> None:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    api = (tmp_path / "reference" / "api.html").read_text()
    assert 'id="asl.runtime.engine.WorkflowEngine.run"' in api
    document = create_app(Settings(store="memory://")).openapi()
    assert json.loads((tmp_path / "openapi.json").read_text()) == document
    http_api = (tmp_path / "http-api.html").read_text()
    assert "openapi: operations" not in http_api
    for path, operations in document["paths"].items():
        for method in operations:
            assert f"<code>{method.upper()} {path}</code>" in http_api, (method, path)


def _nav_pages(entries: list[object]) -> set[str]:
    pages: set[str] = set()
    for entry in entries:
        assert isinstance(entry, dict)
        for value in entry.values():
            pages |= _nav_pages(value) if isinstance(value, list) else {value}
    return pages


def test_every_page_is_in_the_nav() -> None:
    config = yaml.safe_load((REPO_ROOT / "mkdocs.yml").read_text())
    files = {
        str(path.relative_to(REPO_ROOT / "docs")) for path in (REPO_ROOT / "docs").rglob("*.md")
    }
    assert _nav_pages(config["nav"]) == files


def test_the_dev_extra_installs_the_site_builder() -> None:
    pyproject = (REPO_ROOT / "pyproject.toml").read_text()
    for package in ("mkdocs", "mkdocs-material", "mkdocstrings"):
        assert re.search(rf'"{package}(\[python\])?>=', pyproject), package
