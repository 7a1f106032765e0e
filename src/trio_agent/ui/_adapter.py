"""``UIAdapter``: a UI protocol's run input in, the agent run, the protocol's events out.

An adapter holds one request's run input (the request body, parsed) and the agent. It turns the input into the
run's arguments (:attr:`UIAdapter.messages` become ``message_history``; frontend tools a toolset; frontend
state goes into ``deps``), runs ``agent.run_stream_events``, and turns the run's events into the protocol's with
its :class:`~trio_agent.ui.UIEventStream`.

Resource handling: :meth:`UIAdapter.run_stream` is an ``async with`` block that owns the run, like
``agent.run_stream_events``: leaving it, however it is left, cancels the run if it is still going. The
streaming response of :meth:`UIAdapter.dispatch_request` enters that block while it sends the response, and
leaves it when the last event is sent or the client disconnects (which so cancels the run).

Error handling: a run that fails is reported to the client as the protocol's error event, after which the
stream ends normally (see :mod:`trio_agent.ui._event_stream`). A request body that is not valid run input is
answered with status 422 (and the validation errors), one whose messages cannot be loaded with 400, both
before any run starts.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import KW_ONLY, dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, cast

from typing_extensions import TypeVar

from .._agent.abstract import AbstractAgent
from .._agent.base import AgentBuiltinTool, AgentInstructions, AgentMetadata, AgentModelSettings
from .._engine.sinks import EventStream
from .._messages.messages import ModelMessage
from .._output.specs import OutputSpec
from .._tools.deferred import DeferredToolRequests, DeferredToolResults
from .._toolsets.abstract import AbstractToolset
from .._usage import RunUsage, UsageLimits
from ..models import KnownModelName, Model
from ._event_stream import OnCompleteFunc, UIEventStream, closing
from ._state import with_state

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response, StreamingResponse

__all__ = ["UIAdapter"]

RunInputT = TypeVar("RunInputT")
"""The protocol's run input (the request body, parsed)."""
MessageT = TypeVar("MessageT")
"""The protocol's message type."""
EventT = TypeVar("EventT")
"""The protocol's event type."""
DepsT = TypeVar("DepsT", default=None)
OutputT = TypeVar("OutputT", default=str)
DispatchDepsT = TypeVar("DispatchDepsT")
"""The deps type of the agent :meth:`UIAdapter.dispatch_request` runs (the class's is not bound there)."""
DispatchOutputT = TypeVar("DispatchOutputT")


@dataclass
class UIAdapter(ABC, Generic[RunInputT, MessageT, EventT, DepsT, OutputT]):
    """Runs ``agent`` on a UI protocol's run input and streams the run as the protocol's events.

    Subclasses say how to parse the request body (:meth:`build_run_input`), load the protocol's messages
    (:meth:`load_messages`) and which :class:`~trio_agent.ui.UIEventStream` turns our events into the protocol's
    (:meth:`build_event_stream`).
    """

    agent: AbstractAgent[DepsT, OutputT]
    """The agent to run."""
    run_input: RunInputT
    """The protocol's run input."""
    _: KW_ONLY
    accept: str | None = None
    """The request's ``Accept`` header."""

    protocol_name: ClassVar[str] = "UI"
    """The protocol's name, as error responses say it."""

    # -- the protocol's side: what subclasses say ----------------------------------------------------------

    @classmethod
    @abstractmethod
    def build_run_input(cls, body: bytes) -> RunInputT:
        """Parse a request body into run input (pydantic's ``ValidationError`` if it is not valid)."""
        raise NotImplementedError

    @classmethod
    @abstractmethod
    def load_messages(cls, messages: Sequence[MessageT]) -> list[ModelMessage]:
        """The protocol's messages as our history (``ValueError`` for messages that cannot be loaded)."""
        raise NotImplementedError

    @classmethod
    def dump_messages(cls, messages: Sequence[ModelMessage]) -> list[MessageT]:
        """Our history as the protocol's messages (to show a stored conversation in the UI)."""
        raise NotImplementedError(f"{cls.__name__} cannot dump messages")

    @abstractmethod
    def build_event_stream(self) -> UIEventStream[RunInputT, EventT, DepsT, OutputT]:
        """A new event stream transformer for this request."""
        raise NotImplementedError

    @cached_property
    @abstractmethod
    def messages(self) -> list[ModelMessage]:
        """The run input's messages as our history (the run continues from it)."""
        raise NotImplementedError

    @cached_property
    def toolset(self) -> AbstractToolset[DepsT] | None:
        """The frontend's tools, as a toolset whose calls end the run for the frontend to make."""
        return None

    @cached_property
    def state(self) -> dict[str, Any] | None:
        """The frontend's state, put into ``deps`` that implement :class:`~trio_agent.ui.StateHandler`."""
        return None

    @cached_property
    def deferred_tool_results(self) -> DeferredToolResults | None:
        """Results for deferred tool calls that the run input carries."""
        return None

    @cached_property
    def conversation_id(self) -> str | None:
        """The protocol's id for the conversation (its chat or thread), given to the run."""
        return None

    # -- from a request ------------------------------------------------------------------------------------------

    @classmethod
    async def from_request(cls, request: Request, *, agent: AbstractAgent[DepsT, OutputT], **options: Any) -> Self:
        """An adapter for a Starlette request (``options`` are the adapter's own fields, e.g. ``sdk_version``)."""
        return cls(agent, cls.build_run_input(await request.body()), accept=request.headers.get("accept"), **options)

    # -- running ----------------------------------------------------------------------------------------------

    def run_stream_native(
        self,
        *,
        output_type: OutputSpec[Any] | None = None,
        message_history: Sequence[ModelMessage] | None = None,
        deferred_tool_results: DeferredToolResults | None = None,
        model: Model | KnownModelName | None = None,
        instructions: AgentInstructions = None,
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: AgentModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: AgentMetadata | None = None,
        infer_name: bool = True,
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
        builtin_tools: Sequence[AgentBuiltinTool] | None = None,
    ) -> AbstractAsyncContextManager[EventStream[Any]]:
        """``agent.run_stream_events(...)`` on the run input: ``async with`` it to run, iterate it for our events.

        ``message_history`` goes before the run input's messages; the arguments are otherwise
        ``run_stream_events``'s, and are checked now (a bad one raises here, not when the block is entered).
        """
        toolsets = list(toolsets or ())
        if self.toolset is not None:  # the frontend's tools: a call to one ends the run, for the frontend to make
            toolsets.append(self.toolset)
            output_type = _with_deferred_requests(output_type or getattr(self.agent, "output_type", str))
        return self.agent.run_stream_events(
            output_type=output_type,
            message_history=[*(message_history or ()), *self.messages],
            deferred_tool_results=deferred_tool_results or self.deferred_tool_results,
            model=model,
            instructions=instructions,
            deps=with_state(deps, self.state),
            model_settings=model_settings,
            usage_limits=usage_limits,
            usage=usage,
            metadata=metadata,
            infer_name=infer_name,
            conversation_id=self.conversation_id,
            toolsets=toolsets,
            builtin_tools=builtin_tools,
        )

    def run_stream(
        self,
        *,
        output_type: OutputSpec[Any] | None = None,
        message_history: Sequence[ModelMessage] | None = None,
        deferred_tool_results: DeferredToolResults | None = None,
        model: Model | KnownModelName | None = None,
        instructions: AgentInstructions = None,
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: AgentModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: AgentMetadata | None = None,
        infer_name: bool = True,
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
        builtin_tools: Sequence[AgentBuiltinTool] | None = None,
        on_complete: OnCompleteFunc[EventT] | None = None,
    ) -> AbstractAsyncContextManager[AsyncIterator[EventT]]:
        """Run the agent on the run input: ``async with adapter.run_stream() as events: async for event in
        events: ...`` yields the protocol's events.

        Arguments as for :meth:`run_stream_native`; ``on_complete`` is called with the run's result when the run
        completes (and may yield more protocol events). Resource and error handling: see the module.
        """
        native = self.run_stream_native(
            output_type=output_type,
            message_history=message_history,
            deferred_tool_results=deferred_tool_results,
            model=model,
            instructions=instructions,
            deps=deps,
            model_settings=model_settings,
            usage_limits=usage_limits,
            usage=usage,
            metadata=metadata,
            infer_name=infer_name,
            toolsets=toolsets,
            builtin_tools=builtin_tools,
        )
        return _transformed(native, self.build_event_stream(), on_complete)

    def transform_stream(
        self, stream: AsyncIterable[Any], on_complete: OnCompleteFunc[EventT] | None = None
    ) -> AsyncIterator[EventT]:
        """Our events (of a run you started) as the protocol's: see :meth:`UIEventStream.transform_stream`."""
        return self.build_event_stream().transform_stream(stream, on_complete=on_complete)

    def encode_stream(self, stream: AsyncIterable[EventT]) -> AsyncIterator[str]:
        """The protocol's events as the text of the response body."""
        return self.build_event_stream().encode_stream(stream)

    def streaming_response(
        self, stream: AbstractAsyncContextManager[AsyncIterable[EventT]] | AsyncIterable[EventT]
    ) -> StreamingResponse:
        """A Starlette response streaming the protocol's events: those of a :meth:`run_stream` block (entered
        while the response is sent), or of an iterable."""
        return self.build_event_stream().streaming_response(stream)

    # -- HTTP ------------------------------------------------------------------------------------------------

    @classmethod
    async def dispatch_request(
        cls,
        request: Request,
        *,
        agent: AbstractAgent[DispatchDepsT, DispatchOutputT],
        message_history: Sequence[ModelMessage] | None = None,
        deferred_tool_results: DeferredToolResults | None = None,
        model: Model | KnownModelName | None = None,
        instructions: AgentInstructions = None,
        deps: DispatchDepsT = None,  # type: ignore[assignment]
        output_type: OutputSpec[Any] | None = None,
        model_settings: AgentModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        usage: RunUsage | None = None,
        metadata: AgentMetadata | None = None,
        infer_name: bool = True,
        toolsets: Sequence[AbstractToolset[DispatchDepsT]] | None = None,
        builtin_tools: Sequence[AgentBuiltinTool] | None = None,
        on_complete: OnCompleteFunc[EventT] | None = None,
        **options: Any,
    ) -> Response:
        """Answer a Starlette (or FastAPI) request: run ``agent`` on the run input in its body and stream the run as
        the protocol's events (a Server-Sent Events response).

        Run arguments as for :meth:`run_stream`; ``options`` are the adapter's own fields (``sdk_version=6``...).
        An invalid body is answered with 422 and its validation errors, messages that cannot be loaded with 400;
        no run starts then. Otherwise the run starts when the response is sent, and is cancelled if the client
        disconnects. Resource and error handling: see the module.
        """
        from pydantic import ValidationError

        from ._http import error_response

        try:  # (the run's deps and output types are the agent's, not the class's)
            adapter = cast(
                "UIAdapter[RunInputT, MessageT, EventT, Any, Any]",
                await cls.from_request(request, agent=cast("AbstractAgent[Any, Any]", agent), **options),
            )
        except ValidationError as error:
            return error_response(f"The request body is not a valid {cls.protocol_name} run input.", 422, error)
        try:
            adapter.messages  # noqa: B018  (loaded now, to answer a history that cannot be loaded with 400)
        except ValueError as error:
            return error_response(f"The request's messages cannot be loaded: {error}", 400)
        try:
            adapter.deferred_tool_results  # noqa: B018  (the same for answers to deferred calls)
        except ValueError as error:
            return error_response(f"The request's answers to deferred tool calls cannot be used: {error}", 400)
        try:
            stream = adapter.run_stream(
                output_type=output_type,
                message_history=message_history,
                deferred_tool_results=deferred_tool_results,
                model=model,
                instructions=instructions,
                deps=deps,
                model_settings=model_settings,
                usage_limits=usage_limits,
                usage=usage,
                metadata=metadata,
                infer_name=infer_name,
                toolsets=toolsets,
                builtin_tools=builtin_tools,
                on_complete=on_complete,
            )
        except ValidationError as error:  # the frontend's state, validated into the type of `deps.state`
            return error_response(f"The request's state is not a valid `{type(deps).__name__}` state.", 422, error)
        return adapter.streaming_response(stream)


def _with_deferred_requests(output_type: Any) -> Any:
    """``output_type`` with ``DeferredToolRequests`` among its outputs (which a frontend tool's call ends the run
    with)."""
    outputs = (
        list(output_type) if isinstance(output_type, Sequence) and not isinstance(output_type, str) else [output_type]
    )
    return outputs if DeferredToolRequests in outputs else [*outputs, DeferredToolRequests]


@asynccontextmanager
async def _transformed(
    native: AbstractAsyncContextManager[EventStream[Any]],
    event_stream: UIEventStream[Any, EventT, Any, Any],
    on_complete: OnCompleteFunc[EventT] | None,
) -> AsyncIterator[AsyncIterator[EventT]]:
    async with native as events, closing(event_stream.transform_stream(events, on_complete)) as protocol_events:
        yield protocol_events
