"""Which query language a state uses, and the fields that belong to the other one.

AWS's rules: a state uses the workflow's ``QueryLanguage`` unless it sets its own, and
only the exact string ``"JSONPath"`` means JSONPath (any other value means JSONata, and
is reported too); a JSONata workflow cannot hold JSONPath states.  A field of the other
language is refused ("The QueryLanguage is set to 'JSONata', but field 'Parameters' is
only supported for the 'JSONPath' QueryLanguage").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .fields import JSONATA, JSONATA_ONLY, JSONPATH, JSONPATH_ONLY, QUERY_LANGUAGES
from .report import describe, did_you_mean

if TYPE_CHECKING:
    from .states import StateCheck


def check_language(check: StateCheck) -> None:
    """A state's own QueryLanguage; like AWS, any value but "JSONPath" means JSONata."""
    if not check.has("QueryLanguage"):
        return
    value = check.state["QueryLanguage"]
    if value not in QUERY_LANGUAGES:
        hint = did_you_mean(value, QUERY_LANGUAGES) if isinstance(value, str) else ""
        label = check.label("QueryLanguage")
        check.report.error(
            "INVALID_VALUE",
            check.at("QueryLanguage"),
            f'{label} must be "JSONPath" or "JSONata", got {describe(value)}{hint}',
        )
    elif value == JSONPATH and check.ctx.language == JSONATA:
        check.report.error(
            "INVALID_VALUE",
            check.at("QueryLanguage"),
            f"State '{check.name}' sets "
            f"QueryLanguage JSONPath, but the workflow uses JSONata, and a JSONata workflow "
            f"cannot contain JSONPath states: remove the field or set the workflow's "
            f"QueryLanguage to JSONPath",
        )
        return
    check.language = JSONPATH if value == JSONPATH else JSONATA


def check_language_of_field(check: StateCheck, key: str) -> None:
    other = JSONPATH_ONLY if check.jsonata else JSONATA_ONLY
    if key in other and not (check.type == "Include" and key == "Parameters"):
        report_language_field(check, key, check.at(key))


def report_language_field(
    check: StateCheck, key: str, pointer: str, inside: str = "", fix: str = ""
) -> None:
    """A field of the other query language (AWS: "only supported for the ... QueryLanguage").

    ``inside`` names the object that holds it ("catcher 0", "the ItemReader" ...); ``fix``
    replaces the usual advice for a JSONPath field in a JSONata state.
    """
    field_name = f"'{key}' in {inside}" if inside else f"'{key}'"
    if check.jsonata:
        fix = fix or (
            "remove it (JSONata states shape data with 'Arguments' and 'Output', and take "
            'expressions "{% ... %}" where JSONPath states take ...Path fields)'
        )
        message = (
            f"{field_name} is only supported in JSONPath, but state '{check.name}' uses "
            f"JSONata: {fix}"
        )
    else:
        message = (
            f"{field_name} is only supported in JSONata, but state '{check.name}' uses "
            f'JSONPath: set "QueryLanguage": "JSONata" on the state or the workflow, or use '
            f"the JSONPath fields"
        )
    check.report.error("FIELD_NOT_IN_QUERY_LANGUAGE", pointer, message, key=True)
