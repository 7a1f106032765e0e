"""How ``wrap_*`` hooks compose: each wraps the next, the first outermost, the innermost wrapping the handler.

Every ``wrap_*`` family (run, node, model request, tool validation, tool execution) nests the same way, in a
:class:`~.combined.CombinedCapability` and in :class:`~.hooks.Hooks`; :func:`nest` is that one rule.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

__all__ = ["nest"]

W = TypeVar("W")
V = TypeVar("V")
R = TypeVar("R")


async def nest(
    wrappers: Sequence[W],
    wrap: Callable[[W, V, Callable[[V], Awaitable[R]]], Awaitable[R]],
    handler: Callable[[V], Awaitable[R]],
    value: V,
) -> R:
    """``handler(value)`` inside every wrapper: ``wrap(wrapper, value, next)`` is one wrapper's hook, given the
    value it may replace and ``next``, which runs the inner layers (a hook may also not call it: short-circuit)."""

    async def layer(depth: int, current: V) -> R:
        if depth == len(wrappers):
            return await handler(current)
        return await wrap(wrappers[depth], current, lambda inner: layer(depth + 1, inner))

    return await layer(0, value)
