"""JSONata's own error wording, as AWS prints it after the error code.

AWS Step Functions words a failed JSONata evaluation as ``<code>: <message>`` (recorded:
``T1006: Attempted to invoke a non-function``) and a syntax error as the bare message
(recorded through ``ValidateStateMachineDefinition``: ``Expected "]", got ","``,
``The symbol "}" cannot be used as a unary operator``). Both messages are the reference
JavaScript implementation's templates: ``{{name}}`` is replaced by ``JSON.stringify`` of
the value, ``{{{name}}}`` by the raw value. The Python libraries word some messages their
own way, so the engine renders every message from this table instead.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from typing import Any, Final

# jsonata-js 2.0 (the version AWS names) error templates, by code.
TEMPLATES: Final[dict[str, str]] = {
    "S0101": "String literal must be terminated by a matching quote",
    "S0102": "Number out of range: {{token}}",
    "S0103": "Unsupported escape sequence: \\{{token}}",
    "S0104": "The escape sequence \\u must be followed by 4 hex digits",
    "S0105": "Quoted property name must be terminated with a backquote (`)",
    "S0106": "Comment has no closing tag",
    "S0201": "Syntax error: {{token}}",
    "S0202": "Expected {{value}}, got {{token}}",
    "S0203": "Expected {{value}} before end of expression",
    "S0204": "Unknown operator: {{token}}",
    "S0205": "Unexpected token: {{token}}",
    "S0206": "Unknown expression type: {{token}}",
    "S0207": "Unexpected end of expression",
    "S0208": "Parameter {{value}} of function definition must be a variable name (start with $)",
    "S0209": "A predicate cannot follow a grouping expression in a step",
    "S0210": "Each step can only have one grouping expression",
    "S0211": "The symbol {{token}} cannot be used as a unary operator",
    "S0212": "The left side of := must be a variable name (start with $)",
    "S0213": "The literal value {{value}} cannot be used as a step within a path expression",
    "S0214": "The right side of {{token}} must be a variable name (start with $)",
    "S0215": "A context variable binding must precede any predicates on a step",
    "S0216": "A context variable binding must precede the 'order-by' clause on a step",
    "S0217": "The object representing the 'parent' cannot be derived from this expression",
    "S0301": "Empty regular expressions are not allowed",
    "S0302": "No terminating / in regular expression",
    "S0402": "Choice groups containing parameterized types are not supported",
    "S0401": "Type parameters can only be applied to functions and arrays",
    "S0500": "Attempted to evaluate an expression containing syntax error(s)",
    "T0410": "Argument {{index}} of function {{token}} does not match function signature",
    "T0411": "Context value is not a compatible type with argument {{index}} of function {{token}}",
    "T0412": "Argument {{index}} of function {{token}} must be an array of {{type}}",
    "D1001": "Number out of range: {{value}}",
    "D1002": "Cannot negate a non-numeric value: {{value}}",
    "T1003": "Key in object structure must evaluate to a string; got: {{value}}",
    "D1004": "Regular expression matches zero length string",
    "T1005": "Attempted to invoke a non-function. Did you mean ${{{token}}}?",
    "T1006": "Attempted to invoke a non-function",
    "T1007": "Attempted to partially apply a non-function. Did you mean ${{{token}}}?",
    "T1008": "Attempted to partially apply a non-function",
    "D1009": "Multiple key definitions evaluate to same key: {{value}}",
    "T1010": "The matcher function argument passed to function {{token}} does not return the "
    "correct object structure",
    "T2001": "The left side of the {{token}} operator must evaluate to a number",
    "T2002": "The right side of the {{token}} operator must evaluate to a number",
    "T2003": "The left side of the range operator (..) must evaluate to an integer",
    "T2004": "The right side of the range operator (..) must evaluate to an integer",
    "T2006": "The right side of the function application operator ~> must be a function",
    "T2007": "Type mismatch when comparing values {{value}} and {{value2}} in order-by clause",
    "T2008": "The expressions within an order-by clause must evaluate to numeric or string values",
    "T2009": "The values {{value}} and {{value2}} either side of operator {{token}} must be of the "
    "same data type",
    "T2010": "The expressions either side of operator {{token}} must evaluate to numeric or "
    "string values",
    "T2011": "The insert/update clause of the transform expression must evaluate to an object: "
    "{{value}}",
    "T2012": "The delete clause of the transform expression must evaluate to a string or array "
    "of strings: {{value}}",
    "T2013": "The transform expression clones the input object using the $clone() function.  "
    "This has been overridden in the current scope by a non-function.",
    "D2014": "The size of the sequence allocated by the range operator (..) must not exceed "
    "1e6.  Attempted to allocate {{value}}.",
    "D3001": "Attempting to invoke string function on Infinity or NaN",
    "D3010": "Second argument of replace function cannot be an empty string",
    "D3011": "Fourth argument of replace function must evaluate to a positive number",
    "D3012": "Attempted to replace a matched string with a non-string value",
    "D3020": "Third argument of split function must evaluate to a positive number",
    "D3030": "Unable to cast value to a number: {{value}}",
    "D3040": "Third argument of match function must evaluate to a positive number",
    "D3050": "The second argument of reduce function must be a function with at least two "
    "arguments",
    "D3060": "The sqrt function cannot be applied to a negative number: {{value}}",
    "D3061": "The power function has resulted in a value that cannot be represented as a JSON "
    "number: base={{value}}, exponent={{exp}}",
    "D3070": "The single argument form of the sort function can only be applied to an array of "
    "strings or an array of numbers.  Use the second argument to specify a comparison function",
    "D3080": "The picture string must only contain a maximum of two sub-pictures",
    "D3081": "The sub-picture must not contain more than one instance of the "
    "'decimal-separator' character",
    "D3082": "The sub-picture must not contain more than one instance of the 'percent' character",
    "D3083": "The sub-picture must not contain more than one instance of the 'per-mille' "
    "character",
    "D3084": "The sub-picture must not contain both a 'percent' and a 'per-mille' character",
    "D3085": "The mantissa part of a sub-picture must contain at least one character that is "
    "either an 'optional digit character' or a member of the 'decimal digit family'",
    "D3086": "The sub-picture must not contain a passive character that is preceded by an "
    "active character and that is followed by another active character",
    "D3087": "The sub-picture must not contain a 'grouping-separator' character that appears "
    "adjacent to a 'decimal-separator' character",
    "D3088": "The sub-picture must not contain a 'grouping-separator' at the end of the integer "
    "part",
    "D3089": "The sub-picture must not contain two adjacent instances of the "
    "'grouping-separator' character",
    "D3090": "The integer part of the sub-picture must not contain a member of the 'decimal "
    "digit family' that is followed by an instance of the 'optional digit character'",
    "D3091": "The fractional part of the sub-picture must not contain an instance of the "
    "'optional digit character' that is followed by a member of the 'decimal digit family'",
    "D3092": "A sub-picture that contains a 'percent' or 'per-mille' character must not contain "
    "a character treated as an 'exponent-separator'",
    "D3093": "The exponent part of the sub-picture must comprise only of one or more characters "
    "that are members of the 'decimal digit family'",
    "D3100": "The radix of the formatBase function must be between 2 and 36.  It was given "
    "{{value}}",
    "D3110": "The argument of the toMillis function must be an ISO 8601 formatted timestamp. "
    "Given {{value}}",
    "D3120": "Syntax error in expression passed to function eval: {{value}}",
    "D3121": "Dynamic error evaluating the expression passed to function eval: {{value}}",
    "D3130": "Formatting or parsing an integer as a sequence starting with {{value}} is not "
    "supported by this implementation",
    "D3131": "In a decimal digit pattern, all digits must be from the same decimal group",
    "D3132": "Unknown component specifier {{value}} in date/time picture string",
    "D3133": "The 'name' modifier can only be applied to months and days in the date/time "
    "picture string, not {{value}}",
    "D3134": "The timezone integer format specifier cannot have more than four digits",
    "D3135": "No matching closing bracket ']' in date/time picture string",
    "D3136": "The date/time picture string is missing specifiers required to parse the "
    "timestamp",
    "D3137": "{{{message}}}",
    "D3138": "The $single() function expected exactly 1 matching result.  Instead it matched "
    "more.",
    "D3139": "The $single() function expected exactly 1 matching result.  Instead it matched 0.",
    "D3140": "Malformed URL passed to ${{{functionName}}}(): {{value}}",
    "D3141": "{{{message}}}",
}

_PLACEHOLDER: Final = re.compile(r"\{\{\{(\w+)}}}|\{\{(\w+)}}")
_UNSET: Final = object()


def render(code: str, values: Sequence[Any] = (), named: dict[str, Any] | None = None) -> str:
    """The message for ``code``: placeholders take ``named`` values, else ``values`` in order.

    Positional filling matches how the JVM-lineage libraries carry an error's details
    (the i-th detail belongs to the i-th placeholder). A placeholder left without a value
    prints ``undefined``, as ``JSON.stringify(undefined)`` does in the reference.
    """
    template = TEMPLATES.get(code)
    if template is None:
        return ""
    remaining = list(values)
    named = named or {}

    def fill(match: re.Match[str]) -> str:
        raw, quoted = match.group(1), match.group(2)
        name = raw or quoted
        value = named.get(name, _UNSET)
        if value is _UNSET:
            value = remaining.pop(0) if remaining else _UNSET
        if value is _UNSET:
            return "undefined"
        return str(value) if raw else js_stringify(value)

    return _PLACEHOLDER.sub(fill, template)


def js_stringify(value: Any) -> str:
    """``JSON.stringify`` in JavaScript: compact, non-ASCII kept, numbers in JS notation."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None or isinstance(value, bool):
        return "null" if value is None else ("true" if value else "false")
    if isinstance(value, int | float):
        return js_number(value) if math.isfinite(value) else "null"
    if isinstance(value, dict):
        members = (f"{json.dumps(str(k), ensure_ascii=False)}:{js_stringify(v)}"
                   for k, v in value.items())
        return "{" + ",".join(members) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(js_stringify(item) for item in value) + "]"
    return "undefined"


def js_number(value: float) -> str:
    """JavaScript's ``Number.prototype.toString``: shortest round trip, ``1e+21`` form.

    Plain notation from 1e-6 up to (not including) 1e21, exponent notation outside it,
    written ``1e+21`` / ``1.5e-7`` as JavaScript does. An integer is a double there, so
    one past 2**53 prints its double's shortest digits padded with zeros.
    """
    if isinstance(value, int) and abs(value) <= 2**53:
        return str(value)
    number = float(value)
    if number == 0:
        return "0"
    digits, exponent = _shortest_digits(abs(number))
    sign = "-" if number < 0 else ""
    if 1e-6 <= abs(number) < 1e21:
        if exponent >= len(digits) - 1:
            return sign + digits + "0" * (exponent - len(digits) + 1)
        if exponent >= 0:
            return f"{sign}{digits[: exponent + 1]}.{digits[exponent + 1 :]}"
        return f"{sign}0.{'0' * (-exponent - 1)}{digits}"
    mark = "+" if exponent >= 0 else "-"
    tail = "." + digits[1:] if len(digits) > 1 else ""
    return f"{sign}{digits[0]}{tail}e{mark}{abs(exponent)}"


def _shortest_digits(magnitude: float) -> tuple[str, int]:
    """The shortest round-trip significant digits of a positive float and its exponent."""
    coefficient, _, power = repr(magnitude).partition("e")
    exponent = int(power) if power else 0
    integer, _, fraction = coefficient.partition(".")
    joined = integer + fraction
    digits = joined.lstrip("0")
    exponent += len(integer) - 1 - (len(joined) - len(digits))
    return digits.rstrip("0") or "0", exponent
