"""``Tool``: a function the model can call, with its schema, retry budget and execution options."""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Generic, TypeAlias

import pydantic
import trio
from typing_extensions import TypeVar

if TYPE_CHECKING:
    from pydantic.json_schema import GenerateJsonSchema

from .._callables import is_async_callable
from .._run_context import RunContext
from .definitions import ToolDefinition
from .docstrings import DocstringFormat
from .function_schema import FunctionSchema, is_run_context, return_schema
from .function_schema import function_schema as build_function_schema
from .threads import ThreadSlot, run_in_thread, take_slot

__all__ = ["ArgsValidatorFunc", "Tool", "ToolFuncContext", "ToolFuncEither", "ToolFuncPlain", "ToolPrepareFunc"]

DepsT = TypeVar("DepsT", default=None, contravariant=True)


@functools.cache
def _any_object() -> pydantic.TypeAdapter[dict[str, Any]]:
    """Validates the arguments of a tool made :meth:`Tool.from_schema`: any object (built at first use)."""
    return pydantic.TypeAdapter(dict[str, Any])


ToolFuncContext: TypeAlias = Callable[..., Any]
"""A tool function whose first parameter is ``RunContext[...]``."""
ToolFuncPlain: TypeAlias = Callable[..., Any]
"""A tool function without a ``RunContext`` parameter."""
ToolFuncEither: TypeAlias = ToolFuncContext | ToolFuncPlain
ToolPrepareFunc: TypeAlias = Callable[
    [RunContext[Any], ToolDefinition], "Awaitable[ToolDefinition | None] | ToolDefinition | None"
]
"""``prepare(ctx, tool_def)``: the definition to offer for this step, or ``None`` to hide the tool."""
ArgsValidatorFunc: TypeAlias = Callable[..., "Awaitable[None] | None"]
"""``args_validator(ctx, **args)``: checks a call's validated arguments before the tool runs; raising
``ModelRetry`` sends the model its message instead (the call counts as a failed attempt)."""


def _first_param_is_context(function: Callable[..., Any]) -> bool:
    try:
        params = list(inspect.signature(function).parameters.values())
    except ValueError:  # no signature (a builtin): the schema step says so
        return False
    if not params:
        return False
    try:
        hints = typing.get_type_hints(function)
    except (NameError, TypeError):
        hints = {}
    return is_run_context(hints.get(params[0].name))


class _OverriddenPrepare:
    """Stands in for ``prepare`` on a tool whose class overrides :meth:`Tool.prepare_tool_def`, so that toolsets
    know its definition changes per step (they call :meth:`Tool.prepared_def`, which calls the override)."""

    def __call__(self, ctx: RunContext[Any], tool_def: ToolDefinition) -> ToolDefinition:
        return tool_def


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
        args_validator: ``(ctx, **args)``, sync or async, called with the validated arguments before the tool
            runs; it raises ``ModelRetry`` to send the model back with its message.
        include_return_schema: Put the JSON schema of the function's return annotation in the definition
            (``ToolDefinition.return_schema``), for models that take it.
        schema_generator: The pydantic JSON-schema generator class of the parameters' schema (the default
            leaves out the per-field titles).
        defer_loading: Marks the definition ``defer_loading`` (hidden until something surfaces it; no model
            adapter here acts on it yet).
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
        args_validator: ArgsValidatorFunc | None = None,
        include_return_schema: bool | None = None,
        schema_generator: type[GenerateJsonSchema] | None = None,
        defer_loading: bool = False,
        function_schema: FunctionSchema | None = None,
    ) -> None:
        self.function = function
        self.takes_ctx = _first_param_is_context(function) if takes_ctx is None else takes_ctx
        self.name = name or function.__name__
        self.max_retries = max_retries
        self.sequential = sequential
        self.timeout = timeout
        self.metadata = metadata
        self.strict = strict
        if prepare is None and type(self).prepare_tool_def is not Tool.prepare_tool_def:
            prepare = _OverriddenPrepare()  # the subclass prepares its definition per step
        self.prepare = prepare
        self.requires_approval = requires_approval
        self.args_validator = args_validator
        self.include_return_schema = include_return_schema
        self.function_schema: FunctionSchema = function_schema or build_function_schema(
            function,
            takes_ctx=self.takes_ctx,
            name=self.name,
            docstring_format=docstring_format,
            require_parameter_descriptions=require_parameter_descriptions,
            schema_generator=schema_generator,
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
            return_schema=return_schema(function) if include_return_schema else None,
            include_return_schema=include_return_schema,
            defer_loading=defer_loading,
        )

    @classmethod
    def from_schema(
        cls,
        function: Callable[..., Any],
        name: str,
        description: str | None,
        json_schema: dict[str, Any],
        takes_ctx: bool = False,
        sequential: bool = False,
        args_validator: ArgsValidatorFunc | None = None,
    ) -> Tool[Any]:
        """A tool whose parameters are described by ``json_schema`` as given, not by the function's signature.

        The function is called with the model's arguments as keyword arguments (after the context, if
        ``takes_ctx``); they are checked only for being an object; the schema guides the model.
        """
        schema = FunctionSchema(
            function=function,
            takes_ctx=takes_ctx,
            is_async=is_async_callable(function),
            json_schema=json_schema,
            description=description,
            validator=_any_object().validator,
        )
        return cls(
            function,
            takes_ctx=takes_ctx,
            name=name,
            description=description,
            sequential=sequential,
            args_validator=args_validator,
            function_schema=schema,
        )

    @property
    def needs_context(self) -> bool:
        """Whether a call needs the run context: the function takes it, or the ``args_validator`` does."""
        return self.takes_ctx or self.args_validator is not None

    @property
    def tool_def(self) -> ToolDefinition:
        """The definition sent to the model (before any ``prepare``)."""
        return self._tool_def

    async def prepare_tool_def(self, ctx: RunContext[Any]) -> ToolDefinition | None:
        """The definition to offer at this step: ``prepare``'s answer, or the plain definition (``None``: hide
        the tool at this step). A subclass may override it (the reference API's hook)."""
        if self.prepare is None or isinstance(self.prepare, _OverriddenPrepare):
            return self._tool_def
        result = self.prepare(ctx, self._tool_def)
        if inspect.isawaitable(result):
            result = await result
        return result

    async def prepared_def(self, ctx: RunContext[Any]) -> ToolDefinition | None:
        """What toolsets ask each step: :meth:`prepare_tool_def` (overridden or not)."""
        return await self.prepare_tool_def(ctx)

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
        if self.args_validator is not None:
            checked = self.args_validator(ctx, **kwargs)
            if inspect.isawaitable(checked):
                await checked
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
