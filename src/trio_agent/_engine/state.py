"""The state of a run, and the copy-on-write view one step works on.

A step of a run that can be observed or resumed between steps (``agent.iter``, or any run with capabilities)
never touches the committed :class:`RunState`: it works on :meth:`RunState.fork`, a copy whose lists and
counters it may change freely. When the step completes, the fork *becomes* the run's state (see :mod:`.driver`);
if it is cancelled or fails, the fork is dropped and the run is exactly as before the step. (``agent.run``
without capabilities, where a failed step ends the run, works on the state itself: see :mod:`.driver`.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._messages.messages import ModelMessage
from .._usage import RunUsage

if TYPE_CHECKING:
    from .._messages.events import EnqueuedMessagesEvent
    from .enqueue import PendingMessage
    from .run_tools import StepTools

__all__ = ["RunState"]


class RunState:
    """Everything a run has committed."""

    __slots__ = (
        "announce",
        "delivered",
        "messages",
        "new_message_index",
        "output_retries_used",
        "resumed_calls",
        "run_step",
        "tool_retries",
        "tools",
        "usage",
    )

    def __init__(self, messages: list[ModelMessage], usage: RunUsage) -> None:
        self.messages = messages
        """The conversation so far, history passed in included."""
        self.usage = usage
        self.output_retries_used = 0
        self.tool_retries: dict[str, int] = {}
        """Failed attempts per tool name (reset when the tool succeeds)."""
        self.run_step = 0
        """Model requests made so far."""
        self.new_message_index = 0
        """Where this run's messages start in :attr:`messages`."""
        self.announce: tuple[EnqueuedMessagesEvent, ...] = ()
        """Deliveries made while committing (an end-of-run redirect), to be announced by the next request."""
        self.delivered: tuple[PendingMessage, ...] = ()
        """Enqueued items this (forked) step delivered; removed from the mailbox when it commits."""
        self.resumed_calls: tuple[str, ...] = ()
        """The call ids of a response whose calls a resumed run answered, in call order: the next request sends
        their returns in that order (see :func:`~.steps.model_request.in_call_order`)."""
        self.tools: StepTools | None = None
        """The tools offered with the latest request, when the run lists them per step (``None``: the agent's
        static tools, see :mod:`.run_tools`)."""

    def fork(self) -> RunState:
        """A copy a step can change without affecting this state."""
        clone = RunState.__new__(RunState)
        clone.messages = list(self.messages)
        clone.usage = self.usage._copy()
        clone.output_retries_used = self.output_retries_used
        clone.tool_retries = dict(self.tool_retries) if self.tool_retries else {}
        clone.run_step = self.run_step
        clone.new_message_index = self.new_message_index
        clone.announce = self.announce  # tuples (usually the empty one): nothing to copy or allocate
        clone.delivered = ()
        clone.tools = self.tools
        clone.resumed_calls = self.resumed_calls
        return clone
