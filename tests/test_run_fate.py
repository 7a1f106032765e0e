"""Every run's fate reaches its event channel: exactly one terminal event per run (``AgentRunResultEvent`` or
``AgentRunErrorEvent``), then the channel closes; backpressure with a chosen lead; misuse named."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
import trio
import trio.testing

from trio_agent import (
    Agent,
    AgentRunErrorEvent,
    AgentRunResultEvent,
    End,
    RunCancelled,
    UserError,
)
from trio_agent.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart
from trio_agent.models.function import AgentInfo, DeltaToolCall, FunctionModel


class ToolError(Exception):
    pass


def answering(text: str = "done") -> FunctionModel:
    async def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[TextPart(text)])

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        yield text

    return FunctionModel(respond, stream_function=stream)


def failing_agent() -> Agent[None, str]:
    async def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[ToolCallPart("fails", {}, "c1")])

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[Any]:
        yield {0: DeltaToolCall("fails", "{}", tool_call_id="c1")}

    agent = Agent(FunctionModel(respond, stream_function=stream))

    @agent.tool_plain
    async def fails() -> str:
        raise ToolError("broken tool")

    return agent


async def test_a_fan_in_consumer_learns_the_fate_of_every_run() -> None:
    send, receive = trio.open_memory_channel[Any](0)
    terminal: dict[str, Any] = {}
    kinds: Counter[str] = Counter()

    async def consume() -> None:
        async with receive:
            async for event in receive:  # ends once every clone (one per run) is closed
                if isinstance(event, AgentRunResultEvent | AgentRunErrorEvent):
                    assert event.run_id not in terminal, "two terminal events for one run"
                    terminal[event.run_id] = event
                kinds[type(event).__name__] += 1

    async def succeeds() -> None:
        await Agent(answering()).run("go", event_channel=send.clone(), run_id="ok")

    async def fails() -> None:
        with pytest.raises(ToolError):
            await failing_agent().run("go", event_channel=send.clone(), run_id="failed")

    async def is_cancelled() -> None:
        with pytest.raises(RunCancelled):
            async with Agent(answering()).iter("go", event_channel=send.clone(), run_id="cancelled") as run:
                run.cancel("stop")
                async for _ in run:
                    pass

    async def block_left_early() -> None:
        async with Agent(answering()).iter("go", event_channel=send.clone(), run_id="early") as run:
            await run.next(run.next_node)  # type: ignore[arg-type]

    async def setup_fails() -> None:
        with pytest.raises(UserError, match="`user_prompt`"):
            await Agent(answering()).run(42, event_channel=send.clone(), run_id="setup")  # type: ignore[arg-type]

    async def deadline() -> None:
        async def slow(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
            await trio.sleep(10)
            yield "late"

        with trio.move_on_after(1):
            await Agent(FunctionModel(stream_function=slow)).run("go", event_channel=send.clone(), run_id="deadline")

    async with trio.open_nursery() as nursery:
        nursery.start_soon(consume)
        async with send:
            for run in (succeeds, fails, is_cancelled, block_left_early, setup_fails, deadline):
                await run()
    assert set(terminal) == {"ok", "failed", "cancelled", "early", "setup", "deadline"}
    assert isinstance(terminal["ok"], AgentRunResultEvent)
    assert terminal["ok"].result.output == "done"
    errors = {run_id: event.error for run_id, event in terminal.items() if run_id != "ok"}
    assert isinstance(errors["failed"], ToolError)
    assert [m.kind for m in terminal["failed"].messages] == ["request", "response"]
    assert isinstance(errors["cancelled"], RunCancelled)
    assert errors["cancelled"].reason == "stop"
    assert isinstance(errors["early"], RunCancelled)
    assert errors["early"].reason == "its `async with agent.iter(...)` block exited before it ended"
    assert isinstance(errors["setup"], UserError)
    assert isinstance(errors["deadline"], trio.Cancelled)
    assert kinds["AgentRunResultEvent"] + kinds["AgentRunErrorEvent"] == 6


async def test_run_stream_events_yields_the_error_event_then_raises_the_error() -> None:
    seen: list[str] = []
    with pytest.raises(ToolError, match="broken tool"):
        async with failing_agent().run_stream_events("go") as events:
            async for event in events:
                seen.append(type(event).__name__)
    assert seen[-1] == "AgentRunErrorEvent"
    assert "AgentRunResultEvent" not in seen


async def test_a_failed_stream_left_before_its_end_still_raises_the_error() -> None:
    with pytest.raises(ToolError, match="broken tool"):
        async with failing_agent().run_stream_events("go") as events:
            async for event in events:
                if isinstance(event, AgentRunErrorEvent):
                    break  # the block is left before the stream reached the error


async def test_the_final_event_is_delivered_even_when_the_last_next_is_cancelled() -> None:
    send, receive = trio.open_memory_channel[Any](3)  # room for the run's 3 events: its terminal one waits
    received: list[Any] = []
    agent = Agent(answering())
    async with trio.open_nursery() as nursery, agent.iter("go", event_channel=send) as run:
        node = run.next_node
        while not isinstance(node, End):
            with trio.move_on_after(1) as scope:  # nobody reads yet: the last step's announcement waits
                node = await run.next(node)  # type: ignore[arg-type]
            if scope.cancelled_caught:
                break

        async def read() -> None:
            async with receive:
                async for event in receive:
                    received.append(event)

        nursery.start_soon(read)
    assert run.result is not None  # the run ended...
    assert [type(e).__name__ for e in received][-1] == "AgentRunResultEvent"  # ...and its end was announced
    assert sum(isinstance(e, AgentRunResultEvent | AgentRunErrorEvent) for e in received) == 1


async def test_one_event_channel_cannot_serve_two_runs_at_once() -> None:
    send, receive = trio.open_memory_channel[Any](100)
    async with Agent(answering()).iter("go", event_channel=send):
        with pytest.raises(UserError, match=r"already the event channel of another run.*send\.clone\(\)"):
            async with Agent(answering()).iter("go", event_channel=send):
                pass
    receive.close()


async def test_an_event_channel_closed_by_an_earlier_run_is_named() -> None:
    send, receive = trio.open_memory_channel[Any](100)
    await Agent(answering()).run("go", event_channel=send)  # closes it when it ends
    with pytest.raises(UserError, match=r"`event_channel` was closed before the run ended"):
        await Agent(answering()).run("go", event_channel=send)
    receive.close()


async def test_entering_an_iter_twice_is_a_user_error() -> None:
    context = Agent(answering()).iter("go")
    async with context as run:
        async for _ in run:
            pass
    with pytest.raises(UserError, match=r"already entered: it starts one run. Call `agent.iter\(...\)` again"):
        async with context:
            pass


async def test_a_task_in_next_when_the_block_exits_gets_a_user_error() -> None:
    async def slow(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        await trio.sleep(10)
        return ModelResponse(parts=[TextPart("late")])

    errors: list[BaseException] = []
    async with trio.open_nursery() as nursery, Agent(FunctionModel(slow)).iter("go") as run:

        async def drive() -> None:
            try:
                await run.next(run.next_node)  # type: ignore[arg-type]
                await run.next(run.next_node)  # type: ignore[arg-type]
            except UserError as exc:
                errors.append(exc)

        nursery.start_soon(drive)
        await trio.testing.wait_all_tasks_blocked()
    [error] = errors
    assert str(error).startswith("The run's `async with agent.iter(...)` block exited while this task was waiting")


@pytest.mark.parametrize("buffer_size", [0, 4])
async def test_run_stream_events_gets_at_most_buffer_size_events_ahead(buffer_size: int) -> None:
    produced = 0

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        nonlocal produced
        for n in range(100):
            produced += 1
            yield f"word{n} "

    agent = Agent(FunctionModel(stream_function=stream))
    async with agent.run_stream_events("go", buffer_size=buffer_size) as events:
        first = await events.receive()
        await trio.testing.wait_all_tasks_blocked()
        assert type(first).__name__ == "PartStartEvent"
        # taken: 1 event; waiting in the buffer: at most `buffer_size`; the one the run is trying to hand over
        # (and the delta the model produced for it) on top
        assert produced <= 1 + buffer_size + 2
