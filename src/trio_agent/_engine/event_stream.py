"""``Agent.run_stream_events``: a run whose events you iterate, in a block that owns the run.

Resource handling: the block owns a nursery with one task running the agent to completion. Leaving the block,
however it is left, stops listening and cancels the run if it is still going (so the model stream and any
tool in flight are cancelled too); nothing outlives the block but the worker thread of a sync tool, which runs
on until its function returns (its result discarded).

Error handling: an exception raised by the run (a tool's error, ``UnexpectedModelBehavior``, ...) cancels the
body and is raised from the ``async with`` as itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import trio

from .._exception_groups import unwrapping_groups
from .driver import Driver
from .sinks import BatchingSink, EventSink, EventStream

__all__ = ["open_event_stream", "run_then_close"]


async def run_then_close(driver: Driver) -> None:
    """Run to the end (announcing the result), then close the run and its event sink.

    A failed run leaves the sink open: its listener is in the same nursery, which cancels it, so the run's
    error is the only exception to leave the block.
    """
    try:
        await driver.run_to_end()
    except BaseException:
        driver.close(close_sink=False)
        raise
    driver.close()


@asynccontextmanager
async def open_event_stream(make_driver: Callable[[EventSink], Driver]) -> AsyncIterator[EventStream]:
    """Run the agent in a task and yield the stream of its events."""
    sink = BatchingSink()
    driver = make_driver(sink)
    stream = sink.stream()
    async with unwrapping_groups(), trio.open_nursery() as nursery:
        nursery.start_soon(run_then_close, driver)
        try:
            yield stream
        finally:
            nursery.cancel_scope.cancel()  # first: a run parked on a full batch gets Cancelled, not Broken
            stream.close()
