"""Messages: a conversation is a list of :class:`ModelRequest` (to the model) and :class:`ModelResponse`
(from it), serialised with :data:`ModelMessagesTypeAdapter` in the reference API's JSON format."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import KW_ONLY, field
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

import pydantic
from pydantic_core import core_schema

from .._lazy_pydantic import Tagged, lazy_adapter
from .._repr import fields_eq, no_defaults_repr
from .._usage import RequestUsage
from .content import UserContent
from .parts import ModelRequestPart, ModelResponsePart, TextPart, ThinkingPart, ToolCallPart, now_utc

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler

__all__ = [
    "FinishReason",
    "ModelMessage",
    "ModelMessagesTypeAdapter",
    "ModelRequest",
    "ModelResponse",
    "ToolReturn",
]

FinishReason: TypeAlias = Literal["stop", "length", "content_filter", "tool_call", "error"]
"""Why the model stopped, normalised across providers."""


@dataclasses.dataclass(repr=False, eq=False)
class ModelRequest:
    """A message sent to the model: prompts, tool returns and retry prompts."""

    parts: Sequence[ModelRequestPart]
    _: KW_ONLY
    timestamp: datetime | None = None
    """When the request was sent; set by the run (``None`` on requests built but not sent yet)."""
    instructions: str | None = None
    """The agent's instructions as sent with this request (re-evaluated for every request)."""
    kind: Literal["request"] = "request"
    run_id: str | None = None
    conversation_id: str | None = None
    metadata: dict[str, Any] | None = None
    state: Literal["complete", "interrupted"] = "complete"

    @classmethod
    def user_text_prompt(cls, text: str, *, instructions: str | None = None) -> ModelRequest:
        """A request holding one user prompt."""
        from .parts import UserPromptPart

        return cls(parts=[UserPromptPart(text)], instructions=instructions)

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


_RESPONSE_LEGACY_KEYS = {"vendor_details": "provider_details", "vendor_id": "provider_response_id"}


def _upgrade_response_keys(value: Any) -> Any:
    if isinstance(value, dict) and _RESPONSE_LEGACY_KEYS.keys() & value.keys():
        return {_RESPONSE_LEGACY_KEYS.get(k, k): v for k, v in value.items()}
    return value


@dataclasses.dataclass(repr=False, eq=False)
class ModelResponse:
    """A message from the model: text, tool calls, thinking and files, with usage and provider details."""

    parts: Sequence[ModelResponsePart]
    _: KW_ONLY
    usage: RequestUsage = field(default_factory=RequestUsage)
    model_name: str | None = None
    timestamp: datetime = field(default_factory=now_utc)
    kind: Literal["response"] = "response"
    provider_name: str | None = None
    provider_url: str | None = None
    provider_details: dict[str, Any] | None = None
    provider_response_id: str | None = None
    finish_reason: FinishReason | None = None
    run_id: str | None = None
    conversation_id: str | None = None
    metadata: dict[str, Any] | None = None
    state: Literal["complete", "incomplete", "suspended", "interrupted"] = "complete"

    @property
    def text(self) -> str | None:
        """The text parts: adjacent ones concatenated, separate runs joined by a blank line; ``None`` if none."""
        groups: list[list[str]] = []
        previous_was_text = False
        for part in self.parts:
            if isinstance(part, TextPart):
                if previous_was_text:
                    groups[-1].append(part.content)
                else:
                    groups.append([part.content])
                previous_was_text = True
            else:
                previous_was_text = False
        return "\n\n".join("".join(g) for g in groups) if groups else None

    @property
    def thinking(self) -> str | None:
        """All thinking parts joined by a blank line, or ``None``."""
        texts = [p.content for p in self.parts if isinstance(p, ThinkingPart)]
        return "\n\n".join(texts) if texts else None

    @property
    def tool_calls(self) -> list[ToolCallPart]:
        """The function and output tool calls in this response, in order."""
        return [p for p in self.parts if isinstance(p, ToolCallPart)]

    @classmethod
    def __get_pydantic_core_schema__(cls, source: type[Any], handler: GetCoreSchemaHandler) -> Any:
        return core_schema.no_info_before_validator_function(_upgrade_response_keys, handler(source))

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


ModelMessage: TypeAlias = Annotated[ModelRequest | ModelResponse, Tagged("kind")]
"""One message of a conversation."""

ModelMessagesTypeAdapter: pydantic.TypeAdapter[list[ModelMessage]] = lazy_adapter(
    list[ModelMessage], ser_json_bytes="base64", val_json_bytes="base64"
)
"""Validates and serialises a conversation (``list[ModelMessage]``) to and from the reference JSON format.

A ``pydantic.TypeAdapter`` in all but construction: it is built at first use, so that importing the package
does not load pydantic's schema machinery."""


@dataclasses.dataclass(repr=False, eq=False)
class ToolReturn:
    """A rich tool result: ``return_value`` goes back as the tool's return, ``content`` follows it as a user
    prompt (for images or documents the tool produced), ``metadata`` stays on the application side."""

    return_value: Any
    _: KW_ONLY
    content: str | Sequence[UserContent] | None = None
    metadata: Any = None
    kind: Literal["tool-return"] = "tool-return"

    __repr__ = no_defaults_repr
    __eq__ = fields_eq
