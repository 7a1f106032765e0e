"""Runners for instruction and system-prompt functions (``@agent.instructions``, ``@agent.system_prompt``).

A function may take a :class:`RunContext` or nothing, and may be sync or async; returning ``None`` (or an
empty string) omits it. Sync functions run on the trio thread: they are meant to format text, so keep them
non-blocking (do I/O in an ``async def`` one).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from typing_extensions import TypeAliasType, TypeVar

from ._callables import is_async_callable, takes_run_context
from ._run_context import RunContext

__all__ = ["SystemPromptFunc", "SystemPromptRunner"]

DepsT = TypeVar("DepsT", default=Any)

SystemPromptFunc = TypeAliasType(
    "SystemPromptFunc",
    Callable[[RunContext[DepsT]], str | None]
    | Callable[[RunContext[DepsT]], Awaitable[str | None]]
    | Callable[[], str | None]
    | Callable[[], Awaitable[str | None]],
    type_params=(DepsT,),
)
"""An instructions or system prompt function: ``(ctx)`` or ``()``, sync or async, returning text or ``None``."""


class SystemPromptRunner:
    """Calls one prompt function with or without the context, awaiting it if it is async."""

    __slots__ = ("dynamic", "function", "is_async", "takes_ctx")

    def __init__(self, function: SystemPromptFunc[Any], *, dynamic: bool = False) -> None:
        self.function = function
        self.dynamic = dynamic
        self.takes_ctx = takes_run_context(function)
        self.is_async = is_async_callable(function)

    async def run(self, ctx: RunContext[Any]) -> str | None:
        function: Callable[..., Any] = self.function
        result = function(ctx) if self.takes_ctx else function()
        if self.is_async:
            result = await result
        return result  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f"SystemPromptRunner({getattr(self.function, '__qualname__', self.function)!r})"
