"""Run hooks (``before_run``, ``wrap_run``, ``after_run``, ``on_run_error``) around both ways of running.

``Agent.run`` runs the whole run inside the hooks, in the caller's task. A run driven node by node
(``agent.iter``) has no body to wrap, so ``wrap_run`` runs in a task of the run's nursery: its ``handler``
waits until the caller's driving ends the run and returns the result, or raises what ended the run instead
(``RunCancelled`` after ``run.cancel()`` or an early exit from the block, the error that left the block). If
``wrap_run`` returns without calling ``handler`` (a short-circuit), the run ends with that result at the
caller's next step.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

import trio

from .._run_context import RunContext

if TYPE_CHECKING:
    from .._capabilities.combined import CombinedCapability
    from .result import AgentRunResult

__all__ = ["IterRunHooks", "run_with_hooks"]


async def run_with_hooks(
    capability: CombinedCapability, ctx: RunContext[Any], body: Callable[[], Awaitable[AgentRunResult[Any]]]
) -> AgentRunResult[Any]:
    """Run ``body`` (the whole run) with every run hook applied."""
    await capability.before_run(ctx)
    try:
        result = await capability.wrap_run(ctx, body)
    except Exception as error:
        result = await capability.recover_run(ctx, error)
    return await capability.after_run(ctx, result)


class IterRunHooks:
    """Run hooks around a run the caller drives (see the module docstring)."""

    def __init__(self, capability: CombinedCapability, ctx: RunContext[Any]) -> None:
        self._capability = capability
        self._ctx = ctx
        self._run_over = trio.Event()
        self._wrapped = trio.Event()
        self._run_result: AgentRunResult[Any] | None = None
        self._run_error: Exception | None = None
        self._run_error_tb: TracebackType | None = None
        self._wrapped_result: AgentRunResult[Any] | None = None
        self.waiting = False
        """Whether a ``wrap_run`` task is waiting for the run to end (closing the run must cancel it)."""

    async def start(self, nursery: trio.Nursery) -> None:
        """Run ``before_run``, then start ``wrap_run`` and return once it waits for the run (or returned)."""
        await self._capability.before_run(self._ctx)
        if self._capability.wraps_run:
            self.waiting = True
            await nursery.start(self._wrap)

    async def _wrap(self, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        started = False

        async def wait_for_run() -> AgentRunResult[Any]:
            nonlocal started
            started = True
            task_status.started()
            await self._run_over.wait()
            if self._run_error is not None:
                raise self._run_error
            assert self._run_result is not None
            return self._run_result

        try:
            self._wrapped_result = await self._capability.wrap_run(self._ctx, wait_for_run)
        except Exception as error:
            if error is not self._run_error:
                raise
            error.__traceback__ = self._run_error_tb  # (the run raises it where it ended; keep that traceback)
            return
        finally:
            self.waiting = False
        self._wrapped.set()
        if not started:
            task_status.started()

    @property
    def short_circuit(self) -> AgentRunResult[Any] | None:
        """The result ``wrap_run`` returned without waiting for the run, if it did."""
        if self._wrapped.is_set() and not self._run_over.is_set():
            return self._wrapped_result
        return None

    def abort(self, error: BaseException) -> None:
        """The run ended without a result, by ``error``: a ``wrap_run`` still waiting sees ``handler()`` raise it
        (at once, before anything cancels it). ``Cancelled`` and other ``BaseException`` s are not passed on:
        they reach the hook as cancellation of its task."""
        if self.waiting and not self._run_over.is_set() and isinstance(error, Exception):
            self._run_error, self._run_error_tb = error, error.__traceback__
            self._run_over.set()

    async def end(self, result: AgentRunResult[Any]) -> AgentRunResult[Any]:
        """The run ended with ``result``: let ``wrap_run`` finish, then apply ``after_run``."""
        if self._capability.wraps_run:
            self._run_result = result
            self._run_over.set()
            await self._wrapped.wait()
            assert self._wrapped_result is not None
            result = self._wrapped_result
        return await self._capability.after_run(self._ctx, result)
