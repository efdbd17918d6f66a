"""Workflow variables (``Assign``) as the language layer sees them.

Evaluators take ``(data, context)``. When a state reads variables, the
runtime puts them into the context dict under :data:`VARIABLES`, a key that
is not a string, so no ``$$`` path can reach it. A JSONPath ``$name...``
path, an intrinsic argument ``$name`` and a JSONata ``$name`` all read
``context[VARIABLES][name]``.
"""

from __future__ import annotations

from typing import Final


class _VariablesKey:
    __slots__ = ()

    def __repr__(self) -> str:
        return "VARIABLES"


VARIABLES: Final = _VariablesKey()
