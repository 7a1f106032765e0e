"""Errors arrive as themselves: keeping the engine's own nurseries out of what callers catch.

A trio nursery wraps whatever escapes it in an ``ExceptionGroup``. Where the engine opens a nursery (a run's
``async with`` block, an event stream, a step's concurrent tool calls, a node's event pipeline), the caller did
not ask for concurrency, so ``except ValueError`` must work. The policy, applied to every such nursery:

* The nursery's own group is removed (one level, never more): a group that *your* code raised (in a tool, in
  the block) comes out unchanged, as the one member of the nursery's group it was.
* If several tasks failed at once, one exception stands for them all: a ``KeyboardInterrupt`` or
  ``SystemExit`` before any ``Exception``; otherwise the first failure (for tool calls, the first in the order
  the model emitted them). Each other failure is named in its notes (``__notes__``, shown in tracebacks).
  trio's channel errors that only follow from a sibling's failure (``BrokenResourceError``,
  ``ClosedResourceError``, ``EndOfChannel`` on the engine's own channels) are left out, and ``Cancelled`` is
  raised only when nothing else was (cancellation is level-triggered: the next checkpoint raises it again).
* The exception keeps its own ``__context__`` and ``__cause__``: re-raising it here does not chain the group
  (or anything the engine was handling) onto it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import NoReturn

import trio

__all__ = ["collapse", "reraise", "unwrapping_groups"]

_CONSEQUENCES: tuple[type[BaseException], ...] = (trio.BrokenResourceError, trio.ClosedResourceError, trio.EndOfChannel)
_CANCELLED_OR_CONSEQUENCE: tuple[type[BaseException], ...] = (trio.Cancelled, *_CONSEQUENCES)


def collapse(failures: Sequence[BaseException]) -> BaseException:
    """The one exception that stands for ``failures`` (in order), the others noted on it (see the module)."""
    if len(failures) == 1:
        return failures[0]
    real = [f for f in failures if not isinstance(f, _CANCELLED_OR_CONSEQUENCE)]
    if not real:
        real = [f for f in failures if not isinstance(f, trio.Cancelled)] or list(failures)
    chosen = next((f for f in real if not isinstance(f, Exception)), real[0])
    for other in real:
        if other is not chosen:
            chosen.add_note(f"Another task of the same run failed at the same time: {other!r}")
    return chosen


def reraise(error: BaseException) -> NoReturn:
    """Raise ``error`` again, keeping the ``__context__`` it had (raising it while the engine handles another
    exception would otherwise chain that one onto it)."""
    context = error.__context__
    try:
        raise error
    finally:
        error.__context__ = context


@asynccontextmanager
async def unwrapping_groups() -> AsyncIterator[None]:
    """Wrap an engine nursery: re-raise what escapes it as one exception, by the policy above."""
    chosen: BaseException | None = None
    try:
        yield
    except BaseExceptionGroup as group:
        chosen = collapse(group.exceptions)
    if chosen is not None:
        reraise(chosen)
