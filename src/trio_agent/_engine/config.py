"""``RunConfig``: what one run was started with. Immutable: steps read it and write only to the
:class:`~.state.RunState` they are given.

A run's configuration is its agent's :class:`~.spec.AgentSpec` (shared by every run of the agent) plus what
belongs to this run alone: the model and deps it uses, its output plan, limits, ids, mailbox, and where its
events go. It also holds the two things every step does with that configuration: build a
:class:`RunContext` for user code, and :meth:`~RunConfig.stamp` messages as this run's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._messages.parts import now_utc
from .._run_context import RunContext
from .state import RunState

if TYPE_CHECKING:
    from .._messages.content import UserContent
    from .._messages.events import AgentStreamEvent
    from .._messages.messages import ModelMessage
    from .._settings import ModelSettings
    from .._usage import UsageLimits
    from ..models import Model
    from .mailbox import Mailbox
    from .run_tools import RunToolsets
    from .spec import AgentSpec, OutputPlan

__all__ = ["Emit", "RunConfig"]

Emit = Callable[["AgentStreamEvent"], Awaitable[None]]
"""Sends one event of the run on to whoever listens."""


class RunConfig:
    """The fixed inputs of one run (read-only attributes)."""

    __slots__ = (
        "conversation_id",
        "deps",
        "emit",
        "mailbox",
        "metadata",
        "model",
        "model_settings",
        "output",
        "run_id",
        "spec",
        "tool_call_metadata",
        "toolsets",
        "usage_limits",
        "user_prompt",
    )

    spec: AgentSpec
    """The agent's compiled configuration (tools, validators, budgets, capabilities)."""
    output: OutputPlan
    """How this run asks for and accepts its output (the agent's, or the run's ``output_type``)."""
    model: Model
    deps: Any
    user_prompt: str | Sequence[UserContent] | None
    model_settings: ModelSettings | None
    """The agent's settings merged with the run's."""
    usage_limits: UsageLimits
    run_id: str
    conversation_id: str
    metadata: dict[str, Any] | None
    mailbox: Mailbox
    tool_call_metadata: Mapping[str, Any]
    """``DeferredToolResults.metadata`` of a resumed run, by tool call id."""
    emit: Emit | None
    """Where the run's events go, if anyone listens (``None``: events are not even built)."""
    toolsets: RunToolsets | None
    """The run's toolsets, unless its tools are the spec's static ones (see :mod:`.run_tools`)."""

    def __init__(
        self,
        *,
        spec: AgentSpec,
        output: OutputPlan,
        model: Model,
        deps: Any,
        user_prompt: str | Sequence[UserContent] | None,
        model_settings: ModelSettings | None,
        usage_limits: UsageLimits,
        run_id: str,
        conversation_id: str,
        metadata: dict[str, Any] | None,
        mailbox: Mailbox,
        tool_call_metadata: Mapping[str, Any],
        emit: Emit | None,
        toolsets: RunToolsets | None = None,
    ) -> None:
        assign = object.__setattr__
        assign(self, "spec", spec)
        assign(self, "output", output)
        assign(self, "model", model)
        assign(self, "deps", deps)
        assign(self, "user_prompt", user_prompt)
        assign(self, "model_settings", model_settings)
        assign(self, "usage_limits", usage_limits)
        assign(self, "run_id", run_id)
        assign(self, "conversation_id", conversation_id)
        assign(self, "metadata", metadata)
        assign(self, "mailbox", mailbox)
        assign(self, "tool_call_metadata", tool_call_metadata)
        assign(self, "emit", emit)
        assign(self, "toolsets", toolsets)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"`RunConfig` is immutable: cannot set {name!r}")

    def __repr__(self) -> str:
        return f"<RunConfig run_id={self.run_id!r} model={self.model!r}>"

    def run_context(self, state: RunState, **overrides: Any) -> RunContext[Any]:
        """A :class:`RunContext` showing ``state`` (the state the step works on)."""
        return RunContext(
            deps=self.deps,
            model=self.model,
            usage=state.usage,
            prompt=self.user_prompt,
            messages=state.messages,
            retries=state.tool_retries,
            run_step=state.run_step,
            run_id=self.run_id,
            conversation_id=self.conversation_id,
            metadata=self.metadata,
            model_settings=self.model_settings,
            _mailbox=self.mailbox,
            **overrides,
        )

    def stamp(self, message: ModelMessage) -> ModelMessage:
        """Mark ``message`` as this run's: set its run and conversation ids, and its timestamp, where unset.

        The one place a run claims a message: the requests it sends, the responses it receives, enqueued
        content it delivers, and the tool returns it records at the end.
        """
        if message.run_id is None:
            message.run_id = self.run_id
        if message.conversation_id is None:
            message.conversation_id = self.conversation_id
        if message.timestamp is None:
            message.timestamp = now_utc()
        return message
