"""The run driver: executes nodes on forked state and commits their outcomes.

Theory of operation
-------------------

An agent run is a state machine whose states are nodes. Each transition is one *step*, done by the step
function the transition table :data:`STEPS` names for the node's type::

    node               the step does                                      next node
    -----------------  -------------------------------------------------  -------------------------------------
    UserPromptNode     adopt the history, build the first request         ModelRequestNode
                       history ends in unanswered tool calls, no prompt   CallToolsNode (resume)
    ModelRequestNode   deliver 'asap' content, check limits, call model   CallToolsNode
                       a model-request hook asked for a retry             ModelRequestNode (retry prompt)
    CallToolsNode      run tools, or validate the output                  ModelRequestNode (tool returns, retry)
                                                                          End (output accepted)
    End                -- committing an End looks at the mailbox:         ModelRequestNode (redirect: content
                                                                            was enqueued, the run continues)
                                                                          End (final: the mailbox is closed)

(:data:`SUCCESSORS` holds the right-hand column as data. Capability hooks may replace a node before it runs
or after, so a hooked run can take other edges; the table describes what the steps themselves do.)

Runs are trio checkpoints, whatever their model does: every step checks for cancellation before it starts (a
run under a cancelled scope raises ``Cancelled`` before its first step), and every model request is a full
checkpoint before the model is called (so even a loop of runs on a model that never blocks lets other tasks run
and deadlines fire). Long work inside a step (a history of tens of thousands of messages) yields as it goes.

A step works on ``state.fork()`` and produces an :class:`Outcome` (the fork and the next node). *Committing*
the outcome makes the fork the run's state. It is synchronous (no checkpoint), which gives the invariants:

* A step that is cancelled or raises never commits, so the run is exactly as it was before the step
  (like a trio channel operation: it happened, or it raised and nothing changed). Completed steps are
  never lost.
* The end-of-run decision and closing the mailbox happen in the same commit, so content enqueued before
  the run ends is delivered (by a redirect, see :mod:`.delivery`) and content enqueued after is refused:
  never silently dropped.

The driver is driven in one of two ways:

* *lock-step* (``AgentRun.next`` / ``async for``): :meth:`Driver.serve` runs as the single task of the
  run's nursery. The consumer sends a :class:`Command` over a buffer-0 channel and receives the outcome
  over another; the outcome is committed by the consumer when it receives it. Each side hands over with
  ``send_nowait`` while the other waits in ``receive`` (which lock-step guarantees, with ``send`` as the
  fallback), so a step costs two passes of trio's scheduler and no cancel scope. If the consumer stops
  waiting (it was cancelled, or ``run.cancel`` was called), it *abandons* the command: the driver cancels
  the step (its outcome is never delivered, so never committed) and waits for the next command.
* *run-to-end* (``Agent.run``): :meth:`Driver.run_to_end` executes and commits step after step in the
  caller's task; there is no consumer to hand nodes to, so no channel and no extra task. Without
  capabilities, the steps work on the run's state itself rather than on a fork: a step that raises or is
  cancelled ends such a run, and no hook or consumer can look at its state in between, so the fork would
  protect nothing (and cost three objects per step, which with thousands of live runs is garbage-collector
  work, see ``docs/performance.md``).
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import trio

from .._exception_groups import unwrapping_groups
from .._exceptions import RunCancelled, UserError
from .._messages.messages import ModelMessage
from .config import RunConfig
from .delivery import redirect
from .nodes import AgentNode, CallToolsNode, End, FinalResult, ModelRequestNode, NodeResult, UserPromptNode
from .pipeline import EventRouter
from .result import AgentRunErrorEvent, AgentRunResult, AgentRunResultEvent, TerminalEvent
from .run_hooks import run_with_hooks
from .state import RunState
from .steps.call_tools import run_call_tools
from .steps.model_request import run_model_request
from .steps.user_prompt import run_user_prompt

if TYPE_CHECKING:
    from .control import RunControl

__all__ = ["STEPS", "SUCCESSORS", "Command", "Driver", "Failure", "Outcome", "hand_over_late"]

T = TypeVar("T")
Step = Callable[[RunConfig, RunState, Any], Awaitable[NodeResult]]

STEPS: Mapping[type[AgentNode[Any, Any]], Step] = {
    UserPromptNode: run_user_prompt,
    ModelRequestNode: run_model_request,
    CallToolsNode: run_call_tools,
}
"""The transition table: the step function that runs each kind of node."""

SUCCESSORS: Mapping[type[AgentNode[Any, Any]], tuple[type[Any], ...]] = {
    UserPromptNode: (ModelRequestNode, CallToolsNode),
    ModelRequestNode: (CallToolsNode, ModelRequestNode),
    CallToolsNode: (ModelRequestNode, End),
}
"""What each step can lead to (before an ``End`` is committed, which may redirect to a ``ModelRequestNode``)."""

_ENDED = (
    "`enqueue` was called after the run ended, so nothing was enqueued: its output is final. Continue the "
    "conversation with a new run (`message_history=run.all_messages()`)."
)
_CLOSED = (
    "`enqueue` was called after the run's `async with agent.iter(...)` block exited, so nothing was "
    "enqueued. Continue the conversation with a new run (`message_history=run.all_messages()`)."
)


@dataclasses.dataclass(slots=True)
class Outcome:
    """A completed, not yet committed step."""

    state: RunState
    node: NodeResult


@dataclasses.dataclass(slots=True)
class Failure:
    """A step that raised; the run's state is unchanged. The consumer raises ``error`` from its ``next`` call:
    a ``KeyboardInterrupt`` in the driver task arrives there as itself, as in ``agent.run``."""

    error: BaseException


@dataclasses.dataclass(slots=True)
class Command:
    """Run ``node`` (with node hooks if ``hooks``). ``abandoned`` is set by a sender that no longer waits for
    the outcome (it was cancelled, or the run was): the driver then drops the step, or skips it."""

    node: AgentNode[Any, Any]
    hooks: bool
    abandoned: bool = False
    events: trio.MemorySendChannel[Any] | None = None
    """Where the step's events also go, for ``node.stream(run.ctx)`` (closed when the step ends)."""


async def hand_over_late(channel: trio.MemorySendChannel[T], value: T) -> None:
    """Hand ``value`` over a buffer-0 channel after ``send_nowait`` found its receiver not waiting yet.

    In lock-step the receiver is usually running in the same scheduler pass and about to wait: one checkpoint
    lets it get there, after which the two tasks hand over in phase (each hand-over costing one pass, with
    ``send_nowait`` succeeding at once). Failing that, ``send`` waits as usual. ``BrokenResourceError`` is
    raised as by ``send``.
    """
    await trio.lowlevel.checkpoint()
    try:
        channel.send_nowait(value)
    except trio.WouldBlock:
        await channel.send(value)


class UnresolvedModel:
    """A model a run named, waiting for the capabilities' ``resolve_model_id`` as the run starts."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"UnresolvedModel({self.name!r})"


async def _resolve_model(config: RunConfig, state: RunState, name: str) -> Any:
    capability = config.spec.capability
    assert capability is not None
    ctx = config.run_context(state)
    for member in capability.capabilities:
        if member.overrides("resolve_model_id"):
            found = await member.resolve_model_id(ctx, model_id=name)
            if found is not None:
                return found
    return config.spec.model_for(name)


def _step_for(node: AgentNode[Any, Any]) -> Step:
    step = STEPS.get(type(node))
    if step is None:
        for kind, candidate in STEPS.items():  # a subclass of a node type runs as that type
            if isinstance(node, kind):
                return candidate
        raise UserError(f"Cannot run {node!r}: expected a UserPromptNode, ModelRequestNode or CallToolsNode.")
    return step


class Driver:
    """Owns one run's committed state and mailbox, and executes its nodes."""

    def __init__(
        self,
        config: RunConfig,
        state: RunState,
        capture: list[ModelMessage] | None,
        router: EventRouter | None,
        first: NodeResult,
        control: RunControl | None = None,
    ) -> None:
        self.config = config
        self.control = control
        """How whoever reads the run's events steers and cancels it, if they watch (see :mod:`.control`)."""
        self.state = state
        if control is not None:
            control.bind_usage(lambda: self.state.usage)
        self.mailbox = config.mailbox
        self.capture = capture
        self.router = router
        self.next_node: NodeResult = first
        self.ended = False
        self.closed = False
        self.busy = False
        """Whether :meth:`serve` is executing a command (so closing the run must cancel it)."""
        self._serving: Command | None = None
        self._scope: trio.CancelScope | None = None
        """The cancel scope :meth:`serve` runs its current command in (lock-step runs only)."""
        self._pipelines = router is not None and router.has_pipelines
        self._terminal: TerminalEvent | None = None
        """How the run ended, once decided (its event is the sink's last)."""
        self._announced = False
        self._plain = router is None and config.spec.capability is None
        """No capability, nobody listening to events: a step is just its step function on a fork."""

    # -- executing ------------------------------------------------------------------------------------

    async def execute(self, node: AgentNode[Any, Any], *, hooks: bool, fork: bool = True) -> Outcome:
        """Run one step on a fork of the state; raise what the step raised (nothing is committed).

        With ``fork=False`` the step works on the state itself (see the module docstring for when that is
        safe): what it raises then leaves the state part-way through the step.
        """
        await trio.lowlevel.checkpoint_if_cancelled()
        router = self.router
        if router is not None and router.sink is not None:
            await router.sink.flush()  # a listener that stopped reading stops the run here
        state = self.state.fork() if fork else self.state
        try:
            if hooks and self.config.spec.capability is not None:
                result = await self._hooked_step(state, node)
            elif self._pipelines:
                result = await self._step(state, node)
            else:
                result = await _step_for(node)(self.config, state, node)
        except Exception:
            if self.capture is not None:
                self.capture[:] = state.messages
            raise
        return Outcome(state, result)

    async def _hooked_step(self, state: RunState, node: AgentNode[Any, Any]) -> NodeResult:
        capability = self.config.spec.capability
        assert capability is not None
        return await capability.run_node(self.config.run_context(state), node, lambda inner: self._step(state, inner))

    async def _step(self, state: RunState, node: AgentNode[Any, Any]) -> NodeResult:
        step = _step_for(node)
        if self._pipelines and isinstance(node, ModelRequestNode | CallToolsNode):
            assert self.router is not None
            async with self.router.node_pipeline(self.config.run_context(state)):
                return await step(self.config, state, node)
        return await step(self.config, state, node)

    # -- committing -----------------------------------------------------------------------------------

    @trio.lowlevel.enable_ki_protection
    def commit(self, outcome: Outcome) -> NodeResult:
        """Make a completed step part of the run (synchronous: see the module docstring).

        Protected from ``KeyboardInterrupt`` (trio delivers it at the next checkpoint instead): a commit is never
        half done, so an enqueued item is always in the history or still pending, never both and never lost.
        """
        state = self.state = outcome.state
        node = outcome.node
        if isinstance(node, End):
            pending = self.mailbox.end_or_collect(_ENDED)  # (one locked decision: threads enqueue meanwhile)
            if pending:
                node = redirect(self.config, state, pending)
            else:
                self.ended = True
        if state.delivered:
            self.mailbox.remove(state.delivered)
            state.delivered = ()
        self.next_node = node
        if self.capture is not None:
            self.capture[:] = self.history()
        return node

    def end_early(self, result: AgentRunResult[Any]) -> End[FinalResult[Any]]:
        """End the run with a result a ``wrap_run`` hook produced without running it to the end."""
        end = End(FinalResult(result.output))
        self.ended = True
        self.mailbox.close(_ENDED)
        self.next_node = end
        return end

    def close(self, *, close_sink: bool = True) -> None:
        """The run is over or abandoned: refuse further content (what was accepted stays in ``pending``) and
        close the event sink (unless told not to)."""
        self.closed = True
        self.mailbox.close(_CLOSED)
        if close_sink and self.router is not None and self.router.sink is not None:
            self.router.sink.close()

    # -- driving --------------------------------------------------------------------------------------

    def check_can_advance(self) -> None:
        if self.ended:
            raise UserError("This run has already ended (its `result` is set); there is no node left to run.")
        if self.closed:
            raise UserError("This run's `async with agent.iter(...)` block has exited; it cannot be advanced.")

    async def run_to_end(self) -> AgentRunResult[Any]:
        """Execute and commit steps in the calling task until the run ends (``Agent.run``), inside the run
        hooks if there are any; then announce the result to the event sink.

        A run with toolsets (see :mod:`.run_tools`) opens them in a nursery of its own first, and closes them
        before it returns or raises. A watched run (:attr:`control`) is cancelled through its control with
        ``RunCancelled`` (the committed history in it), in a cancel scope that only watched runs pay for.
        """
        control = self.control
        if control is None:
            return await self._open_and_run()
        reasons: list[str | None] = []

        def cancel(reason: str | None) -> None:
            if not reasons:
                reasons.append(reason)
                scope.cancel()

        with trio.CancelScope() as scope:
            control.bind(cancel)
            return await self._open_and_run()
        raise RunCancelled(reasons[0], self.history())

    async def _open_and_run(self) -> AgentRunResult[Any]:
        await self.bind_capabilities()
        toolsets = self.config.toolsets
        if toolsets is None:
            return await self._run_to_end()
        async with unwrapping_groups(), trio.open_nursery() as nursery:
            try:
                await toolsets.open(self.config, self.state, nursery)
                return await self._run_to_end()
            finally:
                await toolsets.close()
        raise AssertionError("unreachable")  # (the nursery does not swallow exceptions)

    async def bind_capabilities(self) -> None:
        """Ask the capabilities that want one for their instance for this run (``for_run``), before any hook;
        and resolve a model the run named, if capabilities resolve model names."""
        config = self.config
        capability = config.spec.capability
        if capability is None:
            return
        if isinstance(config.model, UnresolvedModel):
            config._bind(config.spec, model=await _resolve_model(config, self.state, config.model.name))
        if capability.binds_per_run:
            config._bind(await config.spec.for_run(config.run_context(self.state)))

    async def _run_to_end(self) -> AgentRunResult[Any]:
        capability = self.config.spec.capability
        if capability is not None or self.router is not None or self.config.on_snapshot is not None:
            if capability is not None and capability.has_run_hooks:
                result = await run_with_hooks(capability, self.config.run_context(self.state), self._steps_to_end)
            else:
                result = await self._steps_to_end()
            await self.finish(result)
            return result
        # The plain path (no capability, nobody listening to events): the steps work on the state itself and
        # are awaited right here, so a live run holds two frames fewer (see the module docstring).
        config, state = self.config, self.state
        node = self.next_node
        try:
            while not isinstance(node, End):
                await trio.lowlevel.checkpoint_if_cancelled()  # (see the module docstring: checkpoints)
                node = self.commit(Outcome(state, await _step_for(node)(config, state, node)))
        except Exception:
            if self.capture is not None:
                self.capture[:] = state.messages
            raise
        return self.result(node)

    async def _steps_to_end(self) -> AgentRunResult[Any]:
        fork = self.config.spec.capability is not None
        node = self.next_node
        while not isinstance(node, End):
            node = self.commit(await self.execute(node, hooks=True, fork=fork))
            if self.config.on_snapshot is not None:
                await self.report_snapshot()
        return self.result(node)

    @property
    def step_in_flight(self) -> bool:
        """Whether a step that may still commit is running (an abandoned one, still unwinding, never commits)."""
        serving = self._serving
        return self.busy and serving is not None and not serving.abandoned

    async def report_snapshot(self) -> None:
        """Hand a snapshot of what was just committed to the caller's ``on_snapshot`` (unless the run ended)."""
        on_snapshot = self.config.on_snapshot
        if on_snapshot is None or isinstance(self.next_node, End):
            return
        from .snapshot import take

        reported = on_snapshot(take(self))
        if inspect.isawaitable(reported):
            await reported

    async def serve(
        self,
        commands: trio.MemoryReceiveChannel[Command],
        outcomes: trio.MemorySendChannel[Outcome | Failure | None],
    ) -> None:
        """The driver task of a lock-step run: execute each command's node and hand back the outcome.

        Each command's step runs inside the driver's current cancel scope; :meth:`abandon` cancels that scope
        (and the driver opens a new one), so an abandoned step costs a scope but a completed one does not.
        """
        try:
            while True:
                with trio.CancelScope() as self._scope:
                    async for command in commands:
                        if command.abandoned:
                            continue  # its sender was cancelled before this task even saw it
                        self._serving = command
                        self.busy = True
                        result: Outcome | Failure
                        if command.events is not None:
                            result = await self._streamed_step(command)
                        elif self._plain:  # the common case, without `execute` (one coroutine less per step)
                            node, state = command.node, self.state.fork()
                            try:
                                result = Outcome(state, await _step_for(node)(self.config, state, node))
                            except trio.Cancelled:
                                raise
                            except BaseException as error:  # KeyboardInterrupt too: it arrives as itself
                                if self.capture is not None:
                                    self.capture[:] = state.messages
                                result = Failure(error)
                        else:
                            try:
                                result = await self.execute(command.node, hooks=command.hooks)
                            except trio.Cancelled:
                                raise
                            except BaseException as error:
                                result = Failure(error)
                        try:
                            try:
                                outcomes.send_nowait(result)  # the consumer waits for it
                            except trio.WouldBlock:
                                await hand_over_late(outcomes, result)  # (cancelled if the consumer abandons it)
                        except trio.BrokenResourceError:
                            return  # the run's block exited without waiting for this outcome
                        finally:
                            self._serving = None
                            self.busy = False
                    return  # the run's block exited: no more commands
                self._serving = None  # the step in flight was abandoned (nothing committed); serve on
                self.busy = False
        finally:
            outcomes.close()
            commands.close()

    async def _streamed_step(self, command: Command) -> Outcome | Failure:
        """Execute ``command`` with its events sent to ``command.events`` too (the model then streams)."""
        config = self.config
        send = command.events
        assert send is not None
        original = config.emit

        async def emit(event: Any) -> None:
            if original is not None:
                await original(event)
            else:
                event.run_id = config.run_id
            await send.send(event)

        object.__setattr__(config, "emit", emit)
        try:
            return await self.execute(command.node, hooks=command.hooks)
        except trio.Cancelled:
            raise
        except BaseException as error:
            return Failure(error)
        finally:
            object.__setattr__(config, "emit", original)
            send.close()

    def abandon(self, command: Command) -> None:
        """The sender of ``command`` stopped waiting for its outcome: drop the step (if it has started, cancel
        it; if not, the driver skips it)."""
        command.abandoned = True
        if self._serving is command and self._scope is not None:
            self._scope.cancel()

    async def finish(self, result: AgentRunResult[Any]) -> None:
        """The run ended with ``result``: announce it to the event sink (the last event before the sink closes).

        The end is decided here, once; if the announcement is interrupted (its caller was cancelled while a slow
        consumer kept the event waiting), it stays owed, and :meth:`fail` (which every way of holding a run
        calls when it ends) delivers it instead of an error event.
        """
        if self._terminal is None:
            self._terminal = AgentRunResultEvent(result)
        await self._announce(shielded=False)

    async def fail(self, error: BaseException) -> None:
        """The run ends without announcing a result: announce ``error`` (an ``AgentRunErrorEvent`` with the
        committed history), or the result already decided but not yet announced. Shielded, and bounded by the
        sink's grace period, so it is delivered even when the run ends because it was cancelled."""
        if self._terminal is None:
            self._terminal = AgentRunErrorEvent(self.config.run_id, error, self.history())
        await self._announce(shielded=True)

    async def _announce(self, *, shielded: bool) -> None:
        sink = self.router.sink if self.router is not None else None
        terminal = self._terminal
        if sink is None or terminal is None or self._announced:
            return
        await sink.emit_terminal(terminal, shielded=shielded)
        self._announced = True

    def result(self, end: End[FinalResult[Any]]) -> AgentRunResult[Any]:
        """The :class:`AgentRunResult` of a run that ended with ``end``."""
        state = self.state
        config = self.config
        return AgentRunResult(
            end.data.output,
            _output_tool_name=end.data.tool_name,
            _messages=state.messages,
            _new_message_index=state.new_message_index,
            _usage=state.usage,
            _run_id=config.run_id,
            _conversation_id=config.conversation_id,
            _metadata=config.metadata,
        )

    def history(self) -> list[ModelMessage]:
        """The committed messages, plus the request the next node is about to send unless it is there already (last,
        or before the response a failed step kept): a run interrupted before its next model call resumes from it."""
        messages = list(self.state.messages)
        node = self.next_node
        if isinstance(node, ModelRequestNode) and not any(m is node.request for m in messages[-2:]):
            messages.append(node.request)
        return messages
