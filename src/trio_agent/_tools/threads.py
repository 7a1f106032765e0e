"""Worker threads for sync tools: a limiter of their own, a slot taken before a timeout starts, and a report
of every thread the run had to abandon.

A sync tool runs in a worker thread so that it never blocks the run. Three things follow, each handled here:

* **Threads need a bound, and not trio's.** Unless the agent was given a ``thread_limiter``, sync tools share
  one ``CapacityLimiter`` of :data:`DEFAULT_TOOL_THREADS` per ``trio.run`` (:func:`tool_thread_limiter`), not
  trio's default limiter, so tools stuck in their threads never starve the rest of the program (``trio``'s own
  blocking calls, other libraries) of worker threads.
* **A timeout starts when the thread does.** The slot is taken first (:func:`take_slot`); the tool's timeout
  covers only the call itself, not the wait for a slot behind other tools.
* **An abandoned thread is reported.** Python cannot stop a thread: when a call is cancelled (or times out)
  while its thread runs, the run stops waiting at once, and the thread runs on until the function returns,
  keeping its slot until then. Each such thread is logged (logger ``trio_agent.tools``, level ``WARNING``) when
  it is abandoned, and again (``INFO``) when it finally returns.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from typing import Any, cast

import trio

__all__ = ["DEFAULT_TOOL_THREADS", "ThreadSlot", "run_in_thread", "take_slot", "tool_thread_limiter"]

DEFAULT_TOOL_THREADS = 40
"""Sync tools running at once, per ``trio.run``, when the agent sets no ``thread_limiter``."""

logger = logging.getLogger("trio_agent.tools")

_LIMITER: trio.lowlevel.RunVar[trio.CapacityLimiter] = trio.lowlevel.RunVar("trio_agent_tool_threads")


def tool_thread_limiter() -> trio.CapacityLimiter:
    """The current ``trio.run``'s limiter of sync-tool threads (made at first use)."""
    try:
        return _LIMITER.get()
    except LookupError:
        limiter = trio.CapacityLimiter(DEFAULT_TOOL_THREADS)
        _LIMITER.set(limiter)
        return limiter


class ThreadSlot:
    """A slot of a thread limiter, taken before the thread starts and given back when the thread ends.

    It is the ``limiter`` trio's ``to_thread.run_sync`` is given: taking the slot again is a no-op (it is taken
    already), and giving it back is what trio does when the thread really ends, however long after an abandon.
    """

    __slots__ = ("_limiter", "abandoned_at", "given_back", "tool_name", "used")

    def __init__(self, limiter: trio.CapacityLimiter, tool_name: str) -> None:
        self._limiter = limiter
        self.tool_name = tool_name
        self.used = False
        """Whether a thread was started with this slot (it then gives it back when it ends)."""
        self.given_back = False
        self.abandoned_at: float | None = None

    async def acquire_on_behalf_of(self, borrower: object) -> None:
        self.used = True

    def release_on_behalf_of(self, borrower: object) -> None:
        self.give_back()
        if self.abandoned_at is not None:
            logger.info(
                "The abandoned thread of tool %r returned after %.2f s; its result was discarded.",
                self.tool_name,
                trio.current_time() - self.abandoned_at,
            )

    def give_back(self) -> None:
        if not self.given_back:
            self.given_back = True
            self._limiter.release_on_behalf_of(self)


async def take_slot(limiter: trio.CapacityLimiter | None, tool_name: str) -> ThreadSlot:
    """Wait for a slot of ``limiter`` (the run's tool-thread limiter if ``None``) for a call of ``tool_name``."""
    slot = ThreadSlot(limiter or tool_thread_limiter(), tool_name)
    await slot._limiter.acquire_on_behalf_of(slot)
    return slot


async def run_in_thread(
    function: Callable[..., Any], args: Sequence[Any], kwargs: dict[str, Any], slot: ThreadSlot
) -> Any:
    """Call ``function`` in a worker thread holding ``slot``; on cancel, abandon the thread and report it."""
    try:
        # (trio documents `limiter` as any "CapacityLimiter-like object": one that can be acquired and released
        # on behalf of a borrower; its annotation says CapacityLimiter)
        limiter = cast("trio.CapacityLimiter", slot)
        return await trio.to_thread.run_sync(
            functools.partial(function, *args, **kwargs), abandon_on_cancel=True, limiter=limiter
        )
    except trio.Cancelled:
        if slot.used and not slot.given_back:
            slot.abandoned_at = trio.current_time()
            logger.warning(
                "Tool %r was cancelled while its thread was running: the run stopped waiting for it, but Python "
                "cannot stop a thread, so it runs on (holding a slot of its thread limiter) until the function "
                "returns. Long sync tools can call `trio.from_thread.check_cancelled()` to stop early.",
                slot.tool_name,
            )
        raise
    finally:
        if not slot.used:
            slot.give_back()  # no thread was started: the slot was never passed on
