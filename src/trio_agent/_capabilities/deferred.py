"""``HandleDeferredToolCalls``: answer deferred tool calls inside the run instead of ending it."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, Generic

from typing_extensions import TypeVar

from .._run_context import RunContext
from .._tools.deferred import DeferredToolRequests, DeferredToolResults
from .abstract import AbstractCapability

__all__ = ["HandleDeferredToolCalls"]

DepsT = TypeVar("DepsT", default=Any)


@dataclasses.dataclass
class HandleDeferredToolCalls(AbstractCapability[DepsT], Generic[DepsT]):
    """Answers a step's deferred tool calls (calls needing approval, external calls) with
    ``handler(ctx, requests)`` (sync or async), so the run goes on instead of ending with
    ``DeferredToolRequests``.

    The handler returns ``DeferredToolResults`` for some or all of the calls (approvals run the tool, denials
    and results answer it, as on a resumed run); calls it leaves out go to the next such capability, and
    finally end the run as usual (which then needs ``DeferredToolRequests`` among the output types).
    """

    handler: Callable[[RunContext[Any], DeferredToolRequests], DeferredToolResults | Awaitable[DeferredToolResults]]

    async def handle_deferred_tool_calls(
        self, ctx: RunContext[Any], *, requests: DeferredToolRequests
    ) -> DeferredToolResults | None:
        found = self.handler(ctx, requests)
        return await found if inspect.isawaitable(found) else found
