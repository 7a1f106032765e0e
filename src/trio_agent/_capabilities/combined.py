"""``CombinedCapability``: several capabilities composed into one (see :mod:`.abstract` for the order rules)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from .._engine.nodes import AgentNode, NodeResult
from .._messages.messages import ModelResponse
from .._messages.parts import ToolCallPart
from .._run_context import RunContext
from .._tools.definitions import ToolDefinition
from .abstract import AbstractCapability, ModelRequestContext, NodeRunHandler, SkipModelRequest

if TYPE_CHECKING:
    from .._engine.result import AgentRunResult

__all__ = ["CombinedCapability"]


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

    async def run_node(self, ctx: RunContext[Any], node: AgentNode[Any, Any], step: NodeRunHandler) -> NodeResult:
        """Run ``node`` through ``step`` with every node hook applied."""
        for capability in self._hooks["before_node_run"]:
            node = await capability.before_node_run(ctx, node=node)
        wraps = self._hooks["wrap_node_run"]

        async def layer(depth: int, inner: AgentNode[Any, Any]) -> NodeResult:
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
