"""Capabilities that change the tools offered at each step: ``PrepareTools``, ``PrepareOutputTools``,
``SetToolMetadata`` and ``IncludeToolReturnSchemas``.

An agent with any of them lists its tools per step (the static-tools fast path does not apply to it)."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Sequence
from typing import Any, Generic, Literal, TypeAlias

from typing_extensions import TypeVar

from .._run_context import RunContext
from .._tools.definitions import ToolDefinition
from .abstract import AbstractCapability

__all__ = ["IncludeToolReturnSchemas", "PrepareOutputTools", "PrepareTools", "SetToolMetadata", "ToolSelector"]

DepsT = TypeVar("DepsT", default=Any)

ToolSelector: TypeAlias = Literal["all"] | Sequence[str] | Callable[[RunContext[Any], ToolDefinition], Any]
"""Which tools a capability applies to: ``'all'``, a list of names, or a predicate ``(ctx, tool_def)`` (sync
or async)."""

PrepareFunc: TypeAlias = Callable[[RunContext[Any], list[ToolDefinition]], Any]
"""``(ctx, tool_defs) -> tool_defs``, sync or async; ``None`` offers no tools."""


async def matches(selector: ToolSelector, ctx: RunContext[Any], tool_def: ToolDefinition) -> bool:
    """Whether ``tool_def`` is one of the tools ``selector`` names."""
    if selector == "all":
        return True
    if callable(selector):
        found = selector(ctx, tool_def)
        return bool(await found if inspect.isawaitable(found) else found)
    return tool_def.name in selector


async def _prepared(func: PrepareFunc, ctx: RunContext[Any], tool_defs: list[ToolDefinition]) -> list[ToolDefinition]:
    found = func(ctx, tool_defs)
    if inspect.isawaitable(found):
        found = await found
    return list(found or [])


@dataclasses.dataclass
class PrepareTools(AbstractCapability[DepsT], Generic[DepsT]):
    """Passes the function tools of each step through ``prepare_func(ctx, tool_defs)``: it may drop tools
    (they can then not be called either) or change their definitions."""

    prepare_func: PrepareFunc

    async def prepare_tools(self, ctx: RunContext[Any], tool_defs: list[ToolDefinition]) -> list[ToolDefinition]:
        return await _prepared(self.prepare_func, ctx, tool_defs)


@dataclasses.dataclass
class PrepareOutputTools(AbstractCapability[DepsT], Generic[DepsT]):
    """Passes the output tools of each step through ``prepare_func(ctx, tool_defs)``."""

    prepare_func: PrepareFunc

    async def prepare_output_tools(self, ctx: RunContext[Any], tool_defs: list[ToolDefinition]) -> list[ToolDefinition]:
        return await _prepared(self.prepare_func, ctx, tool_defs)


class SetToolMetadata(AbstractCapability[DepsT], Generic[DepsT]):
    """Merges the keyword arguments into the ``metadata`` of the selected tools' definitions:
    ``SetToolMetadata(code_mode=True)``, or ``SetToolMetadata(tools=['search'], cache=False)``."""

    def __init__(self, *, tools: ToolSelector = "all", **metadata: Any) -> None:
        self.tools = tools
        self.metadata = metadata

    def __repr__(self) -> str:
        return f"SetToolMetadata(tools={self.tools!r}, **{self.metadata!r})"

    async def prepare_tools(self, ctx: RunContext[Any], tool_defs: list[ToolDefinition]) -> list[ToolDefinition]:
        return [
            dataclasses.replace(d, metadata={**(d.metadata or {}), **self.metadata})
            if await matches(self.tools, ctx, d)
            else d
            for d in tool_defs
        ]


@dataclasses.dataclass
class IncludeToolReturnSchemas(AbstractCapability[DepsT], Generic[DepsT]):
    """Sends the return schemas of the selected tools to the model (tools that set ``include_return_schema``
    themselves keep their choice)."""

    tools: ToolSelector = "all"

    async def prepare_tools(self, ctx: RunContext[Any], tool_defs: list[ToolDefinition]) -> list[ToolDefinition]:
        return [
            dataclasses.replace(d, include_return_schema=True)
            if d.include_return_schema is None and await matches(self.tools, ctx, d)
            else d
            for d in tool_defs
        ]
