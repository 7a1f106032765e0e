"""The history as the HTTP adapters map it: the newer part kinds turned into the basic ones every provider
understands, as the reference's ``Model.prepare_messages`` does before its adapters see a history.

Shared by the OpenAI and Anthropic request mappers (it lives here because this package owns neither
``models/_model.py`` nor a module of its own between the two). What it does, part kind by part kind:

* :class:`SpeechPart` (realtime history): a user's becomes a user prompt of its transcript, an assistant's a
  text part of its transcript, with ``[Interrupted after N ms]`` (or ``[Interrupted]`` on the last speech of an
  interrupted response) on a line of its own; speech without a transcript has nothing to send and is dropped,
  as is a message left with no parts.
* :class:`ToolAvailabilityDeltaPart`: state, not content. It is announced as
  ``The following tool(s) are now available: `a`, `b``` only for the tools it names that are deferred function
  tools of this request (the model sees their schemas in ``tools`` but not when they appeared); otherwise
  it is dropped. An announcement goes after the request's tool results.
* :class:`RetryFeedbackPart`: a ``'validation_error'`` quotes back what the model wrote, so it goes out as a
  user prompt fenced in ``<validation_errors>`` (the error details as compact JSON); any other cause carries
  a message the agent's author wrote, so it goes out in the system voice.
* The system voice (feedback, announcements) is a mid-conversation system prompt where the provider takes one
  (``inline_system=True``) and ``<system>``-tagged user text where it does not. A closing tag inside wrapped or
  fenced text is neutralised (``</system`` becomes ``&lt;/system``) so it cannot end the statement early.
* Native tool-search parts from another provider than ``native_tool_search_provider``: the provider-run
  search becomes the local ``search_tools`` exchange (a call in the response, its return in a request of its
  own, the rest of the response after it), so the tools it found stay explained.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Sequence
from typing import Any

import pydantic_core

from ..._messages.messages import ModelMessage, ModelRequest, ModelResponse
from ..._messages.parts import (
    RetryFeedbackPart,
    RetryPromptPart,
    SpeechPart,
    SystemPromptPart,
    TextPart,
    ToolAvailabilityDeltaPart,
    ToolReturnPart,
    UserPromptPart,
)
from ..._messages.typed_tool_parts import (
    NativeToolSearchCallPart,
    NativeToolSearchReturnPart,
    ToolSearchCallPart,
    ToolSearchReturnPart,
)
from ..._usage import RequestUsage

__all__ = ["TOOL_AVAILABILITY_ANNOUNCEMENT", "escape_closing_tag", "prepare_messages"]

TOOL_AVAILABILITY_ANNOUNCEMENT = "The following tool(s) are now available: {names}"
"""What a tool-availability change says to a model whose API cannot express one (the reference's wording)."""

_PREPARED_KINDS = frozenset(
    {SpeechPart, ToolAvailabilityDeltaPart, RetryFeedbackPart, NativeToolSearchCallPart, NativeToolSearchReturnPart}
)
"""The part kinds this module rewrites (looked up by exact type: this runs over every part of every request)."""
_SYSTEM_TAG = "system"
_VALIDATION_TAG = "validation_errors"


def escape_closing_tag(text: str, tag: str) -> str:
    """``text`` with every closing ``tag`` (any case, spaces allowed around the ``/``) starting ``&lt;``."""
    return re.sub(rf"<(\s*/\s*{tag})", r"&lt;\1", text, flags=re.IGNORECASE)


def prepare_messages(
    messages: Sequence[ModelMessage],
    *,
    inline_system: bool,
    deferred_tools: Collection[str] | None = None,
    native_tool_search_provider: str | None = None,
) -> list[ModelMessage]:
    """``messages`` with the part kinds above turned into basic ones (see the module docstring).

    ``deferred_tools``: the names a :class:`ToolAvailabilityDeltaPart` may announce (``None``: any it names).
    Returns the same messages, unchanged, when none of those kinds is present (the usual case).
    """
    if not _has_prepared_kinds(messages):
        return list(messages)
    out: list[ModelMessage] = []
    first_request = True
    for message in messages:
        if isinstance(message, ModelRequest):
            request = _prepare_request(message, inline_system, deferred_tools, first_request)
            first_request = False
            if request is not None:
                out.append(request)
        else:
            out.extend(_prepare_response(message, native_tool_search_provider))
    return out


def _has_prepared_kinds(messages: Sequence[ModelMessage]) -> bool:
    # (plain loops, by exact type: this runs over every part of every request, and a generator costs more)
    for message in messages:
        for part in message.parts:
            if type(part) in _PREPARED_KINDS:
                return True
    return False


def _system_voice(text: str, inline_system: bool) -> SystemPromptPart | UserPromptPart:
    if inline_system:
        return SystemPromptPart(text)
    return UserPromptPart(f"<{_SYSTEM_TAG}>{escape_closing_tag(text, _SYSTEM_TAG)}</{_SYSTEM_TAG}>")


def _feedback(part: RetryFeedbackPart, inline_system: bool) -> SystemPromptPart | UserPromptPart:
    content = part.content
    if part.cause == "validation_error" or not isinstance(content, str):
        quoted = content if isinstance(content, str) else pydantic_core.to_json(content).decode()
        fenced = escape_closing_tag(quoted, _VALIDATION_TAG)
        return UserPromptPart(f"<{_VALIDATION_TAG}>\n{fenced}\n</{_VALIDATION_TAG}>")
    return _system_voice(content, inline_system)


def _is_tool_result(part: Any) -> bool:
    return isinstance(part, ToolReturnPart) or (isinstance(part, RetryPromptPart) and part.tool_name is not None)


def _prepare_request(
    request: ModelRequest, inline_system: bool, deferred_tools: Collection[str] | None, first_request: bool
) -> ModelRequest | None:
    parts: list[Any] = []
    announced = False
    for part in request.parts:
        if isinstance(part, SpeechPart):
            if part.transcript:
                parts.append(UserPromptPart(part.transcript))
        elif isinstance(part, ToolAvailabilityDeltaPart):
            added = [name for name in part.tools_added if deferred_tools is None or name in deferred_tools]
            if added:
                names = ", ".join(f"`{name}`" for name in added)
                parts.append(_system_voice(TOOL_AVAILABILITY_ANNOUNCEMENT.format(names=names), inline_system))
                announced = True
        elif isinstance(part, RetryFeedbackPart):
            parts.append(_feedback(part, inline_system))
        else:
            parts.append(part)
    if not parts:
        return None
    if announced:
        # Tool results answer the previous turn, so they open the message (Anthropic requires it); the
        # system prompts opening the first request are the standing prompt and stay first.
        keep = 0
        while first_request and keep < len(parts) and isinstance(parts[keep], SystemPromptPart):
            keep += 1
        parts = [*parts[:keep], *sorted(parts[keep:], key=lambda p: not _is_tool_result(p))]
    return dataclasses.replace(request, parts=parts)


def _prepare_response(response: ModelResponse, native_tool_search_provider: str | None) -> list[ModelMessage]:
    last_speech = max((i for i, p in enumerate(response.parts) if isinstance(p, SpeechPart)), default=None)
    out: list[ModelMessage] = []
    buffer: list[Any] = []
    split = False
    for index, part in enumerate(response.parts):
        if isinstance(part, SpeechPart):
            lines = [part.transcript] if part.transcript else []
            if part.interrupted_at_ms is not None:
                lines.append(f"[Interrupted after {part.interrupted_at_ms} ms]")
            elif response.state == "interrupted" and index == last_speech:
                lines.append("[Interrupted]")
            if lines:
                buffer.append(TextPart("\n".join(lines)))
        elif isinstance(part, NativeToolSearchCallPart) and part.provider_name != native_tool_search_provider:
            buffer.append(ToolSearchCallPart(args=part.args, tool_call_id=part.tool_call_id))
        elif isinstance(part, NativeToolSearchReturnPart) and part.provider_name != native_tool_search_provider:
            if buffer:
                out.append(_split(response, buffer, first=not split))
                split = True
            local = ToolSearchReturnPart(
                content=part.content,
                tool_call_id=part.tool_call_id,
                metadata=part.metadata,
                timestamp=part.timestamp,
                outcome=part.outcome,
            )
            out.append(ModelRequest(parts=[local]))
            buffer = []
        else:
            buffer.append(part)
    if buffer:
        out.append(_split(response, buffer, first=not split))
    return out


def _split(response: ModelResponse, parts: list[Any], *, first: bool) -> ModelResponse:
    """A response holding ``parts`` of ``response``; only the first keeps its id and usage (one API call)."""
    if first:
        return dataclasses.replace(response, parts=parts)
    return dataclasses.replace(response, parts=parts, provider_response_id=None, usage=RequestUsage())
