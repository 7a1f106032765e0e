"""Event streams: exact sequences, backpressure, early exit, fan-in, handlers."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
import trio
import trio.lowlevel
import trio.testing
from pydantic import BaseModel

from conftest import task_names
from trio_agent import Agent, AgentRunResultEvent, RunContext
from trio_agent.messages import (
    EnqueuedMessagesEvent,
    FinalResultEvent,
    ModelMessage,
    ModelResponse,
    OutputToolCallEvent,
    OutputToolResultEvent,
    PartDeltaEvent,
    PartEndEvent,
    PartStartEvent,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
)
from trio_agent.models.function import AgentInfo, DeltaToolCall, FunctionModel


def names(events: list[Any]) -> list[str]:
    return [type(e).__name__ for e in events]


async def collect(agent: Agent[Any, Any], prompt: str = "go", **kwargs: Any) -> list[Any]:
    async with agent.run_stream_events(prompt, **kwargs) as stream:
        return [event async for event in stream]


def turns(*scripts: Any) -> FunctionModel:
    """A stream function answering the n-th request with the n-th list of chunks."""
    calls = [0]

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[Any]:
        calls[0] += 1
        for chunk in scripts[calls[0] - 1]:
            yield chunk

    return FunctionModel(stream_function=stream)


async def test_text_only() -> None:
    events = await collect(Agent(turns(["Hello ", "world"])))
    assert names(events) == [
        "PartStartEvent",
        "FinalResultEvent",
        "PartDeltaEvent",
        "PartEndEvent",
        "AgentRunResultEvent",
    ]
    start, final, delta, end, done = events
    assert start == PartStartEvent(index=0, part=TextPart("Hello "))
    assert final == FinalResultEvent(tool_name=None, tool_call_id=None)
    assert delta.delta.content_delta == "world"
    assert end == PartEndEvent(index=0, part=TextPart("Hello world"))
    assert done.result.output == "Hello world"
    assert {e.run_id for e in events} == {done.result.run_id}


async def test_tool_then_text_matches_the_reference_order() -> None:
    agent = Agent(
        turns(
            [
                {0: DeltaToolCall(name="get_weather")},
                {0: DeltaToolCall(json_args='{"city": "Paris"}', tool_call_id="c1")},
            ],
            ["It is ", "sunny."],
        )
    )
    agent.tool_plain(lambda city: f"sunny in {city}", name="get_weather")
    events = await collect(agent)
    assert names(events) == [
        "PartStartEvent",
        "PartDeltaEvent",
        "PartEndEvent",
        "FunctionToolCallEvent",
        "FunctionToolResultEvent",
        "PartStartEvent",
        "FinalResultEvent",
        "PartDeltaEvent",
        "PartEndEvent",
        "AgentRunResultEvent",
    ]
    assert events[3].part.args == '{"city": "Paris"}'
    assert events[4].part.content == "sunny in Paris"
    assert events[-1].result.output == "It is sunny."


async def test_parallel_tools_report_calls_first_then_results_as_they_complete(
    autojump_clock: trio.testing.MockClock,
) -> None:
    agent = Agent(
        turns(
            [
                {
                    0: DeltaToolCall("slow", '{"n": 2}', tool_call_id="a"),
                    1: DeltaToolCall("slow", '{"n": 1}', tool_call_id="b"),
                }
            ],
            ["done"],
        )
    )

    @agent.tool_plain
    async def slow(n: int) -> int:
        await trio.sleep(n)
        return n

    events = await collect(agent)
    assert names(events)[:8] == [
        "PartStartEvent",
        "PartEndEvent",
        "PartStartEvent",
        "PartEndEvent",
        "FunctionToolCallEvent",
        "FunctionToolCallEvent",
        "FunctionToolResultEvent",
        "FunctionToolResultEvent",
    ]
    assert events[1].next_part_kind == "tool-call"
    assert events[2].previous_part_kind == "tool-call"
    assert [e.part.tool_call_id for e in events[4:6]] == ["a", "b"]
    assert [e.part.tool_call_id for e in events[6:8]] == ["b", "a"]  # completion order


async def test_enqueue_redirect_has_two_final_result_events() -> None:
    agent = Agent(turns([{0: DeltaToolCall("steer", "{}", tool_call_id="s")}], ["first"], ["second"]))

    @agent.tool
    def steer(ctx: RunContext[None]) -> str:
        ctx.enqueue("asap message")
        ctx.enqueue("idle message", priority="when_idle")
        return "ok"

    events = await collect(agent)
    assert names(events)[2:] == [
        "FunctionToolCallEvent",
        "FunctionToolResultEvent",
        "EnqueuedMessagesEvent",
        "PartStartEvent",
        "FinalResultEvent",
        "PartEndEvent",
        "EnqueuedMessagesEvent",
        "PartStartEvent",
        "FinalResultEvent",
        "PartEndEvent",
        "AgentRunResultEvent",
    ]
    enqueued = [e for e in events if isinstance(e, EnqueuedMessagesEvent)]
    # The asap prompt joined the tool-return request (its parts), the idle one came as a request of its own.
    assert [e.parts[0].content for e in enqueued[:1]] == ["asap message"]
    assert enqueued[0].messages == ()
    assert [e.messages[0].parts[0].content for e in enqueued[1:]] == ["idle message"]
    assert events[-1].result.output == "second"


class Answer(BaseModel):
    value: int


async def test_output_tool_events() -> None:
    chunks = [{0: DeltaToolCall("final_result", '{"value"', tool_call_id="o")}, {0: DeltaToolCall(json_args=": 7}")}]
    events = await collect(Agent(turns(chunks), output_type=Answer))
    assert names(events) == [
        "PartStartEvent",
        "FinalResultEvent",
        "PartDeltaEvent",
        "PartEndEvent",
        "OutputToolCallEvent",
        "OutputToolResultEvent",
        "AgentRunResultEvent",
    ]
    assert events[1] == FinalResultEvent(tool_name="final_result", tool_call_id="o")
    assert events[4] == OutputToolCallEvent(part=ToolCallPart("final_result", '{"value": 7}', "o"))
    assert events[5] == OutputToolResultEvent(
        part=ToolReturnPart("final_result", "Final result processed.", "o", timestamp=events[5].part.timestamp)
    )
    assert events[-1].result.output == Answer(value=7)


async def test_a_consumer_that_stops_reading_stops_the_run() -> None:
    requests = []

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[Any]:
        requests.append(len(messages))
        yield {0: DeltaToolCall("again", "{}", tool_call_id=f"c{len(requests)}")}

    agent = Agent(FunctionModel(stream_function=stream))
    agent.tool_plain(lambda: "more", name="again")
    before = task_names()
    with trio.move_on_after(1):
        async with agent.run_stream_events("go") as events:
            await events.receive()  # read one event, then stop reading
            await trio.testing.wait_all_tasks_blocked()
            assert len(requests) == 1
            await trio.sleep(10)
    assert len(requests) == 1
    assert task_names() == before


async def test_leaving_early_cancels_the_run_and_closes_the_model_stream() -> None:
    closed = []

    async def endless(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        try:
            while True:
                yield "tok "
                await trio.lowlevel.checkpoint()
        finally:
            closed.append(True)

    before = task_names()
    async with Agent(FunctionModel(stream_function=endless)).run_stream_events("go") as events:
        async for event in events:
            if isinstance(event, PartDeltaEvent):
                break
    assert closed == [True]
    assert task_names() == before


async def test_errors_of_the_run_leave_the_block_as_themselves() -> None:
    async def broken(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        yield "partial"
        raise ConnectionResetError("stream dropped")

    with pytest.raises(ConnectionResetError, match="stream dropped"):
        async with Agent(FunctionModel(stream_function=broken)).run_stream_events("go") as events:
            async for _ in events:
                pass


async def test_fan_in_of_200_runs_through_clones() -> None:
    agent = Agent(turns(*[["a ", "b"]] * 200))
    send, receive = trio.open_memory_channel[Any](0)
    seen: list[Any] = []
    async with trio.open_nursery() as nursery:
        async with send:
            for _ in range(200):
                nursery.start_soon(functools.partial(agent.run, "go", event_channel=send.clone()))
        async with receive:
            async for event in receive:
                seen.append(event)
    results = [e for e in seen if isinstance(e, AgentRunResultEvent)]
    assert len(results) == 200
    assert len({e.run_id for e in results}) == 200
    per_run = Counter(e.run_id for e in seen)
    assert set(per_run.values()) == {5}  # start, final, delta, end, result: every event of every run arrived
    assert all(e.result.output == "a b" for e in results)


async def test_run_with_an_event_channel_closes_it_after_the_result() -> None:
    send, receive = trio.open_memory_channel[Any](100)
    result = await Agent(turns(["x"])).run("go", event_channel=send)
    events = [receive.receive_nowait() for _ in range(4)]
    assert names(events) == ["PartStartEvent", "FinalResultEvent", "PartEndEvent", "AgentRunResultEvent"]
    assert events[-1].result.output == result.output == "x"
    assert events[-1].result.run_id == result.run_id
    with pytest.raises(trio.EndOfChannel):
        receive.receive_nowait()


async def test_iter_with_an_event_channel() -> None:
    send, receive = trio.open_memory_channel[Any](100)
    async with Agent(turns(["x"])).iter("go", event_channel=send) as run:
        async for _ in run:
            pass
    events = []
    async for event in receive:
        events.append(event)
    assert names(events) == ["PartStartEvent", "FinalResultEvent", "PartEndEvent", "AgentRunResultEvent"]
    assert events[-1].result.output == "x"


async def test_event_stream_handler_sees_each_nodes_events() -> None:
    agent = Agent(turns([{0: DeltaToolCall("t", "{}", tool_call_id="c")}], ["done"]))
    agent.tool_plain(lambda: "r", name="t")
    batches: list[list[str]] = []

    async def handler(ctx: RunContext[None], stream: Any) -> None:
        batches.append([type(e).__name__ async for e in stream])

    result = await agent.run("go", event_stream_handler=handler)
    assert result.output == "done"
    assert batches == [
        ["PartStartEvent", "PartEndEvent"],
        ["FunctionToolCallEvent", "FunctionToolResultEvent"],
        ["PartStartEvent", "FinalResultEvent", "PartEndEvent"],
        [],  # the last node (accepting the text) has no events, but the handler is still called for it
    ]


async def test_non_streaming_runs_emit_no_events_and_stream_only_when_listened_to() -> None:
    calls: list[str] = []

    async def plain(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        calls.append("request")
        return ModelResponse(parts=[TextPart("plain")])

    async def streamed(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        calls.append("stream")
        yield "streamed"

    agent = Agent(FunctionModel(plain, stream_function=streamed))
    assert (await agent.run("go")).output == "plain"
    assert (await collect(agent))[-1].result.output == "streamed"
    assert calls == ["request", "stream"]
