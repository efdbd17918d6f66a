"""Governed tools: registry, permissions, rate limits, sandbox, built-ins.

Agents reach tools only through ``await context.call_tool(name, arguments)``;
the state's Tools block (merged with the workflow's DefaultTools) is applied
there, at the moment of the call. The submodules are imported where they are
used (``asl.tools.registry``, ``asl.tools.policy`` ...), so importing the
engine does not pay for the network or sandbox code.
"""
