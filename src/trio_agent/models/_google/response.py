"""Reading a complete ``GenerateContentResponse``, and what it shares with streamed chunks: usage, finish
reasons, blocked prompts and candidates.

A response's parts map to: ``text`` → :class:`TextPart`, ``text`` with ``thought: true`` → :class:`ThinkingPart`,
``functionCall`` → :class:`ToolCallPart` (its ``id``, or a generated one: Gemini 2.5 sends none),
``inlineData`` → :class:`FilePart`. A ``thoughtSignature`` on a part is stored on the thinking part just
before it (one with no text is made when there is none), which is where :mod:`.contents` takes it from to send
it back on that same part. Empty text parts and kinds Gemini adds later are skipped.
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any

from ..._exceptions import UnexpectedModelBehavior
from ..._ids import new_tool_call_id
from ..._messages.content import BinaryContent
from ..._messages.messages import FinishReason, ModelResponse
from ..._messages.parts import FilePart, ModelResponsePart, TextPart, ThinkingPart, ToolCallPart
from ..._usage import RequestUsage

if TYPE_CHECKING:
    from ...providers._http import HTTPProvider

__all__ = ["FINISH_REASONS", "first_candidate", "map_usage", "parse_response"]

FINISH_REASONS: dict[str, FinishReason | None] = {
    "FINISH_REASON_UNSPECIFIED": None,
    "STOP": "stop",
    "MAX_TOKENS": "length",
    "SAFETY": "content_filter",
    "RECITATION": "content_filter",
    "LANGUAGE": "error",
    "OTHER": None,
    "BLOCKLIST": "content_filter",
    "PROHIBITED_CONTENT": "content_filter",
    "SPII": "content_filter",
    "MALFORMED_FUNCTION_CALL": "error",
    "IMAGE_SAFETY": "content_filter",
    "IMAGE_PROHIBITED_CONTENT": "content_filter",
    "IMAGE_RECITATION": "content_filter",
    "UNEXPECTED_TOOL_CALL": "error",
    "TOO_MANY_TOOL_CALLS": "error",
    "NO_IMAGE": "error",
}
"""Gemini's finish reasons, as the reference maps them (the raw value is kept in ``provider_details``)."""

_TOKEN_DETAILS = (
    ("prompt", "promptTokensDetails"),
    ("cache", "cacheTokensDetails"),
    ("candidates", "candidatesTokensDetails"),
    ("tool_use_prompt", "toolUsePromptTokensDetails"),
)


def map_usage(raw: Any) -> RequestUsage:
    """``usageMetadata`` as a :class:`RequestUsage`: input is the prompt (cached tokens included) plus tool-use
    prompt tokens, output the candidates plus thoughts (both billed as output), so the two add up to
    ``totalTokenCount``. The thoughts, cached, tool-use and per-modality counts are also in ``details``
    (``thoughts_tokens``, ``cached_content_tokens``, ``text_prompt_tokens``, ...)."""
    if not isinstance(raw, dict):
        return RequestUsage()
    details: dict[str, int] = {}
    for name, key in (
        ("cached_content_tokens", "cachedContentTokenCount"),
        ("thoughts_tokens", "thoughtsTokenCount"),
        ("tool_use_prompt_tokens", "toolUsePromptTokenCount"),
    ):
        if count := raw.get(key):
            details[name] = count
    for prefix, key in _TOKEN_DETAILS:
        for entry in raw.get(key) or ():
            modality, count = entry.get("modality"), entry.get("tokenCount")
            if modality and count:
                details[f"{str(modality).lower()}_{prefix}_tokens"] = count
    return RequestUsage(
        input_tokens=(raw.get("promptTokenCount") or 0) + details.get("tool_use_prompt_tokens", 0),
        cache_read_tokens=details.get("cached_content_tokens", 0),
        output_tokens=(raw.get("candidatesTokenCount") or 0) + details.get("thoughts_tokens", 0),
        input_audio_tokens=details.get("audio_prompt_tokens", 0),
        cache_audio_read_tokens=details.get("audio_cache_tokens", 0),
        details=details,
    )


def first_candidate(data: dict[str, Any], provider: HTTPProvider) -> dict[str, Any] | None:
    """The response's (first) candidate; ``None`` for a chunk without one (a streamed usage update), and
    :class:`UnexpectedModelBehavior` if Gemini blocked the prompt."""
    candidates = data.get("candidates")
    if candidates:
        candidate = candidates[0]
        if not isinstance(candidate, dict):
            raise TypeError("a candidate is not an object")
        return candidate
    reason = (data.get("promptFeedback") or {}).get("blockReason")
    if reason:
        raise UnexpectedModelBehavior(
            f"{provider.name} blocked the prompt (blockReason {reason!r}) and returned no answer; rephrase the "
            "prompt, or relax `google_safety_settings` if it was a safety block.",
            body=provider.preview(json.dumps(data, default=str)),
        )
    return None


def check_content(candidate: dict[str, Any], finish_reason: FinishReason | None, provider: HTTPProvider) -> None:
    """:class:`UnexpectedModelBehavior` for a candidate a content filter emptied (as the reference raises)."""
    if candidate.get("content") is None and finish_reason == "content_filter":
        raw = candidate.get("finishReason")
        raise UnexpectedModelBehavior(
            f"{provider.name} returned no content: the content filter {raw!r} was triggered.",
            body=provider.preview(json.dumps(candidate, default=str)),
        )


def file_part(inline: dict[str, Any], provider_name: str) -> FilePart:
    content = BinaryContent(data=base64.b64decode(inline["data"]), media_type=inline["mimeType"])
    return FilePart(BinaryContent.narrow_type(content), provider_name=provider_name)


def _parts(raw_parts: list[Any], provider_name: str) -> list[ModelResponsePart]:
    items: list[ModelResponsePart] = []
    for part in raw_parts:
        signature = part.get("thoughtSignature")
        if signature:
            last = items[-1] if items else None
            if not isinstance(last, ThinkingPart):
                last = ThinkingPart("", provider_name=provider_name)
                items.append(last)
            last.signature = signature
        if "text" in part:
            text = part["text"]
            if text:
                items.append(ThinkingPart(text, provider_name=provider_name) if part.get("thought") else TextPart(text))
        elif "functionCall" in part:
            call = part["functionCall"]
            items.append(ToolCallPart(call["name"], call.get("args") or {}, call.get("id") or new_tool_call_id()))
        elif "inlineData" in part:
            items.append(file_part(part["inlineData"], provider_name))
    return items


def parse_response(data: Any, *, model_name: str, provider: HTTPProvider) -> ModelResponse:
    """A complete ``GenerateContentResponse`` as a :class:`ModelResponse`."""
    provider_name, provider_url = provider.name, provider.base_url
    try:
        candidate = first_candidate(data, provider)
        if candidate is None:
            raise KeyError("candidates")
        raw_finish = candidate.get("finishReason")
        finish_reason = FINISH_REASONS.get(raw_finish) if raw_finish else None
        check_content(candidate, finish_reason, provider)
        parts = _parts((candidate.get("content") or {}).get("parts") or [], provider_name)
        return ModelResponse(
            parts=parts,
            usage=map_usage(data.get("usageMetadata")),
            model_name=data.get("modelVersion") or model_name,
            provider_name=provider_name,
            provider_url=provider_url,
            provider_response_id=data.get("responseId"),
            finish_reason=finish_reason,
            provider_details={"finish_reason": raw_finish} if raw_finish else None,
        )
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
        raise UnexpectedModelBehavior(
            f"{provider_name} returned a response without the expected fields ({type(exc).__name__}: {exc})",
            body=provider.preview(json.dumps(data, default=str)),
        ) from None
