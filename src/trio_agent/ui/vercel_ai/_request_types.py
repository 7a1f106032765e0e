"""What the Vercel AI SDK's ``useChat`` sends: the request body and the UI messages in it (AI SDK 5 and 6).

Written from the SDK's documented ``UIMessage`` shapes (``ui/ui-messages.ts`` in the ``ai`` package, 5.0 and
6.0): a message has a role and a list of parts; a tool part's ``type`` is ``tool-<tool name>`` (``dynamic-tool``
for tools the client does not declare) and its ``state`` says how far the call got. AI SDK 6 adds the states of
a call that needs the user's approval (``approval-requested``, ``approval-responded``, ``output-denied``), each
with the part's ``approval``; a part in one of them without a fitting ``approval`` is not valid. Fields newer SDKs
add are ignored, so a newer client's messages still load.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self, TypeAlias

from pydantic import Discriminator, Field, Tag, TypeAdapter, model_validator

from ._models import CamelBaseModel

__all__ = [
    "ProviderMetadata",
    "TextUIPart",
    "ReasoningUIPart",
    "FileUIPart",
    "SourceUrlUIPart",
    "SourceDocumentUIPart",
    "StepStartUIPart",
    "DataUIPart",
    "ToolState",
    "ToolApproval",
    "ToolUIPart",
    "DynamicToolUIPart",
    "UIMessagePart",
    "UIMessage",
    "SubmitMessage",
    "RegenerateMessage",
    "RequestData",
    "request_data_ta",
]

ProviderMetadata: TypeAlias = dict[str, dict[str, Any]]
"""Provider-specific data, keyed by provider."""


class TextUIPart(CamelBaseModel):
    """Text, the user's or the model's."""

    type: Literal["text"] = "text"
    text: str
    state: Literal["streaming", "done"] | None = None
    provider_metadata: ProviderMetadata | None = None


class ReasoningUIPart(CamelBaseModel):
    """The model's reasoning."""

    type: Literal["reasoning"] = "reasoning"
    text: str
    state: Literal["streaming", "done"] | None = None
    provider_metadata: ProviderMetadata | None = None


class FileUIPart(CamelBaseModel):
    """A file: ``url`` is where it lives, or a ``data:`` URL carrying it."""

    type: Literal["file"] = "file"
    media_type: str
    filename: str | None = None
    url: str
    provider_metadata: ProviderMetadata | None = None


class SourceUrlUIPart(CamelBaseModel):
    """A web page the answer cites."""

    type: Literal["source-url"] = "source-url"
    source_id: str
    url: str
    title: str | None = None
    provider_metadata: ProviderMetadata | None = None


class SourceDocumentUIPart(CamelBaseModel):
    """A document the answer cites."""

    type: Literal["source-document"] = "source-document"
    source_id: str
    media_type: str
    title: str
    filename: str | None = None
    provider_metadata: ProviderMetadata | None = None


class StepStartUIPart(CamelBaseModel):
    """Where a step (one model response) of an assistant message starts."""

    type: Literal["step-start"] = "step-start"


class DataUIPart(CamelBaseModel):
    """The application's own data (``type`` is ``data-<name>``); never shown to the model."""

    type: Annotated[str, Field(pattern=r"^data-")]
    id: str | None = None
    data: Any = None


ToolState: TypeAlias = Literal[
    "input-streaming",
    "input-available",
    "approval-requested",
    "approval-responded",
    "output-available",
    "output-error",
    "output-denied",
]
"""How far a tool call got: its arguments streaming, complete, waiting for the user's approval, approved or
denied by the user (the server has not answered yet), its output there, its error, or denied (AI SDK 6 has the
three approval states)."""

_APPROVAL_STATES = frozenset({"approval-requested", "approval-responded", "output-denied"})


class ToolApproval(CamelBaseModel):
    """The user's approval of a tool call (AI SDK 6): ``id`` is the ``tool-approval-request`` chunk's
    ``approvalId``; ``approved`` is unset until the user answers, ``reason`` why they denied it (or approved)."""

    id: str
    approved: bool | None = None
    reason: str | None = None


def _check_approval(state: ToolState, approval: ToolApproval | None) -> None:
    """A tool part's ``approval`` fits its ``state`` (``ValueError`` saying how it does not)."""
    if state in _APPROVAL_STATES and approval is None:
        raise ValueError(f"a tool part in state {state!r} needs its `approval` (an object with the approval's `id`)")
    if state == "approval-responded" and approval is not None and approval.approved is None:
        raise ValueError("a tool part in state 'approval-responded' needs `approval.approved` (true or false)")
    if state == "output-denied" and approval is not None and approval.approved:
        raise ValueError("a tool part in state 'output-denied' cannot have `approval.approved` true")


class ToolUIPart(CamelBaseModel):
    """A call of a tool the client declares: ``type`` is ``tool-<tool name>``."""

    type: Annotated[str, Field(pattern=r"^tool-")]
    tool_call_id: str
    state: ToolState
    input: Any = None
    output: Any = None
    error_text: str | None = None
    provider_executed: bool | None = None
    call_provider_metadata: ProviderMetadata | None = None
    preliminary: bool | None = None
    approval: ToolApproval | None = None

    @property
    def tool_name(self) -> str:
        return self.type.removeprefix("tool-")

    @model_validator(mode="after")
    def _approval_fits_state(self) -> Self:
        _check_approval(self.state, self.approval)
        return self


class DynamicToolUIPart(CamelBaseModel):
    """A call of a tool the client does not declare."""

    type: Literal["dynamic-tool"] = "dynamic-tool"
    tool_name: str
    tool_call_id: str
    state: ToolState
    input: Any = None
    output: Any = None
    error_text: str | None = None
    call_provider_metadata: ProviderMetadata | None = None
    preliminary: bool | None = None
    approval: ToolApproval | None = None

    @model_validator(mode="after")
    def _approval_fits_state(self) -> Self:
        _check_approval(self.state, self.approval)
        return self


def _part_tag(value: Any) -> str | None:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    if not isinstance(kind, str):
        return None
    if kind.startswith("tool-"):
        return "tool"
    if kind.startswith("data-"):
        return "data"
    return kind


UIMessagePart: TypeAlias = Annotated[
    Annotated[TextUIPart, Tag("text")]
    | Annotated[ReasoningUIPart, Tag("reasoning")]
    | Annotated[FileUIPart, Tag("file")]
    | Annotated[SourceUrlUIPart, Tag("source-url")]
    | Annotated[SourceDocumentUIPart, Tag("source-document")]
    | Annotated[StepStartUIPart, Tag("step-start")]
    | Annotated[DataUIPart, Tag("data")]
    | Annotated[ToolUIPart, Tag("tool")]
    | Annotated[DynamicToolUIPart, Tag("dynamic-tool")],
    Discriminator(_part_tag),
]
"""A part of a :class:`UIMessage`, told apart by its ``type``."""


class UIMessage(CamelBaseModel):
    """A message as the UI holds it."""

    id: str
    role: Literal["system", "user", "assistant"]
    metadata: Any = None
    parts: list[UIMessagePart]


class SubmitMessage(CamelBaseModel, extra="allow"):
    """The user sent a message (the last of ``messages``); ``id`` is the chat's. Extra fields are the
    application's own (``useChat``'s ``body`` option) and are kept."""

    trigger: Literal["submit-message"] = "submit-message"
    id: str
    messages: list[UIMessage]


class RegenerateMessage(CamelBaseModel, extra="allow"):
    """The user asked for the assistant message ``message_id`` again (``messages`` stop before it)."""

    trigger: Literal["regenerate-message"]
    id: str
    messages: list[UIMessage]
    message_id: str | None = None


def _trigger_tag(value: Any) -> str:
    trigger = value.get("trigger") if isinstance(value, dict) else getattr(value, "trigger", None)
    return trigger if isinstance(trigger, str) else "submit-message"


RequestData: TypeAlias = Annotated[
    Annotated[SubmitMessage, Tag("submit-message")] | Annotated[RegenerateMessage, Tag("regenerate-message")],
    Discriminator(_trigger_tag),
]
"""A request body ``useChat`` sends, told apart by ``trigger`` (a submission when there is none)."""

request_data_ta: TypeAdapter[RequestData] = TypeAdapter(RequestData)
"""Validates a :data:`RequestData` (``request_data_ta.validate_json(body)``)."""
