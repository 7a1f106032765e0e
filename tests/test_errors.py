"""Errors arrive as themselves, from every entry point: no exception group of the engine's, nothing the engine
was handling chained onto them, the user's own chain and groups unchanged, and one policy when several tasks
fail at once (see ``trio_agent._exception_groups``)."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import trio

from trio_agent import Agent, End, RunContext, UnexpectedModelBehavior
from trio_agent.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart
from trio_agent.models.function import AgentInfo, DeltaToolCall, FunctionModel


class ToolError(Exception):
    pass


def chain(error: BaseException | None) -> list[str]:
    """The types along ``__cause__``/``__context__`` (what a traceback prints before the error)."""
    names: list[str] = []
    while error is not None and len(names) < 10:
        names.append(type(error).__name__)
        error = error.__cause__ if error.__cause__ is not None else error.__context__
    return names


def calling(*names: str) -> FunctionModel:
    """A model that calls the tools ``names`` (all at once), then answers."""

    def parts(messages: list[ModelMessage]) -> list[Any]:
        if not names or any(isinstance(m, ModelResponse) for m in messages):
            return [TextPart("done")]
        return [ToolCallPart(name, {}, f"call_{i}") for i, name in enumerate(names)]

    async def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=parts(messages))

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[Any]:
        for i, part in enumerate(parts(messages)):
            if isinstance(part, TextPart):
                yield part.content
            else:
                yield {i: DeltaToolCall(part.tool_name, "{}", tool_call_id=part.tool_call_id)}

    return FunctionModel(respond, stream_function=stream)


async def drive_run(agent: Agent[None, str]) -> None:
    await agent.run("go")


async def drive_iter(agent: Agent[None, str]) -> None:
    async with agent.iter("go") as run:
        async for _ in run:
            pass


async def drive_next(agent: Agent[None, str]) -> None:
    async with agent.iter("go") as run:
        node = run.next_node
        while not isinstance(node, End):
            node = await run.next(node)


async def drive_events(agent: Agent[None, str]) -> None:
    async with agent.run_stream_events("go") as events:
        async for _ in events:
            pass


async def drive_stream(agent: Agent[None, str]) -> None:
    async with agent.run_stream("go") as result:
        await result.get_output()


async def drive_channel(agent: Agent[None, str]) -> None:
    send, receive = trio.open_memory_channel[Any](1000)  # (no nursery of the test's own to wrap errors in)
    with receive:
        await agent.run("go", event_channel=send)


async def drive_sync(agent: Agent[None, str]) -> None:
    await trio.to_thread.run_sync(agent.run_sync, "go")


ENTRY_POINTS: dict[str, Callable[[Agent[None, str]], Awaitable[None]]] = {
    "run": drive_run,
    "iter": drive_iter,
    "next": drive_next,
    "run_stream_events": drive_events,
    "run_stream": drive_stream,
    "event_channel": drive_channel,
    "run_sync": drive_sync,
}


@pytest.mark.parametrize("entry", ENTRY_POINTS)
async def test_a_tool_error_keeps_its_own_chain_and_nothing_else(entry: str) -> None:
    agent = Agent(calling("fails"))

    @agent.tool_plain
    def fails() -> str:
        try:
            {}["missing"]
        except KeyError as exc:
            raise ToolError("the tool failed") from exc
        return "unreachable"

    with pytest.raises(ToolError) as info:
        await ENTRY_POINTS[entry](agent)
    assert chain(info.value) == ["ToolError", "KeyError"]
    assert info.value.__suppress_context__


@pytest.mark.parametrize("entry", ENTRY_POINTS)
async def test_a_tool_error_without_a_chain_arrives_without_one(entry: str) -> None:
    agent = Agent(calling("fails"))

    @agent.tool_plain
    async def fails() -> str:
        raise ToolError("plain")

    with pytest.raises(ToolError) as info:
        await ENTRY_POINTS[entry](agent)
    assert chain(info.value) == ["ToolError"]


@pytest.mark.parametrize("entry", ENTRY_POINTS)
async def test_a_group_a_tool_raises_comes_out_unchanged(entry: str) -> None:
    agent = Agent(calling("grouped"))
    raised: list[ExceptionGroup[Exception]] = []

    @agent.tool_plain
    async def grouped() -> str:
        group = ExceptionGroup("the tool's own", [ToolError("a"), ValueError("b")])
        raised.append(group)
        raise group

    with pytest.raises(ExceptionGroup) as info:
        await ENTRY_POINTS[entry](agent)
    [group] = raised  # trio may re-derive it (cancel scopes split groups), but never wraps or changes it
    assert (info.value.message, info.value.exceptions) == (group.message, group.exceptions)


async def test_a_group_raised_in_the_block_comes_out_unchanged() -> None:
    agent = Agent(calling())
    group = ExceptionGroup("mine", [ToolError("a"), ToolError("b")])
    with pytest.raises(ExceptionGroup) as info:
        async with agent.iter("go"):
            raise group
    assert (info.value.message, info.value.exceptions) == (group.message, group.exceptions)
    with pytest.raises(ExceptionGroup) as info:
        async with agent.run_stream_events("go"):
            raise group
    assert (info.value.message, info.value.exceptions) == (group.message, group.exceptions)


@pytest.mark.parametrize("entry", ["run", "iter", "run_stream_events", "event_channel"])
async def test_two_tools_exhausting_their_retries_raise_the_first_with_the_other_noted(entry: str) -> None:
    agent = Agent(calling("first", "second"), retries=0)

    @agent.tool_plain
    async def first() -> str:  # both fail in the same scheduler pass, in either order
        raise ToolError("first")

    @agent.tool_plain
    async def second() -> str:
        raise ToolError("second")

    with pytest.raises(ToolError) as info:
        await ENTRY_POINTS[entry](agent)
    assert str(info.value) == "first"
    assert info.value.__notes__ == ["Another task of the same run failed at the same time: ToolError('second')"]


async def test_parallel_retry_exhaustion_is_an_unexpected_model_behavior() -> None:
    def always_bad(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[ToolCallPart("a", {"x": "no"}, "c1"), ToolCallPart("b", {"x": "no"}, "c2")])

    agent = Agent(FunctionModel(always_bad), retries=0)

    @agent.tool_plain
    def a(x: int) -> int:
        return x

    @agent.tool_plain
    def b(x: int) -> int:
        return x

    with pytest.raises(UnexpectedModelBehavior, match="Tool 'a' exceeded max retries count of 0") as info:
        await agent.run("go")
    assert len(info.value.__notes__) == 1
    assert "Tool 'b' exceeded max retries count of 0" in info.value.__notes__[0]


async def test_a_keyboard_interrupt_in_a_tool_arrives_as_itself_under_iter() -> None:
    agent = Agent(calling("interrupts"))

    @agent.tool_plain
    async def interrupts() -> str:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt) as info:
        async with agent.iter("go") as run:
            async for _ in run:
                pass
    assert chain(info.value) == ["KeyboardInterrupt"]


async def test_an_event_stream_handler_error_arrives_as_itself() -> None:
    async def handler(ctx: RunContext[None], events: AsyncIterable[Any]) -> None:
        async for _ in events:
            raise ToolError("the handler failed")

    with pytest.raises(ToolError) as info:
        await Agent(calling()).run("go", event_stream_handler=handler)
    assert chain(info.value) == ["ToolError"]


@pytest.mark.parametrize("how", ["return", "aclose"])
async def test_a_handler_that_stops_reading_early_lets_the_run_finish_and_the_sink_see_everything(how: str) -> None:
    async def handler(ctx: RunContext[None], events: AsyncIterable[Any]) -> None:
        async for _ in events:
            break  # reads one event of each node, then stops
        if how == "aclose":
            await events.aclose()  # type: ignore[attr-defined]

    send, receive = trio.open_memory_channel[Any](100)
    result = await Agent(calling()).run("go", event_stream_handler=handler, event_channel=send)
    async with receive:
        seen = [type(event).__name__ async for event in receive]
    assert result.output == "done"
    assert seen == ["PartStartEvent", "FinalResultEvent", "PartEndEvent", "AgentRunResultEvent"]
