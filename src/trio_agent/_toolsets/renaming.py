"""Toolsets that rename another toolset's tools: ``PrefixedToolset`` and ``RenamedToolset``.

The model sees the new names; the wrapped toolset is called with its own names (and a ``RunContext`` whose
``tool_name`` is its own), so it never knows it was renamed.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from typing_extensions import TypeVar

from .._run_context import RunContext
from .abstract import ToolsetTool
from .wrapper import WrapperToolset

__all__ = ["PrefixedToolset", "RenamedToolset"]

DepsT = TypeVar("DepsT", default=None, contravariant=True)


def _renamed(tool: ToolsetTool[Any], name: str) -> ToolsetTool[Any]:
    return dataclasses.replace(tool, tool_def=dataclasses.replace(tool.tool_def, name=name))


@dataclasses.dataclass
class PrefixedToolset(WrapperToolset[DepsT]):
    """Offers the tools of ``wrapped`` named ``f'{prefix}_{name}'`` (two MCP servers that both have a
    ``search`` tool, say)."""

    prefix: str

    @property
    def tool_name_conflict_hint(self) -> str:
        return "Change the `prefix` attribute to avoid name conflicts."

    async def get_tools(self, ctx: RunContext[DepsT]) -> dict[str, ToolsetTool[DepsT]]:
        tools = await self.wrapped.get_tools(ctx)
        return {f"{self.prefix}_{name}": _renamed(tool, f"{self.prefix}_{name}") for name, tool in tools.items()}

    async def call_tool(
        self, name: str, tool_args: dict[str, Any], ctx: RunContext[DepsT], tool: ToolsetTool[DepsT]
    ) -> Any:
        original = name.removeprefix(f"{self.prefix}_")
        ctx = dataclasses.replace(ctx, tool_name=original)
        return await self.wrapped.call_tool(original, tool_args, ctx, _renamed(tool, original))


@dataclasses.dataclass
class RenamedToolset(WrapperToolset[DepsT]):
    """Offers the tools of ``wrapped`` under new names: ``name_map`` maps each new name to the original one
    (tools it does not name keep theirs)."""

    name_map: dict[str, str]

    async def get_tools(self, ctx: RunContext[DepsT]) -> dict[str, ToolsetTool[DepsT]]:
        new_names = {original: new for new, original in self.name_map.items()}
        tools = await self.wrapped.get_tools(ctx)
        result: dict[str, ToolsetTool[DepsT]] = {}
        for name, tool in tools.items():
            new = new_names.get(name, name)
            result[new] = tool if new == name else _renamed(tool, new)
        return result

    async def call_tool(
        self, name: str, tool_args: dict[str, Any], ctx: RunContext[DepsT], tool: ToolsetTool[DepsT]
    ) -> Any:
        original = self.name_map.get(name, name)
        if original == name:
            return await self.wrapped.call_tool(name, tool_args, ctx, tool)
        ctx = dataclasses.replace(ctx, tool_name=original)
        return await self.wrapped.call_tool(original, tool_args, ctx, _renamed(tool, original))
