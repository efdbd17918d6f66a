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
from asl.language.intrinsics.template import FORMAT, format_

# fmt: off
_SPECS = (
    # AWS Step Functions
    FunctionSpec(FORMAT, 1, None, (STRING,), format_, rest=ANY),
    FunctionSpec("States.StringToJson", 1, 1, (STRING,), aws.string_to_json),
    FunctionSpec("States.JsonToString", 1, 1, (ANY,), aws.json_to_string),
    FunctionSpec("States.Array", 0, None, (), aws.array, rest=ANY),
    FunctionSpec("States.ArrayPartition", 2, 2, (ARRAY, TRUNCATED_INT), aws.array_partition),
    FunctionSpec("States.ArrayContains", 2, 2, (ARRAY, ANY), aws.array_contains),
    FunctionSpec("States.ArrayRange", 3, 3, (TRUNCATED_INT,) * 3, aws.array_range),
    FunctionSpec("States.ArrayGetItem", 2, 2, (ARRAY, TRUNCATED_INT), aws.array_get_item),
    FunctionSpec("States.ArrayLength", 1, 1, (ARRAY,), aws.array_length),
    FunctionSpec("States.ArrayUnique", 1, 1, (ARRAY,), aws.array_unique),
    FunctionSpec("States.Base64Encode", 1, 1, (STRING,), aws.base64_encode),
    FunctionSpec("States.Base64Decode", 1, 1, (STRING,), aws.base64_decode),
    FunctionSpec("States.Hash", 2, 2, (ANY, STRING), aws.hash_),
    FunctionSpec("States.JsonMerge", 3, 3, (OBJECT, OBJECT, BOOLEAN), aws.json_merge),
    FunctionSpec("States.MathRandom", 2, 3, (TRUNCATED_INT,) * 3, aws.math_random,
                 deterministic=False),
    FunctionSpec("States.MathAdd", 2, 2, (ROUNDED_INT, ROUNDED_INT), aws.math_add),
    FunctionSpec("States.StringSplit", 2, 2, (STRING, STRING), aws.string_split),
    FunctionSpec("States.UUID", 0, 0, (), aws.make_uuid, deterministic=False),
    # ASL extensions
    FunctionSpec("States.MathSubtract", 2, 2, (NUMBER, NUMBER), asl.math_subtract,
                 extension=True),
    FunctionSpec("States.MathMultiply", 2, 2, (NUMBER, NUMBER), asl.math_multiply,
                 extension=True),
    FunctionSpec("States.TokenCount", 1, 1, (ANY,), asl.token_count, extension=True),
    FunctionSpec("States.Truncate", 2, 2, (ANY, WHOLE), asl.truncate, extension=True),
    FunctionSpec("States.Merge", 2, None, (OBJECT, OBJECT), asl.merge, rest=OBJECT,
                 extension=True),
    FunctionSpec("States.Pick", 2, None, (OBJECT, STRING), asl.pick, rest=STRING,
                 extension=True),
    FunctionSpec("States.Omit", 2, None, (OBJECT, STRING), asl.omit, rest=STRING,
                 extension=True),
    FunctionSpec("States.ArrayConcat", 2, None, (ANY, ANY), asl.array_concat, rest=ANY,
                 extension=True),
    FunctionSpec("States.Coalesce", 2, None, (ANY, ANY), asl.coalesce, rest=ANY,
                 extension=True, missing_path_is_null=True),
    FunctionSpec("States.CurrentCost", 0, 0, (), asl.current_cost, extension=True,
                 reads_context=True, deterministic=False),
    FunctionSpec("States.CurrentTokens", 0, 0, (), asl.current_tokens, extension=True,
                 reads_context=True, deterministic=False),
    FunctionSpec("States.EstimateCost", 2, 2, (ANY, STRING), asl.estimate_cost, extension=True,
                 reads_context=True, deterministic=False),
    FunctionSpec("States.RemainingBudget", 0, 0, (), asl.remaining_budget, extension=True,
                 reads_context=True, deterministic=False),
)
# fmt: on

FUNCTIONS: Mapping[str, FunctionSpec] = MappingProxyType({spec.name: spec for spec in _SPECS})
