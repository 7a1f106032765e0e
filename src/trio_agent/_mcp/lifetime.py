"""Who holds an MCP toolset open, and who closes it.

The session task. An open session holds the SDK's task groups (trio nurseries) and cancel scopes. They are not
entered in the task that enters the toolset: that task opens a nursery of its own (on its exit stack, exited
when it closes the session) and starts one *session task* in it, which enters the SDK's transport and session,
reports the session open, waits to be told to close, and exits them, in the order trio requires. So a failure
inside the SDK (an HTTP transport's task crashing when its server goes away) ends the session task, not the
block that entered the toolset: the session is marked lost, and the requests waiting on it (and every later
one) fail with ``MCPConnectionError`` naming the server.

Ownership. The task that opens the session *owns* it: only that task closes it, at its last exit (its nursery
must be exited by the task that entered it). Any other task that enters (``async with toolset:`` from a second
task, or a tool call a run makes from one of its own tasks) is a *guest*: its entering and exiting only counts.

The states::

    closed --(first enter: the entering task becomes the owner and opens)--> opening
    opening --(open succeeded)--> open            opening --(open failed or was cancelled)--> closed
    open --(the owner's last exit, once no guest holds it)--> closing --(closed)--> closed

A task entering while another is opening or closing waits for that to finish, then enters again (a task that
finds the session closing opens a new one). The owner's last exit waits until every guest has exited; if the
owner is cancelled while it waits, it closes at once (guests' requests then fail, and their exits are no-ops).

Error handling: an error opening the session (the server could not start, ``initialize`` failed or timed out)
is raised as itself, not in the exception groups of the SDK nurseries it crossed (when several tasks failed, one
stands for all and names the others in its notes). An error inside the SDK once the session is open is kept on
the session (see above), including one while closing it.

Resource handling: the session task enters a cancel scope of its own before the SDK's contexts (so it is exited
after them: scopes stay nested), and shields it for at most :data:`CLOSE_GRACE` seconds when it closes the
session, also when it was cancelled: a cancelled owner still shuts the server down cleanly, and cannot hang
doing it (the SDK's own stdio shutdown, which may kill the process, is shielded and bounded on its own).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any, Literal

import trio

from .._exception_groups import collapse, reraise
from .._exceptions import UserError
from .session import Session

__all__ = ["CLOSE_GRACE", "Hold", "Lifetime", "leaves"]

CLOSE_GRACE = 5.0
"""Seconds closing a session may take, shielded from cancellation (the HTTP session's ``DELETE``, the SDK
session's exit); past it the rest is cut short."""

Opener = Callable[[AsyncExitStack], Awaitable[Session]]


class Lifetime:
    """The state of one toolset's session (see the module docstring); ``opener`` opens one onto an exit stack."""

    __slots__ = (
        "_guests",
        "_opener",
        "_owner",
        "_owner_entries",
        "_settled",
        "_stack",
        "_stop",
        "describe",
        "session",
        "state",
    )

    def __init__(self, opener: Opener, describe: str) -> None:
        self._opener = opener
        self.describe = describe
        """How errors name the toolset (its label)."""
        self.state: Literal["closed", "opening", "open", "closing"] = "closed"
        self.session: Session | None = None
        """The open session (``None`` unless :attr:`state` is ``'open'``)."""
        self._owner: trio.lowlevel.Task | None = None
        self._owner_entries = 0
        self._guests: dict[trio.lowlevel.Task, int] = {}
        self._settled = trio.Event()
        """Set when an opening or closing finishes, or when the last guest exits (replaced at each start)."""
        self._stack: AsyncExitStack | None = None
        """The owner's exit stack: the nursery of the session task."""
        self._stop: trio.Event | None = None
        """Tells the session task to close the session."""

    async def enter(self, *, open_if_closed: bool = True) -> Session:
        """Hold the session (opening it, in this task, if it is closed and ``open_if_closed``)."""
        task = trio.lowlevel.current_task()
        while True:
            if self.state == "open":
                assert self.session is not None
                if task is self._owner:
                    self._owner_entries += 1
                else:
                    self._guests[task] = self._guests.get(task, 0) + 1
                return self.session
            if self.state == "closed":
                if not open_if_closed:
                    raise UserError(
                        f"{self.describe} is not open any more: the block that opened it (`async with toolset:` or "
                        "`async with agent:`) ended while a run was still using it. Keep runs inside that block."
                    )
                return await self._open(task)
            await self._settled.wait()  # another task is opening or closing it

    async def exit(self) -> None:
        """Release what :meth:`enter` held; the owner's last exit closes the session."""
        task = trio.lowlevel.current_task()
        if task is self._owner and self.state == "open":
            self._owner_entries -= 1
            if self._owner_entries > 0:
                return
            try:
                while self._guests:
                    self._settled = trio.Event()
                    await self._settled.wait()
            finally:
                await self._close()
            return
        held = self._guests.get(task)
        if held is None:
            if self.state == "closed":
                return  # the owner closed it under us (it was cancelled): nothing is held any more
            raise UserError(f"{self.describe} was exited by a task that had not entered it (more exits than enters).")
        if held > 1:
            self._guests[task] = held - 1
            return
        del self._guests[task]
        if not self._guests and self._owner_entries == 0:
            self._settled.set()  # the owner is waiting for the last guest

    def hold(self, *, open_if_closed: bool = True) -> Hold:
        """``async with lifetime.hold() as session:``: :meth:`enter` and :meth:`exit` around a block."""
        return Hold(self, open_if_closed)

    async def _open(self, task: trio.lowlevel.Task) -> Session:
        self.state = "opening"
        self._owner = task
        self._settled = trio.Event()
        stop = trio.Event()
        try:
            try:
                async with AsyncExitStack() as stack:
                    nursery = await stack.enter_async_context(trio.open_nursery())
                    session: Session = await nursery.start(self._run_session, stop)
                    self._stack = stack.pop_all()
            except BaseExceptionGroup as group:  # what failed inside the SDK's nurseries, as itself
                reraise(collapse(leaves(group)))
        except BaseException:
            self.state = "closed"
            self._owner = None
            self._settled.set()
            raise
        self._stop = stop
        self.session = session
        self.state = "open"
        self._owner_entries = 1
        self._settled.set()
        return session

    async def _run_session(self, stop: trio.Event, *, task_status: trio.TaskStatus[Session]) -> None:
        """The session task: open the session, report it, hold it until ``stop``, close it (see the module)."""
        session: Session | None = None
        try:
            async with AsyncExitStack() as sdk:
                guard = sdk.enter_context(trio.CancelScope())
                session = await self._opener(sdk)
                task_status.started(session)
                try:
                    await stop.wait()
                finally:  # closing, or cancelled: either way the SDK's exits below get their bounded shield
                    guard.shield = True
                    guard.deadline = trio.current_time() + CLOSE_GRACE
        except BaseException as error:
            if session is None:
                raise  # opening failed: `_open` raises it
            failures = leaves(error) if isinstance(error, BaseExceptionGroup) else [error]
            errors = [failure for failure in failures if isinstance(failure, Exception)]
            if errors:
                chosen = collapse(errors)
                assert isinstance(chosen, Exception)
                session.fail(chosen)
            others = [failure for failure in failures if not isinstance(failure, Exception)]
            if others:
                reraise(collapse(others))  # cancellation (or KeyboardInterrupt) goes on

    async def _close(self) -> None:
        stack, self._stack = self._stack, None
        stop, self._stop = self._stop, None
        self.state = "closing"
        self._settled = trio.Event()
        try:
            if stop is not None:
                stop.set()
            if stack is not None:
                try:
                    await stack.aclose()  # waits for the session task to close the session
                except BaseExceptionGroup as group:
                    reraise(collapse(leaves(group)))
        finally:
            self.session = None
            self._owner = None
            self._guests.clear()
            self.state = "closed"
            self._settled.set()


def leaves(group: BaseExceptionGroup[BaseException]) -> list[BaseException]:
    """The exceptions in ``group`` and the groups nested in it (each SDK nursery an error crosses adds one)."""
    found: list[BaseException] = []
    for error in group.exceptions:
        found.extend(leaves(error) if isinstance(error, BaseExceptionGroup) else [error])
    return found


class Hold:
    """An async context manager holding a :class:`Lifetime`'s session for a block (a call, a listing)."""

    __slots__ = ("_lifetime", "_open_if_closed")

    def __init__(self, lifetime: Lifetime, open_if_closed: bool) -> None:
        self._lifetime = lifetime
        self._open_if_closed = open_if_closed

    async def __aenter__(self) -> Session:
        return await self._lifetime.enter(open_if_closed=self._open_if_closed)

    async def __aexit__(self, *args: Any) -> None:
        await self._lifetime.exit()
