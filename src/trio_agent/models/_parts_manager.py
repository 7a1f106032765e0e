"""Turns a provider's streamed fragments into response parts and part events.

Providers identify the part a fragment belongs to by a *vendor part id* (an index, a content-block id, or
``None`` for "the latest part"). The manager keeps the parts in order, applies deltas, and returns the event
to emit: a :class:`PartStartEvent` for a new part, a :class:`PartDeltaEvent` for growth, or ``None`` when a
tool call's name has not arrived yet (its fragments wait in a placeholder that keeps its index).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from .._exceptions import UnexpectedModelBehavior
from .._ids import new_tool_call_id
from .._messages.deltas import TextPartDelta, ThinkingPartDelta, ToolCallPartDelta
from .._messages.events import PartDeltaEvent, PartStartEvent
from .._messages.parts import BuiltinToolCallPart, ModelResponsePart, TextPart, ThinkingPart, ToolCallPart

__all__ = ["ModelResponsePartsManager"]

_ToolLike = ToolCallPart | BuiltinToolCallPart | ToolCallPartDelta


class ModelResponsePartsManager:
    """Accumulates streamed fragments into parts; see the module docstring."""

    __slots__ = ("_by_vendor_id", "_parts")

    def __init__(self) -> None:
        self._parts: list[ModelResponsePart | ToolCallPartDelta] = []
        self._by_vendor_id: dict[Hashable, int] = {}

    def get_parts(self) -> list[ModelResponsePart]:
        """The parts so far, without tool calls whose name is still unknown."""
        return [p for p in self._parts if not isinstance(p, ToolCallPartDelta)]

    def _lookup(self, vendor_part_id: Hashable | None, kind: type | tuple[type, ...]) -> int | None:
        if vendor_part_id is None:
            if self._parts and isinstance(self._parts[-1], kind):
                return len(self._parts) - 1
            return None
        index = self._by_vendor_id.get(vendor_part_id)
        if index is not None and not isinstance(self._parts[index], kind):
            raise UnexpectedModelBehavior(
                f"Cannot apply a {_label(kind)} delta to existing_part={self._parts[index]!r}"
            )
        return index

    def _append(self, vendor_part_id: Hashable | None, part: ModelResponsePart | ToolCallPartDelta) -> int:
        index = len(self._parts)
        self._parts.append(part)
        if vendor_part_id is not None:
            self._by_vendor_id[vendor_part_id] = index
        return index

    def handle_text_delta(
        self,
        *,
        vendor_part_id: Hashable | None,
        content: str,
        id: str | None = None,
        provider_name: str | None = None,
        provider_details: dict[str, Any] | None = None,
    ) -> PartStartEvent | PartDeltaEvent:
        """Add ``content`` to the text part ``vendor_part_id`` (starting it if new)."""
        index = self._lookup(vendor_part_id, TextPart)
        if index is None:
            part = TextPart(content, id=id, provider_name=provider_name, provider_details=provider_details)
            return PartStartEvent(index=self._append(vendor_part_id, part), part=part)
        existing = self._parts[index]
        assert isinstance(existing, TextPart)
        delta = TextPartDelta(
            content,
            provider_name=provider_name if provider_name != existing.provider_name else None,
            provider_details=provider_details,
        )
        self._parts[index] = delta.apply(existing)
        return PartDeltaEvent(index=index, delta=delta)

    def handle_thinking_delta(
        self,
        *,
        vendor_part_id: Hashable | None,
        content: str | None = None,
        id: str | None = None,
        signature: str | None = None,
        provider_name: str | None = None,
        provider_details: dict[str, Any] | None = None,
    ) -> PartStartEvent | PartDeltaEvent | None:
        """Add reasoning text and/or a signature to the thinking part ``vendor_part_id``."""
        index = self._lookup(vendor_part_id, ThinkingPart)
        if index is None:
            if content is None and signature is None and provider_details is None:
                raise UnexpectedModelBehavior(
                    "Cannot create a ThinkingPart with no content, signature, or provider_details"
                )
            part = ThinkingPart(
                content or "",
                id=id,
                signature=signature,
                provider_name=provider_name,
                provider_details=provider_details,
            )
            return PartStartEvent(index=self._append(vendor_part_id, part), part=part)
        if content is None and signature is None and provider_name is None and provider_details is None:
            return None
        existing = self._parts[index]
        assert isinstance(existing, ThinkingPart)
        delta = ThinkingPartDelta(
            content_delta=content,
            signature_delta=signature,
            provider_name=provider_name,
            provider_details=provider_details,
        )
        updated = delta.apply(existing)
        assert isinstance(updated, ThinkingPart)
        self._parts[index] = updated
        return PartDeltaEvent(index=index, delta=delta)

    def handle_tool_call_delta(
        self,
        *,
        vendor_part_id: Hashable | None,
        tool_name: str | None = None,
        args: str | dict[str, Any] | None = None,
        tool_call_id: str | None = None,
        provider_name: str | None = None,
        provider_details: dict[str, Any] | None = None,
    ) -> PartStartEvent | PartDeltaEvent | None:
        """Add name characters, argument JSON and/or the id to the tool call ``vendor_part_id``.

        Returns ``None`` while the call's name is unknown; the start event comes once it is.
        """
        if vendor_part_id is None and tool_name is not None:
            index = None  # a named fragment without a vendor id always starts a new call
        else:
            index = self._lookup(vendor_part_id, (ToolCallPart, BuiltinToolCallPart, ToolCallPartDelta))
        delta = ToolCallPartDelta(
            tool_name_delta=tool_name,
            args_delta=args,
            tool_call_id=tool_call_id,
            provider_name=provider_name,
            provider_details=provider_details,
        )
        if index is None:
            part = delta.as_part()
            if part is None:
                self._append(vendor_part_id, delta)
                return None
            return PartStartEvent(index=self._append(vendor_part_id, part), part=part)
        existing = self._parts[index]
        assert isinstance(existing, _ToolLike)
        updated = delta.apply(existing)
        self._parts[index] = updated
        if isinstance(existing, ToolCallPartDelta):
            if isinstance(updated, ToolCallPartDelta):
                return None
            assert isinstance(updated, ToolCallPart)
            return PartStartEvent(index=index, part=updated)
        assert isinstance(updated, ToolCallPart | BuiltinToolCallPart)
        if delta.tool_call_id is None:
            delta.tool_call_id = updated.tool_call_id
        return PartDeltaEvent(index=index, delta=delta)

    def handle_tool_call_part(
        self,
        *,
        vendor_part_id: Hashable | None,
        tool_name: str,
        args: str | dict[str, Any] | None,
        tool_call_id: str | None = None,
        id: str | None = None,
        provider_name: str | None = None,
        provider_details: dict[str, Any] | None = None,
    ) -> PartStartEvent:
        """Record a complete tool call at once (replacing an earlier call with the same vendor id)."""
        part = ToolCallPart(
            tool_name,
            args,
            tool_call_id or new_tool_call_id(),
            id=id,
            provider_name=provider_name,
            provider_details=provider_details,
        )
        return self.handle_part(vendor_part_id=vendor_part_id, part=part)

    def handle_part(self, *, vendor_part_id: Hashable | None, part: ModelResponsePart) -> PartStartEvent:
        """Record a complete part (replacing an earlier part of the same type with the same vendor id)."""
        index = self._by_vendor_id.get(vendor_part_id) if vendor_part_id is not None else None
        if index is not None and type(self._parts[index]) is type(part):
            self._parts[index] = part
        else:
            index = self._append(vendor_part_id, part)
        return PartStartEvent(index=index, part=part)


def _label(kind: type | tuple[type, ...]) -> str:
    first = kind[0] if isinstance(kind, tuple) else kind
    return {TextPart: "text", ThinkingPart: "thinking"}.get(first, "tool call")
