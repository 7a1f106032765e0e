"""Capabilities: objects whose hooks observe or change a run as it goes.

Subclass :class:`AbstractCapability`, override the hooks you need (the defaults pass everything through) and
pass instances as ``Agent(capabilities=[...])``. Four hook families surround four things:

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
from collections.abc import AsyncIterable, Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from .._engine.nodes import AgentNode, End
from .._messages.messages import ModelMessage, ModelResponse
from .._messages.parts import ToolCallPart
from .._run_context import RunContext
from .._settings import ModelSettings
from .._tools.definitions import ToolDefinition

if TYPE_CHECKING:
    from .._engine.result import AgentRunResult
    from ..models import Model, ModelRequestParameters

__all__ = [
    "AbstractCapability",
    "CombinedCapability",
    "ModelRequestContext",
    "NodeResult",
    "NodeRunHandler",
    "SkipModelRequest",
]

NodeResult: TypeAlias = AgentNode | End[Any]
NodeRunHandler: TypeAlias = Callable[[AgentNode], Awaitable[NodeResult]]


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

    async def before_node_run(self, ctx: RunContext[Any], *, node: AgentNode) -> AgentNode:
        """Called before a node runs; return the node to run (the same one, or a replacement)."""
        return node

    async def wrap_node_run(self, ctx: RunContext[Any], *, node: AgentNode, handler: NodeRunHandler) -> NodeResult:
        """Run the node by awaiting ``handler(node)``; return its result, or your own to short-circuit."""
        return await handler(node)

    async def after_node_run(self, ctx: RunContext[Any], *, node: AgentNode, result: NodeResult) -> NodeResult:
        """Called with the node's result; return the node to run next (the same one, or a replacement)."""
        return result

    async def on_node_run_error(self, ctx: RunContext[Any], *, node: AgentNode, error: Exception) -> NodeResult:
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


def _overriding(capabilities: Sequence[AbstractCapability], name: str) -> list[AbstractCapability]:
    default = getattr(AbstractCapability, name)
    return [c for c in capabilities if getattr(type(c), name) is not default]


class CombinedCapability:
    """Several capabilities composed into one, calling only the hooks each actually overrides."""

    def __init__(self, capabilities: Sequence[AbstractCapability]) -> None:
        self.capabilities = tuple(capabilities)
        hooks: dict[str, list[AbstractCapability]] = {}
        for family in ("run", "node_run", "model_request", "tool_execute"):
            hooks[f"before_{family}"] = _overriding(capabilities, f"before_{family}")
            hooks[f"wrap_{family}"] = _overriding(capabilities, f"wrap_{family}")
            hooks[f"after_{family}"] = _overriding(capabilities, f"after_{family}")[::-1]
            error_name = "on_run_error" if family == "run" else f"on_{family}_error"
            hooks[error_name] = _overriding(capabilities, error_name)[::-1]
        hooks["wrap_run_event_stream"] = _overriding(capabilities, "wrap_run_event_stream")
        self._hooks = hooks
        self.has_run_hooks = any(hooks[f"{k}"] for k in ("before_run", "wrap_run", "after_run", "on_run_error"))
        self.has_model_request_hooks = any(
            hooks[k]
            for k in ("before_model_request", "wrap_model_request", "after_model_request", "on_model_request_error")
        )
        self.has_tool_hooks = any(
            hooks[k]
            for k in ("before_tool_execute", "wrap_tool_execute", "after_tool_execute", "on_tool_execute_error")
        )
        self.event_stream_wrappers = hooks["wrap_run_event_stream"]

    async def _recover(self, name: str, error: Exception, call: Callable[[Any, Exception], Awaitable[Any]]) -> Any:
        for capability in self._hooks[name]:
            try:
                return await call(capability, error)
            except Exception as raised:
                error = raised
        raise error

    # -- run ------------------------------------------------------------------------------------------

    async def before_run(self, ctx: RunContext[Any]) -> None:
        for capability in self._hooks["before_run"]:
            await capability.before_run(ctx)

    async def wrap_run(
        self, ctx: RunContext[Any], body: Callable[[], Awaitable[AgentRunResult[Any]]]
    ) -> AgentRunResult[Any]:
        """``body`` (which runs, or waits for, the whole run) inside every ``wrap_run`` hook."""
        wraps = self._hooks["wrap_run"]

        async def layer(depth: int) -> AgentRunResult[Any]:
            if depth == len(wraps):
                return await body()
            return await wraps[depth].wrap_run(ctx, handler=lambda: layer(depth + 1))  # type: ignore[no-any-return]

        return await layer(0)

    async def after_run(self, ctx: RunContext[Any], result: AgentRunResult[Any]) -> AgentRunResult[Any]:
        for capability in self._hooks["after_run"]:
            result = await capability.after_run(ctx, result=result)
        return result

    async def recover_run(self, ctx: RunContext[Any], error: Exception) -> AgentRunResult[Any]:
        """Offer a run's error to the ``on_run_error`` hooks; raise if none recovers."""
        return await self._recover("on_run_error", error, lambda c, e: c.on_run_error(ctx, error=e))  # type: ignore[no-any-return]

    @property
    def wraps_run(self) -> bool:
        return bool(self._hooks["wrap_run"])

    # -- node -----------------------------------------------------------------------------------------

    async def run_node(self, ctx: RunContext[Any], node: AgentNode, step: NodeRunHandler) -> NodeResult:
        """Run ``node`` through ``step`` with every node hook applied."""
        for capability in self._hooks["before_node_run"]:
            node = await capability.before_node_run(ctx, node=node)
        wraps = self._hooks["wrap_node_run"]

        async def layer(depth: int, inner: AgentNode) -> NodeResult:
            if depth == len(wraps):
                return await step(inner)
            return await wraps[depth].wrap_node_run(ctx, node=inner, handler=lambda n: layer(depth + 1, n))

        try:
            result = await layer(0, node)
        except Exception as error:
            result = await self._recover(
                "on_node_run_error", error, lambda c, e: c.on_node_run_error(ctx, node=node, error=e)
            )
        for capability in self._hooks["after_node_run"]:
            result = await capability.after_node_run(ctx, node=node, result=result)
        return result

    # -- model request --------------------------------------------------------------------------------

    async def run_model_request(
        self,
        ctx: RunContext[Any],
        request_context: ModelRequestContext,
        call_model: Callable[[ModelRequestContext], Awaitable[ModelResponse]],
    ) -> ModelResponse:
        """Call the model through ``call_model`` with every model-request hook applied."""
        for capability in self._hooks["before_model_request"]:
            request_context = await capability.before_model_request(ctx, request_context)
        wraps = self._hooks["wrap_model_request"]

        async def layer(depth: int, rc: ModelRequestContext) -> ModelResponse:
            if depth == len(wraps):
                return await call_model(rc)
            return await wraps[depth].wrap_model_request(
                ctx, request_context=rc, handler=lambda inner: layer(depth + 1, inner)
            )

        try:
            response = await layer(0, request_context)
        except SkipModelRequest as skip:
            response = skip.response
        except Exception as error:
            response = await self._recover(
                "on_model_request_error",
                error,
                lambda c, e: c.on_model_request_error(ctx, request_context=request_context, error=e),
            )
        for capability in self._hooks["after_model_request"]:
            response = await capability.after_model_request(ctx, request_context=request_context, response=response)
        return response

    # -- tool execution -------------------------------------------------------------------------------

    async def run_tool(
        self,
        ctx: RunContext[Any],
        call: ToolCallPart,
        tool_def: ToolDefinition,
        args: dict[str, Any],
        execute: Callable[[dict[str, Any]], Awaitable[Any]],
    ) -> Any:
        """Execute a tool through ``execute`` with every tool-execution hook applied."""
        for capability in self._hooks["before_tool_execute"]:
            args = await capability.before_tool_execute(ctx, call=call, tool_def=tool_def, args=args)
        wraps = self._hooks["wrap_tool_execute"]

        async def layer(depth: int, inner: dict[str, Any]) -> Any:
            if depth == len(wraps):
                return await execute(inner)
            return await wraps[depth].wrap_tool_execute(
                ctx, call=call, tool_def=tool_def, args=inner, handler=lambda a: layer(depth + 1, a)
            )

        try:
            result = await layer(0, args)
        except Exception as error:
            final_args = args
            result = await self._recover(
                "on_tool_execute_error",
                error,
                lambda c, e: c.on_tool_execute_error(ctx, call=call, tool_def=tool_def, args=final_args, error=e),
            )
        for capability in self._hooks["after_tool_execute"]:
            result = await capability.after_tool_execute(ctx, call=call, tool_def=tool_def, args=args, result=result)
        return result
