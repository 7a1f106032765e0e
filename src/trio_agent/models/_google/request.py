"""A ``generateContent`` request body: contents (:mod:`.contents`), tools, tool config, structured output and
settings (:mod:`.settings`), as the reference (pydantic-ai's ``GoogleModel``) sends them for the same agent.

Tools go as one ``{"functionDeclarations": [...]}`` entry, each with its schema (already rewritten for
Gemini, see :mod:`.schemas`) as ``parameters``, left out for a tool without parameters (Gemini refuses an
object schema with no properties). The ``tool_choice`` (:func:`resolve_tool_choice`) becomes
``toolConfig.functionCallingConfig``:

=============================  ========================================================================
choice                         sent as
=============================  ========================================================================
``'auto'``                     no ``toolConfig`` (Gemini's default, ``AUTO``)
``'required'``                 ``ANY``, ``allowedFunctionNames``: every tool (a run whose output comes
                               through an output tool must call one)
``'none'``                     ``NONE``
some tools, required           ``ANY``, ``allowedFunctionNames``: those tools
some tools, optional           only those tools are sent, no ``toolConfig``
=============================  ========================================================================

Structured output: ``NativeOutput`` sends ``responseMimeType: application/json`` and the schema as
``responseSchema``; ``PromptedOutput`` without tools sends ``responseMimeType`` alone (the schema is in the
instructions); ``ToolOutput`` is an output tool like any other.
"""

from __future__ import annotations

from typing import Any

from ..._exceptions import UserError
from ..._messages.messages import ModelMessage
from ..._settings import ModelSettings
from ..._tools.definitions import OutputObjectDefinition, ToolDefinition
from .._http_model import resolve_tool_choice
from .._model import ModelProfile, ModelRequestParameters
from .contents import map_messages
from .settings import generation_config, top_level

__all__ = ["build_body"]


def _declaration(tool: ToolDefinition) -> dict[str, Any]:
    declaration: dict[str, Any] = {"name": tool.name, "description": tool.description or ""}
    schema = tool.parameters_json_schema
    if schema.get("properties") or schema.get("type") != "object":
        declaration["parameters"] = schema
    return declaration


def _tools_and_config(
    settings: ModelSettings, params: ModelRequestParameters
) -> tuple[list[ToolDefinition], dict[str, Any] | None]:
    tools = [*params.function_tools, *params.output_tools]
    if not tools:
        return [], None
    resolved = resolve_tool_choice(settings, params)
    config: dict[str, Any] | None
    if resolved == "auto":
        config = None
    elif resolved == "none":
        config = {"mode": "NONE"}
    elif resolved == "required":
        config = {"mode": "ANY", "allowedFunctionNames": [t.name for t in tools]}
    else:
        names, mode = resolved
        if mode == "required":
            config = {"mode": "ANY", "allowedFunctionNames": names}
        else:
            tools, config = [t for t in tools if t.name in names], None
    return tools, None if config is None else {"functionCallingConfig": config}


def _response_schema(output: OutputObjectDefinition) -> dict[str, Any]:
    schema = dict(output.json_schema)
    if output.name:
        schema["title"] = output.name
    if output.description:
        schema["description"] = output.description
    return schema


def _output_config(params: ModelRequestParameters, profile: ModelProfile, has_tools: bool) -> dict[str, Any]:
    if params.output_mode == "native" and params.output_object is not None:
        if params.function_tools and not getattr(profile, "google_supports_tool_combination", False):
            raise UserError(
                "This Gemini model cannot take `NativeOutput` and function tools in the same request (Gemini 3 "
                "can); use `output_type=ToolOutput(...)` or `PromptedOutput(...)` instead."
            )
        return {"responseMimeType": "application/json", "responseSchema": _response_schema(params.output_object)}
    if params.output_mode == "prompted" and not has_tools:
        if not profile.supports_json_object_output:
            raise UserError(
                "This Gemini model has no JSON output mode, which `PromptedOutput` uses; use a text model, or "
                "`output_type=str`."
            )
        return {"responseMimeType": "application/json"}
    return {}


def build_body(
    messages: list[ModelMessage],
    settings: ModelSettings | None,
    params: ModelRequestParameters,
    *,
    profile: ModelProfile,
    provider_name: str,
) -> dict[str, Any]:
    """The JSON body of a ``generateContent`` (or ``streamGenerateContent``) request; ``params`` carry schemas
    already rewritten for Gemini."""
    settings = settings or {}
    if params.function_tools and not profile.supports_tools:
        raise UserError("This Gemini model cannot call tools (image models cannot); remove the tools.")
    deferred = {t.name for t in params.function_tools if t.defer_loading}
    system, contents = map_messages(messages, provider_name=provider_name, deferred_tools=deferred)
    body: dict[str, Any] = {"contents": contents}
    if system:
        body["systemInstruction"] = {"role": "user", "parts": system}
    tools, tool_config = _tools_and_config(settings, params)
    if tools:
        body["tools"] = [{"functionDeclarations": [_declaration(t) for t in tools]}]
    if tool_config is not None:
        body["toolConfig"] = tool_config
    config = generation_config(settings)
    config.update(_output_config(params, profile, bool(tools)))
    if profile.supports_image_output:
        config["responseModalities"] = ["TEXT", "IMAGE"]
    if config:
        body["generationConfig"] = config
    body.update(top_level(settings))
    extra = settings.get("extra_body")
    if isinstance(extra, dict):
        body.update(extra)
    return body
