"""W5: N concurrent five-turn runs (four tool turns, then text), each model call taking 50 ms (simulated).

Usage: ``python w5_concurrent_runs.py N [nogc] [bare]``. Reports wall seconds, runs per second and the RSS
growth per concurrent run (peak RSS during the runs minus RSS before, divided by N). ``nogc`` disables CPython's
cyclic garbage collector during the runs, to show how much of the wall time it takes. ``bare`` runs the same
shape with no engine (N trio tasks, each sleeping 50 ms five times and awaiting the tool four times): the floor
trio itself sets on this machine.
"""

from __future__ import annotations

import gc
import sys
import time

import trio
from _harness import current_rss_kb, emit

from trio_agent import Agent
from trio_agent.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart
from trio_agent.models.function import AgentInfo, FunctionModel

TURNS = 5


async def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    await trio.sleep(0.05)
    turn = sum(1 for m in messages if isinstance(m, ModelResponse))
    if turn < TURNS - 1:
        return ModelResponse(parts=[ToolCallPart("step", {"n": turn}, f"c{turn}")])
    return ModelResponse(parts=[TextPart("done")])


async def step(n: int) -> int:
    return n + 1


async def bare_run() -> str:
    """A five-turn run's awaits without the engine."""
    for turn in range(TURNS):
        await trio.sleep(0.05)
        if turn < TURNS - 1:
            await step(turn)
    return "done"


async def main(n: int, collect: bool = True, bare: bool = False) -> None:
    agent = Agent(FunctionModel(model), tools=[step])
    run = bare_run if bare else lambda: agent.run("go")
    await run()
    gc.collect()
    before = current_rss_kb()
    peak = before
    done = 0

    async def one() -> None:
        nonlocal done
        result = await run()
        assert (result if bare else result.output) == "done"
        done += 1

    async def watch_memory() -> None:
        nonlocal peak
        while True:
            peak = max(peak, current_rss_kb())
            await trio.sleep(0.02)

    if not collect:
        gc.disable()
    wall, cpu = time.perf_counter(), time.process_time()
    async with trio.open_nursery() as nursery:
        nursery.start_soon(watch_memory)
        async with trio.open_nursery() as runs:
            for _ in range(n):
                runs.start_soon(one)
        nursery.cancel_scope.cancel()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert done == n
    emit(
        f"W5 {n} concurrent five-turn runs (50 ms model latency){'' if collect else ', gc disabled'}"
        f"{', bare trio (no engine)' if bare else ''}",
        wall_s=round(wall, 2),
        runs_per_s=round(n / wall),
        cpu_s=round(cpu, 2),
        rss_per_run_kb=round((peak - before) / n, 1),
    )


if __name__ == "__main__":
    trio.run(main, int(sys.argv[1]) if len(sys.argv) > 1 else 1000, "nogc" not in sys.argv[2:], "bare" in sys.argv[2:])
