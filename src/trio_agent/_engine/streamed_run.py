"""``Agent.run_stream``: stream the final answer of a run while it is generated.

``async with agent.run_stream(prompt) as result:`` runs the agent in a task of a nursery the block owns (tool
calls before the final answer run as usual) and enters the block once the model starts producing the final
answer (its ``FinalResultEvent``). ``result.stream_text()``, ``stream_output()`` and ``stream_responses()``
then follow that answer as it streams; ``get_output()`` waits for the run to end. If content enqueued near the
end makes the run continue, the streams follow the next answer too.

Resource handling and error handling are those of ``run_stream_events``: leaving the block cancels the run if
it is still going; an error of the run is raised from the ``async with`` as itself.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any, Generic, Protocol, cast

import pydantic
import trio
from typing_extensions import TypeVar

from .._exception_groups import reraise, unwrapping_groups
from .._exceptions import ModelRetry, UserError
from .._messages.deltas import GrowingPart, ModelResponsePartDelta, TextPartDelta
from .._messages.events import FinalResultEvent, PartDeltaEvent, PartStartEvent
from .._messages.messages import ModelResponse
from .._messages.parts import ModelResponsePart, TextPart, ToolCallPart
from .._sentinels import NOTHING_YET
from .driver import Driver
from .event_stream import run_then_close
from .result import AgentRunResult, AgentRunResultEvent
from .run_view import RunView
from .sinks import BatchingSink, EventSink

__all__ = ["StreamedRunResult", "open_streamed_run"]

DepsT = TypeVar("DepsT", default=None)
OutputT = TypeVar("OutputT", default=str)
T = TypeVar("T")


class _EventSource(Protocol):
    """Where a :class:`StreamedRunResult` reads its events: a run's :class:`~.sinks.EventStream`, or the
    channel of one node (``node.stream(ctx)``); ``receive`` raises ``trio.EndOfChannel`` at the end."""

    async def receive(self) -> Any: ...


class StreamedRunResult(RunView[OutputT], Generic[DepsT, OutputT]):
    """The result of ``run_stream``: the final answer as it streams, then the run's result.

    The ``stream_*`` methods and :meth:`get_output` read the same event stream: use one of them at a time.
    ``debounce_by`` (seconds, or ``None``) groups updates that arrive close together into one.
    """

    def __init__(self, driver: Driver, events: _EventSource) -> None:
        self._driver = driver
        self._events = events
        self._result: AgentRunResult[OutputT] | None = None
        self._final: FinalResultEvent | None = None
        self._parts: list[GrowingPart[ModelResponsePart]] = []
        """The answer's parts as they stream (deltas cost their own length; see :class:`GrowingPart`)."""
        self._text_pieces: list[str] = []
        """The answer's text in pieces. While the text grows at its end the pieces are appended to this list; any
        other change replaces the list, so a :class:`_TextStream` that holds it knows the text only grew."""
        self._generation = 0
        """Incremented each time a new final answer starts (a redirect makes the run answer again)."""

    # -- reading events -------------------------------------------------------------------------------

    async def _next_event(self) -> bool:
        """Apply the next event to the answer being followed; ``False`` once the run has ended."""
        if self._result is not None:
            return False
        try:
            event = await self._events.receive()
        except trio.EndOfChannel:
            raise RuntimeError("the run ended without a result (it failed or was cancelled)") from None
        if isinstance(event, AgentRunResultEvent):
            self._result = cast("AgentRunResult[OutputT]", event.result)
            return False
        if isinstance(event, PartStartEvent):
            if event.index == 0 and event.previous_part_kind is None:
                self._parts, self._text_pieces = [], []
                self._final = None
            self._start_part(event.index, event.part)
        elif isinstance(event, PartDeltaEvent):
            self._grow_part(event.index, event.delta)
        elif isinstance(event, FinalResultEvent):
            self._final = event
            self._generation += 1
        return True

    def _start_part(self, index: int, part: ModelResponsePart) -> None:
        parts = self._parts
        if index == len(parts):  # the usual case: a part after the others
            parts.append(GrowingPart(part))
            if isinstance(part, TextPart):
                self._text_pieces.append(part.content)
            return
        replaced_text = index < len(parts) and issubclass(parts[index].kind, TextPart)
        while len(parts) <= index:  # (a gap before ``index`` is filled with the part itself)
            parts.append(GrowingPart(part))
        parts[index] = GrowingPart(part)
        if isinstance(part, TextPart) or replaced_text:
            self._rebuild_text()

    def _grow_part(self, index: int, delta: ModelResponsePartDelta) -> None:
        self._parts[index].grow(delta)
        if isinstance(delta, TextPartDelta):  # (so the part is text: ``grow`` raises otherwise)
            if any(issubclass(p.kind, TextPart) for p in self._parts[index + 1 :]):
                self._rebuild_text()  # an earlier text part grew: the text changed in the middle
            else:
                self._text_pieces.append(delta.content_delta)

    def _rebuild_text(self) -> None:
        self._text_pieces = ["".join(part.content for part in self._current_parts() if isinstance(part, TextPart))]

    def _current_parts(self) -> list[ModelResponsePart]:
        return [p.part for p in self._parts]

    async def wait_for_final_answer(self) -> None:
        """Read events until the final answer starts (or the run ends)."""
        while self._final is None and await self._next_event():
            pass

    async def _update(self, debounce_by: float | None) -> bool:
        """Read at least one event (then, with ``debounce_by``, everything arriving within that many seconds);
        ``False`` once the run has ended."""
        if not await self._next_event():
            return False
        if debounce_by:
            with trio.move_on_after(debounce_by):
                while await self._next_event():
                    pass
        return True

    # -- streams --------------------------------------------------------------------------------------

    def _answer_text(self) -> str:
        return "".join(self._text_pieces)

    def stream_text(self, *, delta: bool = False, debounce_by: float | None = 0.1) -> AsyncIterator[str]:
        """The answer's text as it grows (``delta=True``: only what is new since the last item)."""
        if self._final is not None and self._final.tool_name is not None:
            raise UserError("`stream_text()` can only be used when the answer is text; use `stream_output()`.")
        return _TextStream(self, delta=delta, debounce_by=debounce_by)

    def stream_output(self, *, debounce_by: float | None = 0.1) -> AsyncIterator[OutputT]:
        """The output as it streams: text as it grows, or structured output validated as far as it goes; the
        last item is the run's output."""
        render = self._validated_partial_output if self._driver.config.spec.output_validators else self._partial_output
        return _Stream(self, debounce_by, render, final=lambda result: result.output)

    def stream_responses(self, *, debounce_by: float | None = 0.1) -> AsyncIterator[ModelResponse]:
        """Snapshots of the response being streamed."""
        model_name = self._driver.config.model.model_name
        return _Stream(self, debounce_by, lambda: ModelResponse(parts=self._current_parts(), model_name=model_name))

    def _partial_output(self) -> Any:
        final = self._final
        if final is None:
            return NOTHING_YET
        if final.tool_name is None:
            return self._answer_text()
        tool = self._driver.config.output.schema.tools.get(final.tool_name)
        call = next(
            (
                p.part
                for p in self._parts
                if issubclass(p.kind, ToolCallPart) and p.current("tool_call_id") == final.tool_call_id
            ),
            None,
        )
        if tool is None or tool.shape is None or not isinstance(call, ToolCallPart):
            return NOTHING_YET
        try:
            raw = call.args if isinstance(call.args, str) else json.dumps(call.args or {})  # (partial JSON as is)
            value = tool.shape.adapter.validate_json(raw or "{}", experimental_allow_partial="trailing-strings")
        except (pydantic.ValidationError, ValueError):
            return NOTHING_YET
        return value.get(tool.shape.outer_key, NOTHING_YET) if tool.shape.outer_key else value

    async def _validated_partial_output(self) -> Any:
        """The partial output through the agent's output validators, which see ``ctx.partial_output=True`` (a
        validator that rejects a partial output just leaves it out of the stream)."""
        value = self._partial_output()
        if value is NOTHING_YET:
            return value
        driver = self._driver
        final = self._final
        ctx = driver.config.run_context(driver.state, partial_output=True, tool_name=final.tool_name if final else None)
        try:
            for validator in driver.config.spec.output_validators:
                value = await validator.validate(value, ctx)
        except (ModelRetry, pydantic.ValidationError):
            return NOTHING_YET
        return value

    async def get_output(self) -> OutputT:
        """Wait for the run to end and return its output."""
        while await self._next_event():
            pass
        assert self._result is not None
        return self._result.output

    # -- after the end --------------------------------------------------------------------------------

    @property
    def is_complete(self) -> bool:
        """Whether the run has ended with its output (a stream or ``get_output()`` read it to its end)."""
        return self._result is not None

    def _ended(self) -> AgentRunResult[OutputT]:
        if self._result is None:
            raise UserError("The run has not ended yet: read the stream to its end, or `await get_output()` first.")
        return self._result

    def timestamp(self) -> datetime:
        """The timestamp of the run's last response (once the run has ended)."""
        return self._ended().timestamp()


class _Stream(AsyncIterator[T]):
    """Yields ``render()`` after each (debounced) update whenever it changed, then ``final(result)``.

    An iterator object rather than an async generator: breaking out of ``async for`` leaves nothing to clean up.
    """

    def __init__(
        self,
        result: StreamedRunResult[Any, Any],
        debounce_by: float | None,
        render: Callable[[], Any],
        *,
        final: Callable[[AgentRunResult[Any]], Any] | None = None,
    ) -> None:
        self._result = result
        self._debounce_by = debounce_by
        self._render = render
        self._final = final
        self._last: Any = NOTHING_YET
        self._done = False

    async def __anext__(self) -> T:
        while not self._done:
            if not await self._result._update(self._debounce_by):
                self._done = True
                run_result = self._result.result
                if self._final is not None and run_result is not None:
                    value = self._final(run_result)
                    if self._is_new(value):
                        return value  # type: ignore[no-any-return]
                break
            value = self._render()
            if inspect.isawaitable(value):
                value = await value
            if value is not NOTHING_YET and self._is_new(value):
                self._last = value
                return value  # type: ignore[no-any-return]
        raise StopAsyncIteration

    def _is_new(self, value: Any) -> bool:
        """Whether ``value`` is worth yielding: it differs from the last item."""
        return value != self._last  # type: ignore[no-any-return]


class _TextStream(_Stream[str]):
    """The answer's text, cumulative or as deltas; restarts when a new answer starts.

    It keeps the result's list of text pieces it last read and how many of them it has sent: while the result
    appends to that same list, what is new is the pieces after those, and no string of the whole text is compared
    or sliced (following the text as deltas costs its length, not its length per update).
    """

    def __init__(self, result: StreamedRunResult[Any, Any], *, delta: bool, debounce_by: float | None) -> None:
        super().__init__(result, debounce_by, self._text)
        self._delta = delta
        self._generation = result._generation
        self._pieces = result._text_pieces
        self._sent = len(self._pieces)
        """How many of :attr:`_pieces` have been sent."""
        self._pending_initial = "".join(self._pieces)

    def _text(self) -> Any:
        result = self._result
        pieces = result._text_pieces
        if result._generation != self._generation:  # a new answer: start over
            self._generation, sent = result._generation, ""
        elif pieces is self._pieces:  # the text only grew
            new = "".join(pieces[self._sent :])
            self._sent = len(pieces)
            if not new:
                return NOTHING_YET
            return new if self._delta else "".join(pieces)
        else:  # it changed otherwise (a part replaced, an earlier part grown): compare with what was sent
            sent = "".join(self._pieces[: self._sent])
        self._pieces, self._sent = pieces, len(pieces)
        text = "".join(pieces)
        if text == sent:
            return NOTHING_YET
        return text[len(sent) :] if self._delta and text.startswith(sent) else text

    def _is_new(self, value: Any) -> bool:
        return True  # ``_text`` says when nothing is new; two equal deltas in a row are both new text

    async def __anext__(self) -> str:
        if self._pending_initial:
            text, self._pending_initial = self._pending_initial, ""
            return text
        return await super().__anext__()


@asynccontextmanager
async def open_streamed_run(make_driver: Callable[[EventSink], Driver]) -> AsyncIterator[StreamedRunResult[Any, Any]]:
    """Run the agent in a task; yield once its final answer starts streaming."""
    sink = BatchingSink()
    driver = make_driver(sink)
    events = sink.stream()
    async with unwrapping_groups(), trio.open_nursery() as nursery:
        nursery.start_soon(run_then_close, driver, sink)
        try:
            result: StreamedRunResult[Any, Any] = StreamedRunResult(driver, events)
            await result.wait_for_final_answer()
            yield result
        finally:
            nursery.cancel_scope.cancel()  # first: a run parked on a full batch gets Cancelled, not Broken
            events.close()
    if sink.failure is not None and not events.failure_raised:
        reraise(sink.failure)  # the block was left before the stream reached the failure
