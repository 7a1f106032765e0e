"""The history as Responses API ``input`` items, and the request's ``instructions``, item for item as the
reference (pydantic-ai's ``OpenAIResponsesModel``) sends it.

Requests: a system prompt is a ``system`` message, a user prompt a ``user`` message (:mod:`.content`), a tool
result (or a retry prompt for a tool call) a ``function_call_output`` with the call's ``call_id``, and a retry
prompt not tied to a tool a ``user`` message. The newer part kinds are first turned into these
(:func:`~trio_agent.models._openai.prepare.prepare_messages`, with the system voice as system messages).

Responses: with item ids (``send_item_ids``, see ``openai_send_reasoning_ids``), the parts this provider made go
back as the items they came from: text as ``message`` items (parts with the same id in one item), tool calls as
``function_call`` items with their ``id``, and thinking as ``reasoning`` items whose ``summary`` holds the
thinking text and ``encrypted_content`` the part's ``signature`` (only with ``send_signatures``, the reasoning
models', since only they made one). Without ids, text goes as ``assistant`` messages, tool calls as
``function_call`` items without ``id``, and thinking as ``assistant`` text between ``<think>`` tags, except a
thinking part carrying the raw reasoning of an open-weight model (``provider_details['raw_content']``), which
goes back as a ``reasoning`` item either way. Provider-run (built-in) tool parts, files and compaction parts are
not sent.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

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
from .._openai.prepare import prepare_messages
from .content import user_content

__all__ = ["InputOptions", "map_input", "split_call_id"]


@dataclass(frozen=True)
class InputOptions:
    """How a history is mapped (see the module docstring)."""

    provider_name: str
    """The provider the request goes to: only its own parts go back as items with ids."""
    send_item_ids: bool
    send_signatures: bool
    deferred_tools: Collection[str] | None = None
    """The deferred tools a tool-availability announcement may name."""
    thinking_tags: tuple[str, str] = ("<think>", "</think>")
    """What thinking sent back as text goes between (the profile's ``thinking_tags``)."""


def split_call_id(tool_call_id: str) -> tuple[str, str | None]:
    """``(call_id, item_id)`` of a tool call id; the reference once stored both as ``'call_id|item_id'``."""
    call_id, sep, item_id = tool_call_id.partition("|")
    return call_id, (item_id if sep else None)


def map_input(messages: list[ModelMessage], options: InputOptions) -> tuple[str | None, list[dict[str, Any]]]:
    """``(instructions, input items)`` for ``messages``; the instructions are the latest request's."""
    items: list[dict[str, Any]] = []
    prepared = prepare_messages(messages, inline_system=True, deferred_tools=options.deferred_tools)
    for message in prepared:
        if isinstance(message, ModelRequest):
            items.extend(_request_items(message, options.provider_name))
        else:
            items.extend(_ResponseItems(message, options).items())
    instructions = next((m.instructions for m in reversed(messages) if isinstance(m, ModelRequest)), None)
    return instructions or None, items


def _request_items(request: ModelRequest, provider_name: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for part in request.parts:
        if isinstance(part, SystemPromptPart):
            items.append({"role": "system", "content": part.content})
        elif isinstance(part, UserPromptPart):
            items.append({"role": "user", "content": user_content(part.content, provider_name=provider_name)})
        elif isinstance(part, ToolReturnPart):
            call_id, _ = split_call_id(part.tool_call_id)
            items.append({"type": "function_call_output", "call_id": call_id, "output": part.model_response_str()})
        elif isinstance(part, RetryPromptPart) and part.tool_name is not None:
            call_id, _ = split_call_id(part.tool_call_id)
            items.append({"type": "function_call_output", "call_id": call_id, "output": part.model_response()})
        elif isinstance(part, RetryPromptPart):
            items.append({"role": "user", "content": [{"type": "input_text", "text": part.model_response()}]})
        # (speech, feedback and availability parts were turned into the kinds above by `prepare_messages`)
    return items


class _ResponseItems:
    """The input items of one response: a text (or thinking) part with the id of the latest ``message`` (or
    ``reasoning``) item goes into that item, as the reference groups them."""

    def __init__(self, response: ModelResponse, options: InputOptions) -> None:
        self._response = response
        self._options = options
        self._out: list[dict[str, Any]] = []
        self._message: dict[str, Any] | None = None
        self._reasoning: dict[str, Any] | None = None

    def items(self) -> list[dict[str, Any]]:
        for part in self._response.parts:
            if isinstance(part, TextPart):
                self._text(part)
            elif isinstance(part, ToolCallPart):
                self._tool_call(part)
            elif isinstance(part, ThinkingPart):
                self._thinking(part)
        return self._out

    def _own(self, part: TextPart | ToolCallPart | ThinkingPart) -> bool:
        """Whether ``part`` came from this provider (a part that does not say, if its response did)."""
        name = self._options.provider_name
        return part.provider_name == name or (part.provider_name is None and self._response.provider_name == name)

    def _with_id(self, part: TextPart | ToolCallPart | ThinkingPart) -> bool:
        return self._options.send_item_ids and self._own(part)

    def _text(self, part: TextPart) -> None:
        if not (part.id and self._with_id(part)):
            # (`type` is optional for OpenAI; llama.cpp's server refuses an assistant message without it)
            self._out.append({"type": "message", "role": "assistant", "content": part.content})
            return
        if self._message is None or self._message["id"] != part.id:
            self._message = {
                "type": "message",
                "role": "assistant",
                "id": part.id,
                "status": "completed",
                "content": [],
            }
            self._out.append(self._message)
        self._message["content"].append({"type": "output_text", "text": part.content, "annotations": []})

    def _tool_call(self, part: ToolCallPart) -> None:
        call_id, legacy_id = split_call_id(part.tool_call_id)
        item = {
            "type": "function_call",
            "call_id": call_id,
            "name": part.tool_name,
            "arguments": part.args_as_json_str(),
        }
        item_id = legacy_id or part.id
        if item_id and self._with_id(part):
            item["id"] = item_id
        self._out.append(item)

    def _thinking(self, part: ThinkingPart) -> None:
        raw: list[str] | None = (part.provider_details or {}).get("raw_content") if self._own(part) else None
        if not (part.id and (self._with_id(part) or raw)):
            if part.content:
                start, end = self._options.thinking_tags
                self._out.append({"type": "message", "role": "assistant", "content": f"{start}\n{part.content}\n{end}"})
            return
        signature = part.signature if part.signature and self._own(part) and self._options.send_signatures else None
        if (self._reasoning is None or self._reasoning["id"] != part.id) and (signature or part.content or raw):
            self._reasoning = {"type": "reasoning", "id": part.id, "summary": [], "encrypted_content": signature}
            self._out.append(self._reasoning)
        if self._reasoning is None or self._reasoning["id"] != part.id:
            return  # an empty part with nothing to send back
        if part.content:
            self._reasoning["summary"].append({"type": "summary_text", "text": part.content})
        if raw:
            self._reasoning["content"] = [{"type": "reasoning_text", "text": text} for text in raw]
