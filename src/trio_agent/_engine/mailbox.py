"""The run's mailbox: where ``enqueue`` puts content and the driver collects it.

``enqueue`` may be called from any task of the run's trio thread and from any other thread, and never waits for
the run: its caller gets its answer at once (accepted, with an enqueue id; or refused, with a ``UserError`` that
says why), even while the run's trio thread is busy or blocked. So the mailbox is not a trio object: it is a
bounded queue behind a ``threading.Lock``, held only for a few list operations. The content is validated in the
caller's thread, before the lock.

The driver *collects* the queue into an ordered ``pending`` list (synchronously, on the run's trio thread)
whenever it needs to look at what is queued; items leave ``pending`` only when a committed step delivered them.
The end of a run and closing the mailbox are one locked decision (:meth:`Mailbox.end_or_collect`): content
accepted before it is delivered (the run continues with it), content offered after it is refused. Closing
collects first, so nothing accepted is ever lost: it is delivered, or it stays visible in ``pending``.

``run.cancel()`` reaches the run the same way it would from a thread: :meth:`Mailbox.call_soon` runs it on the
run's trio thread through the run's ``TrioToken`` without waiting for it (at once when already there).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import trio

from .._exceptions import UserError
from .enqueue import EnqueueContent, PendingMessage, PendingMessagePriority

__all__ = ["DEFAULT_CAPACITY", "Mailbox"]

DEFAULT_CAPACITY = 1024
"""How many enqueued items may wait between two collections before ``enqueue`` refuses more."""

_RUN_FINISHED = (
    "The trio run that owned this agent run has finished; nothing was done. Start a new run with "
    "`message_history=` to continue."
)


class Mailbox:
    """Enqueued content on its way into one run."""

    __slots__ = ("_capacity", "_closed_reason", "_lock", "_queue", "_thread", "_token", "pending")

    def __init__(self, capacity: int | None = None) -> None:
        self._capacity = DEFAULT_CAPACITY if capacity is None else capacity
        self._lock = threading.Lock()
        self._queue: list[PendingMessage] = []
        """Accepted and not yet collected (appended to from any thread, under the lock)."""
        self._closed_reason = ""
        self._thread = threading.get_ident()
        self._token = trio.lowlevel.current_trio_token()
        self.pending: list[PendingMessage] = []
        """Collected and not yet delivered, in order (the run's trio thread only)."""

    # -- any thread -----------------------------------------------------------------------------------

    def put(self, content: Sequence[EnqueueContent], priority: PendingMessagePriority) -> str | None:
        """Accept ``content`` for delivery and return its enqueue id (``None`` for no content); never waits."""
        if not content:
            return None
        item = PendingMessage.from_content(content, priority)  # validated in the caller's thread
        with self._lock:
            reason = self._closed_reason
            if not reason:
                if len(self._queue) >= self._capacity:
                    raise UserError(
                        f"The run's enqueue queue is full ({self._capacity} items waiting for the next model "
                        "request); nothing was enqueued. Enqueue fewer, larger items, or wait for the run to take "
                        "them."
                    )
                self._queue.append(item)
                return item.enqueue_id
        raise UserError(_RUN_FINISHED if self._run_finished() else reason)

    def call_soon(self, fn: Callable[..., Any], *args: Any) -> None:
        """Call ``fn(*args)`` on the run's trio thread: now if already there, else soon (without waiting);
        ``UserError`` if that trio run has finished."""
        if threading.get_ident() == self._thread and self._in_the_run():
            fn(*args)
            return
        try:
            self._token.run_sync_soon(fn, *args)
        except trio.RunFinishedError:
            raise UserError(_RUN_FINISHED) from None

    def _in_the_run(self) -> bool:
        try:
            return trio.lowlevel.current_trio_token() is self._token
        except RuntimeError:
            return False

    def _run_finished(self) -> bool:
        try:
            self._token.run_sync_soon(_nothing)
        except trio.RunFinishedError:
            return True
        return False

    # -- the run's trio thread ------------------------------------------------------------------------

    def collect(self) -> list[PendingMessage]:
        """Move everything queued into ``pending`` and return ``pending``."""
        if self._queue:  # (a racy peek: what it misses is collected next time, and deciding uses the lock)
            with self._lock:
                self.pending.extend(self._queue)
                self._queue.clear()
        return self.pending

    def end_or_collect(self, reason: str) -> list[PendingMessage]:
        """The run would end: if nothing is pending, close with ``reason`` (refusing content from now on) and
        return ``[]``; else return what is pending, and stay open. One locked decision."""
        with self._lock:
            self.pending.extend(self._queue)
            self._queue.clear()
            if not self.pending:
                self._closed_reason = reason
            return self.pending

    def remove(self, delivered: Iterable[PendingMessage]) -> None:
        """Drop items a committed step delivered."""
        gone = {id(item) for item in delivered}
        if gone:
            self.pending[:] = [item for item in self.pending if id(item) not in gone]

    def close(self, reason: str) -> None:
        """Refuse further content with ``reason`` (a :class:`UserError` message); keep what was accepted."""
        with self._lock:
            if not self._closed_reason:
                self.pending.extend(self._queue)
                self._queue.clear()
                self._closed_reason = reason


def _nothing() -> None:
    pass
