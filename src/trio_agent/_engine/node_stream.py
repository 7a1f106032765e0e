"""``node.stream(run.ctx)``: run one node of an ``agent.iter`` run while reading its events.

::

    async with agent.iter("question") as run:
        async for node in run:
            if agent.is_model_request_node(node):
                async with node.stream(run.ctx) as stream:
                    async for text in stream.stream_text():
                        ...
            elif agent.is_call_tools_node(node):
                async with node.stream(run.ctx) as events:
                    async for event in events:
                        ...

The block runs the node as ``run.next(node)`` would (without node hooks, as ``async for`` does), in a task
of its own, and hands its events over as they come: the model's response as it streams, or the tool calls
and their results. Leaving the block waits for the node to finish (reading what was not read), and commits
it; the ``async for`` then goes on with the next node. A node streamed this way is not run again by
``run.next(node)``, which returns its result.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import trio

from .._exception_groups import unwrapping_groups
from .._exceptions import UserError
from .._sentinels import NOTHING_YET
from .streamed_run import StreamedRunResult

if TYPE_CHECKING:
    from .agent_run import AgentRun, GraphRunContext
    from .nodes import AgentNode

__all__ = ["NodeEventStream", "stream_node"]


class _Channel:
    """The event source a :class:`NodeEventStream` reads (the node's events, then the end of the channel)."""

    def __init__(self, receive: trio.MemoryReceiveChannel[Any]) -> None:
        self._receive = receive

    async def receive(self) -> Any:
        return await self._receive.receive()


class NodeEventStream(StreamedRunResult[Any, Any]):
    """The stream of one model request of an ``agent.iter`` run (the reference API's ``AgentStream``):
    ``stream_text()``, ``stream_output()``, ``stream_response()``, ``stream_responses()``, ``get_output()``, and ``async for`` over the
    raw events."""

    def __init__(self, run: AgentRun[Any, Any], receive: trio.MemoryReceiveChannel[Any]) -> None:
        super().__init__(run._driver, _Channel(receive))
        self._receive = receive
        self._over = False

    async def _next_event(self) -> bool:
        if self._over:
            return False
        try:
            return await super()._next_event()
        except RuntimeError:  # the channel ended: the node is done
            self._over = True
            return False

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._raw_events()

    async def _raw_events(self) -> AsyncIterator[Any]:
        while not self._over:
            try:
                event = await self._receive.receive()
            except trio.EndOfChannel:
                self._over = True
                return
            yield event

    async def get_output(self) -> Any:
        """The output this response gives (validated as the stream ended)."""
        while await self._next_event():
            pass
        value = self._partial_output()
        if value is NOTHING_YET:
            raise UserError("This response gave no output (it called tools, or was empty).")
        return value

    async def _drain(self) -> None:
        async for _ in self._receive:
            pass


@asynccontextmanager
async def stream_node(node: AgentNode[Any, Any], ctx: GraphRunContext) -> AsyncIterator[NodeEventStream]:
    """See the module docstring."""
    run = ctx._run
    if run is None:
        raise UserError("`node.stream(ctx)` needs the context of an `agent.iter` run: pass `run.ctx`.")
    if getattr(node, "_streamed_result", None) is not None:
        raise UserError("This node has already been streamed; a node runs once.")
    send, receive = trio.open_memory_channel[Any](0)
    stream = NodeEventStream(run, receive)
    async with unwrapping_groups(), trio.open_nursery() as nursery:

        async def advance() -> None:
            try:
                result = await run._advance(node, hooks=False, events=send)
            finally:
                send.close()  # (also when the step never started)
            object.__setattr__(node, "_streamed_result", result)

        nursery.start_soon(advance)
        try:
            yield stream
        except BaseException:
            nursery.cancel_scope.cancel()
            raise
        await stream._drain()
