"""``CombinedToolset``: several toolsets offered as one; the run's tools are always one of these."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from contextlib import AsyncExitStack
from typing import Any, Self

import trio
from typing_extensions import TypeVar

from .._exception_groups import unwrapping_groups
from .._run_context import RunContext
from .abstract import AbstractToolset, ToolsetTool

__all__ = ["CombinedToolset"]

DepsT = TypeVar("DepsT", default=None, contravariant=True)


@dataclasses.dataclass(kw_only=True)
class _CombinedTool(ToolsetTool[DepsT]):
    """A member's tool, with the member that calls it."""

    source_toolset: AbstractToolset[DepsT]
    source_tool: ToolsetTool[DepsT]


class CombinedToolset(AbstractToolset[DepsT]):
    """The tools of all ``toolsets`` together. Two tools with one name are a ``UserError`` naming both
    toolsets (wrap one in ``.prefixed(...)``).

    Entering it enters every member (in order; they are exited in reverse), once however often it is entered:
    the first entry opens them and the last exit closes them.
    """

    def __init__(self, toolsets: Sequence[AbstractToolset[DepsT]], *, id: str | None = None) -> None:
        self.toolsets: tuple[AbstractToolset[DepsT], ...] = tuple(toolsets)
        self._id = id
        self._entered = 0
        self._exit_stack: AsyncExitStack | None = None

    @property
    def id(self) -> str | None:
        return self._id

    @property
    def label(self) -> str:
        return f"{type(self).__name__}({', '.join(t.label for t in self.toolsets)})"

    def __repr__(self) -> str:
        return f"CombinedToolset({list(self.toolsets)!r})"

    async def __aenter__(self) -> Self:
        if self._entered == 0:
            async with AsyncExitStack() as stack:
                for toolset in self.toolsets:
                    await stack.enter_async_context(toolset)
                self._exit_stack = stack.pop_all()
        self._entered += 1
        return self

    async def __aexit__(self, *args: Any) -> bool | None:
        self._entered -= 1
        if self._entered == 0 and self._exit_stack is not None:
            stack, self._exit_stack = self._exit_stack, None
            await stack.aclose()
        return None

    async def for_run(self, ctx: RunContext[DepsT]) -> AbstractToolset[DepsT]:
        members = [await toolset.for_run(ctx) for toolset in self.toolsets]
        if all(new is old for new, old in zip(members, self.toolsets, strict=True)):
            return self
        return CombinedToolset(members, id=self._id)

    async def get_tools(self, ctx: RunContext[DepsT]) -> dict[str, ToolsetTool[DepsT]]:
        toolsets = self.toolsets
        if len(toolsets) == 1:
            listed = [await toolsets[0].get_tools(ctx)]
        else:  # members that list over the network (MCP servers) do so at once
            listed = [{} for _ in toolsets]

            async def list_tools(index: int) -> None:
                listed[index] = await toolsets[index].get_tools(ctx)

            async with unwrapping_groups(), trio.open_nursery() as nursery:
                for index in range(len(toolsets)):
                    nursery.start_soon(list_tools, index)
        tools: dict[str, ToolsetTool[DepsT]] = {}
        for toolset, member_tools in zip(toolsets, listed, strict=True):
            for name, tool in member_tools.items():
                existing = tools.get(name)
                if existing is not None:
                    assert isinstance(existing, _CombinedTool)
                    raise toolset.name_conflict(name, existing.source_toolset.label)
                tool_def = tool.tool_def
                if tool_def.toolset_id is None and tool.toolset.id is not None:  # which toolset offers it
                    tool_def = dataclasses.replace(tool_def, toolset_id=tool.toolset.id)
                tools[name] = _CombinedTool(
                    toolset=tool.toolset,
                    tool_def=tool_def,
                    max_retries=tool.max_retries,
                    args_validator=tool.args_validator,
                    source_toolset=toolset,
                    source_tool=tool,
                )
        return tools

    async def call_tool(
        self, name: str, tool_args: dict[str, Any], ctx: RunContext[DepsT], tool: ToolsetTool[DepsT]
    ) -> Any:
        assert isinstance(tool, _CombinedTool), "call_tool needs the tool this toolset's get_tools returned"
        return await tool.source_toolset.call_tool(name, tool_args, ctx, tool.source_tool)

    async def get_instructions(self, ctx: RunContext[DepsT]) -> str | list[str] | None:
        texts: list[str] = []
        for toolset in self.toolsets:
            found = await toolset.get_instructions(ctx)
            if isinstance(found, str):
                texts.append(found)
            elif found:
                texts.extend(found)
        return texts or None

    def apply(self, visitor: Callable[[AbstractToolset[DepsT]], None]) -> None:
        for toolset in self.toolsets:
            toolset.apply(visitor)

    def visit_and_replace(
        self, visitor: Callable[[AbstractToolset[DepsT]], AbstractToolset[DepsT]]
    ) -> AbstractToolset[DepsT]:
        return CombinedToolset([toolset.visit_and_replace(visitor) for toolset in self.toolsets], id=self._id)
