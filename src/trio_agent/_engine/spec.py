"""``AgentSpec``: an agent's configuration, compiled once into the immutable form the engine reads.

The engine never looks at an ``Agent``. An agent compiles what it holds (model, tools, output, instructions,
capabilities, budgets) into one :class:`AgentSpec` the first time it runs, and compiles it again only after it
was changed (a tool added, a setting reassigned) or inside an ``Agent.override`` block. Every run of the agent
reads the same spec, so nothing about the agent is rebuilt per run: tool schemas, output validators and the
request parameters sent to the model are made once.

A run may ask for another output type (``agent.run(..., output_type=X)``); the spec makes the
:class:`OutputPlan` for each such type at first use and keeps it (a bounded memo: specs live as long as their
agent, and a program that builds output types on the fly must not grow it without limit).
"""

from __future__ import annotations

import dataclasses
import functools
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from .._capabilities.contributions import collect
from .._capabilities.history import HistoryProcessorFunc, with_history_processors
from .._exceptions import UserError
from .._output.schema import OutputSchema, OutputValidator, output_schema, output_schema_key
from .._sentinels import NOT_SET, NotSet
from .._settings import merge_model_settings
from ..models import ModelRequestParameters, infer_model

if TYPE_CHECKING:
    from .._capabilities.combined import CombinedCapability
    from .._run_context import RunContext
    from .._settings import ModelSettings
    from .._system_prompts import SystemPromptRunner
    from .._toolsets.abstract import AbstractToolset, ToolsetTool
    from .._toolsets.function import AgentFunctionToolset
    from ..models import Model

__all__ = ["AgentSpec", "EndStrategy", "OutputPlan", "plan_output"]

EndStrategy = Literal["early", "graceful", "exhaustive"]
"""What happens to function-tool calls that come with a final output (see :mod:`.steps.call_tools`)."""

MetadataSpec: TypeAlias = "dict[str, Any] | Callable[[RunContext[Any]], dict[str, Any]]"
"""A run's metadata, or a function of its context giving it (called as the run starts: see ``start_run``)."""

_MAX_PLANS = 64
"""How many per-run output types a spec remembers before it starts over."""


@dataclasses.dataclass(frozen=True, slots=True, eq=False)
class OutputPlan:
    """How a run asks the model for its output and turns the answer into a value."""

    schema: OutputSchema
    request_parameters: ModelRequestParameters
    """The tools and output mode sent with every request (before any tool's ``prepare``)."""
    instructions: str | None
    """The agent's static instructions. (Prompted output's template is not among them: it is added to the
    instructions of each request as it is sent, see :func:`~.steps.model_request.with_prompted_output`.)"""


def output_tool_clash(tools: Mapping[str, ToolsetTool[Any]], schema: OutputSchema) -> UserError | None:
    """The error for a tool named as one of the output tools (the first such name), if there is one."""
    clashes = tools.keys() & schema.tools.keys()
    if not clashes:
        return None
    name = min(clashes)
    return tools[name].toolset.name_conflict(
        name, "the agent's output tools", more=" Or give the output tool another name with `ToolOutput(..., name=...)`."
    )


def plan_output(
    schema: OutputSchema, tools: Mapping[str, ToolsetTool[Any]] | None, instructions: tuple[str, ...]
) -> OutputPlan:
    """The :class:`OutputPlan` for ``schema`` next to the static ``tools`` (``None``: each step lists its own)
    and the static ``instructions``; ``UserError`` if a tool has an output tool's name."""
    if tools:
        clash = output_tool_clash(tools, schema)
        if clash is not None:
            raise clash
    parameters = ModelRequestParameters(
        function_tools=[tool.tool_def for tool in tools.values()] if tools else [],
        output_mode=schema.mode,
        output_object=schema.output_object,
        output_tools=schema.tool_defs,
        prompted_output_template=schema.prompted_template,
        allow_text_output=schema.allow_text_output,
    )
    return OutputPlan(schema, parameters, "\n\n".join(instructions) or None)


@dataclasses.dataclass(frozen=True, kw_only=True, eq=False)
class AgentSpec:
    """Everything a run needs to know about its agent. Immutable: to change it, compile a new one."""

    name: str | None
    model: Model | None
    """The agent's model (a run's ``model=`` takes precedence), ``None`` if it has none."""
    model_override: Model | None = None
    """A model that replaces every run's (set by ``Agent.override(model=...)``)."""
    model_settings: ModelSettings | None
    """The agent's static settings (given as a function of the context, they are in :attr:`settings_functions`)."""
    metadata: MetadataSpec | None
    deps: Any | NotSet = NOT_SET
    """Deps that replace every run's ``deps`` (set by ``Agent.override(deps=...)``)."""
    output: OutputPlan
    """The plan for the agent's own output type."""
    output_validators: tuple[OutputValidator, ...]
    function_toolset: AgentFunctionToolset[Any]
    """The agent's own tools (``tools=``, ``@agent.tool``), with its retries, timeout and thread limiter."""
    toolsets: tuple[AbstractToolset[Any], ...]
    """The agent's other toolsets (``toolsets=``, ``@agent.toolset``), in order."""
    static_tools: Mapping[str, ToolsetTool[Any]] | None
    """The tools every step offers, when they are known now: the agent has no other toolsets and no tool
    prepares its definition per step (``None`` otherwise: see :mod:`.run_tools`)."""
    default_tool_retries: int
    """The retry budget of a call of a tool no toolset offers."""
    max_output_retries: int
    end_strategy: EndStrategy
    instructions: tuple[str, ...]
    """The static instructions (functions are in :attr:`instruction_runners`)."""
    instruction_runners: tuple[SystemPromptRunner, ...]
    system_prompts: tuple[str, ...]
    system_prompt_runners: tuple[SystemPromptRunner, ...]
    dynamic_system_prompts: Mapping[str, SystemPromptRunner]
    """The runners of ``@system_prompt(dynamic=True)`` functions, by the reference stored in their parts."""
    capability: CombinedCapability | None
    """The agent's capabilities composed into one (``None``: it has none); ``history_processors`` come first."""
    history_processors: Sequence[HistoryProcessorFunc] = ()
    """``Agent(history_processors=[...])``: compiled into :class:`ProcessHistory` capabilities that run before
    the agent's own capabilities (so ``capability`` holds them once the spec is made)."""
    agent: Any = dataclasses.field(default=None, repr=False, compare=False)
    """The agent itself, handed to run contexts as ``ctx.agent`` (the engine never reads it)."""
    _plans: dict[tuple[Any, ...], OutputPlan] = dataclasses.field(default_factory=dict, repr=False)
    _models: dict[str, Model] = dataclasses.field(default_factory=dict, repr=False)
    _plans_lock: threading.Lock = dataclasses.field(default_factory=threading.Lock, repr=False)

    settings_functions: tuple[Callable[[RunContext[Any]], Any], ...] = ()
    """Functions of the run context giving model settings per request (``model_settings=`` given as a
    function, and capabilities' ``get_model_settings``), merged in order over :attr:`model_settings`."""
    model_selector: Callable[..., Any] | None = None
    """A capability's per-request model choice (``SelectModel``), if any."""
    builtin_tools: tuple[Any, ...] = ()
    """``Agent(builtin_tools=[...])``: built-in tools sent with every request, or functions of the run context
    choosing one per request (see :func:`~.steps.model_request.with_builtin_tools`)."""
    wraps_tools: bool = False
    """Whether capabilities prepare or wrap the tools (see :mod:`trio_agent._capabilities.contributions`)."""
    folded: bool = False
    """Whether :meth:`__post_init__` has folded the above in (a spec copied for one run is not folded again)."""

    def __post_init__(self) -> None:
        """Fold in what is not the agent's own: history processors (as capabilities), and what the capabilities
        contribute (instructions, toolsets, settings, a model)."""
        assign = functools.partial(object.__setattr__, self)
        if self.folded:
            return
        assign("folded", True)
        if self.history_processors:
            assign("capability", with_history_processors(self.capability, tuple(self.history_processors)))
        capability = self.capability
        if capability is None or not capability.contributes:
            return
        found = collect(capability)
        replan = False
        if found.instructions or found.instruction_runners:
            assign("instructions", (*self.instructions, *found.instructions))
            assign("instruction_runners", (*self.instruction_runners, *found.instruction_runners))
            replan = True
        if found.toolsets or found.changes_tools:
            assign("toolsets", (*self.toolsets, *found.toolsets))
            assign("static_tools", None)
            assign("wraps_tools", found.changes_tools)
            replan = True
        if found.model_settings:
            assign("model_settings", merge_model_settings(self.model_settings, found.model_settings))
        if found.settings_functions:
            assign("settings_functions", (*self.settings_functions, *found.settings_functions))
        if found.model is not None and self.model_override is None:
            assign("model", self.model_for(found.model))
        if found.model_selector is not None:
            assign("model_selector", found.model_selector)
        if replan:
            assign("output", plan_output(self.output.schema, self.static_tools, self.instructions))

    async def for_run(self, ctx: RunContext[Any]) -> AgentSpec:
        """This spec with each capability replaced by its ``for_run`` instance (itself, if none asks for one)."""
        capability = self.capability
        if capability is None or not capability.binds_per_run:
            return self
        bound = [await member.for_run(ctx) for member in capability.capabilities]
        return dataclasses.replace(self, capability=capability.rebound(bound), _plans={}, _models=self._models)

    def model_for(self, model: Model | str) -> Model:
        """The model a run's ``model=`` names: a model given by name (``'openai:gpt-4o'``) is resolved once per
        spec, so runs that name the same model share it (and its provider's HTTP client)."""
        if not isinstance(model, str):
            return model
        resolved = self._models.get(model)
        if resolved is None:
            resolved = infer_model(model)
            with self._plans_lock:
                if len(self._models) >= _MAX_PLANS:
                    self._models.clear()
                self._models[model] = resolved
        return resolved

    def output_plan(self, output_type: Any) -> OutputPlan:
        """The plan for a run's ``output_type`` (the agent's own if ``None``); built at first use.

        Raises ``UserError`` if ``output_type`` is not a valid output spec.
        """
        if output_type is None:
            return self.output
        try:
            key = output_schema_key(output_type)
        except TypeError:  # an unhashable spec: plan it every time rather than remember it by identity
            return plan_output(output_schema(output_type), self.static_tools, self.instructions)
        plan = self._plans.get(key)
        if plan is None:
            plan = plan_output(output_schema(output_type), self.static_tools, self.instructions)
            with self._plans_lock:  # agents may be shared by trio runs in several threads
                if len(self._plans) >= _MAX_PLANS:
                    self._plans.clear()
                self._plans[key] = plan
        return plan
