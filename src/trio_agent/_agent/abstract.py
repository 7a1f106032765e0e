"""``AbstractAgent``: the entry points that start runs (``run``, ``run_sync``, ``iter``, ``run_stream``,
``run_stream_events``), typed end to end, for any agent that can compile itself into an
:class:`~trio_agent._engine.spec.AgentSpec`.

Each entry point collects its arguments into a :class:`RunArgs`, asks the engine for a driver
(:func:`~trio_agent._engine.setup.start_run`) and drives it its own way. The two overloads of each say how the
output type flows: without ``output_type=`` a run's output is the agent's ``OutputT``; with it, the type that
``output_type`` describes.
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Generic, overload

import trio
from typing_extensions import TypeIs, TypeVar

from .._engine.agent_run import AgentRun, open_agent_run
from .._engine.event_stream import open_event_stream
from .._engine.nodes import AgentNode, CallToolsNode, End, FinalResult, ModelRequestNode, UserPromptNode
from .._engine.once import EnterOnce
from .._engine.pipeline import EventStreamHandler
from .._engine.result import AgentRunResult
from .._engine.setup import RunArgs, refuse_run, start_run
from .._engine.sinks import DEFAULT_BUFFER_SIZE, ChannelSink, EventStream
from .._engine.spec import AgentSpec
from .._engine.streamed_run import StreamedRunResult, open_streamed_run
from .._engine.streamed_run_sync import RunThread, StreamedRunResultSync
from .._exceptions import UserError
from .._messages.content import UserContent
from .._messages.messages import ModelMessage
from .._output.specs import OutputSpec
from .._settings import ModelSettings
from .._tools.deferred import DeferredToolResults
from .._toolsets.abstract import AbstractToolset
from .._usage import RunUsage, UsageLimits
from ..models import KnownModelName, Model

__all__ = ["AbstractAgent"]

DepsT = TypeVar("DepsT", default=None, contravariant=True)
OutputT = TypeVar("OutputT", default=str, covariant=True)
RunOutputT = TypeVar("RunOutputT")
T = TypeVar("T")
S = TypeVar("S")
R = TypeVar("R")


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
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
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
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
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
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
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
            toolsets: More toolsets for this run, after the agent's (see :mod:`trio_agent.toolsets`); the run
                opens what they need in its own nursery and closes it when it ends.
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
            toolsets=toolsets,
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
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
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
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
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
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
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
            toolsets=toolsets,
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
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
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
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
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
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
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
            toolsets=toolsets,
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
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
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
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
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
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
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
            toolsets=toolsets,
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
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
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
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
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
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
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
            toolsets=toolsets,
        )
        return EnterOnce(
            open_event_stream(lambda sink: start_run(self._compiled(), args, sink=sink), buffer_size=buffer_size),
            "run_stream_events",
        )

    # -- run_stream_sync ------------------------------------------------------------------------------

    @overload
    def run_stream_sync(
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
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
    ) -> StreamedRunResultSync[DepsT, OutputT]: ...

    @overload
    def run_stream_sync(
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
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
    ) -> StreamedRunResultSync[DepsT, RunOutputT]: ...

    def run_stream_sync(
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
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
    ) -> StreamedRunResultSync[Any, Any]:
        """:meth:`run_stream` for sync code: ``with agent.run_stream_sync(prompt) as result:``, then iterate
        ``result.stream_text()`` (a plain iterator) or call ``result.get_output()``.

        Returns once the final answer starts streaming, as ``run_stream``'s block is entered then; arguments as
        for :meth:`run`. Raises ``UserError`` when called from inside a running trio loop: use
        ``async with agent.run_stream(...)`` there.

        Resource handling: the run lives in a ``trio.run`` in a thread of its own, which holds ``run_stream``'s
        block open; each item you take from a stream is computed there while you wait, so the run goes only as
        fast as you read. Leaving the ``with`` block (or ``result.close()``) leaves ``run_stream``'s block,
        which cancels the run if it is still going, and joins the thread. A result dropped without being closed
        has its run cancelled when it is garbage collected; its thread then ends on its own.

        Error handling: an error of the run before its final answer is raised here, as itself; after that, by
        the stream or ``get_output()`` that reaches it, or, if nothing read that far, when the block is left.
        """
        try:
            trio.lowlevel.current_trio_token()
        except RuntimeError:
            pass
        else:
            raise UserError(
                "`Agent.run_stream_sync()` cannot be called from inside a running trio loop (it would block the "
                "loop while the run goes on in another thread); use `async with agent.run_stream(...)` instead."
            )
        stream = self.run_stream(
            user_prompt,
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
            toolsets=toolsets,
        )
        return StreamedRunResultSync(RunThread(stream, "run_stream_sync"))

    # -- node predicates ------------------------------------------------------------------------------

    @staticmethod
    def is_user_prompt_node(node: AgentNode[T, S] | End[FinalResult[S]]) -> TypeIs[UserPromptNode[T, S]]:
        """Whether ``node`` is a ``UserPromptNode`` (narrowing its type, with its deps and output types)."""
        return isinstance(node, UserPromptNode)

    @staticmethod
    def is_model_request_node(node: AgentNode[T, S] | End[FinalResult[S]]) -> TypeIs[ModelRequestNode[T, S]]:
        """Whether ``node`` is a ``ModelRequestNode`` (narrowing its type, with its deps and output types)."""
        return isinstance(node, ModelRequestNode)

    @staticmethod
    def is_call_tools_node(node: AgentNode[T, S] | End[FinalResult[S]]) -> TypeIs[CallToolsNode[T, S]]:
        """Whether ``node`` is a ``CallToolsNode`` (narrowing its type, with its deps and output types)."""
        return isinstance(node, CallToolsNode)

    @staticmethod
    def is_end_node(node: AgentNode[T, S] | End[FinalResult[S]]) -> TypeIs[End[FinalResult[S]]]:
        """Whether ``node`` is the run's ``End`` (narrowing its type, with its output type)."""
        return isinstance(node, End)

    # -- to_cli ---------------------------------------------------------------------------------------

    async def to_cli(
        self,
        deps: DepsT = None,  # type: ignore[assignment]
        prog_name: str = "trio-agent",
        message_history: Sequence[ModelMessage] | None = None,
        model_settings: ModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        model: Model | KnownModelName | None = None,
    ) -> None:
        """Chat with this agent on the terminal: the ``trio-agent`` command's chat, with this agent.

        Each prompt you type (after ``prog_name ➤``) is a run that continues the conversation (which starts
        from ``message_history``), its answer streamed live and its tool calls shown as they happen. ``/exit``,
        Ctrl-D, or Ctrl-C at the prompt leave; Ctrl-C during a reply cancels that reply only. A turn that fails
        is shown, and the chat goes on without it. ``deps``, ``model_settings``, ``usage_limits`` and ``model``
        apply to every run, as for :meth:`run`.

        Resource handling: prompts are read with ``input()`` in a worker thread; Ctrl-C is watched with
        ``trio.open_signal_receiver`` while the chat lasts (in the main thread only). A thread waiting in
        ``input()`` cannot be interrupted: after Ctrl-C at the prompt it waits on, and the line it reads next is
        discarded.

        Error handling: a failed turn is printed on stderr (``error: <class>: <message>``); this returns when
        the chat ends.
        """
        from .._cli.chat import run_chat

        await run_chat(
            self,
            prog_name=prog_name,
            history=message_history or (),
            deps=deps,
            model_settings=model_settings,
            usage_limits=usage_limits,
            model=model,
        )

    def to_cli_sync(
        self,
        deps: DepsT = None,  # type: ignore[assignment]
        prog_name: str = "trio-agent",
        message_history: Sequence[ModelMessage] | None = None,
        model_settings: ModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        model: Model | KnownModelName | None = None,
    ) -> None:
        """:meth:`to_cli` in a new ``trio.run``; raises ``UserError`` inside a running trio loop."""
        try:
            trio.lowlevel.current_trio_token()
        except RuntimeError:
            pass
        else:
            raise UserError(
                "`Agent.to_cli_sync()` cannot be called from inside a running trio loop (it would start a second "
                "`trio.run` in this thread); use `await agent.to_cli(...)` instead."
            )
        trio.run(
            functools.partial(
                self.to_cli,
                deps=deps,
                prog_name=prog_name,
                message_history=message_history,
                model_settings=model_settings,
                usage_limits=usage_limits,
                model=model,
            )
        )
