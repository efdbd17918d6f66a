"""The table of every intrinsic function: name -> signature and body.

One explicit dict, no registration magic: adding a function means adding a row
here (and a case to ``tests/language/cases/intrinsics*.json``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from asl.language.intrinsics import asl_functions as asl
from asl.language.intrinsics import aws_functions as aws
from asl.language.intrinsics.signature import (
    ANY,
    ARRAY,
    BOOLEAN,
    NUMBER,
    OBJECT,
    ROUNDED_INT,
    STRING,
    TRUNCATED_INT,
    WHOLE,
    FunctionSpec,
)
from asl.language.intrinsics.template import FORMAT


def _format_placeholder(*values: object) -> object:  # pragma: no cover - compiled specially
    raise AssertionError("States.Format is compiled by the compiler, not called")


# fmt: off
_SPECS = (
    # AWS Step Functions
    FunctionSpec(FORMAT, 1, None, (STRING,), _format_placeholder, rest=ANY,
                 summary="Fills each {} of a template with the next argument."),
    FunctionSpec("States.StringToJson", 1, 1, (STRING,), aws.string_to_json,
                 summary="Parses JSON text."),
    FunctionSpec("States.JsonToString", 1, 1, (ANY,), aws.json_to_string,
                 summary="Writes a value as compact JSON text."),
    FunctionSpec("States.Array", 0, None, (), aws.array, rest=ANY,
                 summary="Makes an array of its arguments."),
    FunctionSpec("States.ArrayPartition", 2, 2, (ARRAY, TRUNCATED_INT), aws.array_partition,
                 summary="Splits an array into chunks of a given size."),
    FunctionSpec("States.ArrayContains", 2, 2, (ARRAY, ANY), aws.array_contains,
                 summary="Whether an array holds a value."),
    FunctionSpec("States.ArrayRange", 3, 3, (TRUNCATED_INT,) * 3, aws.array_range,
                 summary="Integers from start to end (inclusive) by step."),
    FunctionSpec("States.ArrayGetItem", 2, 2, (ARRAY, TRUNCATED_INT), aws.array_get_item,
                 summary="The item at a zero-based index."),
    FunctionSpec("States.ArrayLength", 1, 1, (ARRAY,), aws.array_length,
                 summary="The number of items in an array."),
    FunctionSpec("States.ArrayUnique", 1, 1, (ARRAY,), aws.array_unique,
                 summary="An array without repeated values."),
    FunctionSpec("States.Base64Encode", 1, 1, (STRING,), aws.base64_encode,
                 summary="Base64 of the UTF-8 bytes of a string."),
    FunctionSpec("States.Base64Decode", 1, 1, (STRING,), aws.base64_decode,
                 summary="The string whose Base64 is given."),
    FunctionSpec("States.Hash", 2, 2, (ANY, STRING), aws.hash_,
                 summary="Hex digest of a string with MD5, SHA-1, SHA-256, SHA-384 or SHA-512."),
    FunctionSpec("States.JsonMerge", 3, 3, (OBJECT, OBJECT, BOOLEAN), aws.json_merge,
                 summary="Shallow merge of two objects; the second wins."),
    FunctionSpec("States.MathRandom", 2, 3, (TRUNCATED_INT,) * 3, aws.math_random,
                 deterministic=False, summary="A random integer from start (inclusive) to end."),
    FunctionSpec("States.MathAdd", 2, 2, (ROUNDED_INT, ROUNDED_INT), aws.math_add,
                 summary="The sum of two 32-bit integers."),
    FunctionSpec("States.StringSplit", 2, 2, (STRING, STRING), aws.string_split,
                 summary="Splits a string at any of the delimiter characters."),
    FunctionSpec("States.UUID", 0, 0, (), aws.make_uuid, deterministic=False,
                 summary="A random version 4 UUID."),
    # ASL extensions
    FunctionSpec("States.MathSubtract", 2, 2, (NUMBER, NUMBER), asl.math_subtract,
                 extension=True, summary="a - b."),
    FunctionSpec("States.MathMultiply", 2, 2, (NUMBER, NUMBER), asl.math_multiply,
                 extension=True, summary="a * b."),
    FunctionSpec("States.TokenCount", 1, 1, (ANY,), asl.token_count, extension=True,
                 summary="Estimated tokens: UTF-8 bytes / 4, rounded up."),
    FunctionSpec("States.Truncate", 2, 2, (ANY, WHOLE), asl.truncate, extension=True,
                 summary="Cuts text to maxTokens * 4 characters, adding '...'."),
    FunctionSpec("States.Merge", 2, None, (OBJECT, OBJECT), asl.merge, rest=OBJECT,
                 extension=True, summary="Deep merge of objects; later ones win."),
    FunctionSpec("States.Pick", 2, None, (OBJECT, STRING), asl.pick, rest=STRING,
                 extension=True, summary="Only the listed keys of an object."),
    FunctionSpec("States.Omit", 2, None, (OBJECT, STRING), asl.omit, rest=STRING,
                 extension=True, summary="An object without the listed keys."),
    FunctionSpec("States.ArrayConcat", 2, None, (ANY, ANY), asl.array_concat, rest=ANY,
                 extension=True, summary="Joins arrays; other values join as single items."),
    FunctionSpec("States.Coalesce", 2, None, (ANY, ANY), asl.coalesce, rest=ANY,
                 extension=True, missing_path_is_null=True,
                 summary="The first argument that is not null (missing paths count as null)."),
    FunctionSpec("States.CurrentCost", 0, 0, (), asl.current_cost, extension=True,
                 reads_context=True, deterministic=False,
                 summary="Cost of the execution so far ($$.Execution.Cost, else 0.0)."),
    FunctionSpec("States.CurrentTokens", 0, 0, (), asl.current_tokens, extension=True,
                 reads_context=True, deterministic=False,
                 summary="Tokens used so far ($$.Execution.TokensUsed, else 0)."),
)
# fmt: on

FUNCTIONS: Mapping[str, FunctionSpec] = MappingProxyType({spec.name: spec for spec in _SPECS})
