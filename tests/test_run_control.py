"""Watched event channels: a run started with ``event_channel=`` a watched channel hands its watcher a
``RunControl`` to steer it (enqueue) and cancel it (``RunCancelled``), from any task or thread, whether the run
is driven by ``agent.run`` or ``agent.iter``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import trio

from conftest import user_texts
from trio_agent import Agent, AgentRunResultEvent, RunCancelled, UserError
from trio_agent._engine.control import RunControl, watch
from trio_agent._engine.result import AgentRunErrorEvent
from trio_agent.messages import ModelMessage
from trio_agent.models.function import AgentInfo, FunctionModel


class Waiting:
    """A model that waits for ``go`` before each answer and records what each request held."""

    def __init__(self) -> None:
        self.go = trio.Event()
        self.asked = trio.Event()
        self.requests: list[list[ModelMessage]] = []

    async def answer(self, messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        self.requests.append(list(messages))
        self.asked.set()
        await self.go.wait()
        yield f"answer {len(self.requests)}"


async def drain(receive: trio.MemoryReceiveChannel[Any], into: list[Any]) -> None:
    async with receive:
        async for event in receive:
            into.append(event)


async def test_a_watched_agent_run_is_handed_over_and_can_be_steered() -> None:
    model = Waiting()
    agent = Agent(FunctionModel(stream_function=model.answer, model_name="waiting"), name="helper")
    send, receive = trio.open_memory_channel[Any](100)
    controls: list[RunControl] = []
    watch(send, controls.append)
    events: list[Any] = []
    async with trio.open_nursery() as nursery:
        nursery.start_soon(drain, receive, events)
        results: list[Any] = []

        async def run() -> None:
            results.append(await agent.run("first question", event_channel=send))

        nursery.start_soon(run)
        await model.asked.wait()
        [control] = controls
        assert (control.agent_name, control.model_name) == ("helper", "waiting")
        assert control.enqueue("and also this") is not None  # steered while the model works
        model.go.set()
    [result] = results
    assert control.run_id == result.run_id
    assert len(model.requests) == 2  # the enqueued message made the run continue with one more request
    assert user_texts(model.requests[1]) == ["first question", "and also this"]
    assert isinstance(events[-1], AgentRunResultEvent)
    with pytest.raises(UserError, match="after the run ended"):
        control.enqueue("too late")
    control.cancel("too late")  # nothing: the run has ended


async def test_cancelling_a_watched_agent_run_ends_it_with_run_cancelled_from_another_thread() -> None:
    model = Waiting()
    agent = Agent(FunctionModel(stream_function=model.answer), name="helper")
    send, receive = trio.open_memory_channel[Any](100)
    controls: list[RunControl] = []
    watch(send, controls.append)
    events: list[Any] = []
    async with trio.open_nursery() as nursery:
        nursery.start_soon(drain, receive, events)
        outcome: list[BaseException] = []

        async def run() -> None:
            try:
                await agent.run("question", event_channel=send)
            except RunCancelled as exc:
                outcome.append(exc)

        nursery.start_soon(run)
        await model.asked.wait()
        await trio.to_thread.run_sync(controls[0].cancel, "stopped from the board")
    [cancelled] = outcome
    assert cancelled.reason == "stopped from the board"
    assert [type(m).__name__ for m in cancelled.messages] == ["ModelRequest"]  # the committed history
    assert isinstance(events[-1], AgentRunErrorEvent)
    assert isinstance(events[-1].error, RunCancelled)


async def test_a_watched_iter_run_is_cancelled_through_its_control() -> None:
    model = Waiting()
    agent = Agent(FunctionModel(stream_function=model.answer), name="helper")
    send, receive = trio.open_memory_channel[Any](100)
    controls: list[RunControl] = []
    watch(send, controls.append)

    async def cancel_when_asked() -> None:
        await model.asked.wait()
        controls[0].cancel("no longer needed")

    async with receive, trio.open_nursery() as nursery:
        nursery.start_soon(cancel_when_asked)
        with pytest.raises(RunCancelled, match="no longer needed"):
            async with agent.iter("question", event_channel=send) as run:
                async for _ in run:
                    pass


async def test_a_cancel_asked_before_the_run_starts_is_taken_as_it_starts() -> None:
    model = Waiting()
    model.go.set()
    agent = Agent(FunctionModel(stream_function=model.answer), name="helper")
    send, receive = trio.open_memory_channel[Any](100)
    watch(send, lambda control: control.cancel("before it began"))
    async with receive:
        with pytest.raises(RunCancelled, match="before it began"):
            await agent.run("question", event_channel=send)
    assert model.requests == []


async def test_an_unwatched_channel_hands_nothing_over() -> None:
    async def ok(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        yield "ok"

    agent = Agent(FunctionModel(stream_function=ok))
    watched, _ = trio.open_memory_channel[Any](100)
    controls: list[RunControl] = []
    watch(watched, controls.append)
    send, receive = trio.open_memory_channel[Any](100)
    async with receive:
        assert (await agent.run("q", event_channel=send)).output == "ok"  # another channel: not watched
    assert controls == []


async def test_a_control_tells_the_run_s_prompt_and_its_committed_usage() -> None:
    model = Waiting()
    agent = Agent(FunctionModel(stream_function=model.answer, model_name="waiting"))
    send, receive = trio.open_memory_channel[Any](100)
    controls: list[RunControl] = []
    watch(send, controls.append)
    events: list[Any] = []
    results: list[Any] = []
    async with trio.open_nursery() as nursery:
        nursery.start_soon(drain, receive, events)

        async def run() -> None:
            results.append(await agent.run("what is up?", event_channel=send))

        nursery.start_soon(run)
        await model.asked.wait()
        [control] = controls
        assert control.prompt == "what is up?"
        assert control.usage.requests == 0  # the request in flight is not committed yet
        model.go.set()
    [result] = results
    assert control.usage == result.usage()
    assert control.usage.requests == 1
    assert control.usage.output_tokens > 0
