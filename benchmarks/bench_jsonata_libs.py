"""Which pure-Python JSONata library should the engine embed? Correctness first, then speed.

Run from the repository root: ``python benchmarks/bench_jsonata_libs.py``. Each candidate
that is installed (``pip install jsonata-python jsonata2py``) is scored on:

* **correctness** -- the examples of JSONata's own documentation (docs.jsonata.org: path
  operators, predicates, functions, conditionals, ``&``, ranges, object constructors,
  lambdas), written below as data (expression, input, expected result). ``UNDEFINED``
  means the documentation says the expression returns nothing, which AWS treats
  differently from ``null`` (it fails the state), so a library must tell them apart;
* **error codes** -- expressions JSONata rejects, with the code its documentation names
  (AWS prints ``<code>: <message>`` in ``States.QueryEvaluationError`` causes);
* **speed** -- microseconds per evaluation of two precompiled expressions the engine runs
  in every loop iteration (``$states.input.i + 1`` and ``$states.input.i < 1000``, with
  ``$states`` bound per evaluation, as the engine does), and microseconds to compile one.

The non-Python candidates on PyPI (jsonatapy, jlens, jsonata-rs and zopyx-pyjsonata are
Rust bindings; jsonata wraps the JavaScript library) are out of scope: the engine must
stay pure Python.
"""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from _scale import scaled

UNDEFINED: Final = object()

# The two documents the JSONata documentation runs its examples against.
PERSON: Final = {
    "FirstName": "Fred",
    "Surname": "Smith",
    "Age": 28,
    "Address": {"Street": "Hursley Park", "City": "Winchester", "Postcode": "SO21 2JN"},
    "Phone": [
        {"type": "home", "number": "0203 544 1234"},
        {"type": "office", "number": "01962 001234"},
        {"type": "office", "number": "01962 001235"},
        {"type": "mobile", "number": "077 7700 1234"},
    ],
    "Email": [
        {"type": "work", "address": ["fred.smith@my-work.com", "fsmith@my-work.com"]},
        {"type": "home", "address": ["freddy@my-social.com", "frederic.smith@very-serious.com"]},
    ],
    "Other": {
        "Over 18 ?": True,
        "Misc": None,
        "Alternative.Address": {"Street": "Brick Lane", "City": "London", "Postcode": "E1 6RF"},
    },
}

INVOICE: Final = {
    "Account": {
        "Account Name": "Firefly",
        "Order": [
            {
                "OrderID": "order103",
                "Product": [
                    {
                        "Product Name": "Bowler Hat",
                        "ProductID": 858383,
                        "SKU": "0406654608",
                        "Description": {"Colour": "Purple", "Weight": 0.75},
                        "Price": 34.45,
                        "Quantity": 2,
                    },
                    {
                        "Product Name": "Trilby hat",
                        "ProductID": 858236,
                        "SKU": "0406634348",
                        "Description": {"Colour": "Orange", "Weight": 0.6},
                        "Price": 21.67,
                        "Quantity": 1,
                    },
                ],
            },
            {
                "OrderID": "order104",
                "Product": [
                    {
                        "Product Name": "Bowler Hat",
                        "ProductID": 858383,
                        "SKU": "040657863",
                        "Description": {"Colour": "Purple", "Weight": 0.75},
                        "Price": 34.45,
                        "Quantity": 4,
                    },
                    {
                        "ProductID": 345664,
                        "SKU": "0406654603",
                        "Product Name": "Cloak",
                        "Description": {"Colour": "Black", "Weight": 2},
                        "Price": 107.99,
                        "Quantity": 1,
                    },
                ],
            },
        ],
    }
}

REFS: Final = [{"ref": [1, 2]}, {"ref": [3, 4]}]
PHONES: Final = PERSON["Phone"]

# (expression, input, expected) -- from docs.jsonata.org.
EXAMPLES: Final[list[tuple[str, Any, Any]]] = [
    # Simple queries
    ("Surname", PERSON, "Smith"),
    ("Age", PERSON, 28),
    ("Address.City", PERSON, "Winchester"),
    ("Other.Misc", PERSON, None),
    ("Other.Nothing", PERSON, UNDEFINED),
    ("Other.`Over 18 ?`", PERSON, True),
    ("Phone[0]", PERSON, PHONES[0]),
    ("Phone[1]", PERSON, PHONES[1]),
    ("Phone[-1]", PERSON, PHONES[3]),
    ("Phone[-2]", PERSON, PHONES[2]),
    ("Phone[8]", PERSON, UNDEFINED),
    ("Phone[0].number", PERSON, "0203 544 1234"),
    ("Phone.number", PERSON, [p["number"] for p in PHONES]),
    ("Phone.number[0]", PERSON, [p["number"] for p in PHONES]),
    ("(Phone.number)[0]", PERSON, "0203 544 1234"),
    ("Phone[[0..1]]", PERSON, PHONES[:2]),
    ("$[0]", REFS, {"ref": [1, 2]}),
    ("$[0].ref", REFS, [1, 2]),
    ("$[0].ref[0]", REFS, 1),
    ("$.ref", REFS, [1, 2, 3, 4]),
    ("Other.`Alternative.Address`.City", PERSON, "London"),
    # Predicates and wildcards
    ("Phone[type='mobile']", PERSON, PHONES[3]),
    ("Phone[type='mobile'].number", PERSON, "077 7700 1234"),
    ("Phone[type='office'].number", PERSON, ["01962 001234", "01962 001235"]),
    ("Address.*", PERSON, ["Hursley Park", "Winchester", "SO21 2JN"]),
    ("*.Postcode", PERSON, "SO21 2JN"),
    ("**.Postcode", PERSON, ["SO21 2JN", "E1 6RF"]),
    ("Email[type='home'].address", PERSON,
     ["freddy@my-social.com", "frederic.smith@very-serious.com"]),
    # String concatenation, comparisons, booleans
    ("FirstName & ' ' & Surname", PERSON, "Fred Smith"),
    ("Address.(Street & ', ' & City)", PERSON, "Hursley Park, Winchester"),
    ("5&0&true", None, "50true"),
    ("'Hello' in ['Hello', 'World']", None, True),
    ("Age > 18 and Other.`Over 18 ?`", PERSON, True),
    ("Age < 18 or false", PERSON, False),
    # Numeric operators and aggregation
    ("Account.Order.Product.(Price * Quantity)", INVOICE, [68.9, 21.67, 137.8, 107.99]),
    ("$sum(Account.Order.Product.(Price * Quantity))", INVOICE, 336.36),
    ("Account.Order.OrderID", INVOICE, ["order103", "order104"]),
    ("7 % 5", None, 2),
    ("-5 + 3 * 2", None, 1),
    ("$sum([5,1,3,7,4])", None, 20),
    ("$max([5,1,3,7,4])", None, 7),
    ("$min([5,1,3,7,4])", None, 1),
    ("$average([5,1,3,7,4])", None, 4),
    # Conditionals
    ("Account.Order.Product.(Price < 50 ? 'Cheap' : 'Expensive')", INVOICE,
     ["Cheap", "Cheap", "Cheap", "Expensive"]),
    ("Age > 30 ? 'old'", PERSON, UNDEFINED),
    # Ranges and arrays
    ("[1..5]", None, [1, 2, 3, 4, 5]),
    ("[1..3, 7..9]", None, [1, 2, 3, 7, 8, 9]),
    ("[1..5] ~> $reverse()", None, [5, 4, 3, 2, 1]),
    ("$count([1,2,3,1])", None, 4),
    ("$count('hello')", None, 1),
    ("$append([1,2,3], [4,5,6])", None, [1, 2, 3, 4, 5, 6]),
    ("$append(1, 2)", None, [1, 2]),
    ("$append([1,2,3], 4)", None, [1, 2, 3, 4]),
    ("$append('Hello', 'World')", None, ["Hello", "World"]),
    ("$sort([5, 1, 3])", None, [1, 3, 5]),
    ("$sort(Account.Order.Product, function($l, $r) { $l.Price > $r.Price }).SKU", INVOICE,
     ["0406634348", "0406654608", "040657863", "0406654603"]),
    ("$reverse(['Hello', 'World'])", None, ["World", "Hello"]),
    ("$distinct([1,2,3,3,4,3,5])", None, [1, 2, 3, 4, 5]),
    ("$zip([1,2,3], [4,5,6])", None, [[1, 4], [2, 5], [3, 6]]),
    ("$zip([1,2,3], [4,5], [7,8,9])", None, [[1, 4, 7], [2, 5, 8]]),
    # Object constructors and object functions
    ("Phone{type: number}", PERSON,
     {"home": "0203 544 1234", "office": ["01962 001234", "01962 001235"],
      "mobile": "077 7700 1234"}),
    ("Phone.{type: number}", PERSON, [{p["type"]: p["number"]} for p in PHONES]),
    ("Account.Order.Product{`Product Name`: Price}", INVOICE,
     {"Bowler Hat": [34.45, 34.45], "Trilby hat": 21.67, "Cloak": 107.99}),
    ("$keys(Address)", PERSON, ["Street", "City", "Postcode"]),
    ("$lookup(Address, 'City')", PERSON, "Winchester"),
    ("$spread({'a': 1, 'b': 2})", None, [{"a": 1}, {"b": 2}]),
    ("$merge([{'a': 1}, {'b': 2}])", None, {"a": 1, "b": 2}),
    ("$each(Address, function($v, $k) {$k & ': ' & $v})", PERSON,
     ["Street: Hursley Park", "City: Winchester", "Postcode: SO21 2JN"]),
    ("$sift({'a': 1, 'b': 'x'}, function($v) {$type($v) = 'number'})", None, {"a": 1}),
    ("$type('a')", None, "string"),
    ("$type(null)", None, "null"),
    # String functions
    ("$string(5)", None, "5"),
    ("$string([1..5])", None, "[1,2,3,4,5]"),
    ("$string(22/7)", None, "3.14285714285714"),
    ("$length('Hello World')", None, 11),
    ("$substring('Hello World', 3)", None, "lo World"),
    ("$substring('Hello World', 3, 5)", None, "lo Wo"),
    ("$substring('Hello World', -4)", None, "orld"),
    ("$substring('Hello World', -4, 2)", None, "or"),
    ("$substringBefore('Hello World', ' ')", None, "Hello"),
    ("$substringAfter('Hello World', ' ')", None, "World"),
    ("$uppercase('Hello World')", None, "HELLO WORLD"),
    ("$lowercase('Hello World')", None, "hello world"),
    ("$trim(' Hello \n World ')", None, "Hello World"),
    ("$pad('5', 5)", None, "5    "),
    ("$pad('5', -5)", None, "    5"),
    ("$pad('5', -5, '0')", None, "00005"),
    ("$contains('abracadabra', 'bra')", None, True),
    ("$contains('abracadabra', /a.*a/)", None, True),
    ("$contains('abracadabra', /ar.*a/)", None, False),
    ("$split('so many words', ' ')", None, ["so", "many", "words"]),
    ("$split('so many words', ' ', 2)", None, ["so", "many"]),
    ("$split('too much, punctuation. hard; to read', /[ ,.;]+/)", None,
     ["too", "much", "punctuation", "hard", "to", "read"]),
    ("$join(['a','b','c'])", None, "abc"),
    ("$join(['a','b','c'], ', ')", None, "a, b, c"),
    ("$replace('John Smith and John Jones', 'John', 'Mr')", None, "Mr Smith and Mr Jones"),
    ("$replace('John Smith and John Jones', 'John', 'Mr', 1)", None,
     "Mr Smith and John Jones"),
    ("$replace('abracadabra', /a.*?a/, '*')", None, "*c*bra"),
    ("$replace('John Smith', /(\\w+)\\s(\\w+)/, '$2, $1')", None, "Smith, John"),
    ("$replace('265USD', /([0-9]+)USD/, '$$$1')", None, "$265"),
    ("$base64encode('myuser:mypass')", None, "bXl1c2VyOm15cGFzcw=="),
    ("$base64decode('bXl1c2VyOm15cGFzcw==')", None, "myuser:mypass"),
    ("$encodeUrlComponent('?x=test')", None, "%3Fx%3Dtest"),
    ("$encodeUrl('https://mozilla.org/?x=шеллы')", None,
     "https://mozilla.org/?x=%D1%88%D0%B5%D0%BB%D0%BB%D1%8B"),
    # Numeric functions
    ("$number('5')", None, 5),
    ("$abs(-5)", None, 5),
    ("$floor(5.8)", None, 5),
    ("$floor(-5.3)", None, -6),
    ("$ceil(5.3)", None, 6),
    ("$ceil(-5.3)", None, -5),
    ("$round(123.456)", None, 123),
    ("$round(123.456, 2)", None, 123.46),
    ("$round(123.456, -1)", None, 120),
    ("$round(123.456, -2)", None, 100),
    ("$round(11.5)", None, 12),
    ("$round(12.5)", None, 12),
    ("$round(125, -1)", None, 120),
    ("$power(2, 8)", None, 256),
    ("$power(2, -2)", None, 0.25),
    ("$sqrt(4)", None, 2),
    ("$formatNumber(12345.6, '#,###.00')", None, "12,345.60"),
    ("$formatNumber(1234.5678, '00.000e0')", None, "12.346e2"),
    ("$formatNumber(34.555, '#0.00;(#0.00)')", None, "34.56"),
    ("$formatNumber(-34.555, '#0.00;(#0.00)')", None, "(34.56)"),
    ("$formatNumber(0.14, '01%')", None, "14%"),
    ("$formatBase(100, 2)", None, "1100100"),
    ("$formatBase(2555, 16)", None, "9fb"),
    ("$formatInteger(2789, 'w')", None, "two thousand, seven hundred and eighty-nine"),
    ("$formatInteger(1999, 'I')", None, "MCMXCIX"),
    ("$parseInteger('twelve thousand, four hundred and seventy-six', 'w')", None, 12476),
    # Boolean functions
    ("$boolean(0)", None, False),
    ("$boolean('Hello')", None, True),
    ("$not(true)", None, False),
    ("$exists(Other.Misc)", PERSON, True),
    ("$exists(Other.Nothing)", PERSON, False),
    # Higher-order functions and lambdas
    ("$map([1..5], $string)", None, ["1", "2", "3", "4", "5"]),
    ("$map(Email.address, function($v, $i, $a)"
     " {'Item ' & ($i+1) & ' of ' & $count($a) & ': ' & $v})",
     PERSON,
     ["Item 1 of 4: fred.smith@my-work.com", "Item 2 of 4: fsmith@my-work.com",
      "Item 3 of 4: freddy@my-social.com", "Item 4 of 4: frederic.smith@very-serious.com"]),
    ("$filter(Account.Order.Product, function($v, $i, $a) {$v.Price > $average($a.Price)}).SKU",
     INVOICE, "0406654603"),
    ("$reduce([1..5], function($i, $j){$i * $j})", None, 120),
    ("( $product := function($i, $j){$i * $j}; $reduce(Account.Order.Product.Quantity, $product) )",
     INVOICE, 8),
    ("( $volume := function($l, $w, $h){ $l * $w * $h }; $volume(10, 10, 5) )", None, 500),
    ("( $factorial := function($x){ $x <= 1 ? 1 : $x * $factorial($x-1) }; $factorial(4) )",
     None, 24),
    ("( $first5 := $substring(?, 0, 5); $first5('Hello, World') )", None, "Hello"),
    ("Account.Order[0].Product.`Product Name`.$uppercase()", INVOICE,
     ["BOWLER HAT", "TRILBY HAT"]),
    # Date/time with fixed inputs
    ("$fromMillis(1510067557121)", None, "2017-11-07T15:12:37.121Z"),
    ("$toMillis('2017-11-07T15:07:54.972Z')", None, 1510067274972),
]

# (expression, error code) -- documented JSONata errors.
ERRORS: Final[list[tuple[str, str]]] = [
    ("'a' + 1", "T2001"),
    ("1 + 'a'", "T2002"),
    ("$uppercase(1)", "T0410"),
    ("$undefinedFunction(1)", "T1006"),
    ("'a' < 1", "T2009"),
    ("$number('x')", "D3030"),
    ("[1,2", "S0203"),
    ("1 +", "S0207"),
    ("$x.y := 1", "S0212"),
    ("$string(1/0)", "D3001"),
]


@dataclass
class Candidate:
    """How to compile and evaluate with one library, and how it spells "undefined"."""

    name: str
    compile: Callable[[str], Any]
    evaluate: Callable[[Any, Any, dict[str, Any]], Any]
    undefined: Any
    error_code: Callable[[BaseException], str | None]


def candidates() -> list[Candidate]:
    found: list[Candidate] = []
    try:
        import jsonata  # jsonata-python

        def compile_jp(text: str) -> Any:
            expression = jsonata.Jsonata(text)
            expression.set_output_convert_nulls(False)  # keeps null apart from undefined
            return expression

        def evaluate_jp(expression: Any, data: Any, bindings: dict[str, Any]) -> Any:
            result = expression.evaluate(data, bindings or None)
            return jsonata.utils.Utils.convert_nulls(result) if result is not None else UNDEFINED

        found.append(
            Candidate("jsonata-python", compile_jp, evaluate_jp, UNDEFINED,
                      lambda e: getattr(e, "error", None))
        )
    except ImportError:
        print("jsonata-python: not installed")
    try:
        import jsonata2py

        def evaluate_j2p(expression: Any, data: Any, bindings: dict[str, Any]) -> Any:
            frame = None
            if bindings:
                frame = jsonata2py.JsonataBindings()
                for key, value in bindings.items():
                    frame.bind_value(key, value)
            result = expression.evaluate(data, frame)
            return UNDEFINED if result is jsonata2py.MISSING else result

        found.append(
            Candidate("jsonata2py", jsonata2py.compile, evaluate_j2p, UNDEFINED,
                      lambda e: getattr(e, "error_code", None))
        )
    except ImportError:
        print("jsonata2py: not installed")
    return found


def same(actual: Any, expected: Any) -> bool:
    """JSON equality with float tolerance; a sequence of one item is that item (JSONata)."""
    if expected is UNDEFINED or actual is UNDEFINED:
        return actual is expected
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual is expected
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return math.isclose(actual, expected, rel_tol=1e-12, abs_tol=1e-12)
    if isinstance(expected, list):
        return (isinstance(actual, list) and len(actual) == len(expected)
                and all(same(a, e) for a, e in zip(actual, expected, strict=True)))
    if isinstance(expected, dict):
        return (isinstance(actual, dict) and list(actual) == list(expected)
                and all(same(actual[k], expected[k]) for k in expected))
    return bool(actual == expected) and type(actual) is type(expected)


def score(candidate: Candidate) -> tuple[int, list[str]]:
    passed, failures = 0, []
    for text, data, expected in EXAMPLES:
        try:
            actual = candidate.evaluate(candidate.compile(text), data, {})
        except Exception as error:
            failures.append(f"  {text!r}: raised {type(error).__name__}: {error}"[:160])
            continue
        if same(actual, expected):
            passed += 1
        else:
            shown = "undefined" if actual is UNDEFINED else repr(actual)
            failures.append(f"  {text!r}: got {shown}"[:160])
    return passed, failures


def score_errors(candidate: Candidate) -> tuple[int, list[str]]:
    passed, failures = 0, []
    for text, code in ERRORS:
        try:
            result = candidate.evaluate(candidate.compile(text), None, {})
        except Exception as error:
            got = candidate.error_code(error)
            if got == code:
                passed += 1
            else:
                failures.append(f"  {text!r}: {code} expected, got {got} ({type(error).__name__})")
            continue
        failures.append(f"  {text!r}: {code} expected, returned {result!r}")
    return passed, failures


def best_us(run: Callable[[], Any], number: int, repeats: int = 7) -> float:
    """Fastest of ``repeats`` batches, in microseconds per call, GC paused like timeit."""
    number, repeats = scaled(number), scaled(repeats)
    run()
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            started = time.perf_counter()
            for _ in range(number):
                run()
            best = min(best, time.perf_counter() - started)
        finally:
            gc.enable()
    return best / number * 1e6


def speed(candidate: Candidate) -> dict[str, float]:
    figures: dict[str, float] = {}
    states = {"input": {"i": 41}}
    for label, text in (("eval i + 1", "$states.input.i + 1"),
                        ("eval i < 1000", "$states.input.i < 1000")):
        expression = candidate.compile(text)
        figures[label] = best_us(
            lambda e=expression: candidate.evaluate(e, None, {"states": states}), 2000)
    counter = iter(range(10**9))
    # A new text each time, so no library cache answers.
    figures["compile"] = best_us(
        lambda: candidate.compile(f"$states.input.i + {next(counter)}"), 50, repeats=3)
    return figures


def engine_figures() -> dict[str, float]:
    """The engine's own per-evaluation cost: JSONata (adapter) next to JSONPath.

    The loop of ``bench_engine.py`` evaluates, per iteration, one Pass expression and one
    Choice condition; here the same two in each language, the JSONata ones both through
    the fast path and forced through the library (``+ 0`` defeats the fast path).
    """
    from asl.language.choice import compile_rule
    from asl.language.intrinsics import compile_intrinsic
    from asl.language.jsonata import compile_expression

    states: dict[str, Any] = {"input": {"i": 41}}
    data = {"i": 41}
    add = compile_intrinsic("States.MathAdd($.i, 1)")
    rule = compile_rule({"Variable": "$.i", "NumericLessThan": 1000, "Next": "X"}, "/r")
    figures = {
        "JSONPath States.MathAdd($.i, 1)": best_us(lambda: add.evaluate(data, None), 20000),
        "JSONPath $.i NumericLessThan 1000": best_us(lambda: rule.evaluate(data), 20000),
    }
    for text in ("{% $states.input.i + 1 %}", "{% $states.input.i < 1000 %}",
                 "{% $states.input.i + 1 + 0 %}", "{% $states.input.i < 1000 + 0 %}"):
        expression = compile_expression(text)
        figures[f"JSONata {text}"] = best_us(lambda e=expression: e.evaluate(states, {}), 20000)
    return figures


def main() -> None:
    print(f"{len(EXAMPLES)} documented examples, {len(ERRORS)} documented errors\n")
    for candidate in candidates():
        passed, failures = score(candidate)
        errors_passed, error_failures = score_errors(candidate)
        figures = speed(candidate)
        print(f"== {candidate.name}")
        print(f"examples: {passed}/{len(EXAMPLES)} passed")
        for line in failures:
            print(line)
        print(f"error codes: {errors_passed}/{len(ERRORS)} as documented")
        for line in error_failures:
            print(line)
        for label, value in figures.items():
            print(f"{label:>14}: {value:8.2f} µs")
        print()
    print("== engine (asl.language), µs per evaluation")
    for label, value in engine_figures().items():
        print(f"{value:8.2f}  {label}")


if __name__ == "__main__":
    main()
