"""Per-node event pipelines, for ``event_stream_handler`` and ``wrap_run_event_stream`` hooks.

When a run has a handler or an event-stream hook, each node that produces events (model requests and tool
calls) gets its own pipeline for as long as it runs: the node emits into a buffer-0 channel; a task in a
nursery owned by the node passes the events through the hooks (first capability outermost), on to the run's
event sink if there is one, and to the handler. When the node ends, the channel closes and the node waits for
the task to finish, so a handler has seen every event of a node before the run moves on. An error raised by a
hook or the handler fails the node, as if the node had raised it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Awaitable, Callable
from contextlib import aclosing, asynccontextmanager
from typing import TYPE_CHECKING, Any

import trio

from .._exception_groups import unwrapping_groups
from .._run_context import RunContext

if TYPE_CHECKING:
    from .._capabilities.abstract import AbstractCapability
    from .sinks import EventSink

__all__ = ["EventStreamHandler", "node_event_pipeline"]

EventStreamHandler = Callable[[RunContext[Any], AsyncIterable[Any]], Awaitable[None]]
"""``handler(ctx, events)``: called for each node that produces events, with that node's events."""


@asynccontextmanager
async def node_event_pipeline(
    ctx: RunContext[Any],
    wrappers: list[AbstractCapability],
    sink: EventSink | None,
    handler: EventStreamHandler | None,
) -> AsyncIterator[trio.MemorySendChannel[Any]]:
    """Yield the channel a node emits into while the pipeline's task consumes it."""
    send, receive = trio.open_memory_channel[Any](0)
    async with unwrapping_groups(), trio.open_nursery() as nursery:
        nursery.start_soon(_consume, ctx, receive, wrappers, sink, handler)
        try:
            yield send
        finally:
            send.close()


async def _forwarded(stream: AsyncIterable[Any], sink: EventSink) -> AsyncIterator[Any]:
    async for event in stream:
        await sink.emit(event)
        yield event


async def _consume(
    ctx: RunContext[Any],
    receive: trio.MemoryReceiveChannel[Any],
    wrappers: list[AbstractCapability],
    sink: EventSink | None,
    handler: EventStreamHandler | None,
) -> None:
    async with receive:
        stream: AsyncIterable[Any] = receive
        for capability in reversed(wrappers):  # the first capability sees the outermost stream
            stream = capability.wrap_run_event_stream(ctx, stream=stream)
        if sink is not None:
            stream = _forwarded(stream, sink)
        async with aclosing(_as_generator(stream)) as events:
            if handler is not None:
                await handler(ctx, events)
            async for _ in events:  # whatever the handler left unread still reaches the sink
                pass


async def _as_generator(stream: AsyncIterable[Any]) -> AsyncGenerator[Any, None]:
    async for event in stream:
        yield event
