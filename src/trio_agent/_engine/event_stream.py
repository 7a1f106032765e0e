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

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Any

import trio

from .._exception_groups import collapse, reraise
from .driver import Driver
from .once import entered_twice
from .sinks import DEFAULT_BUFFER_SIZE, BatchingSink, EventSink, EventStream

__all__ = ["EventStreamBlock", "run_then_close"]


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


class EventStreamBlock(AbstractAsyncContextManager[EventStream[Any]]):
    """What ``agent.run_stream_events(...)`` returns: entering it starts the run in a task of the block's
    nursery and gives its :class:`EventStream`; it can be entered once.

    (A class rather than an ``asynccontextmanager`` generator wrapped in :class:`EnterOnce` and
    ``unwrapping_groups``: the same policy, without three context-manager layers per run.)
    """

    __slots__ = ("_buffer_size", "_entered", "_make_driver", "_manager", "_nursery", "_sink", "_stream")

    def __init__(self, make_driver: Callable[[EventSink], Driver], *, buffer_size: int = DEFAULT_BUFFER_SIZE) -> None:
        self._make_driver = make_driver
        self._buffer_size = buffer_size
        self._entered = False

    async def __aenter__(self) -> EventStream[Any]:
        if self._entered:
            raise entered_twice("run_stream_events")
        self._entered = True
        sink = self._sink = BatchingSink(self._buffer_size)
        driver = self._make_driver(sink)
        stream = self._stream = sink.stream()
        manager = self._manager = trio.open_nursery()
        nursery = self._nursery = await manager.__aenter__()
        nursery.start_soon(run_then_close, driver, sink)
        return stream

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool:
        self._nursery.cancel_scope.cancel()  # first: a run parked on a full batch gets Cancelled, not Broken
        self._stream.close()
        try:
            await self._manager.__aexit__(exc_type, exc, tb)
        except BaseExceptionGroup as group:  # the nursery's own group: see `_exception_groups`
            reraise(collapse(group.exceptions))
        if self._sink.failure is not None and not self._stream.failure_raised:
            reraise(self._sink.failure)  # the block was left before the stream reached the failure
        return True  # the nursery absorbed what the block raised, if anything (its own cancellation)
