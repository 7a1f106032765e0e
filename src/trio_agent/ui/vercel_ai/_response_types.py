"""What the server streams to ``useChat``: the chunks of the UI message stream protocol (AI SDK 5 and 6).

Written from the SDK's documented chunk shapes (``ui-message-stream/ui-message-chunks.ts`` in the ``ai``
package, 5.0 and 6.0), which its client validates strictly: a chunk carries only the keys listed there, and
an AI SDK 5 client knows none of 6's (``tool-approval-request``, ``tool-output-denied``, ``finishReason``). Each is sent as
an SSE ``data:`` line holding its JSON (optional fields without a value left out); the stream ends with
``data: [DONE]`` (:class:`DoneChunk`). The response carries the header ``x-vercel-ai-ui-message-stream: v1``.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal, TypeAlias

from pydantic import Field
from pydantic_core import to_json

from ._models import CamelBaseModel
from ._request_types import ProviderMetadata

__all__ = [
    "FinishReason",
    "BaseChunk",
    "StartChunk",
    "StartStepChunk",
    "FinishStepChunk",
    "FinishChunk",
    "AbortChunk",
    "MessageMetadataChunk",
    "TextStartChunk",
    "TextDeltaChunk",
    "TextEndChunk",
    "ReasoningStartChunk",
    "ReasoningDeltaChunk",
    "ReasoningEndChunk",
    "ToolInputStartChunk",
    "ToolInputDeltaChunk",
    "ToolInputAvailableChunk",
    "ToolInputErrorChunk",
    "ToolOutputAvailableChunk",
    "ToolOutputErrorChunk",
    "ToolApprovalRequestChunk",
    "ToolOutputDeniedChunk",
    "FileChunk",
    "SourceUrlChunk",
    "SourceDocumentChunk",
    "DataChunk",
    "ErrorChunk",
    "DoneChunk",
]

FinishReason: TypeAlias = Literal["stop", "length", "content-filter", "tool-calls", "error", "other"]
"""Why the model stopped (sent on ``finish`` to AI SDK 6 clients only; AI SDK 5's schema has no such key)."""


class BaseChunk(CamelBaseModel):
    """A chunk of the stream (each kind has its ``type``)."""

    def encode(self) -> str:
        """The chunk's JSON: camelCase keys, optional fields without a value left out."""
        data = self.model_dump(mode="json", by_alias=True)
        fields = type(self).model_fields
        for name, info in fields.items():
            key = info.alias or name
            if not info.is_required() and data.get(key) is None:
                data.pop(key, None)
        return to_json(data).decode()


class StartChunk(BaseChunk):
    """The assistant message starts (``message_id``: its id, if the server chooses it)."""

    type: Literal["start"] = "start"
    message_id: str | None = None
    message_metadata: Any = None


class StartStepChunk(BaseChunk):
    """A step (one model response, and the tool calls it makes) starts."""

    type: Literal["start-step"] = "start-step"


class FinishStepChunk(BaseChunk):
    """The step is over."""

    type: Literal["finish-step"] = "finish-step"


class FinishChunk(BaseChunk):
    """The assistant message is complete."""

    type: Literal["finish"] = "finish"
    message_metadata: Any = None
    finish_reason: FinishReason | None = None


class AbortChunk(BaseChunk):
    """The stream was aborted."""

    type: Literal["abort"] = "abort"


class MessageMetadataChunk(BaseChunk):
    """Metadata for the assistant message."""

    type: Literal["message-metadata"] = "message-metadata"
    message_metadata: Any


class TextStartChunk(BaseChunk):
    """A text part ``id`` starts."""

    type: Literal["text-start"] = "text-start"
    id: str
    provider_metadata: ProviderMetadata | None = None


class TextDeltaChunk(BaseChunk):
    """Text for the part ``id``."""

    type: Literal["text-delta"] = "text-delta"
    id: str
    delta: str
    provider_metadata: ProviderMetadata | None = None


class TextEndChunk(BaseChunk):
    """The text part ``id`` is complete."""

    type: Literal["text-end"] = "text-end"
    id: str
    provider_metadata: ProviderMetadata | None = None


class ReasoningStartChunk(BaseChunk):
    """A reasoning part ``id`` starts."""

    type: Literal["reasoning-start"] = "reasoning-start"
    id: str
    provider_metadata: ProviderMetadata | None = None


class ReasoningDeltaChunk(BaseChunk):
    """Reasoning for the part ``id``."""

    type: Literal["reasoning-delta"] = "reasoning-delta"
    id: str
    delta: str
    provider_metadata: ProviderMetadata | None = None


class ReasoningEndChunk(BaseChunk):
    """The reasoning part ``id`` is complete."""

    type: Literal["reasoning-end"] = "reasoning-end"
    id: str
    provider_metadata: ProviderMetadata | None = None


class ToolInputStartChunk(BaseChunk):
    """A tool call starts: its arguments follow as text."""

    type: Literal["tool-input-start"] = "tool-input-start"
    tool_call_id: str
    tool_name: str
    provider_executed: bool | None = None
    dynamic: bool | None = None


class ToolInputDeltaChunk(BaseChunk):
    """More of a tool call's arguments (JSON text)."""

    type: Literal["tool-input-delta"] = "tool-input-delta"
    tool_call_id: str
    input_text_delta: str


class ToolInputAvailableChunk(BaseChunk):
    """A tool call's arguments are complete (``input``: parsed)."""

    type: Literal["tool-input-available"] = "tool-input-available"
    tool_call_id: str
    tool_name: str
    input: Any
    provider_executed: bool | None = None
    provider_metadata: ProviderMetadata | None = None
    dynamic: bool | None = None


class ToolInputErrorChunk(BaseChunk):
    """A tool call's arguments are unusable."""

    type: Literal["tool-input-error"] = "tool-input-error"
    tool_call_id: str
    tool_name: str
    input: Any
    error_text: str
    provider_executed: bool | None = None
    provider_metadata: ProviderMetadata | None = None
    dynamic: bool | None = None


class ToolOutputAvailableChunk(BaseChunk):
    """A tool call's output."""

    type: Literal["tool-output-available"] = "tool-output-available"
    tool_call_id: str
    output: Any
    provider_executed: bool | None = None
    dynamic: bool | None = None


class ToolOutputErrorChunk(BaseChunk):
    """A tool call failed."""

    type: Literal["tool-output-error"] = "tool-output-error"
    tool_call_id: str
    error_text: str
    provider_executed: bool | None = None
    dynamic: bool | None = None


class ToolApprovalRequestChunk(BaseChunk):
    """A tool call needs the user's approval before it runs (AI SDK 6): the client shows Approve / Deny and
    sends the answer back in the tool part's ``approval``, whose ``id`` is ``approval_id``."""

    type: Literal["tool-approval-request"] = "tool-approval-request"
    approval_id: str
    tool_call_id: str


class ToolOutputDeniedChunk(BaseChunk):
    """The user denied a tool call, which so did not run (AI SDK 6)."""

    type: Literal["tool-output-denied"] = "tool-output-denied"
    tool_call_id: str


class FileChunk(BaseChunk):
    """A file the model made (``url``: a ``data:`` URL)."""

    type: Literal["file"] = "file"
    url: str
    media_type: str


class SourceUrlChunk(BaseChunk):
    """A web page the answer cites."""

    type: Literal["source-url"] = "source-url"
    source_id: str
    url: str
    title: str | None = None
    provider_metadata: ProviderMetadata | None = None


class SourceDocumentChunk(BaseChunk):
    """A document the answer cites."""

    type: Literal["source-document"] = "source-document"
    source_id: str
    media_type: str
    title: str
    filename: str | None = None
    provider_metadata: ProviderMetadata | None = None


class DataChunk(BaseChunk):
    """The application's own data (``type`` is ``data-<name>``; ``transient``: not kept in the message)."""

    type: Annotated[str, Field(pattern=r"^data-")]
    id: str | None = None
    data: Any
    transient: bool | None = None


class ErrorChunk(BaseChunk):
    """The run failed: ``error_text`` says why."""

    type: Literal["error"] = "error"
    error_text: str


class DoneChunk(BaseChunk):
    """The end of the stream, sent as ``data: [DONE]``."""

    type: Literal["done"] = "done"
    DONE: ClassVar[str] = "[DONE]"

    def encode(self) -> str:
        return self.DONE
