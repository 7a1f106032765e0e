"""Mapping trio_agent messages, tools and settings to an OpenAI chat-completions request body."""

from __future__ import annotations

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
    RetryFeedbackPart,
    RetryPromptPart,
    SystemPromptPart,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from ..._settings import ModelSettings
from ..._tools.definitions import ToolDefinition
from .._model import ModelRequestParameters

__all__ = ["build_body", "map_messages"]

_AUDIO_FORMATS = {"audio/wav": "wav", "audio/x-wav": "wav", "audio/mpeg": "mp3", "audio/mp3": "mp3"}


def map_messages(messages: list[ModelMessage]) -> list[dict[str, Any]]:
    """The conversation as chat-completions messages (the latest request's instructions as a system message
    after the leading system prompts)."""
    out: list[dict[str, Any]] = []
    for message in messages:
        if isinstance(message, ModelRequest):
            out.extend(_map_request(message))
        else:
            out.append(_map_response(message))
    instructions = next((m.instructions for m in reversed(messages) if isinstance(m, ModelRequest)), None)
    if instructions:
        leading = 0
        while leading < len(out) and out[leading]["role"] == "system":
            leading += 1
        out.insert(leading, {"role": "system", "content": instructions})
    return out


def _map_request(request: ModelRequest) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for part in request.parts:
        if isinstance(part, SystemPromptPart):
            out.append({"role": "system", "content": part.content})
        elif isinstance(part, UserPromptPart):
            out.append({"role": "user", "content": _user_content(part.content)})
        elif isinstance(part, ToolReturnPart):
            out.append({"role": "tool", "tool_call_id": part.tool_call_id, "content": part.model_response_str()})
        elif isinstance(part, RetryPromptPart) and part.tool_name is not None:
            out.append({"role": "tool", "tool_call_id": part.tool_call_id, "content": part.model_response()})
        elif isinstance(part, RetryPromptPart | RetryFeedbackPart):
            out.append({"role": "user", "content": part.model_response()})
    return out


def _map_response(response: ModelResponse) -> dict[str, Any]:
    texts = [p.content for p in response.parts if isinstance(p, TextPart)]
    calls = [p for p in response.parts if isinstance(p, ToolCallPart)]
    message: dict[str, Any] = {"role": "assistant", "content": "".join(texts) if texts else None}
    if calls:
        message["tool_calls"] = [
            {
                "id": c.tool_call_id,
                "type": "function",
                "function": {"name": c.tool_name, "arguments": c.args_as_json_str()},
            }
            for c in calls
        ]
    elif message["content"] is None:
        message["content"] = ""
    return message


def _user_content(content: Any) -> str | list[dict[str, Any]]:
    if isinstance(content, str):
        return content
    items: list[dict[str, Any]] = []
    for item in content:
        if isinstance(item, str):
            items.append({"type": "text", "text": item})
        elif isinstance(item, TextContent):
            items.append({"type": "text", "text": item.content})
        elif isinstance(item, ImageUrl):
            image: dict[str, Any] = {"url": item.url}
            if item.vendor_metadata and "detail" in item.vendor_metadata:
                image["detail"] = item.vendor_metadata["detail"]
            items.append({"type": "image_url", "image_url": image})
        elif isinstance(item, BinaryContent):
            items.append(_binary_item(item))
        elif isinstance(item, CachePoint):
            continue
        elif isinstance(item, AudioUrl | DocumentUrl | VideoUrl | UploadedFile):
            raise UserError(
                f"OpenAI chat completions cannot take a {type(item).__name__} by reference; download it and pass "
                "its bytes as `BinaryContent(data, media_type=...)` instead."
            )
        else:
            raise UserError(f"Cannot send user content of type {type(item).__name__!r} to OpenAI chat completions.")
    return items


def _binary_item(item: BinaryContent) -> dict[str, Any]:
    if item.is_image:
        return {"type": "image_url", "image_url": {"url": item.data_uri}}
    if item.media_type in _AUDIO_FORMATS:
        return {"type": "input_audio", "input_audio": {"data": item.base64, "format": _AUDIO_FORMATS[item.media_type]}}
    if item.media_type.startswith("text/"):
        return {"type": "text", "text": item.data.decode("utf-8", errors="replace")}
    extension = item.media_type.rsplit("/", 1)[-1]
    return {"type": "file", "file": {"file_data": item.data_uri, "filename": f"{item.identifier}.{extension}"}}


def _tool(tool: ToolDefinition) -> dict[str, Any]:
    function: dict[str, Any] = {
        "name": tool.name,
        "description": tool.description or "",
        "parameters": tool.parameters_json_schema,
    }
    if tool.strict is not None:
        function["strict"] = tool.strict
    return {"type": "function", "function": function}


def _tool_choice(settings: ModelSettings, params: ModelRequestParameters, tool_names: list[str]) -> Any:
    choice = settings.get("tool_choice")
    if isinstance(choice, list):
        if len(choice) == 1:
            return {"type": "function", "function": {"name": choice[0]}}
        return "required"
    if choice is not None:
        return choice
    return "required" if tool_names and not params.allow_text_output else None


_SETTINGS = {
    "max_tokens": "max_tokens",
    "temperature": "temperature",
    "top_p": "top_p",
    "stop_sequences": "stop",
    "seed": "seed",
    "presence_penalty": "presence_penalty",
    "frequency_penalty": "frequency_penalty",
    "logit_bias": "logit_bias",
}


def build_body(
    model_name: str,
    messages: list[ModelMessage],
    settings: ModelSettings | None,
    params: ModelRequestParameters,
    *,
    stream: bool,
) -> dict[str, Any]:
    """The JSON body of a chat-completions request."""
    settings = settings or {}
    body: dict[str, Any] = {"model": model_name, "messages": map_messages(messages)}
    tools = [_tool(t) for t in (*params.function_tools, *params.output_tools)]
    if tools:
        body["tools"] = tools
        choice = _tool_choice(settings, params, [t["function"]["name"] for t in tools])
        if choice is not None:
            body["tool_choice"] = choice
        if "parallel_tool_calls" in settings:
            body["parallel_tool_calls"] = settings["parallel_tool_calls"]
    if params.output_mode == "native" and params.output_object is not None:
        schema: dict[str, Any] = {
            "name": params.output_object.name or "final_result",
            "schema": params.output_object.json_schema,
        }
        if params.output_object.description:
            schema["description"] = params.output_object.description
        if params.output_object.strict is not None:
            schema["strict"] = params.output_object.strict
        body["response_format"] = {"type": "json_schema", "json_schema": schema}
    for key, wire in _SETTINGS.items():
        if key in settings:
            body[wire] = settings[key]  # type: ignore[literal-required]
    if stream:
        body["stream"] = True
        body["stream_options"] = {"include_usage": True}
    extra = settings.get("extra_body")
    if isinstance(extra, dict):
        body.update(extra)
    return body
