"""Checks of Retry and Catch: the error handlers a state may carry.

AWS's rules: every handler names the errors it handles in a non-empty ErrorEquals;
"States.ALL" stands alone and in the last handler; retry intervals are positive and
the backoff rate at least 1.0; a catcher names the state to go to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .expressions import check_path
from .fields import CATCHER_FIELDS, NESTED_JSONATA_ONLY, NESTED_JSONPATH_ONLY, RETRIER_FIELDS
from .languages import report_language_field
from .locate import join
from .queries import check_jsonata_value
from .report import describe, did_you_mean, expect_int, is_number, unknown_hint
from .variables import check_assign

if TYPE_CHECKING:
    from .states import StateCheck


def check_retry(check: StateCheck) -> None:
    retriers = check.state["Retry"]
    if not isinstance(retriers, list):
        check.report.error(
            "INVALID_TYPE",
            check.at("Retry"),
            f"{check.label('Retry')} must be an array of retriers, got {describe(retriers)}",
        )
        return
    for index, retrier in enumerate(retriers):
        where = check.at("Retry", index)
        label = f"retrier {index} of state '{check.name}'"
        if not _object_with_fields(check, retrier, where, label, RETRIER_FIELDS):
            continue
        _check_error_equals(check, retrier, where, label, last=index == len(retriers) - 1)
        minimums = (("IntervalSeconds", 1), ("MaxAttempts", 0), ("MaxDelaySeconds", 1))
        for name, minimum in minimums:
            if name in retrier:
                expect_int(
                    check.report, retrier[name], join(where, name), f"'{name}' of {label}", minimum
                )
        rate = retrier.get("BackoffRate", 1.0)
        if not is_number(rate) or rate < 1.0:
            code = "INVALID_VALUE" if is_number(rate) else "INVALID_TYPE"
            check.report.error(
                code,
                join(where, "BackoffRate"),
                f"'BackoffRate' of {label} must be a number of at least 1.0, got {describe(rate)}",
            )
        jitter = retrier.get("JitterStrategy", "NONE")
        if jitter not in ("FULL", "NONE"):
            hint = did_you_mean(jitter, ("FULL", "NONE")) if isinstance(jitter, str) else ""
            check.report.error(
                "INVALID_VALUE",
                join(where, "JitterStrategy"),
                f'\'JitterStrategy\' of {label} must be "FULL" or "NONE", got '
                f"{describe(jitter)}{hint}",
            )


def check_catch(check: StateCheck) -> None:
    catchers = check.state["Catch"]
    if not isinstance(catchers, list):
        check.report.error(
            "INVALID_TYPE",
            check.at("Catch"),
            f"{check.label('Catch')} must be an array of catchers, got {describe(catchers)}",
        )
        return
    for index, catcher in enumerate(catchers):
        where = check.at("Catch", index)
        label = f"catcher {index} of state '{check.name}'"
        if not _object_with_fields(check, catcher, where, label, CATCHER_FIELDS):
            continue
        _check_error_equals(check, catcher, where, label, last=index == len(catchers) - 1)
        assigns = _catcher_assign(check, catcher, where, label)
        if "Next" not in catcher:
            check.report.error(
                "MISSING_FIELD",
                where,
                f"The {label} has no 'Next': add "
                f'"Next" with the state to go to when it catches an error',
            )
        elif not isinstance(catcher["Next"], str) or not catcher["Next"]:
            check.report.error(
                "INVALID_TYPE",
                join(where, "Next"),
                f"'Next' of {label} must be a state name, got {describe(catcher['Next'])}",
            )
        else:
            check.target(
                catcher["Next"], join(where, "Next"), f"'Next' of {label}", assigns=assigns
            )
        _check_catcher_output(check, catcher, where, label)


def _catcher_assign(
    check: StateCheck, catcher: dict[str, Any], where: str, label: str
) -> dict[str, str]:
    if "Assign" not in catcher:
        return {}
    return check_assign(check, catcher["Assign"], join(where, "Assign"), label)


def _check_catcher_output(
    check: StateCheck, catcher: dict[str, Any], where: str, label: str
) -> None:
    """ResultPath in JSONPath states, Output in JSONata states."""
    language = (
        NESTED_JSONATA_ONLY["catcher"] if not check.jsonata else NESTED_JSONPATH_ONLY["catcher"]
    )
    for key in language & catcher.keys():
        report_language_field(check, key, join(where, key), label.split(" of state ")[0])
    if "ResultPath" in catcher and not check.jsonata:
        check_path(
            check.report,
            catcher["ResultPath"],
            join(where, "ResultPath"),
            f"'ResultPath' of {label}",
            "reference path",
            nullable=True,
        )
    if "Output" in catcher and check.jsonata:
        check_jsonata_value(
            check.report,
            catcher["Output"],
            join(where, "Output"),
            f"'Output' of {label}",
            check.reads,
        )


def _object_with_fields(
    check: StateCheck, value: Any, where: str, label: str, known: frozenset[str]
) -> bool:
    if not isinstance(value, dict):
        check.report.error(
            "INVALID_TYPE", where, f"The {label} must be an object, got {describe(value)}"
        )
        return False
    for key in value:
        if str(key) not in known:
            check.report.warning(
                "UNKNOWN_FIELD",
                join(where, str(key)),
                f"The {label} has the unknown field '{key}'{unknown_hint(str(key), known)}",
                key=True,
            )
    if "Comment" in value and not isinstance(value["Comment"], str):
        check.report.error(
            "INVALID_TYPE",
            join(where, "Comment"),
            f"'Comment' of {label} must be a string, got {describe(value['Comment'])}",
        )
    return True


def _check_error_equals(
    check: StateCheck, handler: dict[str, Any], where: str, label: str, *, last: bool
) -> None:
    if "ErrorEquals" not in handler:
        check.report.error(
            "MISSING_FIELD",
            where,
            f"The {label} has no 'ErrorEquals': add "
            f'"ErrorEquals" with the error names it handles, e.g. '
            f'["States.ALL"]',
        )
        return
    names = handler["ErrorEquals"]
    at = join(where, "ErrorEquals")
    if not isinstance(names, list) or not names:
        check.report.error(
            "INVALID_TYPE" if not isinstance(names, list) else "INVALID_VALUE",
            at,
            f"'ErrorEquals' of {label} must be a non-empty array of error "
            f"names, got {describe(names)}",
        )
        return
    for i, name in enumerate(names):
        if not isinstance(name, str) or not name:
            check.report.error(
                "INVALID_TYPE",
                join(at, i),
                f"Error names in 'ErrorEquals' of "
                f"{label} must be non-empty strings, got {describe(name)}",
            )
    if "States.ALL" in names and len(names) > 1:
        check.report.error(
            "INVALID_STATES_ALL",
            at,
            f'"States.ALL" must be the only name in '
            f"'ErrorEquals' of {label}: move the other names to a handler "
            f"before it",
        )
    elif "States.ALL" in names and not last:
        check.report.error(
            "INVALID_STATES_ALL",
            at,
            f'The {label} matches "States.ALL" but '
            f"is not the last one, so the handlers after it can never run: "
            f"move it to the end",
        )
