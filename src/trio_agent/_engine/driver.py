"""The run driver: executes nodes on forked state and commits their outcomes.

Theory of operation
-------------------

An agent run is a state machine whose states are nodes. Each transition is one *step*::

    node               the step does                                      next node
    -----------------  -------------------------------------------------  -------------------------------------
    UserPromptNode     adopt the history, build the first request         ModelRequestNode
                       history ends in unanswered tool calls, no prompt   CallToolsNode (resume)
    ModelRequestNode   deliver 'asap' content, check limits, call model   CallToolsNode
    CallToolsNode      run tools, or validate the output                  ModelRequestNode (tool returns, retry)
                                                                          End (output accepted)
    End                -- committing an End looks at the mailbox:         ModelRequestNode (redirect: content
                                                                            was enqueued, the run continues)
                                                                          End (final: the mailbox is closed)

A step works on ``state.fork()`` and produces an :class:`Outcome` (the fork and the next node). *Committing*
the outcome makes the fork the run's state. It is synchronous (no checkpoint), which gives the invariants:

* A step that is cancelled or raises never commits, so the run is exactly as it was before the step
  (like a trio channel operation: it happened, or it raised and nothing changed). Completed steps are
  never lost.
* The end-of-run decision and closing the mailbox happen in the same commit, so content enqueued before
  the run ends is delivered (by a redirect) and content enqueued after is refused: never silently dropped.

The driver is driven in one of two ways:

* *lock-step* (``AgentRun.next`` / ``async for``): :meth:`Driver.serve` runs as the single task of the
  run's nursery. The consumer sends a :class:`Command` over a buffer-0 channel and receives the outcome
  over another; the outcome is committed by the consumer when it receives it. Each command carries a
  cancel scope: if the consumer is cancelled while waiting, it cancels that scope, the driver abandons the
  step (the outcome is never delivered, so never committed) and waits for the next command.
* *run-to-end* (``Agent.run``): :meth:`Driver.run_to_end` executes and commits step after step in the
  caller's task; there is no consumer to hand nodes to, so no channel and no extra task. Without
  capabilities, the steps work on the run's state itself rather than on a fork: a step that raises or is
  cancelled ends such a run, and no hook or consumer can look at its state in between, so the fork would
  protect nothing (and cost three objects per step, which with thousands of live runs is garbage-collector
  work, see ``docs/performance.md``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

import trio

from .._capabilities.abstract import NodeResult
from .._exceptions import UserError
from .._messages.events import EnqueuedMessagesEvent
from .._messages.messages import ModelMessage, ModelRequest
from .._messages.parts import now_utc
from .config import RunConfig
from .mailbox import Mailbox
from .nodes import AgentNode, CallToolsNode, End, FinalResult, ModelRequestNode, UserPromptNode
from .pipeline import EventStreamHandler, node_event_pipeline
from .result import AgentRunResult, AgentRunResultEvent
from .run_hooks import run_with_hooks
from .sinks import EventSink
from .state import RunState
from .steps.call_tools import run_call_tools
from .steps.model_request import run_model_request
from .steps.user_prompt import run_user_prompt

__all__ = ["Command", "Driver", "Failure", "Outcome"]

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
    """A step that raised; the run's state is unchanged."""

    error: Exception


@dataclasses.dataclass(slots=True)
class Command:
    """Run ``node`` (with node hooks if ``hooks``); ``scope`` lets the sender abandon the step."""

    node: AgentNode
    hooks: bool
    scope: trio.CancelScope


class Driver:
    """Owns one run's committed state and mailbox, and executes its nodes."""

    def __init__(
        self,
        config: RunConfig,
        state: RunState,
        capture: list[ModelMessage] | None,
        *,
        sink: EventSink | None = None,
        stream_handler: EventStreamHandler | None = None,
    ) -> None:
        self.config = config
        self.state = state
        self.mailbox: Mailbox = config.mailbox
        self.capture = capture
        self.next_node: NodeResult = UserPromptNode(None)
        self.ended = False
        self.closed = False
        self.busy = False
        """Whether :meth:`serve` is executing a command (so closing the run must cancel it)."""
        self.sink = sink
        self.stream_handler = stream_handler
        capability = config.capability
        self._stream_wrappers = list(capability.event_stream_wrappers) if capability is not None else []
        self._node_send: trio.MemorySendChannel[Any] | None = None
        self._pipelines = bool(stream_handler or self._stream_wrappers)
        if sink is not None or self._pipelines:
            config.emit = self.emit

    # -- events ---------------------------------------------------------------------------------------

    async def emit(self, event: Any) -> None:
        """Send one of the run's events on (through the node's pipeline, if there is one)."""
        event.run_id = self.config.run_id
        if self._node_send is not None:
            await self._node_send.send(event)
        elif self.sink is not None:
            await self.sink.emit(event)

    async def finish(self, result: AgentRunResult[Any]) -> None:
        """Announce the end of the run to the event sink (last event before the sink closes)."""
        if self.sink is not None:
            await self.sink.emit(AgentRunResultEvent(result))

    # -- executing ------------------------------------------------------------------------------------

    async def execute(self, node: AgentNode, *, hooks: bool, fork: bool = True) -> Outcome:
        """Run one step on a fork of the state; raise what the step raised (nothing is committed).

        With ``fork=False`` the step works on the state itself (see the module docstring for when that is
        safe): what it raises then leaves the state part-way through the step.
        """
        if self.sink is not None:
            await self.sink.flush()  # a listener that stopped reading stops the run here
        state = self.state.fork() if fork else self.state
        try:
            if hooks and self.config.capability is not None:
                result = await self._hooked_step(state, node)
            elif self._pipelines:
                result = await self._step(state, node)
            else:
                result = await self._dispatch(state, node)
        except Exception:
            if self.capture is not None:
                self.capture[:] = state.messages
            raise
        return Outcome(state, result)

    async def _hooked_step(self, state: RunState, node: AgentNode) -> NodeResult:
        capability = self.config.capability
        assert capability is not None

        async def step(inner: AgentNode) -> NodeResult:
            return await self._step(state, inner)

        return await capability.run_node(self.config.run_context(state), node, step)

    async def _step(self, state: RunState, node: AgentNode) -> NodeResult:
        if self._pipelines and isinstance(node, ModelRequestNode | CallToolsNode):
            ctx = self.config.run_context(state)
            async with node_event_pipeline(ctx, self._stream_wrappers, self.sink, self.stream_handler) as send:
                self._node_send = send
                try:
                    return await self._dispatch(state, node)
                finally:
                    self._node_send = None
        return await self._dispatch(state, node)

    def _dispatch(self, state: RunState, node: AgentNode) -> Awaitable[NodeResult]:
        """The step function's coroutine for ``node`` (returned, not awaited here: one frame less per step)."""
        config = self.config
        if isinstance(node, ModelRequestNode):
            return run_model_request(config, state, node)
        if isinstance(node, CallToolsNode):
            return run_call_tools(config, state, node)
        if isinstance(node, UserPromptNode):
            return run_user_prompt(config, state, node)
        raise UserError(f"Cannot run {node!r}: expected a UserPromptNode, ModelRequestNode or CallToolsNode.")

    # -- committing -----------------------------------------------------------------------------------

    def commit(self, outcome: Outcome) -> NodeResult:
        """Make a completed step part of the run (synchronous: see the module docstring)."""
        state = outcome.state
        if state.delivered:
            self.mailbox.remove(state.delivered)
            state.delivered = ()
        self.state = state
        node = outcome.node
        if isinstance(node, End):
            node = self._redirect_or_end(node)
        self.next_node = node
        if self.capture is not None:
            self.capture[:] = self.history()
        return node

    def end_early(self, result: AgentRunResult[Any]) -> End[Any]:
        """End the run with a result a ``wrap_run`` hook produced without running it to the end."""
        end: End[Any] = End(FinalResult(result.output))
        self.ended = True
        self.mailbox.close(_ENDED)
        self.next_node = end
        return end

    def _redirect_or_end(self, end: End[Any]) -> NodeResult:
        pending = self.mailbox.collect()
        if not pending:
            self.ended = True
            self.mailbox.close(_ENDED)
            return end
        items = [p for p in pending if p.priority == "asap"] + [p for p in pending if p.priority != "asap"]
        config = self.config
        state = self.state
        messages: list[ModelMessage] = []
        for item in items:
            for message in item.messages:
                if message.run_id is None:
                    message.run_id = config.run_id
                if message.conversation_id is None:
                    message.conversation_id = config.conversation_id
                if message.timestamp is None:
                    message.timestamp = now_utc()
            messages.extend(item.messages)
            state.announce += (EnqueuedMessagesEvent(enqueue_id=item.enqueue_id, messages=tuple(item.messages)),)
        self.mailbox.remove(items)
        state.messages.extend(messages[:-1])
        final = messages[-1]
        assert isinstance(final, ModelRequest)  # every PendingMessage ends in a request
        return ModelRequestNode(final)

    def close(self, *, close_sink: bool = True) -> None:
        """The run is over or abandoned: refuse further content (what was accepted stays in ``pending``) and
        close the event sink (unless told not to)."""
        self.closed = True
        self.mailbox.close(_CLOSED)
        if close_sink and self.sink is not None:
            self.sink.close()

    # -- driving --------------------------------------------------------------------------------------

    def call_soon_in_trio(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` on the run's trio thread (see ``Mailbox.call_in_trio``)."""
        return self.mailbox.call_in_trio(fn, *args)

    def check_can_advance(self) -> None:
        if self.ended:
            raise UserError("This run has already ended (its `result` is set); there is no node left to run.")
        if self.closed:
            raise UserError("This run's `async with agent.iter(...)` block has exited; it cannot be advanced.")

    async def run_to_end(self) -> AgentRunResult[Any]:
        """Execute and commit steps in the calling task until the run ends (``Agent.run``), inside the run
        hooks if there are any; then announce the result to the event sink."""

        capability = self.config.capability
        if capability is not None and capability.has_run_hooks:
            result = await run_with_hooks(capability, self.config.run_context(self.state), self._steps_to_end)
        else:
            result = await self._steps_to_end()
        await self.finish(result)
        return result

    async def _steps_to_end(self) -> AgentRunResult[Any]:
        fork = self.config.capability is not None
        node = self.next_node
        while not isinstance(node, End):
            node = self.commit(await self.execute(node, hooks=True, fork=fork))
        return self.result(node)

    async def serve(
        self,
        commands: trio.MemoryReceiveChannel[Command],
        outcomes: trio.MemorySendChannel[Outcome | Failure],
    ) -> None:
        """The driver task of a lock-step run: execute each command's node and send back the outcome."""
        try:
            async for command in commands:
                with command.scope:
                    self.busy = True
                    try:
                        result: Outcome | Failure = await self.execute(command.node, hooks=command.hooks)
                    except Exception as error:
                        result = Failure(error)
                    finally:
                        self.busy = False
                    try:
                        await outcomes.send(result)
                    except trio.BrokenResourceError:
                        return  # the run's block exited without waiting for this outcome
        finally:
            outcomes.close()
            commands.close()

    def result(self, end: End[Any]) -> AgentRunResult[Any]:
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
        """The committed messages, plus the request the next node is about to send (so that a run
        interrupted before its next model call resumes from the returned history without losing it)."""
        messages = list(self.state.messages)
        node = self.next_node
        if isinstance(node, ModelRequestNode) and (not messages or messages[-1] is not node.request):
            messages.append(node.request)
        return messages
