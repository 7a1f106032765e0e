"""Mapping trio_agent messages, tools and settings to an OpenAI chat-completions request body, field for field
as the reference (pydantic-ai's ``OpenAIChatModel``) sends it for the same agent."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, cast

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
    RetryPromptPart,
    SystemPromptPart,
    TextPart,
    ThinkingPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from ..._settings import ModelSettings
from ..._tools.definitions import OutputObjectDefinition, ToolDefinition
from ...profiles.openai import OpenAIModelProfile
from .._http_model import resolve_tool_choice
from .._model import ModelProfile, ModelRequestParameters
from .prepare import prepare_messages

__all__ = ["REASONING_FIELDS", "build_body", "map_messages"]

_AUDIO_FORMATS = {"audio/wav": "wav", "audio/x-wav": "wav", "audio/mpeg": "mp3", "audio/mp3": "mp3"}
REASONING_FIELDS = ("reasoning", "reasoning_content")
"""The message fields OpenAI-compatible servers put reasoning in (gpt-oss on Ollama/OpenRouter; DeepSeek, vLLM).
A ``ThinkingPart`` read from one has that field as its ``id``, and goes back in it."""
THINKING_TAGS = ("<think>", "</think>")
"""How other thinking is replayed: inside the text, between these tags."""
DEFAULT_OUTPUT_NAME = "final_result"


def map_messages(
    messages: list[ModelMessage], *, provider_name: str | None = None, deferred_tools: Collection[str] | None = None
) -> list[dict[str, Any]]:
    """The conversation as chat-completions messages (the latest request's instructions as a system message
    after the leading system prompts). ``provider_name`` tells which thinking parts came from this provider
    (and go back in their own field).

    The newer part kinds are first turned into basic ones (:func:`.prepare.prepare_messages`; chat completions
    takes a system message anywhere, so feedback and tool announcements are system messages). Provider-run
    (built-in) tool calls and returns, generated files and compaction parts are not sent: chat completions has
    no way to replay them, as in the reference."""
    out: list[dict[str, Any]] = []
    prepared = prepare_messages(messages, inline_system=True, deferred_tools=deferred_tools)
    for message in prepared:
        if isinstance(message, ModelRequest):
            out.extend(_map_request(message))
        elif (assistant := _map_response(message, provider_name)) is not None:
            out.append(assistant)
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
            # Tool-search and load-capability returns too. Chat completions has no error flag: a failed return
            # is its text wrapped as `{"error": ...}`, a retried one (outcome='retried') the retry message as is.
            out.append({"role": "tool", "tool_call_id": part.tool_call_id, "content": part.model_response_str()})
        elif isinstance(part, RetryPromptPart) and part.tool_name is not None:
            out.append({"role": "tool", "tool_call_id": part.tool_call_id, "content": part.model_response()})
        elif isinstance(part, RetryPromptPart):
            out.append({"role": "user", "content": part.model_response()})
        # (speech, feedback and availability parts were turned into the kinds above by `prepare_messages`)
    return out


def _map_response(response: ModelResponse, provider_name: str | None) -> dict[str, Any] | None:
    """An assistant message; ``None`` for a response with neither text nor tool calls (the API refuses an
    assistant message with no content and no tool calls, so the reference sends none)."""
    texts: list[str] = []
    fields: dict[str, list[str]] = {}
    calls: list[dict[str, Any]] = []
    for part in response.parts:
        if isinstance(part, TextPart):
            texts.append(part.content)
        elif isinstance(part, ThinkingPart):
            if part.id in REASONING_FIELDS and part.provider_name == provider_name:
                fields.setdefault(part.id, []).append(part.content)
            else:
                start, end = THINKING_TAGS
                texts.append(f"{start}\n{part.content}\n{end}")
        elif isinstance(part, ToolCallPart):
            function = {"name": part.tool_name, "arguments": part.args_as_json_str()}
            calls.append({"id": part.tool_call_id, "type": "function", "function": function})
    if not texts and not calls:
        return None
    message: dict[str, Any] = {"role": "assistant"}
    for name, contents in fields.items():
        message[name] = "\n\n".join(contents)
    message["content"] = "\n\n".join(texts) if texts else None
    if calls:
        message["tool_calls"] = calls
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
            items.append({"type": "image_url", "image_url": _image(item.url, item.vendor_metadata)})
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


def _image(url: str, metadata: dict[str, Any] | None) -> dict[str, Any]:
    image: dict[str, Any] = {"url": url}
    if metadata:
        image["detail"] = metadata.get("detail", "auto")
    return image


def _is_text_like(media_type: str) -> bool:
    return (
        media_type.startswith("text/")
        or media_type in ("application/json", "application/xml", "application/x-yaml", "application/yaml")
        or media_type.endswith(("+json", "+xml"))
    )


def _binary_item(item: BinaryContent) -> dict[str, Any]:
    media_type = item.media_type
    if _is_text_like(media_type):
        # Text files go inline, between markers naming the file (as the reference frames them).
        text = item.data.decode("utf-8", errors="replace")
        framed = (
            f'-----BEGIN FILE id="{item.identifier}" type="{media_type}"-----\n{text}\n'
            f'-----END FILE id="{item.identifier}"-----'
        )
        return {"type": "text", "text": framed}
    if item.is_image:
        return {"type": "image_url", "image_url": _image(item.data_uri, item.vendor_metadata)}
    if media_type in _AUDIO_FORMATS:
        return {"type": "input_audio", "input_audio": {"data": item.base64, "format": _AUDIO_FORMATS[media_type]}}
    extension = media_type.rsplit("/", 1)[-1]
    return {"type": "file", "file": {"file_data": item.data_uri, "filename": f"filename.{extension}"}}


def _tool(tool: ToolDefinition, profile: ModelProfile) -> dict[str, Any]:
    function: dict[str, Any] = {
        "name": tool.name,
        "description": tool.description or "",
        "parameters": tool.parameters_json_schema,
    }
    if tool.strict and profile.openai_supports_strict_tool_definition:
        function["strict"] = True  # never `false`: a tool that is not strict says nothing
    return {"type": "function", "function": function}


def _tools_and_choice(
    settings: ModelSettings, params: ModelRequestParameters, profile: OpenAIModelProfile
) -> tuple[list[ToolDefinition], str | dict[str, Any]]:
    """The tools to send and the ``tool_choice``. A choice among some of the tools sends only those (chat
    completions cannot restrict the choice otherwise), except a single forced tool, which is named. A server
    that refuses ``"required"`` (``openai_supports_tool_choice_required=False``) gets ``"auto"`` instead, unless
    the ``tool_choice`` setting itself asked for ``'required'``, which it cannot honour."""
    tools = [*params.function_tools, *params.output_tools]
    resolved = resolve_tool_choice(settings, params)
    if isinstance(resolved, str):
        choice = resolved
    elif resolved[1] == "required" and len(resolved[0]) == 1:
        return tools, {"type": "function", "function": {"name": resolved[0][0]}}
    else:
        names, choice = resolved
        tools = [t for t in tools if t.name in names]
    if choice == "required" and not profile.openai_supports_tool_choice_required:
        if settings.get("tool_choice") == "required":
            raise UserError(
                "`tool_choice='required'` cannot be sent: this model's server does not accept it (its profile has "
                "`openai_supports_tool_choice_required=False`). Use `'auto'`, or name the tool to force in a list."
            )
        choice = "auto"
    return tools, choice


def _response_format(params: ModelRequestParameters, profile: ModelProfile) -> dict[str, Any] | None:
    if params.output_mode == "native" and params.output_object is not None:
        return {"type": "json_schema", "json_schema": _json_schema(params.output_object, profile)}
    if params.output_mode == "prompted" and profile.supports_json_object_output:
        return {"type": "json_object"}
    return None


def _json_schema(output: OutputObjectDefinition, profile: ModelProfile) -> dict[str, Any]:
    schema: dict[str, Any] = {"name": output.name or DEFAULT_OUTPUT_NAME, "schema": output.json_schema}
    if output.description:
        schema["description"] = output.description
    if profile.openai_supports_strict_tool_definition:
        schema["strict"] = output.strict  # always said here, `false` included
    return schema


_SETTINGS = {
    "temperature": "temperature",
    "top_p": "top_p",
    "stop_sequences": "stop",
    "seed": "seed",
    "presence_penalty": "presence_penalty",
    "frequency_penalty": "frequency_penalty",
    "logit_bias": "logit_bias",
}


def _supported(settings: ModelSettings, unsupported: Collection[str]) -> ModelSettings:
    """``settings`` without those the server refuses (its profile's ``openai_unsupported_model_settings``)."""
    if not unsupported or not any(key in settings for key in unsupported):
        return settings
    return cast(ModelSettings, {k: v for k, v in settings.items() if k not in unsupported})


def build_body(
    model_name: str,
    messages: list[ModelMessage],
    settings: ModelSettings | None,
    params: ModelRequestParameters,
    *,
    stream: bool,
    profile: ModelProfile | None = None,
    provider_name: str | None = None,
) -> dict[str, Any]:
    """The JSON body of a chat-completions request (``params`` already walked for strict mode, see
    :mod:`.strict`)."""
    profile = profile or ModelProfile()
    openai = OpenAIModelProfile.from_profile(profile)  # (only its `openai_*` fields are read)
    settings = _supported(settings or {}, openai.openai_unsupported_model_settings)
    deferred = {t.name for t in params.function_tools if t.defer_loading}
    mapped = map_messages(messages, provider_name=provider_name, deferred_tools=deferred)
    body: dict[str, Any] = {"model": model_name, "messages": mapped}
    tools, choice = _tools_and_choice(settings, params, openai)
    if tools:
        body["tools"] = [_tool(t, profile) for t in tools]
        body["tool_choice"] = choice
        if "parallel_tool_calls" in settings:
            body["parallel_tool_calls"] = settings["parallel_tool_calls"]
    response_format = _response_format(params, profile)
    if response_format is not None:
        body["response_format"] = response_format
    if "max_tokens" in settings:
        field = "max_completion_tokens" if profile.openai_chat_supports_max_completion_tokens else "max_tokens"
        body[field] = settings["max_tokens"]
    for key, wire in _SETTINGS.items():
        if key in settings:
            body[wire] = settings[key]  # type: ignore[literal-required]
    body["stream"] = stream  # sent either way, as the reference's SDK call does
    if stream:
        body["stream_options"] = {"include_usage": True}
    extra = settings.get("extra_body")
    if isinstance(extra, dict):
        body.update(extra)
    return body
