"""``StreamedResponse``: a model response arriving as part events.

Adapters implement :meth:`StreamedResponse._get_event_iterator`, producing :class:`PartStartEvent` and
:class:`PartDeltaEvent` through :attr:`StreamedResponse._parts_manager`. Iterating the response adds, in one
place for every model, the :class:`FinalResultEvent` right after the part that carries the output, and a
:class:`PartEndEvent` for every text, thinking and tool-call part once the next part starts or the stream ends.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from .._messages.events import FinalResultEvent, ModelResponseStreamEvent, PartEndEvent, PartStartEvent
from .._messages.messages import FinishReason, ModelResponse
from .._messages.parts import BuiltinToolCallPart, FilePart, TextPart, ThinkingPart, ToolCallPart
from .._usage import RequestUsage
from ._model import ModelRequestParameters
from ._parts_manager import ModelResponsePartsManager

__all__ = ["FIRST_CHUNK", "StreamedResponse"]

FIRST_CHUNK: ContextVar[Callable[[], None] | None] = ContextVar("trio_agent_first_chunk", default=None)
"""Called (in the task reading the stream) when a streamed response yields its first event: how
instrumentation measures the time to the first chunk without wrapping the stream."""

_ENDABLE = (TextPart, ThinkingPart, ToolCallPart, BuiltinToolCallPart)


class StreamedResponse(ABC):
    """A streaming response; ``async for event in response`` yields its part events, :meth:`get` the response
    as received so far, :meth:`usage` its usage so far."""

    def __init__(self, model_request_parameters: ModelRequestParameters) -> None:
        self.model_request_parameters = model_request_parameters
        self.final_result_event: FinalResultEvent | None = None
        self.provider_response_id: str | None = None
        self.provider_details: dict[str, Any] | None = None
        self.finish_reason: FinishReason | None = None
        self._usage = RequestUsage()
        self._parts_manager = ModelResponsePartsManager()
        self._source: AsyncIterator[ModelResponseStreamEvent] | None = None
        self._queued: deque[ModelResponseStreamEvent] = deque()
        self._open_part: PartStartEvent | None = None
        self._finished = False  # set only when the source is exhausted (``get().state == 'complete'``)
        self._chunked = False  # set at the first event from the source
        self._closed = False

    # -- to implement ----------------------------------------------------------------------------------

    @abstractmethod
    def _get_event_iterator(self) -> AsyncIterator[ModelResponseStreamEvent]:
        """Yield the part events of the stream, updating ``_usage`` and the response metadata."""

    @property
    @abstractmethod
    def model_name(self) -> str: ...

    @property
    @abstractmethod
    def provider_name(self) -> str | None: ...

    @property
    def provider_url(self) -> str | None:
        return None

    @property
    @abstractmethod
    def timestamp(self) -> datetime: ...

    # -- iteration -------------------------------------------------------------------------------------

    def __aiter__(self) -> StreamedResponse:
        return self

    async def __anext__(self) -> ModelResponseStreamEvent:
        if self._queued:
            return self._queued.popleft()
        if self._finished or self._closed:
            raise StopAsyncIteration
        if self._source is None:
            self._source = self._get_event_iterator()
        try:
            event = await self._source.__anext__()
            if not self._chunked:
                self._chunked = True
                listener = FIRST_CHUNK.get()
                if listener is not None:
                    listener()
        except StopAsyncIteration:
            self._finished = True
            end = self._end_of(self._open_part, None)
            self._open_part = None
            if end is None:
                raise
            return end
        if not isinstance(event, PartStartEvent):
            return event
        previous, self._open_part = self._open_part, event
        final = self._final_result_for(event) if self.final_result_event is None else None
        if final is not None:
            self.final_result_event = final
        if previous is None:
            if final is not None:
                self._queued.append(final)
            return event
        event.previous_part_kind = previous.part.part_kind
        end = self._end_of(previous, event.part.part_kind)
        if end is None:
            if final is not None:
                self._queued.append(final)
            return event
        self._queued.append(event)
        if final is not None:
            self._queued.append(final)
        return end

    def _end_of(self, start: PartStartEvent | None, next_kind: Any) -> PartEndEvent | None:
        if start is None:
            return None
        part = self._parts_manager.get_part(start.index)
        if not isinstance(part, _ENDABLE):
            return None
        return PartEndEvent(index=start.index, part=part, next_part_kind=next_kind)

    def _final_result_for(self, event: PartStartEvent) -> FinalResultEvent | None:
        part = event.part
        params = self.model_request_parameters
        if isinstance(part, TextPart):
            if params.allow_text_output:
                return FinalResultEvent(tool_name=None, tool_call_id=None)
        elif isinstance(part, ToolCallPart):
            # (the tools are looked through here, at a call's start, rather than gathered into sets per response)
            name = part.tool_name
            for tool in params.output_tools:
                if tool.name == name:
                    return FinalResultEvent(tool_name=name, tool_call_id=part.tool_call_id)
            for tool in params.function_tools:
                if tool.defer and tool.name == name:
                    return FinalResultEvent(tool_name=None, tool_call_id=None)
        elif isinstance(part, FilePart) and params.allow_image_output and part.content.is_image:
            return FinalResultEvent(tool_name=None, tool_call_id=None)
        return None

    # -- results ---------------------------------------------------------------------------------------

    def get(self) -> ModelResponse:
        """The response as received so far (``state='incomplete'`` until the stream is exhausted)."""
        return ModelResponse(
            parts=self._parts_manager.get_parts(),
            usage=self._usage,
            model_name=self.model_name,
            timestamp=self.timestamp,
            provider_name=self.provider_name,
            provider_url=self.provider_url,
            provider_details=self.provider_details,
            provider_response_id=self.provider_response_id,
            finish_reason=self.finish_reason,
            state="complete" if self._finished else "incomplete",
        )

    def usage(self) -> RequestUsage:
        """The usage reported so far."""
        return self._usage

    @property
    def exhausted(self) -> bool:
        """Whether the event source was read to its end (it is then finished, so :meth:`aclose` has nothing to
        close)."""
        return self._finished

    async def aclose(self) -> None:
        """Close the underlying event source (model adapters call this when their stream context exits)."""
        source = self._source
        self._closed = True
        aclose = getattr(source, "aclose", None)
        if aclose is not None:
            await aclose()
