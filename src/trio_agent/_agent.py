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

from ._capabilities import AbstractCapability, CombinedCapability
from ._capture import adopt_capture
from ._content import UserContent
from ._deferred import DeferredToolResults
from ._docstrings import DocstringFormat
from ._driver import Driver
from ._exceptions import UserError
from ._ids import new_uuid7
from ._mailbox import Mailbox
from ._messages import ModelMessage
from ._nodes import UserPromptNode
from ._output import OutputSchema, OutputValidator, output_schema, output_schema_key
from ._result import AgentRunResult
from ._run import AgentRun, open_agent_run
from ._run_config import EndStrategy, RunConfig
from ._run_state import RunState
from ._settings import ModelSettings, merge_model_settings
from ._system_prompts import SystemPromptFunc, SystemPromptRunner
from ._tools import Tool, ToolPrepareFunc
from ._usage import RunUsage, UsageLimits
from .models import KnownModelName, Model, ModelRequestParameters, infer_model

__all__ = ["Agent"]

DepsT = TypeVar("DepsT", default=None)
OutputT = TypeVar("OutputT", default=str)
F = TypeVar("F", bound=Callable[..., Any])

_NOT_SET: Any = object()
_NONE_TYPE = type(None)


@dataclasses.dataclass(frozen=True)
class _Override:
    model: Model | None = None
    deps: Any = _NOT_SET


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
        thread_limiter: trio.CapacityLimiter | None = None,
    ) -> None:
        self.model: Model | None = infer_model(model) if model is not None else None
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
        return f"Agent(model={self.model!r}, name={self.name!r})"

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
    def override(self, *, model: Model | KnownModelName | None = None, deps: Any = _NOT_SET) -> Iterator[None]:
        """Within the block (and the tasks it starts), runs use ``model`` and/or ``deps`` instead of what
        they are given; for tests of code that builds its own runs."""
        token = self._override.set(_Override(infer_model(model) if model is not None else None, deps))
        try:
            yield
        finally:
            self._override.reset(token)

    # -- entry points ---------------------------------------------------------------------------------

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
    ) -> contextlib.AbstractAsyncContextManager[AgentRun[DepsT, Any]]:
        """Start a run you drive node by node: ``async with agent.iter(prompt) as run: async for node in run``.

        Resource handling: the block owns the run (see :mod:`trio_agent._run`): leaving it cancels whatever
        the run is still doing; nothing the run started outlives it.
        """
        make = functools.partial(
            self._driver,
            user_prompt,
            output_type=output_type,
            message_history=message_history,
            deferred_tool_results=deferred_tool_results,
            model=model,
            deps=deps,
            model_settings=model_settings,
            usage_limits=usage_limits,
            usage=usage,
            metadata=metadata,
            conversation_id=conversation_id,
            run_id=run_id,
        )
        return open_agent_run(make)

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
    ) -> AgentRunResult[Any]:
        """Run the agent to completion and return its result.

        The steps run in the calling task (tools that run concurrently get a child nursery per step), so
        cancelling the caller cancels the run at once; the run leaves nothing behind.

        Error handling: raises what the run raised: your tool's own exception, ``UnexpectedModelBehavior``
        when retries are exhausted, ``UsageLimitExceeded``, or a model/provider error.
        """
        driver = self._driver(
            user_prompt,
            output_type=output_type,
            message_history=message_history,
            deferred_tool_results=deferred_tool_results,
            model=model,
            deps=deps,
            model_settings=model_settings,
            usage_limits=usage_limits,
            usage=usage,
            metadata=metadata,
            conversation_id=conversation_id,
            run_id=run_id,
        )
        try:
            end = await driver.run_to_end()
        finally:
            driver.close()
        return driver.result(end)

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
        self,
        user_prompt: str | Sequence[UserContent] | None,
        *,
        output_type: Any,
        message_history: Sequence[ModelMessage] | None,
        deferred_tool_results: DeferredToolResults | None,
        model: Model | KnownModelName | None,
        deps: Any,
        model_settings: ModelSettings | None,
        usage_limits: UsageLimits | None,
        usage: RunUsage | None,
        metadata: dict[str, Any] | None,
        conversation_id: str | None,
        run_id: str | None,
    ) -> Driver:
        override = self._override.get()
        resolved = (override.model if override and override.model else None) or (
            infer_model(model) if model is not None else self.model
        )
        if resolved is None:
            raise UserError("`model` must be set either when creating the agent or when running it.")
        if override is not None and override.deps is not _NOT_SET:
            deps = override.deps
        history = list(message_history) if message_history else []
        if run_id == "":
            raise UserError("`run_id` must be a non-empty string when provided.")
        schema = self._schema_for(output_type)
        config = RunConfig(
            model=resolved,
            deps=deps,
            user_prompt=user_prompt,
            model_settings=merge_model_settings(self.model_settings, model_settings),
            usage_limits=usage_limits or _DEFAULT_LIMITS,
            output_schema=schema,
            output_validators=self._output_validators,
            tools=self._tools,
            request_parameters=self._request_parameters(schema),
            prepares_tools=any(tool.prepare is not None for tool in self._tools.values()),
            max_output_retries=self._max_output_retries,
            default_tool_retries=self._default_retries,
            tool_timeout=self.tool_timeout,
            end_strategy=self.end_strategy,
            instructions="\n\n".join([*self._instructions, *_prompted(schema)]) or None,
            instruction_runners=self._instruction_runners,
            dynamic_system_prompts=self._dynamic_system_prompts,
            run_id=run_id or new_uuid7(),
            conversation_id=_conversation_id(conversation_id, history),
            metadata=metadata if metadata is not None else self.metadata,
            mailbox=Mailbox(),
            capability=self._capability,
            tool_call_metadata=deferred_tool_results.metadata if deferred_tool_results is not None else {},
            thread_limiter=self.thread_limiter,
        )
        state = RunState(history, usage._copy() if usage is not None else RunUsage())
        capture = adopt_capture()
        if capture is not None:
            capture[:] = history
        driver = Driver(config, state, capture)
        driver.next_node = UserPromptNode(
            user_prompt,
            deferred_tool_results=deferred_tool_results,
            instructions=config.instructions,
            instructions_functions=list(self._instruction_runners),
            system_prompts=self._system_prompts,
            system_prompt_functions=list(self._system_prompt_runners),
            system_prompt_dynamic_functions=dict(self._dynamic_system_prompts),
        )
        return driver


_DEFAULT_LIMITS = UsageLimits()
_MAX_CACHED_SCHEMAS = 64


def _prompted(schema: OutputSchema) -> list[str]:
    text = schema.prompted_instructions()
    return [text] if text else []


def _conversation_id(requested: str | None, history: list[ModelMessage]) -> str:
    if requested is not None and requested != "new":
        return requested
    if requested is None:
        for message in reversed(history):
            if message.conversation_id is not None:
                return message.conversation_id
    return new_uuid7()
