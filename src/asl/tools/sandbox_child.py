"""Runs inside the sandbox: call one tool function, print its JSON result.

Kept free of the engine's imports so the sandbox needs only the tool's own
module. Reads ``{"module", "qualname", "arguments", "path"}`` from stdin and
writes ``{"ok": true, "result": ...}`` or ``{"ok": false, "error", "cause"}``
as the last line of stdout; whatever the tool prints goes to stderr.
"""

import importlib
import inspect
import json
import sys
from typing import Any


def main() -> None:
    request = json.loads(sys.stdin.read())
    sys.path[:0] = request["path"]
    out = sys.stdout
    sys.stdout = sys.stderr
    try:
        target: Any = importlib.import_module(request["module"])
        for part in request["qualname"].split("."):
            target = getattr(target, part)
        result = target(**request["arguments"])
        if inspect.iscoroutine(result):
            import asyncio

            result = asyncio.run(result)
        reply = {"ok": True, "result": result}
    except BaseException as error:  # reported to the engine, which names it
        name = getattr(error, "error", None)
        reply = {
            "ok": False,
            "error": name if isinstance(name, str) else type(error).__name__,
            "cause": getattr(error, "cause", None) or str(error) or type(error).__name__,
        }
    out.write("\n" + json.dumps(reply) + "\n")
    out.flush()


main()
