"""``run_stream`` (stream a run's final answer) and ``run_stream_sync`` (the same for sync code)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, overload

from typing_extensions import TypeVar

from .._engine.once import EnterOnce
from .._engine.pipeline import EventStreamHandler
from .._engine.setup import start_run
from .._engine.streamed_run import StreamedRunResult, open_streamed_run
from .._engine.streamed_run_sync import RunThread, StreamedRunResultSync
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

__all__ = ["StreamMethods"]

DepsT = TypeVar("DepsT", default=None, contravariant=True)
OutputT = TypeVar("OutputT", default=str, covariant=True)
RunOutputT = TypeVar("RunOutputT")


class StreamMethods(AgentBase[DepsT, OutputT]):
    """``run_stream`` and ``run_stream_sync``."""

    @overload
    def run_stream(
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
        event_stream_handler: EventStreamHandler | None = None,
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
        event_stream_handler: EventStreamHandler | None = None,
    ) -> AbstractAsyncContextManager[StreamedRunResult[DepsT, RunOutputT]]: ...

    def run_stream(
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
        event_stream_handler: EventStreamHandler | None = None,
    ) -> AbstractAsyncContextManager[StreamedRunResult[Any, Any]]:
        """Run the agent and stream its final answer:
        ``async with agent.run_stream(prompt) as result: async for text in result.stream_text(): ...``.

        Arguments as for :meth:`run`; ``event_stream_handler`` sees the events of the steps before the final
        answer (and of the tool calls that come with it). See :mod:`trio_agent._engine.streamed_run` for
        resource and error handling.
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
        handler = event_stream_handler or self.event_stream_handler
        return EnterOnce(
            open_streamed_run(lambda sink: start_run(spec, args, sink=sink, stream_handler=handler)), "run_stream"
        )

    @overload
    def run_stream_sync(
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
        event_stream_handler: EventStreamHandler | None = None,
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
        event_stream_handler: EventStreamHandler | None = None,
    ) -> StreamedRunResultSync[DepsT, RunOutputT]: ...

    def run_stream_sync(
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
        event_stream_handler: EventStreamHandler | None = None,
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
        refuse_inside_trio(
            "`Agent.run_stream_sync()` cannot be called from inside a running trio loop (it would block the "
            "loop while the run goes on in another thread); use `async with agent.run_stream(...)` instead."
        )
        if infer_name:
            self._infer_name(1)
        stream = self.run_stream(
            user_prompt,
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
            infer_name=False,
            retries=retries,
            conversation_id=conversation_id,
            run_id=run_id,
            toolsets=toolsets,
            builtin_tools=builtin_tools,
            event_stream_handler=event_stream_handler,
        )
        return StreamedRunResultSync(RunThread(stream, "run_stream_sync"))
