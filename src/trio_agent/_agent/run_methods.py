"""``run`` and ``run_sync``: run the agent to the end and return its result."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, overload

import trio
from typing_extensions import TypeVar

from .._engine.pipeline import EventStreamHandler
from .._engine.result import AgentRunResult
from .._engine.setup import RunArgs, refuse_run, start_run
from .._engine.sinks import ChannelSink
from .._engine.spec import AgentSpec
from .._messages.content import UserContent
from .._messages.messages import ModelMessage
from .._output.specs import OutputSpec
from .._sync_guard import refuse_inside_trio
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

__all__ = ["RunMethods"]

DepsT = TypeVar("DepsT", default=None, contravariant=True)
OutputT = TypeVar("OutputT", default=str, covariant=True)
RunOutputT = TypeVar("RunOutputT")


class RunMethods(AgentBase[DepsT, OutputT]):
    """``run`` (in a trio task) and ``run_sync`` (in a ``trio.run`` of its own)."""

    @overload
    async def run(
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
        event_stream_handler: EventStreamHandler | None = None,
        event_channel: trio.MemorySendChannel[Any] | None = None,
    ) -> AgentRunResult[OutputT]: ...

    @overload
    async def run(
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
        event_stream_handler: EventStreamHandler | None = None,
        event_channel: trio.MemorySendChannel[Any] | None = None,
    ) -> AgentRunResult[RunOutputT]: ...

    async def run(
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
        event_stream_handler: EventStreamHandler | None = None,
        event_channel: trio.MemorySendChannel[Any] | None = None,
    ) -> AgentRunResult[Any]:
        """Run the agent to completion and return its result.

        Args:
            user_prompt: The user's message (text, or text and multimodal items).
            output_type: Overrides the agent's output type for this run.
            message_history: The conversation so far; the run continues it.
            deferred_tool_results: Answers to the ``DeferredToolRequests`` a previous run ended with.
            model: Overrides the agent's model for this run.
            instructions: More instructions for this run, after the agent's (text, a function, or a list).
            deps: The dependencies tools and prompts see as ``ctx.deps``.
            model_settings: Merged over the agent's settings for this run; or a function of the run context
                returning settings, called before each request.
            usage_limits: Bounds for this run (``UsageLimits()``'s defaults if ``None``).
            usage: Usage to start counting from (for runs that continue a budget).
            metadata: Attached to the result; the agent's metadata if ``None``.
            infer_name: Whether an agent without a name takes the name of the variable the caller holds it in.
            retries: This run's retry budgets (an ``int`` for tools and output alike, or ``AgentRetries``).
            conversation_id: Groups runs of one conversation; taken from the history if ``None``
                (``'new'`` starts a new one).
            run_id: This run's id; a fresh UUIDv7 if ``None``.
            toolsets: More toolsets for this run, after the agent's (see :mod:`trio_agent.toolsets`); the run
                opens what they need in its own nursery and closes it when it ends.
            builtin_tools: More built-in tools (run by the provider: ``WebSearchTool()``, ...) for this run, after
                the agent's; one of the same ``unique_id`` replaces the agent's. The model must support them
                (``UserError`` otherwise).
            event_stream_handler: ``handler(ctx, events)``, called for each model request and tool-call step
                with that step's events; the run waits for it to consume them.
            event_channel: A ``trio.MemorySendChannel`` the run sends every event into, then its
                ``AgentRunResultEvent``, then closes. Pass ``send.clone()`` per run to fan many runs into one
                receiver; ``event.run_id`` tells them apart.

        Resource handling: the steps run in the calling task (tools that run concurrently get a child nursery
        per step), so cancelling the caller cancels the run at once; the run leaves nothing behind.

        Error handling: raises what the run raised: your tool's own exception, ``UnexpectedModelBehavior``
        when retries are exhausted, ``UsageLimitExceeded``, or a model/provider error.
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
        handler = event_stream_handler or self.event_stream_handler
        return await self._run(self._spec_for(retries), args, handler, event_channel)

    async def _run(
        self,
        spec: AgentSpec,
        args: RunArgs,
        event_stream_handler: EventStreamHandler | None,
        event_channel: trio.MemorySendChannel[Any] | None,
    ) -> AgentRunResult[Any]:
        sink = ChannelSink(event_channel) if event_channel is not None else None
        try:
            driver = start_run(spec, args, sink=sink, stream_handler=event_stream_handler)
        except BaseException as error:
            await refuse_run(sink, args, error)
            raise
        try:
            return await driver.run_to_end()
        except BaseException as error:
            await driver.fail(error)  # the event channel's last event says how the run ended
            raise
        finally:
            driver.close()

    @overload
    def run_sync(
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
        event_stream_handler: EventStreamHandler | None = None,
        event_channel: trio.MemorySendChannel[Any] | None = None,
    ) -> AgentRunResult[OutputT]: ...

    @overload
    def run_sync(
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
        event_stream_handler: EventStreamHandler | None = None,
        event_channel: trio.MemorySendChannel[Any] | None = None,
    ) -> AgentRunResult[RunOutputT]: ...

    def run_sync(
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
        event_stream_handler: EventStreamHandler | None = None,
        event_channel: trio.MemorySendChannel[Any] | None = None,
    ) -> AgentRunResult[Any]:
        """Run the agent in a new ``trio.run`` and return its result (arguments as for :meth:`run`).

        Raises ``UserError`` when called from inside a running trio loop: use ``await agent.run(...)`` there.
        """
        refuse_inside_trio(
            "`Agent.run_sync()` cannot be called from inside a running trio loop (it would start a second "
            "`trio.run` in this thread); use `await agent.run(...)` instead."
        )
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
        handler = event_stream_handler or self.event_stream_handler
        return trio.run(self._run, self._spec_for(retries), args, handler, event_channel)
