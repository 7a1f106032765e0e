"""``Agent``: configuration (model, instructions, tools, output) and the entry points that start runs.

The run logic itself lives in the driver and the step modules; this module only turns arguments into a
``RunConfig`` and hands it to them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from typing import Any, Generic, overload

import trio
from typing_extensions import TypeVar

from .._capabilities.abstract import AbstractCapability, CombinedCapability
from .._engine.agent_run import AgentRun, open_agent_run
from .._engine.config import EndStrategy
from .._engine.driver import Driver
from .._engine.event_stream import open_event_stream
from .._engine.pipeline import EventStreamHandler
from .._engine.result import AgentRunResult
from .._engine.setup import NOT_SET, RunArgs, build_driver
from .._engine.sinks import ChannelSink, EventSink, EventStream
from .._engine.streamed_run import StreamedRunResult, open_streamed_run
from .._exceptions import UserError
from .._messages.content import UserContent
from .._messages.messages import ModelMessage
from .._output.schema import OutputSchema, OutputValidator, output_schema, output_schema_key
from .._settings import ModelSettings
from .._system_prompts import SystemPromptFunc, SystemPromptRunner
from .._tools.deferred import DeferredToolResults
from .._tools.docstrings import DocstringFormat
from .._tools.tool import Tool, ToolPrepareFunc
from .._usage import RunUsage, UsageLimits
from ..models import KnownModelName, Model, ModelRequestParameters, infer_model

__all__ = ["Agent"]

DepsT = TypeVar("DepsT", default=None)
OutputT = TypeVar("OutputT", default=str)
F = TypeVar("F", bound=Callable[..., Any])

_NONE_TYPE = type(None)


@dataclasses.dataclass(frozen=True)
class _Override:
    model: Model | None = None
    deps: Any = NOT_SET


class Agent(Generic[DepsT, OutputT]):
    """An agent: a model, instructions, tools and an output type, ready to run under ``trio.run``.

    An agent holds configuration only; every run (``run``, ``run_sync``, ``iter``) gets its own state, so one
    agent can serve any number of concurrent runs. Schemas and validators are built once, here.

    Args:
        model: The default model: a :class:`~trio_agent.models.Model` or a name such as ``'test'``.
        output_type: ``str`` (the default), a type pydantic validates, or a list/union of these.
        instructions: Sent with every request (re-evaluated each time), but not kept as message parts.
        system_prompt: Sent as system prompt parts at the start of a new conversation.
        deps_type: The type of ``deps`` (for type checkers; not checked at run time).
        name: A name for the agent, used in logs and errors.
        model_settings: Default settings for every request (a run's ``model_settings`` override them).
        retries: The default retry budget of tools, and of the output unless ``output_retries`` is given.
        output_retries: The retry budget of the output (validation failures, ``ModelRetry`` in validators).
        tools: Tools (functions or :class:`Tool`\\ s) the model can call, in addition to decorated ones.
        end_strategy: What to do with function-tool calls that come with a final output (see
            ``_call_tools_step``): ``'graceful'`` (default), ``'early'`` or ``'exhaustive'``.
        metadata: Attached to every run's result (and visible in ``RunContext.metadata``).
        tool_timeout: Seconds a tool call may take before the model is asked to retry (per-tool ``timeout``
            overrides it).
        capabilities: Capabilities whose hooks apply to every run.
        defer_model_check: Resolve a model given by name (and so check its API key) at the first run instead
            of here, so that a module defining an agent imports without a key (tests that override the
            model never need one).
        thread_limiter: Bounds how many sync tools run in worker threads at once, across this agent's runs;
            trio's default thread limiter if ``None``.
    """

    def __init__(
        self,
        model: Model | KnownModelName | None = None,
        *,
        output_type: Any = str,
        instructions: str | SystemPromptFunc | Sequence[str | SystemPromptFunc] | None = None,
        system_prompt: str | Sequence[str] = (),
        deps_type: type[DepsT] = _NONE_TYPE,  # type: ignore[assignment]
        name: str | None = None,
        model_settings: ModelSettings | None = None,
        retries: int = 1,
        output_retries: int | None = None,
        tools: Sequence[Tool[Any] | Callable[..., Any]] = (),
        end_strategy: EndStrategy = "graceful",
        metadata: dict[str, Any] | None = None,
        tool_timeout: float | None = None,
        capabilities: Sequence[AbstractCapability] = (),
        defer_model_check: bool = False,
        thread_limiter: trio.CapacityLimiter | None = None,
    ) -> None:
        self._model: Model | None = None
        self._model_name: str | None = None
        if isinstance(model, str) and defer_model_check:
            self._model_name = model
        else:
            self.model = model
        self.name = name
        self.deps_type = deps_type
        self.model_settings = model_settings
        self.end_strategy: EndStrategy = end_strategy
        self.metadata = metadata
        self.tool_timeout = tool_timeout
        self.thread_limiter = thread_limiter
        self._default_retries = retries
        self._max_output_retries = retries if output_retries is None else output_retries
        self._output_type = output_type
        self._output_schema = output_schema(output_type)
        self._output_schemas: dict[Any, OutputSchema] = {}
        self._output_validators: list[OutputValidator] = []
        self._instructions: list[str] = []
        self._instruction_runners: list[SystemPromptRunner] = []
        for item in [instructions] if isinstance(instructions, str) or callable(instructions) else instructions or ():
            if isinstance(item, str):
                self._instructions.append(item)
            else:
                self._instruction_runners.append(SystemPromptRunner(item))
        self._system_prompts = (system_prompt,) if isinstance(system_prompt, str) else tuple(system_prompt)
        self._system_prompt_runners: list[SystemPromptRunner] = []
        self._dynamic_system_prompts: dict[str, SystemPromptRunner] = {}
        self._tools: dict[str, Tool[Any]] = {}
        self._tools_version = 0
        for tool in tools:
            self._add_tool(tool if isinstance(tool, Tool) else Tool(tool))
        self._capability = CombinedCapability(capabilities) if capabilities else None
        self._override: ContextVar[_Override | None] = ContextVar(f"agent_override_{id(self)}", default=None)

    def __repr__(self) -> str:
        return f"Agent(model={self._model or self._model_name!r}, name={self.name!r})"

    @property
    def model(self) -> Model | None:
        """The default model (resolved now if it was given by name with ``defer_model_check=True``)."""
        if self._model is None and self._model_name is not None:
            self._model = infer_model(self._model_name)
            self._model_name = None
        return self._model

    @model.setter
    def model(self, model: Model | KnownModelName | None) -> None:
        self._model = infer_model(model) if model is not None else None
        self._model_name = None

    # -- configuration --------------------------------------------------------------------------------

    def _add_tool(self, tool: Tool[Any]) -> None:
        if tool.name in self._tools or tool.name in self._output_schema.tools:
            raise UserError(f"Tool name conflicts with an existing tool: {tool.name!r}")
        self._tools[tool.name] = tool
        self._tools_version += 1

    @overload
    def tool(self, func: F, /) -> F: ...
    @overload
    def tool(
        self,
        /,
        *,
        name: str | None = None,
        description: str | None = None,
        retries: int | None = None,
        sequential: bool = False,
        timeout: float | None = None,
        metadata: dict[str, Any] | None = None,
        strict: bool | None = None,
        prepare: ToolPrepareFunc | None = None,
        requires_approval: bool = False,
        docstring_format: DocstringFormat = "auto",
        require_parameter_descriptions: bool = False,
    ) -> Callable[[F], F]: ...

    def tool(self, func: Any = None, /, **options: Any) -> Any:
        """Register a tool whose first parameter is the :class:`RunContext` (``@agent.tool`` or
        ``@agent.tool(retries=2, ...)``); options as for :class:`Tool`."""
        return self._tool_decorator(func, takes_ctx=True, options=options)

    @overload
    def tool_plain(self, func: F, /) -> F: ...
    @overload
    def tool_plain(
        self,
        /,
        *,
        name: str | None = None,
        description: str | None = None,
        retries: int | None = None,
        sequential: bool = False,
        timeout: float | None = None,
        metadata: dict[str, Any] | None = None,
        strict: bool | None = None,
        prepare: ToolPrepareFunc | None = None,
        requires_approval: bool = False,
        docstring_format: DocstringFormat = "auto",
        require_parameter_descriptions: bool = False,
    ) -> Callable[[F], F]: ...

    def tool_plain(self, func: Any = None, /, **options: Any) -> Any:
        """Register a tool that takes no :class:`RunContext` (``@agent.tool_plain``)."""
        return self._tool_decorator(func, takes_ctx=False, options=options)

    def _tool_decorator(self, func: Any, *, takes_ctx: bool, options: dict[str, Any]) -> Any:
        if "retries" in options:
            options["max_retries"] = options.pop("retries")

        def register(function: F) -> F:
            self._add_tool(Tool(function, takes_ctx=takes_ctx, **options))
            return function

        return register if func is None else register(func)

    def instructions(self, func: F | None = None, /) -> Any:
        """Register an instructions function (``(ctx) -> str | None`` or ``() -> ...``, sync or async)."""

        def register(function: F) -> F:
            self._instruction_runners.append(SystemPromptRunner(function))
            return function

        return register if func is None else register(func)

    def system_prompt(self, func: F | None = None, /, *, dynamic: bool = False) -> Any:
        """Register a system prompt function; ``dynamic=True`` re-evaluates it when a history is continued."""

        def register(function: F) -> F:
            runner = SystemPromptRunner(function, dynamic=dynamic)
            self._system_prompt_runners.append(runner)
            if dynamic:
                self._dynamic_system_prompts[function.__qualname__] = runner
            return function

        return register if func is None else register(func)

    def output_validator(self, func: F, /) -> F:
        """Register an output validator: ``(output)`` or ``(ctx, output)``, sync or async, returning the
        (possibly changed) output or raising ``ModelRetry``."""
        self._output_validators.append(OutputValidator(func))
        return func

    @contextlib.contextmanager
    def override(self, *, model: Model | KnownModelName | None = None, deps: Any = NOT_SET) -> Iterator[None]:
        """Within the block (and the tasks it starts), runs use ``model`` and/or ``deps`` instead of what
        they are given; for tests of code that builds its own runs."""
        token = self._override.set(_Override(infer_model(model) if model is not None else None, deps))
        try:
            yield
        finally:
            self._override.reset(token)

    # -- entry points ---------------------------------------------------------------------------------
    #
    # Every entry point takes the same run arguments (see ``run``) and collects them with ``RunArgs.of``.

    def iter(
        self,
        user_prompt: str | Sequence[UserContent] | None = None,
        *,
        output_type: Any = None,
        message_history: Sequence[ModelMessage] | None = None,
        deferred_tool_results: DeferredToolResults | None = None,
        model: Model | KnownModelName | None = None,
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: ModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: dict[str, Any] | None = None,
        conversation_id: str | None = None,
        run_id: str | None = None,
        event_channel: trio.MemorySendChannel[Any] | None = None,
    ) -> contextlib.AbstractAsyncContextManager[AgentRun[DepsT, Any]]:
        """Start a run you drive node by node: ``async with agent.iter(prompt) as run: async for node in run``.

        With ``event_channel``, the run also sends its events there, as :meth:`run` does.

        Resource handling: the block owns the run (see :mod:`trio_agent._engine.agent_run`): leaving it cancels whatever
        the run is still doing; nothing the run started outlives it.
        """
        run_args = RunArgs.of(locals())
        sink = ChannelSink(event_channel) if event_channel is not None else None
        return open_agent_run(functools.partial(self._driver, run_args, sink=sink))

    async def run(
        self,
        user_prompt: str | Sequence[UserContent] | None = None,
        *,
        output_type: Any = None,
        message_history: Sequence[ModelMessage] | None = None,
        deferred_tool_results: DeferredToolResults | None = None,
        model: Model | KnownModelName | None = None,
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: ModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: dict[str, Any] | None = None,
        conversation_id: str | None = None,
        run_id: str | None = None,
        event_stream_handler: EventStreamHandler | None = None,
        event_channel: trio.MemorySendChannel[Any] | None = None,
    ) -> AgentRunResult[Any]:
        """Run the agent to completion and return its result.

        Args:
            user_prompt: The user's message (text, or text and multimodal items).
            output_type: Overrides the agent's output type for this run.
            message_history: The conversation so far; the run continues it.
            deferred_tool_results: Answers to the ``DeferredToolRequests`` a previous run ended with.
            model: Overrides the agent's model for this run.
            deps: The dependencies tools and prompts see as ``ctx.deps``.
            model_settings: Merged over the agent's settings for this run.
            usage_limits: Bounds for this run (``UsageLimits()``'s defaults if ``None``).
            usage: Usage to start counting from (for runs that continue a budget).
            metadata: Attached to the result; the agent's metadata if ``None``.
            conversation_id: Groups runs of one conversation; taken from the history if ``None``
                (``'new'`` starts a new one).
            run_id: This run's id; a fresh UUIDv7 if ``None``.
            event_stream_handler: ``handler(ctx, events)``, called for each model request and tool-call step
                with that step's events; the run waits for it to consume them.
            event_channel: A ``trio.MemorySendChannel`` the run sends every event into, then its
                ``AgentRunResultEvent``, then closes. Pass ``send.clone()`` per run to fan many runs into one
                receiver; ``event.run_id`` tells them apart.

        The steps run in the calling task (tools that run concurrently get a child nursery per step), so
        cancelling the caller cancels the run at once; the run leaves nothing behind.

        Error handling: raises what the run raised: your tool's own exception, ``UnexpectedModelBehavior``
        when retries are exhausted, ``UsageLimitExceeded``, or a model/provider error.
        """
        sink = ChannelSink(event_channel) if event_channel is not None else None
        driver = self._driver(
            RunArgs.of(locals()),
            sink=sink,
            stream_handler=event_stream_handler,
        )
        try:
            return await driver.run_to_end()
        finally:
            driver.close()

    def run_stream_events(
        self,
        user_prompt: str | Sequence[UserContent] | None = None,
        *,
        output_type: Any = None,
        message_history: Sequence[ModelMessage] | None = None,
        deferred_tool_results: DeferredToolResults | None = None,
        model: Model | KnownModelName | None = None,
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: ModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: dict[str, Any] | None = None,
        conversation_id: str | None = None,
        run_id: str | None = None,
    ) -> contextlib.AbstractAsyncContextManager[EventStream]:
        """Run the agent in the background and iterate its events:
        ``async with agent.run_stream_events(prompt) as events: async for event in events: ...``.

        Yields every ``AgentStreamEvent`` in order (part start/delta/end, final result, tool calls and results,
        enqueued messages), then one ``AgentRunResultEvent``; then the stream ends. The run goes only as fast as
        you read. See :mod:`trio_agent._engine.event_stream` for resource and error handling.
        """
        run_args = RunArgs.of(locals())
        return open_event_stream(lambda sink: self._driver(run_args, sink=sink))

    def run_stream(
        self,
        user_prompt: str | Sequence[UserContent] | None = None,
        *,
        output_type: Any = None,
        message_history: Sequence[ModelMessage] | None = None,
        deferred_tool_results: DeferredToolResults | None = None,
        model: Model | KnownModelName | None = None,
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: ModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: dict[str, Any] | None = None,
        conversation_id: str | None = None,
        run_id: str | None = None,
    ) -> contextlib.AbstractAsyncContextManager[StreamedRunResult[Any]]:
        """Run the agent and stream its final answer:
        ``async with agent.run_stream(prompt) as result: async for text in result.stream_text(): ...``.

        See :mod:`trio_agent._engine.streamed_run`.
        """
        run_args = RunArgs.of(locals())
        return open_streamed_run(lambda sink: self._driver(run_args, sink=sink))

    def run_sync(self, user_prompt: str | Sequence[UserContent] | None = None, **kwargs: Any) -> AgentRunResult[Any]:
        """Run the agent in a new ``trio.run`` and return its result (same arguments as :meth:`run`).

        Raises ``UserError`` when called from inside a running trio loop: use ``await agent.run(...)`` there.
        """
        try:
            trio.lowlevel.current_trio_token()
        except RuntimeError:
            return trio.run(functools.partial(self.run, user_prompt, **kwargs))
        raise UserError(
            "`Agent.run_sync()` cannot be called from inside a running trio loop (it would start a second "
            "`trio.run` in this thread); use `await agent.run(...)` instead."
        )

    # -- building a run -------------------------------------------------------------------------------

    def _schema_for(self, output_type: Any) -> OutputSchema:
        if output_type is None:
            return self._output_schema
        try:
            key = output_schema_key(output_type)
            cached = self._output_schemas.get(key)
        except TypeError:  # an unhashable spec: build it every time rather than cache by identity
            return output_schema(output_type)
        if cached is None:
            if len(self._output_schemas) >= _MAX_CACHED_SCHEMAS:
                self._output_schemas.clear()
            cached = self._output_schemas[key] = output_schema(output_type)
        return cached

    def _request_parameters(self, schema: OutputSchema) -> ModelRequestParameters:
        cached = schema.request_parameters
        if cached is None or cached[0] != self._tools_version:
            params = ModelRequestParameters(
                function_tools=[tool.tool_def for tool in self._tools.values()],
                output_mode=schema.mode,
                output_object=schema.output_object,
                output_tools=schema.tool_defs,
                allow_text_output=schema.allow_text_output,
            )
            cached = schema.request_parameters = (self._tools_version, params)
        return cached[1]

    def _driver(
        self, args: RunArgs, *, sink: EventSink | None = None, stream_handler: EventStreamHandler | None = None
    ) -> Driver:
        return build_driver(self, args, sink=sink, stream_handler=stream_handler)


_MAX_CACHED_SCHEMAS = 64
