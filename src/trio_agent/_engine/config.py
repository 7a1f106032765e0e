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
    from .._system_prompts import SystemPromptRunner
    from .._usage import UsageLimits
    from ..models import Model
    from .mailbox import Mailbox
    from .run_tools import RunToolsets
    from .snapshot import RunSnapshot
    from .spec import AgentSpec, OutputPlan

__all__ = ["Emit", "RunConfig"]

Emit = Callable[["AgentStreamEvent"], Awaitable[None]]
"""Sends one event of the run on to whoever listens."""


class RunConfig:
    """The fixed inputs of one run (read-only attributes)."""

    __slots__ = (
        "builtin_tools",
        "conversation_id",
        "deps",
        "emit",
        "instruction_runners",
        "mailbox",
        "metadata",
        "model",
        "model_settings",
        "on_snapshot",
        "output",
        "run_id",
        "settings_functions",
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
    instruction_runners: tuple[SystemPromptRunner, ...]
    """The instructions functions evaluated before each request: the agent's, then the run's."""
    settings_functions: tuple[Callable[[RunContext[Any]], Any], ...]
    """Functions giving model settings per request (merged in order over :attr:`model_settings`)."""
    builtin_tools: tuple[Any, ...]
    """The built-in tools of every request (tool instances, or functions of the run context choosing one per
    request): the agent's, then the run's."""
    on_snapshot: Callable[[RunSnapshot], Any] | None
    """Called with a :class:`~.snapshot.RunSnapshot` after every commit that does not end the run (awaited if
    it returns an awaitable), when the caller asked for snapshots."""

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
        instruction_runners: tuple[SystemPromptRunner, ...] | None = None,
        settings_functions: tuple[Callable[[RunContext[Any]], Any], ...] | None = None,
        builtin_tools: tuple[Any, ...] | None = None,
        on_snapshot: Callable[[RunSnapshot], Any] | None = None,
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
        assign(
            self,
            "instruction_runners",
            spec.instruction_runners if instruction_runners is None else instruction_runners,
        )
        assign(
            self, "settings_functions", spec.settings_functions if settings_functions is None else settings_functions
        )
        assign(self, "builtin_tools", spec.builtin_tools if builtin_tools is None else builtin_tools)
        assign(self, "on_snapshot", on_snapshot)

    def _bind(self, spec: AgentSpec, *, model: Model | None = None) -> None:
        """Use ``spec`` (this run's copy of the agent's, with per-run capabilities) and ``model`` (a model the
        capabilities resolved) from now on; only as the run starts, before its first step."""
        object.__setattr__(self, "spec", spec)
        if model is not None:
            object.__setattr__(self, "model", model)

    def _resolve_metadata(self, function: Callable[[RunContext[Any]], dict[str, Any]], state: RunState) -> None:
        """Take the metadata ``function`` gives for the run's context (``metadata=`` given as a function); only as
        the run starts, before its first step."""
        object.__setattr__(self, "metadata", function(self.run_context(state)))

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
            usage_limits=self.usage_limits,
            prompt=self.user_prompt,
            messages=state.messages,
            retries=state.tool_retries,
            run_step=state.run_step,
            run_id=self.run_id,
            conversation_id=self.conversation_id,
            metadata=self.metadata,
            model_settings=self.model_settings,
            agent=self.spec.agent,
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
