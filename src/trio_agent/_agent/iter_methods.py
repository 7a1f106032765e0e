"""``iter`` (drive a run node by node) and ``run_stream_events`` (iterate a run's events)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any, overload

import trio
from typing_extensions import TypeVar

from .._engine.agent_run import AgentRun, open_agent_run
from .._engine.event_stream import EventStreamBlock
from .._engine.once import EnterOnce
from .._engine.setup import start_run
from .._engine.sinks import DEFAULT_BUFFER_SIZE, EventStream
from .._messages.content import UserContent
from .._messages.messages import ModelMessage
from .._output.specs import OutputSpec
from .._tools.deferred import DeferredToolResults
from .._toolsets.abstract import AbstractToolset
from .._usage import RunUsage, UsageLimits
from ..models import KnownModelName, Model
from .base import (
    AgentBase,
    AgentBuiltinTool,
    AgentInstructions,
    AgentMetadata,
    AgentModelSettings,
    AgentRetries,
)

if TYPE_CHECKING:
    from .._engine.snapshot import RunSnapshot

__all__ = ["IterMethods"]

DepsT = TypeVar("DepsT", default=None, contravariant=True)
OutputT = TypeVar("OutputT", default=str, covariant=True)
RunOutputT = TypeVar("RunOutputT")


class IterMethods(AgentBase[DepsT, OutputT]):
    """``iter`` and ``run_stream_events``: runs you drive, or whose events you read, inside an ``async with``."""

    @overload
    def iter(
        self,
        user_prompt: str | Sequence[UserContent] | None = None,
        *,
        output_type: None = None,
        message_history: Sequence[ModelMessage] | None = None,
        deferred_tool_results: DeferredToolResults | None = None,
        model: Model | KnownModelName | None = None,
        instructions: AgentInstructions = None,
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: AgentModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: AgentMetadata | None = None,
        infer_name: bool = True,
        retries: int | AgentRetries | None = None,
        conversation_id: str | None = None,
        run_id: str | None = None,
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
        builtin_tools: Sequence[AgentBuiltinTool] | None = None,
        resume_from: RunSnapshot | None = None,
        on_snapshot: Callable[[RunSnapshot], Any] | None = None,
        event_channel: trio.MemorySendChannel[Any] | None = None,
    ) -> AbstractAsyncContextManager[AgentRun[DepsT, OutputT]]: ...

    @overload
    def iter(
        self,
        user_prompt: str | Sequence[UserContent] | None = None,
        *,
        output_type: OutputSpec[RunOutputT],
        message_history: Sequence[ModelMessage] | None = None,
        deferred_tool_results: DeferredToolResults | None = None,
        model: Model | KnownModelName | None = None,
        instructions: AgentInstructions = None,
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: AgentModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: AgentMetadata | None = None,
        infer_name: bool = True,
        retries: int | AgentRetries | None = None,
        conversation_id: str | None = None,
        run_id: str | None = None,
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
        builtin_tools: Sequence[AgentBuiltinTool] | None = None,
        resume_from: RunSnapshot | None = None,
        on_snapshot: Callable[[RunSnapshot], Any] | None = None,
        event_channel: trio.MemorySendChannel[Any] | None = None,
    ) -> AbstractAsyncContextManager[AgentRun[DepsT, RunOutputT]]: ...

    def iter(
        self,
        user_prompt: str | Sequence[UserContent] | None = None,
        *,
        output_type: OutputSpec[Any] | None = None,
        message_history: Sequence[ModelMessage] | None = None,
        deferred_tool_results: DeferredToolResults | None = None,
        model: Model | KnownModelName | None = None,
        instructions: AgentInstructions = None,
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: AgentModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: AgentMetadata | None = None,
        infer_name: bool = True,
        retries: int | AgentRetries | None = None,
        conversation_id: str | None = None,
        run_id: str | None = None,
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
        builtin_tools: Sequence[AgentBuiltinTool] | None = None,
        resume_from: RunSnapshot | None = None,
        on_snapshot: Callable[[RunSnapshot], Any] | None = None,
        event_channel: trio.MemorySendChannel[Any] | None = None,
    ) -> AbstractAsyncContextManager[AgentRun[Any, Any]]:
        """Start a run you drive node by node: ``async with agent.iter(prompt) as run: async for node in run``.

        Arguments as for :meth:`run`; with ``event_channel``, the run also sends its events there.

        Resource handling: the block owns the run (see :mod:`trio_agent._engine.agent_run`): leaving it cancels
        whatever the run is still doing; nothing the run started outlives it but the worker thread of a sync
        tool, which runs on until its function returns (see :class:`~trio_agent.Tool`).
        """
        if infer_name:
            self._infer_name(1)
        args = self._run_args(
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
            builtin_tools=builtin_tools,
            resume_from=resume_from,
            on_snapshot=on_snapshot,
        )
        spec = self._spec_for(retries)
        return EnterOnce(open_agent_run(lambda sink: start_run(spec, args, sink=sink), args, event_channel), "iter")

    @overload
    def run_stream_events(
        self,
        user_prompt: str | Sequence[UserContent] | None = None,
        *,
        output_type: None = None,
        message_history: Sequence[ModelMessage] | None = None,
        deferred_tool_results: DeferredToolResults | None = None,
        model: Model | KnownModelName | None = None,
        instructions: AgentInstructions = None,
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: AgentModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: AgentMetadata | None = None,
        infer_name: bool = True,
        retries: int | AgentRetries | None = None,
        conversation_id: str | None = None,
        run_id: str | None = None,
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
        builtin_tools: Sequence[AgentBuiltinTool] | None = None,
        buffer_size: int = DEFAULT_BUFFER_SIZE,
    ) -> AbstractAsyncContextManager[EventStream[OutputT]]: ...

    @overload
    def run_stream_events(
        self,
        user_prompt: str | Sequence[UserContent] | None = None,
        *,
        output_type: OutputSpec[RunOutputT],
        message_history: Sequence[ModelMessage] | None = None,
        deferred_tool_results: DeferredToolResults | None = None,
        model: Model | KnownModelName | None = None,
        instructions: AgentInstructions = None,
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: AgentModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: AgentMetadata | None = None,
        infer_name: bool = True,
        retries: int | AgentRetries | None = None,
        conversation_id: str | None = None,
        run_id: str | None = None,
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
        builtin_tools: Sequence[AgentBuiltinTool] | None = None,
        buffer_size: int = DEFAULT_BUFFER_SIZE,
    ) -> AbstractAsyncContextManager[EventStream[RunOutputT]]: ...

    def run_stream_events(
        self,
        user_prompt: str | Sequence[UserContent] | None = None,
        *,
        output_type: OutputSpec[Any] | None = None,
        message_history: Sequence[ModelMessage] | None = None,
        deferred_tool_results: DeferredToolResults | None = None,
        model: Model | KnownModelName | None = None,
        instructions: AgentInstructions = None,
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: AgentModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: AgentMetadata | None = None,
        infer_name: bool = True,
        retries: int | AgentRetries | None = None,
        conversation_id: str | None = None,
        run_id: str | None = None,
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
        builtin_tools: Sequence[AgentBuiltinTool] | None = None,
        buffer_size: int = DEFAULT_BUFFER_SIZE,
    ) -> AbstractAsyncContextManager[EventStream[Any]]:
        """Run the agent in the background and iterate its events:
        ``async with agent.run_stream_events(prompt) as events: async for event in events: ...``.

        Yields every ``AgentStreamEvent`` in order (part start/delta/end, final result, tool calls and results,
        enqueued messages), then one terminal event: ``AgentRunResultEvent``, or ``AgentRunErrorEvent`` if the
        run failed (iterating on then raises the error itself); then the stream ends. The run goes only as fast as
        you read: ``buffer_size`` is how many events it may be ahead of you (``0``: it waits until each event is
        taken; default :data:`~trio_agent._engine.sinks.DEFAULT_BUFFER_SIZE`). Other arguments as for
        :meth:`run`; see :mod:`trio_agent._engine.event_stream` for resource and error handling.
        """
        if infer_name:
            self._infer_name(1)
        args = self._run_args(
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
            builtin_tools=builtin_tools,
        )
        spec = self._spec_for(retries)
        return EventStreamBlock(lambda sink: start_run(spec, args, sink=sink), buffer_size=buffer_size)
