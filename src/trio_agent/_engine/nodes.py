"""The nodes of an agent run: what ``async for node in run`` yields and ``run.next(node)`` accepts.

Nodes are plain data: a node says what the run does next, and the step functions of :mod:`.steps` do it (the
driver's transition table maps each node type to its step). Every node is an :class:`AgentNode` typed by the
run's deps and output types, so ``run.next(node)`` and ``async for`` keep a run's types end to end.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import KW_ONLY
from typing import TYPE_CHECKING, Any, Generic, TypeAlias

from typing_extensions import TypeVar

from .._messages.content import UserContent
from .._messages.messages import ModelRequest, ModelResponse
from .._repr import fields_eq, no_defaults_repr

if TYPE_CHECKING:
    from .._system_prompts import SystemPromptRunner
    from .._tools.deferred import DeferredToolResults

__all__ = ["AgentNode", "CallToolsNode", "End", "FinalResult", "ModelRequestNode", "NodeResult", "UserPromptNode"]

DepsT = TypeVar("DepsT", default=None)
OutputT = TypeVar("OutputT", default=str)
T = TypeVar("T", default=Any)


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


class AgentNode(Generic[DepsT, OutputT]):
    """A node that still has work to do: a :class:`UserPromptNode`, :class:`ModelRequestNode` or
    :class:`CallToolsNode` of a run with deps of type ``DepsT`` and output of type ``OutputT``."""

    __slots__ = ()


@dataclasses.dataclass(repr=False, eq=False)
class UserPromptNode(AgentNode[DepsT, OutputT]):
    """First node: assembles the history, system prompts and the user's prompt into the first request."""

    user_prompt: str | Sequence[UserContent] | None
    _: KW_ONLY
    deferred_tool_results: DeferredToolResults | None = None
    instructions: str | None = None
    instructions_functions: list[SystemPromptRunner] = dataclasses.field(default_factory=list)
    system_prompts: tuple[str, ...] = dataclasses.field(default_factory=tuple)
    system_prompt_functions: list[SystemPromptRunner] = dataclasses.field(default_factory=list)
    system_prompt_dynamic_functions: dict[str, SystemPromptRunner] = dataclasses.field(default_factory=dict)

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False)
class ModelRequestNode(AgentNode[DepsT, OutputT]):
    """Sends ``request`` (after the history) to the model; leads to a :class:`CallToolsNode`."""

    request: ModelRequest
    is_resuming_without_prompt: bool = False

    def stream(self, ctx: Any) -> AbstractAsyncContextManager[Any]:
        """Run this node of an ``agent.iter`` run while reading its events: ``async with node.stream(run.ctx)
        as stream`` (see :mod:`trio_agent._engine.node_stream`)."""
        from .node_stream import stream_node

        return stream_node(self, ctx)

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False)
class CallToolsNode(AgentNode[DepsT, OutputT]):
    """Handles ``model_response``: runs the tools it calls, or validates its output; leads to another
    :class:`ModelRequestNode` or to :class:`End`."""

    model_response: ModelResponse
    tool_call_results: dict[str, Any] | None = None
    tool_call_metadata: dict[str, Any] | None = None
    user_prompt: str | Sequence[UserContent] | None = None

    def stream(self, ctx: Any) -> AbstractAsyncContextManager[Any]:
        """Run this node of an ``agent.iter`` run while reading its events: ``async with node.stream(run.ctx)
        as stream`` (see :mod:`trio_agent._engine.node_stream`)."""
        from .node_stream import stream_node

        return stream_node(self, ctx)

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


NodeResult: TypeAlias = AgentNode[Any, Any] | End[FinalResult[Any]]
"""What running a node leads to: the next node, or the end of the run."""
