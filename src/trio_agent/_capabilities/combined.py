"""``CombinedCapability``: several capabilities composed into one (see :mod:`.abstract` for the order rules)."""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

import pydantic

from .._engine.nodes import AgentNode, NodeResult
from .._exceptions import ModelRetry, SkipToolExecution, SkipToolValidation, UserError
from .._messages.messages import ModelResponse
from .._messages.parts import ToolCallPart
from .._run_context import RunContext
from .._tools.definitions import ToolDefinition
from .abstract import (
    AbstractCapability,
    ModelRequestContext,
    NodeRunHandler,
    RawToolArgs,
    SkipModelRequest,
    ValidatedToolArgs,
)
from .durability import Durability
from .nesting import nest
from .ordering import sort_capabilities

if TYPE_CHECKING:
    from .._engine.result import AgentRunResult

__all__ = ["CombinedCapability"]


def _overriding(capabilities: Sequence[AbstractCapability[Any]], name: str) -> list[AbstractCapability[Any]]:
    return [c for c in capabilities if c.overrides(name)]


def _flattened(capabilities: Sequence[Any]) -> list[AbstractCapability[Any]]:
    flat: list[AbstractCapability[Any]] = []
    for capability in capabilities:
        if isinstance(capability, CombinedCapability):
            flat.extend(capability.capabilities)
        elif isinstance(capability, AbstractCapability):
            flat.append(capability)
        else:
            raise UserError(
                f"{capability!r} is not a capability: pass instances of `AbstractCapability` subclasses (or "
                "`Capability(...)`, `Hooks()`) in `capabilities=`."
            )
    return flat


class CombinedCapability:
    """Several capabilities composed into one, calling only the hooks each actually overrides.

    ``CombinedCapability([a, b])`` may itself be listed among an agent's capabilities (its members take its
    place). The members are ordered by their :class:`~trio_agent.capabilities.CapabilityOrdering` declarations
    (the listed order otherwise): the first is the outermost layer.
    """

    def __init__(self, capabilities: Sequence[AbstractCapability[Any]] = ()) -> None:
        capabilities = sort_capabilities(_flattened(capabilities))
        self.capabilities = tuple(capabilities)
        hooks: dict[str, list[AbstractCapability]] = {}
        for family in ("run", "node_run", "model_request", "tool_validate", "tool_execute"):
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
        self.has_before_model_request = bool(hooks["before_model_request"])
        self.has_validate_hooks = any(
            hooks[k]
            for k in ("before_tool_validate", "wrap_tool_validate", "after_tool_validate", "on_tool_validate_error")
        )
        self.has_tool_hooks = self.has_validate_hooks or any(
            hooks[k]
            for k in ("before_tool_execute", "wrap_tool_execute", "after_tool_execute", "on_tool_execute_error")
        )
        self.event_stream_wrappers = hooks["wrap_run_event_stream"]
        self.contributes = any(
            c.overrides(name)
            for c in capabilities
            for name in (
                "get_instructions",
                "get_toolset",
                "get_model_settings",
                "get_model",
                "prepare_tools",
                "prepare_output_tools",
                "get_wrapper_toolset",
            )
        )
        """Whether some capability adds to the agent's configuration (see :mod:`.contributions`)."""
        self.binds_per_run = any(c.overrides("for_run") for c in capabilities)
        """Whether some capability makes an instance per run (``for_run``)."""
        self.resolves_models = any(c.overrides("resolve_model_id") for c in capabilities)
        self.handles_deferred = [c for c in capabilities if c.overrides("handle_deferred_tool_calls")]
        self.prepares_output_tools = any(c.overrides("prepare_output_tools") for c in capabilities)
        self.durability = _durability(capabilities)
        """The member that runs model requests, tool calls and MCP exchanges as recorded steps, if any."""

    def rebound(self, members: Sequence[AbstractCapability[Any]]) -> CombinedCapability:
        """This composition with each member replaced by the one at its place in ``members`` (the instances
        their ``for_run`` returned). Members of the same types override the same hooks, so the hook tables are
        carried over rather than worked out again: once per run, that matters."""
        if len(members) != len(self.capabilities) or any(
            type(new) is not type(old) for new, old in zip(members, self.capabilities, strict=True)
        ):
            return CombinedCapability(members)
        instead = {id(old): new for old, new in zip(self.capabilities, members, strict=True)}
        bound = copy.copy(self)
        bound.capabilities = tuple(members)
        bound._hooks = {name: [instead[id(c)] for c in found] for name, found in self._hooks.items()}
        bound.event_stream_wrappers = bound._hooks["wrap_run_event_stream"]
        bound.handles_deferred = [instead[id(c)] for c in self.handles_deferred]
        if self.durability is not None:
            bound.durability = instead[id(self.durability)]  # type: ignore[assignment]
        return bound

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
        return await nest(
            self._hooks["wrap_run"],
            lambda capability, _, inner: capability.wrap_run(ctx, handler=lambda: inner(None)),
            lambda _: body(),
            None,
        )

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
        try:
            result: NodeResult = await nest(
                self._hooks["wrap_node_run"],
                lambda capability, current, inner: capability.wrap_node_run(ctx, node=current, handler=inner),
                step,
                node,
            )
        except Exception as error:
            result = await self._recover(
                "on_node_run_error", error, lambda c, e: c.on_node_run_error(ctx, node=node, error=e)
            )
        for capability in self._hooks["after_node_run"]:
            result = await capability.after_node_run(ctx, node=node, result=result)
        return result

    # -- model request --------------------------------------------------------------------------------

    async def before_model_request(
        self, ctx: RunContext[Any], request_context: ModelRequestContext
    ) -> ModelRequestContext:
        """Every ``before_model_request`` hook, in order, each given what the previous one returned."""
        for capability in self._hooks["before_model_request"]:
            request_context = await capability.before_model_request(ctx, request_context)
        return request_context

    async def run_model_request(
        self,
        ctx: RunContext[Any],
        request_context: ModelRequestContext,
        call_model: Callable[[ModelRequestContext], Awaitable[ModelResponse]],
    ) -> ModelResponse:
        """Call the model through ``call_model`` with the wrap, error and after model-request hooks applied (the
        ``before`` hooks ran in :meth:`before_model_request`)."""
        try:
            response: ModelResponse = await nest(
                self._hooks["wrap_model_request"],
                lambda capability, rc, inner: capability.wrap_model_request(ctx, request_context=rc, handler=inner),
                call_model,
                request_context,
            )
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

    # -- tool validation ------------------------------------------------------------------------------

    async def validate_tool(
        self,
        ctx: RunContext[Any],
        call: ToolCallPart,
        tool_def: ToolDefinition,
        args: RawToolArgs,
        validate: Callable[[RawToolArgs], ValidatedToolArgs],
    ) -> ValidatedToolArgs:
        """Validate ``args`` with ``validate`` and every tool-validation hook: ``wrap_tool_validate`` hooks
        outermost, around the ``before`` hooks, the validation (offered to ``on_tool_validate_error`` when it
        fails) and the ``after`` hooks."""

        async def inner(raw: RawToolArgs) -> ValidatedToolArgs:
            try:
                for capability in self._hooks["before_tool_validate"]:
                    raw = await capability.before_tool_validate(ctx, call=call, tool_def=tool_def, args=raw)
            except SkipToolValidation as skip:
                return skip.validated_args
            try:
                validated = validate(raw)
            except (pydantic.ValidationError, ModelRetry) as error:
                final = raw
                validated = await self._recover(
                    "on_tool_validate_error",
                    error,
                    lambda c, e: c.on_tool_validate_error(ctx, call=call, tool_def=tool_def, args=final, error=e),
                )
            for capability in self._hooks["after_tool_validate"]:
                validated = await capability.after_tool_validate(ctx, call=call, tool_def=tool_def, args=validated)
            return validated

        try:
            return await nest(
                self._hooks["wrap_tool_validate"],
                lambda capability, raw, handler: capability.wrap_tool_validate(
                    ctx, call=call, tool_def=tool_def, args=raw, handler=handler
                ),
                inner,
                args,
            )
        except SkipToolValidation as skip:
            return skip.validated_args

    # -- tool execution -------------------------------------------------------------------------------

    async def run_tool(
        self,
        ctx: RunContext[Any],
        call: ToolCallPart,
        tool_def: ToolDefinition,
        args: dict[str, Any],
        execute: Callable[[dict[str, Any]], Awaitable[Any]],
    ) -> Any:
        """Execute a tool through ``execute`` with every tool-execution hook applied (``SkipToolExecution`` from
        a ``before`` or ``wrap`` hook gives the result without running the tool)."""

        async def wrapped(current: dict[str, Any]) -> Any:
            return await nest(
                self._hooks["wrap_tool_execute"],
                lambda capability, inner, handler: capability.wrap_tool_execute(
                    ctx, call=call, tool_def=tool_def, args=inner, handler=handler
                ),
                execute,
                current,
            )

        try:
            try:
                for capability in self._hooks["before_tool_execute"]:
                    args = await capability.before_tool_execute(ctx, call=call, tool_def=tool_def, args=args)
                result = await wrapped(args)
            except SkipToolExecution as skip:
                result = skip.result
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


def _durability(capabilities: Sequence[AbstractCapability[Any]]) -> Durability | None:
    found = [c for c in capabilities if isinstance(c, Durability)]
    if len(found) > 1:
        raise UserError(
            f"An agent can have one durability capability, not {len(found)} "
            f"({', '.join(type(c).__name__ for c in found)}): a run's steps are recorded by one engine."
        )
    return found[0] if found else None
