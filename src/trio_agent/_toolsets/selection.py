"""Toolsets that change which tools another toolset offers at a step: ``FilteredToolset`` and
``PreparedToolset``."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable

from typing_extensions import TypeVar

from .._exceptions import UserError
from .._run_context import RunContext
from .._tools.definitions import ToolDefinition
from .abstract import ToolsetTool, ToolsPrepareFunc
from .wrapper import WrapperToolset

__all__ = ["FilteredToolset", "PreparedToolset"]

DepsT = TypeVar("DepsT", default=None, contravariant=True)


@dataclasses.dataclass
class FilteredToolset(WrapperToolset[DepsT]):
    """Offers only the tools of ``wrapped`` for which ``filter_func(ctx, tool_def)`` is true at that step."""

    filter_func: Callable[[RunContext[DepsT], ToolDefinition], bool]

    async def get_tools(self, ctx: RunContext[DepsT]) -> dict[str, ToolsetTool[DepsT]]:
        tools = await self.wrapped.get_tools(ctx)
        return {name: tool for name, tool in tools.items() if self.filter_func(ctx, tool.tool_def)}


@dataclasses.dataclass
class PreparedToolset(WrapperToolset[DepsT]):
    """Passes the definitions of ``wrapped``'s tools through ``prepare_func(ctx, tool_defs)`` at each step:
    it may drop tools or change their descriptions and schemas, not add or rename them."""

    prepare_func: ToolsPrepareFunc

    async def get_tools(self, ctx: RunContext[DepsT]) -> dict[str, ToolsetTool[DepsT]]:
        tools = await self.wrapped.get_tools(ctx)
        prepared = self.prepare_func(ctx, [tool.tool_def for tool in tools.values()])
        if inspect.isawaitable(prepared):
            prepared = await prepared
        result: dict[str, ToolsetTool[DepsT]] = {}
        for tool_def in prepared or ():
            original = tools.get(tool_def.name)
            if original is None:
                raise UserError(
                    f"The prepare function of {self.label} returned a definition named {tool_def.name!r}, which is "
                    f"not one of its tools ({', '.join(map(repr, tools)) or 'none'}): it can drop tools or change "
                    "their definitions, not add or rename them. Use `FunctionToolset.add_function()` to add a "
                    "tool, or `.renamed()` to rename one."
                )
            result[tool_def.name] = dataclasses.replace(original, tool_def=tool_def)
        return result
