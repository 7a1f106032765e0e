"""Runs that whoever reads their events may steer and cancel: :class:`RunControl`, for watched channels.

A watcher (the web runs board) registers a callback for a memory channel it reads with :func:`watch`; every
run started with ``event_channel=`` that channel (or a clone registered the same way) hands the callback a
:class:`RunControl` as it starts, before its first event. The control enqueues content into the run and cancels
it (``RunCancelled``, with the reason), from any task or thread, as ``AgentRun.enqueue``/``cancel`` do for an
``agent.iter`` run; it does the same for an ``agent.run`` run, which otherwise has no handle. It also tells what
the events do not: the run's prompt, and its usage so far.

Nothing here costs a run that nobody watches: :func:`control_for` finds no callback, and the run is driven as
before.
"""

from __future__ import annotations

import contextlib
import time
import weakref
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import trio

from .._exceptions import UserError
from .._usage import RunUsage
from .enqueue import EnqueueContent, PendingMessagePriority

if TYPE_CHECKING:
    from .._messages.content import UserContent
    from .mailbox import Mailbox

__all__ = ["RunControl", "control_for", "watch"]

_WATCHERS: weakref.WeakKeyDictionary[trio.MemorySendChannel[Any], Callable[[RunControl], None]] = (
    weakref.WeakKeyDictionary()
)


def watch(channel: trio.MemorySendChannel[Any], on_run: Callable[[RunControl], None]) -> None:
    """Call ``on_run(control)`` (in the run's task, as it starts) for each run given ``event_channel=channel``."""
    _WATCHERS[channel] = on_run


class RunControl:
    """Steer or cancel one run, from any task or thread (see the module docstring)."""

    __slots__ = (
        "_cancel",
        "_mailbox",
        "_requested",
        "_usage",
        "agent_name",
        "model_name",
        "prompt",
        "run_id",
        "started_at",
    )

    def __init__(
        self,
        run_id: str,
        agent_name: str | None,
        model_name: str,
        mailbox: Mailbox,
        prompt: str | Sequence[UserContent] | None = None,
    ) -> None:
        self.run_id = run_id
        self.agent_name = agent_name
        self.model_name = model_name
        self.prompt = prompt
        """The run's user prompt, as given (``None`` for a run that continues a history)."""
        self.started_at = time.time()
        """When the run started (seconds since the epoch)."""
        self._mailbox = mailbox
        self._usage: Callable[[], RunUsage] = RunUsage
        self._cancel: Callable[[str | None], None] | None = None
        self._requested: tuple[str | None] | None = None
        """A cancellation asked for before the run could take it (it takes it as it starts)."""

    @property
    def usage(self) -> RunUsage:
        """The run's usage so far, as of its last committed step (read it in the run's trio thread)."""
        return self._usage()

    def enqueue(self, *content: EnqueueContent, priority: PendingMessagePriority = "asap") -> str | None:
        """Inject content into the run, as ``AgentRun.enqueue`` (``UserError`` once the run has ended)."""
        return self._mailbox.put(content, priority)

    def cancel(self, reason: str | None = None) -> None:
        """End the run with ``RunCancelled(reason)``; nothing if it has ended (never waits)."""
        with contextlib.suppress(UserError):  # (the trio run that ran it has finished: it ended long ago)
            self._mailbox.call_soon(self._deliver, reason)

    def _deliver(self, reason: str | None) -> None:
        if self._cancel is None:
            self._requested = (reason,)
        else:
            self._cancel(reason)

    def bind_usage(self, usage: Callable[[], RunUsage]) -> None:
        """Where the run's committed usage is read (set by its driver)."""
        self._usage = usage

    def bind(self, cancel: Callable[[str | None], None]) -> None:
        """How the run is cancelled (set by whoever drives it, in the run's trio thread)."""
        self._cancel = cancel
        if self._requested is not None:
            cancel(*self._requested)

    def __repr__(self) -> str:
        return f"<RunControl run_id={self.run_id!r} agent={self.agent_name!r} model={self.model_name!r}>"


def control_for(
    channel: trio.MemorySendChannel[Any] | None,
    run_id: str,
    agent: Any,
    model: Any,
    mailbox: Mailbox,
    prompt: str | Sequence[UserContent] | None,
) -> RunControl | None:
    """The control of a run whose events go to ``channel``, handed to its watcher; ``None`` if nobody watches."""
    on_run = _WATCHERS.get(channel) if channel is not None else None
    if on_run is None:
        return None
    name = getattr(model, "model_name", None) or getattr(model, "name", None) or type(model).__name__
    control = RunControl(run_id, getattr(agent, "name", None), str(name), mailbox, prompt)
    on_run(control)
    return control
