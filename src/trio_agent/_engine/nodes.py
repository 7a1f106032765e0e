"""The nodes of an agent run: what ``async for node in run`` yields and ``run.next(node)`` accepts.

Nodes are plain data. What running each one does lives in the step modules (``_user_prompt_step``,
``_model_request_step``, ``_call_tools_step``); the driver picks the step by the node's type.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import KW_ONLY
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar

from .._messages.content import UserContent
from .._messages.messages import ModelRequest, ModelResponse
from .._repr import fields_eq, no_defaults_repr

if TYPE_CHECKING:
    from .._system_prompts import SystemPromptRunner

__all__ = ["AgentNode", "CallToolsNode", "End", "FinalResult", "ModelRequestNode", "UserPromptNode"]

OutputT = TypeVar("OutputT")
T = TypeVar("T")


@dataclasses.dataclass(repr=False, eq=False)
class FinalResult(Generic[OutputT]):
    """The output of a run, and the output tool call that produced it (if any)."""

    output: OutputT
    tool_name: str | None = None
    tool_call_id: str | None = None

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False)
class End(Generic[T]):
    """The run is over; ``data`` is its :class:`FinalResult`."""

    data: T

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False)
class UserPromptNode:
    """First node: assembles the history, system prompts and the user's prompt into the first request."""

    user_prompt: str | Sequence[UserContent] | None
    _: KW_ONLY
    deferred_tool_results: Any = None
    instructions: str | None = None
    instructions_functions: list[SystemPromptRunner] = dataclasses.field(default_factory=list)
    system_prompts: tuple[str, ...] = dataclasses.field(default_factory=tuple)
    system_prompt_functions: list[SystemPromptRunner] = dataclasses.field(default_factory=list)
    system_prompt_dynamic_functions: dict[str, SystemPromptRunner] = dataclasses.field(default_factory=dict)

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False)
class ModelRequestNode:
    """Sends ``request`` (after the history) to the model; leads to a :class:`CallToolsNode`."""

    request: ModelRequest
    is_resuming_without_prompt: bool = False

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False)
class CallToolsNode:
    """Handles ``model_response``: runs the tools it calls, or validates its output; leads to another
    :class:`ModelRequestNode` or to :class:`End`."""

    model_response: ModelResponse
    tool_call_results: dict[str, Any] | None = None
    tool_call_metadata: dict[str, Any] | None = None
    user_prompt: str | Sequence[UserContent] | None = None

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


AgentNode: TypeAlias = UserPromptNode | ModelRequestNode | CallToolsNode
"""A node that still has work to do."""
