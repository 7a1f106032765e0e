"""``StreamedRunResultSync``: a streamed run for sync code (``agent.run_stream_sync``).

The run is an ordinary ``run_stream`` block, held open by a ``trio.run`` in a thread of its own
(:class:`RunThread`); the sync result steps its streams in that thread while the caller's thread waits, so the
run goes only as fast as the caller reads.

Resource handling: the thread is the result's: ``close()`` (or leaving its ``with`` block) leaves the
``run_stream`` block, which cancels the run if it is still going, and joins the thread. A result dropped without
being closed asks its thread to leave the block when it is garbage collected; the thread then ends on its own.

Error handling: an error of the run before its final answer is raised by ``run_stream_sync`` as itself; after
that, by the stream or ``get_output()`` that reaches it, or, if nothing read that far, when the block is left.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from types import TracebackType
from typing import Any, Generic, Self

import trio
from typing_extensions import TypeVar

from .._exceptions import UserError
from .._messages.messages import ModelMessage, ModelResponse
from .._usage import RunUsage
from .result import AgentRunResult
from .streamed_run import StreamedRunResult

__all__ = ["RunThread", "StreamedRunResultSync"]

DepsT = TypeVar("DepsT", default=None, contravariant=True)
OutputT = TypeVar("OutputT", default=str, covariant=True)
T = TypeVar("T")
R = TypeVar("R")


class RunThread(Generic[T]):
    """A ``trio.run`` in a thread of its own, holding an async context manager's block open until :meth:`close`.

    The caller's thread waits for the block to be entered (or for the error that prevented it), then runs
    functions in the trio thread with :meth:`call` and :meth:`call_sync` (``trio.from_thread``), waiting for
    each. The thread runs a copy of the caller's ``contextvars`` (so ``Agent.override`` blocks apply).
    """

    def __init__(self, manager: AbstractAsyncContextManager[T], name: str, kind: str = "StreamedRunResultSync") -> None:
        self._manager = manager
        self._kind = kind  # what the caller holds, for the error once it is closed
        self._entered = threading.Event()
        self._token: trio.lowlevel.TrioToken | None = None
        self._leave: trio.Event | None = None
        self._error: BaseException | None = None
        self._closed = False
        self.value: T | None = None
        self._in_block = False
        context = contextvars.copy_context()
        self._thread = threading.Thread(target=context.run, args=(self._main,), name=f"trio_agent {name}", daemon=True)
        self._thread.start()
        if not self._wait_for_the_block():  # never entered: its error is the caller's
            self._thread.join()
            self._closed = True
            raise self._take_error()

    def _wait_for_the_block(self) -> bool:
        """Wait until the block is entered (``True``) or the run ended without entering it (``False``)."""
        self._entered.wait()
        return self._in_block

    def _main(self) -> None:
        try:
            trio.run(self._hold)
        except BaseException as error:
            self._error = error
        finally:
            self._entered.set()

    async def _hold(self) -> None:
        self._token = trio.lowlevel.current_trio_token()
        self._leave = trio.Event()
        async with self._manager as value:
            self.value, self._in_block = value, True
            self._entered.set()
            await self._leave.wait()

    def call(self, function: Callable[[], Awaitable[R]]) -> R:
        """``await function()`` in the trio thread; raises ``UserError`` once the block was left."""
        if not self._closed and self._token is not None:
            try:
                return trio.from_thread.run(function, trio_token=self._token)
            except trio.RunFinishedError:
                self.close()  # the block was left on its own: raises how, if it was an error
        raise UserError(
            f"This `{self._kind}` is closed (its `with` block was left, or `close()` was called): read its "
            "streams before closing it."
        )

    def call_sync(self, function: Callable[[], R]) -> R:
        """``function()``, in the trio thread while the run may be changing what it reads."""
        if not self._closed and self._token is not None and self._thread.is_alive():
            with contextlib.suppress(trio.RunFinishedError):
                return trio.from_thread.run_sync(function, trio_token=self._token)
        return function()

    def request_close(self) -> None:
        """Ask the block to be left, without waiting (safe from any thread, the trio thread included)."""
        if self._token is not None and self._leave is not None:
            with contextlib.suppress(trio.RunFinishedError):
                self._token.run_sync_soon(self._leave.set)

    def close(self) -> None:
        """Leave the block and join the thread; raise the error the block's exit raised, if any."""
        if self._closed:
            return
        self._closed = True
        self.request_close()
        self._thread.join()
        if self._error is not None:
            raise self._take_error()

    def _take_error(self) -> BaseException:
        """The error the thread's ``trio.run`` raised (raised once: then forgotten)."""
        error, self._error = self._error, None
        assert error is not None
        return error


class StreamedRunResultSync(Generic[DepsT, OutputT]):
    """The result of :meth:`AbstractAgent.run_stream_sync`: a :class:`StreamedRunResult` for sync code.

    The same methods, with plain iterators and blocking calls; its run lives in a thread of its own (see
    ``run_stream_sync``). Use it as a context manager (``with``), or call :meth:`close`, so that the run and its
    thread end when you are done; the streams and ``get_output()`` read the same events: use one at a time.
    """

    def __init__(self, host: RunThread[StreamedRunResult[DepsT, OutputT]]) -> None:
        assert host.value is not None
        self._host = host
        self._streamed = host.value
        self._finalizer = weakref.finalize(self, host.request_close)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, etype: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if exc is None:
            self.close()
        else:  # the block's own exception goes on: an error of the run's exit would only hide it
            with contextlib.suppress(Exception):
                self.close()

    def close(self) -> None:
        """Leave the run's block (cancelling the run if it is still going) and join its thread."""
        self._finalizer.detach()
        self._host.close()

    # -- streams --------------------------------------------------------------------------------------

    def stream_text(self, *, delta: bool = False, debounce_by: float | None = 0.1) -> Iterator[str]:
        """The answer's text as it grows (``delta=True``: only what is new), as ``StreamedRunResult.stream_text``."""
        return _SyncIterator(
            self, self._host.call_sync(lambda: self._streamed.stream_text(delta=delta, debounce_by=debounce_by))
        )

    def stream_output(self, *, debounce_by: float | None = 0.1) -> Iterator[OutputT]:
        """The output as it streams, validated as far as it goes; the last item is the run's output."""
        return _SyncIterator(self, self._host.call_sync(lambda: self._streamed.stream_output(debounce_by=debounce_by)))

    def stream_response(self, *, debounce_by: float | None = 0.1) -> Iterator[ModelResponse]:
        """Snapshots of the response being streamed, as ``StreamedRunResult.stream_response``."""
        return _SyncIterator(
            self, self._host.call_sync(lambda: self._streamed.stream_response(debounce_by=debounce_by))
        )

    def stream_responses(self, *, debounce_by: float | None = 0.1) -> Iterator[tuple[ModelResponse, bool]]:
        """``(response, is_last)`` pairs, as ``StreamedRunResult.stream_responses``."""
        return _SyncIterator(
            self, self._host.call_sync(lambda: self._streamed.stream_responses(debounce_by=debounce_by))
        )

    def get_output(self) -> OutputT:
        """Wait for the run to end and return its output (at once if it has ended, even after closing)."""
        result = self._streamed.result
        if result is not None:
            return result.output
        return self._host.call(self._streamed.get_output)

    # -- the run --------------------------------------------------------------------------------------

    @property
    def is_complete(self) -> bool:
        """Whether the run has ended with a result (a stream or ``get_output()`` read it to its end)."""
        return self._streamed.result is not None

    @property
    def result(self) -> AgentRunResult[OutputT] | None:
        """The run's result once it has ended, else ``None``."""
        return self._streamed.result

    @property
    def run_id(self) -> str:
        return self._streamed.run_id

    @property
    def conversation_id(self) -> str:
        return self._streamed.conversation_id

    @property
    def metadata(self) -> dict[str, Any] | None:
        return self._streamed.metadata

    def usage(self) -> RunUsage:
        """Usage of the run so far."""
        return self._host.call_sync(self._streamed.usage)

    def timestamp(self) -> datetime:
        """The timestamp of the run's last response (once the run has ended)."""
        return self._host.call_sync(self._streamed.timestamp)

    def all_messages(self) -> list[ModelMessage]:
        """The conversation so far, history passed in included."""
        return self._host.call_sync(self._streamed.all_messages)

    def all_messages_json(self, *, output_tool_return_content: str | None = None) -> bytes:
        """:meth:`all_messages` as JSON bytes (see ``StreamedRunResult.all_messages_json``)."""
        return self._host.call_sync(
            lambda: self._streamed.all_messages_json(output_tool_return_content=output_tool_return_content)
        )

    def new_messages(self) -> list[ModelMessage]:
        """The messages this run produced so far."""
        return self._host.call_sync(self._streamed.new_messages)

    def new_messages_json(self) -> bytes:
        """:meth:`new_messages` as JSON bytes."""
        return self._host.call_sync(self._streamed.new_messages_json)


class _SyncIterator(Iterator[T]):
    """An async iterator of a :class:`StreamedRunResult`, stepped in its run's thread; it keeps the sync result
    (and so its run) alive while it is in use."""

    def __init__(self, owner: StreamedRunResultSync[Any, Any], stream: AsyncIterator[T]) -> None:
        self._owner = owner
        self._stream = stream

    def __next__(self) -> T:
        try:
            return self._owner._host.call(self._stream.__anext__)
        except StopAsyncIteration:
            raise StopIteration from None
