"""History normalisation: adjacent requests (and plain adjacent responses) are merged into one message,
as the reference API does before storing a history it is given and before sending any history to a model."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from .messages import ModelMessage, ModelRequest, ModelResponse
from .parts import RetryPromptPart, ToolReturnPart

__all__ = ["merge_adjacent", "merge_into"]


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
