"""``Agent``: configuration (model, instructions, tools, output) and how it compiles for the engine.

An agent holds configuration only. The entry points that start runs are :class:`AbstractAgent`'s; they read the
:class:`~trio_agent._engine.spec.AgentSpec` this module compiles from the agent (once, and again only after
the agent changed, or inside an :meth:`Agent.override` block).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from types import MappingProxyType, NoneType
from typing import Any, Self

import trio
from typing_extensions import TypeVar

from .._capabilities.abstract import AbstractCapability
from .._capabilities.combined import CombinedCapability
from .._capabilities.history import HistoryProcessorFunc
from .._capabilities.instrumentation import Instrumentation
from .._capabilities.tools import PrepareFunc, PrepareOutputTools, PrepareTools
from .._engine.pipeline import EventStreamHandler
from .._engine.spec import AgentSpec, EndStrategy, plan_output
from .._otel.settings import InstrumentationSettings, require_otel
from .._output.schema import OutputSchema, OutputValidator, output_schema
from .._output.specs import OutputSpec
from .._sentinels import NOT_SET, NotSet
from .._system_prompts import SystemPromptRunner
from .._tools.tool import Tool
from .._toolsets.abstract import AbstractToolset
from .._toolsets.combined import CombinedToolset
from .._toolsets.dynamic import DynamicToolset, ToolsetFunc
from .._toolsets.function import AgentFunctionToolset
from ..models import KnownModelName, Model, infer_model
from .abstract import AbstractAgent
from .base import (
    AgentBuiltinTool,
    AgentInstructions,
    AgentMetadata,
    AgentModelSettings,
    AgentRetries,
    resolve_retries,
)
from .decorators import AgentDecorators

__all__ = ["Agent"]

DepsT = TypeVar("DepsT", default=None, contravariant=True)
OutputT = TypeVar("OutputT", default=str, covariant=True)


@dataclasses.dataclass(frozen=True, kw_only=True)
class _Override:
    """What an ``override`` block replaces (``NOT_SET``: keep the agent's)."""

    name: str | NotSet | None = NOT_SET
    deps: Any | NotSet = NOT_SET
    model: Model | NotSet = NOT_SET
    tools: Sequence[Tool[Any] | Callable[..., Any]] | NotSet = NOT_SET
    toolsets: Sequence[AbstractToolset[Any]] | NotSet = NOT_SET
    instructions: AgentInstructions | NotSet = NOT_SET
    metadata: AgentMetadata | NotSet | None = NOT_SET
    model_settings: AgentModelSettings | NotSet | None = NOT_SET
    retries: int | AgentRetries | None = None
    builtin_tools: Sequence[AgentBuiltinTool] | NotSet = NOT_SET
    compiled: dict[tuple[int, int], AgentSpec] = dataclasses.field(default_factory=dict, compare=False)
    """The spec compiled for this block, by the versions it was compiled at (see :meth:`Agent._compiled`)."""


_NO_OVERRIDE = _Override()


def _instructions(value: AgentInstructions) -> tuple[tuple[str, ...], tuple[SystemPromptRunner, ...]]:
    """Split ``instructions=`` into static texts and runners of instruction functions."""
    items = [value] if isinstance(value, str) or callable(value) else list(value or ())
    texts = tuple(item for item in items if isinstance(item, str))
    runners = tuple(SystemPromptRunner(item) for item in items if not isinstance(item, str))
    return texts, runners


class Agent(AbstractAgent[DepsT, OutputT], AgentDecorators[DepsT, OutputT]):
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
        name: A name for the agent, used in logs and errors; if ``None``, the first run names it after the
            variable the caller holds it in (unless it is run with ``infer_name=False``).
        description: What the agent does, for people and for other agents that call it.
        model_settings: Default settings for every request (a run's ``model_settings`` override them); or a
            function of the run context returning settings, called before each request.
        retries: The retry budgets: an ``int`` for tools and output alike, or ``AgentRetries`` (``{'tools': n,
            'output': m}``) to set them apart (1 each by default).
        output_retries: The retry budget of the output (validation failures, ``ModelRetry`` in validators); the
            earlier spelling of ``retries={'output': n}``.
        tools: Tools (functions or :class:`Tool`\\ s) the model can call, in addition to decorated ones.
        builtin_tools: Tools the model provider runs itself (``WebSearchTool()``, ``CodeExecutionTool()``, ...; see
            :mod:`trio_agent.builtin_tools`), or functions ``(ctx) -> tool | None`` choosing one before each
            request. Sent with every request; a model that does not support one raises ``UserError``.
        toolsets: Toolsets whose tools the model can call too (see :mod:`trio_agent.toolsets`: function
            toolsets, MCP servers, ...), or functions ``(ctx) -> toolset | None`` choosing one per step. A run
            opens what they need for itself, unless they are open already: ``async with agent:`` opens them
            once for every run inside the block.
        end_strategy: What to do with function-tool calls that come with a final output (see
            :mod:`trio_agent._engine.steps.call_tools`): ``'graceful'`` (default), ``'early'`` or
            ``'exhaustive'``.
        metadata: Attached to every run's result (and visible in ``RunContext.metadata``).
        history_processors: Functions that rewrite the message history before every model request
            (``(messages) -> messages`` or ``(ctx, messages) -> messages``, sync or async), in order; the
            earlier form of ``capabilities=[ProcessHistory(fn)]``, applied before the agent's capabilities.
        prepare_tools: ``(ctx, tool_defs) -> tool_defs | None``, sync or async: the function tools each step
            offers (drop or change definitions; ``None`` offers none); the earlier form of
            ``capabilities=[PrepareTools(fn)]``.
        prepare_output_tools: The same for the output tools (``PrepareOutputTools``).
        event_stream_handler: The ``event_stream_handler`` of runs that are given none (see :meth:`run`).
        instrument: Trace every run with OpenTelemetry: ``True`` for the default
            :class:`~trio_agent.InstrumentationSettings`, or settings of your own; ``False`` never; ``None``
            (default) as :meth:`instrument_all` says. The earlier form of
            ``capabilities=[Instrumentation(settings)]``. Needs ``pip install 'trio-agent[otel]'``.
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
        instructions: AgentInstructions = None,
        system_prompt: str | Sequence[str] = (),
        deps_type: type[DepsT] = NoneType,  # type: ignore[assignment]
        name: str | None = None,
        description: str | None = None,
        model_settings: AgentModelSettings | None = None,
        retries: int | AgentRetries | None = None,
        output_retries: int | None = None,
        tools: Sequence[Tool[DepsT] | Callable[..., Any]] = (),
        builtin_tools: Sequence[AgentBuiltinTool] = (),
        toolsets: Sequence[AbstractToolset[DepsT] | ToolsetFunc] | None = None,
        end_strategy: EndStrategy = "graceful",
        metadata: AgentMetadata | None = None,
        history_processors: Sequence[HistoryProcessorFunc] | None = None,
        prepare_tools: PrepareFunc | None = None,
        prepare_output_tools: PrepareFunc | None = None,
        event_stream_handler: EventStreamHandler | None = None,
        instrument: InstrumentationSettings | bool | None = None,
        tool_timeout: float | None = None,
        capabilities: Sequence[AbstractCapability] = (),
        defer_model_check: bool = False,
        thread_limiter: trio.CapacityLimiter | None = None,
    ) -> None:
        self._version = 0
        """Incremented by every change, so that the next run compiles a new spec."""
        self._compiled_spec: tuple[tuple[int, int], AgentSpec] | None = None
        """The spec compiled for :meth:`_compiled`, with the versions it was compiled at (the agent's, and
        :meth:`instrument_all`'s)."""
        self._model: Model | None = None
        self._model_name: str | None = None
        if isinstance(model, str) and defer_model_check:
            self._model_name = model
        else:
            self.model = model
        self.name = name
        self.description = description
        self.deps_type = deps_type
        self.history_processors: list[HistoryProcessorFunc] = list(history_processors or ())
        self.event_stream_handler = event_stream_handler
        if instrument is True:
            require_otel()
        self.instrument = instrument
        self.model_settings = model_settings
        self.end_strategy: EndStrategy = end_strategy
        self.metadata = metadata
        self.tool_timeout = tool_timeout
        self.thread_limiter = thread_limiter
        tool_retries, result_retries = resolve_retries(retries, tools=1, output=1)
        self._default_retries = tool_retries
        self._max_output_retries = result_retries if output_retries is None else output_retries
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
        self._toolsets: list[AbstractToolset[Any]] = [
            item if isinstance(item, AbstractToolset) else DynamicToolset(item) for item in toolsets or ()
        ]
        self._builtin_tools: tuple[AgentBuiltinTool, ...] = tuple(builtin_tools)
        self._entered: CombinedToolset[Any] | None = None
        """The toolsets ``async with agent:`` entered (until the last such block exits)."""
        self._entered_count = 0
        prepared: list[AbstractCapability] = []
        if prepare_tools is not None:
            prepared.append(PrepareTools(prepare_tools))
        if prepare_output_tools is not None:
            prepared.append(PrepareOutputTools(prepare_output_tools))
        capabilities = [*prepared, *capabilities]
        self._capability = CombinedCapability(capabilities) if capabilities else None
        self._instrumentation: tuple[InstrumentationSettings | bool, Instrumentation] | None = None
        """The capability ``instrument`` (or :meth:`instrument_all`) stands for, with the value it was made for."""
        self._override: ContextVar[_Override | None] = ContextVar(f"agent_override_{id(self)}", default=None)

    _instrument_default: InstrumentationSettings | bool = False
    """What :meth:`instrument_all` set last: how agents given no ``instrument=`` are instrumented."""
    _instrument_generation = 0
    """Incremented by :meth:`instrument_all`, so that every agent's next run compiles a new spec."""

    @staticmethod
    def instrument_all(instrument: InstrumentationSettings | bool = True) -> None:
        """Instrument every agent that was not given ``instrument=`` with OpenTelemetry (``True``: default
        settings; ``False``: stop), from each agent's next run on. Raises ``UserError`` if OpenTelemetry is not
        installed (``pip install 'trio-agent[otel]'``)."""
        if instrument is True:
            require_otel()
        Agent._instrument_default = instrument
        Agent._instrument_generation += 1

    def _capabilities_for_runs(self) -> CombinedCapability | None:
        """The agent's capabilities, with :class:`Instrumentation` outermost if the agent is instrumented (and
        does not list one itself)."""
        capability = self._capability
        instrument = self.instrument if self.instrument is not None else Agent._instrument_default
        if instrument is False:
            return capability
        members = capability.capabilities if capability is not None else ()
        if any(isinstance(member, Instrumentation) for member in members):
            return capability
        made = self._instrumentation
        if made is None or made[0] is not instrument:
            settings = instrument if isinstance(instrument, InstrumentationSettings) else InstrumentationSettings()
            made = self._instrumentation = (instrument, Instrumentation(settings))
        return CombinedCapability([made[1], *members])

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if not name.startswith("_"):  # a public setting changed: runs started from now on see it
            super().__setattr__("_version", self._version + 1)

    def _set_inferred_name(self, name: str) -> None:
        # Not a change of configuration: the spec already compiled stays (runs read the name from the agent).
        object.__setattr__(self, "name", name)

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
        version = (self._version, Agent._instrument_generation)
        if override is None:
            cached = self._compiled_spec
            if cached is None or cached[0] != version:
                cached = self._compiled_spec = (version, self._compile(_NO_OVERRIDE))
            return cached[1]
        spec = override.compiled.get(version)
        if spec is None:
            override.compiled.clear()
            spec = override.compiled[version] = self._compile(override)
        return spec

    def _spec_for(self, retries: int | AgentRetries | None) -> AgentSpec:
        if retries is None:
            return self._compiled()
        current = self._override.get() or _NO_OVERRIDE
        return self._compile(dataclasses.replace(current, retries=retries, compiled={}))

    def _compile(self, override: _Override) -> AgentSpec:
        """The spec of this agent as it is now, with what ``override`` replaces."""
        if isinstance(override.tools, Sequence):
            tools: dict[str, Tool[Any]] = {}
            for item in override.tools:
                tool = item if isinstance(item, Tool) else Tool(item)
                tools[tool.name] = tool
        else:
            tools = dict(self._tools)
        tool_retries, output_retries = resolve_retries(
            override.retries, tools=self._default_retries, output=self._max_output_retries
        )
        function_toolset: AgentFunctionToolset[Any] = AgentFunctionToolset(
            list(tools.values()),
            max_retries=tool_retries,
            timeout=self.tool_timeout,
            thread_limiter=self.thread_limiter,
        )
        toolsets = tuple(self._toolsets if override.toolsets is NOT_SET else override.toolsets)
        static_tools = None if toolsets else function_toolset.static_tools()
        if override.instructions is NOT_SET:
            instructions, runners = self._instructions, tuple(self._instruction_runners)
        else:
            instructions, runners = _instructions(override.instructions)
        settings = self.model_settings if override.model_settings is NOT_SET else override.model_settings
        return AgentSpec(
            name=self.name if override.name is NOT_SET else override.name,
            model=None if override.model is not NOT_SET else self.model,
            model_override=None if override.model is NOT_SET else override.model,
            # Settings given as a function of the context are called before each request; metadata given as one,
            # as each run starts (see `AgentSpec.settings_functions`, `start_run`).
            model_settings=None if callable(settings) else settings,
            settings_functions=(settings,) if callable(settings) else (),
            metadata=self.metadata if override.metadata is NOT_SET else override.metadata,
            deps=override.deps,
            output=plan_output(self._output_schema, static_tools, instructions),
            output_validators=tuple(self._output_validators),
            function_toolset=function_toolset,
            toolsets=toolsets,
            static_tools=MappingProxyType(static_tools) if static_tools is not None else None,
            default_tool_retries=tool_retries,
            max_output_retries=output_retries,
            end_strategy=self.end_strategy,
            instructions=instructions,
            instruction_runners=runners,
            system_prompts=self._system_prompts,
            system_prompt_runners=tuple(self._system_prompt_runners),
            dynamic_system_prompts=MappingProxyType(dict(self._dynamic_system_prompts)),
            capability=self._capabilities_for_runs(),
            agent=self,
            history_processors=tuple(self.history_processors),
            builtin_tools=self._builtin_tools if override.builtin_tools is NOT_SET else tuple(override.builtin_tools),
        )

    # -- configuration --------------------------------------------------------------------------------

    @property
    def _function_toolset(self) -> AgentFunctionToolset[Any]:
        """The agent's own tools as a toolset (as an ``override`` block has them, inside one): the reference
        API's private attribute, which its tests read."""
        return self._compiled().function_toolset

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

    @contextlib.contextmanager
    def override(
        self,
        *,
        name: str | NotSet | None = NOT_SET,
        deps: DepsT | NotSet = NOT_SET,
        model: Model | KnownModelName | NotSet = NOT_SET,
        toolsets: Sequence[AbstractToolset[DepsT]] | NotSet = NOT_SET,
        tools: Sequence[Tool[DepsT] | Callable[..., Any]] | NotSet = NOT_SET,
        instructions: AgentInstructions | NotSet = NOT_SET,
        metadata: AgentMetadata | NotSet | None = NOT_SET,
        model_settings: AgentModelSettings | NotSet | None = NOT_SET,
        retries: int | AgentRetries | NotSet = NOT_SET,
        builtin_tools: Sequence[AgentBuiltinTool] | NotSet = NOT_SET,
    ) -> Iterator[None]:
        """Within the block (and the tasks it starts), runs of this agent use what is given here instead of
        the agent's configuration and their own arguments: for tests of code that builds its own runs.

        ``model`` and ``deps`` win over a run's ``model=`` and ``deps=``; ``tools`` replaces the agent's function
        tools and ``toolsets`` its other toolsets (a run's own ``toolsets=`` still apply); ``retries`` replaces
        the agent's retry budgets (an ``int`` for both, or ``AgentRetries``); ``builtin_tools`` replaces the
        agent's built-in tools (a run's own ``builtin_tools=`` still apply); the others replace the agent's
        settings of the same name.
        """
        resolved: Model | NotSet = NOT_SET if model is NOT_SET else infer_model(model)
        outer = self._override.get() or _NO_OVERRIDE
        values = _Override(
            name=outer.name if name is NOT_SET else name,
            deps=outer.deps if deps is NOT_SET else deps,
            model=outer.model if resolved is NOT_SET else resolved,
            tools=outer.tools if tools is NOT_SET else tools,
            toolsets=outer.toolsets if toolsets is NOT_SET else toolsets,
            instructions=outer.instructions if instructions is NOT_SET else instructions,
            metadata=outer.metadata if metadata is NOT_SET else metadata,
            model_settings=outer.model_settings if model_settings is NOT_SET else model_settings,
            retries=outer.retries if retries is NOT_SET else retries,
            builtin_tools=outer.builtin_tools if builtin_tools is NOT_SET else builtin_tools,
        )
        token = self._override.set(values)
        try:
            yield
        finally:
            self._override.reset(token)
