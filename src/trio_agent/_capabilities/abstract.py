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
from typing import TYPE_CHECKING, Any, Generic, TypeAlias

from typing_extensions import TypeVar

from .._engine.nodes import AgentNode, NodeResult
from .._exceptions import SkipModelRequest
from .._messages.messages import ModelMessage, ModelResponse
from .._messages.parts import ToolCallPart
from .._run_context import RunContext
from .._settings import ModelSettings
from .._tools.definitions import ToolDefinition

if TYPE_CHECKING:
    from .._engine.result import AgentRunResult
    from .._tools.deferred import DeferredToolRequests, DeferredToolResults
    from .._toolsets.abstract import AbstractToolset
    from ..models import Model, ModelRequestParameters
    from .ordering import CapabilityOrdering

__all__ = [
    "AbstractCapability",
    "AgentDepsT",
    "ModelRequestContext",
    "NodeRunHandler",
    "RawOutput",
    "RawToolArgs",
    "SkipModelRequest",
    "ValidatedToolArgs",
    "WrapModelRequestHandler",
    "WrapNodeRunHandler",
    "WrapRunHandler",
    "WrapToolExecuteHandler",
    "WrapToolValidateHandler",
]

AgentDepsT = TypeVar("AgentDepsT", default=None, contravariant=True)
"""The deps type of the runs a capability is made for."""

RawToolArgs: TypeAlias = str | dict[str, Any]
"""A tool call's arguments before validation: JSON text or a dict, as the model sent them."""

ValidatedToolArgs: TypeAlias = dict[str, Any]
"""A tool call's arguments after validation, by parameter name."""

NodeRunHandler: TypeAlias = Callable[[AgentNode[Any, Any]], Awaitable[NodeResult]]
"""``handler(node)`` in ``wrap_node_run``: runs the node and returns what it leads to."""

WrapNodeRunHandler: TypeAlias = NodeRunHandler
"""The reference API's name of :data:`NodeRunHandler`."""

WrapRunHandler: TypeAlias = Callable[[], Awaitable["AgentRunResult[Any]"]]
"""``handler()`` in ``wrap_run``: runs the whole run and returns its result."""

WrapModelRequestHandler: TypeAlias = Callable[["ModelRequestContext"], Awaitable[ModelResponse]]
"""``handler(request_context)`` in ``wrap_model_request``: calls the model."""

WrapToolValidateHandler: TypeAlias = Callable[[RawToolArgs], Awaitable[ValidatedToolArgs]]
"""``handler(args)`` in ``wrap_tool_validate``: validates the arguments (with the other validate hooks)."""

WrapToolExecuteHandler: TypeAlias = Callable[[ValidatedToolArgs], Awaitable[Any]]
"""``handler(args)`` in ``wrap_tool_execute``: runs the tool."""

RawOutput: TypeAlias = str | dict[str, Any]
"""Output before validation: text, or an output tool's arguments."""


@dataclasses.dataclass(kw_only=True)
class ModelRequestContext:
    """What is about to be sent to the model; ``before_model_request`` may change any of it."""

    model: Model
    messages: list[ModelMessage]
    model_settings: ModelSettings | None
    model_request_parameters: ModelRequestParameters


class AbstractCapability(Generic[AgentDepsT]):
    """Base class of capabilities; every hook defaults to passing through.

    Generic in the deps type of the runs it is made for (``AbstractCapability[MyDeps]``); the hooks' contexts
    are typed ``RunContext[Any]`` so that one capability serves agents of any deps type.
    """

    # -- what the capability contributes -------------------------------------------------------------

    def overrides(self, hook: str) -> bool:
        """Whether this capability implements ``hook`` (a method name); only those hooks are called."""
        return getattr(type(self), hook) is not getattr(AbstractCapability, hook)

    def apply(self, visitor: Callable[[AbstractCapability[Any]], None]) -> None:
        """Call ``visitor`` on every leaf capability of this one (itself, unless it combines others)."""
        visitor(self)

    def get_ordering(self) -> CapabilityOrdering | None:
        """Where this capability goes among the agent's (see :class:`CapabilityOrdering`); ``None``: as listed."""
        return None

    async def for_run(self, ctx: RunContext[Any]) -> AbstractCapability[Any]:
        """The instance to use for one run (return a fresh one for per-run state); called as the run starts,
        before any hook. Default: ``self``, shared by every run."""
        return self

    def get_instructions(self) -> Any:
        """Instructions to add to the agent's: text, an instructions function (``(ctx)`` or ``()``, sync or
        async), or a sequence of them; ``None`` for none."""
        return None

    def get_toolset(self) -> AbstractToolset[Any] | None:
        """A toolset whose tools the agent offers (after its own), or ``None``."""
        return None

    def get_wrapper_toolset(self, toolset: AbstractToolset[Any]) -> AbstractToolset[Any] | None:
        """Wrap the run's combined function toolset (``toolset.prepared(...)``, ``.filtered(...)``, a
        ``WrapperToolset``), or return ``None`` to leave it; the first capability's wrapper is outermost."""
        return None

    def get_model_settings(self) -> ModelSettings | Callable[[RunContext[Any]], ModelSettings] | None:
        """Model settings merged over the agent's: a dict, or a function of the :class:`RunContext` evaluated
        before each request (``ctx.model_settings`` then holds the settings merged so far)."""
        return None

    def get_model(self) -> Any:
        """A model for the run (a ``Model`` or a name), a function choosing one before each request, or
        ``None``; the last capability that chooses wins."""
        return None

    async def resolve_model_id(self, ctx: RunContext[Any], *, model_id: str) -> Model | None:
        """The model a name (``'openai:gpt-4o'``) stands for, or ``None`` to leave it to the next capability
        (and finally to ``infer_model``)."""
        return None

    async def prepare_tools(self, ctx: RunContext[Any], tool_defs: list[ToolDefinition]) -> list[ToolDefinition]:
        """The function tools offered at this step, filtered or changed (output tools: see
        :meth:`prepare_output_tools`). A tool left out cannot be called either."""
        return tool_defs

    async def prepare_output_tools(self, ctx: RunContext[Any], tool_defs: list[ToolDefinition]) -> list[ToolDefinition]:
        """The output tools offered at this step, filtered or changed."""
        return tool_defs

    async def handle_deferred_tool_calls(
        self, ctx: RunContext[Any], *, requests: DeferredToolRequests
    ) -> DeferredToolResults | None:
        """Answer some or all of a step's deferred tool calls (approvals, external results) so the run goes
        on without ending; ``None`` (or calls left unanswered) passes them to the next capability, and then
        ends the run with ``DeferredToolRequests`` as usual."""
        return None

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

    # -- tool validation ------------------------------------------------------------------------------

    async def before_tool_validate(
        self, ctx: RunContext[Any], *, call: ToolCallPart, tool_def: ToolDefinition, args: RawToolArgs
    ) -> RawToolArgs:
        """Called with a tool call's raw arguments (JSON text or a dict); return the arguments to validate.
        Raise ``SkipToolValidation(args)`` to use ``args`` as validated, ``ModelRetry`` to ask for a new call."""
        return args

    async def wrap_tool_validate(
        self,
        ctx: RunContext[Any],
        *,
        call: ToolCallPart,
        tool_def: ToolDefinition,
        args: RawToolArgs,
        handler: Callable[[RawToolArgs], Awaitable[ValidatedToolArgs]],
    ) -> ValidatedToolArgs:
        """Validate by awaiting ``handler(args)`` (which runs the before hooks, the validation and the after
        hooks), or return validated arguments of your own."""
        return await handler(args)

    async def after_tool_validate(
        self, ctx: RunContext[Any], *, call: ToolCallPart, tool_def: ToolDefinition, args: ValidatedToolArgs
    ) -> ValidatedToolArgs:
        """Called with the validated arguments; return the arguments to call the tool with."""
        return args

    async def on_tool_validate_error(
        self,
        ctx: RunContext[Any],
        *,
        call: ToolCallPart,
        tool_def: ToolDefinition,
        args: RawToolArgs,
        error: Exception,
    ) -> ValidatedToolArgs:
        """Called when validation failed (``ValidationError`` or ``ModelRetry``); re-raise to send the model a
        retry prompt, return validated arguments to recover."""
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
