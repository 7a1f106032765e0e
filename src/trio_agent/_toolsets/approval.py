"""``ApprovalRequiredToolset``: calls to another toolset's tools that need a human's approval first."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from typing_extensions import TypeVar

from .._exceptions import ApprovalRequired
from .._run_context import RunContext
from .._tools.definitions import ToolDefinition
from .abstract import ToolsetTool
from .wrapper import WrapperToolset

__all__ = ["ApprovalRequiredToolset"]

DepsT = TypeVar("DepsT", default=None, contravariant=True)


def _always(ctx: RunContext[Any], tool_def: ToolDefinition, tool_args: dict[str, Any]) -> bool:
    return True


@dataclasses.dataclass
class ApprovalRequiredToolset(WrapperToolset[DepsT]):
    """Calls of ``wrapped``'s tools for which ``approval_required_func(ctx, tool_def, args)`` is true (all, by
    default) are not made: they end the run with ``DeferredToolRequests`` (its ``approvals``), like calls of
    ``requires_approval=True`` tools, and a later run with ``deferred_tool_results=`` makes or denies them."""

    approval_required_func: Callable[[RunContext[DepsT], ToolDefinition, dict[str, Any]], bool] = _always

    async def call_tool(
        self, name: str, tool_args: dict[str, Any], ctx: RunContext[DepsT], tool: ToolsetTool[DepsT]
    ) -> Any:
        if not ctx.tool_call_approved and self.approval_required_func(ctx, tool.tool_def, tool_args):
            raise ApprovalRequired()
        return await self.wrapped.call_tool(name, tool_args, ctx, tool)
