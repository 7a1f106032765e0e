"""``AgentRun``: a run being driven node by node, owned by an ``async with agent.iter(...)`` block.

Resource handling: the block owns a nursery holding the run's single driver task and the two buffer-0
channels between it and you, and, for a run with toolsets, a task for each toolset the run opened (an MCP
server's session, say: see :mod:`.run_tools`). Leaving the block, however it is left, closes the channels,
refuses further ``enqueue`` calls, cancels the driver (and so any model request or tool still in flight) and
closes the run's toolsets; nothing the run started outlives the block, except the worker thread of a sync tool,
which Python cannot stop: it runs on until its function returns, and its result is discarded.

Cancellation: ``run.cancel(reason)`` ends the run with :class:`RunCancelled` (see its docstring); a trio cancel
scope around the block, or around one ``next`` call, cancels as trio does (the interrupted step changes
nothing, and the run can be driven on after a ``next`` was cancelled).

Error handling: an exception raised by a step (a tool's own error, ``UnexpectedModelBehavior``,
``UsageLimitExceeded``, ...) is raised from the ``next`` / ``__anext__`` call that ran the step, and leaves
the run as it was before that step. Cancelling that call abandons the step the same way. Exceptions raised in
the block's body propagate unchanged (never wrapped in an ``ExceptionGroup``).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, Generic

import trio
from typing_extensions import TypeVar

from .._exception_groups import collapse, reraise
from .._exceptions import RunCancelled, UserError
from .._run_context import RunContext
from .driver import Command, Driver, Failure, Outcome, hand_over_late
from .enqueue import EnqueueContent, PendingMessage, PendingMessagePriority
from .nodes import AgentNode, End, FinalResult, NodeResult
from .result import AgentRunResult
from .run_hooks import IterRunHooks
from .run_view import RunView
from .setup import RunArgs, refuse_run
from .sinks import ChannelSink, EventSink
from .state import RunState

if TYPE_CHECKING:
    from .snapshot import RunSnapshot

__all__ = ["AgentRun", "GraphRunContext", "open_agent_run"]

DepsT = TypeVar("DepsT", default=None)
OutputT = TypeVar("OutputT", default=str)


class GraphRunContext:
    """``run.ctx``: the run's committed state and its configuration (for inspection)."""

    __slots__ = ("_driver", "_run")

    def __init__(self, driver: Driver, run: AgentRun[Any, Any] | None = None) -> None:
        self._driver = driver
        self._run = run

    @property
    def state(self) -> RunState:
        return self._driver.state

    @property
    def deps(self) -> Any:
        return self._driver.config

    def run_context(self) -> RunContext[Any]:
        """A :class:`RunContext` for the committed state."""
        return self._driver.config.run_context(self._driver.state)


class AgentRun(RunView[OutputT], Generic[DepsT, OutputT]):
    """A stateful, async-iterable agent run; obtained from ``async with agent.iter(...) as run``.

    ``async for node in run`` yields each node *before* it runs, starting with the ``UserPromptNode`` and
    ending with ``End``; it does not call node hooks. ``await run.next(node)`` runs ``node`` (which may be
    the yielded node, a modified one, or a replacement) with node hooks, and returns the next node.
    See the module docstring for resource and error handling.
    """

    def __init__(
        self,
        driver: Driver,
        commands: trio.MemorySendChannel[Command],
        outcomes: trio.MemoryReceiveChannel[Outcome | Failure | None],
        wake: trio.MemorySendChannel[Outcome | Failure | None],
    ) -> None:
        self._driver = driver
        self._commands = commands
        self._outcomes = outcomes
        self._yielded: NodeResult | None = None
        self._result: AgentRunResult[OutputT] | None = None
        self._run_hooks: IterRunHooks | None = None
        self._cancelled = False
        self._cancel_reason: str | None = None
        self._command: Command | None = None
        """The command in flight (one at a time)."""
        self._waiting = False
        """Whether the consumer waits for the outcome of :attr:`_command`."""
        self._wake = wake

    # -- driving --------------------------------------------------------------------------------------

    async def next(self, node: AgentNode[DepsT, OutputT]) -> AgentNode[DepsT, OutputT] | End[FinalResult[OutputT]]:
        """Run ``node`` with node hooks and return the next node (``End`` when the run is over).

        Cancelling this call abandons the step: the run stays as it was before it, and the same (or another)
        node can be run afterwards.
        """
        return await self._advance(node, hooks=True)

    def __aiter__(self) -> AgentRun[DepsT, OutputT]:
        return self

    async def __anext__(self) -> AgentNode[DepsT, OutputT] | End[FinalResult[OutputT]]:
        """Yield the next node: the current one if it has not been yielded yet, else run it and yield its
        successor. Node hooks are not called (use :meth:`next` for that)."""
        node = self._driver.next_node
        if node is not self._yielded:
            self._yielded = node
            return node
        if isinstance(node, End):
            raise StopAsyncIteration
        node = await self._advance(node, hooks=False)
        self._yielded = node
        return node

    async def _advance(
        self, node: AgentNode[Any, Any], *, hooks: bool, events: trio.MemorySendChannel[Any] | None = None
    ) -> NodeResult:
        driver = self._driver
        streamed = getattr(node, "_streamed_result", None)
        if streamed is not None and driver.next_node is not node:
            return streamed  # type: ignore[no-any-return]  # (run by `node.stream(run.ctx)` already)
        if self._cancelled:
            raise self._cancellation()
        driver.check_can_advance()
        if self._run_hooks is not None and (short := self._run_hooks.short_circuit) is not None:
            return await self._settle(driver.end_early(short))
        if self._command is not None:
            raise trio.BusyResourceError("another task is already advancing this run; advance it from one task")
        command = self._command = Command(node, hooks, events=events)
        try:
            try:
                self._commands.send_nowait(command)  # the driver waits for it
            except trio.WouldBlock:
                await hand_over_late(self._commands, command)  # it is starting, or dropping an abandoned step
            except trio.BrokenResourceError:
                await trio.lowlevel.checkpoint_if_cancelled()  # the driver was cancelled: say so if we were too
                raise
            if self._cancelled:
                raise self._cancellation()
            self._waiting = True
            try:
                outcome = await self._outcomes.receive()
            finally:
                self._waiting = False
        except (trio.ClosedResourceError, trio.BrokenResourceError, trio.EndOfChannel):
            driver.abandon(command)
            if not driver.closed:
                raise
            raise UserError(
                "The run's `async with agent.iter(...)` block exited while this task was waiting in `run.next()` "
                "(or `async for`): the block owns the run, so drive the run from inside the block, and leave it "
                "only once the tasks driving it are done."
            ) from None
        except BaseException:
            driver.abandon(command)
            raise
        finally:
            self._command = None
        if self._cancelled or outcome is None:
            raise self._cancellation()
        if isinstance(outcome, Failure):
            reraise(outcome.error)
        next_node = driver.commit(outcome)
        if isinstance(next_node, End):
            await self._settle(next_node)
        elif driver.config.on_snapshot is not None:
            await driver.report_snapshot()
        return next_node

    def cancel(self, reason: str | None = None) -> None:
        """Cancel the run: the step in flight (if any) is abandoned without changing the run, and the step's
        ``next`` call, every later one, and the exit of the ``async with`` block raise :class:`RunCancelled`
        carrying ``reason`` and the completed history.

        Level-triggered: once cancelled, the run stays cancelled; cancelling an ended run does nothing (its
        result stands). Safe from any task and from any thread, and never waits: from another thread the
        cancellation takes effect as soon as the run's trio thread next runs. Raises ``UserError`` if the
        ``trio.run`` that owned the run has finished.
        """
        self._driver.mailbox.call_soon(self._cancel, reason)

    def _cancel(self, reason: str | None) -> None:
        if self._cancelled or self._driver.ended:
            return
        self._cancelled = True
        self._cancel_reason = reason
        command = self._command
        if command is not None:
            self._driver.abandon(command)
            if self._waiting:
                with contextlib.suppress(trio.WouldBlock, trio.BrokenResourceError, trio.ClosedResourceError):
                    self._wake.send_nowait(None)  # the consumer waits for the outcome: it gets "abandoned"

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` was called before the run ended."""
        return self._cancelled

    def _cancellation(self, *, early: bool = False) -> RunCancelled:
        reason = "its `async with agent.iter(...)` block exited before it ended" if early else self._cancel_reason
        return RunCancelled(reason, self._driver.history())

    async def _settle(self, node: NodeResult) -> NodeResult:
        if isinstance(node, End):
            result = self._driver.result(node)
            if self._run_hooks is not None:
                result = await self._run_hooks.end(result)
            self._result = result
            await self._driver.finish(result)
        return node

    # -- inspection -----------------------------------------------------------------------------------

    @property
    def ctx(self) -> GraphRunContext:
        """The run's state and configuration."""
        return GraphRunContext(self._driver, self)

    @property
    def next_node(self) -> AgentNode[DepsT, OutputT] | End[FinalResult[OutputT]]:
        """The node that runs next (the one :meth:`__anext__` would run)."""
        return self._driver.next_node

    def snapshot(self) -> RunSnapshot:
        """The run's committed state as a JSON-serialisable :class:`~trio_agent.durable.RunSnapshot`, to resume
        it later, here or in another process: ``agent.iter(resume_from=snapshot)``.

        Take it between steps (not while ``next()`` is running in another task: ``trio.BusyResourceError``);
        a run that has ended has nothing to resume (``UserError``).
        """
        if self._command is not None or self._driver.step_in_flight:
            raise trio.BusyResourceError(
                "a step of this run is in flight; take the snapshot between steps (after `run.next()` returns)"
            )
        from .snapshot import take  # (pydantic's model machinery, only for runs that snapshot)

        return take(self._driver)

    @property
    def pending_messages(self) -> list[PendingMessage]:
        """Every enqueued, not yet delivered item, in order (a snapshot)."""
        return list(self._driver.mailbox.collect())

    def enqueue(self, *content: EnqueueContent, priority: PendingMessagePriority = "asap") -> str | None:
        """Inject content into the conversation; returns its enqueue id (``None`` if called with nothing).

        Never blocks; safe from any task and from any thread. ``'asap'`` content is delivered before the next
        model request, or, if the run is about to end, makes it continue with one more request;
        ``'when_idle'`` content only when the run would otherwise end. Raises ``UserError`` if the content
        does not end in a request, if the queue is full, or once the run has ended or its block exited.
        """
        return self._driver.mailbox.put(content, priority)

    def __repr__(self) -> str:
        return f"<AgentRun run_id={self.run_id!r} next_node={type(self.next_node).__name__}>"


@asynccontextmanager
async def open_agent_run(
    make_driver: Callable[[EventSink | None], Driver],
    args: RunArgs,
    event_channel: trio.MemorySendChannel[Any] | None,
) -> AsyncIterator[AgentRun[Any, Any]]:
    """Own a nursery running the driver's ``serve`` and yield the :class:`AgentRun` that talks to it (its
    events also into ``event_channel``, if given)."""
    sink = ChannelSink(event_channel) if event_channel is not None else None
    try:
        driver = make_driver(sink)
    except BaseException as error:
        await refuse_run(sink, args, error)
        raise
    commands_send, commands_receive = trio.open_memory_channel[Command](0)
    outcomes_send, outcomes_receive = trio.open_memory_channel[Outcome | Failure | None](0)
    run: AgentRun[Any, Any] = AgentRun(driver, commands_send, outcomes_receive, outcomes_send)
    if driver.control is not None:
        driver.control.bind(run.cancel)
    ended_by: BaseException | None = None
    try:
        toolsets = driver.config.toolsets
        async with trio.open_nursery() as nursery:
            try:
                await driver.bind_capabilities()
                if toolsets is not None:
                    await toolsets.open(driver.config, driver.state, nursery)
                nursery.start_soon(driver.serve, commands_receive, outcomes_send)
                capability = driver.config.spec.capability
                if capability is not None and capability.has_run_hooks:
                    run._run_hooks = IterRunHooks(capability, driver.config.run_context(driver.state))
                    await run._run_hooks.start(nursery)
                yield run
            except BaseException as error:
                ended_by = error
                raise
            finally:
                driver.close(close_sink=False)
                commands_send.close()  # an idle driver sees the end of its commands and returns
                outcomes_receive.close()
                ending = ended_by or run._cancellation(early=not run.cancelled)
                if run._run_hooks is not None:
                    run._run_hooks.abort(ending)  # (a run that ended has its result there already)
                if driver.busy or (run._run_hooks is not None and run._run_hooks.waiting):
                    nursery.cancel_scope.cancel()  # abandon the step (or the wrap_run hook) still in flight
                try:
                    if toolsets is not None:
                        await toolsets.close()
                finally:
                    await driver.fail(ending)  # the last event
                    driver.close()
    except BaseExceptionGroup as group:  # (as `unwrapping_groups`, inline: this block is on every run's path)
        chosen: BaseException | None = collapse(group.exceptions)
    else:
        chosen = None
    if chosen is not None:
        reraise(chosen)
    if run.cancelled:
        raise run._cancellation()
