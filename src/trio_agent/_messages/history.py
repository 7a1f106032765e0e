"""Working on histories: merging adjacent requests (and plain adjacent responses) into one message, as the
reference API does before storing a history it is given and before sending any history to a model; the
window after the latest compaction; promoting tool parts to their typed subclasses."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from .messages import ModelMessage, ModelRequest, ModelResponse
from .parts import BaseToolCallPart, BaseToolReturnPart, CompactionPart, RetryPromptPart, ToolReturnPart
from .typed_tool_parts import narrow

__all__ = ["merge_adjacent", "merge_into", "narrow_message_parts", "post_compaction_window"]


def _returns_first(part: object) -> int:
    return 0 if isinstance(part, ToolReturnPart | RetryPromptPart) else 1


def _mergeable_requests(a: ModelRequest, b: ModelRequest) -> bool:
    return not a.instructions or not b.instructions or a.instructions == b.instructions


def _plain(response: ModelResponse) -> bool:
    return response.provider_response_id is None and response.provider_name is None and response.model_name is None


def merge_adjacent(messages: Sequence[ModelMessage]) -> list[ModelMessage]:
    """A new list in which each run of adjacent mergeable messages is one message."""
    merged: list[ModelMessage] = []
    merge_into(merged, messages)
    return merged


def merge_into(merged: list[ModelMessage], messages: Sequence[ModelMessage]) -> None:
    """Append ``messages`` to ``merged`` (itself merged), merging each with the one before it where they merge;
    feeding a history in pieces gives the same list as :func:`merge_adjacent` of the whole."""
    previous: ModelMessage | None = merged[-1] if merged else None
    for message in messages:
        if previous is not None and message.kind == previous.kind:  # (rare: the cheap test comes first)
            combined = _merged(previous, message)
            if combined is not None:
                merged[-1] = previous = combined
                continue
        merged.append(message)
        previous = message


def _merged(previous: ModelMessage, message: ModelMessage) -> ModelMessage | None:
    if isinstance(message, ModelRequest) and isinstance(previous, ModelRequest):
        if not _mergeable_requests(previous, message):
            return None
        return ModelRequest(
            parts=sorted([*previous.parts, *message.parts], key=_returns_first),
            instructions=previous.instructions or message.instructions,
            timestamp=message.timestamp or previous.timestamp,
        )
    if (
        isinstance(message, ModelResponse)
        and isinstance(previous, ModelResponse)
        and _plain(previous)
        and _plain(message)
    ):
        return dataclasses.replace(previous, parts=[*previous.parts, *message.parts])
    return None


def post_compaction_window(messages: Sequence[ModelMessage]) -> list[ModelMessage]:
    """The messages from the latest :class:`CompactionPart` on (within its response, the parts from it on): what
    the model works from after compaction. Without a compaction part, a copy of the whole history."""
    for index in range(len(messages) - 1, -1, -1):
        message = messages[index]
        if isinstance(message, ModelResponse):
            for part_index in range(len(message.parts) - 1, -1, -1):
                if isinstance(message.parts[part_index], CompactionPart):
                    first = dataclasses.replace(message, parts=list(message.parts[part_index:]))
                    return [first, *messages[index + 1 :]]
    return list(messages)


def narrow_message_parts(messages: Sequence[ModelMessage]) -> list[ModelMessage]:
    """``messages`` with each tool call and return promoted to the typed subclass its ``tool_kind`` names (as
    loading a history does); messages with nothing to promote are kept as they are."""
    result: list[ModelMessage] = []
    for message in messages:
        parts = [narrow(p) if isinstance(p, BaseToolCallPart | BaseToolReturnPart) else p for p in message.parts]
        if any(new is not old for new, old in zip(parts, message.parts, strict=True)):
            message = dataclasses.replace(message, parts=parts)  # type: ignore[arg-type]
        result.append(message)
    return result
