"""Mapping trio_agent messages, tools and settings to a Responses API request body (``POST /responses``),
field for field as the reference sends it for the same agent.

==============================  ================================================================================
what                            sent as
==============================  ================================================================================
history, instructions           ``input`` items and ``instructions`` (:mod:`.input`)
function and output tools       ``tools: [{type: 'function', name, description, parameters, strict}]`` (``strict``
                                always said: the API takes a missing one as ``true``)
``tool_choice`` setting         ``tool_choice``: ``'auto'``, ``'none'``, ``'required'``, one forced function
                                ``{type: 'function', name}``, or ``{type: 'allowed_tools', mode, tools}``
``NativeOutput``                ``text.format: {type: 'json_schema', name, schema, strict}``
``PromptedOutput``              ``text.format: {type: 'json_object'}``, with the instructions (which ask for the
                                JSON) moved into a ``system`` input message: the API looks for the word "JSON"
                                in the input, not in ``instructions``
``max_tokens``                  ``max_output_tokens``
``openai_reasoning_*``          ``reasoning: {effort, summary}``; reasoning models also ask for
                                ``include: ['reasoning.encrypted_content']``, so their reasoning can be sent back
``openai_previous_response_id`` ``previous_response_id``, and only the messages after that response
==============================  ================================================================================

Tool and output schemas arrive already walked by the profile's transformer (OpenAI's strict mode:
:mod:`trio_agent.models._openai.strict`). The profile's ``openai_*`` fields say what the server takes: a server that
cannot be made to call a tool gets ``'auto'`` instead of ``'required'``, and the settings it refuses
(``openai_unsupported_model_settings``) are left out.
"""

from __future__ import annotations

from typing import Any, cast

from ..._exceptions import UserError
from ..._messages.messages import ModelMessage, ModelResponse
from ..._tools.definitions import OutputObjectDefinition, ToolDefinition
from ...profiles.openai import OpenAIModelProfile
from .._http_model import resolve_tool_choice
from .._model import ModelProfile, ModelRequestParameters
from .._openai.request import DEFAULT_OUTPUT_NAME
from .input import InputOptions, map_input
from .settings import OpenAIResponsesModelSettings

__all__ = ["build_body", "chain_previous_response"]

_PLAIN_SETTINGS = {
    "max_tokens": "max_output_tokens",
    "temperature": "temperature",
    "top_p": "top_p",
    "openai_truncation": "truncation",
    "openai_store": "store",
    "openai_user": "user",
    "openai_service_tier": "service_tier",
    "openai_prompt_cache_key": "prompt_cache_key",
    "openai_prompt_cache_retention": "prompt_cache_retention",
}
"""Settings sent as they are, under the API's name."""


def chain_previous_response(
    setting: str | None, messages: list[ModelMessage], provider_name: str
) -> tuple[str | None, list[ModelMessage]]:
    """The ``previous_response_id`` to send and the messages still to send (see
    ``OpenAIResponsesModelSettings.openai_previous_response_id``)."""
    if setting is None:
        return None, messages
    for index in range(len(messages) - 1, -1, -1):
        message = messages[index]
        if isinstance(message, ModelResponse) and message.provider_name == provider_name:
            if message.provider_response_id and index + 1 < len(messages):
                return message.provider_response_id, messages[index + 1 :]
            break
    return (None if setting == "auto" else setting), messages


def _tool(tool: ToolDefinition, profile: ModelProfile) -> dict[str, Any]:
    return {
        "type": "function",
        "name": tool.name,
        "description": tool.description or "",
        "parameters": tool.parameters_json_schema,
        "strict": bool(tool.strict and profile.openai_supports_strict_tool_definition),
    }


def _tools_and_choice(
    settings: OpenAIResponsesModelSettings, params: ModelRequestParameters, profile: ModelProfile, *, forcing: bool
) -> tuple[list[dict[str, Any]], str | dict[str, Any] | None]:
    """The tools and the ``tool_choice``. Every tool is sent; a choice among some of them is an
    ``allowed_tools`` choice (which keeps the tool list, and so the prompt cache, the same). A server that
    cannot be made to call a tool (not ``forcing``: ``openai_supports_tool_choice_required=False``) gets
    ``'auto'`` where a run needs a tool call; a ``tool_choice`` setting that forces one is a :class:`UserError`
    there."""
    resolved = resolve_tool_choice(settings, params)
    tools = [_tool(t, profile) for t in (*params.function_tools, *params.output_tools)]
    if not tools:
        return [], None
    explicit = settings.get("tool_choice")
    if not forcing and (explicit == "required" or isinstance(explicit, list)):
        raise UserError(
            f"`tool_choice={explicit!r}` cannot be sent: this model's server cannot be made to call a tool (its "
            "profile has `openai_supports_tool_choice_required=False`). Use `'auto'` or `'none'`."
        )
    if isinstance(resolved, str):
        return tools, ("auto" if resolved == "required" and not forcing else resolved)
    names, mode = resolved
    if mode == "required" and len(names) == 1 and forcing:
        return tools, {"type": "function", "name": names[0]}
    allowed = [{"type": "function", "name": n} for n in names]
    return tools, {"type": "allowed_tools", "mode": mode if forcing else "auto", "tools": allowed}


def _json_schema(output: OutputObjectDefinition, profile: ModelProfile) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "json_schema",
        "name": output.name or DEFAULT_OUTPUT_NAME,
        "schema": output.json_schema,
    }
    if output.description:
        schema["description"] = output.description
    if profile.openai_supports_strict_tool_definition:
        schema["strict"] = output.strict  # always said here, `false` included
    return schema


def _text_format(
    params: ModelRequestParameters, profile: ModelProfile, instructions: str | None, items: list[dict[str, Any]]
) -> tuple[dict[str, Any] | None, str | None]:
    """``text.format`` for the output mode, and the instructions left to send as ``instructions`` (prompted
    output moves them into ``items``, after the leading system messages)."""
    if params.output_mode == "native" and params.output_object is not None:
        return _json_schema(params.output_object, profile), instructions
    if params.output_mode == "prompted" and profile.supports_json_object_output:
        if instructions:
            leading = 0
            while leading < len(items) and items[leading].get("role") == "system":
                leading += 1
            items.insert(leading, {"role": "system", "content": instructions})
        return {"type": "json_object"}, None
    return None, instructions


def _text(text_format: dict[str, Any] | None, settings: OpenAIResponsesModelSettings) -> dict[str, Any] | None:
    text: dict[str, Any] = {"format": text_format} if text_format is not None else {}
    if "openai_text_verbosity" in settings:
        text["verbosity"] = settings["openai_text_verbosity"]
    return text or None


def _reasoning(settings: OpenAIResponsesModelSettings) -> dict[str, Any] | None:
    reasoning: dict[str, Any] = {}
    if "openai_reasoning_effort" in settings:
        reasoning["effort"] = settings["openai_reasoning_effort"]
    if "openai_reasoning_summary" in settings:
        reasoning["summary"] = settings["openai_reasoning_summary"]
    return reasoning or None


def build_body(
    model_name: str,
    messages: list[ModelMessage],
    settings: OpenAIResponsesModelSettings,
    params: ModelRequestParameters,
    *,
    stream: bool,
    profile: ModelProfile,
    provider_name: str,
    reasoning_model: bool,
) -> dict[str, Any]:
    """The JSON body of a Responses request. ``reasoning_model``: whether the model reasons (it is then asked
    for its encrypted reasoning, and its item ids and signatures are sent back, unless settings say not to)."""
    openai = OpenAIModelProfile.from_profile(profile)  # (only its `openai_*` fields are read)
    unsupported = openai.openai_unsupported_model_settings
    if any(key in settings for key in unsupported):  # left out, not sent to fail the request
        settings = cast(OpenAIResponsesModelSettings, {k: v for k, v in settings.items() if k not in unsupported})
    previous_id, messages = chain_previous_response(
        settings.get("openai_previous_response_id"), messages, provider_name
    )
    options = InputOptions(
        provider_name=provider_name,
        send_item_ids=settings.get("openai_send_reasoning_ids", reasoning_model),
        send_signatures=reasoning_model,
        deferred_tools={t.name for t in params.function_tools if t.defer_loading},
        thinking_tags=profile.thinking_tags,
    )
    instructions, items = map_input(messages, options)
    text_format, instructions = _text_format(params, profile, instructions, items)
    if not items and previous_id is None:
        items.append({"role": "user", "content": ""})  # the API refuses a request without input
    body: dict[str, Any] = {"model": model_name, "input": items}
    if instructions:
        body["instructions"] = instructions
    tools, choice = _tools_and_choice(settings, params, profile, forcing=openai.openai_supports_tool_choice_required)
    if tools:
        body["tools"] = tools
        body["tool_choice"] = choice
        if "parallel_tool_calls" in settings:
            body["parallel_tool_calls"] = settings["parallel_tool_calls"]
    if (text := _text(text_format, settings)) is not None:
        body["text"] = text
    if (reasoning := _reasoning(settings)) is not None:
        body["reasoning"] = reasoning
    if reasoning_model:
        body["include"] = ["reasoning.encrypted_content"]
    if previous_id is not None:
        body["previous_response_id"] = previous_id
    for key, wire in _PLAIN_SETTINGS.items():
        if key in settings:
            body[wire] = settings[key]  # type: ignore[literal-required]
    body["stream"] = stream  # sent either way, as the reference's SDK call does
    extra = settings.get("extra_body")
    if isinstance(extra, dict):
        body.update(extra)
    return body
