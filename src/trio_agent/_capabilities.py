"""Capabilities: objects whose hooks observe or change a run as it goes.

Subclass :class:`AbstractCapability`, override the hooks you need (the defaults pass everything through) and
pass instances as ``Agent(capabilities=[...])``. Several capabilities compose like middleware:
``before_*`` hooks run in the order given, ``after_*`` hooks in reverse, ``wrap_*`` hooks nest with the first
capability outermost, and ``on_*_error`` hooks are tried in reverse order until one returns (recovers).

Node hooks run in the run's driver task, around every node that ``AgentRun.next`` (and so ``Agent.run``)
executes; ``async for node in run`` does not run them. A hook that raises fails the step like the node would.
Cancellation is never passed to ``on_node_run_error``, and ``after_node_run`` does not run for a cancelled node.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeAlias

from ._nodes import AgentNode, End
from ._run_context import RunContext

__all__ = ["AbstractCapability", "CombinedCapability", "NodeResult", "NodeRunHandler"]

NodeResult: TypeAlias = AgentNode | End[Any]
NodeRunHandler: TypeAlias = Callable[[AgentNode], Awaitable[NodeResult]]


@dataclasses.dataclass
class AbstractCapability:
    """Base class of capabilities; every hook defaults to passing through."""

    async def before_node_run(self, ctx: RunContext[Any], *, node: AgentNode) -> AgentNode:
        """Called before a node runs; return the node to run (the same one, or a replacement)."""
        return node

    async def wrap_node_run(self, ctx: RunContext[Any], *, node: AgentNode, handler: NodeRunHandler) -> NodeResult:
        """Run the node by awaiting ``handler(node)``; return its result, or your own to short-circuit."""
        return await handler(node)

    async def after_node_run(self, ctx: RunContext[Any], *, node: AgentNode, result: NodeResult) -> NodeResult:
        """Called with the node's result; return the node to run next (the same one, or a replacement)."""
        return result

    async def on_node_run_error(self, ctx: RunContext[Any], *, node: AgentNode, error: Exception) -> NodeResult:
        """Called when the node (or a wrap hook) raised; re-raise to propagate, return a node to recover."""
        raise error


def _overrides(capability: AbstractCapability, name: str) -> bool:
    return getattr(type(capability), name) is not getattr(AbstractCapability, name)


class CombinedCapability:
    """Several capabilities composed into one, calling only the hooks each actually overrides."""

    def __init__(self, capabilities: Sequence[AbstractCapability]) -> None:
        self.capabilities = tuple(capabilities)
        self._before = [c for c in capabilities if _overrides(c, "before_node_run")]
        self._wrap = [c for c in capabilities if _overrides(c, "wrap_node_run")]
        self._after = [c for c in reversed(capabilities) if _overrides(c, "after_node_run")]
        self._on_error = [c for c in reversed(capabilities) if _overrides(c, "on_node_run_error")]

    async def run_node(self, ctx: RunContext[Any], node: AgentNode, step: NodeRunHandler) -> NodeResult:
        """Run ``node`` through ``step`` with every node hook applied."""
        for capability in self._before:
            node = await capability.before_node_run(ctx, node=node)
        try:
            result = await self._wrapped(ctx, node, step, 0)
        except Exception as error:
            result = await self._recover(ctx, node, error)
        for capability in self._after:
            result = await capability.after_node_run(ctx, node=node, result=result)
        return result

    async def _wrapped(self, ctx: RunContext[Any], node: AgentNode, step: NodeRunHandler, depth: int) -> NodeResult:
        if depth == len(self._wrap):
            return await step(node)

        async def handler(inner: AgentNode) -> NodeResult:
            return await self._wrapped(ctx, inner, step, depth + 1)

        return await self._wrap[depth].wrap_node_run(ctx, node=node, handler=handler)

    async def _recover(self, ctx: RunContext[Any], node: AgentNode, error: Exception) -> NodeResult:
        for capability in self._on_error:
            try:
                return await capability.on_node_run_error(ctx, node=node, error=error)
            except Exception as raised:
                error = raised
        raise error
