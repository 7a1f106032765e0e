"""``AgentRun.cancel()``: ending a run on purpose, from a task or a thread, keeping what it completed."""

from __future__ import annotations

import threading

import pytest
import trio
import trio.testing

from conftest import task_names
from trio_agent import Agent, End, RunCancelled
from trio_agent.messages import ModelMessage, ModelMessagesTypeAdapter, ModelResponse, TextPart, ToolCallPart
from trio_agent.models.function import AgentInfo, FunctionModel


def slow_agent() -> tuple[Agent[None, str], list[str]]:
    started: list[str] = []

    async def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        started.append("model")
        await trio.sleep(10)
        if len(messages) == 1:
            return ModelResponse(parts=[ToolCallPart("tool", {}, "c1")])
        return ModelResponse(parts=[TextPart("finished")])

    async def tool() -> str:  # async: a thread would let the autojump clock leap while it runs
        return "tool ran"

    agent: Agent[None, str] = Agent(FunctionModel(model))
    agent.tool_plain(tool)
    return agent, started


async def test_cancel_from_a_sibling_task_interrupts_the_step(autojump_clock: trio.testing.MockClock) -> None:
    agent, started = slow_agent()
    before = task_names()
    async with trio.open_nursery() as nursery:  # (outside the run's block: RunCancelled leaves it as itself)
        with pytest.raises(RunCancelled) as info:
            async with agent.iter("go") as run:

                async def canceller() -> None:
                    await trio.sleep(15)  # mid-way through the second model call
                    run.cancel("user pressed stop")

                nursery.start_soon(canceller)
                async for _ in run:
                    pass
    assert info.value.reason == "user pressed stop"
    assert str(info.value) == "The run was cancelled: user pressed stop"
    messages = info.value.messages
    assert [m.kind for m in messages] == ["request", "response", "request"]  # the interrupted call left nothing
    assert ModelMessagesTypeAdapter.validate_json(ModelMessagesTypeAdapter.dump_json(messages)) == messages
    assert task_names() == before
    assert run.cancelled
    resumed = await agent.run(message_history=messages)
    assert resumed.output == "finished"
    assert started == ["model", "model", "model"]


async def test_cancel_from_a_thread() -> None:
    async def never_answers(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        await trio.sleep_forever()
        raise AssertionError("unreachable")

    agent = Agent(FunctionModel(never_answers))  # the step can only end by the cancel: no race with the thread
    async with trio.open_nursery() as nursery:
        with pytest.raises(RunCancelled) as info:
            async with agent.iter("go") as run:
                node = await run.next(run.next_node)  # type: ignore[arg-type]

                async def cancel_from_thread() -> None:
                    thread = threading.Thread(target=run.cancel, args=("from a thread",))
                    thread.start()
                    await trio.to_thread.run_sync(thread.join)

                nursery.start_soon(cancel_from_thread)
                await run.next(node)
    assert info.value.reason == "from a thread"
    assert [m.kind for m in info.value.messages] == ["request"]


async def test_cancel_between_steps_is_level_triggered() -> None:
    agent = Agent(FunctionModel(lambda m, i: ModelResponse(parts=[TextPart("x")])))
    with pytest.raises(RunCancelled) as at_exit:
        async with agent.iter("go") as run:
            first = await run.next(run.next_node)  # type: ignore[arg-type]
            run.cancel()
            for _ in range(2):
                with pytest.raises(RunCancelled):
                    await run.next(first)  # type: ignore[arg-type]
            with pytest.raises(RunCancelled):
                async for _ in run:
                    pass
    assert at_exit.value.reason is None
    assert run.next_node is first  # none of the refused calls advanced the run
    assert [m.kind for m in at_exit.value.messages] == ["request"]


async def test_cancelling_an_ended_run_changes_nothing() -> None:
    agent = Agent(FunctionModel(lambda m, i: ModelResponse(parts=[TextPart("x")])))
    async with agent.iter("go") as run:
        async for node in run:  # noqa: B007 - the last node is checked below
            pass
        run.cancel("too late")
    assert isinstance(node, End)
    assert not run.cancelled
    assert run.result is not None
    assert run.result.output == "x"


async def test_trio_cancellation_is_still_trio_cancellation(autojump_clock: trio.testing.MockClock) -> None:
    agent, _ = slow_agent()
    with trio.move_on_after(5) as scope:
        async with agent.iter("go") as run:
            async for _ in run:
                pass
    assert scope.cancelled_caught
    assert not run.cancelled
