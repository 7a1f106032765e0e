"""``RunBoard``: every run of a process that reports to it, live, with a way to cancel or steer each one.

::

    async with RunBoard() as board:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(functools.partial(agent.run, "...", event_channel=board.channel()))
            ...
        board.runs()                      # RunRecord of each run: status, tokens, transcript, ...
        board.steer(run_id, "also do y")  # or board.cancel(run_id)

Runs report through ``event_channel=board.channel()``: a clone of the board's memory channel, watched (see
:mod:`trio_agent._engine.control`), so each run hands the board a control to cancel and steer it as it starts,
and sends its events, which a task of the board reads into the run's :class:`~._board_record.RunRecord`. The
web app (:func:`~._board_app.board_routes`) serves the board as a page and an API.

Resource handling: ``async with board`` owns the task that reads the channel. Leaving the block normally waits
until every run given a channel has closed it (a run closes its channel when it ends), as a nursery waits for
its tasks; leaving it with an error (or cancelled) stops reading at once, and a run still reporting then fails
at its next event with ``trio.BrokenResourceError``. So start the runs inside the block. Memory is bounded: the
board keeps every running run and the last ``keep`` that ended, each transcript bounded too.

Error handling: :meth:`RunBoard.channel` outside the block, and :meth:`RunBoard.cancel`/:meth:`RunBoard.steer`
for a run the board does not know or that has ended, raise ``UserError`` naming the run. A run's failure is its
record's ``failed`` status, told as :func:`~._errors.describe_error` tells it (the run's caller gets the error
itself).
"""

from __future__ import annotations

from collections import OrderedDict
from contextlib import AsyncExitStack
from types import TracebackType
from typing import Any, Self

import trio

from .._engine.control import RunControl, watch
from .._engine.enqueue import PendingMessagePriority
from .._exception_groups import unwrapping_groups
from .._exceptions import UserError
from ._board_record import RunRecord

__all__ = ["CANCELLED_FROM_THE_BOARD", "RunBoard"]

CANCELLED_FROM_THE_BOARD = "cancelled from the runs board"
"""The reason a run cancelled with :meth:`RunBoard.cancel` (without one) ends with."""

CHANNEL_BUFFER = 256
"""How many events the runs may be ahead of the board's reader (then they wait: backpressure)."""


class RunBoard:
    """The runs of a process that report to it, live (see the module).

    Args:
        keep: How many runs that ended the board keeps (the oldest are dropped first); running runs are
            always kept.
    """

    def __init__(self, *, keep: int = 100) -> None:
        if keep < 0:
            raise UserError(f"`keep` must be 0 or more, not {keep!r}.")
        self.keep = keep
        self._records: OrderedDict[str, RunRecord] = OrderedDict()
        self._send, self._receive = trio.open_memory_channel[Any](CHANNEL_BUFFER)
        self._nursery_manager: AsyncExitStack | None = None
        self._open = False
        self.version = 0
        """Counts the changes of the runs' list: a run started, ended or was dropped, or its summary changed."""
        self._changed: trio.Event | None = None

    # -- the block --------------------------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        if self._nursery_manager is not None:
            raise UserError("This `RunBoard` is already open (or was): use it in one `async with` block.")
        self._nursery_manager = stack = AsyncExitStack()
        await stack.enter_async_context(unwrapping_groups())  # (errors leave the block as themselves)
        nursery = await stack.enter_async_context(trio.open_nursery())
        nursery.start_soon(self._read)
        self._open = True
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool | None:
        self._open = False
        self._send.close()  # (the runs' clones keep the channel open until each run ends)
        if exc is not None:
            self._receive.close()
        assert self._nursery_manager is not None
        return await self._nursery_manager.__aexit__(exc_type, exc, tb)

    @property
    def is_open(self) -> bool:
        """Whether the board's block is running (runs may be given :meth:`channel`)."""
        return self._open

    def channel(self) -> trio.MemorySendChannel[Any]:
        """A channel for one run to report to the board: ``agent.run(..., event_channel=board.channel())``."""
        if not self._open:
            raise UserError(
                "The board reads its runs' events only inside its block: `async with board:` first, and give "
                "runs `board.channel()` inside it."
            )
        clone = self._send.clone()
        watch(clone, self._add_run)
        return clone

    async def _read(self) -> None:
        async with self._receive:
            async for event in self._receive:
                self._record_event(event)

    # -- the runs ---------------------------------------------------------------------------------------------

    def _add_run(self, control: RunControl) -> None:
        """Start a record for the run ``control`` steers (a watched run calls this as it starts)."""
        self._records.pop(control.run_id, None)  # (a run resumed from a snapshot keeps its id: it is new again)
        self._records[control.run_id] = RunRecord(control)
        self._changed_now()

    def _follow(self, send: trio.MemorySendChannel[Any]) -> None:
        """Know the run given ``event_channel=send``, whose events its caller reads and passes to
        :meth:`_record_event` (the chat's turns: they stream their events to the page)."""
        watch(send, self._add_run)

    def _record_event(self, event: Any) -> None:
        """Take a run's event into its record (ignored if the board does not know the run)."""
        record = self._records.get(getattr(event, "run_id", None) or "")
        if record is None:
            return
        was_running = not record.ended
        if record.apply(event):
            if was_running and record.ended:
                self._forget_old()
            self._changed_now()

    def _abandon(self, run_id: str, why: str) -> None:
        """End run ``run_id``'s record if it is still running: its reader stopped reading its events."""
        record = self._records.get(run_id)
        if record is not None and not record.ended:
            record.abandon(why)
            self._forget_old()
            self._changed_now()

    def runs(self) -> list[RunRecord]:
        """The runs the board knows, newest first."""
        return list(reversed(self._records.values()))

    def find(self, run_id: str) -> RunRecord | None:
        """The record of run ``run_id``, if the board knows it."""
        return self._records.get(run_id)

    def cancel(self, run_id: str, reason: str = CANCELLED_FROM_THE_BOARD) -> None:
        """End run ``run_id`` with ``RunCancelled(reason)`` (it takes it at once, wherever it is)."""
        self._running(run_id).control.cancel(reason)

    def steer(self, run_id: str, message: str, *, priority: PendingMessagePriority = "asap") -> str | None:
        """Deliver ``message`` into run ``run_id`` (``enqueue``); its enqueue id. ``UserError`` if the run ended."""
        return self._running(run_id).control.enqueue(message, priority=priority)

    def _running(self, run_id: str) -> RunRecord:
        record = self._records.get(run_id)
        if record is None:
            raise UserError(f"The board has no run {run_id!r}.")
        if record.ended:
            raise UserError(f"Run {run_id!r} has ended ({record.status}).")
        return record

    def _forget_old(self) -> None:
        ended = [run_id for run_id, record in self._records.items() if record.ended]
        for run_id in ended[: max(0, len(ended) - self.keep)]:
            del self._records[run_id]

    async def wait_changed(self, since: int) -> None:
        """Wait until :attr:`version` is past ``since`` (at once if it is already)."""
        while self.version <= since:
            if self._changed is None:
                self._changed = trio.Event()
            await self._changed.wait()

    def _changed_now(self) -> None:
        self.version += 1
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    def __repr__(self) -> str:
        running = sum(not record.ended for record in self._records.values())
        return f"<RunBoard runs={len(self._records)} running={running}>"
