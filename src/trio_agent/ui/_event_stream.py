"""``UIEventStream``: turns a run's events into a UI protocol's events, and encodes those as SSE text.

The transformation is a plain async generator over the run's events (:meth:`UIEventStream.transform_stream`):
it opens no nursery and no cancel scope, so it may be iterated anywhere, including from another async
generator. It keeps a little state to say what the protocols need and our events leave implicit:

* the *turn*: a model response starts with the first part it streams and ends when a tool call is dispatched,
  enqueued content is delivered (the model answers it in a response of its own), or the run ends; the ``before_response``/``after_response`` and ``before_request``/``after_request`` hooks
  fire at those boundaries (the Vercel AI protocol's steps, for instance);
* the part being streamed, and the tool calls dispatched but not yet answered: when the run fails, the stream
  closes them (the part's end event, an error result for each call) before the protocol's error event, so a
  client does not show them as still running.

Error handling: a run that fails ends its event stream with ``AgentRunErrorEvent`` and then raises the error; a
failure raised by the events iterable (or by a ``handle_*`` hook, or ``on_complete``) is treated the same way.
Either becomes the protocol's error event (:meth:`UIEventStream.on_error`), then the stream ends normally:
the error is reported to the client, not raised. ``Cancelled``, ``KeyboardInterrupt`` and other
``BaseException`` are never caught.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeAlias, cast
from uuid import uuid4

from pydantic_core import to_json
from typing_extensions import TypeVar

from .._engine.result import AgentRunErrorEvent, AgentRunResult, AgentRunResultEvent
from .._messages.deltas import TextPartDelta, ThinkingPartDelta, ToolCallPartDelta
from .._messages.events import (
    AgentStreamEvent,
    EnqueuedMessagesEvent,
    FinalResultEvent,
    FunctionToolCallEvent,
    FunctionToolResultEvent,
    OutputToolCallEvent,
    OutputToolResultEvent,
    PartDeltaEvent,
    PartEndEvent,
    PartStartEvent,
    ToolCallEvent,
    ToolResultEvent,
)
from .._messages.parts import (
    BuiltinToolCallPart,
    BuiltinToolReturnPart,
    FilePart,
    ModelResponsePart,
    TextPart,
    ThinkingPart,
    ToolCallPart,
    ToolReturnPart,
)

if TYPE_CHECKING:
    from starlette.responses import StreamingResponse

__all__ = [
    "SSE_CONTENT_TYPE",
    "NativeEvent",
    "OnCompleteFunc",
    "UIEventStream",
    "args_text",
    "closing",
    "collect",
    "no_events",
]

SSE_CONTENT_TYPE = "text/event-stream"
"""The ``Content-Type`` of a Server-Sent Events response."""

SSE_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}
"""Sent with every Server-Sent Events response: no caching, no buffering by proxies."""

RunInputT = TypeVar("RunInputT")
"""The protocol's run input (the request body, parsed)."""
EventT = TypeVar("EventT")
"""The protocol's event type."""
DepsT = TypeVar("DepsT", default=None)
T = TypeVar("T")
OutputT = TypeVar("OutputT", default=str)

NativeEvent: TypeAlias = AgentStreamEvent | AgentRunResultEvent[Any] | AgentRunErrorEvent
"""What a run's event stream yields (``agent.run_stream_events``)."""

OnCompleteFunc: TypeAlias = Callable[[AgentRunResult[Any]], Awaitable[None] | AsyncIterator[EventT] | None]
"""Called with the run's result when it completes: a function, an async function, or an async generator of
protocol events to send after the run's own (a sync function runs in the event loop's thread: keep it quick)."""

INTERRUPTED_BY_ERROR = "Tool execution was interrupted by an error."
"""The result sent for a tool call still running when the run failed."""


class _NoEvents:
    def __aiter__(self) -> _NoEvents:
        return self

    async def __anext__(self) -> Any:
        raise StopAsyncIteration


def args_text(args: str | dict[str, Any] | None) -> str:
    """Tool-call arguments (or a piece of them) as the JSON text a protocol streams: a string as it is (it may
    be a fragment of JSON), anything else as JSON."""
    if isinstance(args, str):
        return args
    return "" if args is None else to_json(args).decode()


def no_events() -> AsyncIterator[Any]:
    """No protocol events (what a hook returns by default)."""
    return _NoEvents()


@dataclass
class UIEventStream(ABC, Generic[RunInputT, EventT, DepsT, OutputT]):
    """Turns our events into a UI protocol's events (subclass per protocol, overriding the ``handle_*`` and
    ``before_*``/``after_*`` hooks it needs; each returns an async iterator of protocol events).

    One instance serves one run: it remembers the message ids it handed out and where the run is.
    """

    run_input: RunInputT
    """The protocol's run input the run was started from."""
    accept: str | None = None
    """The request's ``Accept`` header, for protocols with more than one encoding."""
    message_id: str = field(default_factory=lambda: str(uuid4()))
    """The id of the protocol message being streamed (see :meth:`new_message_id`)."""

    _turn: Literal["request", "response"] | None = field(default=None, init=False, repr=False)
    _result: AgentRunResult[OutputT] | None = field(default=None, init=False, repr=False)
    _error: Exception | None = field(default=None, init=False, repr=False)
    _open_part: tuple[int, ModelResponsePart] | None = field(default=None, init=False, repr=False)
    _pending_tool_calls: dict[str, tuple[Literal["function", "output"], str]] = field(
        default_factory=dict, init=False, repr=False
    )

    def new_message_id(self) -> str:
        """Start a new protocol message: a fresh :attr:`message_id`, returned."""
        self.message_id = str(uuid4())
        return self.message_id

    @property
    def result(self) -> AgentRunResult[OutputT] | None:
        """The run's result, once the stream has seen it complete."""
        return self._result

    @property
    def error(self) -> Exception | None:
        """The error the run failed with, once the stream has reported it."""
        return self._error

    # -- encoding --------------------------------------------------------------------------------------------

    @property
    def content_type(self) -> str:
        """The response's ``Content-Type`` (Server-Sent Events unless a protocol says otherwise)."""
        return SSE_CONTENT_TYPE

    @property
    def response_headers(self) -> Mapping[str, str] | None:
        """Headers the protocol wants on the response, besides ``Content-Type``."""
        return None

    @abstractmethod
    def encode_event(self, event: EventT) -> str:
        """One protocol event as the text sent for it (an SSE ``data:`` line and its blank line)."""
        raise NotImplementedError

    async def encode_stream(self, stream: AsyncIterable[EventT]) -> AsyncIterator[str]:
        """Encode each protocol event of ``stream`` (see :meth:`encode_event`)."""
        async for event in stream:
            yield self.encode_event(event)

    def streaming_response(
        self, stream: AbstractAsyncContextManager[AsyncIterable[EventT]] | AsyncIterable[EventT]
    ) -> StreamingResponse:
        """A Starlette response streaming ``stream``'s protocol events, encoded: the events of an ``async with``
        block (``adapter.run_stream()``, entered while the response is sent and left when it ends or the client
        disconnects), or of an iterable. Needs Starlette (imported now)."""
        try:
            from ._http import UIStreamingResponse
        except ImportError as error:  # pragma: no cover
            raise ImportError(
                "Streaming responses need Starlette: `pip install starlette` (or `trio-agent[ui]`)."
            ) from error

        headers = {**(SSE_HEADERS if self.content_type == SSE_CONTENT_TYPE else {}), **(self.response_headers or {})}
        return UIStreamingResponse(self._encoded(stream), headers=headers, media_type=self.content_type)

    @asynccontextmanager
    async def _encoded(
        self, stream: AbstractAsyncContextManager[AsyncIterable[EventT]] | AsyncIterable[EventT]
    ) -> AsyncIterator[AsyncIterator[str]]:
        from ._http import opened

        async with opened(stream) as events, closing(self.encode_stream(events)) as chunks:
            yield chunks

    # -- the transformation ------------------------------------------------------------------------------------

    async def transform_stream(
        self, stream: AsyncIterable[NativeEvent], on_complete: OnCompleteFunc[EventT] | None = None
    ) -> AsyncIterator[EventT]:
        """The protocol events for a run's events, from the run's start to its end.

        ``stream`` is what ``agent.run_stream_events(...)`` yields (or any iterable of our events: a run you
        drive yourself). ``on_complete`` is called with the run's result when the run completes.

        Resource handling: this iterates ``stream`` and nothing else; it neither closes ``stream`` nor owns the
        run. Leave the ``async with agent.run_stream_events(...)`` block to stop the run.

        Error handling: a failed run (or an exception raised by ``stream``, a hook, or ``on_complete``) closes
        the part being streamed and the unanswered tool calls, then yields the protocol's error event and the
        stream's closing events; the exception is not raised. ``BaseException`` that is not an ``Exception``
        (``trio.Cancelled``...) passes through untouched.
        """
        for e in await collect(self.before_stream()):
            yield e
        failure: Exception | None = None
        try:
            async for event in stream:
                if isinstance(event, AgentRunErrorEvent):
                    if failure is None and isinstance(event.error, Exception):
                        failure = event.error  # iterating on raises it: read on, so the run's block is satisfied
                    continue
                for e in await self._dispatch(event, on_complete):
                    yield e
        except Exception as exc:
            if failure is None:
                failure = exc
            elif exc is not failure:
                raise
        closing_events = await self._fail(failure) if failure is not None else []
        closing_events += await self._turn_to(None)
        closing_events += await collect(self.after_stream())
        for e in closing_events:
            yield e

    # (Each step collects the events of the hooks it calls, which closes them, before any is yielded: a consumer
    # that stops early leaves no hook's generator suspended, to be finalised by the garbage collector.)

    async def _dispatch(
        self, event: AgentStreamEvent | AgentRunResultEvent[Any], on_complete: OnCompleteFunc[EventT] | None
    ) -> list[EventT]:
        events: list[EventT] = []
        if isinstance(event, PartStartEvent):
            events += await self._turn_to("response")
        elif isinstance(event, PartEndEvent):
            self._open_part = None
        elif isinstance(event, ToolCallEvent):
            kind: Literal["function", "output"] = "output" if isinstance(event, OutputToolCallEvent) else "function"
            self._pending_tool_calls[event.part.tool_call_id] = (kind, event.part.tool_name)
            events += await self._turn_to("request")
        elif isinstance(event, ToolResultEvent):
            self._pending_tool_calls.pop(event.part.tool_call_id, None)
        elif isinstance(event, EnqueuedMessagesEvent):  # content delivered: the next response is a new one
            events += await self._turn_to("request")
        elif isinstance(event, AgentRunResultEvent):
            self._result = cast(AgentRunResult[OutputT], event.result)
            events += await self._turn_to(None)
            if on_complete is not None:
                events += await _call_back(on_complete, event.result)
        events += await collect(self.handle_event(event))
        if isinstance(event, PartStartEvent):  # open once its start is sent, so a failure closes only what was
            self._open_part = (event.index, event.part)
        return events

    async def _fail(self, error: Exception) -> list[EventT]:
        self._error = error
        events: list[EventT] = []
        if self._open_part is not None:
            index, part = self._open_part
            self._open_part = None
            events += await collect(self.handle_part_end(PartEndEvent(index=index, part=part)))
        pending, self._pending_tool_calls = self._pending_tool_calls, {}
        for tool_call_id, (kind, tool_name) in pending.items():
            events += await self._turn_to("request")
            failed = ToolReturnPart(tool_name, INTERRUPTED_BY_ERROR, tool_call_id, outcome="failed")
            results = (
                self.handle_output_tool_result(OutputToolResultEvent(failed))
                if kind == "output"
                else self.handle_function_tool_result(FunctionToolResultEvent(failed))
            )
            events += await collect(results)
        return events + await collect(self.on_error(error))

    async def _turn_to(self, turn: Literal["request", "response"] | None) -> list[EventT]:
        if turn == self._turn:
            return []
        events: list[EventT] = []
        if self._turn is not None:
            events += await collect(self.after_request() if self._turn == "request" else self.after_response())
        self._turn = turn
        if turn is not None:
            events += await collect(self.before_request() if turn == "request" else self.before_response())
        return events

    # -- dispatch to the hooks -----------------------------------------------------------------------------------

    def handle_event(self, event: AgentStreamEvent | AgentRunResultEvent[Any]) -> AsyncIterator[EventT]:
        """The protocol events for one of our events: dispatches to the ``handle_*`` hook for its kind."""
        if isinstance(event, PartStartEvent):
            return self.handle_part_start(event)
        if isinstance(event, PartDeltaEvent):
            return self.handle_part_delta(event)
        if isinstance(event, PartEndEvent):
            return self.handle_part_end(event)
        if isinstance(event, FinalResultEvent):
            return self.handle_final_result(event)
        if isinstance(event, FunctionToolCallEvent):
            return self.handle_function_tool_call(event)
        if isinstance(event, FunctionToolResultEvent):
            return self.handle_function_tool_result(event)
        if isinstance(event, OutputToolCallEvent):
            return self.handle_output_tool_call(event)
        if isinstance(event, OutputToolResultEvent):
            return self.handle_output_tool_result(event)
        if isinstance(event, AgentRunResultEvent):
            return self.handle_run_result(event)
        return no_events()  # enqueued messages, tool availability, deferred calls: no protocol event by default

    def handle_part_start(self, event: PartStartEvent) -> AsyncIterator[EventT]:
        part, previous = event.part, event.previous_part_kind
        if isinstance(part, TextPart):
            return self.handle_text_start(part, follows_text=previous == "text")
        if isinstance(part, ThinkingPart):
            return self.handle_thinking_start(part, follows_thinking=previous == "thinking")
        if isinstance(part, ToolCallPart):
            return self.handle_tool_call_start(part)
        if isinstance(part, BuiltinToolCallPart):
            return self.handle_builtin_tool_call_start(part)
        if isinstance(part, BuiltinToolReturnPart):
            return self.handle_builtin_tool_return(part)
        if isinstance(part, FilePart):
            return self.handle_file(part)
        return no_events()

    def handle_part_delta(self, event: PartDeltaEvent) -> AsyncIterator[EventT]:
        delta = event.delta
        if isinstance(delta, TextPartDelta):
            return self.handle_text_delta(delta)
        if isinstance(delta, ThinkingPartDelta):
            return self.handle_thinking_delta(delta)
        if isinstance(delta, ToolCallPartDelta):
            if delta.tool_call_id is None and self._open_part is not None:
                open_part = self._open_part[1]
                if isinstance(open_part, ToolCallPart | BuiltinToolCallPart):  # (some models send the id once)
                    delta = ToolCallPartDelta(args_delta=delta.args_delta, tool_call_id=open_part.tool_call_id)
            return self.handle_tool_call_delta(delta)
        return no_events()

    def handle_part_end(self, event: PartEndEvent) -> AsyncIterator[EventT]:
        part, following = event.part, event.next_part_kind
        if isinstance(part, TextPart):
            return self.handle_text_end(part, followed_by_text=following == "text")
        if isinstance(part, ThinkingPart):
            return self.handle_thinking_end(part, followed_by_thinking=following == "thinking")
        if isinstance(part, ToolCallPart):
            return self.handle_tool_call_end(part)
        if isinstance(part, BuiltinToolCallPart):
            return self.handle_builtin_tool_call_end(part)
        return no_events()

    # -- hooks: every one yields nothing unless a protocol overrides it --------------------------------------------

    def before_stream(self) -> AsyncIterator[EventT]:
        """Events before the run's first (a protocol's "run started")."""
        return no_events()

    def after_stream(self) -> AsyncIterator[EventT]:
        """Events after the run's last, whether it completed or failed (a protocol's "finished")."""
        return no_events()

    def on_error(self, error: Exception) -> AsyncIterator[EventT]:
        """Events reporting that the run failed with ``error`` (:attr:`error` is set by then)."""
        return no_events()

    def before_request(self) -> AsyncIterator[EventT]:
        """Events as the run turns to calling tools (the first tool call of a response is dispatched)."""
        return no_events()

    def after_request(self) -> AsyncIterator[EventT]:
        """Events as the run turns from calling tools to the next model response, or ends."""
        return no_events()

    def before_response(self) -> AsyncIterator[EventT]:
        """Events as a model response starts streaming."""
        return no_events()

    def after_response(self) -> AsyncIterator[EventT]:
        """Events as a model response is done (its tool calls are dispatched, or the run ends)."""
        return no_events()

    def handle_text_start(self, part: TextPart, follows_text: bool = False) -> AsyncIterator[EventT]:
        """A text part started (``follows_text``: right after another text part of the same response)."""
        return no_events()

    def handle_text_delta(self, delta: TextPartDelta) -> AsyncIterator[EventT]:
        return no_events()

    def handle_text_end(self, part: TextPart, followed_by_text: bool = False) -> AsyncIterator[EventT]:
        return no_events()

    def handle_thinking_start(self, part: ThinkingPart, follows_thinking: bool = False) -> AsyncIterator[EventT]:
        return no_events()

    def handle_thinking_delta(self, delta: ThinkingPartDelta) -> AsyncIterator[EventT]:
        return no_events()

    def handle_thinking_end(self, part: ThinkingPart, followed_by_thinking: bool = False) -> AsyncIterator[EventT]:
        return no_events()

    def handle_tool_call_start(self, part: ToolCallPart) -> AsyncIterator[EventT]:
        return no_events()

    def handle_tool_call_delta(self, delta: ToolCallPartDelta) -> AsyncIterator[EventT]:
        return no_events()

    def handle_tool_call_end(self, part: ToolCallPart) -> AsyncIterator[EventT]:
        return no_events()

    def handle_builtin_tool_call_start(self, part: BuiltinToolCallPart) -> AsyncIterator[EventT]:
        """A provider-run tool's call started (its deltas come to :meth:`handle_tool_call_delta`)."""
        return no_events()

    def handle_builtin_tool_call_end(self, part: BuiltinToolCallPart) -> AsyncIterator[EventT]:
        return no_events()

    def handle_builtin_tool_return(self, part: BuiltinToolReturnPart) -> AsyncIterator[EventT]:
        return no_events()

    def handle_file(self, part: FilePart) -> AsyncIterator[EventT]:
        return no_events()

    def handle_final_result(self, event: FinalResultEvent) -> AsyncIterator[EventT]:
        return no_events()

    def handle_function_tool_call(self, event: FunctionToolCallEvent) -> AsyncIterator[EventT]:
        return no_events()

    def handle_function_tool_result(self, event: FunctionToolResultEvent) -> AsyncIterator[EventT]:
        """A function tool's result (or the retry prompt its failure produced, or, when the run failed while the
        call ran, a ``ToolReturnPart`` with ``outcome='failed'``)."""
        return no_events()

    def handle_output_tool_call(self, event: OutputToolCallEvent) -> AsyncIterator[EventT]:
        return no_events()

    def handle_output_tool_result(self, event: OutputToolResultEvent) -> AsyncIterator[EventT]:
        return no_events()

    def handle_run_result(self, event: AgentRunResultEvent[Any]) -> AsyncIterator[EventT]:
        return no_events()


async def _call_back(callback: OnCompleteFunc[EventT], result: AgentRunResult[Any]) -> list[EventT]:
    """Call ``callback``, whatever its kind: the protocol events it produces."""
    returned: Any = callback(result)
    if inspect.isawaitable(returned):
        await returned
        return []
    return await collect(returned) if isinstance(returned, AsyncIterator) else []


async def collect(events: AsyncIterator[T]) -> list[T]:
    """All of ``events``, then closed."""
    async with closing(events):
        return [event async for event in events]


@asynccontextmanager
async def closing(iterator: AsyncIterator[T]) -> AsyncIterator[AsyncIterator[T]]:
    """``iterator``, closed at the end of the block if it can be (an async generator's ``aclose``)."""
    try:
        yield iterator
    finally:
        aclose = getattr(iterator, "aclose", None)
        if aclose is not None:
            await aclose()
