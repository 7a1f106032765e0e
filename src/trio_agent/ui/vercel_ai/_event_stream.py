"""``VercelAIEventStream``: a run as the Vercel AI SDK's UI message stream (AI SDK 5, or 6 with ``sdk_version``).

A run is one assistant message: ``start``, then a step per model response (``start-step`` ... ``finish-step``)
with its text, reasoning and tool-call parts (``*-start``, ``*-delta``, ``*-end``; a tool call's arguments as
``tool-input-*``, its result as ``tool-output-available`` or ``tool-output-error``), then ``finish`` and
``[DONE]``. A failed run sends ``error`` (after closing what was open) and then finishes the same way.

Tool approval (AI SDK 6 only; an AI SDK 5 client knows none of these chunks): a run that ends with
``DeferredToolRequests`` sends a ``tool-approval-request`` for each call that needs the user's approval, after
its ``tool-input-available`` and before the step's ``finish-step``; the approval's id is made from the call's id
(:func:`approval_id`). A run that resumes with the user's answers sends each answer before its first step: the
output of an approved call (``tool-output-available``), ``tool-output-denied`` for a denied one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from typing_extensions import TypeVar

from ..._engine.result import AgentRunResultEvent
from ..._messages.deltas import TextPartDelta, ThinkingPartDelta, ToolCallPartDelta
from ..._messages.events import FunctionToolResultEvent, OutputToolResultEvent
from ..._messages.parts import (
    BaseToolReturnPart,
    BuiltinToolCallPart,
    BuiltinToolReturnPart,
    FilePart,
    RetryPromptPart,
    TextPart,
    ThinkingPart,
    ToolCallPart,
)
from ..._messages.tool_parts import RETURN_VALUE_KEY
from ..._tools.deferred import DeferredToolRequests
from .._event_stream import UIEventStream, args_text, no_events
from ._request_types import RequestData
from ._response_types import (
    BaseChunk,
    DoneChunk,
    ErrorChunk,
    FileChunk,
    FinishChunk,
    FinishReason,
    FinishStepChunk,
    ReasoningDeltaChunk,
    ReasoningEndChunk,
    ReasoningStartChunk,
    StartChunk,
    StartStepChunk,
    TextDeltaChunk,
    TextEndChunk,
    TextStartChunk,
    ToolApprovalRequestChunk,
    ToolInputAvailableChunk,
    ToolInputDeltaChunk,
    ToolInputStartChunk,
    ToolOutputAvailableChunk,
    ToolOutputDeniedChunk,
    ToolOutputErrorChunk,
)

__all__ = ["UI_MESSAGE_STREAM_HEADERS", "VercelAIEventStream", "approval_id", "tool_output"]

DepsT = TypeVar("DepsT", default=None)
OutputT = TypeVar("OutputT", default=str)

UI_MESSAGE_STREAM_HEADERS = {"x-vercel-ai-ui-message-stream": "v1"}
"""The header that tells the AI SDK's client the response is a UI message stream."""

_FINISH_REASONS: dict[str, FinishReason] = {
    "stop": "stop",
    "length": "length",
    "content_filter": "content-filter",
    "tool_call": "tool-calls",
    "error": "error",
}


def approval_id(tool_call_id: str) -> str:
    """The id of the approval of the call ``tool_call_id`` (one call, one approval: the stream and a dumped
    history give the same id)."""
    return f"approval-{tool_call_id}"


def tool_output(part: BaseToolReturnPart) -> Any:
    """A tool's return as the JSON value the UI shows (its files left out)."""
    output = part.model_response_object()
    return output[RETURN_VALUE_KEY] if output.keys() == {RETURN_VALUE_KEY} else output


def tool_error_text(part: BaseToolReturnPart | RetryPromptPart) -> str | None:
    """Why a tool call failed (``None`` if it did not)."""
    if isinstance(part, RetryPromptPart):
        return part.model_response()
    return part.model_response_str(wrap_if_error=False) if part.outcome == "failed" else None


@dataclass
class VercelAIEventStream(UIEventStream[RequestData, BaseChunk, DepsT, OutputT]):
    """Turns our events into the chunks of the Vercel AI SDK's UI message stream (see the module)."""

    sdk_version: Literal[5, 6] = field(default=5, kw_only=True)
    """The AI SDK major version of the client: 6 adds ``finishReason`` to ``finish``, and the tool-approval
    chunks (see the module)."""

    _step_open: bool = field(default=False, init=False, repr=False)
    _finish_reason: FinishReason | None = field(default=None, init=False, repr=False)

    @property
    def response_headers(self) -> Mapping[str, str]:
        return UI_MESSAGE_STREAM_HEADERS

    def encode_event(self, event: BaseChunk) -> str:
        return f"data: {event.encode()}\n\n"

    async def before_stream(self) -> AsyncIterator[BaseChunk]:
        yield StartChunk()

    async def before_response(self) -> AsyncIterator[BaseChunk]:
        if self._step_open:
            yield FinishStepChunk()
        self._step_open = True
        yield StartStepChunk()

    async def after_stream(self) -> AsyncIterator[BaseChunk]:
        if self._step_open:
            self._step_open = False
            yield FinishStepChunk()
        yield FinishChunk(finish_reason=self._finish_reason if self.sdk_version >= 6 else None)
        yield DoneChunk()

    async def on_error(self, error: Exception) -> AsyncIterator[BaseChunk]:
        self._finish_reason = "error"
        yield ErrorChunk(error_text=str(error) or type(error).__name__)

    def handle_run_result(self, event: AgentRunResultEvent[Any]) -> AsyncIterator[BaseChunk]:
        reason = event.result.response.finish_reason
        if reason is not None:
            self._finish_reason = _FINISH_REASONS.get(reason, "other")
        else:  # the model did not say: the run ended on its answer, or on calls left to the frontend
            self._finish_reason = "tool-calls" if isinstance(event.result.output, DeferredToolRequests) else "stop"
        output = event.result.output
        if self.sdk_version >= 6 and isinstance(output, DeferredToolRequests) and output.approvals:
            return self._approval_requests(output)
        return no_events()

    async def _approval_requests(self, requests: DeferredToolRequests) -> AsyncIterator[BaseChunk]:
        for call in requests.approvals:
            yield ToolApprovalRequestChunk(approval_id=approval_id(call.tool_call_id), tool_call_id=call.tool_call_id)

    async def handle_text_start(self, part: TextPart, follows_text: bool = False) -> AsyncIterator[BaseChunk]:
        if not follows_text:  # text right after text continues the same UI part
            yield TextStartChunk(id=self.new_message_id())
        if part.content:
            yield TextDeltaChunk(id=self.message_id, delta=part.content)

    async def handle_text_delta(self, delta: TextPartDelta) -> AsyncIterator[BaseChunk]:
        if delta.content_delta:
            yield TextDeltaChunk(id=self.message_id, delta=delta.content_delta)

    async def handle_text_end(self, part: TextPart, followed_by_text: bool = False) -> AsyncIterator[BaseChunk]:
        if not followed_by_text:
            yield TextEndChunk(id=self.message_id)

    async def handle_thinking_start(
        self, part: ThinkingPart, follows_thinking: bool = False
    ) -> AsyncIterator[BaseChunk]:
        yield ReasoningStartChunk(id=self.new_message_id())
        if part.content:
            yield ReasoningDeltaChunk(id=self.message_id, delta=part.content)

    async def handle_thinking_delta(self, delta: ThinkingPartDelta) -> AsyncIterator[BaseChunk]:
        if delta.content_delta:
            yield ReasoningDeltaChunk(id=self.message_id, delta=delta.content_delta)

    async def handle_thinking_end(
        self, part: ThinkingPart, followed_by_thinking: bool = False
    ) -> AsyncIterator[BaseChunk]:
        yield ReasoningEndChunk(id=self.message_id)

    async def handle_tool_call_start(self, part: ToolCallPart) -> AsyncIterator[BaseChunk]:
        async for chunk in self._tool_input_start(part, provider_executed=None):
            yield chunk

    async def handle_builtin_tool_call_start(self, part: BuiltinToolCallPart) -> AsyncIterator[BaseChunk]:
        async for chunk in self._tool_input_start(part, provider_executed=True):
            yield chunk

    async def _tool_input_start(
        self, part: ToolCallPart | BuiltinToolCallPart, provider_executed: bool | None
    ) -> AsyncIterator[BaseChunk]:
        yield ToolInputStartChunk(
            tool_call_id=part.tool_call_id, tool_name=part.tool_name, provider_executed=provider_executed
        )
        if part.args:
            yield ToolInputDeltaChunk(tool_call_id=part.tool_call_id, input_text_delta=args_text(part.args))

    async def handle_tool_call_delta(self, delta: ToolCallPartDelta) -> AsyncIterator[BaseChunk]:
        if delta.tool_call_id and delta.args_delta:
            yield ToolInputDeltaChunk(tool_call_id=delta.tool_call_id, input_text_delta=args_text(delta.args_delta))

    async def handle_tool_call_end(self, part: ToolCallPart) -> AsyncIterator[BaseChunk]:
        yield ToolInputAvailableChunk(
            tool_call_id=part.tool_call_id, tool_name=part.tool_name, input=part.args_as_dict()
        )

    async def handle_builtin_tool_call_end(self, part: BuiltinToolCallPart) -> AsyncIterator[BaseChunk]:
        yield ToolInputAvailableChunk(
            tool_call_id=part.tool_call_id, tool_name=part.tool_name, input=part.args_as_dict(), provider_executed=True
        )

    async def handle_builtin_tool_return(self, part: BuiltinToolReturnPart) -> AsyncIterator[BaseChunk]:
        yield ToolOutputAvailableChunk(tool_call_id=part.tool_call_id, output=tool_output(part), provider_executed=True)

    async def handle_file(self, part: FilePart) -> AsyncIterator[BaseChunk]:
        yield FileChunk(url=part.content.data_uri, media_type=part.content.media_type)

    async def handle_function_tool_result(self, event: FunctionToolResultEvent) -> AsyncIterator[BaseChunk]:
        yield self._tool_result(event.part)

    async def handle_output_tool_result(self, event: OutputToolResultEvent) -> AsyncIterator[BaseChunk]:
        yield self._tool_result(event.part)

    def _tool_result(self, part: BaseToolReturnPart | RetryPromptPart) -> BaseChunk:
        error_text = tool_error_text(part)
        if error_text is not None:
            return ToolOutputErrorChunk(tool_call_id=part.tool_call_id, error_text=error_text)
        assert isinstance(part, BaseToolReturnPart)
        if part.outcome == "denied" and self.sdk_version >= 6:
            return ToolOutputDeniedChunk(tool_call_id=part.tool_call_id)
        return ToolOutputAvailableChunk(tool_call_id=part.tool_call_id, output=tool_output(part))
