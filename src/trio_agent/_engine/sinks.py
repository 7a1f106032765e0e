"""Where a run's events go: a caller's memory channel, or the batched stream of ``run_stream_events``.

Every sink receives the run's events in order, then its :class:`AgentRunResultEvent`, and is closed when the
run is over (synchronously, in ``finally``). A sink never drops an event: when its consumer is slow, the run
waits (backpressure), so memory stays flat.

``ChannelSink`` sends each event into a ``trio.MemorySendChannel`` the caller owns (buffer as the caller chose;
``send.clone()`` per run fans many runs into one consumer, which tells them apart by ``event.run_id``).

``BatchingSink`` feeds an :class:`EventStream`. Events are handed over through a buffer-0 channel in *batches*:
an event is handed over at once if the consumer is waiting for one; otherwise it joins the pending batch, which
the consumer takes as soon as it asks for more. So a fast model stream costs one task switch per batch rather
than per delta, yet no event waits for the next one to be delivered. The run waits until the consumer has
taken everything before it starts its next node (so a consumer that stops reading stops the run before its
next model request), and within a node once :data:`BATCH_LIMIT` events are pending.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic

import trio
from typing_extensions import TypeVar

if TYPE_CHECKING:
    from .._messages.events import AgentStreamEvent
    from .result import AgentRunResultEvent

__all__ = ["BATCH_LIMIT", "BatchingSink", "ChannelSink", "EventSink", "EventStream"]

OutputT = TypeVar("OutputT", default=str)

BATCH_LIMIT = 256
"""The most events a run buffers for a busy ``run_stream_events`` consumer before it waits."""


class EventSink:
    """Receives a run's events."""

    async def emit(self, event: Any) -> None:
        raise NotImplementedError

    async def flush(self) -> None:
        """Wait until the listener has taken every event emitted so far (the run calls this between nodes)."""

    def close(self) -> None:
        raise NotImplementedError


class ChannelSink(EventSink):
    """Sends every event into a caller's memory channel, and closes that channel when the run is over."""

    __slots__ = ("_send",)

    def __init__(self, send: trio.MemorySendChannel[Any]) -> None:
        self._send = send

    async def emit(self, event: Any) -> None:
        await self._send.send(event)

    def close(self) -> None:
        self._send.close()


class BatchingSink(EventSink):
    """The producing side of an :class:`EventStream` (see the module docstring)."""

    __slots__ = ("_receive", "_send", "consumer_waiting", "pending")

    def __init__(self) -> None:
        self._send, self._receive = trio.open_memory_channel[list[Any]](0)
        self.pending: list[Any] = []
        self.consumer_waiting = False
        """Set by the :class:`EventStream` while it waits in ``receive`` (cheaper than channel statistics)."""

    async def emit(self, event: Any) -> None:
        pending = self.pending
        pending.append(event)
        if self.consumer_waiting:
            self.consumer_waiting = False
            try:
                self._send.send_nowait(pending)  # the consumer is idle and waiting: hand over, no task switch
            except trio.WouldBlock:  # its wait was just cancelled: the batch stays pending for its next ask
                return
            self.pending = []
        elif len(pending) >= BATCH_LIMIT:
            self.pending = []
            await self._send.send(pending)  # backpressure: wait for the consumer

    async def flush(self) -> None:
        if self.pending:
            pending, self.pending = self.pending, []
            await self._send.send(pending)

    def take(self) -> list[Any]:
        """Everything pending (called by the consumer when it wants more)."""
        pending, self.pending = self.pending, []
        return pending

    def close(self) -> None:
        self._send.close()

    def stream(self) -> EventStream[Any]:
        return EventStream(self, self._receive)


class EventStream(Generic[OutputT]):
    """The events of one run, in order, ending after its ``AgentRunResultEvent``.

    Use ``async for event in stream`` (or ``await stream.receive()``, which raises ``trio.EndOfChannel`` at the
    end). Events already handed over are returned without a checkpoint; waiting for more is a checkpoint.
    """

    __slots__ = ("_batch", "_index", "_receive", "_sink")

    def __init__(self, sink: BatchingSink, receive: trio.MemoryReceiveChannel[list[Any]]) -> None:
        self._sink = sink
        self._receive = receive
        self._batch: list[Any] = []
        self._index = 0

    async def receive(self) -> AgentStreamEvent | AgentRunResultEvent[OutputT]:
        if self._index < len(self._batch):
            event: AgentStreamEvent | AgentRunResultEvent[OutputT] = self._batch[self._index]
            self._index += 1
            return event
        batch = self._next_batch_nowait()
        if not batch:
            self._sink.consumer_waiting = True
            try:
                batch = await self._receive.receive()
            except trio.EndOfChannel:
                batch = self._sink.take()  # what was pending when the run closed its end
                if not batch:
                    raise
            finally:
                self._sink.consumer_waiting = False
        self._batch, self._index = batch, 1
        first: AgentStreamEvent | AgentRunResultEvent[OutputT] = batch[0]
        return first

    def _next_batch_nowait(self) -> list[Any]:
        try:
            return self._receive.receive_nowait()  # a run blocked on a full batch
        except (trio.WouldBlock, trio.EndOfChannel):
            return self._sink.take()

    def __aiter__(self) -> EventStream[OutputT]:
        return self

    async def __anext__(self) -> AgentStreamEvent | AgentRunResultEvent[OutputT]:
        try:
            return await self.receive()
        except trio.EndOfChannel:
            raise StopAsyncIteration from None

    def close(self) -> None:
        """Stop listening; a run still emitting into this stream then fails with ``trio.BrokenResourceError``."""
        self._receive.close()
