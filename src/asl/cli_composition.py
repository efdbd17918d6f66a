"""``asl validate --expanded``: the document as the engine runs it.

Includes become the Parallel states they expand to, template parameters are
substituted and ``WorkflowId`` names the child workflow's file, so what a
template does inside a workflow can be read (and diffed) without running it.
"""

from __future__ import annotations

import json

from asl.definition.expand import expand
from asl.definition.load import load_file


def expanded_document(file: str) -> str:
    """The expanded document of a valid FILE as indented JSON text and a newline."""
    expansion = expand(load_file(file))
    return json.dumps(expansion.document.data, indent=2, ensure_ascii=False) + "\n"
