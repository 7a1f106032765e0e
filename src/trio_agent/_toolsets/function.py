"""``FunctionToolset``: Python functions as tools; an agent's own ``@agent.tool`` functions are one of these.

Calls. An async function is awaited in the run's task; a sync one runs in a worker thread, in a slot of the
toolset's ``thread_limiter`` (one limiter per ``trio.run`` by default, see :mod:`trio_agent._tools.threads`),
taken before the timeout starts. A call that takes longer than its timeout (the tool's, else the toolset's) is
abandoned and the model is asked to retry (``ModelRetry('Timed out after {t} seconds.')``); its ``RunContext``
can no longer enqueue.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Sequence
from typing import Any, Concatenate, NoReturn, overload

import trio
from typing_extensions import ParamSpec, TypeVar

from .._exceptions import ModelRetry, UserError
from .._run_context import RunContext
from .._tools.docstrings import DocstringFormat
from .._tools.function_schema import FunctionSchema
from .._tools.threads import take_slot
from .._tools.tool import Tool, ToolPrepareFunc
from .abstract import AbstractToolset, ToolsetTool

__all__ = ["AgentFunctionToolset", "FunctionToolset", "FunctionToolsetTool"]

DepsT = TypeVar("DepsT", default=None, contravariant=True)
P = ParamSpec("P")
R = TypeVar("R")


class _KeywordArguments:
    """A tool function's argument validator whose result is the call's keyword arguments."""

    __slots__ = ("_schema",)

    def __init__(self, schema: FunctionSchema) -> None:
        self._schema = schema

    def validate_json(self, input: str | bytes | bytearray, **_: Any) -> dict[str, Any]:
        return self._schema.validate(input if isinstance(input, str) else bytes(input).decode())

    def validate_python(self, input: Any, **_: Any) -> dict[str, Any]:
        return self._schema.validate(input)


@dataclasses.dataclass(kw_only=True)
class FunctionToolsetTool(ToolsetTool[DepsT]):
    """A function tool as offered for a step."""

    function_tool: Tool[Any]
    timeout: float | None


class FunctionToolset(AbstractToolset[DepsT]):
    """Python functions as tools: given to the constructor (functions or :class:`~trio_agent.tools.Tool`\\ s),
    or added with ``@toolset.tool`` / ``@toolset.tool_plain`` / :meth:`add_function` / :meth:`add_tool`.

    Args:
        tools: The initial tools.
        max_retries: The retry budget of tools that set none.
        timeout: Seconds a call of a tool that sets none may take before the model is asked to retry.
        docstring_format: How the docstrings of tools added here are read (see :class:`~trio_agent.tools.Tool`).
        require_parameter_descriptions: Whether tools added here must describe every parameter.
        strict: The ``strict`` of tools added here that set none.
        sequential: Whether tools added here run alone, by default.
        requires_approval: Whether calls of tools added here need approval, by default.
        metadata: Merged under each tool's own metadata.
        id: Unique among the agent's toolsets (durable execution names its steps by it).
        thread_limiter: Bounds the sync tools of this toolset running in threads at once; the ``trio.run``'s
            tool-thread limiter if ``None``.
    """

    def __init__(
        self,
        tools: Sequence[Tool[Any] | Callable[..., Any]] = (),
        *,
        max_retries: int = 1,
        timeout: float | None = None,
        docstring_format: DocstringFormat = "auto",
        require_parameter_descriptions: bool = False,
        strict: bool | None = None,
        sequential: bool = False,
        requires_approval: bool = False,
        metadata: dict[str, Any] | None = None,
        id: str | None = None,
        thread_limiter: trio.CapacityLimiter | None = None,
    ) -> None:
        self.max_retries = max_retries
        self.timeout = timeout
        self.docstring_format: DocstringFormat = docstring_format
        self.require_parameter_descriptions = require_parameter_descriptions
        self.strict = strict
        self.sequential = sequential
        self.requires_approval = requires_approval
        self.metadata = metadata
        self.thread_limiter = thread_limiter
        self._id = id
        self.tools: dict[str, Tool[Any]] = {}
        self._static: dict[str, ToolsetTool[DepsT]] | None = None
        for tool in tools:
            self.add_tool(tool) if isinstance(tool, Tool) else self.add_function(tool)

    @property
    def id(self) -> str | None:
        return self._id

    def __repr__(self) -> str:
        return f"{type(self).__name__}(tools={list(self.tools)!r})"

    # -- adding tools ---------------------------------------------------------------------------------

    @overload
    def tool(
        self, func: Callable[Concatenate[RunContext[DepsT], P], R], /
    ) -> Callable[Concatenate[RunContext[DepsT], P], R]: ...
    @overload
    def tool(
        self, /, **options: Any
    ) -> Callable[[Callable[Concatenate[RunContext[DepsT], P], R]], Callable[Concatenate[RunContext[DepsT], P], R]]: ...
    def tool(self, func: Callable[..., Any] | None = None, /, **options: Any) -> Any:
        """Add a tool whose first parameter is the :class:`RunContext` (``@toolset.tool`` or
        ``@toolset.tool(retries=2, ...)``, options as for :meth:`add_function`). Returns the function unchanged."""

        def register(function: Callable[..., Any]) -> Callable[..., Any]:
            self.add_function(function, takes_ctx=True, **options)
            return function

        return register if func is None else register(func)

    @overload
    def tool_plain(self, func: Callable[P, R], /) -> Callable[P, R]: ...
    @overload
    def tool_plain(self, /, **options: Any) -> Callable[[Callable[P, R]], Callable[P, R]]: ...
    def tool_plain(self, func: Callable[..., Any] | None = None, /, **options: Any) -> Any:
        """Add a tool that takes no :class:`RunContext` (``@toolset.tool_plain``). Returns the function unchanged."""

        def register(function: Callable[..., Any]) -> Callable[..., Any]:
            self.add_function(function, takes_ctx=False, **options)
            return function

        return register if func is None else register(func)

    def add_function(
        self,
        func: Callable[..., Any],
        takes_ctx: bool | None = None,
        name: str | None = None,
        description: str | None = None,
        retries: int | None = None,
        prepare: ToolPrepareFunc | None = None,
        docstring_format: DocstringFormat | None = None,
        require_parameter_descriptions: bool | None = None,
        strict: bool | None = None,
        sequential: bool | None = None,
        requires_approval: bool | None = None,
        metadata: dict[str, Any] | None = None,
        timeout: float | None = None,
    ) -> None:
        """Add ``func`` as a tool; unset options take the toolset's defaults (see :class:`~trio_agent.tools.Tool`)."""
        self.add_tool(
            Tool(
                func,
                takes_ctx=takes_ctx,
                name=name,
                description=description,
                max_retries=retries,
                prepare=prepare,
                docstring_format=self.docstring_format if docstring_format is None else docstring_format,
                require_parameter_descriptions=(
                    self.require_parameter_descriptions
                    if require_parameter_descriptions is None
                    else require_parameter_descriptions
                ),
                strict=self.strict if strict is None else strict,
                sequential=self.sequential if sequential is None else sequential,
                requires_approval=self.requires_approval if requires_approval is None else requires_approval,
                metadata=metadata,
                timeout=timeout,
            )
        )

    def add_tool(self, tool: Tool[Any]) -> None:
        """Add a :class:`~trio_agent.tools.Tool`; ``UserError`` if the toolset has one of that name."""
        if tool.name in self.tools:
            raise UserError(f"Tool name conflicts with an existing tool of {self.label}: {tool.name!r}")
        if tool.max_retries is None:  # the toolset's default becomes the tool's own, as in the reference
            tool = copy.copy(tool)
            tool.max_retries = self.max_retries
        self.tools[tool.name] = tool
        self._static = None

    # -- listing and calling --------------------------------------------------------------------------

    def _offered(self, tool: Tool[Any], tool_def: Any) -> FunctionToolsetTool[DepsT]:
        if self.metadata is not None:
            tool_def = dataclasses.replace(tool_def, metadata=self.metadata | (tool_def.metadata or {}))
        return FunctionToolsetTool(
            toolset=self,
            tool_def=tool_def,
            max_retries=self.max_retries if tool.max_retries is None else tool.max_retries,
            args_validator=_KeywordArguments(tool.function_schema),
            function_tool=tool,
            timeout=self.timeout if tool.timeout is None else tool.timeout,
        )

    def static_tools(self) -> dict[str, ToolsetTool[DepsT]] | None:
        """The tools every step offers, if no tool has a ``prepare`` function (made once, until a tool is
        added); ``None`` if what is offered depends on the step."""
        if any(tool.prepare is not None for tool in self.tools.values()):
            return None
        if self._static is None:
            self._static = {name: self._offered(tool, tool.tool_def) for name, tool in self.tools.items()}
        return self._static

    async def get_tools(self, ctx: RunContext[DepsT]) -> dict[str, ToolsetTool[DepsT]]:
        static = self.static_tools()
        if static is not None:
            return dict(static)
        tools: dict[str, ToolsetTool[DepsT]] = {}
        for original_name, tool in self.tools.items():
            max_retries = self.max_retries if tool.max_retries is None else tool.max_retries
            step_ctx = dataclasses.replace(
                ctx, tool_name=original_name, retry=ctx.retries.get(original_name, 0), max_retries=max_retries
            )
            tool_def = await tool.prepared_def(step_ctx)
            if tool_def is None:
                continue
            if tool_def.name in tools:
                if tool_def.name == original_name:  # an earlier tool's `prepare` took this tool's name
                    raise UserError(
                        f"Tool name conflicts with previously renamed tool: {original_name!r}. (Another tool's "
                        f"`prepare` function of {self.label} renamed it to this name.)"
                    )
                raise UserError(
                    f"Renaming tool {original_name!r} to {tool_def.name!r} conflicts with existing tool. (The `prepare` "
                    f"function of tool {original_name!r} renamed it to a name another tool of {self.label} already has.)"
                )
            tools[tool_def.name] = self._offered(tool, tool_def)
        return tools

    async def call_tool(
        self, name: str, tool_args: dict[str, Any], ctx: RunContext[DepsT], tool: ToolsetTool[DepsT]
    ) -> Any:
        assert isinstance(tool, FunctionToolsetTool), "call_tool needs the tool this toolset's get_tools returned"
        return await self.call(tool, tool_args, ctx)

    async def call(self, tool: FunctionToolsetTool[Any], tool_args: dict[str, Any], ctx: RunContext[Any] | None) -> Any:
        """Call ``tool`` (as :meth:`call_tool` does); the engine passes ``ctx=None`` for a tool that needs no
        context (its function has no ``RunContext`` parameter and it has no ``args_validator``), saving its
        construction."""
        function_tool: Tool[Any] = tool.function_tool
        timeout = tool.timeout
        if function_tool.function_schema.is_async:
            if timeout is None:
                return await function_tool.call(tool_args, ctx)
            with trio.move_on_after(timeout):
                return await function_tool.call(tool_args, ctx)
            return _timed_out(ctx, timeout)
        # A sync tool's thread slot is taken first: its timeout counts from the call, not from the queue.
        slot = await take_slot(self.thread_limiter, function_tool.name)
        try:
            if timeout is None:
                return await function_tool.call(tool_args, ctx, slot=slot)
            with trio.move_on_after(timeout):
                return await function_tool.call(tool_args, ctx, slot=slot)
            return _timed_out(ctx, timeout)
        finally:
            if not slot.used:
                slot.give_back()  # the call never reached its thread


def _timed_out(ctx: RunContext[Any] | None, timeout: float) -> NoReturn:
    if ctx is not None:
        ctx._abandon("timed out")
    raise ModelRetry(f"Timed out after {timeout} seconds.")


AGENT_TOOLSET_ID = "<agent>"
"""The id of an agent's own function toolset, set as ``ToolDefinition.toolset_id`` of its tools."""


class AgentFunctionToolset(FunctionToolset[DepsT]):
    """An agent's own tools (``tools=`` and ``@agent.tool``), with the agent's retries, ``tool_timeout`` and
    ``thread_limiter``."""

    @property
    def id(self) -> str:
        """``'<agent>'``: the ``toolset_id`` of the agent's tools' definitions, as the reference API has it."""
        return AGENT_TOOLSET_ID

    @property
    def label(self) -> str:
        return "the agent"

    def _offered(self, tool: Tool[Any], tool_def: Any) -> FunctionToolsetTool[DepsT]:
        if tool_def.toolset_id is None:
            tool_def = dataclasses.replace(tool_def, toolset_id=AGENT_TOOLSET_ID)
        return super()._offered(tool, tool_def)
