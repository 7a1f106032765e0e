"""Reading ``streamGenerateContent?alt=sse``: each server-sent event is a ``GenerateContentResponse`` chunk
holding the next parts of the (first) candidate, the usage so far, and, on the last one, the finish reason.

Parts map as in :mod:`.response`. Text and thoughts grow the latest part of their kind while no other part
comes between (Gemini cuts one text into many chunks); a function call arrives whole, as a part of its own; a
``thoughtSignature`` goes to the thinking part just before its part, as in a complete response.

The stream has no end marker: it is complete when a chunk has carried a ``finishReason``. One that ends before
is a :class:`ModelAPIError` (the partial response is discarded); an ``error`` object in the stream is one too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..._exceptions import ModelAPIError, UnexpectedModelBehavior
from .._http_model import HTTPStreamedResponse
from .response import FINISH_REASONS, check_content, file_part, first_candidate, map_usage

if TYPE_CHECKING:
    import httpx2

    from ..._messages.events import ModelResponseStreamEvent

__all__ = ["GeminiStreamedResponse"]


class GeminiStreamedResponse(HTTPStreamedResponse):
    """A Gemini response arriving as server-sent ``GenerateContentResponse`` chunks."""

    _finish_seen = False
    """Whether a chunk carried a ``finishReason`` (the stream is read on to its end all the same)."""

    def _parse(self, sse: httpx2.ServerSentEvent) -> list[ModelResponseStreamEvent]:
        if not sse.data:
            return []
        chunk = self.json_chunk(sse.data)
        try:
            events, done = self._apply(chunk)
        except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
            raise UnexpectedModelBehavior(
                f"{self._provider.name} sent a stream chunk without the expected fields ({type(exc).__name__}: {exc})",
                body=self._provider.preview(sse.data),
            ) from None
        self._finish_seen = self._finish_seen or done
        return events

    def _end(self) -> None:
        if not self._finish_seen:
            raise ModelAPIError(
                self._model_name,
                f"The {self._provider.name} stream ended before the response was complete (no `finishReason`); "
                "the partial response was discarded.",
            )
        self.provider_details = self._details or None

    def _apply(self, chunk: dict[str, Any]) -> tuple[list[ModelResponseStreamEvent], bool]:
        """The events of one chunk, and whether it finished the response."""
        if chunk.get("responseId"):
            self.provider_response_id = chunk["responseId"]
        if chunk.get("modelVersion"):
            self._model_name = chunk["modelVersion"]
        if "usageMetadata" in chunk:
            self._usage = map_usage(chunk["usageMetadata"])
        candidate = first_candidate(chunk, self._provider)
        if candidate is None:
            return [], False
        raw_finish = candidate.get("finishReason")
        if raw_finish:
            self._details["finish_reason"] = raw_finish
            self.finish_reason = FINISH_REASONS.get(raw_finish)
            check_content(candidate, self.finish_reason, self._provider)
        events: list[ModelResponseStreamEvent] = []
        for part in (candidate.get("content") or {}).get("parts") or ():
            events.extend(event for event in self._part_events(part) if event is not None)
        return events, bool(raw_finish)

    def _part_events(self, part: dict[str, Any]) -> list[ModelResponseStreamEvent | None]:
        parts, name = self._parts_manager, self._provider.name
        events: list[ModelResponseStreamEvent | None] = []
        if part.get("thoughtSignature"):
            events.append(
                parts.handle_thinking_delta(vendor_part_id=None, signature=part["thoughtSignature"], provider_name=name)
            )
        if "text" in part:
            text = part["text"]
            if text and part.get("thought"):
                events.append(parts.handle_thinking_delta(vendor_part_id=None, content=text, provider_name=name))
            elif text:
                events.append(parts.handle_text_delta(vendor_part_id=None, content=text))
        elif "functionCall" in part:
            call = part["functionCall"]
            events.append(
                parts.handle_tool_call_part(
                    vendor_part_id=None,
                    tool_name=call["name"],
                    args=call.get("args") or {},
                    tool_call_id=call.get("id") or None,
                )
            )
        elif "inlineData" in part:
            events.append(parts.handle_part(vendor_part_id=None, part=file_part(part["inlineData"], name)))
        return events
