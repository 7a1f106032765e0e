"""``EnterOnce``: the context manager an entry point returns, which starts one run and can be entered once.

``agent.iter(...)``, ``agent.run_stream(...)`` and ``agent.run_stream_events(...)`` each return a context
manager for *one* run. Entering it a second time (``async with cm: ... async with cm:``) would be a second run
sharing the first one's arguments and event channel; it is a ``UserError`` that says to call the entry point
again instead (:func:`entered_twice`; ``run_stream_events``'s block, a class of its own, raises it too).
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Generic, TypeVar

from .._exceptions import UserError

__all__ = ["EnterOnce", "entered_twice"]

T = TypeVar("T")


class EnterOnce(AbstractAsyncContextManager[T], Generic[T]):
    """Wraps the context manager of one run, refusing a second entry."""

    __slots__ = ("_entered", "_inner", "_name")

    def __init__(self, inner: AbstractAsyncContextManager[T], name: str) -> None:
        self._inner = inner
        self._name = name
        self._entered = False

    async def __aenter__(self) -> T:
        if self._entered:
            raise entered_twice(self._name)
        self._entered = True
        return await self._inner.__aenter__()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool | None:
        return await self._inner.__aexit__(exc_type, exc, tb)


def entered_twice(name: str) -> UserError:
    """The error for a second entry into the context manager ``agent.<name>(...)`` returned."""
    return UserError(
        f"This `agent.{name}(...)` was already entered: it starts one run. Call `agent.{name}(...)` again for "
        "another run."
    )
