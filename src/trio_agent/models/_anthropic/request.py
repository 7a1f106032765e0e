"""Mapping trio_agent messages, tools and settings to an Anthropic Messages API request body, field for field as
the reference (pydantic-ai's ``AnthropicModel``) sends it for the same agent."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ..._exceptions import UserError
from ..._messages.content import (
    AudioUrl,
    BinaryContent,
    CachePoint,
    DocumentUrl,
    ImageUrl,
    TextContent,
    UploadedFile,
    VideoUrl,
)
from ..._messages.messages import ModelMessage, ModelRequest, ModelResponse
from ..._messages.parts import (
    BuiltinToolCallPart,
    BuiltinToolReturnPart,
    CompactionPart,
    RetryPromptPart,
    SystemPromptPart,
    TextPart,
    ThinkingPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from ..._settings import ModelSettings
from ..._tools.definitions import ToolDefinition
from .._http_model import resolve_tool_choice
from .._model import ModelRequestParameters
from .._openai.prepare import prepare_messages
from .native_parts import native_block, orphan_tool_search_calls

__all__ = ["DEFAULT_MAX_TOKENS", "build_body", "map_messages"]

DEFAULT_MAX_TOKENS = 4096
"""Sent as ``max_tokens`` when the settings have none: the Messages API requires the field."""
REDACTED_THINKING_ID = "redacted_thinking"
"""The ``ThinkingPart.id`` of a redacted thinking block (its encrypted data travels in ``signature``)."""

THINKING_TAGS = ("<thinking>", "</thinking>")
"""How thinking that cannot be replayed as a thinking block (another provider's, or unsigned) goes back: as text
between these tags."""

_CACHEABLE = frozenset({"text", "image", "document", "tool_result", "tool_use"})


def map_messages(
    messages: list[ModelMessage],
    *,
    provider_name: str | None = None,
    deferred_tools: Collection[str] | None = None,
    available_tools: Collection[str] = (),
) -> tuple[str, list[dict[str, Any]]]:
    """The conversation as the ``system`` text and alternating user/assistant messages.

    The latest request's instructions come first in ``system``, then every system prompt, joined by blank lines.
    Consecutive messages with the same role are merged, as the API requires strict alternation. Only signed
    thinking from ``provider_name`` is replayed as thinking blocks, and only its provider-run tool parts (see
    :mod:`.native_parts`; a tool-search result names only the ``available_tools``).

    The newer part kinds are first turned into basic ones (:func:`..._openai.prepare.prepare_messages`); the
    Messages API takes no system prompt mid-conversation, so retry feedback and tool announcements go as
    ``<system>``-tagged user text.
    """
    system: list[str] = []
    out: list[dict[str, Any]] = []
    prepared = prepare_messages(
        messages, inline_system=False, deferred_tools=deferred_tools, native_tool_search_provider=provider_name
    )
    orphans = orphan_tool_search_calls(prepared)
    for message in prepared:
        if isinstance(message, ModelRequest):
            blocks: list[dict[str, Any]] = []
            for part in message.parts:
                if isinstance(part, SystemPromptPart):
                    system.append(part.content)
                else:
                    blocks.extend(_request_blocks(part))
            _append(out, "user", blocks)
        else:
            _append(out, "assistant", _response_blocks(message, provider_name, available_tools, orphans))
    instructions = next((m.instructions for m in reversed(messages) if isinstance(m, ModelRequest)), None)
    if instructions:
        system.insert(0, instructions)
    return "\n\n".join(system), out


def _append(out: list[dict[str, Any]], role: str, blocks: list[dict[str, Any]]) -> None:
    if not blocks:
        return
    if out and out[-1]["role"] == role:
        out[-1]["content"].extend(blocks)
    else:
        out.append({"role": role, "content": blocks})


def _request_blocks(part: Any) -> list[dict[str, Any]]:
    if isinstance(part, UserPromptPart):
        return _user_blocks(part.content)
    if isinstance(part, ToolReturnPart):
        # Tool-search and load-capability returns too. Anthropic's error channel is `is_error`: set for a failed
        # return (its text wrapped as `{"error": ...}`) and for a retried one (the retry message as is).
        text = [{"type": "text", "text": part.model_response_str()}]
        return [_tool_result(part.tool_call_id, text, is_error=part.outcome in ("failed", "retried"))]
    if isinstance(part, RetryPromptPart) and part.tool_name is not None:
        return [_tool_result(part.tool_call_id, part.model_response(), is_error=True)]  # the text, not blocks
    if isinstance(part, RetryPromptPart):
        return [{"type": "text", "text": part.model_response()}]
    return []  # (speech, feedback and availability parts were turned into the kinds above by `prepare_messages`)


def _tool_result(tool_use_id: str, content: str | list[dict[str, Any]], *, is_error: bool) -> dict[str, Any]:
    return {"type": "tool_result", "tool_use_id": tool_use_id, "content": content, "is_error": is_error}


def _response_blocks(
    response: ModelResponse, provider_name: str | None, available_tools: Collection[str], orphans: Collection[str]
) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    for part in response.parts:
        if isinstance(part, BuiltinToolCallPart | BuiltinToolReturnPart | CompactionPart):
            block = native_block(part, provider_name=provider_name, available_tools=available_tools, orphans=orphans)
            if block is not None:
                blocks.append(block)
            continue
        if isinstance(part, TextPart):
            if part.content:
                blocks.append({"type": "text", "text": part.content})
        elif isinstance(part, ToolCallPart):
            blocks.append(
                {"type": "tool_use", "id": part.tool_call_id, "name": part.tool_name, "input": part.args_as_dict()}
            )
        elif isinstance(part, ThinkingPart):
            if part.signature is not None and part.provider_name == provider_name:
                if part.id == REDACTED_THINKING_ID:
                    blocks.append({"type": "redacted_thinking", "data": part.signature})
                else:
                    blocks.append({"type": "thinking", "thinking": part.content, "signature": part.signature})
            elif part.content:
                # Another provider's thinking, or unsigned: the API would reject it as a block, so it goes as text.
                start, end = THINKING_TAGS
                blocks.append({"type": "text", "text": f"{start}\n{part.content}\n{end}"})
    return blocks


def _user_blocks(content: Any) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content else []
    blocks: list[dict[str, Any]] = []
    for item in content:
        if isinstance(item, str):
            if item:
                blocks.append({"type": "text", "text": item})
        elif isinstance(item, TextContent):
            blocks.append({"type": "text", "text": item.content})
        elif isinstance(item, CachePoint):
            _add_cache_control(blocks, item)
        elif isinstance(item, ImageUrl):
            blocks.append({"type": "image", "source": {"type": "url", "url": item.url}})
        elif isinstance(item, DocumentUrl):
            blocks.append(_document_url(item))
        elif isinstance(item, BinaryContent):
            blocks.append(_binary_block(item))
        elif isinstance(item, AudioUrl | VideoUrl | UploadedFile):
            raise UserError(
                f"The Anthropic Messages API cannot take a {type(item).__name__}: it accepts text, images and PDF "
                "documents. Remove it from the prompt or convert it first."
            )
        else:
            raise UserError(f"Cannot send user content of type {type(item).__name__!r} to the Anthropic Messages API.")
    return blocks


def _add_cache_control(blocks: list[dict[str, Any]], point: CachePoint) -> None:
    if not blocks:
        raise UserError(
            "A `CachePoint` marks the end of the content to cache, so it cannot come first in a user prompt; "
            "put it after the content it should cache."
        )
    if blocks[-1]["type"] not in _CACHEABLE:
        raise UserError(f"Anthropic cannot cache a {blocks[-1]['type']!r} block; move the `CachePoint`.")
    blocks[-1]["cache_control"] = {"type": "ephemeral", "ttl": point.ttl}


def _document_url(item: DocumentUrl) -> dict[str, Any]:
    if item.media_type == "application/pdf":
        return {"type": "document", "source": {"type": "url", "url": item.url}}
    raise UserError(
        f"Anthropic takes only PDF documents by URL, not {item.media_type!r} ({item.url}); download the document "
        "and pass its bytes as `BinaryContent(data, media_type=...)` (text documents are sent as text)."
    )


def _binary_block(item: BinaryContent) -> dict[str, Any]:
    if item.is_image:
        return {"type": "image", "source": {"type": "base64", "media_type": item.media_type, "data": item.base64}}
    if item.media_type == "application/pdf":
        return {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": item.base64}}
    if item.media_type == "text/plain":
        text = item.data.decode("utf-8", errors="replace")
        return {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": text}}
    if item.media_type.startswith("text/"):
        return {"type": "text", "text": item.data.decode("utf-8", errors="replace")}
    raise UserError(
        f"The Anthropic Messages API cannot take binary content of type {item.media_type!r}: it accepts images, "
        "PDFs and text. Convert the file to one of those first."
    )


def _tool(tool: ToolDefinition) -> dict[str, Any]:
    # The output type's title stays in the definition (the model-independent view), but, as the reference sends
    # it, not in Anthropic's input schema.
    schema = {key: value for key, value in tool.parameters_json_schema.items() if key != "title"}
    return {"name": tool.name, "description": tool.description or "", "input_schema": schema}


def _tools_and_choice(
    settings: ModelSettings, params: ModelRequestParameters
) -> tuple[list[ToolDefinition], dict[str, Any]]:
    """The tools to send and the ``tool_choice``. A choice among some of the tools sends only those (the API
    cannot restrict the choice otherwise), except a single forced tool, which is named."""
    tools = [*params.function_tools, *params.output_tools]
    resolved = resolve_tool_choice(settings, params)
    result: dict[str, Any]
    if resolved == "required":
        result = {"type": "any"}
    elif isinstance(resolved, str):
        result = {"type": resolved}
    else:
        names, mode = resolved
        if mode == "required" and len(names) == 1:
            result = {"type": "tool", "name": names[0]}
        else:
            tools = [t for t in tools if t.name in names]
            result = {"type": "any" if mode == "required" else "auto"}
    if "parallel_tool_calls" in settings and result["type"] != "none":
        result["disable_parallel_tool_use"] = not settings["parallel_tool_calls"]
    return tools, result


_SETTINGS = {"temperature": "temperature", "top_p": "top_p", "stop_sequences": "stop_sequences"}


def build_body(
    model_name: str,
    messages: list[ModelMessage],
    settings: ModelSettings | None,
    params: ModelRequestParameters,
    *,
    stream: bool,
    provider_name: str | None = None,
) -> dict[str, Any]:
    """The JSON body of a Messages API request (``max_tokens`` defaults to :data:`DEFAULT_MAX_TOKENS`)."""
    settings = settings or {}
    system, mapped = map_messages(
        messages,
        provider_name=provider_name,
        deferred_tools={t.name for t in params.function_tools if t.defer_loading},
        available_tools={t.name for t in params.function_tools},
    )
    body: dict[str, Any] = {
        "model": model_name,
        "max_tokens": settings.get("max_tokens", DEFAULT_MAX_TOKENS),
        "messages": mapped,
    }
    if system:
        body["system"] = system
    tools, choice = _tools_and_choice(settings, params)
    if tools:
        body["tools"] = [_tool(t) for t in tools]
        body["tool_choice"] = choice
    for key, wire in _SETTINGS.items():
        if key in settings:
            body[wire] = settings[key]  # type: ignore[literal-required]
    body["stream"] = stream  # sent either way, as the reference's SDK call does
    extra = settings.get("extra_body")
    if isinstance(extra, dict):
        body.update(extra)
    return body
