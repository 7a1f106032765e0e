"""A step's pass over the whole history, in pieces: long histories yield to other tasks as they are merged.

Merging adjacent messages (before the history is adopted, and before each request) walks every message. For
the histories most runs have this takes microseconds; for tens of thousands of messages it would hold the
thread for tens of milliseconds, so the walk checkpoints every :data:`CHUNK` messages (a cancel arriving
meanwhile abandons the step, which changes nothing: the merged list is new).
"""

from __future__ import annotations

from collections.abc import Sequence

import trio

from ..._messages.history import merge_into
from ..._messages.messages import ModelMessage

__all__ = ["CHUNK", "merged_history", "merged_now"]

CHUNK = 2048
"""Messages merged between two checkpoints (a few milliseconds of work at most)."""


def merged_now(messages: Sequence[ModelMessage]) -> list[ModelMessage] | None:
    """``merge_adjacent(messages)`` if it is quick (at most :data:`CHUNK` messages), else ``None``: then
    ``await merged_history(messages)`` (this spares the usual case a coroutine)."""
    if len(messages) > CHUNK:
        return None
    merged: list[ModelMessage] = []
    merge_into(merged, messages)
    return merged


async def merged_history(messages: Sequence[ModelMessage]) -> list[ModelMessage]:
    """``merge_adjacent(messages)``, checkpointing between chunks when there are more than :data:`CHUNK`."""
    merged: list[ModelMessage] = []
    if len(messages) <= CHUNK:
        merge_into(merged, messages)
        return merged
    for start in range(0, len(messages), CHUNK):
        if start:
            await trio.lowlevel.checkpoint()
        merge_into(merged, messages[start : start + CHUNK])
    return merged
