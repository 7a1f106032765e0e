"""``Agent``: configuration (model, instructions, tools, output) and how it compiles for the engine.

An agent holds configuration only. The entry points that start runs are :class:`AbstractAgent`'s; they read the
:class:`~trio_agent._engine.spec.AgentSpec` this module compiles from the agent (once, and again only after
the agent changed, or inside an :meth:`Agent.override` block).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextvars import ContextVar
from types import MappingProxyType, NoneType
from typing import Any, Concatenate, Self, overload

import trio
from typing_extensions import ParamSpec, TypeVar

from .._capabilities.abstract import AbstractCapability
from .._capabilities.combined import CombinedCapability
from .._engine.spec import AgentSpec, EndStrategy, plan_output
from .._exceptions import UserError
from .._output.schema import OutputSchema, OutputValidator, output_schema
from .._output.specs import OutputSpec
from .._run_context import RunContext
from .._sentinels import NOT_SET, NotSet
from .._settings import ModelSettings
from .._system_prompts import SystemPromptFunc, SystemPromptRunner
from .._tools.docstrings import DocstringFormat
from .._tools.tool import Tool, ToolPrepareFunc
from .._toolsets.abstract import AbstractToolset
from .._toolsets.combined import CombinedToolset
from .._toolsets.dynamic import DynamicToolset, ToolsetFunc
from .._toolsets.function import AgentFunctionToolset
from ..models import KnownModelName, Model, infer_model
from .abstract import AbstractAgent

__all__ = ["Agent"]

DepsT = TypeVar("DepsT", default=None, contravariant=True)
OutputT = TypeVar("OutputT", default=str, covariant=True)
P = ParamSpec("P")
R = TypeVar("R")
PromptR = TypeVar("PromptR", bound="str | Awaitable[str | None] | None")
"""What an instructions or system prompt function returns."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class _Override:
    """What an ``override`` block replaces (``NOT_SET``: keep the agent's)."""

    name: str | NotSet | None = NOT_SET
    deps: Any | NotSet = NOT_SET
    model: Model | NotSet = NOT_SET
    tools: Sequence[Tool[Any] | Callable[..., Any]] | NotSet = NOT_SET
    toolsets: Sequence[AbstractToolset[Any]] | NotSet = NOT_SET
    instructions: str | SystemPromptFunc | Sequence[str | SystemPromptFunc] | NotSet | None = NOT_SET
    metadata: dict[str, Any] | NotSet | None = NOT_SET
    model_settings: ModelSettings | NotSet | None = NOT_SET
    compiled: dict[int, AgentSpec] = dataclasses.field(default_factory=dict, compare=False)
    """The spec compiled for this block, by the agent's version it was compiled at."""


_NO_OVERRIDE = _Override()


def _instructions(
    value: str | SystemPromptFunc | Sequence[str | SystemPromptFunc] | None,
) -> tuple[tuple[str, ...], tuple[SystemPromptRunner, ...]]:
    """Split ``instructions=`` into static texts and runners of instruction functions."""
    items = [value] if isinstance(value, str) or callable(value) else list(value or ())
    texts = tuple(item for item in items if isinstance(item, str))
    runners = tuple(SystemPromptRunner(item) for item in items if not isinstance(item, str))
    return texts, runners


class Agent(AbstractAgent[DepsT, OutputT]):
    """An agent: a model, instructions, tools and an output type, ready to run under ``trio.run``.

    An agent holds configuration only; every run (``run``, ``run_sync``, ``iter``, ...) gets its own state, so
    one agent can serve any number of concurrent runs. Schemas and validators are built once, here; changing
    the agent (a decorator, a setter) takes effect for runs started afterwards.

    Args:
        model: The default model: a :class:`~trio_agent.models.Model` or a name such as ``'test'``.
        output_type: ``str`` (the default), a type pydantic validates, an output function, an output marker
            (``ToolOutput``, ``NativeOutput``, ...), or a list of these; it sets the agent's ``OutputT``.
        instructions: Sent with every request (re-evaluated each time), but not kept as message parts.
        system_prompt: Sent as system prompt parts at the start of a new conversation.
        deps_type: The type of ``deps`` (it sets the agent's ``DepsT``; not checked at run time).
        name: A name for the agent, used in logs and errors.
        model_settings: Default settings for every request (a run's ``model_settings`` override them).
        retries: The default retry budget of tools, and of the output unless ``output_retries`` is given.
        output_retries: The retry budget of the output (validation failures, ``ModelRetry`` in validators).
        tools: Tools (functions or :class:`Tool`\\ s) the model can call, in addition to decorated ones.
        toolsets: Toolsets whose tools the model can call too (see :mod:`trio_agent.toolsets`: function
            toolsets, MCP servers, ...). A run opens what they need for itself, unless they are open already:
            ``async with agent:`` opens them once for every run inside the block.
        end_strategy: What to do with function-tool calls that come with a final output (see
            :mod:`trio_agent._engine.steps.call_tools`): ``'graceful'`` (default), ``'early'`` or
            ``'exhaustive'``.
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
        output_type: OutputSpec[OutputT] = str,  # type: ignore[assignment]
        instructions: str | SystemPromptFunc | Sequence[str | SystemPromptFunc] | None = None,
        system_prompt: str | Sequence[str] = (),
        deps_type: type[DepsT] = NoneType,  # type: ignore[assignment]
        name: str | None = None,
        model_settings: ModelSettings | None = None,
        retries: int = 1,
        output_retries: int | None = None,
        tools: Sequence[Tool[DepsT] | Callable[..., Any]] = (),
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
        end_strategy: EndStrategy = "graceful",
        metadata: dict[str, Any] | None = None,
        tool_timeout: float | None = None,
        capabilities: Sequence[AbstractCapability] = (),
        defer_model_check: bool = False,
        thread_limiter: trio.CapacityLimiter | None = None,
    ) -> None:
        self._version = 0
        """Incremented by every change, so that the next run compiles a new spec."""
        self._compiled_spec: tuple[int, AgentSpec] | None = None
        """The spec compiled for :meth:`_compiled`, with the version it was compiled at."""
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
        self._output_schema: OutputSchema = output_schema(output_type)
        self._output_validators: list[OutputValidator] = []
        self._instructions, runners = _instructions(instructions)
        self._instruction_runners = list(runners)
        self._system_prompts = (system_prompt,) if isinstance(system_prompt, str) else tuple(system_prompt)
        self._system_prompt_runners: list[SystemPromptRunner] = []
        self._dynamic_system_prompts: dict[str, SystemPromptRunner] = {}
        self._tools: dict[str, Tool[Any]] = {}
        for tool in tools:
            self._add_tool(tool if isinstance(tool, Tool) else Tool(tool))
        self._toolsets: list[AbstractToolset[Any]] = list(toolsets or ())
        self._entered: CombinedToolset[Any] | None = None
        """The toolsets ``async with agent:`` entered (until the last such block exits)."""
        self._entered_count = 0
        self._capability = CombinedCapability(capabilities) if capabilities else None
        self._override: ContextVar[_Override | None] = ContextVar(f"agent_override_{id(self)}", default=None)

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if not name.startswith("_"):  # a public setting changed: runs started from now on see it
            super().__setattr__("_version", self._version + 1)

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
        self._changed()

    @property
    def output_type(self) -> OutputSpec[OutputT]:
        """The agent's output type, as given."""
        return self._output_type

    def _changed(self) -> None:
        self._version += 1

    # -- compiling ------------------------------------------------------------------------------------

    def _compiled(self) -> AgentSpec:
        override = self._override.get()
        if override is None:
            cached = self._compiled_spec
            if cached is None or cached[0] != self._version:
                cached = self._compiled_spec = (self._version, self._compile(_NO_OVERRIDE))
            return cached[1]
        spec = override.compiled.get(self._version)
        if spec is None:
            override.compiled.clear()
            spec = override.compiled[self._version] = self._compile(override)
        return spec

    def _compile(self, override: _Override) -> AgentSpec:
        """The spec of this agent as it is now, with what ``override`` replaces."""
        if isinstance(override.tools, Sequence):
            tools: dict[str, Tool[Any]] = {}
            for item in override.tools:
                tool = item if isinstance(item, Tool) else Tool(item)
                tools[tool.name] = tool
        else:
            tools = dict(self._tools)
        function_toolset: AgentFunctionToolset[Any] = AgentFunctionToolset(
            list(tools.values()),
            max_retries=self._default_retries,
            timeout=self.tool_timeout,
            thread_limiter=self.thread_limiter,
        )
        toolsets = tuple(self._toolsets if override.toolsets is NOT_SET else override.toolsets)
        static_tools = None if toolsets else function_toolset.static_tools()
        if override.instructions is NOT_SET:
            instructions, runners = self._instructions, tuple(self._instruction_runners)
        else:
            instructions, runners = _instructions(override.instructions)
        return AgentSpec(
            name=self.name if override.name is NOT_SET else override.name,
            model=None if override.model is not NOT_SET else self.model,
            model_override=None if override.model is NOT_SET else override.model,
            model_settings=self.model_settings if override.model_settings is NOT_SET else override.model_settings,
            metadata=self.metadata if override.metadata is NOT_SET else override.metadata,
            deps=override.deps,
            output=plan_output(self._output_schema, static_tools, instructions),
            output_validators=tuple(self._output_validators),
            function_toolset=function_toolset,
            toolsets=toolsets,
            static_tools=MappingProxyType(static_tools) if static_tools is not None else None,
            default_tool_retries=self._default_retries,
            max_output_retries=self._max_output_retries,
            end_strategy=self.end_strategy,
            instructions=instructions,
            instruction_runners=runners,
            system_prompts=self._system_prompts,
            system_prompt_runners=tuple(self._system_prompt_runners),
            dynamic_system_prompts=MappingProxyType(dict(self._dynamic_system_prompts)),
            capability=self._capability,
        )

    # -- configuration --------------------------------------------------------------------------------

    def _add_tool(self, tool: Tool[Any]) -> None:
        if tool.name in self._tools or tool.name in self._output_schema.tools:
            raise UserError(f"Tool name conflicts with an existing tool: {tool.name!r}")
        self._tools[tool.name] = tool
        self._changed()

    @overload
    def tool(
        self, func: Callable[Concatenate[RunContext[DepsT], P], R], /
    ) -> Callable[Concatenate[RunContext[DepsT], P], R]: ...
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
    ) -> Callable[[Callable[Concatenate[RunContext[DepsT], P], R]], Callable[Concatenate[RunContext[DepsT], P], R]]: ...

    def tool(self, func: Callable[..., Any] | None = None, /, **options: Any) -> Any:
        """Register a tool whose first parameter is the :class:`RunContext` (``@agent.tool`` or
        ``@agent.tool(retries=2, ...)``); options as for :class:`Tool`. Returns the function unchanged."""
        return self._tool_decorator(func, takes_ctx=True, options=options)

    @overload
    def tool_plain(self, func: Callable[P, R], /) -> Callable[P, R]: ...
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
    ) -> Callable[[Callable[P, R]], Callable[P, R]]: ...

    def tool_plain(self, func: Callable[..., Any] | None = None, /, **options: Any) -> Any:
        """Register a tool that takes no :class:`RunContext` (``@agent.tool_plain``). Returns the function
        unchanged."""
        return self._tool_decorator(func, takes_ctx=False, options=options)

    def _tool_decorator(self, func: Callable[..., Any] | None, *, takes_ctx: bool, options: dict[str, Any]) -> Any:
        if "retries" in options:
            options["max_retries"] = options.pop("retries")

        def register(function: Callable[..., Any]) -> Callable[..., Any]:
            self._add_tool(Tool(function, takes_ctx=takes_ctx, **options))
            return function

        return register if func is None else register(func)

    @overload
    def toolset(self, func: ToolsetFunc, /) -> ToolsetFunc: ...
    @overload
    def toolset(
        self, /, *, per_run_step: bool = True, id: str | None = None
    ) -> Callable[[ToolsetFunc], ToolsetFunc]: ...
    def toolset(self, func: ToolsetFunc | None = None, /, *, per_run_step: bool = True, id: str | None = None) -> Any:
        """Register a function that chooses a toolset for each run (``@agent.toolset``): ``(ctx) -> toolset |
        None``, sync or async, evaluated before every model request (or once per run with
        ``@agent.toolset(per_run_step=False)``). Returns the function unchanged."""

        def register(function: ToolsetFunc) -> ToolsetFunc:
            self._toolsets.append(DynamicToolset(function, per_run_step=per_run_step, id=id))
            self._changed()
            return function

        return register if func is None else register(func)

    @property
    def toolsets(self) -> Sequence[AbstractToolset[Any]]:
        """The agent's toolsets: its own function tools first, then ``toolsets=`` and ``@agent.toolset`` ones
        (as an ``override`` block has them, inside one)."""
        spec = self._compiled()
        return (spec.function_toolset, *spec.toolsets)

    async def __aenter__(self) -> Self:
        """Open the agent's toolsets (start its MCP servers, say) for every run inside the block, instead of
        once per run.

        Resource handling: the toolsets are entered in the task that enters the block first and exited when the
        last such block exits; blocks may nest. Toolsets passed to a single run are still that run's to open.
        """
        if self._entered_count == 0:
            toolsets = CombinedToolset(self._toolsets)
            await toolsets.__aenter__()
            self._entered = toolsets
        self._entered_count += 1
        return self

    async def __aexit__(self, *args: Any) -> bool | None:
        self._entered_count -= 1
        if self._entered_count == 0 and self._entered is not None:
            toolsets, self._entered = self._entered, None
            await toolsets.__aexit__(*args)
        return None

    @overload
    def instructions(
        self, func: Callable[[RunContext[DepsT]], PromptR], /
    ) -> Callable[[RunContext[DepsT]], PromptR]: ...
    @overload
    def instructions(self, func: Callable[[], PromptR], /) -> Callable[[], PromptR]: ...
    @overload
    def instructions(self, /) -> Callable[[SystemPromptFunc[DepsT]], SystemPromptFunc[DepsT]]: ...
    def instructions(self, func: Callable[..., Any] | None = None, /) -> Any:
        """Register an instructions function (``(ctx) -> str | None`` or ``() -> ...``, sync or async), used
        bare or as ``@agent.instructions()``. Returns the function unchanged."""

        def register(function: Callable[..., Any]) -> Callable[..., Any]:
            self._instruction_runners.append(SystemPromptRunner(function))
            self._changed()
            return function

        return register if func is None else register(func)

    @overload
    def system_prompt(
        self, func: Callable[[RunContext[DepsT]], PromptR], /
    ) -> Callable[[RunContext[DepsT]], PromptR]: ...
    @overload
    def system_prompt(self, func: Callable[[], PromptR], /) -> Callable[[], PromptR]: ...
    @overload
    def system_prompt(
        self, /, *, dynamic: bool = False
    ) -> Callable[[SystemPromptFunc[DepsT]], SystemPromptFunc[DepsT]]: ...
    def system_prompt(self, func: Callable[..., Any] | None = None, /, *, dynamic: bool = False) -> Any:
        """Register a system prompt function; ``dynamic=True`` re-evaluates it when a history is continued.
        Returns the function unchanged."""

        def register(function: Callable[..., Any]) -> Callable[..., Any]:
            runner = SystemPromptRunner(function, dynamic=dynamic)
            self._system_prompt_runners.append(runner)
            if dynamic:
                self._dynamic_system_prompts[function.__qualname__] = runner
            self._changed()
            return function

        return register if func is None else register(func)

    @overload
    def output_validator(
        self,
        func: Callable[[RunContext[DepsT], OutputT], OutputT],
        /,
    ) -> Callable[[RunContext[DepsT], OutputT], OutputT]: ...
    @overload
    def output_validator(
        self,
        func: Callable[[RunContext[DepsT], OutputT], Awaitable[OutputT]],
        /,
    ) -> Callable[[RunContext[DepsT], OutputT], Awaitable[OutputT]]: ...
    @overload
    def output_validator(self, func: Callable[[OutputT], OutputT], /) -> Callable[[OutputT], OutputT]: ...
    @overload
    def output_validator(
        self, func: Callable[[OutputT], Awaitable[OutputT]], /
    ) -> Callable[[OutputT], Awaitable[OutputT]]: ...

    def output_validator(self, func: Callable[..., Any], /) -> Any:
        """Register an output validator: ``(output)`` or ``(ctx, output)``, sync or async, returning the
        (possibly changed) output or raising ``ModelRetry``. Returns the function unchanged."""
        self._output_validators.append(OutputValidator(func))
        self._changed()
        return func

    @contextlib.contextmanager
    def override(
        self,
        *,
        name: str | NotSet | None = NOT_SET,
        deps: DepsT | NotSet = NOT_SET,
        model: Model | KnownModelName | NotSet = NOT_SET,
        tools: Sequence[Tool[DepsT] | Callable[..., Any]] | NotSet = NOT_SET,
        toolsets: Sequence[AbstractToolset[DepsT]] | NotSet = NOT_SET,
        instructions: str | SystemPromptFunc | Sequence[str | SystemPromptFunc] | NotSet | None = NOT_SET,
        metadata: dict[str, Any] | NotSet | None = NOT_SET,
        model_settings: ModelSettings | NotSet | None = NOT_SET,
    ) -> Iterator[None]:
        """Within the block (and the tasks it starts), runs of this agent use what is given here instead of
        the agent's configuration and their own arguments: for tests of code that builds its own runs.

        ``model`` and ``deps`` win over a run's ``model=`` and ``deps=``; ``tools`` replaces the agent's function
        tools and ``toolsets`` its other toolsets (a run's own ``toolsets=`` still apply); the others replace the
        agent's settings of the same name.
        """
        resolved: Model | NotSet = NOT_SET if model is NOT_SET else infer_model(model)
        values = _Override(
            name=name,
            deps=deps,
            model=resolved,
            tools=tools,
            toolsets=toolsets,
            instructions=instructions,
            metadata=metadata,
            model_settings=model_settings,
        )
        token = self._override.set(values)
        try:
            yield
        finally:
            self._override.reset(token)
