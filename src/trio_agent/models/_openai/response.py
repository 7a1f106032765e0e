"""Reading OpenAI chat-completions responses: complete JSON bodies and streamed chunks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..._exceptions import ModelAPIError, UnexpectedModelBehavior
from ..._messages.messages import FinishReason, ModelResponse
from ..._messages.parts import ModelResponsePart, TextPart, ThinkingPart, ToolCallPart, now_utc
from ..._usage import RequestUsage
from .._http_model import HTTPStreamedResponse, map_finish_reason
from .request import REASONING_FIELDS

if TYPE_CHECKING:
    import httpx2

    from ..._messages.events import ModelResponseStreamEvent
    from ...providers._http import HTTPProvider

__all__ = ["OpenAIStreamedResponse", "parse_response"]

_FINISH_REASONS: dict[str, FinishReason] = {
    "stop": "stop",
    "length": "length",
    "tool_calls": "tool_call",
    "function_call": "tool_call",
    "content_filter": "content_filter",
}


def map_usage(raw: Any) -> RequestUsage:
    if not isinstance(raw, dict):
        return RequestUsage()
    usage = RequestUsage(input_tokens=raw.get("prompt_tokens") or 0, output_tokens=raw.get("completion_tokens") or 0)
    prompt_details = raw.get("prompt_tokens_details") or {}
    usage.cache_read_tokens = prompt_details.get("cached_tokens") or 0
    usage.input_audio_tokens = prompt_details.get("audio_tokens") or 0
    completion_details = raw.get("completion_tokens_details") or {}
    usage.output_audio_tokens = completion_details.get("audio_tokens") or 0
    if reasoning := completion_details.get("reasoning_tokens"):
        usage.details["reasoning_tokens"] = reasoning
    return usage


def _timestamp(raw: Any) -> datetime:
    return datetime.fromtimestamp(raw, UTC) if isinstance(raw, int | float) else now_utc()  # (positional: cheaper)


def _reasoning(message: dict[str, Any]) -> tuple[str | None, str]:
    """The reasoning field a message or delta carries, and its text (``(None, "")`` if none)."""
    for field in REASONING_FIELDS:
        value = message.get(field)
        if isinstance(value, str) and value:
            return field, value
    return None, ""


def parse_response(data: Any, *, model_name: str, provider: HTTPProvider) -> ModelResponse:
    """A complete chat-completions response as a :class:`ModelResponse`."""
    provider_name, provider_url = provider.name, provider.base_url
    try:
        choice = data["choices"][0]
        message = choice["message"]
        parts: list[ModelResponsePart] = []
        field, reasoning = _reasoning(message)
        if field is not None:
            parts.append(ThinkingPart(reasoning, id=field, provider_name=provider_name))
        if isinstance(message.get("content"), str) and message["content"]:
            parts.append(TextPart(message["content"]))
        for call in message.get("tool_calls") or ():
            function = call["function"]
            parts.append(ToolCallPart(function["name"], function.get("arguments") or "{}", call["id"]))
        details: dict[str, Any] = {}
        return ModelResponse(
            parts=parts,
            usage=map_usage(data.get("usage")),
            model_name=data.get("model") or model_name,
            timestamp=_timestamp(data.get("created")),
            provider_name=provider_name,
            provider_url=provider_url,
            provider_response_id=data.get("id"),
            finish_reason=map_finish_reason(_FINISH_REASONS, choice.get("finish_reason"), details),
            provider_details=details or None,
        )
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        raise UnexpectedModelBehavior(
            f"{provider_name} returned a chat completion without the expected fields ({type(exc).__name__}: {exc})",
            body=provider.preview(json.dumps(data, default=str)),
        ) from None


class OpenAIStreamedResponse(HTTPStreamedResponse):
    """A chat-completions response arriving as server-sent ``chat.completion.chunk`` events."""

    _done = False
    """Whether ``[DONE]`` has arrived (what follows it is read, so the connection goes back to the pool, and
    ignored)."""

    def _parse(self, sse: httpx2.ServerSentEvent) -> list[ModelResponseStreamEvent]:
        data = sse.data
        if data == "[DONE]":
            self._done = True
            return []
        if self._done or not data:
            return []
        chunk = self.json_chunk(data)
        # (runs once per chunk: each field is looked up once)
        if response_id := chunk.get("id"):
            self.provider_response_id = response_id
        if model := chunk.get("model"):
            self._model_name = model
        if usage := chunk.get("usage"):
            self._usage = map_usage(usage)
        events: list[ModelResponseStreamEvent] = []
        for choice in chunk.get("choices") or ():
            if delta := choice.get("delta"):  # (empty in the chunk that only finishes)
                self._apply_delta(delta, events)
            if finish_reason := choice.get("finish_reason"):
                self.finish_reason = map_finish_reason(_FINISH_REASONS, finish_reason, self._details)
        return events

    def _end(self) -> None:
        if not self._done and self.finish_reason is None:
            raise ModelAPIError(
                self._model_name,
                f"The {self._provider.name} stream ended before the response was complete (no finish reason and "
                "no `[DONE]`); the partial response was discarded.",
            )
        self.provider_details = self._details or None

    def _apply_delta(self, delta: dict[str, Any], events: list[ModelResponseStreamEvent]) -> None:
        parts = self._parts_manager
        field, reasoning = _reasoning(delta)
        if field is not None:
            event = parts.handle_thinking_delta(
                vendor_part_id="reasoning", content=reasoning, id=field, provider_name=self._provider.name
            )
            if event is not None:
                events.append(event)
        if content := delta.get("content"):
            events.append(parts.handle_text_delta(vendor_part_id="content", content=content))
        for call in delta.get("tool_calls") or ():
            function = call.get("function") or {}
            tool_event = parts.handle_tool_call_delta(
                vendor_part_id=("tool", call.get("index", 0)),
                tool_name=function.get("name") or None,
                args=function.get("arguments") or None,
                tool_call_id=call.get("id") or None,
            )
            if tool_event is not None:
                events.append(tool_event)
