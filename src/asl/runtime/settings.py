"""Numeric settings that a state may fix or compute: TimeoutSeconds, MaxConcurrency, ...

Each is written directly (``"MaxConcurrency": 2``), read from the input
through its ``…Path`` field (JSONPath), or computed by an expression
(JSONata: ``"MaxConcurrency": "{% $states.input.n %}"``).
"""

from __future__ import annotations

import math
from typing import Any

from asl.language.errors import RUNTIME, ASLError
from asl.language.jsonata import is_expression
from asl.language.paths import NoResults, Path, compile_reference_path
from asl.runtime.dataflow import no_results
from asl.runtime.flow import (
    NO_CONTEXT,
    Named,
    jsonata_template,
    path_text_mode,
    plain,
    variables_of,
)


class Setting:
    __slots__ = ("context_mode", "default", "expression", "field", "path", "positive", "value")

    def __init__(
        self, raw: dict[str, Any], field: str, default: float | None, *, positive: bool = False
    ) -> None:
        self.field = field
        self.default = default
        self.positive = positive
        self.value: float | None = None
        self.path: Path | None = None
        self.expression: Named | None = None
        self.context_mode = NO_CONTEXT
        value = raw.get(field)
        path = raw.get(field + "Path")
        if is_expression(value):
            self.expression, self.context_mode = jsonata_template(raw, field)
        elif isinstance(path, str):
            self.path = compile_reference_path(path)
            self.context_mode = path_text_mode(path)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            self.value = value

    @property
    def given(self) -> bool:
        return self.value is not None or self.path is not None or self.expression is not None

    def resolve(self, data: Any, context: Any) -> float | None:
        if self.expression is not None:
            states = {"input": data, "context": plain(context)}
            return self.expression.typed(  # type: ignore[no-any-return]
                states, variables_of(context), "number", self._valid
            )
        if self.path is None:
            return self.default if self.value is None else self.value
        try:
            value = self.path.evaluate(data, context)
        except NoResults:
            raise no_results(self.path, data, context) from None
        if type(value) is str:  # AWS reads a numeric string too (recorded for MaxConcurrencyPath)
            value = _number(value)
        if not self._valid(value):
            raise ASLError(
                RUNTIME,
                f'The {self.field}Path field refers to value "{value}" which is not a valid '
                f"{'positive' if self.positive else 'non-negative'} number",
            )
        return value  # type: ignore[no-any-return]

    def _valid(self, value: Any) -> bool:
        if type(value) not in (int, float) or not math.isfinite(value):
            return False
        return bool(value > 0) if self.positive else bool(value >= 0)


def _number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text
