"""AG-UI messages to our history and back.

Loading: user messages become user prompts (text, and media parts carried inline or by URL); system and
developer messages system prompts; an assistant message a response (its text, then its tool calls); a reasoning
message thinking, in the response that follows; a tool message the return of the call it answers (``error`` set:
a failed return). Activity messages are the UI's own and are skipped.

Dumping: the reverse, one assistant message per response (its text joined, its tool calls), a reasoning message
before it for its thinking, a tool message per tool return. Retry prompts that answer no tool call (output
validation feedback) are the engine's, not the user's words, and are left out; so are provider-run tools' calls.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import TypeAlias
from uuid import uuid4

from ..._messages.content import AudioUrl, BinaryContent, DocumentUrl, FileUrl, ImageUrl, UserContent, VideoUrl
from ..._messages.messages import ModelMessage, ModelRequest
from ..._messages.parts import (
    RetryPromptPart,
    SystemPromptPart,
    TextPart,
    ThinkingPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from .._messages_builder import MessagesBuilder
from ._event_stream import tool_result_content
from ._protocol import PROTOCOL_VERSION as PROTOCOL_VERSION

from ag_ui.core import (  # isort: skip  (after `_protocol`, which says how to install it)
    ActivityMessage,
    AssistantMessage,
    AudioPart,
    ContentPart,
    DataSource,
    DeveloperMessage,
    DocumentPart,
    FunctionCall,
    ImagePart,
    Message,
    ReasoningMessage,
    SystemMessage,
    ToolCall,
    ToolMessage,
    UrlSource,
    UserMessage,
    VideoPart,
)
from ag_ui.core import TextPart as TextContentPart  # isort: skip

__all__ = ["dump_messages", "load_messages"]

_MediaPart: TypeAlias = ImagePart | AudioPart | VideoPart | DocumentPart


def load_messages(messages: Sequence[Message]) -> list[ModelMessage]:
    """``messages`` as our history (``ValueError`` for a tool message answering no known call, or a media part
    whose source cannot be loaded)."""
    builder = MessagesBuilder()
    tool_names: dict[str, str] = {}
    for message in messages:
        if isinstance(message, UserMessage):
            content = message.content
            builder.add(UserPromptPart(content if isinstance(content, str) else [_user_content(p) for p in content]))
        elif isinstance(message, SystemMessage | DeveloperMessage):
            builder.add(SystemPromptPart(message.content))
        elif isinstance(message, ReasoningMessage):
            builder.add(ThinkingPart(message.content))
        elif isinstance(message, AssistantMessage):
            if message.content:
                builder.add(TextPart(message.content))
            for call in message.tool_calls or ():
                tool_names[call.id] = call.function.name
                builder.add(ToolCallPart(call.function.name, call.function.arguments, call.id))
        elif isinstance(message, ToolMessage):
            builder.add(_tool_return(message, tool_names))
        elif not isinstance(message, ActivityMessage):  # pragma: no cover  (a role a newer protocol adds)
            raise ValueError(f"Unsupported AG-UI message role {message.role!r}")
    return builder.messages


def _tool_return(message: ToolMessage, tool_names: dict[str, str]) -> ToolReturnPart:
    name = tool_names.get(message.tool_call_id)
    if name is None:
        raise ValueError(
            f"The tool message {message.id!r} answers tool call {message.tool_call_id!r}, which no assistant message made"
        )
    content = message.content
    text = content if isinstance(content, str) else "".join(p.text for p in content if isinstance(p, TextContentPart))
    if message.error:
        return ToolReturnPart(name, message.error, message.tool_call_id, outcome="failed")
    return ToolReturnPart(name, text, message.tool_call_id)


def _user_content(part: ContentPart) -> UserContent:
    if isinstance(part, TextContentPart):
        return part.text
    source = part.source
    if isinstance(source, DataSource):
        return BinaryContent.narrow_type(BinaryContent(base64.b64decode(source.value), media_type=source.mime_type))
    if isinstance(source, UrlSource):
        if isinstance(part, ImagePart):
            return ImageUrl(source.value, media_type=source.mime_type)
        if isinstance(part, AudioPart):
            return AudioUrl(source.value, media_type=source.mime_type)
        if isinstance(part, VideoPart):
            return VideoUrl(source.value, media_type=source.mime_type)
        return DocumentUrl(source.value, media_type=source.mime_type)
    raise ValueError(f"A {part.type} part's source of type {source.type!r} (a provider's file) cannot be loaded")


def dump_messages(messages: Sequence[ModelMessage]) -> list[Message]:
    """Our history as AG-UI messages (ids are new)."""
    dumped: list[Message] = []
    for message in messages:
        if isinstance(message, ModelRequest):
            for part in message.parts:
                if isinstance(part, SystemPromptPart):
                    dumped.append(SystemMessage(id=str(uuid4()), content=part.content))
                elif isinstance(part, UserPromptPart):
                    dumped.append(UserMessage(id=str(uuid4()), content=_content_parts(part)))
                elif isinstance(part, ToolReturnPart | RetryPromptPart) and part.tool_name is not None:
                    failed = isinstance(part, RetryPromptPart) or part.outcome == "failed"
                    content = tool_result_content(part)
                    dumped.append(
                        ToolMessage(
                            id=str(uuid4()),
                            tool_call_id=part.tool_call_id,
                            content=content,
                            error=content if failed else None,
                        )
                    )
            continue
        dumped.extend(
            ReasoningMessage(id=str(uuid4()), content=p.content) for p in message.parts if isinstance(p, ThinkingPart)
        )
        text = "".join(p.content for p in message.parts if isinstance(p, TextPart))
        calls = [
            ToolCall(id=p.tool_call_id, function=FunctionCall(name=p.tool_name, arguments=p.args_as_json_str()))
            for p in message.parts
            if isinstance(p, ToolCallPart)
        ]
        if text or calls:
            dumped.append(AssistantMessage(id=str(uuid4()), content=text or None, tool_calls=calls or None))
    return dumped


def _content_parts(part: UserPromptPart) -> str | list[ContentPart]:
    if isinstance(part.content, str):
        return part.content
    parts: list[ContentPart] = []
    for item in part.content:
        if isinstance(item, str):
            parts.append(TextContentPart(text=item))
        elif isinstance(item, BinaryContent):
            parts.append(_media_part(item.media_type, DataSource(value=item.base64, mime_type=item.media_type)))
        elif isinstance(item, FileUrl):
            parts.append(_media_part(item.media_type or "", UrlSource(value=item.url, mime_type=item.media_type)))
    return parts


def _media_part(media_type: str, source: DataSource | UrlSource) -> _MediaPart:
    kind = media_type.partition("/")[0]
    if kind == "image":
        return ImagePart(source=source)
    if kind == "audio":
        return AudioPart(source=source)
    if kind == "video":
        return VideoPart(source=source)
    return DocumentPart(source=source)
