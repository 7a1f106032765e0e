"""What every entry point of an agent shares: the spec it runs, the name it infers, the arguments it collects.

The entry points (``run``, ``iter``, ``run_stream``, ...) live in their own modules as mixins over
:class:`AgentBase`; :class:`~trio_agent._agent.abstract.AbstractAgent` combines them.
"""

from __future__ import annotations

import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from types import FrameType
from typing import TYPE_CHECKING, Any, Generic, TypeAlias

from typing_extensions import TypedDict, TypeVar

from .._engine.pipeline import EventStreamHandler
from .._engine.setup import RunArgs
from .._engine.spec import AgentSpec
from .._exceptions import UserError
from .._messages.content import UserContent
from .._messages.messages import ModelMessage
from .._run_context import RunContext
from .._settings import ModelSettings
from .._system_prompts import SystemPromptFunc
from .._tools.builtin import AbstractBuiltinTool, BuiltinToolFunc
from .._tools.deferred import DeferredToolResults
from .._toolsets.abstract import AbstractToolset
from .._usage import RunUsage, UsageLimits
from ..models import KnownModelName, Model

if TYPE_CHECKING:
    from .._engine.snapshot import RunSnapshot

__all__ = [
    "AgentBase",
    "AgentBuiltinTool",
    "AgentInstructions",
    "AgentMetadata",
    "AgentModelSettings",
    "AgentRetries",
    "RetriesSpec",
    "resolve_retries",
]

DepsT = TypeVar("DepsT", default=None, contravariant=True)
OutputT = TypeVar("OutputT", default=str, covariant=True)

AgentModelSettings: TypeAlias = ModelSettings | Callable[[RunContext[Any]], ModelSettings | None]
"""Model settings, or a function of the run context returning them (called before each model request)."""
AgentMetadata: TypeAlias = dict[str, Any] | Callable[[RunContext[Any]], dict[str, Any]]
"""Run metadata, or a function of the run context returning it."""
AgentInstructions: TypeAlias = str | SystemPromptFunc | Sequence[str | SystemPromptFunc] | None
"""Instructions: text, an instructions function (``(ctx) -> str | None`` or ``() -> ...``, sync or async), or a
sequence of these."""


AgentBuiltinTool: TypeAlias = AbstractBuiltinTool | BuiltinToolFunc
"""A built-in tool, or a function ``(ctx) -> tool | None`` (sync or async) choosing one before each request."""


class AgentRetries(TypedDict, total=False):
    """Retry budgets by kind, for ``Agent(retries=...)``, a run's ``retries=`` and ``override(retries=...)``.

    A plain ``int`` sets both.
    """

    tools: int
    """How many times a tool call may fail validation or raise ``ModelRetry`` before the run fails (per tool,
    unless the tool or its toolset sets its own)."""
    output: int
    """How many times the output may fail validation before the run fails."""


RetriesSpec: TypeAlias = "int | AgentRetries"
"""``retries=``: one budget for tools and output, or :class:`AgentRetries`."""


def resolve_retries(retries: int | AgentRetries | None, *, tools: int, output: int) -> tuple[int, int]:
    """The (tools, output) budgets ``retries`` gives, from ``tools`` and ``output`` for what it leaves out."""
    if retries is None:
        return tools, output
    if isinstance(retries, int):
        return retries, retries
    unknown = set(retries) - {"tools", "output"}
    if unknown:
        raise UserError(
            f"`retries` takes the keys 'tools' and 'output', not {', '.join(sorted(map(repr, unknown)))}: "
            "e.g. `retries={'tools': 3, 'output': 1}`."
        )
    return retries.get("tools", tools), retries.get("output", output)


class AgentBase(ABC, Generic[DepsT, OutputT]):
    """The spec an agent's runs use, and what every entry point does with its arguments."""

    _name: str | None
    _event_stream_handler: EventStreamHandler | None = None

    @property
    def name(self) -> str | None:
        """The agent's name; inferred on the first run from the variable it is assigned to, if ``None``."""
        return self._name

    @name.setter
    def name(self, value: str | None) -> None:
        self._name = value

    @property
    def event_stream_handler(self) -> EventStreamHandler | None:
        """The handler runs use when they are given none (``Agent(event_stream_handler=...)``)."""
        return self._event_stream_handler

    @event_stream_handler.setter
    def event_stream_handler(self, value: EventStreamHandler | None) -> None:
        self._event_stream_handler = value

    @abstractmethod
    def _compiled(self) -> AgentSpec:
        """The spec runs started now use (compiled once, and again only after the agent changed)."""

    def _spec_for(self, retries: int | AgentRetries | None) -> AgentSpec:
        """The spec of one run: :meth:`_compiled`, with the run's own retry budgets if it gives them."""
        if retries is not None:
            raise UserError(f"`{type(self).__name__}` does not take `retries=` per run.")
        return self._compiled()

    def _infer_name(self, depth: int) -> None:
        """If the agent has no name, take the name of the variable that holds it in the frame ``depth`` levels
        above the caller (the code that called the entry point): a local variable, else a global one."""
        if self.name is not None:
            return
        frame: FrameType | None = sys._getframe(depth + 1)
        if frame is None:  # pragma: no cover - only on interpreters without frames
            return
        for variable, value in frame.f_locals.items():
            if value is self:
                self._set_inferred_name(variable)
                return
        if frame.f_locals is not frame.f_globals:
            for variable, value in frame.f_globals.items():
                if value is self:
                    self._set_inferred_name(variable)
                    return

    def _set_inferred_name(self, name: str) -> None:
        self.name = name

    @staticmethod
    def _run_args(
        *,
        user_prompt: str | Sequence[UserContent] | None,
        output_type: Any,
        message_history: Sequence[ModelMessage] | None,
        deferred_tool_results: DeferredToolResults | None,
        model: Model | KnownModelName | None,
        instructions: AgentInstructions,
        deps: Any,
        model_settings: AgentModelSettings | None,
        usage_limits: UsageLimits | None,
        usage: RunUsage | None,
        metadata: AgentMetadata | None,
        conversation_id: str | None,
        run_id: str | None,
        toolsets: Sequence[AbstractToolset[Any]] | None,
        builtin_tools: Sequence[AgentBuiltinTool] | None = None,
        resume_from: RunSnapshot | None = None,
        on_snapshot: Callable[[RunSnapshot], Any] | None = None,
    ) -> RunArgs:
        return RunArgs(
            user_prompt=user_prompt,
            output_type=output_type,
            message_history=message_history,
            deferred_tool_results=deferred_tool_results,
            model=model,
            instructions=instructions,
            deps=deps,
            model_settings=model_settings,
            usage_limits=usage_limits,
            usage=usage,
            metadata=metadata,
            conversation_id=conversation_id,
            run_id=run_id,
            toolsets=toolsets,
            builtin_tools=tuple(builtin_tools) if builtin_tools else (),
            resume_from=resume_from,
            on_snapshot=on_snapshot,
        )
