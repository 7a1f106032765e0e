"""``Agent.run_stream``: stream the final answer of a run while it is generated.

``async with agent.run_stream(prompt) as result:`` runs the agent in a task of a nursery the block owns (tool
calls before the final answer run as usual) and enters the block once the model starts producing the final
answer (its ``FinalResultEvent``). ``result.stream_text()``, ``stream_output()``, ``stream_response()`` and
``stream_responses()`` then follow that answer as it streams; ``get_output()`` waits for the run to end. If
content enqueued near the end makes the run continue, the streams follow the next answer too.

Resource handling and error handling are those of ``run_stream_events``: leaving the block cancels the run if
it is still going; an error of the run is raised from the ``async with`` as itself. ``result.cancel()`` stops
the run at once (from any task or thread); reading on, and leaving the block, then raise ``RunCancelled``.
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
from .._exceptions import ModelRetry, RunCancelled, UnexpectedModelBehavior, UserError
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

    def __init__(self, driver: Driver, events: _EventSource, stop: Callable[[], None] | None = None) -> None:
        self._driver = driver
        self._events = events
        self._stop = stop
        """Cancels the task that drives the run (``None``: the run is driven elsewhere and cannot be stopped)."""
        self._cancelled = False
        self._cancel_reason: str | None = None
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
        if self._cancelled:
            raise self._cancellation()
        try:
            event = await self._events.receive()
        except trio.EndOfChannel:
            if self._cancelled:
                raise self._cancellation() from None
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
        schema = self._driver.config.output.schema
        text_function = schema.text is not None and schema.text.function is not None
        processed = text_function or bool(self._driver.config.spec.output_validators)
        render = self._processed_partial_output if processed else self._partial_output
        # The run's output comes last even when it equals the last partial item, as in the reference API: it is
        # the one validated whole (output validators saw ``partial_output=False``), and callers rely on that.
        return _Stream(self, debounce_by, render, final=lambda result: result.output, always_final=True)

    def stream_response(self, *, debounce_by: float | None = 0.1) -> AsyncIterator[ModelResponse]:
        """Snapshots of the response being streamed, as it grows."""
        return _Stream(self, debounce_by, self._snapshot)

    def stream_responses(self, *, debounce_by: float | None = 0.1) -> AsyncIterator[tuple[ModelResponse, bool]]:
        """``(response, is_last)``: snapshots of the response as it grows (``False``), then the complete response
        once the run has ended (``True``), as the reference API's ``stream_responses`` yields them."""
        return _Stream(
            self,
            debounce_by,
            lambda: (self._snapshot(), False),
            final=lambda result: (result.response, True),
        )

    def _snapshot(self) -> ModelResponse:
        return ModelResponse(parts=self._current_parts(), model_name=self._driver.config.model.model_name)

    @property
    def response(self) -> ModelResponse:
        """The response being streamed, as far as it has been read; the run's last response once it has ended."""
        if self._result is not None:
            return self._result.response
        return self._snapshot()

    async def validate_response_output(self, message: ModelResponse, *, allow_partial: bool = False) -> OutputT:
        """``message`` validated into the run's output type, as the run would (through an output function and the
        output validators, which see ``ctx.partial_output=allow_partial``); ``allow_partial`` accepts JSON cut
        short, as it is while streaming.

        Raises:
            UnexpectedModelBehavior: ``message`` has no output tool call and no text the output can be.
            pydantic.ValidationError, ModelRetry: the output is not valid.
        """
        driver = self._driver
        schema = driver.config.output.schema
        call = next((p for p in message.parts if isinstance(p, ToolCallPart) and p.tool_name in schema.tools), None)
        ctx = driver.config.run_context(
            driver.state, partial_output=allow_partial, tool_name=call.tool_name if call else None
        )
        if call is not None:
            tool = schema.tools[call.tool_name]
            if allow_partial and tool.function is None and tool.shape is not None:
                raw = call.args if isinstance(call.args, str) else json.dumps(call.args or {})
                value = tool.shape.adapter.validate_json(raw or "{}", experimental_allow_partial="trailing-strings")
                value = value.get(tool.shape.outer_key) if tool.shape.outer_key else value
            else:
                value = await tool.process(call.args, ctx)
        elif schema.text is not None:
            value = await schema.text.process(message.text or "", ctx)
        else:
            raise UnexpectedModelBehavior("The response has no output tool call, and the output cannot be text.")
        for validator in driver.config.spec.output_validators:
            value = await validator.validate(value, ctx)
        return cast("OutputT", value)

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

    async def _processed_partial_output(self) -> Any:
        """The partial output through a ``TextOutput`` function (for a text answer) and the agent's output
        validators, which see ``ctx.partial_output=True`` (one that rejects a partial output just leaves it out of
        the stream)."""
        value = self._partial_output()
        if value is NOTHING_YET:
            return value
        driver = self._driver
        final = self._final
        text = driver.config.output.schema.text if final is not None and final.tool_name is None else None
        ctx = driver.config.run_context(driver.state, partial_output=True, tool_name=final.tool_name if final else None)
        try:
            if text is not None and text.function is not None:
                value = await text.process(value, ctx)
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

    # -- cancelling ---------------------------------------------------------------------------------------

    def cancel(self, reason: str | None = None) -> None:
        """Stop the run: the model request or tool call in flight is abandoned, and reading on (a stream or
        ``get_output()``) and leaving the ``async with`` block raise :class:`RunCancelled` carrying ``reason`` and
        the completed history. Cancelling an ended run does nothing. Safe from any task and any thread, and never
        waits."""
        self._driver.mailbox.call_soon(self._cancel, reason)

    def _cancel(self, reason: str | None) -> None:
        if self._cancelled or self._result is not None or self._driver.ended:
            return
        self._cancelled, self._cancel_reason = True, reason
        if self._stop is not None:
            self._stop()

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` stopped the run before it ended."""
        return self._cancelled

    def _cancellation(self) -> RunCancelled:
        return RunCancelled(self._cancel_reason, self._driver.history())

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
    """Yields ``render()`` after each (debounced) update whenever it changed, then ``final(result)`` (if it is
    new, or always with ``always_final``).

    An iterator object rather than an async generator: breaking out of ``async for`` leaves nothing to clean up.
    """

    def __init__(
        self,
        result: StreamedRunResult[Any, Any],
        debounce_by: float | None,
        render: Callable[[], Any],
        *,
        final: Callable[[AgentRunResult[Any]], Any] | None = None,
        always_final: bool = False,
    ) -> None:
        self._result = result
        self._debounce_by = debounce_by
        self._render = render
        self._final = final
        self._always_final = always_final
        self._last: Any = NOTHING_YET
        self._done = False

    async def __anext__(self) -> T:
        while not self._done:
            if not await self._result._update(self._debounce_by):
                self._done = True
                run_result = self._result.result
                if self._final is not None and run_result is not None:
                    value = self._final(run_result)
                    if self._always_final or self._is_new(value):
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
    driving = trio.CancelScope()

    async def drive() -> None:
        with driving:
            await run_then_close(driver, sink)

    async with unwrapping_groups(), trio.open_nursery() as nursery:
        nursery.start_soon(drive)
        try:
            result: StreamedRunResult[Any, Any] = StreamedRunResult(driver, events, driving.cancel)
            await result.wait_for_final_answer()
            yield result
        finally:
            nursery.cancel_scope.cancel()  # first: a run parked on a full batch gets Cancelled, not Broken
            events.close()
    if result.cancelled:
        raise result._cancellation()
    if sink.failure is not None and not events.failure_raised:
        reraise(sink.failure)  # the block was left before the stream reached the failure
