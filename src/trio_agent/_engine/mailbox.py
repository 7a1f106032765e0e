"""The run's mailbox: where ``enqueue`` puts content and the driver collects it.

``enqueue`` writes to the send end of a bounded trio memory channel with ``send_nowait``: it never blocks and
never checkpoints, so it is safe from any task of the run's trio thread. From any other thread the same
``send_nowait`` is marshalled onto the run's thread with ``trio.from_thread.run_sync`` and the run's
``TrioToken``, so the caller still sees a full queue or a closed run as an exception.

The channel is opened on the first ``enqueue`` (most runs never enqueue, and a channel costs more than the
rest of a run's bookkeeping). The driver *collects* the channel into an ordered ``pending`` list
(synchronously, no checkpoint) whenever it needs to look at what is queued; items leave ``pending`` only when
a committed step delivered them. Closing collects first, so nothing accepted is ever lost: it is delivered,
or it stays visible in ``pending``.
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


class Mailbox:
    """Enqueued content on its way into one run."""

    __slots__ = ("_capacity", "_closed_reason", "_receive", "_send", "_thread", "_token", "pending")

    def __init__(self, capacity: int | None = None) -> None:
        self._capacity = DEFAULT_CAPACITY if capacity is None else capacity
        self._send: trio.MemorySendChannel[PendingMessage] | None = None
        self._receive: trio.MemoryReceiveChannel[PendingMessage] | None = None
        self._thread = threading.get_ident()
        self._token = trio.lowlevel.current_trio_token()
        self._closed_reason = ""
        self.pending: list[PendingMessage] = []

    def call_in_trio(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Call ``fn(*args)`` on the run's trio thread: directly if already there, else marshalled (waiting for
        it); ``UserError`` if that trio run has finished."""
        if threading.get_ident() == self._thread:
            return fn(*args)
        try:
            return trio.from_thread.run_sync(fn, *args, trio_token=self._token)
        except trio.RunFinishedError:
            raise UserError(
                "The trio run that owned this agent run has finished; nothing was done. Start a new run with "
                "`message_history=` to continue."
            ) from None

    def put(self, content: Sequence[EnqueueContent], priority: PendingMessagePriority) -> str | None:
        """Accept ``content`` for delivery and return its enqueue id (``None`` for no content)."""
        if not content:
            return None
        item = PendingMessage.from_content(content, priority)  # validated in the caller's thread
        self.call_in_trio(self._post, item)
        return item.enqueue_id

    def _post(self, item: PendingMessage) -> None:
        if self._closed_reason:
            raise UserError(self._closed_reason)
        if self._send is None:
            self._send, self._receive = trio.open_memory_channel[PendingMessage](self._capacity)
        try:
            self._send.send_nowait(item)
        except trio.WouldBlock:
            raise UserError(
                f"The run's enqueue queue is full ({self._capacity} items waiting for the next model request); "
                "nothing was enqueued. Enqueue fewer, larger items, or wait for the run to take them."
            ) from None
        except (trio.BrokenResourceError, trio.ClosedResourceError):
            raise UserError(self._closed_reason) from None

    def collect(self) -> list[PendingMessage]:
        """Move everything from the channel into ``pending`` (no checkpoint) and return ``pending``."""
        receive = self._receive
        pending = self.pending
        if receive is None:
            return pending
        while True:
            try:
                pending.append(receive.receive_nowait())
            except (trio.WouldBlock, trio.ClosedResourceError):
                return pending

    def remove(self, delivered: Iterable[PendingMessage]) -> None:
        """Drop items a committed step delivered."""
        gone = {id(item) for item in delivered}
        if gone:
            self.pending[:] = [item for item in self.pending if id(item) not in gone]

    def close(self, reason: str) -> None:
        """Refuse further content with ``reason`` (a :class:`UserError` message); keep what was accepted."""
        if not self._closed_reason:
            self.collect()
            self._closed_reason = reason
            if self._send is not None and self._receive is not None:
                self._receive.close()
                self._send.close()
