"""The cancellation harness: a scripted run with everything in it — streamed model turns, parallel tools, a
sync tool in a thread, content enqueued by a sibling task, an event consumer — cancelled at every checkpoint
in turn (every task step of the trio run, counted by an instrument), until a run completes uncancelled.

After each cancel: no task of the run is alive, every channel the run opened is closed, the HTTP pool (for
the provider variant) has no connection checked out, ``all_messages()`` validates, and a new run resumes from
it to the same final output as an uncancelled run. ``KeyboardInterrupt`` mid-run unwinds the same way.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import trio
import trio.testing

from conftest import task_names
from trio_agent import Agent, AgentRun, AgentRunResultEvent, capture_run_messages
from trio_agent.messages import ModelMessage, ModelMessagesTypeAdapter, ModelResponse, TextPart, ToolCallPart
from trio_agent.models.function import AgentInfo, DeltaToolCall, FunctionModel
from trio_agent.models.openai import OpenAIChatModel
from trio_agent.providers._shared_clients import PoolShards
from trio_agent.providers.openai import OpenAIProvider
from trio_agent.testing import FakeLLMServer

FINAL = "All done."
REPORT: dict[str, int] = {}


class CancelAtStep(trio.abc.Instrument):
    """Cancels ``scope`` just before the ``k``-th task step of the trio run."""

    def __init__(self, k: int, scope: trio.CancelScope) -> None:
        self.k, self.scope, self.steps = k, scope, 0

    def before_task_step(self, task: trio.lowlevel.Task) -> None:
        self.steps += 1
        if self.steps == self.k:
            self.scope.cancel()


def scripted_agent() -> Agent[None, str]:
    async def respond(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[Any]:
        await trio.sleep(1)
        if not any(isinstance(m, ModelResponse) for m in messages):
            yield "Checking"
            await trio.sleep(1)
            yield {1: DeltaToolCall("fetch", '{"n": 1}', tool_call_id="f1")}
            yield {2: DeltaToolCall("fetch", '{"n": 2}', tool_call_id="f2")}
            yield {3: DeltaToolCall("compute", '{"x": 3}', tool_call_id="c1")}
            return
        for piece in ("All ", "done."):
            await trio.sleep(1)
            yield piece

    async def plain(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        await trio.sleep(1)
        if not any(isinstance(m, ModelResponse) for m in messages):
            return ModelResponse(parts=[ToolCallPart("fetch", {"n": 1}, "f1"), ToolCallPart("compute", {"x": 3}, "c1")])
        return ModelResponse(parts=[TextPart(FINAL)])

    agent: Agent[None, str] = Agent(FunctionModel(plain, stream_function=respond))

    @agent.tool_plain
    async def fetch(n: int) -> int:
        await trio.sleep(n)
        return n

    @agent.tool_plain
    def compute(x: int) -> int:  # sync: runs in a worker thread
        return x * x

    return agent


def channel_closed(channel: Any) -> bool:
    stats = channel.statistics()
    return stats.open_send_channels == 0 or stats.open_receive_channels == 0


def check_run_left_nothing(run: AgentRun[Any, Any] | None, baseline: list[str]) -> None:
    assert task_names() == baseline
    if run is not None:
        assert channel_closed(run._commands)
        assert channel_closed(run._outcomes)
        assert run._driver.mailbox._closed_reason


async def resumes_to_the_same_output(agent: Agent[None, str], history: list[ModelMessage]) -> None:
    assert ModelMessagesTypeAdapter.validate_json(ModelMessagesTypeAdapter.dump_json(history)) == history
    result = await agent.run(message_history=history) if history else await agent.run("go")
    assert result.output == FINAL


async def cancel_everywhere(name: str, attempt: Callable[[trio.CancelScope], Awaitable[None]]) -> int:
    """Run ``attempt`` with a cancel at each task step in turn; return how many steps were cancelled."""
    for k in range(1, 5000):
        with trio.CancelScope() as scope:
            instrument = CancelAtStep(k, scope)
            trio.lowlevel.add_instrument(instrument)
            try:
                await attempt(scope)
            finally:
                trio.lowlevel.remove_instrument(instrument)
        if not scope.cancelled_caught:
            REPORT[name] = k - 1
            print(f"\n{name}: cancelled at {k - 1} checkpoints, each left nothing behind and resumed")
            return k - 1
    raise AssertionError("the scripted run never completed")


async def test_iter_with_events_and_a_sibling_enqueue_cancelled_everywhere(
    autojump_clock: trio.testing.MockClock,
) -> None:
    agent = scripted_agent()
    baseline = task_names()
    completed: list[Any] = []

    async def attempt(scope: trio.CancelScope) -> None:
        run: AgentRun[Any, Any] | None = None
        send, receive = trio.open_memory_channel[Any](0)
        try:
            async with trio.open_nursery() as nursery:

                async def consume() -> None:
                    async with receive:
                        async for _ in receive:
                            pass

                nursery.start_soon(consume)
                async with agent.iter("go", event_channel=send) as run:

                    async def steer() -> None:
                        await trio.sleep(0.5)
                        run.enqueue("also: be brief")  # type: ignore[union-attr]

                    nursery.start_soon(steer)
                    async for _ in run:
                        pass
        finally:
            if scope.cancel_called:
                check_run_left_nothing(run, baseline)
                assert channel_closed(send)
        if run is not None and run.result is not None:  # it ran to its end (a cancel, if any, came after)
            completed.append(run.result.output)
        if scope.cancel_called and run is not None:
            await resumes_to_the_same_output(agent, run.all_messages())

    assert await cancel_everywhere("iter + events + enqueue", attempt) > 20
    assert completed, "no attempt ran to the end"  # the last one, at least
    assert set(completed) == {FINAL}


async def test_run_stream_events_cancelled_everywhere(autojump_clock: trio.testing.MockClock) -> None:
    agent = scripted_agent()
    baseline = task_names()
    completed: list[Any] = []

    async def attempt(scope: trio.CancelScope) -> None:
        seen: list[Any] = []
        with capture_run_messages() as history:
            try:
                async with agent.run_stream_events("go") as events:
                    async for event in events:
                        seen.append(event)
            finally:
                if scope.cancel_called:
                    assert task_names() == baseline
        if seen and isinstance(seen[-1], AgentRunResultEvent):  # the stream ran to its end, with the result
            completed.append(seen[-1].result.output)
        if scope.cancel_called:
            await resumes_to_the_same_output(agent, history)

    assert await cancel_everywhere("run_stream_events", attempt) > 20
    assert completed, "no attempt ran to the end"  # the last one, at least
    assert set(completed) == {FINAL}


def pool_idle(provider: OpenAIProvider) -> bool:
    """Whether no request holds a connection in any of the shared client's pools (see ``PoolShards``)."""
    transport = provider.client._transport  # (httpx2's own transport when the environment sets a proxy)
    shards = transport._pools if isinstance(transport, PoolShards) else [transport]
    pools = [shard._pool for shard in shards if shard is not None]  # type: ignore[attr-defined]
    assert pools
    return all(not pool._requests and all(c.is_idle() or c.is_closed() for c in pool.connections) for pool in pools)


async def test_http_provider_runs_cancelled_everywhere(fake_llm_server: FakeLLMServer) -> None:
    provider = OpenAIProvider(base_url=fake_llm_server.base_url_openai, api_key="sk-harness")
    agent: Agent[None, str] = Agent(OpenAIChatModel("m", provider=provider))
    agent.tool_plain(lambda city: "sunny", name="get_weather")
    await agent.run("warm up")  # the provider's client (and the system task that owns it) now exist

    def run_tasks() -> list[str]:
        return [t for t in task_names() if "FakeLLMServer" not in t]

    baseline = run_tasks()
    completed: list[Any] = []  # the outputs of the attempts that ran to their end

    async def attempt(scope: trio.CancelScope) -> None:
        with capture_run_messages() as history:
            try:
                if len(fake_llm_server.requests) % 2:
                    completed.append((await agent.run("go")).output)
                else:
                    async with agent.run_stream_events("go") as events:
                        async for event in events:
                            if isinstance(event, AgentRunResultEvent):
                                completed.append(event.result.output)
            finally:
                if scope.cancel_called:
                    assert pool_idle(provider)
                    assert run_tasks() == baseline
        if scope.cancel_called:
            assert ModelMessagesTypeAdapter.validate_json(ModelMessagesTypeAdapter.dump_json(history)) == history
            resumed = await agent.run(message_history=history) if history else await agent.run("go")
            assert resumed.output == "done"

    # The server answers with its default: a tool call, then "done" (as JSON or as a stream).
    assert await cancel_everywhere("HTTP provider", attempt) > 10
    assert completed, "no attempt ran to the end"  # the last one, at least
    assert set(completed) == {"done"}


async def test_keyboard_interrupt_mid_run_unwinds_like_a_cancel(autojump_clock: trio.testing.MockClock) -> None:
    agent = scripted_agent()
    baseline = task_names()

    @agent.tool_plain
    async def interrupt() -> str:
        raise KeyboardInterrupt

    calls = [ToolCallPart("fetch", {"n": 5}, "f1"), ToolCallPart("interrupt", {}, "i1")]
    with capture_run_messages() as history:
        try:
            await agent.run("go", model=FunctionModel(lambda m, i: ModelResponse(parts=calls)))
        except KeyboardInterrupt:
            pass
        else:
            raise AssertionError("KeyboardInterrupt was swallowed")
    assert task_names() == baseline
    assert [m.kind for m in history] == ["request", "response"]  # the interrupted tool step left nothing
    await resumes_to_the_same_output(agent, history[:1])


def test_sigint_during_a_run_unwinds_the_process_cleanly(tmp_path: Any) -> None:
    script = tmp_path / "sigint.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import os, signal, sys, trio
            # A process started in the background by a non-interactive shell inherits SIGINT ignored (and
            # Python then installs no handler, nor does trio): take the default, as a terminal's process has.
            signal.signal(signal.SIGINT, signal.default_int_handler)
            sys.path.insert(0, {os.path.dirname(__file__)!r})
            from trio_agent import Agent, capture_run_messages
            from trio_agent.messages import ModelMessagesTypeAdapter, ModelResponse, TextPart
            from trio_agent.models.function import FunctionModel

            async def model(messages, info):
                os.kill(os.getpid(), signal.SIGINT)
                await trio.sleep(30)
                return ModelResponse(parts=[TextPart("never")])

            async def main():
                with capture_run_messages() as history:
                    try:
                        await Agent(FunctionModel(model)).run("go")
                    finally:
                        ModelMessagesTypeAdapter.validate_python(history)
                        print("history", len(history), flush=True)

            try:
                trio.run(main)
            except KeyboardInterrupt:
                print("interrupted cleanly", flush=True)
            """
        )
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=False)
    assert done.stdout.splitlines() == ["history 1", "interrupted cleanly"], done.stderr
