"""The functions AWS Step Functions adds to JSONata: $partition, $range, $hash, $random,
$uuid, $parse. Results AWS was recorded returning are in ``cases/jsonata_aws.json``; these
tests pin the documented behaviour and the chosen answers where AWS is not recorded.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from asl.language.errors import ASLError
from asl.language.jsonata import compile_expression
from asl.language.jsonata.functions import RANGE_LIMIT, JavaRandom


def value(text: str, variables: dict[str, Any] | None = None) -> Any:
    return compile_expression("{% " + text + " %}").evaluate({}, variables or {})


def cause(text: str) -> str:
    with pytest.raises(ASLError) as caught:
        compile_expression("{% " + text + " %}").evaluate({}, {}, "Output")
    return caught.value.cause


def undefined(text: str) -> str:
    return (f"The JSONata expression '{text}' specified for the field 'Output' returned nothing"
            " (undefined).")


def threw(text: str, message: str) -> str:
    return (f"The JSONata expression '{text}' specified for the field 'Output' threw an error"
            f" during evaluation. {message}")


# ----------------------------------------------------------------------- $partition


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$partition([1, 2, 3, 4, 5, 6, 7, 8, 9], 3)", [[1, 2, 3], [4, 5, 6], [7, 8, 9]]),
        ("$partition([1, 2, 3, 4, 5], 2)", [[1, 2], [3, 4], [5]]),
        ("$partition([1, 2, 3], 2.9)", [[1, 2], [3]]),
        ("$partition(['a'], 1)", [["a"]]),
        ("$partition('a', 1)", [["a"]]),
    ],
)
def test_partition_chunks(text: str, expected: Any) -> None:
    assert value(text) == expected


@pytest.mark.parametrize("text", ["$partition([1, 2], 0)", "$partition([1, 2], -1)",
                                  "$partition([], 2)", "$partition($nope, 2)"])
def test_partition_without_chunks_is_undefined(text: str) -> None:
    assert cause(text) == undefined(text)


def test_partition_needs_a_number_size() -> None:
    text = "$partition([1], 'a')"
    assert cause(text) == threw(
        text, 'T0410: Argument 2 of function "partition" does not match function signature')


# --------------------------------------------------------------------------- $range


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$range(0, 10, 2)", [0, 2, 4, 6, 8, 10]),
        ("$range(10, 0, -5)", [10, 5, 0]),
        ("$range(-1.7, 2, 1)", [-1, 0, 1, 2]),
        ("$range(3, 3, 1)", 3),
        ("$count($range(1, 360145, 1))", 360145),
    ],
)
def test_range_includes_the_end_the_step_lands_on(text: str, expected: Any) -> None:
    assert value(text) == expected


@pytest.mark.parametrize("text", ["$range(0, 10)", "$range(0, 10, 0)", "$range(0, 10, -1)",
                                  "$range(10, 0, 1)"])
def test_range_that_cannot_step_is_undefined(text: str) -> None:
    assert cause(text) == undefined(text)


def test_range_beyond_aws_memory_limit_fails() -> None:
    text = f"$range(1, {RANGE_LIMIT + 1}, 1)"
    assert cause(text) == (
        f"The JSONata expression '{text}' specified for the field 'Output' threw an error"
        " during evaluation: Expression evaluation memory limit exceeded: Check for excessive"
        " memory usage"
    )


def test_range_needs_numbers() -> None:
    text = "$range('a', 2, 1)"
    assert cause(text) == threw(
        text, 'T0410: Argument 1 of function "range" does not match function signature')


# ---------------------------------------------------------------------------- $hash


@pytest.mark.parametrize(
    ("algorithm", "digest"),
    [
        ("MD5", "900150983cd24fb0d6963f7d28e17f72"),
        ("SHA-1", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("SHA-256", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("SHA-384", "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
                    "8086072ba1e7cc2358baeca134c825a7"),
        ("SHA-512", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                    "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
    ],
)
def test_hash_is_the_lowercase_hex_digest(algorithm: str, digest: str) -> None:
    assert value(f"$hash('abc', '{algorithm}')") == digest


def test_hash_of_utf8_text() -> None:
    assert value("$hash('é', 'MD5')") == "66ddcd97cfdeabb2f6fb8a999b4bc76f"


def test_hash_without_algorithm_is_undefined() -> None:
    assert cause("$hash('abc')") == undefined("$hash('abc')")


@pytest.mark.parametrize("algorithm", ["sha-256", "SHA256", "SHA-3"])
def test_hash_algorithm_names_are_exact(algorithm: str) -> None:
    text = f"$hash('abc', '{algorithm}')"
    assert cause(text) == threw(
        text, 'T0410: Argument 2 of function "hash" does not match function signature')


# -------------------------------------------------------------------------- $random


def test_random_is_in_the_unit_interval() -> None:
    assert all(0 <= value("$random()") < 1 for _ in range(50))


def test_random_with_a_seed_repeats() -> None:
    first = value("$random($seed)", {"seed": 42})
    assert first == value("$random(42)") == value("$random(42.9)")
    assert first != value("$random(43)")
    assert 0 <= first < 1


def test_seeded_random_is_java_util_random_next_double() -> None:
    # new java.util.Random(42).nextDouble() and new Random(0).nextDouble()
    assert JavaRandom(42).next_double() == 0.7275636800328681
    assert JavaRandom(0).next_double() == 0.730967787376657


def test_random_seed_must_be_a_number() -> None:
    text = "$random('x')"
    assert cause(text) == threw(
        text, 'T0410: Argument 1 of function "random" does not match function signature')


def test_random_can_be_shadowed_by_a_local_binding() -> None:
    assert value("($random := function() { 7 }; $random())") == 7


# ---------------------------------------------------------------------------- $uuid


def test_uuid_is_a_version_4_uuid() -> None:
    first, second = value("$uuid()"), value("$uuid()")
    pattern = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
    assert re.fullmatch(pattern, first) and first != second


# --------------------------------------------------------------------------- $parse


def test_parse_gives_the_json_value() -> None:
    assert value("$parse('{\"a\": [1, null, true]}')") == {"a": [1, None, True]}


def test_parse_of_invalid_json_fails() -> None:
    text = "$parse('{a')"
    assert cause(text) == threw(text, 'D3030: Unable to cast value to a number: "{a"')


def test_parse_of_undefined_is_undefined() -> None:
    assert cause("$parse($nope)") == undefined("$parse($nope)")


# ---------------------------------------------------------------- unsupported $eval


def test_eval_is_not_available() -> None:
    assert cause("$eval('1')") == threw("$eval('1')", "T1006: Attempted to invoke a non-function")


def test_functions_can_be_passed_as_values() -> None:
    assert value("$map([[1, 2, 3]], $partition(?, 2))") == [[1, 2], [3]]
