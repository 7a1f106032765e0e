"""``WrapperToolset``: a toolset that delegates to another; subclass it to change part of what that one does."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Self

from typing_extensions import TypeVar

from .._run_context import RunContext
from .abstract import AbstractToolset, ToolsetTool

__all__ = ["WrapperToolset"]

DepsT = TypeVar("DepsT", default=None, contravariant=True)


@dataclasses.dataclass
class WrapperToolset(AbstractToolset[DepsT]):
    """Delegates everything to ``wrapped``. Override :meth:`call_tool` to intercept calls (log, time, refuse,
    change arguments or results) and :meth:`get_tools` to change what is offered.

    A subclass with fields besides ``wrapped`` is copied with ``dataclasses.replace`` when a run needs its own
    instance of the wrapped toolset (see :meth:`AbstractToolset.for_run`), so make it a dataclass (or override
    :meth:`for_run`).
    """

    wrapped: AbstractToolset[DepsT]

    @property
    def id(self) -> str | None:
        return None

    @property
    def label(self) -> str:
        return f"{type(self).__name__}({self.wrapped.label})"

    @property
    def tool_name_conflict_hint(self) -> str:
        return self.wrapped.tool_name_conflict_hint

    async def __aenter__(self) -> Self:
        await self.wrapped.__aenter__()
        return self

    async def __aexit__(self, *args: Any) -> bool | None:
        return await self.wrapped.__aexit__(*args)

    async def for_run(self, ctx: RunContext[DepsT]) -> AbstractToolset[DepsT]:
        wrapped = await self.wrapped.for_run(ctx)
        return self if wrapped is self.wrapped else dataclasses.replace(self, wrapped=wrapped)

    async def get_tools(self, ctx: RunContext[DepsT]) -> dict[str, ToolsetTool[DepsT]]:
        return await self.wrapped.get_tools(ctx)

    async def call_tool(
        self, name: str, tool_args: dict[str, Any], ctx: RunContext[DepsT], tool: ToolsetTool[DepsT]
    ) -> Any:
        return await self.wrapped.call_tool(name, tool_args, ctx, tool)

    async def get_instructions(self, ctx: RunContext[DepsT]) -> str | list[str] | None:
        return await self.wrapped.get_instructions(ctx)

    def apply(self, visitor: Callable[[AbstractToolset[DepsT]], None]) -> None:
        self.wrapped.apply(visitor)

    def visit_and_replace(
        self, visitor: Callable[[AbstractToolset[DepsT]], AbstractToolset[DepsT]]
    ) -> AbstractToolset[DepsT]:
        return dataclasses.replace(self, wrapped=self.wrapped.visit_and_replace(visitor))
