"""Events a run emits while it streams: part start/delta/end, the final-result marker, tool calls and
results, and enqueued messages being delivered. All are told apart by ``event_kind``."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import KW_ONLY
from typing import Annotated, Literal, TypeAlias

from .._lazy_pydantic import Tagged
from .._repr import fields_eq, no_defaults_repr
from .content import UserContent
from .deltas import ModelResponsePartDelta
from .messages import ModelMessage
from .parts import ModelResponsePart, RetryPromptPart, ToolCallPart, ToolReturnPart

__all__ = [
    "RunEvent",
    "AgentStreamEvent",
    "EnqueuedMessagesEvent",
    "FinalResultEvent",
    "FunctionToolCallEvent",
    "FunctionToolResultEvent",
    "HandleResponseEvent",
    "ModelResponseStreamEvent",
    "OutputToolCallEvent",
    "OutputToolResultEvent",
    "PartDeltaEvent",
    "PartEndEvent",
    "PartStartEvent",
    "ToolCallEvent",
    "ToolResultEvent",
]


class RunEvent:
    """Base of every event: :attr:`run_id` says which run emitted it.

    Runs set it on each event they emit, so a consumer that fans many runs into one channel (``send.clone()``
    per run) can tell the runs apart. It is not a dataclass field: events compare, print and serialise exactly
    as the reference API's.
    """

    run_id: str | None = None


PartKind: TypeAlias = Literal[
    "text", "thinking", "tool-call", "builtin-tool-call", "builtin-tool-return", "compaction", "file"
]


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class PartStartEvent(RunEvent):
    """A new part started at ``index`` of the response (a later start at the same index replaces it)."""

    index: int
    part: ModelResponsePart
    previous_part_kind: PartKind | None = None
    event_kind: Literal["part_start"] = "part_start"

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class PartDeltaEvent(RunEvent):
    """The part at ``index`` grew by ``delta``."""

    index: int
    delta: ModelResponsePartDelta
    event_kind: Literal["part_delta"] = "part_delta"

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class PartEndEvent(RunEvent):
    """The part at ``index`` is complete; ``part`` is its final state."""

    index: int
    part: ModelResponsePart
    next_part_kind: PartKind | None = None
    event_kind: Literal["part_end"] = "part_end"

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class FinalResultEvent(RunEvent):
    """The response being streamed will carry the run's output (text, or the named output tool call)."""

    tool_name: str | None
    tool_call_id: str | None
    event_kind: Literal["final_result"] = "final_result"

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class EnqueuedMessagesEvent(RunEvent):
    """Content enqueued with ``enqueue`` (id ``enqueue_id``) was delivered into the conversation."""

    enqueue_id: str
    messages: tuple[ModelMessage, ...]
    event_kind: Literal["enqueued_messages"] = "enqueued_messages"

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False)
class ToolCallEvent(RunEvent):
    """Base of the tool-call events."""

    part: ToolCallPart
    _: KW_ONLY
    args_valid: bool | None = None
    """Whether the arguments validated (``None`` when validation did not run)."""

    @property
    def tool_call_id(self) -> str:
        return self.part.tool_call_id

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False)
class FunctionToolCallEvent(ToolCallEvent):
    """A function tool is about to run."""

    event_kind: Literal["function_tool_call"] = "function_tool_call"


@dataclasses.dataclass(repr=False, eq=False)
class OutputToolCallEvent(ToolCallEvent):
    """An output tool call is about to be processed."""

    event_kind: Literal["output_tool_call"] = "output_tool_call"


@dataclasses.dataclass(repr=False, eq=False)
class ToolResultEvent(RunEvent):
    """Base of the tool-result events."""

    part: ToolReturnPart | RetryPromptPart

    @property
    def tool_call_id(self) -> str:
        return self.part.tool_call_id

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False)
class FunctionToolResultEvent(ToolResultEvent):
    """A function tool finished: its return, or the retry prompt its failure produced."""

    _: KW_ONLY
    content: str | Sequence[UserContent] | None = None
    """User content the tool returned alongside its value (from ``ToolReturn.content``)."""
    event_kind: Literal["function_tool_result"] = "function_tool_result"


@dataclasses.dataclass(repr=False, eq=False)
class OutputToolResultEvent(ToolResultEvent):
    """An output tool call was processed."""

    event_kind: Literal["output_tool_result"] = "output_tool_result"


ModelResponseStreamEvent: TypeAlias = Annotated[
    PartStartEvent | PartDeltaEvent | PartEndEvent | FinalResultEvent, Tagged("event_kind")
]
HandleResponseEvent: TypeAlias = Annotated[
    FunctionToolCallEvent | FunctionToolResultEvent | OutputToolCallEvent | OutputToolResultEvent,
    Tagged("event_kind"),
]
AgentStreamEvent: TypeAlias = Annotated[
    PartStartEvent
    | PartDeltaEvent
    | PartEndEvent
    | FinalResultEvent
    | EnqueuedMessagesEvent
    | FunctionToolCallEvent
    | FunctionToolResultEvent
    | OutputToolCallEvent
    | OutputToolResultEvent,
    Tagged("event_kind"),
]
"""Every event a run streams before its final ``AgentRunResultEvent``."""
