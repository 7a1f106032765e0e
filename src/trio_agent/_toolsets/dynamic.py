"""``DynamicToolset``: a toolset chosen by a function of the run context (``@agent.toolset``)."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeAlias

from typing_extensions import TypeVar

from .._run_context import RunContext
from .abstract import AbstractToolset, ToolsetTool
from .host import Held, ToolsetHost

__all__ = ["DynamicToolset", "ToolsetFunc"]

DepsT = TypeVar("DepsT", default=None, contravariant=True)

ToolsetFunc: TypeAlias = Callable[
    [RunContext[Any]], "AbstractToolset[Any] | Awaitable[AbstractToolset[Any] | None] | None"
]
"""``(ctx) -> toolset | None``, sync or async: the toolset to offer (``None``: no tools)."""


class DynamicToolset(AbstractToolset[DepsT]):
    """Offers the toolset ``toolset_func(ctx)`` returns: evaluated before every model request
    (``per_run_step=True``) or once when a run starts.

    Resource handling: each run evaluates the function for itself. A toolset the function returns is used the
    way the run's other toolsets are (:meth:`AbstractToolset.for_run`, then entered in a task of the run's
    nursery); when the function returns a different one at a later step, the previous one is exited first.
    Everything is exited by the time the run ends.
    """

    def __init__(self, toolset_func: ToolsetFunc, *, per_run_step: bool = True, id: str | None = None) -> None:
        self.toolset_func = toolset_func
        self.per_run_step = per_run_step
        self._id = id
        self._host: ToolsetHost | None = None
        self._evaluated = False
        self._source: AbstractToolset[Any] | None = None
        """What the function returned last."""
        self._active: AbstractToolset[Any] | None = None
        """The instance of it the run uses (entered, if the run has a host)."""
        self._held: Held | None = None

    @property
    def id(self) -> str | None:
        return self._id

    def __repr__(self) -> str:
        return f"DynamicToolset({getattr(self.toolset_func, '__qualname__', self.toolset_func)!r})"

    async def for_run(self, ctx: RunContext[DepsT]) -> AbstractToolset[DepsT]:
        run: DynamicToolset[DepsT] = DynamicToolset(self.toolset_func, per_run_step=self.per_run_step, id=self._id)
        run._host = ctx._host
        if not self.per_run_step:
            await run._evaluate(ctx)
        return run

    async def _evaluate(self, ctx: RunContext[DepsT]) -> None:
        source = self.toolset_func(ctx)
        if inspect.isawaitable(source):
            source = await source
        if self._evaluated and source is self._source:
            return
        held, self._held = self._held, None
        self._source, self._active, self._evaluated = None, None, False  # (until the new one is open)
        if held is not None and self._host is not None:
            await self._host.release(held)
        if source is not None:
            active = await source.for_run(ctx)
            if self._host is not None:
                self._held = await self._host.enter(active)
            self._active = active
        self._source, self._evaluated = source, True

    async def get_tools(self, ctx: RunContext[DepsT]) -> dict[str, ToolsetTool[DepsT]]:
        if self.per_run_step or not self._evaluated:
            await self._evaluate(ctx)
        if self._active is None:
            return {}
        return await self._active.get_tools(ctx)

    async def call_tool(
        self, name: str, tool_args: dict[str, Any], ctx: RunContext[DepsT], tool: ToolsetTool[DepsT]
    ) -> Any:
        assert self._active is not None, "call_tool before get_tools"
        return await self._active.call_tool(name, tool_args, ctx, tool)

    async def get_instructions(self, ctx: RunContext[DepsT]) -> str | list[str] | None:
        return None if self._active is None else await self._active.get_instructions(ctx)

    def apply(self, visitor: Callable[[AbstractToolset[DepsT]], None]) -> None:
        if self._active is None:
            visitor(self)
        else:
            self._active.apply(visitor)
