"""Keeping trio's exception groups away from callers who did not ask for concurrency.

A nursery wraps whatever escapes it in an ``ExceptionGroup``. Where the library opens a nursery around *your*
code (a run's ``async with`` block, an event stream), a lone exception is re-raised as itself; a group with
several members is raised whole (never trimmed).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

__all__ = ["single_exception", "unwrapping_groups"]


def single_exception(group: BaseExceptionGroup[BaseException]) -> BaseException | None:
    """The group's only leaf exception, or ``None`` if it has several."""
    leaves: list[BaseException] = []
    stack: list[BaseException] = [group]
    while stack:
        exc = stack.pop()
        if isinstance(exc, BaseExceptionGroup):
            stack.extend(exc.exceptions)
        else:
            leaves.append(exc)
    return leaves[0] if len(leaves) == 1 else None


@asynccontextmanager
async def unwrapping_groups() -> AsyncIterator[None]:
    """Re-raise a single exception leaving the block as itself rather than inside an ``ExceptionGroup``."""
    single: BaseException | None = None
    try:
        yield
    except BaseExceptionGroup as group:
        single = single_exception(group)
        if single is None:
            raise
    if single is not None:
        raise single  # outside the ``except``: the exception keeps its own context and traceback
