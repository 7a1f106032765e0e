"""``Agent.run_stream_events``: a run whose events you iterate, in a block that owns the run.

Resource handling: the block owns a nursery with one task running the agent to completion. Leaving the block,
however it is left, stops listening and cancels the run if it is still going (so the model stream and any
tool in flight are cancelled too); nothing outlives the block but the worker thread of a sync tool, which runs
on until its function returns (its result discarded).

Error handling: a run that fails (a tool's error, ``UnexpectedModelBehavior``, ...) ends its stream with an
``AgentRunErrorEvent``, and iterating on then raises the error itself, which leaves the block as itself; if the
block is left before the stream was read to its end, the error is raised when the block exits. The run's fate
is never lost: a stream ends with exactly one terminal event, ``AgentRunResultEvent`` or ``AgentRunErrorEvent``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import trio

from .._exception_groups import reraise, unwrapping_groups
from .driver import Driver
from .sinks import DEFAULT_BUFFER_SIZE, BatchingSink, EventSink, EventStream

__all__ = ["open_event_stream", "run_then_close"]


async def run_then_close(driver: Driver, sink: BatchingSink) -> None:
    """Run to the end, announce how the run ended, then close the run and its event sink.

    A run that fails does not raise here: its stream ends with the error event, then raises the error to its
    consumer (so the consumer reads everything first). A run that is cancelled or interrupted announces that,
    as far as anyone still listens, and raises.
    """
    try:
        await driver.run_to_end()
    except Exception as error:
        await driver.fail(error)
        sink.failure = error
    except BaseException as error:
        await driver.fail(error)
        raise
    finally:
        driver.close()


@asynccontextmanager
async def open_event_stream(
    make_driver: Callable[[EventSink], Driver], *, buffer_size: int = DEFAULT_BUFFER_SIZE
) -> AsyncIterator[EventStream]:
    """Run the agent in a task and yield the stream of its events."""
    sink = BatchingSink(buffer_size)
    driver = make_driver(sink)
    stream = sink.stream()
    async with unwrapping_groups(), trio.open_nursery() as nursery:
        nursery.start_soon(run_then_close, driver, sink)
        try:
            yield stream
        finally:
            nursery.cancel_scope.cancel()  # first: a run parked on a full batch gets Cancelled, not Broken
            stream.close()
    if sink.failure is not None and not stream.failure_raised:
        reraise(sink.failure)  # the block was left before the stream reached the failure
