"""Turns a provider's streamed fragments into response parts and part events.

Providers identify the part a fragment belongs to by a *vendor part id* (an index, a content-block id, or
``None`` for "the latest part"). The manager keeps the parts in order, applies deltas, and returns the event
to emit: a :class:`PartStartEvent` for a new part, a :class:`PartDeltaEvent` for growth, or ``None`` when a
tool call's name has not arrived yet (its fragments wait in a placeholder that keeps its index).

Each part is kept as a :class:`GrowingPart`, so a fragment costs its own length, not the part's: the text of a
part is joined only when the part is asked for (:meth:`ModelResponsePartsManager.get_parts`,
:meth:`ModelResponsePartsManager.get_part`).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from .._exceptions import UnexpectedModelBehavior
from .._ids import new_tool_call_id
from .._messages.deltas import GrowingPart, TextPartDelta, ThinkingPartDelta, ToolCallPartDelta
from .._messages.events import PartDeltaEvent, PartStartEvent
from .._messages.parts import BuiltinToolCallPart, ModelResponsePart, TextPart, ThinkingPart, ToolCallPart

__all__ = ["ModelResponsePartsManager"]

_TOOL_LIKE = (ToolCallPart, BuiltinToolCallPart, ToolCallPartDelta)


class ModelResponsePartsManager:
    """Accumulates streamed fragments into parts; see the module docstring."""

    __slots__ = ("_by_vendor_id", "_parts")

    def __init__(self) -> None:
        self._parts: list[GrowingPart[ModelResponsePart | ToolCallPartDelta]] = []
        self._by_vendor_id: dict[Hashable, int] = {}

    def get_parts(self) -> list[ModelResponsePart]:
        """The parts so far, without tool calls whose name is still unknown."""
        return [part for part in (p.part for p in self._parts) if not isinstance(part, ToolCallPartDelta)]

    def get_part(self, index: int) -> ModelResponsePart | ToolCallPartDelta:
        """The part at ``index`` as it is now (a placeholder while a tool call's name is unknown)."""
        return self._parts[index].part

    def _lookup(self, vendor_part_id: Hashable | None, kind: type | tuple[type, ...]) -> int | None:
        if vendor_part_id is None:
            if self._parts and issubclass(self._parts[-1].kind, kind):
                return len(self._parts) - 1
            return None
        index = self._by_vendor_id.get(vendor_part_id)
        if index is not None and not issubclass(self._parts[index].kind, kind):
            raise UnexpectedModelBehavior(
                f"Cannot apply a {_label(kind)} delta to existing_part={self._parts[index].part!r}"
            )
        return index

    def _append(self, vendor_part_id: Hashable | None, part: ModelResponsePart | ToolCallPartDelta) -> int:
        index = len(self._parts)
        self._parts.append(GrowingPart(part))
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
        delta = TextPartDelta(
            content,
            provider_name=provider_name if provider_name != existing.current("provider_name") else None,
            provider_details=provider_details,
        )
        existing.grow(delta)
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
        delta = ThinkingPartDelta(
            content_delta=content,
            signature_delta=signature,
            provider_name=provider_name,
            provider_details=provider_details,
        )
        self._parts[index].grow(delta)
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
        """Add name characters, argument JSON and/or the id to the tool call ``vendor_part_id`` (a fragment
        with a name and no vendor id starts a new call).

        Returns ``None`` while the call's name is unknown; the start event comes once it is.
        """
        new_call = vendor_part_id is None and tool_name is not None
        index = None if new_call else self._lookup(vendor_part_id, _TOOL_LIKE)
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
        was_placeholder = existing.kind is ToolCallPartDelta
        existing.grow(delta)
        if was_placeholder:
            if existing.kind is ToolCallPartDelta:
                return None
            started = existing.part
            assert isinstance(started, ToolCallPart)
            return PartStartEvent(index=index, part=started)
        if delta.tool_call_id is None:
            delta.tool_call_id = existing.current("tool_call_id")
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
        if index is not None and self._parts[index].kind is type(part):
            self._parts[index] = GrowingPart(part)
        else:
            index = self._append(vendor_part_id, part)
        return PartStartEvent(index=index, part=part)


def _label(kind: type | tuple[type, ...]) -> str:
    first = kind[0] if isinstance(kind, tuple) else kind
    return {TextPart: "text", ThinkingPart: "thinking"}.get(first, "tool call")
