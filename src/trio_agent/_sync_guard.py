"""The guard of every synchronous entry point that starts a ``trio.run`` of its own (``run_sync`` and kin)."""

from __future__ import annotations

import trio

from ._exceptions import UserError

__all__ = ["refuse_inside_trio"]


def refuse_inside_trio(message: str) -> None:
    """Raise ``UserError(message)`` if this thread is running trio (a second ``trio.run`` cannot start in it)."""
    try:
        trio.lowlevel.current_trio_token()
    except RuntimeError:
        return
    raise UserError(message)
