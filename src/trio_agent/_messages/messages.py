"""Messages: a conversation is a list of :class:`ModelRequest` (to the model) and :class:`ModelResponse`
(from it), serialised with :data:`ModelMessagesTypeAdapter` in the reference API's JSON format."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from dataclasses import KW_ONLY, field
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Generic, Literal, TypeAlias, TypeVar, cast

import pydantic

from .._lazy_pydantic import Tagged, lazy_adapter
from .._repr import fields_eq, no_defaults_repr
from .._usage import RequestUsage
from .content import BinaryContent, BinaryImage, UserContent
from .fields import history_fields, needs_faithful_dump, now_utc, plain_schemas
from .parts import (
    BuiltinToolCallPart,
    BuiltinToolReturnPart,
    FilePart,
    ModelRequestPart,
    ModelResponsePart,
    TextPart,
    ThinkingPart,
    ToolCallPart,
)
from .speech import SpeechPart, SpeechSeen, check_speaker

if TYPE_CHECKING:
    from genai_prices.types import PriceCalculation

__all__ = [
    "FinishReason",
    "ModelMessage",
    "ModelMessagesTypeAdapter",
    "ModelRequest",
    "ModelRequestState",
    "ModelResponse",
    "ModelResponseState",
    "ToolReturn",
]

FinishReason: TypeAlias = Literal["stop", "length", "content_filter", "tool_call", "error"]
"""Why the model stopped, normalised across providers."""

ModelRequestState: TypeAlias = Literal["complete", "interrupted"]
"""``'interrupted'``: the run ended while the request was being assembled (it was never sent)."""

ModelResponseState: TypeAlias = Literal["complete", "incomplete", "suspended", "interrupted"]
"""``'incomplete'``: still streaming; ``'suspended'``: paused, a continuation follows; ``'interrupted'``:
generation was stopped before the model finished."""


@history_fields()
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
    state: ModelRequestState = "complete"

    def __post_init__(self) -> None:
        if SpeechSeen.made:
            check_speaker(self.parts, "user", "ModelRequest")

    @classmethod
    def user_text_prompt(cls, text: str, *, instructions: str | None = None) -> ModelRequest:
        """A request holding one user prompt."""
        from .parts import UserPromptPart

        return cls(parts=[UserPromptPart(text)], instructions=instructions)

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@history_fields("model_id", upgraded={"vendor_details": "provider_details", "vendor_id": "provider_response_id"})
@dataclasses.dataclass(repr=False, eq=False)
class ModelResponse:
    """A message from the model: text, tool calls, thinking and files, with usage and provider details."""

    parts: Sequence[ModelResponsePart]
    _: KW_ONLY
    usage: RequestUsage = field(default_factory=RequestUsage)
    model_name: str | None = None
    timestamp: datetime = field(default_factory=now_utc)
    kind: Literal["response"] = "response"
    model_id: str | None = None
    """The model's full id (``'provider:name'``), as the newest reference release records it."""
    provider_name: str | None = None
    provider_url: str | None = None
    provider_details: dict[str, Any] | None = None
    provider_response_id: str | None = None
    finish_reason: FinishReason | None = None
    run_id: str | None = None
    conversation_id: str | None = None
    metadata: dict[str, Any] | None = None
    state: ModelResponseState = "complete"

    def __post_init__(self) -> None:
        if SpeechSeen.made:
            check_speaker(self.parts, "assistant", "ModelResponse")

    @property
    def text(self) -> str | None:
        """The text parts (and speech transcripts): adjacent ones concatenated, separate runs joined by a blank
        line; ``None`` if none."""
        groups: list[list[str]] = []
        previous_was_text = False
        for part in self.parts:
            if isinstance(part, TextPart) or (isinstance(part, SpeechPart) and part.content):
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

    @property
    def files(self) -> list[BinaryContent]:
        """The files the model generated (:class:`FilePart` contents), in order."""
        return [p.content for p in self.parts if isinstance(p, FilePart)]

    @property
    def images(self) -> list[BinaryImage]:
        """The generated files that are images."""
        return [f for f in self.files if isinstance(f, BinaryImage)]

    @property
    def builtin_tool_calls(self) -> list[tuple[BuiltinToolCallPart, BuiltinToolReturnPart]]:
        """Each provider-run tool call with its return (calls without a return in this response left out)."""
        calls = [p for p in self.parts if isinstance(p, BuiltinToolCallPart)]
        if not calls:
            return []
        returns = {p.tool_call_id: p for p in self.parts if isinstance(p, BuiltinToolReturnPart)}
        return [(call, returns[call.tool_call_id]) for call in calls if call.tool_call_id in returns]

    native_tool_calls = builtin_tool_calls

    def cost(self) -> PriceCalculation:
        """What this response cost, priced by ``genai-prices`` from its usage, model, provider and time.

        ``LookupError`` (from ``genai-prices``) when no price is known for the model; ``ValueError`` when the
        response names no model. Requires the ``genai-prices`` package.
        """
        if not self.model_name:
            raise ValueError("`ModelResponse.cost()` needs the response's `model_name` to look up a price")
        from genai_prices import calc_price

        if self.provider_name is not None:
            return calc_price(
                self.usage, self.model_name, provider_id=self.provider_name, genai_request_timestamp=self.timestamp
            )
        return calc_price(
            self.usage, self.model_name, provider_api_url=self.provider_url, genai_request_timestamp=self.timestamp
        )

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


ModelMessage: TypeAlias = Annotated[ModelRequest | ModelResponse, Tagged("kind")]
"""One message of a conversation."""


class _HistoryAdapter:
    """The history adapter: a ``pydantic.TypeAdapter`` for ``list[ModelMessage]`` in all but construction.

    Loading (and everything else) goes through the faithful schemas; dumping goes through the plain ones unless
    the history holds something loaded with more to give back (see :mod:`.fields`), which keeps the common
    dump at pydantic's own speed. Both are built at first use.
    """

    _config: ClassVar[dict[str, Any]] = {"ser_json_bytes": "base64", "val_json_bytes": "base64"}

    def __init__(self) -> None:
        self._faithful = lazy_adapter(list[ModelMessage], **self._config)

    @functools.cached_property
    def _plain(self) -> pydantic.TypeAdapter[Any]:
        from pydantic import ConfigDict, TypeAdapter

        with plain_schemas():
            return TypeAdapter(list[ModelMessage], config=ConfigDict(**self._config))  # type: ignore[typeddict-item]

    def dump_json(self, messages: Sequence[ModelMessage], /, **kwargs: Any) -> bytes:
        adapter = self._faithful if needs_faithful_dump(messages) else self._plain
        return adapter.dump_json(messages, **kwargs)

    def dump_python(self, messages: Sequence[ModelMessage], /, **kwargs: Any) -> Any:
        adapter = self._faithful if needs_faithful_dump(messages) else self._plain
        return adapter.dump_python(messages, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._faithful, name)

    def __repr__(self) -> str:
        return "TypeAdapter(list[ModelMessage]) (built at first use)"


ModelMessagesTypeAdapter: pydantic.TypeAdapter[list[ModelMessage]] = cast(
    "pydantic.TypeAdapter[list[ModelMessage]]", _HistoryAdapter()
)
"""Validates and serialises a conversation (``list[ModelMessage]``) to and from the reference JSON format.

A ``pydantic.TypeAdapter`` in all but construction: it is built at first use, so that importing the package
does not load pydantic's schema machinery."""


_ReturnT = TypeVar("_ReturnT")


@dataclasses.dataclass(repr=False, eq=False)
class ToolReturn(Generic[_ReturnT]):
    """A rich tool result: ``return_value`` goes back as the tool's return, ``content`` follows it as a user
    prompt (for images or documents the tool produced), ``metadata`` stays on the application side."""

    return_value: Any
    _: KW_ONLY
    content: str | Sequence[UserContent] | None = None
    metadata: Any = None
    kind: Literal["tool-return"] = "tool-return"

    __repr__ = no_defaults_repr
    __eq__ = fields_eq
