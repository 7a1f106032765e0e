"""Message parts: what a request to the model and a response from it are made of.

Request parts (``part_kind``): ``system-prompt``, ``user-prompt``, ``tool-return``, ``retry-prompt`` and, for
histories written by newer reference releases, ``retry-feedback``. Response parts: ``text``, ``tool-call``,
``thinking``, ``file``, ``builtin-tool-call``, ``builtin-tool-return``, ``compaction``. Field names, defaults and
JSON keys match the reference API so stored histories load in either library.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import KW_ONLY, field
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, TypeAlias

import pydantic
import pydantic_core

from .._ids import new_tool_call_id
from .._lazy_pydantic import After, Tagged, lazy_adapter
from .._repr import fields_eq, no_defaults_repr
from .content import BinaryContent, MultiModalContent, UserContent

__all__ = [
    "BuiltinToolCallPart",
    "BuiltinToolReturnPart",
    "CompactionPart",
    "FilePart",
    "ModelRequestPart",
    "ModelResponsePart",
    "RetryFeedbackPart",
    "RetryPromptPart",
    "SystemPromptPart",
    "TextPart",
    "ThinkingPart",
    "ToolCallPart",
    "ToolReturnPart",
    "UserPromptPart",
    "error_details",
]

_now = datetime.now
_UTC = UTC


def now_utc() -> datetime:
    """The current time, timezone-aware in UTC (the default of every ``timestamp`` field)."""
    return _now(_UTC)


_RETRY_SUFFIX = "\n\nFix the errors and try again."
_any_json = lazy_adapter(Any, ser_json_bytes="base64")


_FILE_KINDS = frozenset({"image-url", "audio-url", "document-url", "video-url", "binary", "uploaded-file"})
_multimodal = lazy_adapter(MultiModalContent, ser_json_bytes="base64", val_json_bytes="base64")


def _revive_files(value: Any) -> Any:
    """Turn file items stored in a tool return's JSON back into content objects, as the reference does.

    A dict counts as a file when its ``kind`` is a file kind and it has a ``url``, ``media_type`` or ``file_id``
    key; if it then fails to validate it is kept as it was. Lists and dicts are searched recursively.
    """
    if isinstance(value, dict):
        if value.get("kind") in _FILE_KINDS and ("url" in value or "media_type" in value or "file_id" in value):
            try:
                return _multimodal.validate_json(pydantic_core.to_json(value, bytes_mode="base64"))
            except (pydantic.ValidationError, pydantic_core.PydanticSerializationError):
                return value
        return {k: _revive_files(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_revive_files(v) for v in value]
    return value


ToolReturnContent: TypeAlias = Annotated[Any, After(_revive_files)]
"""A tool's return value: anything, with file items (``ImageUrl``, ``BinaryContent``, ...) restored on load."""


# -- request parts -------------------------------------------------------------------------------------


@dataclasses.dataclass(repr=False, eq=False)
class SystemPromptPart:
    """A system prompt, sent at the start of a conversation."""

    content: str
    _: KW_ONLY
    timestamp: datetime = field(default_factory=now_utc)
    dynamic_ref: str | None = None
    """The qualified name of the dynamic system-prompt function that produced this part, if any."""
    part_kind: Literal["system-prompt"] = "system-prompt"

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False)
class UserPromptPart:
    """What the user said: text, or a sequence of text and multimodal items."""

    content: str | Sequence[UserContent]
    _: KW_ONLY
    timestamp: datetime = field(default_factory=now_utc)
    part_kind: Literal["user-prompt"] = "user-prompt"

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False)
class ToolReturnPart:
    """The value a tool returned, sent back to the model."""

    tool_name: str
    content: ToolReturnContent
    tool_call_id: str = field(default_factory=new_tool_call_id)
    _: KW_ONLY
    tool_kind: str | None = None
    metadata: Any = None
    """Application-side data about the return; never sent to the model."""
    timestamp: datetime = field(default_factory=now_utc)
    outcome: Literal["success", "failed", "denied", "interrupted", "retried"] = "success"
    part_kind: Literal["tool-return"] = "tool-return"

    def model_response_str(self) -> str:
        """The content as the text a model sees (JSON for non-string values; failures as ``{"error": ...}``)."""
        text = _content_text(self.content)
        if self.outcome == "failed":
            return pydantic_core.to_json({"error": text}).decode()
        return text

    def model_response_object(self) -> dict[str, Any]:
        """The content as a JSON object, for providers that want one (``{'return_value': ...}`` for scalars)."""
        if self.outcome == "failed":
            return {"error": _content_text(self.content)}
        value = _any_json.dump_python(self.content, mode="json", by_alias=True)
        if value is None:
            return {}
        if isinstance(value, dict):
            return value
        return {"return_value": value}

    def has_content(self) -> bool:
        return self.content is not None

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


def _content_text(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    return _any_json.dump_json(content, by_alias=True).decode()


_MAX_INPUT_DEPTH = 32
"""How deeply nested an invalid value echoed back in a retry prompt may be: a history is JSON, and pydantic's
JSON parser refuses documents nested about 200 levels deep, so a deeper echo would make it unloadable."""


def error_details(exc: pydantic.ValidationError, *, include_context: bool = True) -> list[pydantic_core.ErrorDetails]:
    """``exc``'s errors as a :class:`RetryPromptPart`'s content: each with the invalid ``input`` echoed back,
    unless it is nested too deeply to keep in a history (then a short description takes its place)."""
    details = exc.errors(include_url=False, include_context=include_context)
    for detail in details:
        if _nested_deeper_than(detail["input"], _MAX_INPUT_DEPTH):
            detail["input"] = f"<a {type(detail['input']).__name__} nested more than {_MAX_INPUT_DEPTH} levels deep>"
    return details


def _nested_deeper_than(value: Any, limit: int) -> bool:
    level: list[Any] = [value]
    for _ in range(limit + 1):
        level = [
            child
            for item in level
            if isinstance(item, list | tuple | dict)
            for child in (item.values() if isinstance(item, dict) else item)
        ]
        if not level:
            return False
    return True


@dataclasses.dataclass(repr=False, eq=False)
class RetryPromptPart:
    """Asks the model to try again: a tool's arguments failed validation, a tool raised ``ModelRetry``, the
    tool name was unknown, or the output was rejected."""

    content: list[pydantic_core.ErrorDetails] | str
    _: KW_ONLY
    tool_name: str | None = None
    tool_call_id: str = field(default_factory=new_tool_call_id)
    timestamp: datetime = field(default_factory=now_utc)
    part_kind: Literal["retry-prompt"] = "retry-prompt"

    def model_response(self) -> str:
        """The text the model sees for this retry."""
        if isinstance(self.content, str):
            text = self.content if self.tool_name is not None else f"Validation feedback:\n{self.content}"
            return text + _RETRY_SUFFIX
        return _describe_errors(self.content, drop_short_loc_input=self.tool_name is None) + _RETRY_SUFFIX

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


def _describe_errors(errors: Sequence[pydantic_core.ErrorDetails], *, drop_short_loc_input: bool) -> str:
    cleaned: list[dict[str, Any]] = []
    for error in errors:
        item = {k: v for k, v in error.items() if k != "ctx"}
        if drop_short_loc_input and len(error.get("loc", ())) <= 1:
            item.pop("input", None)
        cleaned.append(item)
    n = len(cleaned)
    body = pydantic_core.to_json(cleaned, indent=2).decode()
    return f"{n} validation error{'' if n == 1 else 's'}:\n```json\n{body}\n```"


@dataclasses.dataclass(repr=False, eq=False)
class RetryFeedbackPart:
    """Retry feedback not tied to a tool call, as newer reference releases store it (loaded, never written)."""

    content: list[pydantic_core.ErrorDetails] | str
    _: KW_ONLY
    cause: Literal["validation_error", "no_output", "model_retry"] = "model_retry"
    timestamp: datetime = field(default_factory=now_utc)
    part_kind: Literal["retry-feedback"] = "retry-feedback"

    def model_response(self) -> str:
        if isinstance(self.content, str):
            return f"Validation feedback:\n{self.content}{_RETRY_SUFFIX}"
        return _describe_errors(self.content, drop_short_loc_input=True) + _RETRY_SUFFIX

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


ModelRequestPart: TypeAlias = Annotated[
    SystemPromptPart | UserPromptPart | ToolReturnPart | RetryPromptPart | RetryFeedbackPart,
    Tagged("part_kind"),
]
"""A part of a :class:`ModelRequest`, told apart by ``part_kind``."""


# -- response parts ------------------------------------------------------------------------------------


@dataclasses.dataclass(repr=False, eq=False)
class TextPart:
    """Plain text from the model."""

    content: str
    _: KW_ONLY
    id: str | None = None
    provider_name: str | None = None
    provider_details: dict[str, Any] | None = None
    part_kind: Literal["text"] = "text"

    def has_content(self) -> bool:
        return bool(self.content)

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False)
class ThinkingPart:
    """The model's reasoning, when the provider exposes it."""

    content: str
    _: KW_ONLY
    id: str | None = None
    signature: str | None = None
    provider_name: str | None = None
    provider_details: dict[str, Any] | None = None
    part_kind: Literal["thinking"] = "thinking"

    def has_content(self) -> bool:
        return bool(self.content)

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False)
class CompactionPart:
    """A provider's compacted summary of earlier turns."""

    content: str | None = None
    _: KW_ONLY
    id: str | None = None
    provider_name: str | None = None
    provider_details: dict[str, Any] | None = None
    part_kind: Literal["compaction"] = "compaction"

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False)
class FilePart:
    """A file (for example an image) generated by the model."""

    content: Annotated[BinaryContent, After(BinaryContent.narrow_type)]
    _: KW_ONLY
    id: str | None = None
    provider_name: str | None = None
    provider_details: dict[str, Any] | None = None
    part_kind: Literal["file"] = "file"

    def has_content(self) -> bool:
        return bool(self.content.data)

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False)
class _BaseToolCallPart:
    tool_name: str
    args: str | dict[str, Any] | None = None
    """The arguments: a JSON string as streamed by most providers, or an already-parsed dict."""
    tool_call_id: str = field(default_factory=new_tool_call_id)
    _: KW_ONLY
    tool_kind: str | None = None
    id: str | None = None
    provider_name: str | None = None
    provider_details: dict[str, Any] | None = None

    def args_as_dict(self, *, raise_if_invalid: bool = False) -> dict[str, Any]:
        """The arguments as a dict; invalid JSON becomes ``{'INVALID_JSON': raw}`` unless ``raise_if_invalid``."""
        args = self.args
        if not args:
            return {}
        if isinstance(args, dict):
            return args
        try:
            parsed = pydantic_core.from_json(args)
            if not isinstance(parsed, dict):
                raise ValueError(f"tool-call arguments must be a JSON object, got {type(parsed).__name__}")
        except ValueError:
            if raise_if_invalid:
                raise
            return {"INVALID_JSON": args}
        return parsed

    def args_as_json_str(self) -> str:
        """The arguments as JSON text (a string is returned unchanged)."""
        args = self.args
        if not args:
            return "{}"
        if isinstance(args, str):
            return args
        return pydantic_core.to_json(args).decode()

    def has_content(self) -> bool:
        return self.args not in ("", {}, None)

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False)
class ToolCallPart(_BaseToolCallPart):
    """The model asks to call a tool."""

    _: KW_ONLY
    part_kind: Literal["tool-call"] = "tool-call"


@dataclasses.dataclass(repr=False, eq=False)
class BuiltinToolCallPart(_BaseToolCallPart):
    """A call to a tool the provider runs itself (web search, code execution, ...)."""

    _: KW_ONLY
    part_kind: Literal["builtin-tool-call"] = "builtin-tool-call"


@dataclasses.dataclass(repr=False, eq=False)
class BuiltinToolReturnPart:
    """The result of a provider-run tool."""

    tool_name: str
    content: ToolReturnContent
    tool_call_id: str = field(default_factory=new_tool_call_id)
    _: KW_ONLY
    tool_kind: str | None = None
    metadata: Any = None
    timestamp: datetime = field(default_factory=now_utc)
    outcome: Literal["success", "failed", "denied", "interrupted", "retried"] = "success"
    provider_name: str | None = None
    provider_details: dict[str, Any] | None = None
    part_kind: Literal["builtin-tool-return"] = "builtin-tool-return"

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


ModelResponsePart: TypeAlias = Annotated[
    TextPart | ToolCallPart | BuiltinToolCallPart | BuiltinToolReturnPart | ThinkingPart | CompactionPart | FilePart,
    Tagged("part_kind"),
]
"""A part of a :class:`ModelResponse`, told apart by ``part_kind``."""
