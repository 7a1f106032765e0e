"""``MessagesBuilder``: a history built part by part, for adapters loading a protocol's messages."""

from __future__ import annotations

from dataclasses import dataclass, field

from .._messages.messages import ModelMessage, ModelRequest, ModelResponse
from .._messages.parts import (
    BuiltinToolCallPart,
    BuiltinToolReturnPart,
    CompactionPart,
    FilePart,
    ModelRequestPart,
    ModelResponsePart,
    TextPart,
    ThinkingPart,
    ToolCallPart,
)

__all__ = ["MessagesBuilder"]

_RESPONSE_PARTS = (
    TextPart,
    ThinkingPart,
    ToolCallPart,
    BuiltinToolCallPart,
    BuiltinToolReturnPart,
    FilePart,
    CompactionPart,
)


@dataclass
class MessagesBuilder:
    """Builds a history from parts in conversation order: a part goes into the last message if that is of its
    kind (request or response), else into a new one. So a tool call, its return and the text after it become a
    response, a request and a response.
    """

    messages: list[ModelMessage] = field(default_factory=list)
    """The history so far."""

    def add(self, part: ModelRequestPart | ModelResponsePart) -> None:
        """Add ``part`` to the history."""
        last = self.messages[-1] if self.messages else None
        if isinstance(part, _RESPONSE_PARTS):
            if isinstance(last, ModelResponse):
                last.parts = [*last.parts, part]
            else:
                self.messages.append(ModelResponse(parts=[part]))
        elif isinstance(last, ModelRequest):
            last.parts = [*last.parts, part]
        else:
            self.messages.append(ModelRequest(parts=[part]))
