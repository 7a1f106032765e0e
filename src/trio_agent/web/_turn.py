"""A chat turn: one run of the agent for one message of the page, streamed as the Vercel AI data stream.

A :class:`Turn` is made by ``POST /api/chat`` (:func:`start_turn`) and lives until its response is sent. Its
run is ``agent.iter(message, message_history=<the session's history>, event_channel=...)``: a task drives it
node by node while the response reads the run's events from the channel, turns them into the protocol's chunks
(:class:`ChatEventStream`, a :class:`~trio_agent.ui.vercel_ai.VercelAIEventStream`) and sends them.

Resource handling: the run is owned by the turn's streaming response. :meth:`Turn.events` is the response's body
block (entered by ``UIStreamingResponse.__call__`` while it sends the response): it owns a nursery with the
task that drives the run, and leaving it, however it is left, cancels that task and so the run (a client that
disconnects makes the response leave it). Nothing of the turn outlives its response.

Cancellation: :meth:`Turn.stop` calls ``run.cancel("stopped by the user")``: the run ends with ``RunCancelled``,
which the stream reports as the protocol's ``error`` chunk before ``finish``. :meth:`Turn.steer` calls
``run.enqueue(message)``: the message reaches the model with its next request, or makes a run that would end
go on with one more. Both work from the moment the turn exists: asked before the run has started, they are
applied as it starts.

History: however the run ends (an answer, a stop, a failure, a disconnect), the turn's messages become the
session's history: all of them for a run that ended, the completed steps of one that did not (the step in
flight changes nothing). A run stopped while its tools ran leaves their calls unanswered, which a next turn
cannot follow: they are answered as :data:`INTERRUPTED` (failed) calls, so the model knows they never returned.

Error handling: a run that fails is reported in the stream (``error``, then ``finish``); the page is told
what went wrong without the provider's details (:meth:`ChatEventStream.error_text`), the server's log has
the whole error (logger ``trio_agent.web``).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import trio

from .._exception_groups import unwrapping_groups
from .._exceptions import RunCancelled, UserError
from .._ids import new_uuid7
from .._messages.messages import ModelMessage, ModelRequest, ModelResponse
from .._messages.parts import ToolReturnPart
from ..ui._event_stream import NativeEvent, closing
from ..ui.vercel_ai import VercelAIEventStream
from ..ui.vercel_ai.request_types import SubmitMessage, TextUIPart, UIMessage
from ..ui.vercel_ai.response_types import BaseChunk, ErrorChunk, StartChunk
from ._errors import describe_error

if TYPE_CHECKING:
    from starlette.responses import StreamingResponse

    from .._agent.abstract import AbstractAgent
    from .._engine.agent_run import AgentRun
    from ..models import KnownModelName, Model
    from ._board import RunBoard

__all__ = [
    "INTERRUPTED",
    "RUN_ID_HEADER",
    "STOPPED_BY_THE_USER",
    "ChatEventStream",
    "Turn",
    "TurnEnded",
    "answer_interrupted_calls",
    "start_turn",
]

logger = logging.getLogger("trio_agent.web")

RUN_ID_HEADER = "x-trio-agent-run-id"
"""The response header of ``POST /api/chat`` carrying the turn's run id (also in the ``start`` chunk's
``messageMetadata.runId``), for the page to stop or steer the run."""

STOPPED_BY_THE_USER = "stopped by the user"
"""The reason a run stopped with ``POST /api/runs/{run_id}/stop`` is cancelled with."""

INTERRUPTED = "Interrupted: the run ended before this tool call returned."
"""The result a tool call left unanswered by a stopped run is given in the history."""

DISCONNECTED = "The run was cancelled: the chat page that asked for it went away."
"""What the runs board says of a turn whose page closed its connection before the run ended."""

EVENT_BUFFER = 16
"""How many events the run may be ahead of the response (then it waits: backpressure)."""


class TurnEnded(Exception):
    """Raised by :meth:`Turn.steer` when the run has ended (or refuses the message): send it as a new turn."""


@dataclass
class ChatEventStream(VercelAIEventStream[Any, Any]):
    """The Vercel AI stream of a turn: the ``start`` chunk carries the run id, and errors are told to the page
    without the provider's details."""

    run_id: str = field(default="", kw_only=True)
    """The turn's run id, sent as ``messageMetadata.runId`` of the ``start`` chunk."""

    async def before_stream(self) -> AsyncIterator[BaseChunk]:
        yield StartChunk(message_metadata={"runId": self.run_id})

    async def on_error(self, error: Exception) -> AsyncIterator[BaseChunk]:
        async for chunk in super().on_error(error):  # (sets the finish reason)
            yield ErrorChunk(error_text=self.error_text(error)) if isinstance(chunk, ErrorChunk) else chunk

    def error_text(self, error: Exception) -> str:
        """What the page is told of ``error`` (:func:`~._errors.describe_error`); the log has all of it."""
        if not isinstance(error, RunCancelled):
            logger.warning("run %s failed", self.run_id, exc_info=error)
        return describe_error(error)


class Turn:
    """One message of a session's conversation and the run answering it (see the module)."""

    def __init__(
        self,
        run_id: str,
        prompt: str,
        open_run: Callable[[trio.MemorySendChannel[NativeEvent]], AbstractAsyncContextManager[AgentRun[Any, Any]]],
        save_history: Callable[[list[ModelMessage]], None],
        *,
        conversation_id: str,
        board: RunBoard | None = None,
    ) -> None:
        self.run_id = run_id
        """The run's id: what the page names to stop or steer it."""
        self._send, self._receive = trio.open_memory_channel[NativeEvent](EVENT_BUFFER)
        self._board = board
        if board is not None:
            board._follow(self._send)
        self._run_block = open_run(self._send)  # checks the run's arguments now: a bad one raises here
        self._save_history = save_history
        self._run: AgentRun[Any, Any] | None = None
        self._stop_requested = False
        self._steering: list[str] = []
        self._ended = False
        run_input = SubmitMessage(
            id=conversation_id, messages=[UIMessage(id=run_id, role="user", parts=[TextUIPart(text=prompt)])]
        )
        self.event_stream = ChatEventStream(run_input, run_id=run_id)

    @property
    def ended(self) -> bool:
        """Whether the run is over (or the turn's response ended without running it)."""
        return self._ended

    def stop(self) -> None:
        """Cancel the run with ``RunCancelled("stopped by the user")`` (as soon as it starts, if it has not)."""
        if self._ended:
            return
        if self._run is not None:
            self._run.cancel(STOPPED_BY_THE_USER)
        else:
            self._stop_requested = True

    def steer(self, message: str) -> None:
        """Deliver ``message`` to the running conversation (``run.enqueue``); :class:`TurnEnded` if it can no
        longer take it."""
        if self._ended:
            raise TurnEnded("The run has ended: send the message as a new turn.")
        if self._run is None:
            self._steering.append(message)
            return
        try:
            self._run.enqueue(message)
        except UserError as error:  # it has ended (and is being wrapped up), or its queue is full
            raise TurnEnded(f"The run cannot take the message: {error}") from error

    def streaming_response(self) -> StreamingResponse:
        """The response that owns and streams the run: Server-Sent Events, the run id in a header."""
        response = self.event_stream.streaming_response(self.events())
        response.headers[RUN_ID_HEADER] = self.run_id
        response.headers["cache-control"] = "no-store"
        return response

    @asynccontextmanager
    async def events(self) -> AsyncIterator[AsyncIterator[BaseChunk]]:
        """The response's body: the run's chunks, while a task drives the run (see the module)."""
        try:
            async with unwrapping_groups(), trio.open_nursery() as nursery:  # (the response's errors, as themselves)
                nursery.start_soon(self._drive)
                try:
                    events = self._receive if self._board is None else _Recorded(self._receive, self._board)
                    async with closing(self.event_stream.transform_stream(events)) as chunks:
                        yield chunks
                except BaseException:  # the client left (or sending failed): the run goes with it
                    nursery.cancel_scope.cancel()
                    raise
                finally:
                    self._receive.close()  # (a run still going finds nobody listening to its last event)
        finally:
            self._ended = True
            if self._board is not None:  # (a response that stopped early did not read the run's last events)
                self._board._abandon(self.run_id, DISCONNECTED)

    async def _drive(self) -> None:
        with self._send:  # (the run closes it; this closes it too if the run never starts)
            try:
                async with self._run_block as run:
                    self._run = run
                    for message in self._steering:
                        run.enqueue(message)
                    if self._stop_requested:
                        run.cancel(STOPPED_BY_THE_USER)
                    try:
                        async for _node in run:
                            pass
                    finally:
                        self._save_history(answer_interrupted_calls(run.all_messages()))
            except Exception as error:  # reported to the page by the run's last event (see ChatEventStream)
                logger.debug("run %s ended with %r", self.run_id, error)
            finally:
                self._ended = True


class _Recorded:
    """A turn's events as they are read, each taken into the runs board's record of the run on its way."""

    def __init__(self, receive: trio.MemoryReceiveChannel[NativeEvent], board: RunBoard) -> None:
        self._receive = receive
        self._board = board

    def __aiter__(self) -> _Recorded:
        return self

    async def __anext__(self) -> NativeEvent:
        try:
            event = await self._receive.receive()
        except trio.EndOfChannel:
            raise StopAsyncIteration from None
        self._board._record_event(event)
        return event


def answer_interrupted_calls(messages: list[ModelMessage]) -> list[ModelMessage]:
    """``messages``, with the tool calls of a last response that has them answered as :data:`INTERRUPTED`
    (a new prompt cannot follow unanswered calls)."""
    last = messages[-1] if messages else None
    if not isinstance(last, ModelResponse) or not last.tool_calls:
        return messages
    returns = [ToolReturnPart(c.tool_name, INTERRUPTED, c.tool_call_id, outcome="failed") for c in last.tool_calls]
    return [*messages, ModelRequest(parts=returns, run_id=last.run_id, conversation_id=last.conversation_id)]


def start_turn(
    agent: AbstractAgent[Any, Any],
    prompt: str,
    *,
    history: list[ModelMessage],
    save_history: Callable[[list[ModelMessage]], None],
    conversation_id: str,
    deps: Any,
    model: Model | KnownModelName | None,
    board: RunBoard | None = None,
) -> Turn:
    """A turn answering ``prompt`` after ``history``, whose messages go to ``save_history`` when it ends."""
    run_id = new_uuid7()

    def open_run(events: trio.MemorySendChannel[NativeEvent]) -> AbstractAsyncContextManager[AgentRun[Any, Any]]:
        return agent.iter(
            prompt,
            message_history=history,
            deps=deps,
            model=model,
            run_id=run_id,
            conversation_id=conversation_id,
            infer_name=False,
            event_channel=events,
        )

    return Turn(run_id, prompt, open_run, save_history, conversation_id=conversation_id, board=board)
