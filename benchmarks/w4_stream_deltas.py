"""W4: a stream function yielding N text deltas (default 2,000), consumed through ``run_stream_events``.

Usage: ``python benchmarks/w4_stream_deltas.py [N]``. Prints deltas per second and, from one extra run with a
trio instrument timing every task step, the longest time the run went without a checkpoint (``max_step_ms``:
how long the stream can hold up every other task).
"""

from __future__ import annotations

import sys
import time
from collections.abc import AsyncIterator

import trio
import trio.abc
import trio.lowlevel
from _harness import emit, measure

from trio_agent import Agent
from trio_agent.messages import ModelMessage, PartDeltaEvent
from trio_agent.models.function import AgentInfo, FunctionModel


class StepTimer(trio.abc.Instrument):
    """Records the longest task step (time between a task resuming and its next checkpoint)."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._started: float | None = None  # (the step that installs the instrument ends without starting)

    def before_task_step(self, task: trio.lowlevel.Task) -> None:
        self._started = time.perf_counter()

    def after_task_step(self, task: trio.lowlevel.Task) -> None:
        if self._started is not None:
            self.longest = max(self.longest, time.perf_counter() - self._started)


def main() -> None:
    deltas = int(sys.argv[1]) if len(sys.argv) > 1 else 2000

    async def many_deltas(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        for _ in range(deltas):
            yield "tok "

    agent = Agent(FunctionModel(stream_function=many_deltas))
    seen = [0]

    async def body() -> None:
        async with agent.run_stream_events("go") as events:
            async for event in events:
                if isinstance(event, PartDeltaEvent):
                    seen[0] += 1

    iterations = max(1, 10_000 // deltas)  # 5 for the default 2,000, as before; 1 for long streams
    warmup = min(2, iterations)
    figures = measure(body, iterations=iterations, warmup=warmup)
    assert seen[0] == (deltas - 1) * (5 * iterations + warmup)  # the first chunk starts the part, the rest are deltas

    timer = StepTimer()

    async def timed() -> None:
        await body()  # warm up in this trio run first, so that one-time costs do not count as a step
        trio.lowlevel.add_instrument(timer)
        await body()

    trio.run(timed)
    emit(
        f"W4 {deltas:,}-delta stream via run_stream_events",
        deltas_per_s=round(deltas / (figures["wall_us"] / 1e6)),
        us_per_delta=round(figures["wall_us"] / deltas, 2),
        max_step_ms=round(timer.longest * 1e3, 2),
    )


if __name__ == "__main__":
    main()
