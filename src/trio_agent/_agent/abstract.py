"""``AbstractAgent``: the entry points that start runs (``run``, ``run_sync``, ``iter``, ``run_stream``,
``run_stream_events``), typed end to end, for any agent that can compile itself into an
:class:`~trio_agent._engine.spec.AgentSpec`.

Each entry point collects its arguments into a :class:`RunArgs`, asks the engine for a driver
(:func:`~trio_agent._engine.setup.start_run`) and drives it its own way. The two overloads of each say how the
output type flows: without ``output_type=`` a run's output is the agent's ``OutputT``; with it, the type that
``output_type`` describes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Generic, overload

import trio
from typing_extensions import TypeVar

from .._engine.agent_run import AgentRun, open_agent_run
from .._engine.event_stream import open_event_stream
from .._engine.once import EnterOnce
from .._engine.pipeline import EventStreamHandler
from .._engine.result import AgentRunResult
from .._engine.setup import RunArgs, refuse_run, start_run
from .._engine.sinks import DEFAULT_BUFFER_SIZE, ChannelSink, EventStream
from .._engine.spec import AgentSpec
from .._engine.streamed_run import StreamedRunResult, open_streamed_run
from .._exceptions import UserError
from .._messages.content import UserContent
from .._messages.messages import ModelMessage
from .._output.specs import OutputSpec
from .._settings import ModelSettings
from .._tools.deferred import DeferredToolResults
from .._usage import RunUsage, UsageLimits
from ..models import KnownModelName, Model

__all__ = ["AbstractAgent"]

DepsT = TypeVar("DepsT", default=None, contravariant=True)
OutputT = TypeVar("OutputT", default=str, covariant=True)
RunOutputT = TypeVar("RunOutputT")


class AbstractAgent(ABC, Generic[DepsT, OutputT]):
    """What every agent can do: start runs. Subclasses say what the agent is (:meth:`_compiled`).

    ``DepsT`` is the type of the ``deps`` its runs take, ``OutputT`` the type of their output.
    """

    @abstractmethod
    def _compiled(self) -> AgentSpec:
        """The spec runs started now use (compiled once, and again only after the agent changed)."""

    # -- run ------------------------------------------------------------------------------------------

    @overload
    async def run(
        self,
        user_prompt: str | Sequence[UserContent] | None = None,
        *,
        output_type: None = None,
        message_history: Sequence[ModelMessage] | None = None,
        deferred_tool_results: DeferredToolResults | None = None,
        model: Model | KnownModelName | None = None,
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: ModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: dict[str, Any] | None = None,
        conversation_id: str | None = None,
        run_id: str | None = None,
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
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: ModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: dict[str, Any] | None = None,
        conversation_id: str | None = None,
        run_id: str | None = None,
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
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: ModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: dict[str, Any] | None = None,
        conversation_id: str | None = None,
        run_id: str | None = None,
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
            deps: The dependencies tools and prompts see as ``ctx.deps``.
            model_settings: Merged over the agent's settings for this run.
            usage_limits: Bounds for this run (``UsageLimits()``'s defaults if ``None``).
            usage: Usage to start counting from (for runs that continue a budget).
            metadata: Attached to the result; the agent's metadata if ``None``.
            conversation_id: Groups runs of one conversation; taken from the history if ``None``
                (``'new'`` starts a new one).
            run_id: This run's id; a fresh UUIDv7 if ``None``.
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
        args = RunArgs(
            user_prompt=user_prompt,
            output_type=output_type,
            message_history=message_history,
            deferred_tool_results=deferred_tool_results,
            model=model,
            deps=deps,
            model_settings=model_settings,
            usage_limits=usage_limits,
            usage=usage,
            metadata=metadata,
            conversation_id=conversation_id,
            run_id=run_id,
        )
        return await self._run(args, event_stream_handler, event_channel)

    async def _run(
        self,
        args: RunArgs,
        event_stream_handler: EventStreamHandler | None,
        event_channel: trio.MemorySendChannel[Any] | None,
    ) -> AgentRunResult[Any]:
        sink = ChannelSink(event_channel) if event_channel is not None else None
        try:
            driver = start_run(self._compiled(), args, sink=sink, stream_handler=event_stream_handler)
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

    # -- run_sync -------------------------------------------------------------------------------------

    @overload
    def run_sync(
        self,
        user_prompt: str | Sequence[UserContent] | None = None,
        *,
        output_type: None = None,
        message_history: Sequence[ModelMessage] | None = None,
        deferred_tool_results: DeferredToolResults | None = None,
        model: Model | KnownModelName | None = None,
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: ModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: dict[str, Any] | None = None,
        conversation_id: str | None = None,
        run_id: str | None = None,
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
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: ModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: dict[str, Any] | None = None,
        conversation_id: str | None = None,
        run_id: str | None = None,
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
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: ModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: dict[str, Any] | None = None,
        conversation_id: str | None = None,
        run_id: str | None = None,
        event_stream_handler: EventStreamHandler | None = None,
        event_channel: trio.MemorySendChannel[Any] | None = None,
    ) -> AgentRunResult[Any]:
        """Run the agent in a new ``trio.run`` and return its result (arguments as for :meth:`run`).

        Raises ``UserError`` when called from inside a running trio loop: use ``await agent.run(...)`` there.
        """
        try:
            trio.lowlevel.current_trio_token()
        except RuntimeError:
            pass
        else:
            raise UserError(
                "`Agent.run_sync()` cannot be called from inside a running trio loop (it would start a second "
                "`trio.run` in this thread); use `await agent.run(...)` instead."
            )
        args = RunArgs(
            user_prompt=user_prompt,
            output_type=output_type,
            message_history=message_history,
            deferred_tool_results=deferred_tool_results,
            model=model,
            deps=deps,
            model_settings=model_settings,
            usage_limits=usage_limits,
            usage=usage,
            metadata=metadata,
            conversation_id=conversation_id,
            run_id=run_id,
        )
        return trio.run(self._run, args, event_stream_handler, event_channel)

    # -- iter -----------------------------------------------------------------------------------------

    @overload
    def iter(
        self,
        user_prompt: str | Sequence[UserContent] | None = None,
        *,
        output_type: None = None,
        message_history: Sequence[ModelMessage] | None = None,
        deferred_tool_results: DeferredToolResults | None = None,
        model: Model | KnownModelName | None = None,
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: ModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: dict[str, Any] | None = None,
        conversation_id: str | None = None,
        run_id: str | None = None,
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
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: ModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: dict[str, Any] | None = None,
        conversation_id: str | None = None,
        run_id: str | None = None,
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
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: ModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: dict[str, Any] | None = None,
        conversation_id: str | None = None,
        run_id: str | None = None,
        event_channel: trio.MemorySendChannel[Any] | None = None,
    ) -> AbstractAsyncContextManager[AgentRun[Any, Any]]:
        """Start a run you drive node by node: ``async with agent.iter(prompt) as run: async for node in run``.

        Arguments as for :meth:`run`; with ``event_channel``, the run also sends its events there.

        Resource handling: the block owns the run (see :mod:`trio_agent._engine.agent_run`): leaving it cancels
        whatever the run is still doing; nothing the run started outlives it but the worker thread of a sync
        tool, which runs on until its function returns (see :class:`~trio_agent.Tool`).
        """
        args = RunArgs(
            user_prompt=user_prompt,
            output_type=output_type,
            message_history=message_history,
            deferred_tool_results=deferred_tool_results,
            model=model,
            deps=deps,
            model_settings=model_settings,
            usage_limits=usage_limits,
            usage=usage,
            metadata=metadata,
            conversation_id=conversation_id,
            run_id=run_id,
        )
        return EnterOnce(
            open_agent_run(lambda sink: start_run(self._compiled(), args, sink=sink), args, event_channel), "iter"
        )

    # -- run_stream -----------------------------------------------------------------------------------

    @overload
    def run_stream(
        self,
        user_prompt: str | Sequence[UserContent] | None = None,
        *,
        output_type: None = None,
        message_history: Sequence[ModelMessage] | None = None,
        deferred_tool_results: DeferredToolResults | None = None,
        model: Model | KnownModelName | None = None,
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: ModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: dict[str, Any] | None = None,
        conversation_id: str | None = None,
        run_id: str | None = None,
    ) -> AbstractAsyncContextManager[StreamedRunResult[DepsT, OutputT]]: ...

    @overload
    def run_stream(
        self,
        user_prompt: str | Sequence[UserContent] | None = None,
        *,
        output_type: OutputSpec[RunOutputT],
        message_history: Sequence[ModelMessage] | None = None,
        deferred_tool_results: DeferredToolResults | None = None,
        model: Model | KnownModelName | None = None,
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: ModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: dict[str, Any] | None = None,
        conversation_id: str | None = None,
        run_id: str | None = None,
    ) -> AbstractAsyncContextManager[StreamedRunResult[DepsT, RunOutputT]]: ...

    def run_stream(
        self,
        user_prompt: str | Sequence[UserContent] | None = None,
        *,
        output_type: OutputSpec[Any] | None = None,
        message_history: Sequence[ModelMessage] | None = None,
        deferred_tool_results: DeferredToolResults | None = None,
        model: Model | KnownModelName | None = None,
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: ModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: dict[str, Any] | None = None,
        conversation_id: str | None = None,
        run_id: str | None = None,
    ) -> AbstractAsyncContextManager[StreamedRunResult[Any, Any]]:
        """Run the agent and stream its final answer:
        ``async with agent.run_stream(prompt) as result: async for text in result.stream_text(): ...``.

        Arguments as for :meth:`run`. See :mod:`trio_agent._engine.streamed_run` for resource and error handling.
        """
        args = RunArgs(
            user_prompt=user_prompt,
            output_type=output_type,
            message_history=message_history,
            deferred_tool_results=deferred_tool_results,
            model=model,
            deps=deps,
            model_settings=model_settings,
            usage_limits=usage_limits,
            usage=usage,
            metadata=metadata,
            conversation_id=conversation_id,
            run_id=run_id,
        )
        return EnterOnce(open_streamed_run(lambda sink: start_run(self._compiled(), args, sink=sink)), "run_stream")

    # -- run_stream_events ----------------------------------------------------------------------------

    @overload
    def run_stream_events(
        self,
        user_prompt: str | Sequence[UserContent] | None = None,
        *,
        output_type: None = None,
        message_history: Sequence[ModelMessage] | None = None,
        deferred_tool_results: DeferredToolResults | None = None,
        model: Model | KnownModelName | None = None,
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: ModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: dict[str, Any] | None = None,
        conversation_id: str | None = None,
        run_id: str | None = None,
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
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: ModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: dict[str, Any] | None = None,
        conversation_id: str | None = None,
        run_id: str | None = None,
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
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: ModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: dict[str, Any] | None = None,
        conversation_id: str | None = None,
        run_id: str | None = None,
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
        args = RunArgs(
            user_prompt=user_prompt,
            output_type=output_type,
            message_history=message_history,
            deferred_tool_results=deferred_tool_results,
            model=model,
            deps=deps,
            model_settings=model_settings,
            usage_limits=usage_limits,
            usage=usage,
            metadata=metadata,
            conversation_id=conversation_id,
            run_id=run_id,
        )
        return EnterOnce(
            open_event_stream(lambda sink: start_run(self._compiled(), args, sink=sink), buffer_size=buffer_size),
            "run_stream_events",
        )
