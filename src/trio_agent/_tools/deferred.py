"""Deferred tool calls: calls the run does not execute itself (they need a human's approval, or run
elsewhere), returned as the run's output and answered by a later run.

A run whose model calls a ``requires_approval=True`` tool (or a tool that raises ``ApprovalRequired`` or
``CallDeferred``) ends with a :class:`DeferredToolRequests` output, provided ``DeferredToolRequests`` is among
the agent's output types. Continue the conversation with ``message_history=result.all_messages()`` and
``deferred_tool_results=DeferredToolResults(...)``, which approves or denies each call (or supplies the results
of external calls); the approved calls then execute and the model gets every result.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal, TypeAlias

from .._exceptions import ModelRetry
from .._messages.messages import ToolReturn
from .._messages.parts import RetryPromptPart, ToolCallPart
from .._repr import fields_eq, no_defaults_repr

__all__ = [
    "DeferredToolApprovalResult",
    "DeferredToolCallResult",
    "DeferredToolRequests",
    "DeferredToolResult",
    "DeferredToolResults",
    "ToolApproved",
    "ToolDenied",
]


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class DeferredToolRequests:
    """The tool calls a run left for the caller: ``calls`` to execute externally, ``approvals`` to decide on."""

    calls: list[ToolCallPart] = dataclasses.field(default_factory=list)
    """Calls to run outside the agent; supply their results in ``DeferredToolResults.calls``."""
    approvals: list[ToolCallPart] = dataclasses.field(default_factory=list)
    """Calls that need approval; answer them in ``DeferredToolResults.approvals``."""
    metadata: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    """Per ``tool_call_id``: the metadata a tool attached when it raised ``CallDeferred``/``ApprovalRequired``."""

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class ToolApproved:
    """Approve a call, optionally with different arguments (validated like the model's)."""

    override_args: dict[str, Any] | None = None
    kind: Literal["tool-approved"] = "tool-approved"

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False)
class ToolDenied:
    """Deny a call; ``message`` is what the model is told instead of a result."""

    message: str = "The tool call was denied."
    _: dataclasses.KW_ONLY
    kind: Literal["tool-denied"] = "tool-denied"

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


DeferredToolApprovalResult: TypeAlias = "ToolApproved | ToolDenied"
"""The answer to a call that needed approval."""
DeferredToolCallResult: TypeAlias = "ToolReturn[Any] | ModelRetry | RetryPromptPart | Any"
"""The result of an external call: its value, a ``ToolReturn``, or a ``ModelRetry`` / ``RetryPromptPart`` the
model is sent instead."""
DeferredToolResult: TypeAlias = "DeferredToolApprovalResult | DeferredToolCallResult"
"""Either kind of answer."""


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class DeferredToolResults:
    """Answers to a :class:`DeferredToolRequests`, keyed by ``tool_call_id``."""

    calls: dict[str, Any] = dataclasses.field(default_factory=dict)
    """Results of external calls: a value, a ``ToolReturn``, a ``ModelRetry`` or a ``RetryPromptPart``."""
    approvals: dict[str, bool | ToolApproved | ToolDenied] = dataclasses.field(default_factory=dict)
    """``True``/``ToolApproved`` to run the call, ``False``/``ToolDenied`` to refuse it."""
    metadata: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    """Per call, given to the tool as ``RunContext.tool_call_metadata`` when it runs."""

    def resolutions(self) -> dict[str, Any]:
        """One answer per call id: approvals (as ``ToolApproved``/``ToolDenied``) first, then call results."""
        answers: dict[str, Any] = {}
        for call_id, approval in self.approvals.items():
            if approval is True:
                approval = ToolApproved()
            elif approval is False:
                approval = ToolDenied()
            answers[call_id] = approval
        answers.update(self.calls)
        return answers

    __repr__ = no_defaults_repr
    __eq__ = fields_eq
