"""The conversation as Gemini ``contents`` and ``systemInstruction`` parts, as the reference (pydantic-ai's
``GoogleModel``) sends them.

* Requests become ``user`` contents: prompts (see :mod:`.media`), and tool results as ``functionResponse``
  parts (``{name, id, response}``: the return as a JSON object, or ``{"call_error": ...}`` for a retry). Files
  a tool returned follow its result as user parts. System prompts go to ``systemInstruction``, after the
  latest request's instructions; the newer part kinds are first turned into basic ones
  (:func:`.._openai.prepare.prepare_messages`, with mid-conversation system text as ``<system>``-tagged user
  text, since ``systemInstruction`` is one for the whole conversation).
* Responses become ``model`` contents: text, thoughts (``thought: true``), ``functionCall`` parts and
  generated files (``inlineData``). A thought signature of this provider goes back in the part *after* its
  thinking part, where Gemini sent it (:mod:`.response` reads it onto the thinking part before); a signature
  with no part after it goes in an empty text part. The first function call of a response without a
  signature gets Gemini's documented placeholder signature, which Gemini 3 requires for calls it did not make.
  Provider-run (built-in) tool parts are not sent.
"""

from __future__ import annotations

import base64
from collections.abc import Collection
from typing import Any

from ..._messages.messages import ModelMessage, ModelRequest, ModelResponse
from ..._messages.parts import (
    FilePart,
    RetryPromptPart,
    SystemPromptPart,
    TextPart,
    ThinkingPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from .._openai.prepare import prepare_messages
from .media import user_parts

__all__ = ["PLACEHOLDER_SIGNATURE", "map_messages"]

PLACEHOLDER_SIGNATURE = base64.b64encode(b"context_engineering_is_the_way_to_go").decode()
"""The ``thoughtSignature`` a function call Gemini did not make is sent with (Gemini 3 validates signatures;
its documentation names this value to skip the check, and the reference sends it)."""


def map_messages(
    messages: list[ModelMessage], *, provider_name: str, deferred_tools: Collection[str] | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The ``systemInstruction`` parts and the ``contents`` of a request (never empty: with no messages to send,
    one empty user text, as the API requires a content)."""
    system: list[dict[str, Any]] = []
    contents: list[dict[str, Any]] = []
    prepared = prepare_messages(messages, inline_system=False, deferred_tools=deferred_tools)
    for message in prepared:
        if isinstance(message, ModelRequest):
            parts: list[dict[str, Any]] = []
            for part in message.parts:
                if isinstance(part, SystemPromptPart):
                    system.append({"text": part.content})
                else:
                    parts.extend(_request_parts(part, provider_name))
            if parts:
                contents.append({"role": "user", "parts": parts})
        elif parts := response_parts(message, provider_name):
            contents.append({"role": "model", "parts": parts})
    if not contents:
        contents.append({"role": "user", "parts": [{"text": ""}]})
    instructions = next((m.instructions for m in reversed(messages) if isinstance(m, ModelRequest)), None)
    if instructions:
        system.insert(0, {"text": instructions})
    return system, contents


def _request_parts(part: Any, provider_name: str) -> list[dict[str, Any]]:
    if isinstance(part, UserPromptPart):
        return user_parts(part.content, provider_name)
    if isinstance(part, ToolReturnPart):
        # Tool-search and load-capability returns too. A retried call's return holds the retry message.
        if part.outcome == "retried":
            response: dict[str, Any] = {"call_error": part.model_response_str()}
        else:
            response = part.model_response_object()
        call = {"functionResponse": {"name": part.tool_name, "response": response, "id": part.tool_call_id}}
        _, files = part.model_response_str_and_user_content()
        return [call, *user_parts(files, provider_name)] if files else [call]
    if isinstance(part, RetryPromptPart):
        if part.tool_name is None:
            return [{"text": part.model_response()}]
        response = {"call_error": part.model_response()}
        return [{"functionResponse": {"name": part.tool_name, "response": response, "id": part.tool_call_id}}]
    return []  # (speech, feedback and availability parts were turned into the kinds above by `prepare_messages`)


def response_parts(response: ModelResponse, provider_name: str) -> list[dict[str, Any]]:
    """The parts of a ``model`` content replaying ``response`` (see the module docstring)."""
    parts: list[dict[str, Any]] = []
    pending: list[str] = []  # a signature waiting for the part after its thinking part

    def emit(part: dict[str, Any]) -> None:
        if pending:
            part["thoughtSignature"] = pending.pop()
        parts.append(part)

    first_call = True
    for item in response.parts:
        if isinstance(item, ThinkingPart):
            if item.content:
                emit({"text": item.content, "thought": True})
            if item.signature and item.provider_name == provider_name:
                if pending:
                    emit({"text": ""})
                pending.append(item.signature)
        elif isinstance(item, TextPart):
            if item.content or pending:
                emit({"text": item.content})
        elif isinstance(item, ToolCallPart):
            if first_call and not pending:
                pending.append(PLACEHOLDER_SIGNATURE)
            first_call = False
            emit({"functionCall": {"name": item.tool_name, "args": item.args_as_dict(), "id": item.tool_call_id}})
        elif isinstance(item, FilePart):
            emit({"inlineData": {"mimeType": item.content.media_type, "data": item.content.base64}})
        # (built-in tool parts, compaction, and kinds Gemini cannot replay are not sent)
    if pending:
        emit({"text": ""})
    return parts
