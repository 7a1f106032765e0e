"""Where a run's events go: a caller's memory channel, or the batched stream of ``run_stream_events``.

Every sink receives the run's events in order, then exactly one *terminal* event (``AgentRunResultEvent``, or
``AgentRunErrorEvent`` when the run ends without a result), and is closed when the run is over (synchronously,
in ``finally``). A sink never drops an event: when its consumer is slow, the run waits (backpressure), so
memory stays flat. The terminal event is the one exception to waiting without bound: a run that ends while
cancelled still delivers it, shielded, but waits at most :data:`TERMINAL_GRACE` seconds for the consumer to
take it; and a consumer that closed its end gets none (nobody listens).

``ChannelSink`` sends each event into a ``trio.MemorySendChannel`` the caller owns (buffer as the caller chose;
``send.clone()`` per run fans many runs into one consumer, which tells them apart by ``event.run_id``). A run
closes its channel when it ends, so a channel serves one run: passing one to a second run while the first
uses it is a ``UserError``.

``BatchingSink`` feeds an :class:`EventStream`. Events are handed over in *batches* (the two tasks meet by
``trio.lowlevel`` parking): an event is handed over at once if the consumer is waiting for one; otherwise it
joins the pending batch, which the consumer takes as soon as it asks for more. So a fast model stream costs one
task switch per batch rather than per delta, yet no event waits for the next one to be delivered. The run may
be ``buffer_size`` events ahead of its consumer: one more, and it waits until the consumer has taken the batch
(``buffer_size=0``: the run waits until each event is taken). It also waits until the consumer has taken
everything before it starts its next node, so a consumer that stops reading stops the run before its next
model request.
"""

from __future__ import annotations

import contextlib
import weakref
from typing import TYPE_CHECKING, Any, ClassVar, Generic

import trio
from outcome import Error, Value
from trio.lowlevel import enable_ki_protection
from typing_extensions import TypeVar

from .._exception_groups import reraise
from .._exceptions import UserError

if TYPE_CHECKING:
    from .._messages.events import AgentStreamEvent
    from .result import AgentRunErrorEvent, AgentRunResultEvent, TerminalEvent

__all__ = ["DEFAULT_BUFFER_SIZE", "TERMINAL_GRACE", "BatchingSink", "ChannelSink", "EventSink", "EventStream"]

OutputT = TypeVar("OutputT", default=str)

DEFAULT_BUFFER_SIZE = 16
"""How many events ``run_stream_events`` may run ahead of its consumer by default."""

TERMINAL_GRACE = 5.0
"""Seconds a run that ends while cancelled waits (shielded) for its consumer to take the terminal event."""


class EventSink:
    """Receives a run's events."""

    async def emit(self, event: Any) -> None:
        raise NotImplementedError

    async def flush(self) -> None:
        """Wait until the listener has taken every event emitted so far (the run calls this between nodes)."""

    def close(self) -> None:
        raise NotImplementedError

    async def emit_terminal(self, event: TerminalEvent, *, shielded: bool) -> None:
        """Send the run's last event: as any other, or (``shielded``: the run ends while cancelled) shielded from
        cancellation for at most :data:`TERMINAL_GRACE` seconds. Nothing is sent to a consumer that closed its
        end, or that does not take it in time."""
        try:
            if not shielded:
                await self.emit(event)
                return
            with trio.CancelScope(shield=True) as scope:
                scope.deadline = trio.current_time() + TERMINAL_GRACE
                await self.emit(event)
        except (trio.BrokenResourceError, trio.ClosedResourceError):
            pass  # nobody listens any more


class ChannelSink(EventSink):
    """Sends every event into a caller's memory channel, and closes that channel when the run is over."""

    __slots__ = ("_send",)

    _in_use: ClassVar[weakref.WeakSet[trio.MemorySendChannel[Any]]] = weakref.WeakSet()
    """The channels of the runs that have not ended yet (of every trio run in the process)."""

    def __init__(self, send: trio.MemorySendChannel[Any]) -> None:
        if send in self._in_use:
            raise UserError(
                "This `event_channel` is already the event channel of another run, which will close it when it "
                "ends. Give each run its own clone: `agent.run(..., event_channel=send.clone())`."
            )
        self._in_use.add(send)
        self._send = send

    @property
    def channel(self) -> trio.MemorySendChannel[Any]:
        """The caller's channel."""
        return self._send

    async def emit(self, event: Any) -> None:
        try:
            await self._send.send(event)
        except trio.ClosedResourceError:
            raise UserError(
                "The `event_channel` was closed before the run ended (by your code, or by another run it was "
                "given to: a run closes its channel when it ends). Give each run its own clone (`send.clone()`) "
                "and close only your original."
            ) from None

    async def emit_terminal(self, event: TerminalEvent, *, shielded: bool) -> None:
        with contextlib.suppress(UserError):  # closed: nobody listens any more
            await super().emit_terminal(event, shielded=shielded)

    def close(self) -> None:
        self._in_use.discard(self._send)
        self._send.close()


class BatchingSink(EventSink):
    """The producing side of an :class:`EventStream` (see the module docstring).

    The hand-over is built on ``trio.lowlevel`` parking (as trio's own ``Event``): at most one task waits on
    each side, the consumer for a batch and the run for its batch to be taken; each wakes the other with
    ``reschedule``. A memory channel did the same with more work per hand-over (two ``WouldBlock`` exceptions
    per wait, a checkpoint before each operation) and a channel object per run.
    """

    __slots__ = ("_buffer_size", "_consumer", "_producer", "ended", "failure", "listening", "pending")

    def __init__(self, buffer_size: int = DEFAULT_BUFFER_SIZE) -> None:
        if buffer_size < 0:
            raise UserError(f"`buffer_size` must be 0 or more, not {buffer_size!r}.")
        self._buffer_size = buffer_size
        self.pending: list[Any] = []
        """Events emitted and not yet taken (empty whenever the consumer waits)."""
        self._consumer: trio.lowlevel.Task | None = None
        """The consumer, while it waits for a batch."""
        self._producer: trio.lowlevel.Task | None = None
        """The run, while it waits for the consumer to take ``pending``."""
        self.ended = False
        """Whether the run closed its end: once ``pending`` is taken, the stream is over."""
        self.listening = True
        """Whether the consumer still listens (it closes its end when its block is left)."""
        self.failure: BaseException | None = None
        """Why the run ended without a result, once it has: the stream raises it after the terminal event."""

    @enable_ki_protection
    async def emit(self, event: Any) -> None:
        pending = self.pending
        pending.append(event)
        consumer = self._consumer
        if consumer is not None:  # the consumer is idle and waiting: hand over, no task switch
            self._consumer = None
            self.pending = []
            trio.lowlevel.reschedule(consumer, Value(pending))
        elif len(pending) > self._buffer_size:
            await self._until_taken()  # backpressure: wait for the consumer

    async def flush(self) -> None:
        if self.pending:
            await self._until_taken()

    @enable_ki_protection
    async def _until_taken(self) -> None:
        """Wait until the consumer has taken ``pending`` (a checkpoint; the events stay pending if cancelled)."""
        if not self.listening:
            raise _consumer_left()
        self._producer = trio.lowlevel.current_task()

        def abort(_: Any) -> trio.lowlevel.Abort:
            self._producer = None
            return trio.lowlevel.Abort.SUCCEEDED

        await trio.lowlevel.wait_task_rescheduled(abort)

    @enable_ki_protection
    def take(self) -> list[Any]:
        """Everything pending (called by the consumer when it wants more); a run waiting on it goes on."""
        pending, self.pending = self.pending, []
        producer = self._producer
        if producer is not None:
            self._producer = None
            trio.lowlevel.reschedule(producer)
        return pending

    @enable_ki_protection
    async def next_batch(self) -> list[Any]:
        """Wait for the run's next batch: empty when the run closed its end meanwhile (a checkpoint)."""
        if self._consumer is not None:
            raise trio.BusyResourceError("another task is already waiting for this run's next event")
        self._consumer = trio.lowlevel.current_task()

        def abort(_: Any) -> trio.lowlevel.Abort:
            self._consumer = None  # a batch emitted from now on stays pending for the next ask
            return trio.lowlevel.Abort.SUCCEEDED

        batch: list[Any] = await trio.lowlevel.wait_task_rescheduled(abort)
        return batch

    @enable_ki_protection
    def close(self) -> None:
        self.ended = True
        consumer = self._consumer
        if consumer is not None:
            self._consumer = None
            trio.lowlevel.reschedule(consumer, Value([]))

    @enable_ki_protection
    def stop_listening(self) -> None:
        """The consumer's end is closed: a run waiting for it to take a batch fails with ``BrokenResourceError``,
        as does one that would wait later."""
        self.listening = False
        producer = self._producer
        if producer is not None:
            self._producer = None
            trio.lowlevel.reschedule(producer, Error(_consumer_left()))

    def stream(self) -> EventStream[Any]:
        return EventStream(self)


def _consumer_left() -> trio.BrokenResourceError:
    return trio.BrokenResourceError("the consumer stopped listening to the run's events")


class EventStream(Generic[OutputT]):
    """The events of one run, in order, ending with its terminal event: ``AgentRunResultEvent``, or
    ``AgentRunErrorEvent`` when the run failed (then the error itself is raised, as what iterating on raises).

    Use ``async for event in stream`` (or ``await stream.receive()``, which raises ``trio.EndOfChannel`` at the
    end). Events already handed over are returned without a checkpoint; waiting for more is a checkpoint. One
    task at a time may wait for the next event (another raises ``trio.BusyResourceError``).
    """

    __slots__ = ("_batch", "_index", "_sink", "failure_raised")

    def __init__(self, sink: BatchingSink) -> None:
        self._sink = sink
        self._batch: list[Any] = []
        self._index = 0
        self.failure_raised = False
        """Whether the run's failure was raised to the consumer (so that leaving the block does not again)."""

    async def receive(self) -> AgentStreamEvent | AgentRunResultEvent[OutputT] | AgentRunErrorEvent:
        if self._index < len(self._batch):
            event: AgentStreamEvent | AgentRunResultEvent[OutputT] | AgentRunErrorEvent = self._batch[self._index]
            self._index += 1
            return event
        sink = self._sink
        if not sink.listening:
            raise trio.ClosedResourceError("this event stream was closed (its block was left)")
        batch = sink.take()  # what the run emitted meanwhile (a run waiting for that goes on)
        if not batch:
            if not sink.ended:
                batch = await sink.next_batch()
            if not batch:  # the run closed its end, and everything it sent was read
                self._raise_failure()
                raise trio.EndOfChannel
        self._batch, self._index = batch, 1
        first: AgentStreamEvent | AgentRunResultEvent[OutputT] | AgentRunErrorEvent = batch[0]
        return first

    def _raise_failure(self) -> None:
        failure = self._sink.failure
        if failure is not None and not self.failure_raised:
            self.failure_raised = True
            reraise(failure)

    def __aiter__(self) -> EventStream[OutputT]:
        return self

    async def __anext__(self) -> AgentStreamEvent | AgentRunResultEvent[OutputT] | AgentRunErrorEvent:
        if self._index < len(self._batch):  # (as `receive` begins: an event handed over costs no coroutine more)
            event: AgentStreamEvent | AgentRunResultEvent[OutputT] | AgentRunErrorEvent = self._batch[self._index]
            self._index += 1
            return event
        try:
            return await self.receive()
        except trio.EndOfChannel:
            raise StopAsyncIteration from None

    def close(self) -> None:
        """Stop listening; a run still emitting into this stream then fails with ``trio.BrokenResourceError``."""
        self._sink.stop_listening()
