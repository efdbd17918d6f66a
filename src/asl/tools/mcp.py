"""Tools served by an MCP server over stdio (the ``mcp`` package, extra ``mcp``).

The server process is started on first use inside the running event loop and
kept for the loop's life by one owner task (the MCP client must be entered and
left in the same task); each ``engine.run()`` has its own loop, so it gets its
own connection, which ends with the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import Mapping, Sequence
from typing import Any

from asl.language.errors import TASK_FAILED, ASLError

from .registry import Tool

_Request = tuple[str, Any, "asyncio.Future[Any]"]


class McpServer:
    """One stdio MCP server: ``command args...``; its tools are named ``prefix + name``."""

    def __init__(
        self,
        command: str,
        args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        prefix: str = "",
        name: str | None = None,
    ) -> None:
        self.command = command
        self.args = list(args)
        self.env = dict(env) if env is not None else None
        self.prefix = prefix
        self.name = name or command
        self._queues: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, asyncio.Queue[_Request]
        ] = weakref.WeakKeyDictionary()
        self._owners: set[asyncio.Task[None]] = set()

    async def list_tools(self) -> list[Tool]:
        listed = await self._ask("list", None)
        return [self._tool(item) for item in listed]

    def _tool(self, item: Any) -> Tool:
        remote = item.name

        async def call(**arguments: Any) -> Any:
            return await self._ask("call", (remote, arguments))

        return Tool(
            self.prefix + remote,
            item.description or "",
            dict(item.input_schema or {"type": "object"}),
            call,
            True,
            "mcp",
            None,
            server=self.name,
        )

    async def _ask(self, kind: str, payload: Any) -> Any:
        loop = asyncio.get_running_loop()
        queue = self._queues.get(loop)
        if queue is None:
            queue = self._queues[loop] = asyncio.Queue()
            ready: asyncio.Future[None] = loop.create_future()
            owner = loop.create_task(self._own(queue, ready), name=f"mcp:{self.name}")
            self._owners.add(owner)
            owner.add_done_callback(self._owners.discard)
            try:
                await ready
            except BaseException:
                self._queues.pop(loop, None)
                raise
        answer: asyncio.Future[Any] = loop.create_future()
        await queue.put((kind, payload, answer))
        return await answer

    async def _own(self, queue: asyncio.Queue[_Request], ready: asyncio.Future[None]) -> None:
        """Hold the connection; serve requests until the loop ends."""
        try:
            from mcp import Client, StdioServerParameters
        except ImportError:
            ready.set_exception(
                ASLError(
                    TASK_FAILED,
                    "MCP tools need the mcp package: pip install 'agent-state-language[mcp]'",
                )
            )
            return
        parameters = StdioServerParameters(command=self.command, args=self.args, env=self.env)
        try:
            async with Client(parameters) as client:
                ready.set_result(None)
                while True:
                    kind, payload, answer = await queue.get()
                    try:
                        answer.set_result(await self._serve(client, kind, payload))
                    except Exception as error:  # the caller gets it
                        if not answer.done():
                            answer.set_exception(error)
        except Exception as error:
            if not ready.done():
                ready.set_exception(
                    ASLError(
                        TASK_FAILED,
                        f"Cannot start the MCP server '{self.name}' ({self.command}): {error}",
                    )
                )
        finally:
            with contextlib.suppress(RuntimeError):
                self._queues.pop(asyncio.get_running_loop(), None)

    async def _serve(self, client: Any, kind: str, payload: Any) -> Any:
        if kind == "list":
            return list((await client.list_tools()).tools)
        name, arguments = payload
        result = await client.call_tool(name, arguments)
        texts = [getattr(c, "text", "") for c in result.content if getattr(c, "text", None)]
        if result.is_error:
            raise ASLError(
                TASK_FAILED,
                f"MCP tool '{self.prefix}{name}' failed: {' '.join(texts) or 'no message'}",
            )
        structured = result.structured_content
        if isinstance(structured, dict):
            return structured.get("result", structured) if len(structured) == 1 else structured
        return "\n".join(texts)
