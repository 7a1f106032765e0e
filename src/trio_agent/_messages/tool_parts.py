"""Tool call and tool return parts: the model asking for a tool (``tool-call``), the answer sent back
(``tool-return``), and the same pair for tools the provider runs itself (``builtin-tool-call`` /
``builtin-tool-return``, the reference's "native" tools: :class:`NativeToolCallPart` is
:class:`BuiltinToolCallPart`).

Arguments are kept as the model sent them (a JSON string, or a dict); :meth:`BaseToolCallPart.args_as_dict`
and :meth:`~BaseToolCallPart.args_as_json_str` give them in the form a provider wants, with malformed or
non-object arguments wrapped as ``{"INVALID_JSON": "<raw>"}`` so they are never echoed back as they are.

A tool return's ``content`` is anything the tool returned; file items in it (``ImageUrl``, ``BinaryContent``,
...) come back as content objects when a history is loaded. ``tool_kind`` names a typed subclass
(:mod:`.typed_tool_parts`); ``outcome`` says how the call ended; ``retry`` is the metadata the newest reference
release records on a retried call (kept as loaded, never written by this package).
"""

from __future__ import annotations

import dataclasses
from dataclasses import KW_ONLY, field
from datetime import datetime
from typing import Annotated, Any, Literal, TypeAlias, overload

import pydantic
import pydantic_core

from .._ids import new_tool_call_id
from .._lazy_pydantic import After, lazy_adapter
from .._repr import fields_eq, no_defaults_repr
from .content import MULTI_MODAL_CONTENT_TYPES, MultiModalContent, UserContent
from .fields import history_fields, now_utc

__all__ = [
    "INTERRUPTED_TOOL_RETURN_CONTENT",
    "INVALID_JSON_KEY",
    "RETURN_VALUE_KEY",
    "NotAJSONObject",
    "BaseToolCallPart",
    "BaseToolReturnPart",
    "BuiltinToolCallPart",
    "BuiltinToolReturnPart",
    "NativeToolCallPart",
    "NativeToolReturnPart",
    "ToolCallPart",
    "ToolOutcome",
    "ToolReturnContent",
    "ToolReturnPart",
    "tool_return_content_ta",
    "tool_return_ta",
]

INVALID_JSON_KEY = "INVALID_JSON"
"""The key malformed tool-call arguments are wrapped under (the value Anthropic's docs recommend)."""

RETURN_VALUE_KEY = "return_value"
"""The key a non-object tool return is wrapped under by :meth:`BaseToolReturnPart.model_response_object`."""

INTERRUPTED_TOOL_RETURN_CONTENT = "The tool call was interrupted before a result was produced."
"""The content of a tool return made up for a call the run was interrupted in (``outcome='interrupted'``)."""

ToolOutcome: TypeAlias = Literal["success", "failed", "denied", "interrupted", "retried"]
"""How a tool call ended: it returned, it raised, it was denied, the run was interrupted before it returned,
or (newest reference release) the model was asked to call it again."""

tool_return_ta: pydantic.TypeAdapter[Any] = lazy_adapter(Any, ser_json_bytes="base64", val_json_bytes="base64")
"""Dumps tool return values (bytes as base64), as the reference's adapter of the same name."""

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

tool_return_content_ta: pydantic.TypeAdapter[Any] = lazy_adapter(
    ToolReturnContent, ser_json_bytes="base64", val_json_bytes="base64"
)
"""Validates a tool return value from JSON data, restoring its file items (as loading a history does)."""


class NotAJSONObject(ValueError, AssertionError):
    """Tool-call arguments that are valid JSON but not an object."""


def _json_text(value: Any) -> str:
    return tool_return_ta.dump_json(value, by_alias=True).decode()


@history_fields("retry")
@dataclasses.dataclass(repr=False, eq=False)
class BaseToolReturnPart:
    """What tool return parts share (see :class:`ToolReturnPart` and :class:`NativeToolReturnPart`)."""

    tool_name: str
    content: ToolReturnContent
    tool_call_id: str = field(default_factory=new_tool_call_id)
    _: KW_ONLY
    tool_kind: str | None = None
    """The typed subclass this part belongs to (``'tool-search'``, ``'capability-load'``), if any."""
    metadata: Any = None
    """Application-side data about the return; never sent to the model."""
    timestamp: datetime = field(default_factory=now_utc)
    outcome: ToolOutcome = "success"
    retry: Any = None
    """Retry metadata the newest reference release records with ``outcome='retried'`` (kept as loaded)."""

    def _split_content(self) -> tuple[list[Any], list[Any], bool]:
        content = self.content
        if isinstance(content, MULTI_MODAL_CONTENT_TYPES):
            return [], [content], False
        if isinstance(content, list):
            files = [p for p in content if isinstance(p, MULTI_MODAL_CONTENT_TYPES)]
            if not files:
                return content, [], True
            return [p for p in content if not isinstance(p, MULTI_MODAL_CONTENT_TYPES)], files, True
        return [content], [], False

    def _unwrap_data(self) -> tuple[Any, list[Any]]:
        data, files, was_list = self._split_content()
        if not data:
            return None, files
        if len(data) == 1 and (not was_list or files):
            return data[0], files
        return data, files

    @property
    def files(self) -> list[MultiModalContent]:
        """The file items of ``content`` (URLs, binary content, uploaded files)."""
        return self._split_content()[1]

    @overload
    def content_items(self, *, mode: Literal["raw"] = "raw") -> list[Any]: ...
    @overload
    def content_items(self, *, mode: Literal["str", "jsonable"], wrap_if_error: bool = True) -> list[Any]: ...

    def content_items(
        self, *, mode: Literal["raw", "str", "jsonable"] = "raw", wrap_if_error: bool = True
    ) -> list[Any]:
        """``content`` as a flat list; ``'str'`` / ``'jsonable'`` serialise the items that are not files (a
        failed return's data collapses into one ``{"error": ...}`` item unless ``wrap_if_error=False``)."""
        items = self.content if isinstance(self.content, list) else [self.content]
        if mode == "raw":
            return list(items)
        if wrap_if_error and self.outcome == "failed":
            wrapped = self.model_response_str() if mode == "str" else self.model_response_object()
            return [wrapped, *self.files]
        result: list[Any] = []
        for item in items:
            if isinstance(item, (*MULTI_MODAL_CONTENT_TYPES, str)):
                result.append(item)
            elif mode == "str":
                result.append(_json_text(item))
            else:
                result.append(tool_return_ta.dump_python(item, mode="json", by_alias=True))
        return result

    def model_response_str(self, *, wrap_if_error: bool = True) -> str:
        """The data (not the files) as the text a model sees: strings as they are, anything else as JSON; a
        failed return as ``{"error": ...}`` unless ``wrap_if_error=False``."""
        content = self.content
        if type(content) is str and self.outcome != "failed":  # the usual case, on every request's hot path
            return content
        value, _ = self._unwrap_data()
        text = "" if value is None else value if isinstance(value, str) else _json_text(value)
        if wrap_if_error and self.outcome == "failed":
            return _json_text({"error": text})
        return text

    def model_response_object(self, *, wrap_if_error: bool = True) -> dict[str, Any]:
        """The data as a JSON object, for providers that want one (``{'return_value': ...}`` for non-objects,
        ``{'error': ...}`` for a failed return)."""
        if wrap_if_error and self.outcome == "failed":
            return {"error": self.model_response_str(wrap_if_error=False)}
        value, _ = self._unwrap_data()
        if value is None:
            return {}
        data = tool_return_ta.dump_python(value, mode="json", by_alias=True)
        if isinstance(data, dict) and all(isinstance(k, str) for k in data):
            return data
        return {RETURN_VALUE_KEY: data}

    def structured_content(self) -> dict[str, Any] | list[Any] | None:
        """``content`` as JSON data (a JSON string parsed), or ``None`` when it is not an object or list."""
        content = self.content
        if isinstance(content, str):
            try:
                content = pydantic_core.from_json(content)
            except ValueError:
                return None
        return content if isinstance(content, dict | list) else None

    def model_response_str_and_user_content(self, *, wrap_if_error: bool = True) -> tuple[str, list[UserContent]]:
        """For providers whose tool results take only text: the text (files referred to as ``See file
        <id>.``) and the user content that carries the files (each after ``This is file <id>:``)."""
        _, files, was_list = self._split_content()
        if not files:
            return self.model_response_str(wrap_if_error=wrap_if_error), []
        texts: list[str] = []
        file_content: list[UserContent] = []
        for item in self.content_items(mode="str", wrap_if_error=False):
            if isinstance(item, MULTI_MODAL_CONTENT_TYPES):
                texts.append(f"See file {item.identifier}.")
                file_content += [f"This is file {item.identifier}:", item]
            else:
                texts.append(item)
        if wrap_if_error and self.outcome == "failed":
            error = {"error": self.model_response_str(wrap_if_error=False)}
            return _json_text([error, *(f"See file {f.identifier}." for f in files)]), file_content
        return (_json_text(texts) if was_list else texts[0]), file_content

    def has_content(self) -> bool:
        return self.content is not None

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False)
class ToolReturnPart(BaseToolReturnPart):
    """The value a tool returned, sent back to the model."""

    _: KW_ONLY
    part_kind: Literal["tool-return"] = "tool-return"

    @staticmethod
    def narrow_type(part: ToolReturnPart, *, tool_kind: str | None = None) -> ToolReturnPart:
        """``part`` as the typed subclass its ``tool_kind`` names (unchanged if none does)."""
        from .typed_tool_parts import narrow

        return narrow(part, tool_kind)


@dataclasses.dataclass(repr=False, eq=False)
class BuiltinToolReturnPart(BaseToolReturnPart):
    """The result of a tool the provider ran itself (web search, code execution, ...)."""

    _: KW_ONLY
    provider_name: str | None = None
    provider_details: dict[str, Any] | None = None
    part_kind: Literal["builtin-tool-return"] = "builtin-tool-return"

    @staticmethod
    def narrow_type(part: BuiltinToolReturnPart, *, tool_kind: str | None = None) -> BuiltinToolReturnPart:
        """``part`` as the typed subclass its ``tool_kind`` names (unchanged if none does)."""
        from .typed_tool_parts import narrow

        return narrow(part, tool_kind)


NativeToolReturnPart = BuiltinToolReturnPart
"""The reference's newer name for :class:`BuiltinToolReturnPart`."""


@history_fields()
@dataclasses.dataclass(repr=False, eq=False)
class BaseToolCallPart:
    """What tool call parts share (see :class:`ToolCallPart` and :class:`NativeToolCallPart`)."""

    tool_name: str
    args: str | dict[str, Any] | None = None
    """The arguments: a JSON string as streamed by most providers, or an already-parsed dict."""
    tool_call_id: str = field(default_factory=new_tool_call_id)
    _: KW_ONLY
    tool_kind: str | None = None
    """The typed subclass this part belongs to (``'tool-search'``, ``'capability-load'``), if any."""
    id: str | None = None
    provider_name: str | None = None
    provider_details: dict[str, Any] | None = None

    def args_as_dict(self, *, raise_if_invalid: bool = False) -> dict[str, Any]:
        """The arguments as a dict. Malformed JSON, or JSON that is not an object, becomes
        ``{'INVALID_JSON': <raw args>}`` (or, with ``raise_if_invalid=True``, raises ``ValueError``: for JSON
        that is not an object, a :class:`NotAJSONObject`, which is an ``AssertionError`` too, as the reference
        raises there)."""
        args = self.args
        if not args:
            return {}
        if isinstance(args, dict):
            return args
        try:
            parsed = pydantic_core.from_json(args)
            if not isinstance(parsed, dict):
                raise NotAJSONObject(f"tool-call arguments must be a JSON object, got {type(parsed).__name__}")
        except ValueError:
            if raise_if_invalid:
                raise
            return {INVALID_JSON_KEY: args}
        return parsed

    def args_as_json_str(self) -> str:
        """The arguments as compact JSON object text: a dict dumped, a JSON object string re-written without
        whitespace, anything else (malformed, or not an object) wrapped as ``{"INVALID_JSON": "<raw>"}`` so
        a provider that requires an object still accepts it. Not for arguments still streaming in: a partial
        fragment would be wrapped."""
        return pydantic_core.to_json(self.args_as_dict()).decode()

    def has_content(self) -> bool:
        return self.args not in ("", {}, None)

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False)
class ToolCallPart(BaseToolCallPart):
    """The model asks to call a tool."""

    _: KW_ONLY
    part_kind: Literal["tool-call"] = "tool-call"

    @staticmethod
    def narrow_type(part: ToolCallPart, *, tool_kind: str | None = None) -> ToolCallPart:
        """``part`` as the typed subclass its ``tool_kind`` names (unchanged if none does)."""
        from .typed_tool_parts import narrow

        return narrow(part, tool_kind)


@dataclasses.dataclass(repr=False, eq=False)
class BuiltinToolCallPart(BaseToolCallPart):
    """A call to a tool the provider runs itself (web search, code execution, ...)."""

    _: KW_ONLY
    part_kind: Literal["builtin-tool-call"] = "builtin-tool-call"

    @staticmethod
    def narrow_type(part: BuiltinToolCallPart, *, tool_kind: str | None = None) -> BuiltinToolCallPart:
        """``part`` as the typed subclass its ``tool_kind`` names (unchanged if none does)."""
        from .typed_tool_parts import narrow

        return narrow(part, tool_kind)


NativeToolCallPart = BuiltinToolCallPart
"""The reference's newer name for :class:`BuiltinToolCallPart`."""
