"""Reading a complete Responses API reply: output items to parts, usage, finish reason, and failures.

===================================  ===========================================================================
output item                          parts
===================================  ===========================================================================
``message``                          a :class:`TextPart` per ``output_text`` (``id``: the item's), or, for a
                                     ``refusal``, no parts at all: ``finish_reason='content_filter'`` and the
                                     refusal in ``provider_details['refusal']``
``function_call``                    a :class:`ToolCallPart` (``tool_call_id``: ``call_id``; ``id``: the item's)
``reasoning``                        a :class:`ThinkingPart` per summary (``id``: the item's); the first carries
                                     ``encrypted_content`` as its ``signature`` and the raw reasoning of
                                     open-weight models in ``provider_details['raw_content']``
others (built-in tools)              nothing: this adapter asks for no built-in tools
===================================  ===========================================================================

The finish reason is ``incomplete_details.reason`` if given, else ``status``: ``completed`` → ``'stop'`` (tool
calls too, as the reference maps it), ``max_output_tokens`` → ``'length'``, ``content_filter`` →
``'content_filter'``, ``cancelled`` → ``'error'``; one this library does not know stays in
``provider_details['finish_reason']``. A reply whose ``status`` is ``failed`` (or that carries an ``error``) is a
:class:`ModelAPIError`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..._exceptions import ModelAPIError, UnexpectedModelBehavior
from ..._messages.messages import FinishReason, ModelResponse
from ..._messages.parts import ModelResponsePart, TextPart, ThinkingPart, ToolCallPart, now_utc
from ..._usage import RequestUsage
from .._http_model import map_finish_reason

if TYPE_CHECKING:
    from ...providers._http import HTTPProvider

__all__ = ["FINISH_REASONS", "describe_error", "map_usage", "parse_response", "raw_finish_reason", "reasoning_parts"]

FINISH_REASONS: dict[str, FinishReason] = {
    "completed": "stop",
    "max_output_tokens": "length",
    "content_filter": "content_filter",
    "cancelled": "error",
    "failed": "error",
}


def map_usage(raw: Any) -> RequestUsage:
    """A Responses ``usage`` object as a :class:`RequestUsage` (cached input tokens as ``cache_read_tokens``,
    reasoning tokens as ``details['reasoning_tokens']``)."""
    if not isinstance(raw, dict):
        return RequestUsage()
    usage = RequestUsage(input_tokens=raw.get("input_tokens") or 0, output_tokens=raw.get("output_tokens") or 0)
    usage.cache_read_tokens = (raw.get("input_tokens_details") or {}).get("cached_tokens") or 0
    if reasoning := (raw.get("output_tokens_details") or {}).get("reasoning_tokens"):
        usage.details["reasoning_tokens"] = reasoning
    return usage


def raw_finish_reason(response: dict[str, Any]) -> str | None:
    details = response.get("incomplete_details")
    if isinstance(details, dict) and details.get("reason"):
        return str(details["reason"])
    status = response.get("status")
    return status if isinstance(status, str) else None


def describe_error(error: Any, provider: HTTPProvider) -> str:
    """An API ``error`` object (``{code, message}``) as text, without the API key."""
    if isinstance(error, dict):
        code, message = error.get("code"), error.get("message")
        text = f"{code}: {message}" if code and message else str(message or code or error)
    else:
        text = str(error)
    return provider.scrub(text)


def reasoning_parts(item: dict[str, Any], provider_name: str) -> Iterable[ThinkingPart]:
    """The thinking parts of a ``reasoning`` item (one per summary; the first holds the signature)."""
    signature = item.get("encrypted_content") or None
    raw = [c["text"] for c in item.get("content") or () if isinstance(c, dict) and c.get("text")]
    details: dict[str, Any] | None = {"raw_content": raw} if raw else None
    summaries = [s.get("text") or "" for s in item.get("summary") or () if isinstance(s, dict)]
    if not summaries and (signature or details):
        summaries = [""]
    for text in summaries:
        yield ThinkingPart(
            text, id=item.get("id"), signature=signature, provider_name=provider_name, provider_details=details
        )
        signature, details = None, None


def _parts(output: list[Any], provider_name: str) -> tuple[list[ModelResponsePart], str | None]:
    """The parts of the ``output`` items, and the refusal text if the model refused."""
    parts: list[ModelResponsePart] = []
    refusal: str | None = None
    for item in output:
        kind = item.get("type")
        if kind == "reasoning":
            parts.extend(reasoning_parts(item, provider_name))
        elif kind == "message":
            for content in item.get("content") or ():
                if content.get("type") == "refusal":
                    refusal = content.get("refusal") or ""
                elif content.get("type") == "output_text":
                    parts.append(TextPart(content.get("text") or "", id=item.get("id"), provider_name=provider_name))
        elif kind == "function_call":
            call = ToolCallPart(
                item["name"],
                item.get("arguments") or "{}",
                item["call_id"],
                id=item.get("id"),
                provider_name=provider_name,
            )
            parts.append(call)
    return parts, refusal


def _timestamp(raw: Any) -> datetime:
    return datetime.fromtimestamp(raw, tz=UTC) if isinstance(raw, int | float) else now_utc()


def parse_response(data: Any, *, model_name: str, provider: HTTPProvider) -> ModelResponse:
    """A complete Responses reply as a :class:`ModelResponse`."""
    provider_name = provider.name
    if isinstance(data, dict) and (data.get("error") or data.get("status") == "failed"):
        raise ModelAPIError(
            model_name, f"The {provider_name} response failed: {describe_error(data.get('error'), provider)}"
        )
    try:
        parts, refusal = _parts(data["output"], provider_name)
        details: dict[str, Any] = {}
        finish_reason = map_finish_reason(FINISH_REASONS, raw_finish_reason(data), details)
        if refusal is not None:
            parts, finish_reason = [], "content_filter"
            details = {"refusal": refusal}
        return ModelResponse(
            parts=parts,
            usage=map_usage(data.get("usage")),
            model_name=data.get("model") or model_name,
            timestamp=_timestamp(data.get("created_at")),
            provider_name=provider_name,
            provider_url=provider.base_url,
            provider_response_id=data.get("id"),
            finish_reason=finish_reason,
            provider_details=details or None,
        )
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        raise UnexpectedModelBehavior(
            f"{provider_name} returned a response without the expected fields ({type(exc).__name__}: {exc})",
            body=provider.preview(json.dumps(data, default=str)),
        ) from None
