"""``RunContext``: what tools, prompts, validators and hooks see of the run they are part of."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic

from typing_extensions import TypeVar

from ._exceptions import UserError
from ._messages.content import UserContent
from ._messages.messages import ModelMessage
from ._repr import fields_eq, no_defaults_repr
from ._usage import RunUsage

if TYPE_CHECKING:
    from ._engine.enqueue import EnqueueContent, PendingMessagePriority
    from ._engine.mailbox import Mailbox
    from ._messages.parts import SystemPromptPart
    from ._toolsets.host import ToolsetHost
    from ._usage import UsageLimits
    from .models import Model
    from .settings import ModelSettings

__all__ = ["RunContext", "ToolCallGuard"]

DepsT = TypeVar("DepsT", default=None, covariant=True)


class ToolCallGuard:
    """Whether a tool call's contexts may still steer the run (set once the run abandons the call)."""

    __slots__ = ("revoked",)

    def __init__(self) -> None:
        self.revoked: str | None = None


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class RunContext(Generic[DepsT]):
    """Information about the current run, passed to tools (as their first argument), instruction and system
    prompt functions, output validators and capability hooks.

    A new context is made for each step and each tool call; changing its attributes does not change the run.
    """

    deps: DepsT
    """The ``deps`` passed to the run."""
    model: Model
    """The model the run is using."""
    usage: RunUsage
    """Usage of the run so far."""
    usage_limits: UsageLimits | None = None
    """The limits the run enforces (``None`` on a context not made by a run); read-only."""
    agent: Any = dataclasses.field(default=None, repr=False)
    """The agent running (``None`` on a context not made by a run)."""
    prompt: str | Sequence[UserContent] | None = None
    """The user prompt the run was started with."""
    messages: list[ModelMessage] = dataclasses.field(default_factory=list)
    """The conversation so far (including history passed in)."""
    retries: dict[str, int] = dataclasses.field(default_factory=dict)
    """Failed-attempt counts per tool name."""
    tool_call_id: str | None = None
    """The id of the tool call being executed (tools only)."""
    tool_name: str | None = None
    """The name of the tool being executed (tools only)."""
    retry: int = 0
    """How many times this tool (or the output) has been retried so far."""
    max_retries: int = 0
    """The retry budget of this tool (or the output)."""
    tool_call_approved: bool = False
    """Whether this call was approved through ``DeferredToolResults`` (tools that need approval)."""
    tool_call_metadata: Any = None
    """Metadata the caller attached to this call in ``DeferredToolResults.metadata``."""
    run_step: int = 0
    """The number of model requests made so far in this run, including the current one."""
    run_id: str | None = None
    conversation_id: str | None = None
    metadata: dict[str, Any] | None = None
    model_settings: ModelSettings | None = None
    validation_context: Any = None
    """The pydantic validation context for tool arguments and outputs (the reference API's field)."""
    tracer: Any = dataclasses.field(default=None, repr=False)
    """A tracer, for instrumentation (``None``: runs are not traced here)."""
    trace_include_content: bool = False
    instrumentation_version: int = 2
    partial_output: bool = False
    """Whether the output being validated is partial (an output validator called while the output streams)."""
    _mailbox: Mailbox | None = dataclasses.field(default=None, repr=False)
    _host: ToolsetHost | None = dataclasses.field(default=None, repr=False, compare=False)
    """Where the run holds its toolsets open (in the context a run's toolsets are prepared with)."""
    _call: ToolCallGuard | None = dataclasses.field(default=None, repr=False, compare=False)
    """The tool call this context was made for (shared by the copies wrappers make of it), if any."""
    _system_prompts: Callable[[RunContext[Any]], Awaitable[list[SystemPromptPart]]] | None = dataclasses.field(
        default=None, repr=False, compare=False
    )
    """The agent's system prompts, as parts (in the contexts model-request hooks see; ``ReinjectSystemPrompt``)."""

    def _abandon(self, what: str) -> None:
        """The tool call this context was made for was abandoned (it ``what``: "timed out", "was cancelled"): the
        context (and every copy of it) may live on in the call's thread, but can no longer steer the run."""
        if self._call is not None and self._call.revoked is None:
            self._call.revoked = (
                f"`enqueue` was called from the call of tool {self.tool_name!r}, which {what}: the run no longer "
                "waits for it, so nothing was enqueued."
            )

    @property
    def last_attempt(self) -> bool:
        """Whether a further failure will exhaust the retry budget."""
        return self.retry == self.max_retries

    def enqueue(self, *content: EnqueueContent, priority: PendingMessagePriority = "asap") -> str | None:
        """Enqueue content into this run, as :meth:`AgentRun.enqueue` does; safe from sync tools in threads."""
        if self._call is not None and self._call.revoked is not None:
            raise UserError(self._call.revoked)
        if self._mailbox is None:
            raise UserError(
                "`enqueue` is only available during an agent run (from tools, capability hooks, or "
                "`AgentRun.enqueue`); this `RunContext` is not attached to a run."
            )
        return self._mailbox.put(content, priority)

    __repr__ = no_defaults_repr
    __eq__ = fields_eq
