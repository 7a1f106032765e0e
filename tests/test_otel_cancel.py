"""A traced run cancelled anywhere leaves no span open: cancelled at every checkpoint of a scripted run (the
cancellation harness's instrument), and with ``run.cancel()``, each span it opened ends with status ``ERROR``
and the exception recorded, and a run that completed is not marked failed."""

from __future__ import annotations

import traceback
from typing import Any

import pytest
import trio
from trio.testing import MockClock

from otel_support import Otel, failed_with
from test_cancel_harness import FINAL, cancel_everywhere, scripted_agent
from trio_agent import AgentRunResultEvent, RunCancelled
from trio_agent.messages import ModelResponse, TextPart
from trio_agent.models.function import FunctionModel


def check_spans(otel: Otel, *, cancelled: bool, completed: bool) -> None:
    """No span is open; every span that failed recorded its exception (``failed_with`` checks that) and failed by
    cancellation; the run span failed unless the run had ended first (a cancel can still reach its consumer
    after that: the span then stands, and every request it made succeeded)."""
    assert not otel.open_spans.open
    for span in otel.spans:
        assert failed_with(span) in (None, "Cancelled"), span.name
    runs = otel.named("invoke_agent")
    assert len(runs) <= 1
    if completed:
        assert len(runs) == 1
        assert failed_with(runs[0]) is None
    if runs and failed_with(runs[0]) is None:
        chats = otel.named("chat")
        assert len(chats) >= 2
        assert all(failed_with(span) is None for span in otel.spans)
    elif runs:
        assert cancelled
        assert failed_with(runs[0]) == "Cancelled"
    otel.clear()


def traced_agent() -> tuple[Otel, Any]:
    """The cancellation harness's scripted agent, traced to an in-memory exporter."""
    otel = Otel()
    agent = scripted_agent()
    agent.instrument = otel.settings
    return otel, agent


@pytest.mark.parametrize("way", ["run", "iter", "run_stream_events", "run_stream"])
async def test_cancelled_at_every_checkpoint_every_span_ends(way: str, autojump_clock: MockClock) -> None:
    otel, agent = traced_agent()
    outcomes: list[bool] = []

    async def attempt(scope: trio.CancelScope) -> None:
        completed = False
        try:
            if way == "run":
                completed = (await agent.run("go")).output == FINAL
            elif way == "iter":
                async with agent.iter("go") as run:

                    async def steer() -> None:
                        await trio.sleep(0.5)
                        run.enqueue("also: be brief")

                    async with trio.open_nursery() as nursery:
                        nursery.start_soon(steer)
                        async for _ in run:
                            pass
                completed = run.result is not None
            elif way == "run_stream_events":
                async with agent.run_stream_events("go") as events:
                    async for event in events:
                        completed = isinstance(event, AgentRunResultEvent)
            else:
                async with agent.run_stream("go") as stream:
                    completed = await stream.get_output() == FINAL
        finally:
            check_spans(otel, cancelled=scope.cancel_called, completed=completed)
        outcomes.append(completed)

    assert await cancel_everywhere(f"traced {way}", attempt) > 10
    assert outcomes[-1] is True


async def test_run_cancel_between_steps_records_run_cancelled(autojump_clock: MockClock) -> None:
    otel, agent = traced_agent()
    with pytest.raises(RunCancelled):
        async with agent.iter("go") as run:
            async for node in run:
                if agent.is_call_tools_node(node):
                    run.cancel("the user pressed Stop")
    assert not otel.open_spans.open
    span = otel.one("invoke_agent")
    assert failed_with(span) == "RunCancelled"
    assert "the user pressed Stop" in (span.status.description or "")
    assert failed_with(otel.one("chat")) is None  # the request it made had completed


async def test_run_cancel_during_a_request_ends_the_request_span_too(autojump_clock: MockClock) -> None:
    otel, agent = traced_agent()
    started = trio.Event()

    async def slow(messages: Any, info: Any) -> ModelResponse:
        started.set()
        await trio.sleep(60)
        return ModelResponse(parts=[TextPart("late")])

    stopped = False

    async def stop(run: Any) -> None:
        await started.wait()
        run.cancel("too slow")

    async with trio.open_nursery() as nursery:
        try:
            async with agent.iter("go", model=FunctionModel(slow)) as run:
                nursery.start_soon(stop, run)
                async for _ in run:
                    pass
        except RunCancelled:
            stopped = True
    assert stopped
    assert not otel.open_spans.open
    assert failed_with(otel.one("invoke_agent")) == "RunCancelled"
    assert failed_with(otel.one("chat")) == "Cancelled"


async def test_leaving_the_block_early_records_why(autojump_clock: MockClock) -> None:
    otel, agent = traced_agent()
    async with agent.iter("go") as run:
        async for _ in run:
            break
    span = otel.one("invoke_agent")
    assert failed_with(span) == "RunCancelled"
    assert "exited before it ended" in (span.status.description or "")


async def test_an_error_leaving_the_block_is_what_the_run_span_records(autojump_clock: MockClock) -> None:
    otel, agent = traced_agent()
    with pytest.raises(LookupError, match="consumer broke") as caught:
        async with agent.iter("go") as run:
            async for _ in run:
                raise LookupError("consumer broke")
    assert failed_with(otel.one("invoke_agent")) == "LookupError"
    frames = [frame.f_code.co_name for frame, _ in traceback.walk_tb(caught.value.__traceback__)]
    assert "wait_for_run" not in frames  # (the hook saw it raised, but the error's own traceback is unchanged)


async def test_a_streamed_run_cancelled_ends_every_span(autojump_clock: MockClock) -> None:
    otel, agent = traced_agent()
    with pytest.raises(RunCancelled):
        async with agent.run_stream("go") as stream:
            async for _ in stream.stream_text():
                stream.cancel("enough")
    assert not otel.open_spans.open
    assert failed_with(otel.one("invoke_agent")) == "Cancelled"
