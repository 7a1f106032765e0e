"""UI messages to our history and back.

Loading: a system message's text becomes system prompts; a user message one user prompt (text and files); an
assistant message's parts become response parts in order, except that a tool call's output (or error) becomes a
tool return (or retry prompt) in a request of its own, so the text after it starts a new response. Data, source
and step-start parts carry nothing for the model and are skipped.

Dumping: the reverse. Consecutive responses (and the tool returns between them) make one assistant message,
each response a step; a tool call's part carries its output. Retry prompts that answer no tool call (output
validation feedback) are the engine's, not the user's words, and are left out.

Approvals (AI SDK 6): a call the user denied (``output-denied``) loads as a tool return with
``outcome='denied'`` whose content is the user's reason (or ``ToolDenied``'s default message), and such a return
dumps back as ``output-denied``. A call waiting for the user (``approval-requested``) or answered by the user
but not yet by the server (``approval-responded``) loads as the call alone: the run answers the latter, with
:func:`approval_results`, from the last message's parts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from uuid import uuid4

from ..._messages.content import AudioUrl, BinaryContent, DocumentUrl, FileUrl, ImageUrl, UserContent, VideoUrl
from ..._messages.messages import ModelMessage, ModelRequest, ModelResponse
from ..._messages.parts import (
    BuiltinToolCallPart,
    BuiltinToolReturnPart,
    FilePart,
    ModelRequestPart,
    RetryPromptPart,
    SystemPromptPart,
    TextPart,
    ThinkingPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from ..._tools.deferred import DeferredToolResults, ToolApproved, ToolDenied
from .._messages_builder import MessagesBuilder
from ._event_stream import approval_id, tool_error_text, tool_output
from ._request_types import (
    DynamicToolUIPart,
    FileUIPart,
    ReasoningUIPart,
    StepStartUIPart,
    TextUIPart,
    ToolApproval,
    ToolState,
    ToolUIPart,
    UIMessage,
    UIMessagePart,
)

__all__ = ["approval_results", "dump_messages", "load_messages"]


def load_messages(messages: Sequence[UIMessage]) -> list[ModelMessage]:
    """``messages`` as our history (``ValueError`` for a part a message of its role cannot have)."""
    builder = MessagesBuilder()
    for message in messages:
        if message.role == "system":
            for part in message.parts:
                if not isinstance(part, TextUIPart):
                    raise ValueError(f"A system message can have only text parts, not {part.type!r}")
                builder.add(SystemPromptPart(part.text))
        elif message.role == "user":
            content = [_user_content(part) for part in message.parts if not isinstance(part, StepStartUIPart)]
            if len(content) == 1 and isinstance(content[0], str):
                builder.add(UserPromptPart(content[0]))
            elif content:
                builder.add(UserPromptPart(content))
        else:
            _load_assistant_message(builder, message)
    return builder.messages


def _user_content(part: UIMessagePart) -> UserContent:
    if isinstance(part, TextUIPart):
        return part.text
    if isinstance(part, FileUIPart):
        if part.url.startswith("data:"):
            return BinaryContent.from_data_uri(part.url)
        kind = part.media_type.partition("/")[0]
        if kind == "image":
            return ImageUrl(part.url, media_type=part.media_type)
        if kind == "audio":
            return AudioUrl(part.url, media_type=part.media_type)
        if kind == "video":
            return VideoUrl(part.url, media_type=part.media_type)
        return DocumentUrl(part.url, media_type=part.media_type)
    raise ValueError(f"A user message can have only text and file parts, not {part.type!r}")


def _load_assistant_message(builder: MessagesBuilder, message: UIMessage) -> None:
    """A step's tool calls go into one response and their outputs into the request after it: the outputs wait
    for the step's end (the next ``step-start``, a part that is not a tool call, or the message's end)."""
    outputs: list[ModelRequestPart] = []
    for part in message.parts:
        if outputs and not isinstance(part, ToolUIPart | DynamicToolUIPart):
            for output in outputs:
                builder.add(output)
            outputs = []
        if isinstance(part, TextUIPart):
            builder.add(TextPart(part.text))
        elif isinstance(part, ReasoningUIPart):
            builder.add(ThinkingPart(part.text))
        elif isinstance(part, FileUIPart):
            if not part.url.startswith("data:"):
                raise ValueError("An assistant message's file part must carry its file as a `data:` URL")
            builder.add(FilePart(BinaryContent.from_data_uri(part.url)))
        elif isinstance(part, ToolUIPart | DynamicToolUIPart):
            outputs.extend(_load_tool_part(builder, part))
    for output in outputs:
        builder.add(output)


def _load_tool_part(builder: MessagesBuilder, part: ToolUIPart | DynamicToolUIPart) -> list[ModelRequestPart]:
    """Add the call to the response; return its output (if it has one) for the request after it."""
    name, call_id, args = part.tool_name, part.tool_call_id, _tool_args(part.input)
    if isinstance(part, ToolUIPart) and part.provider_executed:
        builder.add(BuiltinToolCallPart(name, args, call_id))
        if part.state == "output-available":
            builder.add(BuiltinToolReturnPart(name, part.output, call_id))
        return []
    builder.add(ToolCallPart(name, args, call_id))
    if part.state == "output-available":
        return [ToolReturnPart(name, part.output, call_id)]
    if part.state == "output-error":
        return [RetryPromptPart(part.error_text or "The tool call failed.", tool_name=name, tool_call_id=call_id)]
    if part.state == "output-denied":
        return [ToolReturnPart(name, _denial(part.approval).message, call_id, outcome="denied")]
    return []  # (a call still streaming, or waiting: for the frontend, or for the user's approval or its answer)


def _denial(approval: ToolApproval | None) -> ToolDenied:
    """What the model is told of a call the user denied: their reason, if they gave one."""
    reason = approval.reason if approval is not None else None
    return ToolDenied(reason) if reason else ToolDenied()


def approval_results(messages: Sequence[UIMessage]) -> DeferredToolResults | None:
    """The user's answers to the calls that needed approval, for the run to resume with: the tool parts in state
    ``approval-responded`` of the last message, if it is the assistant's (``None`` if there are none). A call
    in an earlier message stays unanswered: the conversation has moved on."""
    if not messages or messages[-1].role != "assistant":
        return None
    approvals: dict[str, bool | ToolApproved | ToolDenied] = {}
    for part in messages[-1].parts:
        if isinstance(part, ToolUIPart | DynamicToolUIPart) and part.state == "approval-responded":
            approved = part.approval is not None and part.approval.approved is True
            approvals[part.tool_call_id] = True if approved else _denial(part.approval)
    return DeferredToolResults(approvals=approvals) if approvals else None


def _tool_args(value: Any) -> str | dict[str, Any] | None:
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        return parsed if isinstance(parsed, dict) else value
    if value is None or isinstance(value, dict):
        return value
    return json.dumps(value)


def dump_messages(messages: Sequence[ModelMessage]) -> list[UIMessage]:
    """Our history as UI messages (ids are new)."""
    results: dict[str, ToolReturnPart | RetryPromptPart] = {
        part.tool_call_id: part
        for message in messages
        if isinstance(message, ModelRequest)
        for part in message.parts
        if isinstance(part, ToolReturnPart | RetryPromptPart)
        and not (isinstance(part, RetryPromptPart) and part.tool_name is None)
    }
    dumped: list[UIMessage] = []
    assistant: UIMessage | None = None
    for message in messages:
        if isinstance(message, ModelResponse):
            if assistant is None:
                assistant = UIMessage(id=str(uuid4()), role="assistant", parts=[])
                dumped.append(assistant)
            assistant.parts.append(StepStartUIPart())
            assistant.parts.extend(_response_parts(message, results))
            continue
        system: list[UIMessagePart] = [
            TextUIPart(text=p.content, state="done") for p in message.parts if isinstance(p, SystemPromptPart)
        ]
        user = [ui for p in message.parts if isinstance(p, UserPromptPart) for ui in _user_ui_parts(p)]
        if system:
            dumped.append(UIMessage(id=str(uuid4()), role="system", parts=system))
        if user:
            dumped.append(UIMessage(id=str(uuid4()), role="user", parts=user))
        if system or user:
            assistant = None
    return dumped


def _user_ui_parts(part: UserPromptPart) -> list[UIMessagePart]:
    items = [part.content] if isinstance(part.content, str) else part.content
    parts: list[UIMessagePart] = []
    for item in items:
        if isinstance(item, str):
            parts.append(TextUIPart(text=item, state="done"))
        elif isinstance(item, BinaryContent):
            parts.append(FileUIPart(media_type=item.media_type, url=item.data_uri))
        elif isinstance(item, FileUrl):
            parts.append(FileUIPart(media_type=item.media_type or "application/octet-stream", url=item.url))
    return parts


def _response_parts(
    message: ModelResponse, results: dict[str, ToolReturnPart | RetryPromptPart]
) -> list[UIMessagePart]:
    builtin_returns = {p.tool_call_id: p for p in message.parts if isinstance(p, BuiltinToolReturnPart)}
    parts: list[UIMessagePart] = []
    for part in message.parts:
        if isinstance(part, TextPart):
            parts.append(TextUIPart(text=part.content, state="done"))
        elif isinstance(part, ThinkingPart):
            parts.append(ReasoningUIPart(text=part.content, state="done"))
        elif isinstance(part, FilePart):
            parts.append(FileUIPart(media_type=part.content.media_type, url=part.content.data_uri))
        elif isinstance(part, ToolCallPart | BuiltinToolCallPart):
            if isinstance(part, BuiltinToolCallPart):
                parts.append(_tool_ui_part(part, builtin_returns.get(part.tool_call_id), builtin=True))
            else:
                parts.append(_tool_ui_part(part, results.get(part.tool_call_id), builtin=False))
    return parts


def _tool_ui_part(
    call: ToolCallPart | BuiltinToolCallPart,
    result: ToolReturnPart | BuiltinToolReturnPart | RetryPromptPart | None,
    builtin: bool,
) -> ToolUIPart:
    state: ToolState = "input-available"
    output: Any = None
    approval: ToolApproval | None = None
    error_text = None if result is None else tool_error_text(result)
    if error_text is not None:
        state = "output-error"
    elif isinstance(result, ToolReturnPart) and result.outcome == "denied":
        state = "output-denied"
        approval = ToolApproval(id=approval_id(call.tool_call_id), approved=False, reason=result.model_response_str())
    elif isinstance(result, ToolReturnPart | BuiltinToolReturnPart):
        state, output = "output-available", tool_output(result)
    return ToolUIPart(
        type=f"tool-{call.tool_name}",
        tool_call_id=call.tool_call_id,
        state=state,
        input=call.args_as_dict(),
        output=output,
        error_text=error_text,
        provider_executed=True if builtin else None,
        approval=approval,
    )
