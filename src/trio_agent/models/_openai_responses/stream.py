"""Reading a streamed Responses API reply: server-sent events to part events, through the parts manager.

=========================================  ======================================================================
event                                      effect
=========================================  ======================================================================
``response.created``, ``.in_progress``     the response id and model
``response.output_item.added``             a ``function_call`` starts its :class:`ToolCallPart`
``response.output_text.delta``             text for the :class:`TextPart` of the ``message`` item
``response.function_call_arguments.delta`` arguments for the item's tool call
``response.reasoning_summary_part.added``, thinking for the item's :class:`ThinkingPart` (one per summary index)
``response.reasoning_summary_text.delta``
``response.output_item.done``              a ``reasoning`` item's ``encrypted_content`` becomes its first
                                           thinking part's signature (and its raw reasoning, if any, that part's
                                           ``provider_details['raw_content']``); text, arguments or summaries that
                                           were not streamed as deltas are taken from the finished item
``response.refusal.delta`` / ``.done``     a refusal: ``finish_reason='content_filter'``, the text in
                                           ``provider_details['refusal']``
``response.completed``, ``.incomplete``    usage, finish reason: the response is complete
``response.failed``, ``error``             :class:`ModelAPIError` (the API's code and message, without the key)
=========================================  ======================================================================

Other events (content parts added and done, the ``.done`` of deltas, built-in tool progress) carry nothing
new and are skipped. A stream that ends before ``response.completed`` or ``response.incomplete`` is a
:class:`ModelAPIError` (the partial response is discarded); an event that is not a JSON object is an
:class:`UnexpectedModelBehavior`. Vendor part ids are the output items' ids (a summary after the first
gets ``'<item id>-<index>'``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

from ..._exceptions import ModelAPIError
from .._http_model import HTTPStreamedResponse, map_finish_reason
from .response import FINISH_REASONS, describe_error, map_usage, raw_finish_reason

if TYPE_CHECKING:
    import httpx2

    from ..._messages.events import ModelResponseStreamEvent
    from ...providers._http import HTTPProvider
    from .._model import ModelRequestParameters

__all__ = ["OpenAIResponsesStreamedResponse"]

_Events = list["ModelResponseStreamEvent"]


def _key(event: dict[str, Any], item: dict[str, Any] | None = None) -> str:
    """The vendor part id of an event's output item: its id, or its index when a server sends no ids."""
    found = (item or {}).get("id") or event.get("item_id")
    return str(found) if found else f"#{event.get('output_index', 0)}"


def _summary_key(key: str, index: Any) -> Hashable:
    return key if not index else f"{key}-{index}"


class OpenAIResponsesStreamedResponse(HTTPStreamedResponse):
    """A Responses API reply arriving as server-sent events (see the module docstring)."""

    def __init__(
        self, params: ModelRequestParameters, *, response: Any, provider: HTTPProvider, model_name: str
    ) -> None:
        super().__init__(params, response=response, provider=provider, model_name=model_name)
        self._complete = False
        self._refusal: str | None = None
        self._started: set[Hashable] = set()
        """Tool calls started, by vendor id."""
        self._streamed: set[Hashable] = set()
        """Items whose text, arguments or summaries arrived as deltas (their ``done`` adds nothing)."""

    def _parse(self, sse: httpx2.ServerSentEvent) -> _Events:
        if not sse.data or sse.data == "[DONE]":  # (some servers end with it, as in chat completions)
            return []
        event = self.json_event(sse.data)
        handler = _HANDLERS.get(event.get("type") or sse.event)
        return [] if handler is None else handler(self, event)

    def _end(self) -> None:
        if not self._complete:
            raise ModelAPIError(
                self._model_name,
                f"The {self._provider.name} stream ended before the response was complete (no "
                "`response.completed` or `response.incomplete` event); the partial response was discarded.",
            )
        if self._refusal is not None:
            self._details.pop("finish_reason", None)
            self._details["refusal"] = self._refusal
        self.provider_details = self._details or None

    # -- the events --------------------------------------------------------------------------------------

    def _on_envelope(self, event: dict[str, Any]) -> _Events:
        response = event.get("response") or {}
        if response.get("id"):
            self.provider_response_id = response["id"]
        if response.get("model"):
            self._model_name = response["model"]
        return []

    def _on_item_added(self, event: dict[str, Any]) -> _Events:
        item = event.get("item") or {}
        if item.get("type") != "function_call":
            return []
        return [self._start_call(_key(event, item), item)]

    def _start_call(self, key: str, item: dict[str, Any]) -> ModelResponseStreamEvent:
        self._started.add(key)
        return self._parts_manager.handle_tool_call_part(
            vendor_part_id=key,
            tool_name=item.get("name") or "",
            args=item.get("arguments") or "",
            tool_call_id=item.get("call_id"),
            id=item.get("id"),
            provider_name=self._provider.name,
        )

    def _on_text_delta(self, event: dict[str, Any]) -> _Events:
        key = _key(event)
        self._streamed.add(key)
        if not event.get("delta"):
            return []
        text = self._parts_manager.handle_text_delta(
            vendor_part_id=key, content=event["delta"], id=event.get("item_id"), provider_name=self._provider.name
        )
        return [text]

    def _on_arguments_delta(self, event: dict[str, Any]) -> _Events:
        key = _key(event)
        self._streamed.add(key)
        found = self._parts_manager.handle_tool_call_delta(vendor_part_id=key, args=event.get("delta") or None)
        return [found] if found is not None else []

    def _on_summary(self, event: dict[str, Any]) -> _Events:
        key = _key(event)
        self._streamed.add(key)
        text = event.get("delta") if "delta" in event else (event.get("part") or {}).get("text")
        return self._thinking(_summary_key(key, event.get("summary_index")), event.get("item_id"), content=text or "")

    def _thinking(self, vendor_id: Hashable, item_id: Any, **delta: Any) -> _Events:
        found = self._parts_manager.handle_thinking_delta(
            vendor_part_id=vendor_id, id=item_id, provider_name=self._provider.name, **delta
        )
        return [found] if found is not None else []

    def _on_item_done(self, event: dict[str, Any]) -> _Events:
        item = event.get("item") or {}
        key = _key(event, item)
        kind = item.get("type")
        if kind == "reasoning":
            return self._reasoning_done(key, item)
        if kind == "function_call":
            if key not in self._started:
                return [self._start_call(key, item)]
            if key in self._streamed or not item.get("arguments"):
                return []
            found = self._parts_manager.handle_tool_call_delta(vendor_part_id=key, args=item["arguments"])
            return [found] if found is not None else []
        if kind == "message":
            return self._message_done(key, item)
        return []

    def _reasoning_done(self, key: str, item: dict[str, Any]) -> _Events:
        events: _Events = []
        if key not in self._streamed:
            for index, summary in enumerate(item.get("summary") or ()):
                events += self._thinking(_summary_key(key, index), item.get("id"), content=summary.get("text") or "")
        signature = item.get("encrypted_content") or None
        raw = [c["text"] for c in item.get("content") or () if isinstance(c, dict) and c.get("text")]
        if signature or raw:
            details = {"raw_content": raw} if raw else None
            events += self._thinking(key, item.get("id"), signature=signature, provider_details=details)
        return events

    def _message_done(self, key: str, item: dict[str, Any]) -> _Events:
        events: _Events = []
        for content in item.get("content") or ():
            if content.get("type") == "refusal":
                self._on_refusal({"refusal": content.get("refusal") or ""})
            elif content.get("type") == "output_text" and key not in self._streamed and content.get("text"):
                events.append(
                    self._parts_manager.handle_text_delta(
                        vendor_part_id=key,
                        content=content["text"],
                        id=item.get("id"),
                        provider_name=self._provider.name,
                    )
                )
        return events

    def _on_refusal(self, event: dict[str, Any]) -> _Events:
        if "refusal" in event:  # `.done`: the whole text
            self._refusal = event["refusal"] or ""
        else:
            self._refusal = (self._refusal or "") + (event.get("delta") or "")
        self.finish_reason = "content_filter"
        return []

    def _on_finished(self, event: dict[str, Any]) -> _Events:
        self._on_envelope(event)
        response = event.get("response") or {}
        self._usage = map_usage(response.get("usage"))
        if self._refusal is None:
            self.finish_reason = map_finish_reason(FINISH_REASONS, raw_finish_reason(response), self._details)
        self._complete = True
        return []

    def _on_failed(self, event: dict[str, Any]) -> _Events:
        error = (event.get("response") or {}).get("error")
        raise ModelAPIError(
            self._model_name, f"The {self._provider.name} response failed: {describe_error(error, self._provider)}"
        )

    def _on_error(self, event: dict[str, Any]) -> _Events:
        error = event.get("error") if isinstance(event.get("error"), dict) else event
        raise ModelAPIError(
            self._model_name,
            f"{self._provider.name} reported an error mid-stream: {describe_error(error, self._provider)}",
        )


_HANDLERS: dict[str, Callable[[OpenAIResponsesStreamedResponse, dict[str, Any]], _Events]] = {
    "response.created": OpenAIResponsesStreamedResponse._on_envelope,
    "response.in_progress": OpenAIResponsesStreamedResponse._on_envelope,
    "response.output_item.added": OpenAIResponsesStreamedResponse._on_item_added,
    "response.output_item.done": OpenAIResponsesStreamedResponse._on_item_done,
    "response.output_text.delta": OpenAIResponsesStreamedResponse._on_text_delta,
    "response.function_call_arguments.delta": OpenAIResponsesStreamedResponse._on_arguments_delta,
    "response.reasoning_summary_part.added": OpenAIResponsesStreamedResponse._on_summary,
    "response.reasoning_summary_text.delta": OpenAIResponsesStreamedResponse._on_summary,
    "response.refusal.delta": OpenAIResponsesStreamedResponse._on_refusal,
    "response.refusal.done": OpenAIResponsesStreamedResponse._on_refusal,
    "response.completed": OpenAIResponsesStreamedResponse._on_finished,
    "response.incomplete": OpenAIResponsesStreamedResponse._on_finished,
    "response.failed": OpenAIResponsesStreamedResponse._on_failed,
    "error": OpenAIResponsesStreamedResponse._on_error,
}
"""What each event type does (the others are skipped)."""
