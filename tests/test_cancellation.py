"""Cancellation: a cancelled step changes nothing, completed steps are kept, nothing outlives the run.

The scripted run has two model turns and a tool in between; every model call and tool call sleeps one
(virtual, autojump-clock) second, so cancelling at t = 0.5, 1.5 and 2.5 interrupts each await point of the
run in turn, and t = 0 interrupts it before anything happened.
"""

from __future__ import annotations

import threading
import time

import pytest
import trio
import trio.testing

from conftest import task_names
from trio_agent import Agent, End, ModelRequestNode, UserError, UserPromptNode, capture_run_messages
from trio_agent.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart
from trio_agent.models.function import AgentInfo, FunctionModel

CANCEL_POINTS = [0, 0.5, 1.5, 2.5]


class Script:
    """A two-turn conversation with a slow model and a slow tool, counting what actually ran."""

    def __init__(self) -> None:
        self.model_calls = 0
        self.tool_runs = 0
        self.agent = Agent(FunctionModel(self.respond))
        self.agent.tool_plain(self.lookup)

    async def respond(self, messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        self.model_calls += 1
        await trio.sleep(1)
        if not any(isinstance(m, ModelResponse) for m in messages):
            return ModelResponse(parts=[ToolCallPart("lookup", {"key": "capital"}, "call_1")])
        return ModelResponse(parts=[TextPart("Paris")])

    async def lookup(self, key: str) -> str:
        await trio.sleep(1)
        self.tool_runs += 1
        return f"{key}=Paris"


async def test_uncancelled_script_takes_three_seconds(autojump_clock: trio.testing.MockClock) -> None:
    script = Script()
    result = await script.agent.run("capital?")
    assert result.output == "Paris"
    assert trio.current_time() == pytest.approx(3)
    assert (script.model_calls, script.tool_runs) == (2, 1)


@pytest.mark.parametrize("cancel_at", CANCEL_POINTS)
async def test_run_cancelled_anywhere_resumes_from_its_history(
    autojump_clock: trio.testing.MockClock, cancel_at: float
) -> None:
    script = Script()
    before = task_names()
    with capture_run_messages() as history, trio.move_on_after(cancel_at) as scope:
        await script.agent.run("capital?")
    assert scope.cancelled_caught
    assert task_names() == before
    kinds = [m.kind for m in history]
    expected_kinds = {
        0: [],  # cancelled before its first step (every step is a checkpoint): nothing happened
        0.5: ["request"],
        1.5: ["request", "response"],
        2.5: ["request", "response", "request"],
    }
    assert kinds == expected_kinds[cancel_at]
    tools_done = script.tool_runs

    resumed = await script.agent.run(None if history else "capital?", message_history=history)
    assert resumed.output == "Paris"
    assert script.tool_runs == 1  # a tool that completed before the cancel is not run again
    assert tools_done == (1 if cancel_at > 2 else 0)
    assert [m.kind for m in resumed.all_messages()] == ["request", "response", "request", "response"]


async def test_each_cancelled_next_leaves_the_run_unchanged_and_the_run_continues(
    autojump_clock: trio.testing.MockClock,
) -> None:
    script = Script()
    outcomes = []
    async with script.agent.iter("capital?") as run:
        node = run.next_node
        while not isinstance(node, End):
            history, usage, step = run.all_messages(), run.usage()._copy(), run.ctx.state.run_step
            with trio.move_on_after(0.5) as scope:
                await run.next(node)
            if scope.cancelled_caught:
                assert run.all_messages() == history
                assert run.usage() == usage
                assert run.ctx.state.run_step == step
                assert run.next_node is node
                # A fresh run resumes from the same history to the same output.
                assert (await script.agent.run(message_history=run.all_messages())).output == "Paris"
            outcomes.append((type(node).__name__, scope.cancelled_caught))
            node = await run.next(node) if scope.cancelled_caught else run.next_node
    assert outcomes == [
        ("UserPromptNode", False),
        ("ModelRequestNode", True),
        ("CallToolsNode", True),
        ("ModelRequestNode", True),
        ("CallToolsNode", False),
    ]
    assert run.result is not None
    assert run.result.output == "Paris"


async def test_cancelled_before_and_just_after_the_hand_off(autojump_clock: trio.testing.MockClock) -> None:
    script = Script()
    async with script.agent.iter("capital?") as run:
        node = run.next_node
        with trio.CancelScope() as scope:
            scope.cancel()
            await run.next(node)  # cancelled before the command is sent
        assert run.next_node is node
        with trio.move_on_after(0):
            await run.next(node)  # the command reaches the driver, which abandons the step
        assert run.next_node is node
        assert isinstance(node, UserPromptNode)
        assert isinstance(await run.next(node), ModelRequestNode)


async def test_cancelling_the_block_cancels_model_and_tools(autojump_clock: trio.testing.MockClock) -> None:
    script = Script()
    before = task_names()
    with trio.move_on_after(1.5) as scope:
        async with script.agent.iter("capital?") as run:
            async for _ in run:
                pass
    assert scope.cancelled_caught
    assert task_names() == before
    assert script.tool_runs == 0
    with pytest.raises(UserError, match=r"after the run's `async with agent\.iter\(\.\.\.\)` block exited"):
        run.enqueue("after")
    assert run.pending_messages == []


async def test_parallel_tools_are_all_cancelled(autojump_clock: trio.testing.MockClock) -> None:
    finished = []

    async def model_fn(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[ToolCallPart("slow", {"n": n}, f"c{n}") for n in range(3)])

    agent = Agent(FunctionModel(model_fn))

    @agent.tool_plain
    async def slow(n: int) -> int:
        await trio.sleep(10)
        finished.append(n)
        return n

    before = task_names()
    with trio.move_on_after(5):
        await agent.run("go")
    assert task_names() == before
    assert finished == []
    await trio.sleep(20)
    assert finished == []


async def test_a_blocked_sync_tool_does_not_block_cancellation() -> None:
    release = threading.Event()

    async def model_fn(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[ToolCallPart("blocking", {}, "c1")])

    agent = Agent(FunctionModel(model_fn))

    @agent.tool_plain
    def blocking() -> str:
        release.wait(10)
        return "late"

    before = task_names()
    with trio.move_on_after(0.05) as scope:
        await agent.run("go")
    release.set()
    assert scope.cancelled_caught
    assert task_names() == before


async def test_an_abandoned_sync_tool_thread_runs_on_holding_its_slot_until_it_notices() -> None:
    """Python cannot stop a thread: a cancelled sync tool's thread runs on, keeps its limiter slot, and its result
    is discarded; ``trio.from_thread.check_cancelled()`` lets the tool notice and stop."""
    started, proceed, stopped = threading.Event(), threading.Event(), threading.Event()
    checks: list[str] = []

    async def model_fn(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[ToolCallPart("polling", {}, "c1")])

    limiter = trio.CapacityLimiter(1)
    agent = Agent(FunctionModel(model_fn), thread_limiter=limiter)

    @agent.tool_plain
    def polling() -> str:
        started.set()
        proceed.wait(5)
        try:
            while True:
                trio.from_thread.check_cancelled()  # raises Cancelled once the run has abandoned this thread
                checks.append("running")
                time.sleep(0.005)
        finally:
            stopped.set()

    with capture_run_messages() as messages, trio.move_on_after(5) as scope:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(agent.run, "go")
            await trio.to_thread.run_sync(started.wait)
            nursery.cancel_scope.cancel()
    assert not scope.cancelled_caught
    assert limiter.borrowed_tokens == 1  # the thread still holds its slot after the run is gone
    proceed.set()
    await trio.to_thread.run_sync(stopped.wait, 5)
    for _ in range(100):
        if limiter.borrowed_tokens == 0:
            break
        await trio.sleep(0.01)
    assert limiter.borrowed_tokens == 0  # released once the thread actually returned
    assert stopped.is_set()
    assert checks == []  # its first check raised: it had been abandoned
    assert [type(m).__name__ for m in messages] == ["ModelRequest", "ModelResponse"]  # no tool return recorded
