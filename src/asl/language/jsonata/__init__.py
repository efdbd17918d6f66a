"""JSONata, AWS Step Functions' second query language, as AWS runs it.

A string that is a whole ``{% ... %}`` is a JSONata expression (:func:`is_expression`).
:func:`compile_expression` checks and compiles one once (syntax errors are
:class:`JsonataSyntaxError` with their position); :func:`compile_template` does the same
for a JSON value holding expressions at any depth. Evaluation binds ``$states`` and the
workflow variables, adds AWS's functions and fails with ``States.QueryEvaluationError``
and AWS's cause. See ``docs/jsonata.md``.
"""

from asl.language.jsonata.errors import (
    JsonataSyntaxError,
    evaluation_error_cause,
    json_type,
    undefined_cause,
    unexpected_type_cause,
    unsupported_type_cause,
)
from asl.language.jsonata.expression import Expression, compile_expression
from asl.language.jsonata.syntax import is_expression
from asl.language.jsonata.template import Template, compile_template

__all__ = [
    "Expression",
    "JsonataSyntaxError",
    "Template",
    "compile_expression",
    "compile_template",
    "evaluation_error_cause",
    "is_expression",
    "json_type",
    "undefined_cause",
    "unexpected_type_cause",
    "unsupported_type_cause",
]
