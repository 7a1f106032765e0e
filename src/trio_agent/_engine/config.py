"""``RunConfig``: what a run was started with (model, deps, tools, output, limits, ids). It never changes
during the run; steps read it and write only to the :class:`RunState` they are given (usually a fork)."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import trio

from .._messages.content import UserContent
from .._run_context import RunContext
from .._settings import ModelSettings
from .._usage import UsageLimits
from .state import RunState

if TYPE_CHECKING:
    from .._capabilities.abstract import CombinedCapability
    from .._messages.events import AgentStreamEvent
    from .._output.schema import OutputSchema, OutputValidator
    from .._system_prompts import SystemPromptRunner
    from .._tools.tool import Tool
    from ..models import Model, ModelRequestParameters
    from .mailbox import Mailbox

__all__ = ["EndStrategy", "RunConfig"]

EndStrategy = Literal["early", "graceful", "exhaustive"]


@dataclasses.dataclass(kw_only=True, eq=False)
class RunConfig:
    """The fixed inputs of one run."""

    model: Model
    deps: Any
    user_prompt: str | Sequence[UserContent] | None
    model_settings: ModelSettings | None
    usage_limits: UsageLimits
    output_schema: OutputSchema
    output_validators: Sequence[OutputValidator]
    tools: dict[str, Tool[Any]]
    request_parameters: ModelRequestParameters
    prepares_tools: bool
    """Whether some tool has a ``prepare`` function (so each step builds its own tool list)."""
    max_output_retries: int
    default_tool_retries: int
    tool_timeout: float | None
    end_strategy: EndStrategy
    instructions: str | None
    instruction_runners: Sequence[SystemPromptRunner]
    dynamic_system_prompts: dict[str, SystemPromptRunner]
    run_id: str
    conversation_id: str
    metadata: dict[str, Any] | None
    mailbox: Mailbox
    capability: CombinedCapability | None
    tool_call_metadata: dict[str, Any] = dataclasses.field(default_factory=dict)
    """``DeferredToolResults.metadata`` of a resumed run, by tool call id."""
    thread_limiter: trio.CapacityLimiter | None = None
    emit: Callable[[AgentStreamEvent], Awaitable[None]] | None = None
    """Where the run's events go, if anyone listens (``None``: events are not even built)."""

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
