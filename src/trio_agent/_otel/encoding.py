"""Messages as the OpenTelemetry GenAI semantic conventions encode them (``gen_ai.input.messages``,
``gen_ai.output.messages``, ``gen_ai.system_instructions``).

Without ``include_content`` every part keeps only its shape (its ``type``, and a tool call's id and name), so a
trace shows what was exchanged, never what was said.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pydantic_core

from .._messages.content import BinaryContent, FileUrl, TextContent
from .._messages.messages import ModelMessage, ModelRequest, ModelResponse
from .._messages.retries import RetryFeedbackPart, RetryPromptPart
from .._messages.simple_parts import FilePart, SystemPromptPart, TextPart, ThinkingPart, UserPromptPart
from .._messages.tool_parts import BaseToolCallPart, BaseToolReturnPart, BuiltinToolCallPart, BuiltinToolReturnPart

if TYPE_CHECKING:
    from .settings import InstrumentationSettings

__all__ = ["dumps", "input_messages", "jsonable", "output_message", "system_instructions"]

Part = dict[str, Any]


def jsonable(value: Any) -> Any:
    """``value`` as JSON-compatible data (anything pydantic cannot serialise becomes its ``str``)."""
    return pydantic_core.to_jsonable_python(value, serialize_unknown=True)


def dumps(value: Any) -> str:
    return json.dumps(jsonable(value), ensure_ascii=False)


def input_messages(messages: Sequence[ModelMessage], settings: InstrumentationSettings) -> list[dict[str, Any]]:
    """``messages`` as a list of chat messages (a request's system prompts, user content and tool returns are
    separate messages, with roles ``system``, ``user`` and ``tool``)."""
    found: list[dict[str, Any]] = []
    for message in messages:
        if isinstance(message, ModelResponse):
            found.append(output_message(message, settings))
            continue
        for is_system, group in itertools.groupby(message.parts, key=lambda p: isinstance(p, SystemPromptPart)):
            parts = [encoded for part in group for encoded in _request_part(part, settings)]
            if is_system:
                role = "system"
            elif any(p["type"] == "tool_call_response" for p in parts):
                role = "tool"
            else:
                role = "user"
            found.append({"role": role, "parts": parts})
    return found


def output_message(response: ModelResponse, settings: InstrumentationSettings) -> dict[str, Any]:
    message: dict[str, Any] = {
        "role": "assistant",
        "parts": [encoded for part in response.parts for encoded in _response_part(part, settings)],
    }
    if response.finish_reason is not None:
        message["finish_reason"] = response.finish_reason
    return message


def system_instructions(messages: Sequence[ModelMessage], settings: InstrumentationSettings) -> list[Part]:
    """The last request's instructions and every system prompt, as text parts (none without content)."""
    if not settings.include_content:
        return []
    found: list[Part] = []
    for message in reversed(messages):
        if isinstance(message, ModelRequest) and message.instructions:
            found.append({"type": "text", "content": message.instructions})
            break
    for message in messages:
        if isinstance(message, ModelRequest):
            found.extend(
                {"type": "text", "content": p.content} for p in message.parts if isinstance(p, SystemPromptPart)
            )
    return found


def _text(content: str, settings: InstrumentationSettings) -> Part:
    return {"type": "text", "content": content} if settings.include_content else {"type": "text"}


def _request_part(part: Any, settings: InstrumentationSettings) -> list[Part]:
    if isinstance(part, SystemPromptPart):
        return [_text(part.content, settings)]
    if isinstance(part, UserPromptPart):
        if isinstance(part.content, str):
            return [_text(part.content, settings)]
        return [encoded for item in part.content if (encoded := _user_content(item, settings)) is not None]
    if isinstance(part, BaseToolReturnPart):
        return [_tool_response(part.tool_call_id, part.tool_name, lambda: part.content, settings)]
    if isinstance(part, RetryPromptPart):
        if part.tool_name is None:
            return [_text(part.model_response(), settings)]
        return [_tool_response(part.tool_call_id, part.tool_name, part.model_response, settings)]
    if isinstance(part, RetryFeedbackPart):
        return [_text(part.model_response(), settings)]
    return []  # parts the conventions have no place for (state changes, compaction markers)


def _response_part(part: Any, settings: InstrumentationSettings) -> list[Part]:
    content = settings.include_content
    if isinstance(part, TextPart):
        return [_text(part.content, settings)]
    if isinstance(part, ThinkingPart):
        if settings.version < 3:
            return []
        return [{"type": "thinking", "content": part.content} if content else {"type": "thinking"}]
    if isinstance(part, BaseToolCallPart):
        encoded: Part = {"type": "tool_call", "id": part.tool_call_id, "name": part.tool_name}
        if isinstance(part, BuiltinToolCallPart):
            encoded["builtin"] = True
        if content:
            encoded["arguments"] = part.args_as_dict()
        return [encoded]
    if isinstance(part, BuiltinToolReturnPart):
        return [{**_tool_response(part.tool_call_id, part.tool_name, lambda: part.content, settings), "builtin": True}]
    if isinstance(part, FilePart):
        return [_binary(part.content, settings)]
    return []


def _tool_response(call_id: str, name: str, result: Any, settings: InstrumentationSettings) -> Part:
    encoded: Part = {"type": "tool_call_response", "id": call_id, "name": name}
    if settings.include_content:
        encoded["result"] = jsonable(result())
    return encoded


def _user_content(item: Any, settings: InstrumentationSettings) -> Part | None:
    if isinstance(item, str):
        return _text(item, settings)
    if isinstance(item, TextContent):
        return _text(item.content, settings)
    if isinstance(item, BinaryContent):
        return _binary(item, settings)
    if isinstance(item, FileUrl):
        encoded: Part = {"type": "uri", "modality": _modality(item.media_type)}
        if item.media_type:
            encoded["mime_type"] = item.media_type
        if settings.include_content:
            encoded["uri"] = item.url
        return encoded
    return None  # cache points and provider-side file references carry nothing to show


def _binary(item: BinaryContent, settings: InstrumentationSettings) -> Part:
    encoded: Part = {"type": "blob", "modality": _modality(item.media_type), "mime_type": item.media_type}
    if settings.include_content and settings.include_binary_content:
        encoded["content"] = item.base64
    return encoded


def _modality(media_type: str | None) -> str:
    kind = (media_type or "").partition("/")[0]
    return kind if kind in ("image", "audio", "video") else "document"
