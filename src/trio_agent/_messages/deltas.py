"""Deltas: incremental updates to a response part while it streams.

``delta.apply(part)`` returns a new part (parts are never mutated in place), so a part handed to a consumer
in an event stays as it was when the event was sent.
"""

from __future__ import annotations

import dataclasses
from dataclasses import KW_ONLY
from typing import Annotated, Any, Literal, TypeAlias

from .._exceptions import UnexpectedModelBehavior
from .._ids import new_tool_call_id
from .._lazy_pydantic import Tagged
from .._repr import fields_eq, no_defaults_repr
from .parts import BuiltinToolCallPart, TextPart, ThinkingPart, ToolCallPart

__all__ = ["ModelResponsePartDelta", "TextPartDelta", "ThinkingPartDelta", "ToolCallPartDelta", "apply_delta"]


def _merge_details(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, Any] | None:
    if not new:
        return old
    return {**(old or {}), **new}


@dataclasses.dataclass(repr=False, eq=False)
class TextPartDelta:
    """More text for a :class:`TextPart`."""

    content_delta: str
    _: KW_ONLY
    provider_name: str | None = None
    provider_details: dict[str, Any] | None = None
    part_delta_kind: Literal["text"] = "text"

    def apply(self, part: TextPart) -> TextPart:
        if not isinstance(part, TextPart):
            raise ValueError("Cannot apply TextPartDeltas to non-TextParts")
        return TextPart(  # built directly: this runs once per streamed text delta
            part.content + self.content_delta,
            id=part.id,
            provider_name=self.provider_name or part.provider_name,
            provider_details=_merge_details(part.provider_details, self.provider_details),
        )

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class ThinkingPartDelta:
    """More reasoning text, or a (replacement) signature, for a :class:`ThinkingPart`."""

    content_delta: str | None = None
    signature_delta: str | None = None
    provider_name: str | None = None
    provider_details: dict[str, Any] | None = None
    part_delta_kind: Literal["thinking"] = "thinking"

    def apply(self, part: ThinkingPart | ThinkingPartDelta) -> ThinkingPart | ThinkingPartDelta:
        if isinstance(part, ThinkingPart):
            return dataclasses.replace(
                part,
                content=part.content + (self.content_delta or ""),
                signature=self.signature_delta if self.signature_delta is not None else part.signature,
                provider_name=self.provider_name if self.provider_name is not None else part.provider_name,
                provider_details=_merge_details(part.provider_details, self.provider_details),
            )
        if isinstance(part, ThinkingPartDelta):
            if self.content_delta is None and self.signature_delta is None:
                raise ValueError("Cannot apply ThinkingPartDelta with no content or signature")
            return dataclasses.replace(
                part,
                content_delta=(part.content_delta or "") + (self.content_delta or ""),
                signature_delta=self.signature_delta or part.signature_delta,
                provider_name=self.provider_name or part.provider_name,
                provider_details=_merge_details(part.provider_details, self.provider_details),
            )
        raise ValueError(f"Cannot apply ThinkingPartDeltas to {type(part).__name__}")

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


def _combine_args(
    old: str | dict[str, Any] | None, new: str | dict[str, Any] | None, target: object, delta: object
) -> str | dict[str, Any] | None:
    if new is None:
        return old
    if isinstance(new, str):
        if isinstance(old, dict):
            raise UnexpectedModelBehavior(f"Cannot apply JSON deltas to non-JSON tool arguments ({target=}, {delta=})")
        return (old or "") + new
    if isinstance(old, str):
        raise UnexpectedModelBehavior(f"Cannot apply dict deltas to non-dict tool arguments ({target=}, {delta=})")
    return {**(old or {}), **new}


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class ToolCallPartDelta:
    """More of a tool call: name characters, argument JSON (or a dict to merge), and/or its id."""

    tool_name_delta: str | None = None
    args_delta: str | dict[str, Any] | None = None
    tool_call_id: str | None = None
    provider_name: str | None = None
    provider_details: dict[str, Any] | None = None
    part_delta_kind: Literal["tool_call"] = "tool_call"

    def as_part(self) -> ToolCallPart | None:
        """A full :class:`ToolCallPart` once the tool name is known, else ``None``."""
        if self.tool_name_delta is None:
            return None
        return ToolCallPart(
            self.tool_name_delta,
            self.args_delta,
            self.tool_call_id or new_tool_call_id(),
            provider_name=self.provider_name,
            provider_details=self.provider_details,
        )

    def apply(
        self, part: ToolCallPart | BuiltinToolCallPart | ToolCallPartDelta
    ) -> ToolCallPart | BuiltinToolCallPart | ToolCallPartDelta:
        if isinstance(part, ToolCallPart | BuiltinToolCallPart):
            return dataclasses.replace(
                part,
                tool_name=part.tool_name + (self.tool_name_delta or ""),
                args=_combine_args(part.args, self.args_delta, part, self),
                tool_call_id=self.tool_call_id or part.tool_call_id,
                provider_name=self.provider_name or part.provider_name,
                provider_details=_merge_details(part.provider_details, self.provider_details),
            )
        if isinstance(part, ToolCallPartDelta):
            name = part.tool_name_delta
            if self.tool_name_delta:
                name = (name or "") + self.tool_name_delta
            merged = dataclasses.replace(
                part,
                tool_name_delta=name,
                args_delta=_combine_args(part.args_delta, self.args_delta, part, self),
                tool_call_id=self.tool_call_id or part.tool_call_id,
                provider_name=self.provider_name or part.provider_name,
                provider_details=_merge_details(part.provider_details, self.provider_details),
            )
            return merged.as_part() or merged
        raise ValueError(
            "Can only apply ToolCallPartDeltas to ToolCallParts, BuiltinToolCallParts, or ToolCallPartDeltas, "
            f"not {type(part).__name__}"
        )

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


ModelResponsePartDelta: TypeAlias = Annotated[
    TextPartDelta | ThinkingPartDelta | ToolCallPartDelta, Tagged("part_delta_kind")
]
"""A streamed update to a response part, told apart by ``part_delta_kind``."""


def apply_delta(part: object, delta: TextPartDelta | ThinkingPartDelta | ToolCallPartDelta) -> Any:
    """``delta.apply(part)`` for a part of unknown kind; ``ValueError`` if the delta does not fit the part."""
    if isinstance(delta, TextPartDelta):
        if isinstance(part, TextPart):
            return delta.apply(part)
    elif isinstance(delta, ThinkingPartDelta):
        if isinstance(part, ThinkingPart | ThinkingPartDelta):
            return delta.apply(part)
    elif isinstance(part, ToolCallPart | BuiltinToolCallPart | ToolCallPartDelta):
        return delta.apply(part)
    raise ValueError(f"Cannot apply a {type(delta).__name__} to a {type(part).__name__}")
