"""``ToolsetHost``: the toolsets a run opened, each held open by a task of the run's nursery until it ends.

Why a task each. Entering a toolset may open a nursery or cancel scope (an MCP session opens both), and trio
requires those to be exited by the task that entered them, in reverse order. A run enters its toolsets at its
start, and a dynamic toolset may swap the toolset it stands for between two steps; the run's own task cannot
hold them (its steps come and go, and a swap closes one that is not the last opened). So each entered toolset
gets a task of the run's nursery that enters it, reports it open, waits to be released, and exits it: the
scopes of every toolset stay inside one task, and closing one never disturbs another.

Error handling: an error entering a toolset is raised by :meth:`ToolsetHost.enter` (nothing is left open); an
error exiting one is raised in the run's nursery, so it ends the run's block like any other failure of the run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import trio

if TYPE_CHECKING:
    from .abstract import AbstractToolset

__all__ = ["Held", "ToolsetHost"]


class Held:
    """One toolset held open; :meth:`release` closes it."""

    __slots__ = ("_closed", "_release")

    def __init__(self) -> None:
        self._release = trio.Event()
        self._closed = trio.Event()

    async def release(self) -> None:
        """Exit the toolset and wait until it is closed."""
        self._release.set()
        await self._closed.wait()


async def _hold(toolset: AbstractToolset[Any], held: Held, *, task_status: trio.TaskStatus[None]) -> None:
    try:
        async with toolset:
            task_status.started()
            await held._release.wait()
    finally:
        held._closed.set()


class ToolsetHost:
    """Holds toolsets open for one run, each in a task of ``nursery`` (which must outlive the run's use of them).

    Resource handling: :meth:`aclose` releases them all, the last entered first; if the run's nursery is
    cancelled first, each task exits its toolset as it is cancelled.
    """

    __slots__ = ("_held", "_nursery")

    def __init__(self, nursery: trio.Nursery) -> None:
        self._nursery = nursery
        self._held: list[Held] = []

    async def enter(self, toolset: AbstractToolset[Any]) -> Held:
        """Enter ``toolset`` in a task of its own; return once it is open."""
        held = Held()
        await self._nursery.start(_hold, toolset, held)
        self._held.append(held)
        return held

    async def release(self, held: Held) -> None:
        """Close one toolset this host holds, before the others."""
        if held in self._held:
            self._held.remove(held)
        await held.release()

    async def aclose(self) -> None:
        """Close every toolset still held, the last entered first."""
        while self._held:
            await self._held.pop().release()
