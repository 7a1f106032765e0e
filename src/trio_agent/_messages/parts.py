"""Message parts: what a request to the model and a response from it are made of, and the two unions
(:data:`ModelRequestPart`, :data:`ModelResponsePart`) histories load them through.

The parts live in their own modules (this one gathers them, so ``from ._messages.parts import X`` finds
every part):

* :mod:`.simple_parts`: ``system-prompt``, ``user-prompt``, ``text``, ``thinking``, ``compaction``, ``file``;
* :mod:`.tool_parts`: ``tool-call``, ``tool-return``, ``builtin-tool-call``, ``builtin-tool-return``;
* :mod:`.typed_tool_parts`: the typed tool-search and load-capability subclasses of those;
* :mod:`.retries`: ``retry-prompt`` (what this package writes) and ``retry-feedback`` (newest reference era);
* :mod:`.speech`: ``speech``, in both unions; :mod:`.state_parts`: ``tool-availability-delta``;
* :mod:`.instructions`: :class:`InstructionPart`, the blocks a request's instructions are made of.

A union member is chosen by ``part_kind``, or by ``(part_kind, tool_kind)`` for the typed subclasses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, TypeAlias

from .fields import now_utc
from .instructions import InstructionPart
from .retries import RetryFeedbackPart, RetryPromptPart, error_details
from .simple_parts import CompactionPart, FilePart, SystemPromptPart, TextPart, ThinkingPart, UserPromptPart
from .speech import SpeechPart
from .state_parts import ToolAvailabilityDeltaPart
from .tool_parts import (
    INVALID_JSON_KEY,
    RETURN_VALUE_KEY,
    BaseToolCallPart,
    BaseToolReturnPart,
    BuiltinToolCallPart,
    BuiltinToolReturnPart,
    NativeToolCallPart,
    NativeToolReturnPart,
    ToolCallPart,
    ToolReturnContent,
    ToolReturnPart,
)
from .typed_tool_parts import (
    LoadCapabilityCallPart,
    LoadCapabilityReturnPart,
    NativeToolSearchCallPart,
    NativeToolSearchReturnPart,
    ToolSearchCallPart,
    ToolSearchReturnPart,
    tag_of,
)

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler
    from pydantic_core import CoreSchema

__all__ = [
    "INVALID_JSON_KEY",
    "RETURN_VALUE_KEY",
    "BaseToolCallPart",
    "BaseToolReturnPart",
    "BuiltinToolCallPart",
    "BuiltinToolReturnPart",
    "CompactionPart",
    "FilePart",
    "InstructionPart",
    "ModelRequestPart",
    "ModelResponsePart",
    "NativeToolCallPart",
    "NativeToolReturnPart",
    "RetryFeedbackPart",
    "RetryPromptPart",
    "SpeechPart",
    "SystemPromptPart",
    "TextPart",
    "ThinkingPart",
    "ToolAvailabilityDeltaPart",
    "ToolCallPart",
    "ToolReturnContent",
    "ToolReturnPart",
    "UserPromptPart",
    "error_details",
    "now_utc",
]


class _PartUnion:
    """``Annotated`` metadata: the union of ``members`` (``(tag, class)`` pairs) told apart by :func:`tag_of`.

    Built at the first schema, so that importing the package does not load pydantic's schema machinery.
    """

    __slots__ = ("members",)

    def __init__(self, *members: tuple[str, type]) -> None:
        self.members = members

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        from typing import Union

        from pydantic import Discriminator, Tag

        tagged = tuple(Annotated[cls, Tag(tag)] for tag, cls in self.members)
        return handler(Annotated[Union[tagged], Discriminator(tag_of)])  # noqa: UP007

    def __repr__(self) -> str:
        return f"_PartUnion({', '.join(tag for tag, _ in self.members)})"


ModelRequestPart: TypeAlias = Annotated[
    SystemPromptPart
    | UserPromptPart
    | ToolReturnPart
    | RetryPromptPart
    | RetryFeedbackPart
    | SpeechPart
    | ToolAvailabilityDeltaPart,
    _PartUnion(
        ("system-prompt", SystemPromptPart),
        ("user-prompt", UserPromptPart),
        ("speech", SpeechPart),
        ("tool-search-return", ToolSearchReturnPart),
        ("capability-load-return", LoadCapabilityReturnPart),
        ("tool-return", ToolReturnPart),
        ("retry-prompt", RetryPromptPart),
        ("retry-feedback", RetryFeedbackPart),
        ("tool-availability-delta", ToolAvailabilityDeltaPart),
    ),
]
"""A part of a :class:`ModelRequest`, told apart by ``part_kind`` (and ``tool_kind``)."""

ModelResponsePart: TypeAlias = Annotated[
    TextPart
    | ToolCallPart
    | BuiltinToolCallPart
    | BuiltinToolReturnPart
    | ThinkingPart
    | CompactionPart
    | FilePart
    | SpeechPart,
    _PartUnion(
        ("text", TextPart),
        ("tool-search-call", ToolSearchCallPart),
        ("capability-load-call", LoadCapabilityCallPart),
        ("tool-call", ToolCallPart),
        ("builtin-tool-search-call", NativeToolSearchCallPart),
        ("builtin-tool-call", BuiltinToolCallPart),
        ("builtin-tool-search-return", NativeToolSearchReturnPart),
        ("builtin-tool-return", BuiltinToolReturnPart),
        ("thinking", ThinkingPart),
        ("compaction", CompactionPart),
        ("file", FilePart),
        ("speech", SpeechPart),
    ),
]
"""A part of a :class:`ModelResponse`, told apart by ``part_kind`` (and ``tool_kind``)."""
