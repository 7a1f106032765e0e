"""Capabilities: objects whose hooks observe or change a run as it goes.

Subclass :class:`AbstractCapability`, override the hooks you need (the defaults pass everything through) and
pass instances as ``Agent(capabilities=[...])``. Five hook families, each around one thing:

========================  ============================================================  ==========================
family                    hooks                                                         surrounds
========================  ============================================================  ==========================
run                       ``before_run``, ``wrap_run``, ``after_run``, ``on_run_error``  the whole run
node                      ``before_node_run``, ``wrap_node_run``, ``after_node_run``,    each node ``next`` runs
                          ``on_node_run_error``
model request             ``before_model_request``, ``wrap_model_request``,              each model call
                          ``after_model_request``, ``on_model_request_error``
tool execution            ``before_tool_execute``, ``wrap_tool_execute``,                each function-tool call
                          ``after_tool_execute``, ``on_tool_execute_error``
event stream              ``wrap_run_event_stream``                                      each node's events
========================  ============================================================  ==========================

Several capabilities compose like middleware: ``before_*`` hooks run in the order given, ``after_*`` hooks in
reverse, ``wrap_*`` hooks nest with the first capability outermost, and ``on_*_error`` hooks are tried in
reverse order until one returns (recovers) instead of raising. ``before_*`` hooks may replace what they are
given (the node, the request context, the arguments); ``after_*`` hooks may replace the result; a ``wrap_*``
hook may skip ``handler`` and return its own result (short-circuit). Cancellation is never passed to an error
hook, and ``after_*`` hooks do not run for a cancelled body.

Hooks run in the run's own tasks. ``wrap_run`` around a run you drive with ``agent.iter`` runs in a task of
the run's nursery; its ``handler`` returns once your driving has ended the run. Node hooks run for every node
that ``AgentRun.next`` (and so ``Agent.run``) executes; ``async for node in run`` does not run them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterable, Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeAlias

from .._engine.nodes import AgentNode, NodeResult
from .._messages.messages import ModelMessage, ModelResponse
from .._messages.parts import ToolCallPart
from .._run_context import RunContext
from .._settings import ModelSettings
from .._tools.definitions import ToolDefinition

if TYPE_CHECKING:
    from .._engine.result import AgentRunResult
    from ..models import Model, ModelRequestParameters

__all__ = ["AbstractCapability", "ModelRequestContext", "NodeRunHandler", "SkipModelRequest"]

NodeRunHandler: TypeAlias = Callable[[AgentNode[Any, Any]], Awaitable[NodeResult]]
"""``handler(node)`` in ``wrap_node_run``: runs the node and returns what it leads to."""


@dataclasses.dataclass(kw_only=True)
class ModelRequestContext:
    """What is about to be sent to the model; ``before_model_request`` may change any of it."""

    model: Model
    messages: list[ModelMessage]
    model_settings: ModelSettings | None
    model_request_parameters: ModelRequestParameters


class SkipModelRequest(Exception):
    """Raise from a model-request hook to use ``response`` instead of calling the model."""

    def __init__(self, response: ModelResponse) -> None:
        self.response = response
        super().__init__()


class AbstractCapability:
    """Base class of capabilities; every hook defaults to passing through."""

    # -- run ------------------------------------------------------------------------------------------

    async def before_run(self, ctx: RunContext[Any]) -> None:
        """Called when the run starts."""

    async def wrap_run(self, ctx: RunContext[Any], *, handler: Callable[[], Awaitable[AgentRunResult[Any]]]) -> Any:
        """Await ``handler()`` for the run's result and return it (or another result)."""
        return await handler()

    async def after_run(self, ctx: RunContext[Any], *, result: AgentRunResult[Any]) -> AgentRunResult[Any]:
        """Called with the run's result; return it (or another)."""
        return result

    async def on_run_error(self, ctx: RunContext[Any], *, error: Exception) -> AgentRunResult[Any]:
        """Called when the run failed; re-raise to propagate, return a result to recover."""
        raise error

    # -- node -----------------------------------------------------------------------------------------

    async def before_node_run(self, ctx: RunContext[Any], *, node: AgentNode[Any, Any]) -> AgentNode[Any, Any]:
        """Called before a node runs; return the node to run (the same one, or a replacement)."""
        return node

    async def wrap_node_run(
        self, ctx: RunContext[Any], *, node: AgentNode[Any, Any], handler: NodeRunHandler
    ) -> NodeResult:
        """Run the node by awaiting ``handler(node)``; return its result, or your own to short-circuit."""
        return await handler(node)

    async def after_node_run(
        self, ctx: RunContext[Any], *, node: AgentNode[Any, Any], result: NodeResult
    ) -> NodeResult:
        """Called with the node's result; return the node to run next (the same one, or a replacement)."""
        return result

    async def on_node_run_error(
        self, ctx: RunContext[Any], *, node: AgentNode[Any, Any], error: Exception
    ) -> NodeResult:
        """Called when the node (or a wrap hook) raised; re-raise to propagate, return a node to recover."""
        raise error

    # -- model request --------------------------------------------------------------------------------

    async def before_model_request(
        self, ctx: RunContext[Any], request_context: ModelRequestContext
    ) -> ModelRequestContext:
        """Called before each model call; return the (possibly changed) request context."""
        return request_context

    async def wrap_model_request(
        self,
        ctx: RunContext[Any],
        *,
        request_context: ModelRequestContext,
        handler: Callable[[ModelRequestContext], Awaitable[ModelResponse]],
    ) -> ModelResponse:
        """Call the model by awaiting ``handler(request_context)``, or return a response of your own."""
        return await handler(request_context)

    async def after_model_request(
        self, ctx: RunContext[Any], *, request_context: ModelRequestContext, response: ModelResponse
    ) -> ModelResponse:
        """Called with the model's response; return it (or another)."""
        return response

    async def on_model_request_error(
        self, ctx: RunContext[Any], *, request_context: ModelRequestContext, error: Exception
    ) -> ModelResponse:
        """Called when the model call failed; re-raise to propagate, return a response to recover."""
        raise error

    # -- tool execution -------------------------------------------------------------------------------

    async def before_tool_execute(
        self, ctx: RunContext[Any], *, call: ToolCallPart, tool_def: ToolDefinition, args: dict[str, Any]
    ) -> dict[str, Any]:
        """Called with a tool call's validated arguments; return the arguments to call the tool with."""
        return args

    async def wrap_tool_execute(
        self,
        ctx: RunContext[Any],
        *,
        call: ToolCallPart,
        tool_def: ToolDefinition,
        args: dict[str, Any],
        handler: Callable[[dict[str, Any]], Awaitable[Any]],
    ) -> Any:
        """Run the tool by awaiting ``handler(args)``, or return a result of your own."""
        return await handler(args)

    async def after_tool_execute(
        self, ctx: RunContext[Any], *, call: ToolCallPart, tool_def: ToolDefinition, args: dict[str, Any], result: Any
    ) -> Any:
        """Called with the tool's result; return it (or another)."""
        return result

    async def on_tool_execute_error(
        self,
        ctx: RunContext[Any],
        *,
        call: ToolCallPart,
        tool_def: ToolDefinition,
        args: dict[str, Any],
        error: Exception,
    ) -> Any:
        """Called when the tool raised (``ModelRetry`` included); re-raise to propagate, return a result to
        recover."""
        raise error

    # -- events ---------------------------------------------------------------------------------------

    def wrap_run_event_stream(self, ctx: RunContext[Any], *, stream: AsyncIterable[Any]) -> AsyncIterable[Any]:
        """Return the events of one node as they should reach listeners (filtered, changed, or added to).

        Overriding this makes the run stream its model responses, so that the hook sees every event.
        """
        return stream
