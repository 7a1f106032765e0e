"""``capture_run_messages``: see the messages of a run, even one that failed."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from .._messages.messages import ModelMessage

__all__ = ["adopt_capture", "capture_run_messages"]


@dataclasses.dataclass
class _Capture:
    messages: list[ModelMessage]
    used: bool = False


_current: ContextVar[_Capture | None] = ContextVar("trio_agent_capture", default=None)


@contextmanager
def capture_run_messages() -> Iterator[list[ModelMessage]]:
    """Capture the messages of the first run started inside the ``with`` block.

    The yielded list is kept up to date as the run commits steps, and also receives the partial messages of
    a step that raised, which makes it the tool for debugging a failed run::

        with capture_run_messages() as messages:
            try:
                await agent.run('...')
            except UnexpectedModelBehavior:
                print(messages)
    """
    capture = _Capture([])
    token = _current.set(capture)
    try:
        yield capture.messages
    finally:
        _current.reset(token)


def adopt_capture() -> list[ModelMessage] | None:
    """The list of the enclosing ``capture_run_messages`` block, if it has not captured a run yet."""
    capture = _current.get()
    if capture is None or capture.used:
        return None
    capture.used = True
    return capture.messages
