"""Where the time goes: W1 and W2 under cProfile (functions by their own time), and W5's garbage collection.

Usage: ``python benchmarks/profile_engine.py w1|w2 [top]`` or ``python benchmarks/profile_engine.py w5 [N]``.

cProfile slows Python code several times over, so read its output for proportions, not for the figures the
benchmarks report. For W5 the collector is timed with ``gc.callbacks``: collections and seconds per
generation, beside the workload's own JSON line.
"""

from __future__ import annotations

import cProfile
import gc
import pstats
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import trio
import w1_single_turn
import w2_tool_loop
import w5_concurrent_runs

from trio_agent import Agent
from trio_agent.models.function import FunctionModel


def profile_runs(body: Callable[[], Awaitable[Any]], runs: int, top: int) -> None:
    async def many(count: int) -> None:
        for _ in range(count):
            await body()

    trio.run(many, runs // 10)  # warm up: schemas and caches built, code paths taken once
    profiler = cProfile.Profile()
    profiler.enable()
    trio.run(many, runs)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


def profile_gc(n: int) -> None:
    started: list[float] = []
    totals: dict[int, list[float]] = {0: [0, 0.0], 1: [0, 0.0], 2: [0, 0.0]}

    def timer(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(time.perf_counter())
        else:
            entry = totals[info["generation"]]
            entry[0] += 1
            entry[1] += time.perf_counter() - started.pop()

    gc.callbacks.append(timer)
    try:
        trio.run(w5_concurrent_runs.main, n)
    finally:
        gc.callbacks.remove(timer)
    for generation, (count, seconds) in totals.items():
        print(f"gc generation {generation}: {count:5d} collections, {seconds:6.2f} s")


def main() -> None:
    which = sys.argv[1] if len(sys.argv) > 1 else "w2"
    arg = int(sys.argv[2]) if len(sys.argv) > 2 else None
    if which == "w1":
        agent: Agent[None, str] = Agent(FunctionModel(w1_single_turn.answer))
        profile_runs(lambda: agent.run("What is the capital of France?"), 2000, arg or 25)
    elif which == "w2":
        agent = Agent(FunctionModel(w2_tool_loop.loop), tools=[w5_concurrent_runs.step])  # (async, as in W2)
        profile_runs(lambda: agent.run("go"), 2000, arg or 25)
    elif which == "w5":
        profile_gc(arg or 10_000)
    else:
        raise SystemExit(f"Unknown workload {which!r}: expected `w1`, `w2` or `w5`.")


if __name__ == "__main__":
    main()
