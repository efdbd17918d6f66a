"""How a state's input becomes its effective input and its result its output.

Two query languages, one shape. JSONPath: InputPath → Parameters → (work) →
ResultSelector → ResultPath → OutputPath, and ``Assign`` evaluated on the
state's result (after ResultSelector). JSONata: ``Arguments`` → (work) →
``Output`` and ``Assign``, both evaluated with ``$states``. Either way a flow
is two functions compiled once:

* ``prepare(data, context)`` gives the effective input of the state's work;
* ``finish(state_input, result, context)`` gives the output, and assigns the
  variables (computed first, stored after the output is computed: all at once).

``context`` is what the state needs of the run (:class:`~asl.runtime.execution.
ContextObject`): nothing (``NO_CONTEXT``), the variables only (``VARIABLES_ONLY``)
or the whole ``$$`` object too (``FULL_CONTEXT``). Building ``$$`` costs more
than a transition, so it is built only for states that read it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from asl.language.errors import DATA_LIMIT_EXCEEDED, QUERY_EVALUATION_ERROR, ASLError
from asl.language.jsonata import (
    Template,
    compile_expression,
    compile_template,
    is_expression,
    unexpected_type_cause,
)
from asl.language.payload import Payload, compile_payload
from asl.runtime.dataflow import ResultApplier, Selector, compile_result_path, compile_selector
from asl.runtime.payload_size import json_size

Prepare = Callable[[Any, Any], Any]
Finish = Callable[[Any, Any, Any], Any]
Assigner = Callable[[Any, Any, Any], Mapping[str, Any]]

NO_CONTEXT = 0
VARIABLES_ONLY = 1
FULL_CONTEXT = 2

_NO_VARIABLES: Mapping[str, Any] = {}


@dataclass(frozen=True, slots=True)
class Flow:
    prepare: Prepare | None
    finish: Finish | None
    context_mode: int


def language_of(raw: Mapping[str, Any], default: str) -> str:
    language = raw.get("QueryLanguage", default)
    return language if isinstance(language, str) else default


def plain(context: Any) -> dict[str, Any]:
    """``$states.context`` for JSONata: the ``$$`` members as a plain dict."""
    return dict(context) if context else {}


VARIABLE_LIMIT = 256 * 1024  # AWS: one variable, and all the values of one Assign


def store(context: Any, values: Mapping[str, Any]) -> None:
    """Assign the values a state computed, all at once, within AWS's size limits."""
    total = 0
    for name, value in values.items():
        size = json_size(value, VARIABLE_LIMIT + 1)
        if size > VARIABLE_LIMIT:
            raise ASLError(
                DATA_LIMIT_EXCEEDED,
                f"The value assigned to the variable '{name}' is larger than "
                f"{VARIABLE_LIMIT} bytes, the limit of one variable",
            )
        total += size
    if total > VARIABLE_LIMIT:
        raise ASLError(
            DATA_LIMIT_EXCEEDED,
            f"The variables assigned by one Assign add up to more than {VARIABLE_LIMIT} bytes",
        )
    context.variables.update(values)


def variables_of(context: Any) -> Mapping[str, Any]:
    return _NO_VARIABLES if context is None else context.variables


# -- JSONPath ------------------------------------------------------------------------------


def payload_mode(payload: Payload | None) -> int:
    if payload is None:
        return NO_CONTEXT
    if payload.uses_context:
        return FULL_CONTEXT
    return VARIABLES_ONLY if payload.uses_variables else NO_CONTEXT


def path_text_mode(text: Any) -> int:
    """The context a JSONPath path field needs: ``$$...`` reads it, ``$name...`` a variable."""
    if not isinstance(text, str) or not text.startswith("$"):
        return NO_CONTEXT
    if text.startswith("$$"):
        return FULL_CONTEXT
    return NO_CONTEXT if text == "$" or text[1] in ".[" else VARIABLES_ONLY


def jsonpath_flow(raw: Mapping[str, Any], has_parameters: bool, has_result: bool) -> Flow:
    input_path = compile_selector(raw, "InputPath")
    output_path = compile_selector(raw, "OutputPath")
    parameters = (
        compile_payload(raw["Parameters"]) if has_parameters and "Parameters" in raw else None
    )
    selector: Payload | None = None
    result_path: ResultApplier | None = None
    if has_result:
        if "ResultSelector" in raw:
            selector = compile_payload(raw["ResultSelector"])
        result_path = compile_result_path(raw)
    assign = compile_payload(raw["Assign"]) if "Assign" in raw else None
    mode = max(
        path_text_mode(raw.get("InputPath")),
        path_text_mode(raw.get("OutputPath")),
        payload_mode(parameters),
        payload_mode(selector),
        payload_mode(assign),
        VARIABLES_ONLY if assign is not None else NO_CONTEXT,
    )
    return Flow(
        _compose_prepare(input_path, parameters),
        _compose_finish(selector, result_path, output_path, assign),
        mode,
    )


def _compose_prepare(input_path: Selector | None, parameters: Payload | None) -> Prepare | None:
    if parameters is None:
        return input_path
    build = parameters.evaluate
    if input_path is None:
        return build
    select = input_path
    return lambda data, context: build(select(data, context), context)


def _compose_finish(
    selector: Payload | None,
    result_path: ResultApplier | None,
    output_path: Selector | None,
    assign: Payload | None,
) -> Finish | None:
    if selector is None and result_path is None and output_path is None and assign is None:
        return None
    shape = selector.evaluate if selector is not None else None
    values_of = assign.evaluate if assign is not None else None

    def finish(state_input: Any, result: Any, context: Any) -> Any:
        if shape is not None:
            result = shape(result, context)
        values = values_of(result, context) if values_of is not None else None
        if result_path is not None:
            result = result_path(state_input, result)
        if output_path is not None:
            result = output_path(result, context)
        if values is not None:
            store(context, values)
        return result

    return finish


def jsonpath_assigner(raw: Mapping[str, Any]) -> tuple[Assigner | None, int]:
    """A Choice rule's or Catch's own ``Assign`` (``$`` is the state's effective input)."""
    if "Assign" not in raw:
        return None, NO_CONTEXT
    assign = compile_payload(raw["Assign"])
    values_of = assign.evaluate
    return (lambda state_input, value, context: values_of(value, context)), max(
        VARIABLES_ONLY, payload_mode(assign)
    )


# -- JSONata -------------------------------------------------------------------------------


def template_mode(raw_value: Any, template: Template | None) -> int:
    """FULL_CONTEXT when the expressions mention ``$states.context``, else VARIABLES_ONLY."""
    if template is None:
        return NO_CONTEXT
    if "context" in json.dumps(raw_value):
        return FULL_CONTEXT
    return VARIABLES_ONLY


class Named:
    """A template bound to the field name AWS quotes in its causes (``Output``, ``Assign``)."""

    __slots__ = ("field", "template")

    def __init__(self, template: Template, field: str) -> None:
        self.template = template
        self.field = field

    def evaluate(self, states: Mapping[str, Any], variables: Mapping[str, Any]) -> Any:
        return self.template.evaluate(states, variables, self.field)

    def typed(
        self,
        states: Mapping[str, Any],
        variables: Mapping[str, Any],
        expected: str,
        valid: Callable[[Any], bool],
    ) -> Any:
        """The value, which a field needing one JSON type (``Items``: array) checks."""
        value = self.evaluate(states, variables)
        if not valid(value):
            raw = self.template.template
            source = compile_expression(raw).source if is_expression(raw) else json.dumps(raw)
            cause = unexpected_type_cause(source, self.field, expected, value)
            raise ASLError(QUERY_EVALUATION_ERROR, cause)
        return value


def jsonata_template(
    raw: Mapping[str, Any], field: str, name: str | None = None
) -> tuple[Named | None, int]:
    """The JSONata template in ``raw[field]`` (named ``name`` in causes) and its context needs."""
    if field not in raw:
        return None, NO_CONTEXT
    template = compile_template(raw[field])
    return Named(template, name or field), template_mode(raw[field], template)


def jsonata_flow(raw: Mapping[str, Any], has_arguments: bool) -> Flow:
    arguments, arguments_mode = (
        jsonata_template(raw, "Arguments") if has_arguments else (None, NO_CONTEXT)
    )
    output, output_mode = jsonata_template(raw, "Output")
    assign, assign_mode = jsonata_template(raw, "Assign")
    prepare: Prepare | None = None
    if arguments is not None:
        build = arguments.evaluate

        def prepare(data: Any, context: Any) -> Any:
            return build({"input": data, "context": plain(context)}, variables_of(context))

    return Flow(
        prepare,
        jsonata_finish(output, assign),
        max(arguments_mode, output_mode, assign_mode),
    )


def jsonata_finish(
    output: Named | None, assign: Named | None, result_name: str = "result"
) -> Finish | None:
    """``Output`` (default: the result) and ``Assign``, both seeing the same ``$states``.

    ``result_name`` is where ``$states`` holds the result: ``errorOutput`` in a Catch.
    """
    if output is None and assign is None:
        return None
    shape = output.evaluate if output is not None else None
    values_of = assign.evaluate if assign is not None else None

    def finish(state_input: Any, result: Any, context: Any) -> Any:
        states = {"input": state_input, result_name: result, "context": plain(context)}
        variables = variables_of(context)
        values = values_of(states, variables) if values_of is not None else None
        output_value = shape(states, variables) if shape is not None else result
        if values is not None:
            store(context, values)
        return output_value

    return finish
