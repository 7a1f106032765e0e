"""Events a run emits while it streams: part start/delta/end, the final-result marker, tool calls and
results, tools becoming available, deferred calls being requested and resolved, and enqueued messages being
delivered. All are told apart by ``event_kind``. :class:`BuiltinToolCallEvent` and
:class:`BuiltinToolResultEvent` are the reference's deprecated events for provider-run tools (watch for
``PartStartEvent`` with a ``BuiltinToolCallPart`` instead); no run emits them."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import KW_ONLY
from typing import Annotated, Literal, TypeAlias

from typing_extensions import deprecated

from .._lazy_pydantic import Tagged
from .._repr import fields_eq, no_defaults_repr
from .._tools.deferred import DeferredToolRequests, DeferredToolResults
from .content import UserContent
from .deltas import ModelResponsePartDelta
from .messages import ModelMessage
from .parts import (
    BuiltinToolCallPart,
    BuiltinToolReturnPart,
    ModelRequestPart,
    ModelResponsePart,
    RetryPromptPart,
    ToolAvailabilityDeltaPart,
    ToolCallPart,
    ToolReturnPart,
)

__all__ = [
    "RunEvent",
    "AgentStreamEvent",
    "BuiltinToolCallEvent",
    "BuiltinToolResultEvent",
    "DeferredToolRequestsEvent",
    "DeferredToolResultsEvent",
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
    "ToolAvailabilityDeltaEvent",
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
    "text", "thinking", "tool-call", "builtin-tool-call", "builtin-tool-return", "compaction", "file", "speech"
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
    """The messages delivered into the history, as they landed there (stamped with the run's ids)."""
    parts: tuple[ModelRequestPart, ...] = ()
    """Parts delivered into a request the run was already sending (with a tool's return) rather than as
    messages of their own, as the newest reference release delivers ``asap`` content enqueued by a tool."""
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


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class ToolAvailabilityDeltaEvent(RunEvent):
    """Tools became available to the model mid-run; ``part`` is what the history records."""

    part: ToolAvailabilityDeltaPart
    event_kind: Literal["tool_availability_delta"] = "tool_availability_delta"

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False)
class DeferredToolRequestsEvent(RunEvent):
    """Tool calls need approval or external execution before the run can go on (emitted before any handler
    of deferred calls runs; each call also has its own ``FunctionToolCallEvent``)."""

    requests: DeferredToolRequests
    _: KW_ONLY
    event_kind: Literal["deferred_tool_requests"] = "deferred_tool_requests"

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False)
class DeferredToolResultsEvent(RunEvent):
    """A handler resolved deferred tool calls (not emitted for results given to a new run, which the caller
    already knows); the calls then run, each with its ``FunctionToolResultEvent``."""

    results: DeferredToolResults
    _: KW_ONLY
    event_kind: Literal["deferred_tool_results"] = "deferred_tool_results"

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@deprecated(
    "`BuiltinToolCallEvent` is deprecated, look for `PartStartEvent` and `PartDeltaEvent` with `BuiltinToolCallPart` instead."
)
@dataclasses.dataclass(repr=False, eq=False)
class BuiltinToolCallEvent(RunEvent):
    """A call to a provider-run tool started (deprecated; never emitted)."""

    part: BuiltinToolCallPart
    _: KW_ONLY
    event_kind: Literal["builtin_tool_call"] = "builtin_tool_call"

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@deprecated(
    "`BuiltinToolResultEvent` is deprecated, look for `PartStartEvent` and `PartDeltaEvent` with `BuiltinToolReturnPart` instead."
)
@dataclasses.dataclass(repr=False, eq=False)
class BuiltinToolResultEvent(RunEvent):
    """A provider-run tool returned (deprecated; never emitted)."""

    result: BuiltinToolReturnPart
    _: KW_ONLY
    event_kind: Literal["builtin_tool_result"] = "builtin_tool_result"

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


ModelResponseStreamEvent: TypeAlias = Annotated[
    PartStartEvent | PartDeltaEvent | PartEndEvent | FinalResultEvent, Tagged("event_kind")
]
HandleResponseEvent: TypeAlias = Annotated[
    FunctionToolCallEvent
    | FunctionToolResultEvent
    | ToolAvailabilityDeltaEvent
    | OutputToolCallEvent
    | OutputToolResultEvent
    | DeferredToolRequestsEvent
    | DeferredToolResultsEvent,
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
    | ToolAvailabilityDeltaEvent
    | OutputToolCallEvent
    | OutputToolResultEvent
    | DeferredToolRequestsEvent
    | DeferredToolResultsEvent,
    Tagged("event_kind"),
]
"""Every event a run streams before its final ``AgentRunResultEvent``."""
