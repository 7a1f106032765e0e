"""``AGUIEventStream``: a run as AG-UI events (protocol 1.0).

``RUN_STARTED``; per model response, its text as ``TEXT_MESSAGE_START``/``_CONTENT``/``_END``, its reasoning
as a ``REASONING_START`` ... ``REASONING_END`` span of reasoning messages, its tool calls as
``TOOL_CALL_START``/``_ARGS``/``_END`` (their parent message is the response's); each tool's result as
``TOOL_CALL_RESULT``, followed by the AG-UI events the tool returned (in ``ToolReturn.metadata`` or as its
value: a ``STATE_SNAPSHOT``, say); then ``RUN_FINISHED``: its outcome is an interrupt per tool call waiting for
a person's approval (see :mod:`._interrupts`), or else names the frontend tool calls left for the frontend to
answer. A failed run ends with ``RUN_ERROR`` instead (after closing what was open):
nothing follows it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from uuid import uuid4

from typing_extensions import TypeVar

from ..._messages.deltas import TextPartDelta, ThinkingPartDelta, ToolCallPartDelta
from ..._messages.events import FunctionToolResultEvent, OutputToolResultEvent
from ..._messages.parts import (
    BaseToolReturnPart,
    BuiltinToolCallPart,
    BuiltinToolReturnPart,
    RetryPromptPart,
    TextPart,
    ThinkingPart,
    ToolCallPart,
)
from ..._tools.deferred import DeferredToolRequests
from .._event_stream import UIEventStream, args_text, no_events
from ._interrupts import approval_interrupt
from ._protocol import PROTOCOL_VERSION

from ag_ui.core import (  # isort: skip  (after `_protocol`, which says how to install it)
    BaseEvent,
    ReasoningEndEvent,
    ReasoningMessageContentEvent,
    ReasoningMessageEndEvent,
    ReasoningMessageStartEvent,
    ReasoningStartEvent,
    RunAgentInput,
    RunErrorEvent,
    RunFinishedEvent,
    RunFinishedInterruptOutcome,
    RunFinishedSuccessOutcome,
    RunStartedEvent,
    TextMessageContentEvent,
    TextMessageEndEvent,
    TextMessageStartEvent,
    ToolCallArgsEvent,
    ToolCallEndEvent,
    ToolCallResultEvent,
    ToolCallStartEvent,
)

__all__ = ["AGUIEventStream", "tool_result_content"]

DepsT = TypeVar("DepsT", default=None)
OutputT = TypeVar("OutputT", default=str)


def tool_result_content(part: BaseToolReturnPart | RetryPromptPart) -> str:
    """A tool's result as the text the model sees (a retry prompt's text for a call that failed)."""
    return part.model_response() if isinstance(part, RetryPromptPart) else part.model_response_str()


def _carried_events(part: BaseToolReturnPart | RetryPromptPart) -> list[BaseEvent]:
    """The AG-UI events a tool returned, in its ``ToolReturn``'s metadata or as its value."""
    if isinstance(part, RetryPromptPart):
        return []
    for carrier in (part.metadata, part.content):
        if isinstance(carrier, BaseEvent):
            return [carrier]
        if isinstance(carrier, Iterable) and not isinstance(carrier, str | bytes | dict):
            events = [item for item in carrier if isinstance(item, BaseEvent)]
            if events:
                return events
    return []


@dataclass
class AGUIEventStream(UIEventStream[RunAgentInput, BaseEvent, DepsT, OutputT]):
    """Turns our events into AG-UI events (see the module)."""

    _response_id: str = field(default="", init=False, repr=False)
    _response_id_used: bool = field(default=False, init=False, repr=False)
    _reasoning_id: str = field(default="", init=False, repr=False)

    def encode_event(self, event: BaseEvent) -> str:
        return f"data: {event.model_dump_json(by_alias=True, exclude_none=True)}\n\n"

    async def before_stream(self) -> AsyncIterator[BaseEvent]:
        yield RunStartedEvent(
            thread_id=self.run_input.thread_id, run_id=self.run_input.run_id, protocol_version=PROTOCOL_VERSION
        )

    async def after_stream(self) -> AsyncIterator[BaseEvent]:
        if self.error is not None:
            return  # RUN_ERROR ended the run
        output = self.result.output if self.result is not None else None
        outcome: RunFinishedInterruptOutcome | RunFinishedSuccessOutcome | None = None
        if isinstance(output, DeferredToolRequests) and output.approvals:
            interrupts = [approval_interrupt(call, output.metadata) for call in output.approvals]
            outcome = RunFinishedInterruptOutcome(interrupts=interrupts)
        elif isinstance(output, DeferredToolRequests) and output.calls:
            outcome = RunFinishedSuccessOutcome(pending_tool_call_ids=[call.tool_call_id for call in output.calls])
        yield RunFinishedEvent(thread_id=self.run_input.thread_id, run_id=self.run_input.run_id, outcome=outcome)

    async def on_error(self, error: Exception) -> AsyncIterator[BaseEvent]:
        yield RunErrorEvent(message=str(error) or type(error).__name__, code=type(error).__name__)

    def before_response(self) -> AsyncIterator[BaseEvent]:
        self._response_id, self._response_id_used = str(uuid4()), False
        return no_events()

    def _new_text_message_id(self) -> str:
        """The response's id for its first text message (its tool calls' parent), a fresh id for others."""
        if self._response_id and not self._response_id_used:
            self._response_id_used = True
            self.message_id = self._response_id
            return self.message_id
        return self.new_message_id()

    async def handle_text_start(self, part: TextPart, follows_text: bool = False) -> AsyncIterator[BaseEvent]:
        if not follows_text:  # text right after text continues the same message
            yield TextMessageStartEvent(message_id=self._new_text_message_id(), role="assistant")
        if part.content:
            yield TextMessageContentEvent(message_id=self.message_id, delta=part.content)

    async def handle_text_delta(self, delta: TextPartDelta) -> AsyncIterator[BaseEvent]:
        if delta.content_delta:
            yield TextMessageContentEvent(message_id=self.message_id, delta=delta.content_delta)

    async def handle_text_end(self, part: TextPart, followed_by_text: bool = False) -> AsyncIterator[BaseEvent]:
        if not followed_by_text:
            yield TextMessageEndEvent(message_id=self.message_id)

    async def handle_thinking_start(
        self, part: ThinkingPart, follows_thinking: bool = False
    ) -> AsyncIterator[BaseEvent]:
        if not follows_thinking:  # thinking right after thinking: another message in the same span
            self._reasoning_id = str(uuid4())
            yield ReasoningStartEvent(message_id=self._reasoning_id)
        yield ReasoningMessageStartEvent(message_id=self.new_message_id())
        if part.content:
            yield ReasoningMessageContentEvent(message_id=self.message_id, delta=part.content)

    async def handle_thinking_delta(self, delta: ThinkingPartDelta) -> AsyncIterator[BaseEvent]:
        if delta.content_delta:
            yield ReasoningMessageContentEvent(message_id=self.message_id, delta=delta.content_delta)

    async def handle_thinking_end(
        self, part: ThinkingPart, followed_by_thinking: bool = False
    ) -> AsyncIterator[BaseEvent]:
        yield ReasoningMessageEndEvent(message_id=self.message_id)
        if not followed_by_thinking:
            yield ReasoningEndEvent(message_id=self._reasoning_id)

    async def handle_tool_call_start(self, part: ToolCallPart) -> AsyncIterator[BaseEvent]:
        async for event in self._tool_call_start(part):
            yield event

    async def handle_builtin_tool_call_start(self, part: BuiltinToolCallPart) -> AsyncIterator[BaseEvent]:
        async for event in self._tool_call_start(part):
            yield event

    async def _tool_call_start(self, part: ToolCallPart | BuiltinToolCallPart) -> AsyncIterator[BaseEvent]:
        yield ToolCallStartEvent(
            tool_call_id=part.tool_call_id, tool_call_name=part.tool_name, parent_message_id=self._response_id or None
        )
        if part.args:
            yield ToolCallArgsEvent(tool_call_id=part.tool_call_id, delta=args_text(part.args))

    async def handle_tool_call_delta(self, delta: ToolCallPartDelta) -> AsyncIterator[BaseEvent]:
        if delta.tool_call_id and delta.args_delta:
            yield ToolCallArgsEvent(tool_call_id=delta.tool_call_id, delta=args_text(delta.args_delta))

    async def handle_tool_call_end(self, part: ToolCallPart) -> AsyncIterator[BaseEvent]:
        yield ToolCallEndEvent(tool_call_id=part.tool_call_id)

    async def handle_builtin_tool_call_end(self, part: BuiltinToolCallPart) -> AsyncIterator[BaseEvent]:
        yield ToolCallEndEvent(tool_call_id=part.tool_call_id)

    async def handle_builtin_tool_return(self, part: BuiltinToolReturnPart) -> AsyncIterator[BaseEvent]:
        async for event in self._tool_result(part):
            yield event

    async def handle_function_tool_result(self, event: FunctionToolResultEvent) -> AsyncIterator[BaseEvent]:
        async for protocol_event in self._tool_result(event.part):
            yield protocol_event

    async def handle_output_tool_result(self, event: OutputToolResultEvent) -> AsyncIterator[BaseEvent]:
        async for protocol_event in self._tool_result(event.part):
            yield protocol_event

    async def _tool_result(self, part: BaseToolReturnPart | RetryPromptPart) -> AsyncIterator[BaseEvent]:
        yield ToolCallResultEvent(
            message_id=str(uuid4()), tool_call_id=part.tool_call_id, content=tool_result_content(part), role="tool"
        )
        for carried in _carried_events(part):
            yield carried
