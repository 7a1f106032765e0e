"""``Tool``: a function the model can call, with its schema, retry budget and execution options."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeAlias

import trio
from typing_extensions import TypeVar

from .._run_context import RunContext
from .definitions import ToolDefinition
from .docstrings import DocstringFormat
from .function_schema import FunctionSchema, function_schema, is_run_context
from .threads import ThreadSlot, run_in_thread, take_slot

__all__ = ["Tool", "ToolFuncContext", "ToolFuncEither", "ToolFuncPlain", "ToolPrepareFunc"]

DepsT = TypeVar("DepsT", default=None, contravariant=True)

ToolFuncContext: TypeAlias = Callable[..., Any]
"""A tool function whose first parameter is ``RunContext[...]``."""
ToolFuncPlain: TypeAlias = Callable[..., Any]
"""A tool function without a ``RunContext`` parameter."""
ToolFuncEither: TypeAlias = ToolFuncContext | ToolFuncPlain
ToolPrepareFunc: TypeAlias = Callable[
    [RunContext[Any], ToolDefinition], "Awaitable[ToolDefinition | None] | ToolDefinition | None"
]
"""``prepare(ctx, tool_def)``: the definition to offer for this step, or ``None`` to hide the tool."""


def _first_param_is_context(function: Callable[..., Any]) -> bool:
    params = list(inspect.signature(function).parameters.values())
    if not params:
        return False
    try:
        hints = typing.get_type_hints(function)
    except NameError:
        hints = {}
    return is_run_context(hints.get(params[0].name))


class Tool(Generic[DepsT]):
    """A function the model can call.

    Args:
        function: The tool's implementation, sync or async. Sync functions run in a worker thread (through a
            capacity limiter), so they never block the run. Python cannot stop a thread: if the step is
            cancelled, the run stops waiting at once but the thread runs on until the function returns, holding
            its limiter slot until then; what it returns or raises is discarded. A long sync tool can call
            ``trio.from_thread.check_cancelled()`` now and then: it raises ``trio.Cancelled`` once the run has
            abandoned the thread, so the tool can stop early.
        takes_ctx: Whether the first parameter is the :class:`RunContext`; detected from the annotation if
            ``None``.
        max_retries: How many failed attempts (invalid arguments, ``ModelRetry``) are sent back to the model
            before the run fails; the agent's ``retries`` if ``None``.
        name: The name the model calls it by; the function's name if ``None``.
        description: What the model is told the tool does; the docstring's summary if ``None``.
        sequential: Run this tool alone, after the calls before it and before the calls after it.
        timeout: Seconds a call may take before the model is asked to retry; the agent's ``tool_timeout``
            if ``None``.
        metadata: Application data kept on the tool definition; never sent to the model.
        strict: Ask providers that support it to enforce the schema strictly.
        prepare: Called before each model request with the run context and the tool's definition; returns the
            definition to offer for that step (possibly changed), or ``None`` to hide the tool for that step.
        requires_approval: Calls need a human's approval: they end the run with ``DeferredToolRequests`` as
            output, and a later run executes (or denies) them as ``deferred_tool_results=`` says.
        docstring_format: How to read the docstring: ``'auto'`` (detect), ``'google'``, ``'numpy'``, ``'sphinx'``.
        require_parameter_descriptions: Raise ``UserError`` if a parameter has no description in the docstring.
    """

    def __init__(
        self,
        function: Callable[..., Any],
        *,
        takes_ctx: bool | None = None,
        max_retries: int | None = None,
        name: str | None = None,
        description: str | None = None,
        sequential: bool = False,
        timeout: float | None = None,
        metadata: dict[str, Any] | None = None,
        strict: bool | None = None,
        prepare: ToolPrepareFunc | None = None,
        requires_approval: bool = False,
        docstring_format: DocstringFormat = "auto",
        require_parameter_descriptions: bool = False,
    ) -> None:
        self.function = function
        self.takes_ctx = _first_param_is_context(function) if takes_ctx is None else takes_ctx
        self.name = name or function.__name__
        self.max_retries = max_retries
        self.sequential = sequential
        self.timeout = timeout
        self.metadata = metadata
        self.strict = strict
        self.prepare = prepare
        self.requires_approval = requires_approval
        self.function_schema: FunctionSchema = function_schema(
            function,
            takes_ctx=self.takes_ctx,
            name=self.name,
            docstring_format=docstring_format,
            require_parameter_descriptions=require_parameter_descriptions,
        )
        self.description = description if description is not None else self.function_schema.description
        self._tool_def = ToolDefinition(
            name=self.name,
            parameters_json_schema=self.function_schema.json_schema,
            description=self.description,
            strict=self.strict,
            sequential=self.sequential,
            kind="unapproved" if requires_approval else "function",
            metadata=self.metadata,
            timeout=self.timeout,
        )

    @property
    def tool_def(self) -> ToolDefinition:
        """The definition sent to the model (before any ``prepare``)."""
        return self._tool_def

    async def prepared_def(self, ctx: RunContext[Any]) -> ToolDefinition | None:
        """The definition to offer at this step: ``prepare``'s answer, or the plain definition."""
        if self.prepare is None:
            return self._tool_def
        result = self.prepare(ctx, self._tool_def)
        if inspect.isawaitable(result):
            result = await result
        return result

    async def call(
        self,
        kwargs: dict[str, Any],
        ctx: RunContext[Any] | None,
        *,
        limiter: trio.CapacityLimiter | None = None,
        slot: ThreadSlot | None = None,
    ) -> Any:
        """Call the function with validated arguments: a sync one in a worker thread, in ``slot`` if one was taken
        (see :func:`take_thread_slot`), else in a slot of ``limiter`` (the run's tool-thread limiter if ``None``)."""
        schema = self.function_schema
        args, kwargs = schema.call_args(kwargs, ctx)
        if schema.is_async:
            coroutine: Awaitable[Any] = self.function(*args, **kwargs)
            return await coroutine
        if slot is None:
            slot = await take_slot(limiter, self.name)
        return await run_in_thread(self.function, args, kwargs, slot)

    async def take_thread_slot(self, limiter: trio.CapacityLimiter | None) -> ThreadSlot | None:
        """For a sync tool, wait for a thread slot (so that a timeout counts from the call, not the queue);
        ``None`` for an async tool."""
        if self.function_schema.is_async:
            return None
        return await take_slot(limiter, self.name)

    def __repr__(self) -> str:
        return f"Tool(name={self.name!r}, takes_ctx={self.takes_ctx!r})"
