"""The tools of one run: the toolsets it reaches, opened for the run, and the tools each step offers.

Two cases, decided when the run starts:

* *Static* (the common one): the run's only toolset is its agent's own function tools, none with a
  ``prepare`` function. The tools and the request parameters are the agent spec's, made once for every run;
  a run costs nothing here, and :attr:`RunConfig.toolsets` is ``None``.
* *Toolsets*: the agent has other toolsets, the run was given some (``toolsets=``), or a tool prepares its own
  definition. :class:`RunToolsets` then combines them (the agent's function tools first, then the agent's
  toolsets, then the run's) and, when the run starts, asks each for the instance this run uses
  (:meth:`~trio_agent.toolsets.AbstractToolset.for_run`) and enters it in a task of the run's nursery (see
  :mod:`trio_agent._toolsets.host`); before every model request it lists the tools they offer, checks that no
  name is taken twice (nor by an output tool), and builds the request parameters from them.

Resource handling: whoever drives the run calls :meth:`RunToolsets.open` with a nursery that outlives the
run's steps and :meth:`RunToolsets.close` when the run is over (closing what the run opened, the last opened
first); a toolset already open when the run starts (``async with agent:``) is borrowed, not reopened.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._capabilities.contributions import prepare_output_tool_defs, wrap_run_toolset
from .._capabilities.durability import LISTING, durability_of
from .._toolsets.combined import CombinedToolset
from .._toolsets.host import ToolsetHost
from .spec import output_tool_clash

if TYPE_CHECKING:
    import trio

    from .._capabilities.combined import CombinedCapability
    from .._toolsets.abstract import AbstractToolset, ToolsetTool
    from ..models import ModelRequestParameters
    from .config import RunConfig
    from .state import RunState

__all__ = ["RunToolsets", "StepTools", "offered_tools", "tools_for_calls"]

StepTools = Mapping[str, "ToolsetTool[Any]"]
"""The tools offered at a step, by the name the model calls them by."""


class RunToolsets:
    """The toolsets of one run (see the module docstring)."""

    __slots__ = ("_host", "combined", "root")

    def __init__(self, toolsets: Sequence[AbstractToolset[Any]], capability: CombinedCapability | None = None) -> None:
        self.combined: AbstractToolset[Any] = wrap_run_toolset(capability, CombinedToolset(toolsets))
        """The toolsets as configured (shared with other runs), as capabilities prepare and wrap them."""
        self.root: AbstractToolset[Any] = self.combined
        """The instance this run uses, once :meth:`open` has prepared it."""
        self._host: ToolsetHost | None = None

    async def open(self, config: RunConfig, state: RunState, nursery: trio.Nursery) -> None:
        """Prepare the run's instance of its toolsets and enter it in a task of ``nursery``."""
        host = self._host = ToolsetHost(nursery)
        self.root = await self.combined.for_run(config.run_context(state, _host=host))
        await host.enter(self.root)

    async def close(self) -> None:
        """Exit everything the run entered."""
        if self._host is not None:
            host, self._host = self._host, None
            await host.aclose()

    async def step_tools(self, config: RunConfig, state: RunState) -> StepTools:
        """The tools offered at this step (recorded in ``state`` for the step that runs their calls)."""
        ctx = config.run_context(state)
        durability = durability_of(config)
        if durability is None:
            tools = await self.root.get_tools(ctx)
        else:
            token = LISTING.set((durability, ctx))
            try:
                tools = await self.root.get_tools(ctx)
            finally:
                LISTING.reset(token)
        clash = output_tool_clash(tools, config.output.schema)
        if clash is not None:
            raise clash
        state.tools = tools
        return tools

    async def request_parameters(self, config: RunConfig, state: RunState) -> ModelRequestParameters:
        """The parameters of this step's model request: the output plan's, with this step's tools."""
        tools = await self.step_tools(config, state)
        params = config.output.request_parameters
        capability = config.spec.capability
        if capability is not None and capability.prepares_output_tools and params.output_tools:
            output_tools = await prepare_output_tool_defs(
                capability, config.run_context(state), list(params.output_tools)
            )
            return dataclasses.replace(
                params, function_tools=[tool.tool_def for tool in tools.values()], output_tools=output_tools
            )
        return dataclasses.replace(params, function_tools=[tool.tool_def for tool in tools.values()])

    async def instructions(self, config: RunConfig, state: RunState) -> list[str]:
        """Instructions the toolsets add to this step's request (an MCP server's, say)."""
        found = await self.root.get_instructions(config.run_context(state))
        if found is None:
            return []
        return [found] if isinstance(found, str) else list(found)


def offered_tools(config: RunConfig, state: RunState) -> StepTools:
    """The tools the latest request offered (none yet, if the run lists them per step and made no request)."""
    if config.toolsets is None:
        assert config.spec.static_tools is not None
        return config.spec.static_tools
    return state.tools or {}


async def tools_for_calls(config: RunConfig, state: RunState) -> tuple[StepTools, AbstractToolset[Any]]:
    """The tools whose calls a step runs (those the latest request offered; listed now if this run made no
    request yet, as when it resumes deferred calls), and the toolset that calls them."""
    toolsets = config.toolsets
    if toolsets is None:
        assert config.spec.static_tools is not None
        return config.spec.static_tools, config.spec.function_toolset
    tools = state.tools
    if tools is None:
        tools = await toolsets.step_tools(config, state)
    return tools, toolsets.root
