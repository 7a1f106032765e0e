"""Every async API is a checkpoint: runs notice cancellation before their first step, every step lets other
tasks run, and long work inside a step yields as it goes."""

from __future__ import annotations

from typing import Any

import pytest
import trio
import trio.testing

from trio_agent import Agent
from trio_agent.messages import ModelMessage, ModelRequest, ModelResponse, TextPart, ToolCallPart, UserPromptPart
from trio_agent.models.function import AgentInfo, FunctionModel
from trio_agent.models.test import TestModel


async def never_blocks(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    turn = sum(isinstance(m, ModelResponse) for m in messages)
    if turn < 4:
        return ModelResponse(parts=[ToolCallPart("step", {"n": turn}, f"c{turn}")])
    return ModelResponse(parts=[TextPart("done")])


def looping_agent() -> Agent[None, str]:
    agent = Agent(FunctionModel(never_blocks))

    @agent.tool_plain
    async def step(n: int) -> int:
        return n + 1

    return agent


@pytest.mark.parametrize("model", [TestModel(), FunctionModel(never_blocks)], ids=["TestModel", "FunctionModel"])
async def test_a_run_under_a_cancelled_scope_raises_before_its_first_step(model: Any) -> None:
    calls: list[str] = []

    async def counting(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        calls.append("model")
        return ModelResponse(parts=[TextPart("never")])

    agent = Agent(model)
    with trio.CancelScope() as scope:
        scope.cancel()
        await agent.run("go")
        calls.append("returned")
    assert scope.cancelled_caught
    assert calls == []
    counted = Agent(FunctionModel(counting))
    with trio.CancelScope() as scope:
        scope.cancel()
        await counted.run("go")
    assert calls == []  # the model was never called


async def test_every_model_request_lets_other_tasks_run() -> None:
    agent = looping_agent()
    ticks = 0
    done = False

    async def ticker() -> None:
        nonlocal ticks
        while not done:
            await trio.lowlevel.checkpoint()
            ticks += 1

    async with trio.open_nursery() as nursery:
        nursery.start_soon(ticker)
        await trio.lowlevel.checkpoint()  # the ticker is running
        ticks = 0
        result = await agent.run("go")
        done = True
    assert result.output == "done"
    assert ticks >= 5  # 5 model requests to a model that never blocks, and tools that never block


async def test_a_deadline_stops_a_loop_of_runs_on_a_model_that_never_blocks(mock_clock: trio.testing.MockClock) -> None:
    agent = looping_agent()
    runs = 0

    async def time_passes() -> None:
        while True:
            await trio.lowlevel.checkpoint()
            mock_clock.jump(0.01)

    async with trio.open_nursery() as nursery:
        nursery.start_soon(time_passes)
        with trio.move_on_after(1) as deadline:
            while True:
                await agent.run("go")
                runs += 1
        nursery.cancel_scope.cancel()
    assert deadline.cancelled_caught
    assert 0 < runs < 100


async def test_a_long_history_is_merged_and_estimated_in_pieces() -> None:
    history: list[ModelMessage] = []
    for turn in range(10_000):
        history.append(ModelRequest(parts=[UserPromptPart(f"question {turn}")]))
        history.append(ModelResponse(parts=[TextPart(f"answer {turn}")]))

    async def answer(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[TextPart("done")])

    ticks = 0
    done = False

    async def ticker() -> None:
        nonlocal ticks
        while not done:
            await trio.lowlevel.checkpoint()
            ticks += 1

    async with trio.open_nursery() as nursery:
        nursery.start_soon(ticker)
        await trio.lowlevel.checkpoint()  # the ticker is running
        ticks = 0
        result = await Agent(FunctionModel(answer)).run("and now?", message_history=history)
        done = True
    assert result.output == "done"
    # two merges of 20,001 messages (2,048 a piece) and an estimate of 20,002 (1,024 a piece), besides the request
    assert ticks >= 9 + 9 + 19
    assert result.usage().input_tokens == 50 + 2 * 10_000 + 2  # the estimate over every piece: unchanged
