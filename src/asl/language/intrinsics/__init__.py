"""Intrinsic functions (``States.Format(...)`` and friends), compiled once.

Pipeline: ``lexer`` (tokens with columns) -> ``parser`` (frozen AST in ``ast``)
-> ``compiler`` (closures). ``table.FUNCTIONS`` lists every function with its
declared signature; ``signature.checked`` is the one argument checker.

Run-time failures are ``ASLError("States.Runtime", cause)``, worded as AWS
words them; syntax errors and unknown names are ``IntrinsicError`` at compile time.
"""

from asl.language.intrinsics.compiler import Intrinsic, compile_intrinsic, is_intrinsic
from asl.language.intrinsics.signature import FunctionSpec
from asl.language.intrinsics.table import FUNCTIONS

__all__ = ["FUNCTIONS", "FunctionSpec", "Intrinsic", "compile_intrinsic", "is_intrinsic"]
