"""Which fields each part of a workflow document may carry.

AWS Step Functions rejects a field that its state type does not define (``Result`` on a
Task, ``ResultPath`` on a Choice, anything but Error/Cause on a Fail ...), and rejects
JSONPath-only fields in JSONata states and the other way round.  The tables below are
AWS's, extended with the ASL state types and the agent-native blocks.

A field that appears in none of the tables is unknown to everybody: the validator
warns about it (with a "did you mean") instead of rejecting the document, because ASL
documents are open to extensions.
"""

from __future__ import annotations

from typing import Final

JSONPATH: Final = "JSONPath"
JSONATA: Final = "JSONata"
QUERY_LANGUAGES: Final = (JSONPATH, JSONATA)

AWS_STATE_TYPES: Final = ("Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map")
ASL_STATE_TYPES: Final = ("Approval", "Debate", "Checkpoint", "Include", "Workflow")
STATE_TYPES: Final = AWS_STATE_TYPES + ASL_STATE_TYPES

# States that end a run by themselves: they take neither Next nor End.
TERMINAL_TYPES: Final = frozenset({"Succeed", "Fail"})

_COMMON = frozenset({"Type", "Comment", "QueryLanguage"})
_IO = frozenset({"InputPath", "OutputPath"})
_RESULT = frozenset({"Parameters", "ResultSelector", "ResultPath"})
_ERRORS = frozenset({"Retry", "Catch"})
_FLOW = frozenset({"Next", "End"})
_VARIABLES = frozenset({"Assign", "Output"})
_ASL_BASE = _COMMON | _IO | _RESULT | _ERRORS | _FLOW | _VARIABLES

STATE_FIELDS: Final[dict[str, frozenset[str]]] = {
    "Pass": _COMMON | _IO | _FLOW | _VARIABLES | {"Parameters", "Result", "ResultPath"},
    "Task": _COMMON
    | _IO
    | _RESULT
    | _ERRORS
    | _FLOW
    | _VARIABLES
    | {
        "Agent",
        "Resource",
        "Arguments",
        "Credentials",
        "TimeoutSeconds",
        "TimeoutSecondsPath",
        "HeartbeatSeconds",
        "HeartbeatSecondsPath",
    },
    "Choice": _COMMON | _IO | _VARIABLES | {"Choices", "Default"},
    "Wait": _COMMON
    | _IO
    | _FLOW
    | _VARIABLES
    | {"Seconds", "SecondsPath", "Timestamp", "TimestampPath"},
    "Succeed": _COMMON | _IO | {"Output"},
    "Fail": _COMMON | {"Error", "ErrorPath", "Cause", "CausePath"},
    "Parallel": _COMMON | _IO | _RESULT | _ERRORS | _FLOW | _VARIABLES | {"Branches", "Arguments"},
    "Map": _COMMON
    | _IO
    | _RESULT
    | _ERRORS
    | _FLOW
    | _VARIABLES
    | {
        "ItemsPath",
        "Items",
        "ItemProcessor",
        "Iterator",
        "ItemSelector",
        "ItemReader",
        "ItemBatcher",
        "ResultWriter",
        "MaxConcurrency",
        "MaxConcurrencyPath",
        "ToleratedFailurePercentage",
        "ToleratedFailurePercentagePath",
        "ToleratedFailureCount",
        "ToleratedFailureCountPath",
        "Label",
    },
    "Approval": _ASL_BASE
    | {
        "Prompt",
        "Options",
        "Timeout",
        "OnTimeout",
        "Escalation",
        "Editable",
        "Policy",
        "RequiredApprovers",
        "Notifications",
        "ItemsPath",
        "BatchMode",
        "Choices",
        "Default",
    },
    "Debate": _ASL_BASE
    | {"Agents", "Topic", "TopicPath", "Rounds", "Communication", "Consensus", "Arguments"},
    "Checkpoint": _ASL_BASE | {"Name", "Storage", "TTL"},
    "Include": _ASL_BASE | {"Template", "EntryPoint", "ExitPoint", "Override"},
    "Workflow": _ASL_BASE | {"WorkflowId", "Input", "Timeout"},
}

# Agent-native blocks: accepted on every state type (spec chapters 3-9).
AGENT_STATE_FIELDS: Final = frozenset(
    {
        "Memory",
        "Context",
        "Tools",
        "Budget",
        "Guardrails",
        "Reasoning",
        "Streaming",
        "Progress",
        "Events",
        "Feedback",
        "Cache",
        "Audit",
        "Idempotent",
        "IdempotencyKey",
        "CacheResult",
        "CacheTTL",
        "Metadata",
        "Model",
        "Generation",
        "CircuitBreaker",
    }
)

# Fields AWS accepts only in JSONPath states, and only in JSONata states.
JSONPATH_ONLY: Final = frozenset(
    {
        "InputPath",
        "OutputPath",
        "Parameters",
        "ResultSelector",
        "ResultPath",
        "Result",
        "ItemsPath",
        "SecondsPath",
        "TimestampPath",
        "TimeoutSecondsPath",
        "HeartbeatSecondsPath",
        "ErrorPath",
        "CausePath",
        "MaxConcurrencyPath",
        "ToleratedFailurePercentagePath",
        "ToleratedFailureCountPath",
    }
)
JSONATA_ONLY: Final = frozenset({"Arguments", "Output", "Items"})

# The same split inside the objects a state holds: a catcher, a JSONPath choice rule,
# a Map's ItemReader (and its ReaderConfig), ItemBatcher and ResultWriter.
NESTED_JSONPATH_ONLY: Final[dict[str, frozenset[str]]] = {
    "catcher": frozenset({"ResultPath"}),
    "ItemReader": frozenset({"Parameters"}),
    "ReaderConfig": frozenset({"MaxItemsPath"}),
    "ItemBatcher": frozenset({"MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath"}),
    "ResultWriter": frozenset({"Parameters"}),
}
NESTED_JSONATA_ONLY: Final[dict[str, frozenset[str]]] = {
    "catcher": frozenset({"Output"}),
    "choice rule": frozenset({"Output", "Condition"}),
    "ItemReader": frozenset({"Arguments"}),
    "ResultWriter": frozenset({"Arguments"}),
}

# Fields whose value, in a JSONata state, may be or may hold "{% %}" expressions (nested
# objects and arrays included).  Assign is walked value by value.
JSONATA_VALUE_FIELDS: Final = frozenset(
    {
        "Arguments",
        "Output",
        "Items",
        "ItemSelector",
        "Seconds",
        "Timestamp",
        "TimeoutSeconds",
        "HeartbeatSeconds",
        "MaxConcurrency",
        "ToleratedFailurePercentage",
        "ToleratedFailureCount",
        "Error",
        "Cause",
        "Credentials",
        "ItemReader",
        "ItemBatcher",
        "ResultWriter",
        # ASL's own fields that take data.
        "Input",
        "Prompt",
        "Topic",
    }
)

# Fields whose value is a structure of their own; they never take a ".$" twin.
STRUCTURAL_FIELDS: Final = frozenset(
    {
        "Type",
        "Comment",
        "QueryLanguage",
        "Next",
        "End",
        "Default",
        "Choices",
        "Branches",
        "Iterator",
        "ItemProcessor",
        "Retry",
        "Catch",
        "Parameters",
        "ResultSelector",
        "ItemSelector",
        "Assign",
        "Arguments",
        "Output",
    }
)

TOP_LEVEL_FIELDS: Final = frozenset(
    {"StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage"}
)
AGENT_TOP_LEVEL_FIELDS: Final = frozenset(
    {
        "Budget",
        "Checkpointing",
        "Imports",
        "DefaultTools",
        "ToolCategories",
        "Memory",
        "Progress",
        "Events",
        "RealTime",
        "Metadata",
        "Observability",
        "_lock",
        # Template and module files (composition, spec chapter 10).
        "Parameters",
        "Module",
        "Exports",
    }
)

SUB_MACHINE_FIELDS: Final = frozenset({"StartAt", "States", "Comment"})
PROCESSOR_FIELDS: Final = SUB_MACHINE_FIELDS | {"ProcessorConfig"}

# Workflow variables (Assign): AWS's limits.
MAX_VARIABLE_NAME_LENGTH: Final = 80
MAX_VARIABLE_BYTES: Final = 256 * 1024  # one variable, and one Assign block in all
RESERVED_VARIABLES: Final = frozenset({"states"})

RETRIER_FIELDS: Final = frozenset(
    {
        "ErrorEquals",
        "IntervalSeconds",
        "MaxAttempts",
        "BackoffRate",
        "MaxDelaySeconds",
        "JitterStrategy",
        "Comment",
    }
)
CATCHER_FIELDS: Final = frozenset(
    {"ErrorEquals", "Next", "ResultPath", "Comment", "Assign", "Output"}
)
# Names the ASL documents use for a field AWS spells differently.
ALIASES: Final = {"MaxIntervalSeconds": "MaxDelaySeconds"}

ITEM_BATCHER_FIELDS: Final = frozenset(
    {
        "MaxItemsPerBatch",
        "MaxItemsPerBatchPath",
        "MaxInputBytesPerBatch",
        "MaxInputBytesPerBatchPath",
        "BatchInput",
    }
)

# Every field some state type knows: a misplaced one is an error, not a typo.
KNOWN_STATE_FIELDS: Final = frozenset().union(*STATE_FIELDS.values()) | AGENT_STATE_FIELDS

MAX_STATE_NAME_LENGTH: Final = 80
