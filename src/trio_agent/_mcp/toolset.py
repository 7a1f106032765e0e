"""``MCPToolset``: an MCP server's tools offered to an agent, and its resources and prompts to you.

Lifetimes (see :mod:`trio_agent._toolsets.abstract` and :mod:`.lifetime`). ``async with toolset:`` starts the
server (or opens the HTTP session) and ``initialize``\\ s it, in the current task; blocks nest, and other tasks may
enter too (the first task owns the session and closes it last, once every other holder has exited). A run asks
the toolset for its instance (:meth:`MCPToolset.for_run`): an open toolset (``async with toolset:`` or
``async with agent:`` around the run) is *borrowed* -- the run lists and calls through the open session and
never opens or closes it; a closed one gives the run a copy of itself, which the run opens in a task of its own
nursery and closes when it ends (so each run starts its own server process).

Calls. Each tool call is a ``tools/call`` request on the session; calls from one model response run at once on
the one session. Cancelling a call (cancelling the run) sends the server ``notifications/cancelled`` and leaves
the session usable. A call that takes longer than ``read_timeout`` is cancelled the same way and the model is
asked to retry.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from typing import Any, ClassVar, Literal, Protocol, Self, TypeAlias, cast

import httpx2
import mcp_types
import pydantic_core
from mcp.client.session import ElicitationFnT, LoggingFnT, MessageHandlerFnT, SamplingFnT
from mcp.client.stdio import StdioServerParameters

from .._capabilities.durability import LISTING, DurableStep, StepKind
from .._exceptions import ModelRetry, ToolFailed
from .._messages.content import BinaryContent
from .._run_context import RunContext
from .._tools.definitions import ToolDefinition
from .._toolsets.abstract import AbstractToolset, ToolsetTool
from ..models import Model
from .catalog import ServerCatalog
from .elicitation import ElicitationHandler, elicitation_callback
from .errors import MCPConnectionError, MCPError, MCPToolError
from .lifetime import Lifetime
from .results import error_text, linked_uris, map_tool_result
from .sampling import SamplingHandler, sampling_callback
from .session import Session, SessionOptions
from .transports import ServerSpec, resolve_server
from .types import ServerCapabilities

__all__ = ["CallToolFunc", "MCPToolset", "MCPToolsetTool", "ProcessToolCallback", "ToolErrorBehavior", "ToolResult"]

ToolErrorBehavior: TypeAlias = Literal["retry", "error", "failed"]
"""What a tool's error result (``isError``) becomes: see :attr:`MCPToolset.tool_error_behavior`."""

ToolResult: TypeAlias = str | BinaryContent | dict[str, Any] | list[Any]
"""What an MCP tool call returns (see :mod:`trio_agent._mcp.results` for the mapping)."""


class CallToolFunc(Protocol):
    """Calls a tool of the server (:meth:`MCPToolset.direct_call_tool`); passed to ``process_tool_call``."""

    async def __call__(self, name: str, args: dict[str, Any], metadata: dict[str, Any] | None = None) -> Any: ...


ProcessToolCallback: TypeAlias = Callable[[RunContext[Any], CallToolFunc, str, dict[str, Any]], Awaitable[Any]]
"""``process_tool_call(ctx, call_tool, name, args)``: wraps each call the model makes (add request ``metadata``
with ``call_tool(name, args, metadata={...})``, change arguments or the result, refuse, log); ``name`` is the
tool's name on the server (without any ``tool_prefix``)."""

ARGS_VALIDATOR = pydantic_core.SchemaValidator(
    pydantic_core.core_schema.dict_schema(
        pydantic_core.core_schema.str_schema(), pydantic_core.core_schema.any_schema()
    )
)
"""The arguments of an MCP tool are checked by the server; here they need only be a JSON object."""

_BEHAVIORS = ("retry", "error", "failed")


@dataclasses.dataclass(kw_only=True)
class MCPToolsetTool(ToolsetTool[Any]):
    """An MCP server's tool as offered for a step."""

    mcp_tool: mcp_types.Tool
    """The server's definition of the tool (called by its ``name``, whatever the model calls it)."""


class MCPToolset(ServerCatalog, AbstractToolset[Any]):
    """An MCP server as a toolset: its tools offered to the agent, its resources and prompts to you.

    Name the server by a Python script (run with the current interpreter over stdio), a command, or a URL::

        MCPToolset('weather_server.py')
        MCPToolset(['uvx', 'mcp-run-python', 'stdio'])        # or MCPToolset('uvx', args=[...])
        MCPToolset('http://127.0.0.1:8000/mcp', headers={'Authorization': 'Bearer ...'})

    Args:
        server: The script, command or URL (see :mod:`trio_agent._mcp.transports`).
        args: For a command or script: its extra arguments.
        env: For a command or script: environment variables (merged over a safe default environment).
        cwd: For a command or script: its working directory.
        headers: For a URL: HTTP headers (not with ``http_client``).
        http_client: For a URL: a ready ``httpx2.AsyncClient``.
        id: Unique among the agent's toolsets.
        max_retries: How many failed calls of a tool are sent back to the model before the run fails.
        tool_error_behavior: What a tool's error result becomes (see the attribute).
        process_tool_call: Wraps each call (see :data:`ProcessToolCallback`).
        cache_tools: Keep the tool list for the session, until the server says it changed
            (``notifications/tools/list_changed``).
        cache_resources: The same for the resource list.
        cache_prompts: The same for the prompt list.
        include_instructions: Add the server's ``initialize`` instructions to the agent's instructions.
        sampling_model: A model that answers the server's ``sampling/createMessage`` requests.
        sampling_handler: Or a function that does (see :data:`~trio_agent.mcp.SamplingHandler`); not both.
        elicitation_handler: Answers the server's ``elicitation/create`` requests (see
            :data:`~trio_agent.mcp.ElicitationHandler`).
        log_handler: Receives the server's log messages.
        log_level: The level of log messages to ask the server for.
        message_handler: Called with every notification the server sends (after the toolset's own handling).
        client_info: How the client introduces itself in ``initialize``.
        init_timeout: Seconds the server may take to answer ``initialize``.
        read_timeout: Seconds any request (a tool call, a listing) may take; a tool call that takes longer is
            cancelled on the server and the model is asked to retry.

    Resource handling: nothing runs until the toolset is entered (``async with toolset:``, ``async with
    agent:``, or a run); the block that opens the session closes it, in the task that opened it, and the server
    process is stopped then (stdin closed, then terminated, then killed, each step bounded). If several tasks
    enter it, the first owns the session and its last exit waits until every other task has exited. The
    resource and prompt methods (and :meth:`list_tools`, :meth:`direct_call_tool`) called while it is closed
    open a session for the call alone.

    Error handling: a lost connection (the process exited, the HTTP session ended or its transport failed) is
    :class:`~trio_agent.mcp.MCPConnectionError`, naming the server, for the call in flight and every later one
    until the toolset is exited and entered again; the block that entered the toolset is not cancelled by it. A
    tool's error result is what ``tool_error_behavior`` says; other error answers are
    :class:`~trio_agent.mcp.MCPError`.
    """

    durable_step_kind: ClassVar[StepKind] = "mcp"
    """A durable run records this server's tool calls as MCP steps (see :mod:`trio_agent._capabilities.durability`)."""

    tool_error_behavior: ToolErrorBehavior
    """What a tool's error result (``isError``) becomes: ``'retry'`` (the default) asks the model to retry
    (``ModelRetry`` with the server's error text, counted against ``max_retries``); ``'error'`` raises
    :class:`~trio_agent.mcp.MCPToolError` (and a protocol error :class:`~trio_agent.mcp.MCPError`) out of the
    run; ``'failed'`` raises :class:`~trio_agent.exceptions.ToolFailed`, so the model sees the error text as the
    call's result (a ``ToolReturnPart`` with ``outcome='failed'``), without using a retry. A
    protocol error or a timeout (the server did not run the tool) is a retry under ``'failed'`` too."""

    tool_prefix: str | None = None
    """A prefix for the tools' names (``f'{prefix}_{name}'``); the legacy forms' option, ``.prefixed()`` here."""

    _read_resource_links = False
    """Whether a resource link in a tool's result is read and returned as content (the legacy forms), rather than
    returned as its URI."""

    def __init__(
        self,
        server: str | os.PathLike[str] | Sequence[str] | StdioServerParameters,
        *,
        args: Sequence[str] | None = None,
        env: dict[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        headers: dict[str, str] | None = None,
        http_client: httpx2.AsyncClient | None = None,
        id: str | None = None,
        max_retries: int = 1,
        tool_error_behavior: ToolErrorBehavior = "retry",
        process_tool_call: ProcessToolCallback | None = None,
        cache_tools: bool = True,
        cache_resources: bool = True,
        cache_prompts: bool = True,
        include_instructions: bool = False,
        sampling_model: Model | None = None,
        sampling_handler: SamplingHandler | None = None,
        elicitation_handler: ElicitationHandler | None = None,
        log_handler: LoggingFnT | None = None,
        log_level: mcp_types.LoggingLevel | None = None,
        message_handler: MessageHandlerFnT | None = None,
        client_info: mcp_types.Implementation | None = None,
        init_timeout: float = 5,
        read_timeout: float | None = 300,
    ) -> None:
        if tool_error_behavior not in _BEHAVIORS:
            raise ValueError(f"`tool_error_behavior` must be one of {_BEHAVIORS}, not {tool_error_behavior!r}.")
        if sampling_model is not None and sampling_handler is not None:
            raise ValueError("Pass either `sampling_model` or `sampling_handler`, not both.")
        self.server: ServerSpec = resolve_server(
            server, args=args, env=env, cwd=cwd, headers=headers, http_client=http_client
        )
        """Where the server is (a stdio command, or an HTTP URL)."""
        self._id = id
        self.max_retries = max_retries
        self.tool_error_behavior = tool_error_behavior
        self.process_tool_call = process_tool_call
        self.cache_tools = cache_tools
        self.cache_resources = cache_resources
        self.cache_prompts = cache_prompts
        self.include_instructions = include_instructions
        self.sampling_model = sampling_model
        self.sampling_handler = sampling_handler
        self.elicitation_handler = elicitation_handler
        self.log_handler = log_handler
        self.log_level: mcp_types.LoggingLevel | None = log_level
        self.message_handler = message_handler
        self.client_info = client_info
        self.init_timeout = init_timeout
        self.read_timeout = read_timeout
        self._elicitation: ElicitationFnT | None = (
            elicitation_callback(elicitation_handler) if elicitation_handler is not None else None
        )
        self._lifetime = Lifetime(self._open_session, self.label)

    # -- naming ---------------------------------------------------------------------------------------

    @property
    def id(self) -> str | None:
        return self._id

    @property
    def label(self) -> str:
        return repr(self)

    @property
    def tool_name_conflict_hint(self) -> str:
        return 'Wrap one of the MCP toolsets in `.prefixed("...")` to tell the servers\' tools apart.'

    def __repr__(self) -> str:
        shown = [repr(self.server.describe())]
        if self._id is not None:
            shown.append(f"id={self._id!r}")
        return f"{type(self).__name__}({', '.join(shown)})"

    # -- lifetime -------------------------------------------------------------------------------------

    async def _open_session(self, stack: AsyncExitStack) -> Session:
        options = SessionOptions(
            init_timeout=self.init_timeout,
            read_timeout=self.read_timeout,
            sampling=self._sampling_callback(),
            elicitation=self._elicitation,
            log_handler=self.log_handler,
            log_level=self.log_level,
            message_handler=self.message_handler,
            client_info=self.client_info,
        )
        return await Session.open(stack, self.server, options)

    def _sampling_callback(self) -> SamplingFnT | None:
        return sampling_callback(self.sampling_model, self.sampling_handler)

    def set_sampling_model(self, model: Model) -> None:
        """Answer the server's sampling requests with ``model`` from the next session on (one open now keeps
        what it had)."""
        self.sampling_model = model
        self.sampling_handler = None

    async def __aenter__(self) -> Self:
        """Start the server (or open the HTTP session) and initialize it, in this task; nested or concurrent
        entries reuse the open session (see the class docstring)."""
        await self._lifetime.enter()
        return self

    async def __aexit__(self, *args: Any) -> bool | None:
        """Release this entry; the owner's last exit closes the session (and stops the server process)."""
        await self._lifetime.exit()
        return None

    @property
    def is_running(self) -> bool:
        """Whether a session is open (someone is inside ``async with toolset:``, or a call opened one)."""
        return self._lifetime.state == "open"

    async def for_run(self, ctx: RunContext[Any]) -> AbstractToolset[Any]:
        """A borrowed view of this toolset when it is open (the run uses the open session, and neither opens nor
        closes it); otherwise a copy with the same configuration, which the run opens and closes itself."""
        if self.is_running:
            return _BorrowedMCPToolset(self)
        fresh = copy.copy(self)
        fresh._lifetime = Lifetime(fresh._open_session, fresh.label)
        return fresh

    def _session_fact(self, name: str) -> Session:
        session = self._lifetime.session
        if session is None:
            raise AttributeError(f"`{type(self).__name__}.{name}` is only available while the toolset is open.")
        return session

    @property
    def server_info(self) -> mcp_types.Implementation:
        """What the server said it is, in ``initialize`` (``AttributeError`` while the toolset is closed)."""
        info = self._session_fact("server_info").server_info
        assert info is not None
        return info

    @property
    def capabilities(self) -> ServerCapabilities:
        """What the server said it supports, in ``initialize`` (``AttributeError`` while closed)."""
        return self._session_fact("capabilities").capabilities

    @property
    def instructions(self) -> str | None:
        """The instructions the server sent in ``initialize`` (``AttributeError`` while closed)."""
        return self._session_fact("instructions").instructions

    # -- tools ----------------------------------------------------------------------------------------

    async def list_tools(self) -> list[mcp_types.Tool]:
        """The server's tools, as the SDK describes them (cached: see ``cache_tools``)."""
        async with self._lifetime.hold() as session:
            return await self._tools(session)

    async def _tools(self, session: Session) -> list[mcp_types.Tool]:
        return await session.tools.get(
            lambda: session.list_all("tools/list", session.sdk.list_tools, lambda page: page.tools),
            cached=self.cache_tools,
        )

    async def get_tools(self, ctx: RunContext[Any]) -> dict[str, ToolsetTool[Any]]:
        return await self._get_tools(borrowed=False)

    async def _get_tools(self, *, borrowed: bool) -> dict[str, ToolsetTool[Any]]:
        async with self._lifetime.hold(open_if_closed=not borrowed) as session:
            durable = LISTING.get()
            if durable is not None:  # a durable run: the listing is a recorded step, at every request
                durability, ctx = durable
                step = DurableStep("mcp", f"{self.id or self.label}.list_tools", lambda: self._tools(session))
                tools = [self._offer(mcp_tool) for mcp_tool in await durability.execute(ctx, step)]
                return {tool.tool_def.name: tool for tool in tools}

            async def offer() -> dict[str, ToolsetTool[Any]]:
                tools = [self._offer(mcp_tool) for mcp_tool in await self._tools(session)]
                return {tool.tool_def.name: tool for tool in tools}

            return dict(await session.offered.get(offer, cached=self.cache_tools))

    def _offer(self, mcp_tool: mcp_types.Tool) -> MCPToolsetTool:
        name = f"{self.tool_prefix}_{mcp_tool.name}" if self.tool_prefix else mcp_tool.name
        tool_def = ToolDefinition(
            name=name,
            description=mcp_tool.description,
            parameters_json_schema=mcp_tool.input_schema,
            metadata={
                "meta": mcp_tool.meta,
                "annotations": mcp_tool.annotations.model_dump() if mcp_tool.annotations else None,
                "output_schema": mcp_tool.output_schema or None,
            },
        )
        return MCPToolsetTool(
            toolset=self,
            tool_def=tool_def,
            max_retries=self.max_retries,
            args_validator=ARGS_VALIDATOR,
            mcp_tool=mcp_tool,
        )

    async def call_tool(
        self, name: str, tool_args: dict[str, Any], ctx: RunContext[Any], tool: ToolsetTool[Any]
    ) -> Any:
        return await self._call(name, tool_args, ctx, tool, borrowed=False)

    async def _call(
        self, name: str, tool_args: dict[str, Any], ctx: RunContext[Any], tool: ToolsetTool[Any], *, borrowed: bool
    ) -> Any:
        if isinstance(tool, MCPToolsetTool):
            mcp_name = tool.mcp_tool.name
        elif self.tool_prefix:
            mcp_name = name.removeprefix(f"{self.tool_prefix}_")
        else:
            mcp_name = name
        if self.process_tool_call is None:
            return await self._direct_call(mcp_name, tool_args, None, borrowed=borrowed)
        if mcp_name != name:
            ctx = dataclasses.replace(ctx, tool_name=mcp_name)

        async def call(name: str, args: dict[str, Any], metadata: dict[str, Any] | None = None) -> Any:
            return await self._direct_call(name, args, metadata, borrowed=borrowed)

        return await self.process_tool_call(ctx, call, mcp_name, tool_args)

    async def direct_call_tool(self, name: str, args: dict[str, Any], metadata: dict[str, Any] | None = None) -> Any:
        """Call tool ``name`` of the server (its own name, without a prefix) with ``args`` and request
        ``metadata`` (sent as ``_meta``); return its result as a run would, after ``tool_error_behavior``."""
        return await self._direct_call(name, args, metadata, borrowed=False)

    async def _direct_call(
        self, name: str, args: dict[str, Any], metadata: dict[str, Any] | None, *, borrowed: bool
    ) -> Any:
        async with self._lifetime.hold(open_if_closed=not borrowed) as session:
            meta = cast("mcp_types.RequestParamsMeta", metadata) if metadata else None
            try:
                result = await session.request(f"tools/call {name!r}", session.sdk.call_tool, name, args, meta=meta)
            except MCPConnectionError:
                raise
            except MCPError as exc:
                if self.tool_error_behavior == "error":
                    raise
                if exc.code == mcp_types.REQUEST_TIMEOUT:
                    raise ModelRetry(f"Timed out after {self.read_timeout} seconds.") from exc
                raise ModelRetry(exc.message) from exc
            links = None
            if self._read_resource_links and (uris := linked_uris(result)):
                links = {uri: await self._read(session, uri) for uri in uris}
        mapped = map_tool_result(result, prefer_structured=result.is_error, links=links)
        if not result.is_error:
            return mapped
        message = error_text(name, result, mapped)
        if self.tool_error_behavior == "retry":
            raise ModelRetry(message)
        if self.tool_error_behavior == "error":
            raise MCPToolError(
                f"Tool {name!r} of MCP server `{session.server}` failed: {message}",
                tool_name=name,
                content=mapped,
                server=session.server,
            )
        raise ToolFailed(message)  # 'failed': the model sees the failure as the call's result; no retry is used

    async def get_instructions(self, ctx: RunContext[Any]) -> str | list[str] | None:
        """The server's instructions (from ``initialize``), if ``include_instructions`` and the toolset is open."""
        if not self.include_instructions:
            return None
        session = self._lifetime.session
        return session.instructions if session is not None else None


class _BorrowedMCPToolset(AbstractToolset[Any]):
    """An open :class:`MCPToolset` as a run borrows it: entering and exiting it do nothing, listing and calling
    go through the open session (each call holding it, so the owner's exit waits for calls in flight)."""

    def __init__(self, origin: MCPToolset) -> None:
        self.origin = origin

    @property
    def id(self) -> str | None:
        return self.origin.id

    @property
    def label(self) -> str:
        return self.origin.label

    @property
    def tool_name_conflict_hint(self) -> str:
        return self.origin.tool_name_conflict_hint

    def __repr__(self) -> str:
        return f"borrowed {self.origin!r}"

    async def get_tools(self, ctx: RunContext[Any]) -> dict[str, ToolsetTool[Any]]:
        return await self.origin._get_tools(borrowed=True)

    async def call_tool(
        self, name: str, tool_args: dict[str, Any], ctx: RunContext[Any], tool: ToolsetTool[Any]
    ) -> Any:
        return await self.origin._call(name, tool_args, ctx, tool, borrowed=True)

    async def get_instructions(self, ctx: RunContext[Any]) -> str | list[str] | None:
        return await self.origin.get_instructions(ctx)
