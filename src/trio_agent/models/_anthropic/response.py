"""Reading Anthropic Messages API responses: complete JSON bodies and streamed server-sent events."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..._exceptions import ModelAPIError, UnexpectedModelBehavior
from ..._messages.messages import FinishReason, ModelResponse
from ..._messages.parts import ModelResponsePart, TextPart, ThinkingPart, ToolCallPart
from ..._usage import RequestUsage
from ...providers._http import parse_json
from .._http_model import HTTPStreamedResponse, map_finish_reason
from .._model import ModelRequestParameters
from .request import REDACTED_THINKING_ID

if TYPE_CHECKING:
    import httpx2

    from ..._messages.events import ModelResponseStreamEvent
    from ...providers._http import HTTPProvider

__all__ = ["AnthropicStreamedResponse", "parse_response"]

_STOP_REASONS: dict[str, FinishReason] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "pause_turn": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_call",
    "refusal": "content_filter",
}


def map_usage(raw: Any) -> RequestUsage:
    """Anthropic usage as a :class:`RequestUsage`; ``input_tokens`` counts cache writes and reads too, since
    Anthropic reports uncached input tokens only."""
    if not isinstance(raw, dict):
        return RequestUsage()
    cache_write = raw.get("cache_creation_input_tokens") or 0
    cache_read = raw.get("cache_read_input_tokens") or 0
    return RequestUsage(
        input_tokens=(raw.get("input_tokens") or 0) + cache_write + cache_read,
        cache_write_tokens=cache_write,
        cache_read_tokens=cache_read,
        output_tokens=raw.get("output_tokens") or 0,
    )


def _block_part(block: dict[str, Any], provider_name: str) -> ModelResponsePart | None:
    kind = block["type"]
    if kind == "text":
        return TextPart(block["text"]) if block["text"] else None
    if kind == "tool_use":
        return ToolCallPart(block["name"], block.get("input"), block["id"])
    if kind == "thinking":
        return ThinkingPart(block["thinking"], signature=block.get("signature") or None, provider_name=provider_name)
    if kind == "redacted_thinking":
        return ThinkingPart("", id=REDACTED_THINKING_ID, signature=block["data"], provider_name=provider_name)
    return None  # server-side tool blocks and future kinds are not mapped


def parse_response(data: Any, *, model_name: str, provider: HTTPProvider) -> ModelResponse:
    """A complete Messages API response as a :class:`ModelResponse`."""
    provider_name, provider_url = provider.name, provider.base_url
    try:
        parts = [p for block in data["content"] if (p := _block_part(block, provider_name)) is not None]
        details: dict[str, Any] = {}
        return ModelResponse(
            parts=parts,
            usage=map_usage(data.get("usage")),
            model_name=data.get("model") or model_name,
            provider_name=provider_name,
            provider_url=provider_url,
            provider_response_id=data.get("id"),
            finish_reason=map_finish_reason(_STOP_REASONS, data.get("stop_reason"), details),
            provider_details=details or None,
        )
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        raise UnexpectedModelBehavior(
            f"{provider_name} returned a message without the expected fields ({type(exc).__name__}: {exc})",
            body=provider.preview(json.dumps(data, default=str)),
        ) from None


class AnthropicStreamedResponse(HTTPStreamedResponse):
    """A Messages API response arriving as server-sent events (``message_start`` ... ``message_stop``)."""

    def __init__(
        self, params: ModelRequestParameters, *, response: httpx2.Response, provider: HTTPProvider, model_name: str
    ) -> None:
        super().__init__(params, response=response, provider=provider, model_name=model_name)
        self._raw_usage: dict[str, Any] = {}
        self._done = False
        """Whether ``message_stop`` has arrived (what follows it is read, so the connection goes back to the pool,
        and ignored)."""

    def _parse(self, sse: httpx2.ServerSentEvent) -> list[ModelResponseStreamEvent]:
        payload = None if self._done else self._payload(sse.event, sse.data)
        if payload is None:
            return []
        kind = sse.event if sse.event and sse.event != "message" else payload.get("type")
        if kind == "message_stop":
            self._done = True
            return []
        try:
            return self._apply(kind, payload)
        except (KeyError, IndexError, TypeError, AttributeError) as exc:
            raise UnexpectedModelBehavior(
                f"{self._provider.name} sent a {kind!r} event without the expected fields "
                f"({type(exc).__name__}: {exc})",
                body=self._provider.preview(sse.data),
            ) from None

    def _end(self) -> None:
        if not self._done:
            raise ModelAPIError(
                self._model_name,
                f"The {self._provider.name} stream ended before the response was complete (no `message_stop`); "
                "the partial response was discarded.",
            )
        self.provider_details = self._details or None

    def _payload(self, event: str, data: str) -> dict[str, Any] | None:
        if not data:
            return None
        payload, ok = parse_json(data)
        if not ok:
            if event == "error":
                self._raise_error(data)
            raise UnexpectedModelBehavior(
                f"{self._provider.name} sent a stream event that is not JSON", body=self._provider.preview(data)
            )
        if not isinstance(payload, dict):
            raise UnexpectedModelBehavior(
                f"{self._provider.name} sent a stream event that is not a JSON object",
                body=self._provider.preview(data),
            )
        if event == "error" or payload.get("type") == "error":
            self._raise_error(payload.get("error", payload))
        return payload

    def _raise_error(self, error: object) -> None:
        raise ModelAPIError(
            self._model_name,
            f"{self._provider.name} reported an error mid-stream: {self._provider.scrub(str(error))}",
        )

    def _apply(self, kind: Any, payload: dict[str, Any]) -> list[ModelResponseStreamEvent]:
        if kind == "message_start":
            message = payload["message"]
            self.provider_response_id = message.get("id") or self.provider_response_id
            self._model_name = message.get("model") or self._model_name
            self._update_usage(message.get("usage"))
        elif kind == "message_delta":
            self._update_usage(payload.get("usage"))
            stop_reason = (payload.get("delta") or {}).get("stop_reason")
            if stop_reason is not None:
                self.finish_reason = map_finish_reason(_STOP_REASONS, stop_reason, self._details)
        elif kind == "content_block_start":
            event = self._block_start(payload["index"], payload["content_block"])
            return [event] if event is not None else []
        elif kind == "content_block_delta":
            event = self._block_delta(payload["index"], payload["delta"])
            return [event] if event is not None else []
        return []  # ping, content_block_stop, and event kinds added later

    def _update_usage(self, raw: Any) -> None:
        if isinstance(raw, dict):
            self._raw_usage.update({k: v for k, v in raw.items() if v is not None})
            self._usage = map_usage(self._raw_usage)

    def _block_start(self, index: int, block: dict[str, Any]) -> ModelResponseStreamEvent | None:
        parts = self._parts_manager
        kind = block["type"]
        if kind == "text" and block.get("text"):
            return parts.handle_text_delta(vendor_part_id=index, content=block["text"])
        if kind == "thinking":
            return parts.handle_thinking_delta(
                vendor_part_id=index,
                content=block.get("thinking") or "",
                signature=block.get("signature") or None,
                provider_name=self._provider.name,
            )
        if kind == "redacted_thinking":
            return parts.handle_thinking_delta(
                vendor_part_id=index,
                id=REDACTED_THINKING_ID,
                signature=block["data"],
                provider_name=self._provider.name,
            )
        if kind == "tool_use":
            return parts.handle_tool_call_delta(vendor_part_id=index, tool_name=block["name"], tool_call_id=block["id"])
        return None

    def _block_delta(self, index: int, delta: dict[str, Any]) -> ModelResponseStreamEvent | None:
        parts = self._parts_manager
        kind = delta["type"]
        if kind == "text_delta":
            return parts.handle_text_delta(vendor_part_id=index, content=delta["text"]) if delta["text"] else None
        if kind == "thinking_delta":
            return parts.handle_thinking_delta(vendor_part_id=index, content=delta["thinking"] or None)
        if kind == "signature_delta":
            return parts.handle_thinking_delta(vendor_part_id=index, signature=delta["signature"] or None)
        if kind == "input_json_delta" and delta["partial_json"]:
            return parts.handle_tool_call_delta(vendor_part_id=index, args=delta["partial_json"])
        return None
