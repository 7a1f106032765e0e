"""Sync tools' worker threads: a limiter of their own, timeouts that start with the thread, abandoned threads
reported and unable to steer the run any more (see ``trio_agent._tools.threads``)."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest
import trio
import trio.testing

from conftest import scripted_model
from trio_agent import Agent, RunContext, UserError
from trio_agent._tools.threads import DEFAULT_TOOL_THREADS, tool_thread_limiter
from trio_agent.messages import ModelMessage, ModelRequest, ModelResponse, RetryPromptPart, TextPart, ToolCallPart
from trio_agent.models.function import AgentInfo, FunctionModel


async def wait_for(event: threading.Event) -> None:
    """Wait (in trio's own worker thread, not a tool's) until a tool's thread sets ``event``."""
    assert await trio.to_thread.run_sync(event.wait, 10)


async def test_sync_tools_use_their_own_limiter_not_trios_default() -> None:
    seen: list[tuple[int, int, float]] = []

    agent = Agent(scripted_model([ToolCallPart("look", {}, "c1")], [TextPart("done")]))
    looked = threading.Event()

    @agent.tool_plain
    def look() -> str:
        looked.wait(10)  # (until `watch` has looked: a tool that returned at once would race it)
        return "ok"

    async def watch() -> None:
        limiter = tool_thread_limiter()
        await trio.testing.wait_all_tasks_blocked()
        seen.append(
            (
                limiter.borrowed_tokens,
                trio.to_thread.current_default_thread_limiter().borrowed_tokens,
                limiter.total_tokens,
            )
        )
        looked.set()

    async with trio.open_nursery() as nursery:
        nursery.start_soon(watch)
        await agent.run("go")
    assert seen == [(1, 0, DEFAULT_TOOL_THREADS)]  # the tool's thread held a slot of the tool limiter only


async def test_a_timeout_counts_from_the_thread_not_from_the_queue(mock_clock: trio.testing.MockClock) -> None:
    started = {1: threading.Event(), 2: threading.Event()}
    release = {1: threading.Event(), 2: threading.Event()}
    a_call_started = threading.Event()
    agent = Agent(
        scripted_model([ToolCallPart("wait", {"k": 1}, "c1"), ToolCallPart("wait", {"k": 2}, "c2")], [TextPart("ok")]),
        thread_limiter=trio.CapacityLimiter(1),
        tool_timeout=10,
    )

    @agent.tool_plain
    def wait(k: int) -> str:
        started[k].set()
        a_call_started.set()
        release[k].wait(10)
        return f"done {k}"

    async with trio.open_nursery() as nursery:
        results: list[Any] = []

        async def run() -> None:
            results.append(await agent.run("go"))

        nursery.start_soon(run)
        await wait_for(a_call_started)  # (either call may take the only slot first)
        first, second = (1, 2) if started[1].is_set() else (2, 1)
        mock_clock.jump(8)  # the second call waits for the slot meanwhile
        release[first].set()
        await wait_for(started[second])
        mock_clock.jump(8)  # 16 s since the step started, 8 s since the second call's thread did: within 10 s
        release[second].set()
    [result] = results
    returns = [p.content for p in result.all_messages()[2].parts]
    assert returns == ["done 1", "done 2"]  # neither timed out


async def test_an_abandoned_thread_is_reported_and_cannot_enqueue(
    mock_clock: trio.testing.MockClock, caplog: pytest.LogCaptureFixture
) -> None:
    started, release, finished = threading.Event(), threading.Event(), threading.Event()
    refusals: list[BaseException] = []
    calls: list[list[ModelMessage]] = []

    async def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        calls.append(list(messages))
        if len(calls) == 1:
            return ModelResponse(parts=[ToolCallPart("stuck", {}, "c1")])
        return ModelResponse(parts=[TextPart("gave up on it")])

    agent = Agent(FunctionModel(model), tool_timeout=5)

    @agent.tool
    def stuck(ctx: RunContext[None]) -> str:
        started.set()
        release.wait(10)
        try:
            ctx.enqueue("from a thread the run abandoned")
        except UserError as exc:
            refusals.append(exc)
        finally:
            finished.set()
        return "too late"

    caplog.set_level(logging.INFO, logger="trio_agent.tools")
    async with trio.open_nursery() as nursery:
        results: list[Any] = []

        async def run() -> None:
            results.append(await agent.run("go"))

        nursery.start_soon(run)
        await wait_for(started)
        mock_clock.jump(6)  # the call times out: the model is asked to retry, the thread runs on
        await trio.testing.wait_all_tasks_blocked()
    [result] = results
    assert result.output == "gave up on it"
    assert isinstance(calls[1][-1], ModelRequest)
    assert calls[1][-1].parts == [
        RetryPromptPart(
            "Timed out after 5 seconds.",
            tool_name="stuck",
            tool_call_id="c1",
            timestamp=calls[1][-1].parts[0].timestamp,
        )
    ]
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    assert caplog.records[0].getMessage().startswith("Tool 'stuck' was cancelled while its thread was running")

    release.set()
    await wait_for(finished)
    [refusal] = refusals
    assert str(refusal).startswith("`enqueue` was called from the call of tool 'stuck', which timed out")
    for _ in range(100):  # the thread's end is reported from the trio thread, soon after it returns
        if len(caplog.records) == 2:
            break
        await trio.lowlevel.checkpoint()
    assert [r.levelname for r in caplog.records] == ["WARNING", "INFO"]
    assert caplog.records[1].getMessage().startswith("The abandoned thread of tool 'stuck' returned after")
    assert tool_thread_limiter().borrowed_tokens == 0  # its slot came back when it really ended
