"""Where a run's events go: the :class:`EventRouter`, and the per-node pipelines of event hooks.

Every event a run emits passes through its router, which stamps the run's id on it and sends it on: into the
pipeline of the node being run, if it has one, else straight to the run's event sink.

A node gets a pipeline when the run has an ``event_stream_handler`` or a capability overriding
``wrap_run_event_stream``: the node emits into a buffer-0 channel; a task in a nursery owned by the node passes
the events through the hooks (first capability outermost), on to the run's event sink if there is one, and to
the handler. When the node ends, the channel closes and the node waits for the task to finish, so a handler has
seen every event of a node before the run moves on. An error raised by a hook or the handler fails the node, as
if the node had raised it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Awaitable, Callable, Sequence
from contextlib import aclosing, asynccontextmanager
from typing import TYPE_CHECKING, Any

import trio

from .._exception_groups import unwrapping_groups
from .._run_context import RunContext

if TYPE_CHECKING:
    from .._capabilities.abstract import AbstractCapability
    from .._messages.events import AgentStreamEvent
    from .sinks import EventSink

__all__ = ["EventRouter", "EventStreamHandler"]

EventStreamHandler = Callable[[RunContext[Any], AsyncIterable[Any]], Awaitable[None]]
"""``handler(ctx, events)``: called for each node that produces events, with that node's events."""


class EventRouter:
    """Sends one run's events to the open node pipeline, or to the run's sink."""

    __slots__ = ("_handler", "_node_send", "_run_id", "_wrappers", "sink")

    def __init__(
        self,
        run_id: str,
        sink: EventSink | None,
        handler: EventStreamHandler | None,
        wrappers: Sequence[AbstractCapability],
    ) -> None:
        self._run_id = run_id
        self.sink = sink
        self._handler = handler
        self._wrappers = wrappers
        self._node_send: trio.MemorySendChannel[Any] | None = None

    @property
    def has_pipelines(self) -> bool:
        """Whether nodes that produce events get a pipeline (a handler or an event-stream hook exists)."""
        return self._handler is not None or bool(self._wrappers)

    def emit(self, event: AgentStreamEvent) -> Awaitable[None]:
        """Send one of the run's events on: await what this returns.

        (Not a coroutine function: it returns the send itself, so an event costs no coroutine of the router's
        around its sink's. Every caller awaits the result at once, as ``await router.emit(event)``.)"""
        event.run_id = self._run_id
        if self._node_send is not None:
            return self._node_send.send(event)
        if self.sink is not None:
            return self.sink.emit(event)
        return _nothing()

    @asynccontextmanager
    async def node_pipeline(self, ctx: RunContext[Any]) -> AsyncIterator[None]:
        """Route the events emitted inside the block through a pipeline of the hooks and the handler."""
        send, receive = trio.open_memory_channel[Any](0)
        async with unwrapping_groups(), trio.open_nursery() as nursery:
            nursery.start_soon(self._consume, ctx, receive, nursery.cancel_scope)
            self._node_send = send
            try:
                yield
            finally:
                self._node_send = None
                send.close()

    async def _consume(
        self, ctx: RunContext[Any], receive: trio.MemoryReceiveChannel[Any], node_scope: trio.CancelScope
    ) -> None:
        with receive:  # (closed synchronously: a checkpoint here would let a Cancelled replace the error)
            try:
                stream: AsyncIterable[Any] = receive
                for capability in reversed(self._wrappers):  # the first capability sees the outermost stream
                    stream = capability.wrap_run_event_stream(ctx, stream=stream)
                if self.sink is not None:
                    stream = _forwarded(stream, self.sink)
                async with aclosing(_as_generator(stream)) as events:
                    if self._handler is not None:
                        await self._handler(ctx, events)
                    async for _ in events:  # what the handler left unread still goes through the hooks
                        pass
                async for event in receive:  # the handler closed the pipeline: the rest goes to the sink as is
                    if self.sink is not None:
                        await self.sink.emit(event)
            except BaseException:
                # Stop the node before closing the channel, so that the event the node is sending raises
                # Cancelled (absorbed by the node's nursery), not BrokenResourceError: the hook's or the
                # handler's error is then the node's only error.
                node_scope.cancel()
                raise


async def _nothing() -> None:
    """An event with nowhere to go (between the nodes of a run that has pipelines and no sink)."""


async def _forwarded(stream: AsyncIterable[Any], sink: EventSink) -> AsyncGenerator[Any, None]:
    try:
        async for event in stream:
            await sink.emit(event)
            yield event
    finally:
        await _close(stream)


async def _as_generator(stream: AsyncIterable[Any]) -> AsyncGenerator[Any, None]:
    try:
        async for event in stream:
            yield event
    finally:
        await _close(stream)


async def _close(stream: AsyncIterable[Any]) -> None:
    """Close an inner stream of the pipeline (a hook's async generator) when the one around it closes."""
    aclose = getattr(stream, "aclose", None)
    if aclose is not None and not isinstance(stream, trio.MemoryReceiveChannel):
        await aclose()
